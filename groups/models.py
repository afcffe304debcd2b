"""Every model of the app, gathered so Django finds them; each is defined in the package of its concern.

groups.core.models: the listing (Group, Place, MeetingTime, taxonomy terms);
groups.coordination.models: invitations and the moderation log;
groups.accreditation.models: bodies, claims, evidence and the claim log;
groups.reports.models: reports of a wrong listing and what staff decided.
groups.contact.models: messages sent to a group through "Contact this group".
"""

from groups.accreditation.models import AccreditationClaim, AccreditingBody, ClaimDecision, ClaimEvidence
from groups.contact.models import ContactMessage
from groups.coordination.models import CoordinatorInvitation, ModerationDecision
from groups.core.models import (
    AccessibilityFeature,
    CoordinatorHistory,
    Cost,
    Format,
    Group,
    GroupType,
    Language,
    MeetingTime,
    Place,
    Population,
    TraumaType,
)
from groups.reports.models import ListingReport, ReportDecision

__all__ = [
    "AccessibilityFeature",
    "AccreditationClaim",
    "AccreditingBody",
    "ClaimDecision",
    "ClaimEvidence",
    "ContactMessage",
    "CoordinatorHistory",
    "CoordinatorInvitation",
    "Cost",
    "Format",
    "Group",
    "GroupType",
    "Language",
    "ListingReport",
    "MeetingTime",
    "ModerationDecision",
    "Place",
    "Population",
    "ReportDecision",
    "TraumaType",
]
