"""Every write of coordination and review, gathered under one name for callers.

groups.coordination.listing: coordinators create, edit, submit, pause, reopen, close and confirm listings;
groups.coordination.review: staff approve, request changes or reject;
groups.coordination.invitations: co-coordinators are invited (invitations cancelled, sent again), accept and
are removed.
"""

from groups.coordination.invitations import (
    TooManyInvitations,
    coordinator_remove,
    invitation_accept,
    invitation_by_token,
    invitation_cancel,
    invitation_create,
    invitation_problem,
    invitation_resend,
)
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
from groups.coordination.review import (
    StaleReview,
    decision_conflict,
    review_approve,
    review_decide,
    review_reject,
    review_request_changes,
    seen_token,
)

__all__ = [
    "REQUIRED_M2M_TO_SUBMIT", "REQUIRED_TO_SUBMIT", "STATUS_DECISIONS", "ConcurrentEditError", "ListingContent",
    "Saved", "StaleReview", "TooManyInvitations", "coordinator_remove", "decision_conflict", "group_changes",
    "group_confirm", "group_relist", "group_set_status", "group_snapshot", "group_submit", "invitation_accept",
    "invitation_by_token", "invitation_cancel", "invitation_create", "invitation_problem", "invitation_resend",
    "listing_create", "listing_save",
    "missing_for_submission", "remind_stale_listings", "review_approve", "review_decide", "review_reject",
    "review_request_changes", "seen_token", "unique_slug",
]
