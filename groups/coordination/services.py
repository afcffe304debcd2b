"""Every write of coordination and review, gathered under one name for callers.

groups.coordination.listing: coordinators create, edit, submit, pause, reopen, close and confirm listings;
groups.coordination.review: staff approve, request changes or reject;
groups.coordination.invitations: co-coordinators are invited, accept and are removed.
"""

from groups.coordination.invitations import coordinator_remove, invitation_accept, invitation_create
from groups.coordination.listing import (
    REQUIRED_M2M_TO_SUBMIT,
    REQUIRED_TO_SUBMIT,
    STATUS_DECISIONS,
    ConcurrentEditError,
    ListingContent,
    Saved,
    group_changes,
    group_confirm,
    group_relist,
    group_set_status,
    group_snapshot,
    group_submit,
    listing_create,
    listing_save,
    missing_for_submission,
    remind_stale_listings,
    unique_slug,
)
from groups.coordination.review import review_approve, review_decide, review_reject, review_request_changes

__all__ = [
    "REQUIRED_M2M_TO_SUBMIT", "REQUIRED_TO_SUBMIT", "STATUS_DECISIONS", "ConcurrentEditError", "ListingContent",
    "Saved", "coordinator_remove", "group_changes", "group_confirm", "group_relist", "group_set_status",
    "group_snapshot", "group_submit", "invitation_accept", "invitation_create", "listing_create", "listing_save",
    "missing_for_submission", "remind_stale_listings", "review_approve", "review_decide", "review_reject",
    "review_request_changes", "unique_slug",
]
