"""Staff review of listings: approve, request changes or reject what a coordinator submitted.

Nothing goes public without a decision here. Each decision is checked against the listing's transition table
(Group.ensure_allows), runs in one transaction, is recorded (ModerationDecision) and tells the coordinators there
is news, without saying what (groups.core.notify).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from groups.coordination.listing import copy_content, group_changes, notify_news, record
from groups.coordination.models import ModerationDecision
from groups.core.models import Group
from groups.core.models.group import APPROVE, REJECT, REQUEST_CHANGES
from groups.core.search import refresh_search_fields

Action = ModerationDecision.Action


def _ensure_can_decide(group, reviewer, action):
    if group.submitted_by_id == reviewer.pk:
        raise PermissionDenied(_("You submitted this yourself, so another member of staff must review it."))
    if not group.allows(action):
        raise ValidationError(_("This is not waiting for review."))


def review_approve(*, group, reviewer):
    """Publish a new listing, or copy an approved change onto the published group (the change is then deleted)."""
    _ensure_can_decide(group, reviewer, APPROVE)
    with transaction.atomic():
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


def review_request_changes(*, group, reviewer, reason):
    """Send a submission back to its coordinators with a reason they will see."""
    if not reason.strip():
        raise ValidationError(_("Please say what needs to change: the coordinator will see it."))
    _ensure_can_decide(group, reviewer, REQUEST_CHANGES)
    with transaction.atomic():
        group.status = group.status_after(REQUEST_CHANGES)
        group.save(update_fields=["status", "updated_at"])
        original = group.revision_of or group
        record(original, Action.CHANGES_REQUESTED, reviewer, reason=reason.strip(),
               is_revision=group.revision_of_id is not None)
        notify_news(original)
    return group


def review_reject(*, group, reviewer, reason):
    """Refuse a new listing (it is closed) or a proposed change (it is discarded), with a reason."""
    if not reason.strip():
        raise ValidationError(_("Please give a reason: the coordinator will see it."))
    _ensure_can_decide(group, reviewer, REJECT)
    with transaction.atomic():
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


def review_decide(*, group, reviewer, action, reason=""):
    """One of the decisions above, named as the review form posts it (DECISIONS)."""
    if action not in DECISIONS:
        raise ValidationError(_("Choose approve, request changes or reject."))
    if action == APPROVE:
        return review_approve(group=group, reviewer=reviewer)
    return DECISIONS[action](group=group, reviewer=reviewer, reason=reason)
