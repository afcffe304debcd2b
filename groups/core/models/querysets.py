"""Reads named after what pages need: Group.objects.published().with_accreditation_status()."""

from django.apps import apps
from django.db import models
from django.db.models import Exists, OuterRef, Prefetch
from django.utils import timezone


def current_claims_filter(today=None):
    """The badge rule: verified, with a last valid day today or later (site time zone)."""
    claim_model = apps.get_model("groups", "AccreditationClaim")
    today = today or timezone.localdate()
    return models.Q(status=claim_model.Status.VERIFIED, valid_until__gte=today)


class GroupQuerySet(models.QuerySet):
    def published(self):
        """Groups the public may see: published, or paused (listed, not taking new members)."""
        return self.filter(status__in=self.model.PUBLIC_STATUSES)

    def accredited(self, today=None):
        claim_model = apps.get_model("groups", "AccreditationClaim")
        current = claim_model.objects.filter(current_claims_filter(today), group=OuterRef("pk"))
        return self.filter(Exists(current))

    def with_accreditation_status(self, today=None):
        """Fetch the current claims (group.current_claims: a badge when not empty) and the waiting ones.

        Prefetched for the page's rows only, rather than annotated, so a sort over many rows stays cheap.
        """
        claim_model = apps.get_model("groups", "AccreditationClaim")
        current = claim_model.objects.filter(current_claims_filter(today)).select_related("body")
        waiting = claim_model.objects.filter(status=claim_model.Status.CLAIMED).select_related("body")
        return self.prefetch_related(
            Prefetch("accreditation_claims", queryset=current.order_by("-valid_until"), to_attr="current_claims"),
            Prefetch("accreditation_claims", queryset=waiting, to_attr="waiting_claims"),
        )

    def for_cards(self):
        """Everything a result card and the JSON show, in a fixed number of queries whatever the page size."""
        return (
            self.defer("search_text", "search_vector")
            .select_related("cost", "place")
            .prefetch_related(
                "types", "trauma_types", "populations", "formats", "languages", "access_features", "meeting_times"
            )
            .with_accreditation_status()
        )

    def for_detail_page(self):
        return self.for_cards()
