"""The directory version: what a worker's search index was built from, checked with one read per request.

bump() changes the token in the caller's transaction, so the new token and the change it announces become
visible together. It runs from signals for every saved or deleted group, place, meeting, taxonomy term,
term link and accreditation claim (groups.apps), and explicitly after the writes that send no signal:
bulk inserts (groups.core.bulk, the open-data import), stored next meetings and search fields refreshed
in bulk. key() adds today's date: a badge lapses at the end of its last valid day without any write.
"""

import secrets

from django.utils import timezone

from groups.core.models import DirectoryVersion, Group

ROW = 1
# Bumps made by this process, so its own search index (which may skip reading the version for a moment, see
# groups.directory.facet_index.current_index) reads it again at once after this process changed the directory.
_written = {"count": 0}


def written_here():
    """How many times this process has bumped the version (a write of its own may have changed the directory)."""
    return _written["count"]


def bump():
    """A new token for the directory, written in the current transaction."""
    _written["count"] += 1
    token = secrets.randbits(62)
    if not DirectoryVersion.objects.filter(pk=ROW).update(token=token):
        DirectoryVersion.objects.update_or_create(pk=ROW, defaults={"token": token})


def on_change(sender=None, raw=False, instance=None, **kwargs):
    """Receiver for post_save, post_delete and m2m_changed: any of them may change what the directory shows."""
    if raw or _part_of_a_proposed_change(instance):
        return
    action = kwargs.get("action")
    if action is None or action.startswith("post_"):
        bump()


def _part_of_a_proposed_change(instance):
    """A proposed change (a group with revision_of set), its place, meetings and terms: never public until its
    approval saves the original, which bumps. Skipping them spares every worker a rebuild of its index each
    time a coordinator saves a change in progress."""
    if isinstance(instance, Group):
        return instance.revision_of_id is not None
    group_id = getattr(instance, "group_id", None)
    if group_id is None:
        return False
    if type(instance).group.is_cached(instance):  # a form's meeting or place carries its group: no query
        return instance.group.revision_of_id is not None
    return Group.objects.filter(pk=group_id, revision_of__isnull=False).exists()


def key(today=None):
    """(token, today): one indexed read. Today's date is part of it so an index never outlives a badge."""
    token = DirectoryVersion.objects.filter(pk=ROW).values_list("token", flat=True).first()
    return (token or 0, today or timezone.localdate())
