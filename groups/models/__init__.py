from .accreditation import AccreditationClaim, AccreditingBody
from .group import Group
from .meeting import MeetingTime
from .place import Place
from .taxonomy import AccessibilityFeature, Cost, Format, GroupType, Language, Population, TraumaType

__all__ = [
    "AccessibilityFeature",
    "AccreditationClaim",
    "AccreditingBody",
    "Cost",
    "Format",
    "Group",
    "GroupType",
    "Language",
    "MeetingTime",
    "Place",
    "Population",
    "TraumaType",
]
