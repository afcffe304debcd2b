"""What the coordinator pages say about a listing, worked out from the listing and its latest decision."""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from groups.coordination.listing import missing_for_submission
from groups.coordination.models import ModerationDecision
from groups.core.models import Group

Status = Group.Status


def proposed_change(group):
    """The listing's proposed change, if any (from prefetched revisions when there are)."""
    return next(iter(group.revisions.all()), None)


def waiting_on_coordinator(group, last_decision):
    """What, if anything, is waiting on the coordinator, in a line."""
    revision = proposed_change(group)
    change_status = revision.status if revision else None
    if last_decision and last_decision.action == ModerationDecision.Action.CHANGES_REQUESTED and (
        group.status == Status.DRAFT or change_status == Status.REVISION
    ):
        return _("Staff asked for changes: see the reason and edit.")
    if group.status == Status.DRAFT:
        return _("Draft: finish it and submit it for review.")
    if change_status == Status.REVISION:
        return _("Your changes are saved but not yet submitted for review.")
    if change_status == Status.PENDING:
        return _("Your changes are waiting for review. The public sees the approved version.")
    if group.status == Status.PENDING:
        return _("Waiting for review.")
    return ""


def still_needed(group, revision):
    """What the version being edited needs before it can be submitted; nothing for a public listing not being
    changed (it is not the one submitted)."""
    if revision is None and group.takes_proposed_changes:
        return []
    return missing_for_submission(revision or group)


def coordinator_label(person):
    """How a coordinator is named to the others: their display name; their email only if they agreed to it.

    accounts.forms.DisplayNameForm tells people exactly this.
    """
    name = person.display_name or _("Coordinator without a name")
    if person.share_email_with_coordinators:
        return f"{name} ({person.email})"
    return name


def coordinator_rows(coordinators, viewer):
    """(person, label) for the group page's list; the viewer sees their own email address."""
    rows = []
    for person in coordinators:
        # Their own address once: "coord@example.org", not "coord@example.org (coord@example.org)".
        own = f"{person.display_name} ({person.email})" if person.display_name else person.email
        label = own if person == viewer else None
        rows.append((person, label or coordinator_label(person)))
    return rows


def invitation_rows(invitations, coordinator_ids):
    """(invitation, state) for the invitations still waiting: the state in words (void, expired or until when)."""
    rows = []
    for invitation in invitations:
        if invitation.invited_by_id not in coordinator_ids:
            state = _("No longer works: the person who sent it no longer coordinates this group. Send it again "
                      "to give them a new link.")
        elif invitation.is_expired:
            state = _("Expired. Send it again to give them a new link.")
        else:
            state = _("Waiting. The link works until %(date)s.") % {
                "date": date_format(timezone.localtime(invitation.expires_at), "j F Y")
            }
        rows.append((invitation, state))
    return rows


def under_review(group):
    """Whether the version a coordinator edits is waiting in the review queue (a save takes it out)."""
    revision = proposed_change(group)
    return (revision or group).status == Status.PENDING
