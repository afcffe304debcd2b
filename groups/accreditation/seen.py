"""What a reviewer was shown of a claim, signed into the decision form, so a decision is about exactly that.

A claim's version rises with every change a coordinator makes (groups.accreditation.services.claim_update); the
token holds the version and a snapshot of the claim and its files, and a decision on anything else is refused
with what changed since (StaleClaim), for the reviewer to look again.
"""

from django.utils.translation import gettext as _

from groups.core.snapshot import changes_since_seen, signed_view, snapshot

SALT = "groups.accreditation.seen"
# What a coordinator states about a claim (the fields a change to sends it back for review).
CLAIM_FIELDS = [
    "body", "other_body_name", "other_body_url", "reference", "scope", "facilitator_name", "register_entry_url",
]


class StaleClaim(Exception):
    """The claim changed after the reviewer opened it: nothing was decided. changes: {label: [as shown, now]}."""

    def __init__(self, changes):
        super().__init__("The claim changed after the review page was opened.")
        self.changes = changes


def claim_snapshot(claim):
    """The claim's own fields and its present files (name, size and which file), as labelled display strings."""
    data = snapshot(claim, CLAIM_FIELDS)
    files = [f"{item.original_name} ({item.size} bytes, file {item.pk})" for item in claim.evidence.all()]
    data[str(_("evidence files"))] = ", ".join(files)
    return data


def claim_seen_token(claim):
    return signed_view(claim.pk, claim.version, claim_snapshot(claim), salt=SALT)


def ensure_seen(claim, seen):
    """Raise StaleClaim unless `seen` is the token of this claim as it is now."""
    changes = changes_since_seen(seen, pk=claim.pk, version=claim.version, now=claim_snapshot(claim), salt=SALT)
    if changes is not None:
        raise StaleClaim(changes)
