"""The listing every concern shares: a group, its place, its meeting times and the taxonomy terms it is filed under."""

from .directory_version import DirectoryVersion
from .fulltext import GroupFullText
from .group import Group
from .history import CoordinatorHistory
from .meeting import MeetingTime
from .place import Place
from .taxonomy import AccessibilityFeature, Cost, Format, GroupType, Language, Population, TraumaType

__all__ = [
    "AccessibilityFeature",
    "CoordinatorHistory",
    "DirectoryVersion",
    "Cost",
    "Format",
    "Group",
    "GroupFullText",
    "GroupType",
    "Language",
    "MeetingTime",
    "Place",
    "Population",
    "TraumaType",
]
