"""Signals through which other apps take part when an account is deleted or its data downloaded.

accounts sits below groups: groups uses accounts, never the other way round. Yet deleting an account must
not leave a group with nobody in charge, and the data download includes the groups a person coordinates.
So accounts sends these signals and groups answers them (groups.coordination.account_hooks, connected in
groups.apps.GroupsConfig.ready). With no receiver connected, accounts works on its own.

Every signal is sent with sender=the user model and user=the account. Receivers run in the order they
were connected; an exception in one stops the whole action (deletion rolls back).

- deletion_preview: each receiver returns a dict of template names for the "Delete your account" page
  (groups adds "groups": the groups that will close and those that carry on).
- account_deleting: sent inside the deletion's transaction, before the sessions, email addresses,
  authenticators and the account itself go; receivers deal with what the account leaves behind.
- data_export: each receiver returns a dict of sections added to the download, after the account and
  its sessions (groups adds "coordinated_groups").
"""

from django.dispatch import Signal

deletion_preview = Signal()
account_deleting = Signal()
data_export = Signal()


def collect(signal, *, user):
    """Send `signal` for `user` and merge the dicts its receivers return, in the order they were connected."""
    merged = {}
    for _receiver, response in signal.send(sender=type(user), user=user):
        merged.update(response)
    return merged
