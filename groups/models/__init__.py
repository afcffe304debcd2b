from .accreditation import AccreditationClaim, AccreditingBody, ClaimDecision, ClaimEvidence
from .group import Group
from .meeting import MeetingTime
from .moderation import CoordinatorInvitation, ModerationDecision
from .place import Place
from .taxonomy import AccessibilityFeature, Cost, Format, GroupType, Language, Population, TraumaType

__all__ = [
    "AccessibilityFeature",
    "AccreditationClaim",
    "AccreditingBody",
    "ClaimDecision",
    "ClaimEvidence",
    "CoordinatorInvitation",
    "Cost",
    "Format",
    "Group",
    "GroupType",
    "Language",
    "MeetingTime",
    "ModerationDecision",
    "Place",
    "Population",
    "TraumaType",
]
