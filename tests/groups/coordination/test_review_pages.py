"""What the staff review pages show beyond the listing: the queue as a list, and claims waiting for the same group."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from groups.models import AccreditationClaim

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(reviewer):
    client = Client()
    client.force_login(reviewer)
    return client


def test_the_queue_lists_each_item_with_its_kind_date_and_sender(staff, make_group, coordinator):
    submitted = timezone.make_aware(datetime.datetime(2026, 11, 3, 9, 30))
    make_group("Harbour Circle", status="pending", submitted_at=submitted, submitted_by=coordinator)
    public = make_group("Quay Circle", slug="quay")
    make_group("Quay Circle", slug="quay-change", status="pending", revision_of=public, submitted_at=submitted)
    page = staff.get("/coordinate/review/").content.decode()
    assert "<table" not in page  # a list of cards: a table would scroll sideways on a phone
    assert '<h2 id="waiting-heading">Waiting for review</h2>' in page
    assert page.count('<li class="queue__item">') == 2
    assert "<dt>Kind</dt><dd>New listing</dd>" in page
    assert "<dt>Kind</dt><dd>Change to a published group</dd>" in page
    assert "<dt>Submitted</dt><dd>3 Nov 2026, 09:30</dd>" in page
    assert "<dt>By</dt><dd>coordinator@example.org</dd>" in page


class TestAWaitingClaimOnTheListingsReviewPage:
    def claim(self, group, body, **fields):
        return AccreditationClaim.objects.create(group=group, body=body, reference="LL-7",
                                                 submitted_at=timezone.now(), **fields)

    def test_a_new_listing_names_the_claim_and_links_to_its_check(self, staff, make_group, accrediting_body):
        group = make_group("Harbour Circle", status="pending", submitted_at=timezone.now())
        claim = self.claim(group, accrediting_body)
        page = staff.get(f"/coordinate/review/{group.pk}/").content.decode()
        assert "An accreditation claim for this group is waiting" in page
        assert "approving this listing does not verify them" in page
        link = f'<a href="/coordinate/review/accreditation/{claim.pk}/">Check the claim: SafeLives — Leading Lights</a>'
        assert link in page

    def test_a_proposed_change_names_the_claim_of_the_published_listing(self, staff, make_group, accrediting_body):
        public = make_group("Quay Circle", slug="quay")
        claim = self.claim(public, accrediting_body)
        change = make_group("Quay Circle", slug="quay-change", status="pending", revision_of=public,
                            submitted_at=timezone.now())
        page = staff.get(f"/coordinate/review/{change.pk}/").content.decode()
        assert f'href="/coordinate/review/accreditation/{claim.pk}/"' in page

    def test_claims_already_decided_are_not_mentioned(self, staff, make_group, accrediting_body, reviewer):
        group = make_group("Harbour Circle", status="pending", submitted_at=timezone.now())
        self.claim(group, accrediting_body, status="verified", valid_until=timezone.localdate(), verified_by=reviewer)
        self.claim(group, accrediting_body, status="rejected", rejection_reason="No such reference.")
        page = staff.get(f"/coordinate/review/{group.pk}/").content.decode()
        assert "waiting-claims" not in page and "/coordinate/review/accreditation/" not in page

    def test_two_waiting_claims_are_both_listed(self, staff, make_group, accrediting_body):
        group = make_group("Harbour Circle", status="pending", submitted_at=timezone.now())
        first, second = self.claim(group, accrediting_body), self.claim(group, accrediting_body)
        page = staff.get(f"/coordinate/review/{group.pk}/").content.decode()
        assert "2 accreditation claims for this group are waiting" in page
        assert page.index(f"/accreditation/{first.pk}/") < page.index(f"/accreditation/{second.pk}/")
