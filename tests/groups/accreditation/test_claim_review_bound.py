"""Issue 10: a badge rests on exactly what staff checked.

Attacks that worked before: a claim changed while it waits ("another body — Totally Legit Quality Mark") and then
verified unseen; evidence swapped after verification, the badge staying and the checked file deleted; staff who
coordinate, or coordinated within 90 days, verifying their own group's claim.
"""

import datetime
import html
import os
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from groups.accreditation.seen import claim_seen_token
from groups.accreditation.services import claim_submit, claim_verify
from groups.models import AccreditationClaim, ClaimEvidence, CoordinatorHistory
from tests.groups.accreditation.support import *  # noqa: F403 (fixtures)
from tests.groups.accreditation.support import JPEG, PDF, claim_data, decide_claim, logged_in, upload
from tests.groups.accreditation.test_accreditation import public_state, review_url

pytestmark = pytest.mark.django_db

VERIFY = {"action": "verify", "verify-checked_how": "register", "verify-confirmed_reference": "LL-1"}


def verify_data(today):
    return {**VERIFY, "verify-valid_until": (today + datetime.timedelta(days=200)).isoformat()}


@pytest.fixture
def waiting(group, coordinator, bodies):
    return claim_submit(group=group, user=coordinator, body=bodies["leading-lights"], scope="group",
                        reference="LL-1", evidence=[upload("certificate.pdf", PDF)])


def seen_on_review_page(client, claim):
    page = client.get(review_url(claim)).content.decode()
    return html.unescape(re.search(r'name="seen" value="([^"]*)"', page).group(1))


class TestBoundToWhatWasSeen:
    def test_a_claim_changed_while_staff_read_it_is_not_verified(
        self, client, group, coordinator, reviewer, bodies, waiting, today
    ):
        staff = logged_in(reviewer)
        seen = seen_on_review_page(staff, waiting)
        edit = reverse("coordinate:accreditation:edit", args=[group.slug, waiting.pk])
        logged_in(coordinator).post(edit, claim_data(
            bodies["other"], other_body_name="Totally Legit Quality Mark",
            other_body_url="https://legit.example/", reference="LL-1"))
        response = staff.post(review_url(waiting), {"seen": seen, **verify_data(today)})
        assert response.status_code == 409
        page = response.content.decode()
        assert "This claim changed after you opened it. Nothing was decided." in page
        assert "<ins>Totally Legit Quality Mark</ins>" in page
        waiting.refresh_from_db()
        assert waiting.status == "claimed" and waiting.verified_by is None
        shown = public_state(client, group)
        assert not shown["verified"] and not shown["json"] and not shown["listed"]

    def test_evidence_added_while_staff_read_it_is_not_verified_unseen(
        self, group, coordinator, reviewer, bodies, waiting, today
    ):
        staff = logged_in(reviewer)
        seen = seen_on_review_page(staff, waiting)
        edit = reverse("coordinate:accreditation:edit", args=[group.slug, waiting.pk])
        logged_in(coordinator).post(edit, claim_data(bodies["leading-lights"], reference="LL-1", register_entry_url="",
                                                     evidence=[upload("other.jpg", JPEG, "image/jpeg")]))
        assert staff.post(review_url(waiting), {"seen": seen, **verify_data(today)}).status_code == 409
        waiting.refresh_from_db()
        assert waiting.status == "claimed"
        # From the page as it is now, the decision goes through.
        assert decide_claim(staff, waiting, verify_data(today)).status_code == 302

    def test_a_withdrawal_is_bound_too(self, coordinator, reviewer, waiting, today):
        claim_verify(claim=waiting, reviewer=reviewer, seen=claim_seen_token(waiting), checked_how="register",
                     valid_until=today + datetime.timedelta(days=30))
        response = logged_in(reviewer).post(review_url(waiting), {"action": "reject", "reject-reason": "Withdrawn."})
        assert response.status_code == 409
        waiting.refresh_from_db()
        assert waiting.status == "verified"


class TestEvidenceAfterVerification:
    def test_swapping_evidence_sends_the_claim_back_and_keeps_the_checked_file(
        self, client, group, coordinator, reviewer, bodies, waiting, today, django_capture_on_commit_callbacks
    ):
        claim_verify(claim=waiting, reviewer=reviewer, seen=claim_seen_token(waiting), checked_how="document",
                     valid_until=today + datetime.timedelta(days=200), confirmed_reference="LL-1")
        assert public_state(client, group)["verified"]
        checked = waiting.evidence.get()
        path = checked.file.path
        edit = reverse("coordinate:accreditation:edit", args=[group.slug, waiting.pk])
        with django_capture_on_commit_callbacks(execute=True):
            response = logged_in(coordinator).post(edit, claim_data(
                bodies["leading-lights"], reference="LL-1", register_entry_url="", remove_evidence=[checked.pk],
                evidence=[upload("forged.pdf", PDF)]))
        assert response.status_code == 302
        waiting.refresh_from_db()
        assert waiting.status == "claimed" and waiting.valid_until is None
        # Only files changed, nothing the claim says: still back to the queue.
        assert set(waiting.decisions.first().changes) == {"files added", "files removed"}
        shown = public_state(client, group)
        assert not shown["verified"] and not shown["json"] and shown["waiting"]
        # The file staff checked is still there for them, marked removed.
        assert os.path.exists(path)
        assert ClaimEvidence.all_objects.get(pk=checked.pk).removed_at is not None
        page = logged_in(reviewer).get(review_url(waiting)).content.decode()
        assert "Files the coordinator removed" in page and "certificate.pdf" in page and "forged.pdf" in page

    def test_removing_the_only_file_of_a_verified_claim_sends_it_back(
        self, client, group, coordinator, reviewer, bodies, waiting, today
    ):
        claim_verify(claim=waiting, reviewer=reviewer, seen=claim_seen_token(waiting), checked_how="document",
                     valid_until=today + datetime.timedelta(days=200))
        edit = reverse("coordinate:accreditation:edit", args=[group.slug, waiting.pk])
        logged_in(coordinator).post(edit, claim_data(bodies["leading-lights"], reference="LL-1", register_entry_url="",
                                                     remove_evidence=[waiting.evidence.get().pk]))
        waiting.refresh_from_db()
        assert waiting.status == "claimed" and not public_state(client, group)["verified"]


class TestFourEyes:
    def test_staff_who_coordinate_the_group_cannot_verify_a_co_coordinators_claim(
        self, group, reviewer, waiting, today
    ):
        group.coordinators.add(reviewer)
        staff = logged_in(reviewer)
        page = staff.get(review_url(waiting)).content.decode()
        assert "You coordinate this group" in page
        response = staff.post(review_url(waiting), {"seen": claim_seen_token(waiting), **verify_data(today)})
        assert response.status_code == 403
        waiting.refresh_from_db()
        assert waiting.status == "claimed"

    @pytest.mark.parametrize("days_ago, refused", [(1, True), (89, True), (91, False)])
    def test_staff_who_removed_themselves_cannot_verify_for_90_days(
        self, group, coordinator, reviewer, waiting, today, days_ago, refused
    ):
        group.coordinators.add(reviewer)
        # The attack: step down through the coordinator page, verify, be invited back.
        logged_in(reviewer).post(f"/coordinate/groups/{group.slug}/coordinators/{reviewer.pk}/remove/")
        assert not group.coordinators.filter(pk=reviewer.pk).exists()
        CoordinatorHistory.objects.filter(group=group, user=reviewer).update(
            ended_at=timezone.now() - datetime.timedelta(days=days_ago))
        logged_in(reviewer).post(review_url(waiting), {"seen": claim_seen_token(waiting), **verify_data(today)})
        assert (AccreditationClaim.objects.get(pk=waiting.pk).status == "claimed") == refused
