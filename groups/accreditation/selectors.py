"""Reads for accreditation that other packages compose: the badge rule, the accredited filter, badges on cards.

A badge is never stored: it is worked out at read time from a verified claim's valid_until, so nothing has
to run for a badge to lapse. Core knows nothing of accreditation; the directory calls these on its querysets.
"""

from django.db.models import Exists, OuterRef, Prefetch
from django.utils import timezone

from groups.accreditation.models import AccreditationClaim


def current_claims(today=None):
    """The badge rule: verified, with a last valid day today or later (site time zone)."""
    today = today or timezone.localdate()
    return AccreditationClaim.objects.filter(status=AccreditationClaim.Status.VERIFIED, valid_until__gte=today)


def accredited(groups, today=None):
    """The groups with at least one current claim (the `accredited=1` filter)."""
    return groups.filter(Exists(current_claims(today).filter(group=OuterRef("pk"))))


def with_badges(groups, today=None):
    """Fetch each group's current claims (group.current_claims: a badge when not empty) and waiting ones.

    Prefetched for the page's rows only, rather than annotated, so a sort over many rows stays cheap.
    """
    current = current_claims(today).select_related("body").order_by("-valid_until")
    waiting = AccreditationClaim.objects.filter(status=AccreditationClaim.Status.CLAIMED).select_related("body")
    return groups.prefetch_related(
        Prefetch("accreditation_claims", queryset=current, to_attr="current_claims"),
        Prefetch("accreditation_claims", queryset=waiting, to_attr="waiting_claims"),
    )


def waiting_claims_for(group):
    """The group's claims waiting for staff, oldest first: what a listing's review page points the reviewer to."""
    return list(
        group.accreditation_claims.filter(status=AccreditationClaim.Status.CLAIMED)
        .select_related("body").order_by("submitted_at", "pk")
    )
