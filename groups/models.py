"""Every model of the app, gathered so Django finds them; each is defined in the package of its concern.

groups.core.models: the listing (Group, Place, MeetingTime, taxonomy terms);
groups.coordination.models: invitations and the moderation log;
groups.accreditation.models: bodies, claims, evidence and the claim log.
"""

from groups.accreditation.models import AccreditationClaim, AccreditingBody, ClaimDecision, ClaimEvidence
from groups.coordination.models import CoordinatorInvitation, ModerationDecision
from groups.core.models import (
    AccessibilityFeature,
    CoordinatorHistory,
    Cost,
    Format,
    Group,
    GroupFullText,
    GroupType,
    Language,
    MeetingTime,
    Place,
    Population,
    TraumaType,
)

__all__ = [
    "AccessibilityFeature",
    "AccreditationClaim",
    "AccreditingBody",
    "ClaimDecision",
    "ClaimEvidence",
    "CoordinatorHistory",
    "CoordinatorInvitation",
    "Cost",
    "Format",
    "Group",
    "GroupFullText",
    "GroupType",
    "Language",
    "MeetingTime",
    "ModerationDecision",
    "Place",
    "Population",
    "TraumaType",
]
