"""What a coordinator is told about each claim: where it stands, and whether it can be renewed now."""

from dataclasses import dataclass

from groups.accreditation.models import AccreditationClaim, ClaimState
from groups.accreditation.services import renewal_refusal


@dataclass(frozen=True)
class ClaimSummary:
    claim: AccreditationClaim
    state: ClaimState
    # The claim's renewal waiting in the queue, if there is one.
    waiting_renewal: AccreditationClaim | None
    can_renew: bool


def summarise(claim, today):
    """Reads the claim's prefetched renewals (groups.accreditation.views claims_for_page)."""
    waiting = next((renewal for renewal in claim.renewals.all()
                    if renewal.status == AccreditationClaim.Status.CLAIMED), None)
    return ClaimSummary(
        claim=claim, state=claim.state_on(today), waiting_renewal=waiting,
        can_renew=renewal_refusal(claim, today, waiting) is None,
    )
