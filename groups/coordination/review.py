"""Staff review of listings: approve, request changes or reject what a coordinator submitted.

Nothing goes public without a decision here. Each decision is checked against the listing's transition table
(Group.ensure_allows), runs in one transaction, is recorded (ModerationDecision) and tells the coordinators there
is news, without saying what (groups.core.notify).

A decision is bound to what the reviewer was shown: the page carries a signed token of the version and snapshot
it showed (seen_token), and a decision on anything else is refused with what changed since (StaleReview).
Four eyes: nobody decides on a listing they submitted, coordinate, or coordinated in the last
FOUR_EYES_COOLDOWN_DAYS (groups.core.permissions.coordinates_or_did_recently), whoever pressed Submit.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from groups.coordination.listing import copy_content, group_changes, group_snapshot, notify_news, record
from groups.coordination.models import ModerationDecision
from groups.core.models import Group
from groups.core.models.group import APPROVE, REJECT, REQUEST_CHANGES
from groups.core.permissions import coordinates_or_did_recently
from groups.core.search import refresh_search_fields
from groups.core.snapshot import changes_since_seen, signed_view

Action = ModerationDecision.Action
SEEN_SALT = "groups.coordination.review.seen"


class StaleReview(Exception):
    """The listing changed after the reviewer opened it: nothing was decided.

    changes: {label: [as shown, now]}, field by field (empty when only its version moved on).
    """

    def __init__(self, changes):
        super().__init__("The listing changed after the review page was opened.")
        self.changes = changes


def seen_token(group):
    """What the review page shows, signed: the decision form carries it back (a reviewer cannot forge it)."""
    return signed_view(group.pk, group.version, group_snapshot(group), salt=SEEN_SALT)


def _ensure_seen(group, seen):
    """Refuse a decision on anything but the version and content the reviewer was shown."""
    changes = changes_since_seen(seen, pk=group.pk, version=group.version, now=group_snapshot(group), salt=SEEN_SALT)
    if changes is not None:
        raise StaleReview(changes)


def decision_conflict(group, reviewer):
    """Why this reviewer may not decide on this listing, or None."""
    if group.submitted_by_id == reviewer.pk:
        return _("You submitted this yourself, so another member of staff must review it.")
    if coordinates_or_did_recently(reviewer, group):
        return _("You coordinate this group, or did in the last %(days)s days, so another member of staff must "
                 "review it.") % {"days": settings.FOUR_EYES_COOLDOWN_DAYS}
    return None


def _locked(group):
    """The listing read again under lock (its published original first, the order coordinators' saves lock in)."""
    if group.revision_of_id:
        Group.objects.select_for_update().filter(pk=group.revision_of_id).first()
    try:
        return Group.objects.select_for_update(of=("self",)).select_related("revision_of").get(pk=group.pk)
    except Group.DoesNotExist:
        raise ValidationError(_("This is not waiting for review.")) from None


def _ensure_can_decide(group, reviewer, action, seen):
    """Run inside the decision's transaction: returns the listing as locked and checked."""
    group = _locked(group)
    conflict = decision_conflict(group, reviewer)
    if conflict:
        raise PermissionDenied(conflict)
    if not group.allows(action):
        raise ValidationError(_("This is not waiting for review."))
    _ensure_seen(group, seen)
    return group


def review_approve(*, group, reviewer, seen):
    """Publish a new listing, or copy an approved change onto the published group (the change is then deleted)."""
    with transaction.atomic():
        group = _ensure_can_decide(group, reviewer, APPROVE, seen)
        if group.revision_of_id:
            original = group.revision_of
            changes = group_changes(original, group)
            copy_content(group, original)
            original.last_confirmed_at = timezone.now()
            original.stale_reminder_sent_at = None
            original.save(update_fields=["last_confirmed_at", "stale_reminder_sent_at"])
            Group.objects.filter(pk=original.pk).update(version=F("version") + 1)
            record(original, Action.APPROVED, reviewer, changes=changes, is_revision=True)
            group.delete()
            notify_news(original)
            return original
        group.status = group.status_after(APPROVE)
        group.last_confirmed_at = timezone.now()
        group.save(update_fields=["status", "last_confirmed_at", "updated_at"])
        record(group, Action.APPROVED, reviewer)
        refresh_search_fields([group])
        notify_news(group)
    return group


def review_request_changes(*, group, reviewer, reason, seen):
    """Send a submission back to its coordinators with a reason they will see."""
    if not reason.strip():
        raise ValidationError(_("Please say what needs to change: the coordinator will see it."))
    with transaction.atomic():
        group = _ensure_can_decide(group, reviewer, REQUEST_CHANGES, seen)
        group.status = group.status_after(REQUEST_CHANGES)
        group.save(update_fields=["status", "updated_at"])
        original = group.revision_of or group
        record(original, Action.CHANGES_REQUESTED, reviewer, reason=reason.strip(),
               is_revision=group.revision_of_id is not None)
        notify_news(original)
    return group


def review_reject(*, group, reviewer, reason, seen):
    """Refuse a new listing (it is closed) or a proposed change (it is discarded), with a reason."""
    if not reason.strip():
        raise ValidationError(_("Please give a reason: the coordinator will see it."))
    with transaction.atomic():
        group = _ensure_can_decide(group, reviewer, REJECT, seen)
        if group.revision_of_id:
            original = group.revision_of
            record(original, Action.REJECTED, reviewer, reason=reason.strip(), is_revision=True,
                   changes=group_changes(original, group))
            group.delete()
        else:
            original = group
            group.status = group.status_after(REJECT)
            group.save(update_fields=["status", "updated_at"])
            record(group, Action.REJECTED, reviewer, reason=reason.strip())
        notify_news(original)
    return original


DECISIONS = {APPROVE: review_approve, REQUEST_CHANGES: review_request_changes, REJECT: review_reject}


def review_decide(*, group, reviewer, action, seen, reason=""):
    """One of the decisions above, named as the review form posts it (DECISIONS); `seen` is the page's seen_token."""
    if action not in DECISIONS:
        raise ValidationError(_("Choose approve, request changes or reject."))
    if action == APPROVE:
        return review_approve(group=group, reviewer=reviewer, seen=seen)
    return DECISIONS[action](group=group, reviewer=reviewer, reason=reason, seen=seen)
