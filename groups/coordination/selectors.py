"""Reads for the coordinator and review pages. Nothing here writes: opening a page changes nothing."""

from django.db.models import F

from groups.coordination.listing import group_changes, group_snapshot
from groups.coordination.models import ModerationDecision
from groups.core.models import Group
from groups.core.permissions import coordinated_groups


def edit_base(group):
    """What the edit form of a coordinator's listing shows, and the version it carries.

    The listing itself while unpublished; once public, its proposed change. A public listing without one shows
    itself and carries no version: the first save makes the proposed change (groups.coordination.listing).
    """
    if not group.takes_proposed_changes:
        return group, group.version
    revision = group.revisions.first()
    return (revision, revision.version) if revision else (group, None)


def dashboard_groups(user):
    """The user's listings with their proposed changes and latest decision (latest_decision), by name."""
    groups = list(coordinated_groups(user).select_related("cost").prefetch_related("revisions").order_by("name"))
    latest = {}
    for decision in ModerationDecision.objects.filter(group__in=groups).order_by("created_at"):
        latest[decision.group_id] = decision
    return [(group, latest.get(group.pk)) for group in groups]


def group_decisions(group, limit=20):
    return list(group.decisions.select_related("actor")[:limit])


def pending_reviews():
    """What waits for staff, oldest first."""
    return (
        Group.objects.filter(status=Group.Status.PENDING)
        .select_related("revision_of", "submitted_by")
        .order_by(F("submitted_at").asc(nulls_first=True), "pk")
    )


def review_item(pk):
    return Group.objects.select_related("revision_of", "submitted_by").get(pk=pk)


def review_comparison(group):
    """For a proposed change, what differs from the public listing ({label: [now, proposed]}); else None.
    With the whole listing as labelled values, for a new one."""
    original = group.revision_of or group
    changes = group_changes(original, group) if group.revision_of_id else None
    return changes, group_snapshot(group)


def waiting_invitations(group):
    """Invitations neither accepted nor cancelled (sent again counts as cancelled), newest first."""
    return list(group.invitations.filter(accepted_at__isnull=True, cancelled_at__isnull=True).order_by("-created_at"))
