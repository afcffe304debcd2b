"""Accreditation through the pages: coordinators claim, staff verify or reject, the public sees only what holds."""

import datetime
import io
import os
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from groups.accreditation.evidence import purge_removed_evidence
from groups.accreditation.seen import claim_seen_token
from groups.accreditation.services import add_months, claim_submit, claim_verify
from groups.models import AccreditationClaim, ClaimDecision, ClaimEvidence
from tests.groups.accreditation.support import *  # noqa: F403 (fixtures)
from tests.groups.accreditation.support import FIVE_MB, JPEG, PDF, PNG, claim_data, decide_claim, logged_in, upload

pytestmark = pytest.mark.django_db


def claims_url(group):
    return reverse("coordinate:accreditation:claims", args=[group.slug])


def review_url(claim):
    return reverse("coordinate:accreditation:review", args=[claim.pk])


def public_state(client, group):
    """What the public sees: the group page, the JSON and the accredited=1 search."""
    page = client.get(group.get_absolute_url()).content.decode()
    item = client.get(f"/api/v1/groups/{group.slug}/").json()
    listed = {result["slug"] for result in client.get("/api/v1/groups/?accredited=1").json()["results"]}
    searched = client.get("/groups/?accredited=1").content.decode()
    return {
        "verified": "Accreditation verified" in page or "credential verified" in page,
        "waiting": "Accreditation claimed, not yet verified" in page,
        "json": item["accredited"],
        "listed": group.slug in listed,
        "searched": f'href="{group.get_absolute_url()}"' in searched,
        "page": page,
    }


class TestClaimToVerify:
    def test_a_claim_is_checked_and_then_shown_with_its_date(
        self, client, group, coordinator, reviewer, bodies, private_media, django_capture_on_commit_callbacks
    ):
        body = bodies["leading-lights"]
        coordinator_client = logged_in(coordinator)
        assert coordinator_client.get(claims_url(group)).status_code == 200

        response = coordinator_client.post(claims_url(group), claim_data(
            body, evidence=[upload("certificate.pdf", PDF), upload("letter.png", PNG, "image/png")]))
        assert response.status_code == 302
        claim = AccreditationClaim.objects.get(group=group)
        assert claim.status == "claimed" and claim.submitted_by == coordinator
        assert [(e.original_name, e.content_type) for e in claim.evidence.all()] == [
            ("certificate.pdf", "application/pdf"), ("letter.png", "image/png")]
        stored = private_media / claim.evidence.first().file.name
        assert stored.read_bytes() == PDF and "certificate" not in stored.name
        assert ClaimDecision.objects.get(claim=claim).action == "submitted"

        shown = public_state(client, group)
        assert shown["waiting"] and not shown["verified"] and not shown["json"] and not shown["listed"]

        staff = logged_in(reviewer)
        queue = staff.get(reverse("coordinate:accreditation:queue")).content.decode()
        assert review_url(claim) in queue
        page = staff.get(review_url(claim)).content.decode()
        assert '<a href="https://register.example/ll-2041" rel="noopener noreferrer" target="_blank">' in page
        for evidence in claim.evidence.all():
            assert reverse("coordinate:accreditation:evidence", args=[evidence.pk]) in page
        proposed = add_months(timezone.localdate(), 36)
        assert f'value="{proposed.isoformat()}"' in page

        valid_until = timezone.localdate() + datetime.timedelta(days=400)
        with django_capture_on_commit_callbacks(execute=True):
            response = decide_claim(staff, claim, {
                "action": "verify", "verify-checked_how": "register", "verify-confirmed_reference": "LL-2041",
                "verify-valid_until": valid_until.isoformat(), "verify-note": "Register checked by phone too.",
            })
        assert response.status_code == 302
        claim.refresh_from_db()
        assert (claim.status, claim.verified_by, claim.valid_until, claim.checked_how) == (
            "verified", reviewer, valid_until, "register")
        decision = claim.decisions.first()
        assert (decision.action, decision.actor, decision.checked_how, decision.reference, decision.valid_until) == (
            "verified", reviewer, "register", "LL-2041", valid_until)

        shown = public_state(client, group)
        assert shown["verified"] and shown["json"] and shown["listed"] and shown["searched"] and not shown["waiting"]
        assert f"Accreditation verified — Leading Lights, valid until {valid_until:%-d %B %Y}" in shown["page"]
        assert "Verified, valid until" in coordinator_client.get(claims_url(group)).content.decode()

        [email] = mail.outbox
        assert email.to == [coordinator.email]
        assert claims_url(group) in email.body and "Register checked" not in email.body

    def test_the_other_body_is_named_by_the_coordinator(self, client, group, coordinator, reviewer, bodies, today):
        coordinator_client = logged_in(coordinator)
        response = coordinator_client.post(claims_url(group), claim_data(bodies["other"], scope="organisation"))
        assert response.status_code == 400
        form = response.context["form"]
        assert form.errors.keys() >= {"other_body_name", "other_body_url"}
        coordinator_client.post(claims_url(group), claim_data(
            bodies["other"], scope="organisation", other_body_name="Example Association — Quality Mark",
            other_body_url="https://association.example/"))
        claim = AccreditationClaim.objects.get(group=group)
        claim_verify(
            claim=claim, reviewer=reviewer, seen=claim_seen_token(claim), checked_how="body-contact", valid_until=today)
        assert "Accreditation verified — Example Association — Quality Mark" in client.get(
            group.get_absolute_url()).content.decode()


class TestTheLastValidDay:
    """The field's hint says where its value came from, and says nothing was proposed when nothing was."""

    def review_page(self, group, coordinator, reviewer, body, **data):
        logged_in(coordinator).post(claims_url(group), claim_data(body, **data))
        claim = AccreditationClaim.objects.get(group=group)
        return logged_in(reviewer).get(review_url(claim)).content.decode()

    def test_a_body_with_a_renewal_period_proposes_a_date_and_says_so(self, group, coordinator, reviewer, bodies):
        page = self.review_page(group, coordinator, reviewer, bodies["leading-lights"])
        proposed = add_months(timezone.localdate(), 36)
        assert f'name="verify-valid_until" value="{proposed.isoformat()}"' in page
        assert "Proposed from the body's renewal period (every 3 years), counted from today." in page

    def test_a_body_without_one_proposes_nothing_and_says_so(self, group, coordinator, reviewer, bodies):
        page = self.review_page(group, coordinator, reviewer, bodies["other"], scope="organisation",
                                other_body_name="Example Association", other_body_url="https://association.example/")
        assert re.search(r'<input type="date" name="verify-valid_until"(?![^>]*value=)[^>]*>', page)
        assert "No renewal period is on record for this body, so no date is proposed" in page
        assert "Proposed from" not in page


class TestReject:
    def test_a_rejected_claim_shows_nothing_publicly_and_its_reason_to_the_coordinator(
        self, client, group, coordinator, reviewer, bodies, django_capture_on_commit_callbacks
    ):
        claim = claim_submit(group=group, user=coordinator, body=bodies["leading-lights"], scope="group",
                             reference="LL-1")
        staff = logged_in(reviewer)
        response = decide_claim(staff, claim, {"action": "reject", "reject-reason": " "})
        assert response.status_code == 400
        assert "This field is required." in response.content.decode()
        claim.refresh_from_db()
        assert claim.status == "claimed"

        reason = "The register lists LL-1 for another organisation."
        with django_capture_on_commit_callbacks(execute=True):
            response = decide_claim(staff, claim, {"action": "reject", "reject-reason": reason,
                                                      "reject-note": "Staff-only remark"})
        assert response.status_code == 302
        claim.refresh_from_db()
        assert (claim.status, claim.rejection_reason) == ("rejected", reason)
        assert claim.decisions.first().action == "rejected" and claim.decisions.first().actor == reviewer

        shown = public_state(client, group)
        assert not shown["verified"] and not shown["waiting"] and not shown["json"] and not shown["listed"]
        page = logged_in(coordinator).get(claims_url(group)).content.decode()
        assert "Not verified" in page and reason in page and "Staff-only remark" not in page
        [email] = mail.outbox
        assert reason not in email.body and "Staff-only" not in email.body

    def test_staff_cannot_verify_a_claim_on_a_group_they_coordinate(self, group, coordinator, reviewer, bodies, today):
        group.coordinators.add(reviewer)
        claim = claim_submit(group=group, user=coordinator, body=bodies["leading-lights"], scope="group")
        staff = logged_in(reviewer)
        page = staff.get(review_url(claim)).content.decode()
        assert "You coordinate this group" in page and 'value="verify"' not in page
        response = decide_claim(staff, claim, {
            "action": "verify", "verify-checked_how": "register", "verify-valid_until": today.isoformat()})
        assert response.status_code == 403
        assert "another member of staff must review" in response.content.decode()
        claim.refresh_from_db()
        assert claim.status == "claimed" and not claim.decisions.filter(action="verified").exists()
        response = decide_claim(staff, claim, {"action": "reject", "reject-reason": "No."})
        assert response.status_code == 403
        claim.refresh_from_db()
        assert claim.status == "claimed"

    def test_staff_can_withdraw_a_verified_claim(self, client, group, coordinator, reviewer, bodies, today):
        claim = claim_submit(group=group, user=coordinator, body=bodies["leading-lights"], scope="group")
        claim_verify(
            claim=claim, reviewer=reviewer, seen=claim_seen_token(claim), checked_how="register", valid_until=today)
        response = decide_claim(logged_in(reviewer), claim, {"action": "reject", "reject-reason": "Withdrawn."})
        assert response.status_code == 302
        assert not public_state(client, group)["verified"]


class TestQueue:
    def test_oldest_first_and_staff_only(self, make_group, coordinator, reviewer, staff_without_mfa, bodies):
        claims = []
        for days_ago, name in [(1, "Newer"), (5, "Older")]:
            g = make_group(name, slug=name.lower())
            g.coordinators.add(coordinator)
            claim = claim_submit(group=g, user=coordinator, body=bodies["leading-lights"], scope="group")
            AccreditationClaim.objects.filter(pk=claim.pk).update(
                submitted_at=timezone.now() - datetime.timedelta(days=days_ago))
            claims.append(claim)
        url = reverse("coordinate:accreditation:queue")
        page = logged_in(reviewer).get(url).content.decode()
        assert page.index(review_url(claims[1])) < page.index(review_url(claims[0]))
        assert logged_in(coordinator).get(url).status_code == 404
        assert logged_in(coordinator).get(review_url(claims[0])).status_code == 404
        response = logged_in(staff_without_mfa).get(url)
        assert response.status_code == 302 and response["Location"] == reverse("accounts:staff_enrolment")


class TestCoordinatorPages:
    def test_only_the_groups_own_coordinators(self, client, group, other_coordinator, coordinator, bodies):
        claim = claim_submit(group=group, user=coordinator, body=bodies["leading-lights"], scope="group")
        edit = reverse("coordinate:accreditation:edit", args=[group.slug, claim.pk])
        other = logged_in(other_coordinator)
        assert other.get(claims_url(group)).status_code == 404
        assert other.get(edit).status_code == 404
        assert other.post(claims_url(group), claim_data(bodies["leading-lights"])).status_code == 404
        response = client.get(claims_url(group))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    def test_a_claim_can_be_made_for_a_published_group_without_a_listing_review(self, group, coordinator, bodies):
        assert group.status == "published"
        logged_in(coordinator).post(claims_url(group), claim_data(bodies["leading-lights"]))
        group.refresh_from_db()
        assert group.status == "published" and group.accreditation_claims.get().status == "claimed"

    def test_a_facilitator_credential_needs_the_facilitators_name(self, group, coordinator, bodies):
        response = logged_in(coordinator).post(claims_url(group), claim_data(bodies["nacp"], scope="facilitator"))
        assert response.status_code == 400 and "facilitator_name" in response.context["form"].errors
        response = logged_in(coordinator).post(claims_url(group), claim_data(bodies["nacp"], scope="group"))
        assert response.status_code == 400 and "credential for individual people" in response.content.decode()

    def test_changing_a_verified_claim_sends_it_back_to_the_queue(
        self, client, group, coordinator, reviewer, bodies, today
    ):
        claim = claim_submit(group=group, user=coordinator, body=bodies["leading-lights"], scope="group",
                             reference="LL-1", evidence=[upload("c.pdf", PDF)])
        claim_verify(
            claim=claim, reviewer=reviewer, seen=claim_seen_token(claim), checked_how="document",
                     valid_until=today + datetime.timedelta(days=90), confirmed_reference="LL-1")
        edit = reverse("coordinate:accreditation:edit", args=[group.slug, claim.pk])
        coordinator_client = logged_in(coordinator)
        page = coordinator_client.get(edit).content.decode()
        assert "goes back to our staff" in page

        # Adding a file alone sends it back too (issue 10): the badge rests on what staff checked, files included.
        response = coordinator_client.post(edit, claim_data(bodies["leading-lights"], reference="LL-1",
                                                            register_entry_url="",
                                                            evidence=[upload("more.jpg", JPEG, "image/jpeg")]))
        assert response.status_code == 302
        claim.refresh_from_db()
        assert claim.status == "claimed" and claim.evidence.count() == 2 and claim.valid_until is None
        assert claim.decisions.first().changes["files added"] == ["", "more.jpg"]
        claim_verify(
            claim=claim, reviewer=reviewer, seen=claim_seen_token(claim), checked_how="document",
                     valid_until=today + datetime.timedelta(days=90), confirmed_reference="LL-1")

        response = coordinator_client.post(edit, claim_data(bodies["leading-lights"], reference="LL-2",
                                                            register_entry_url=""))
        assert response.status_code == 302
        claim.refresh_from_db()
        assert (claim.status, claim.valid_until, claim.verified_by, claim.checked_how, claim.confirmed_reference) == (
            "claimed", None, None, "", "")
        decision = claim.decisions.first()
        assert decision.action == "resubmitted" and decision.actor == coordinator
        assert decision.changes["reference or membership number"] == ["LL-1", "LL-2"]
        shown = public_state(client, group)
        assert shown["waiting"] and not shown["verified"] and not shown["listed"]
        assert review_url(claim) in logged_in(reviewer).get(reverse("coordinate:accreditation:queue")).content.decode()

    def test_a_rejected_claim_changed_goes_back_to_the_queue(self, group, coordinator, reviewer, bodies):
        from groups.accreditation.services import claim_reject

        claim = claim_submit(group=group, user=coordinator, body=bodies["leading-lights"], scope="group")
        claim_reject(claim=claim, reviewer=reviewer, seen=claim_seen_token(claim), reason="Which reference?")
        edit = reverse("coordinate:accreditation:edit", args=[group.slug, claim.pk])
        logged_in(coordinator).post(edit, claim_data(bodies["leading-lights"], reference="LL-9"))
        claim.refresh_from_db()
        assert claim.status == "claimed" and claim.rejection_reason == ""

    def test_renewal_waits_in_the_queue_while_the_old_badge_stays(
        self, client, group, coordinator, reviewer, bodies, today
    ):
        old = claim_submit(group=group, user=coordinator, body=bodies["leading-lights"], scope="group",
                           reference="LL-1")
        claim_verify(
            claim=old, reviewer=reviewer, seen=claim_seen_token(old), checked_how="register",
            valid_until=today + datetime.timedelta(days=20))
        coordinator_client = logged_in(coordinator)
        assert "Renew" in coordinator_client.get(claims_url(group)).content.decode()
        response = coordinator_client.post(claims_url(group), {"action": "renew", "claim": old.pk})
        renewal = AccreditationClaim.objects.get(renewal_of=old)
        assert response.status_code == 302
        assert response["Location"] == reverse("coordinate:accreditation:edit", args=[group.slug, renewal.pk])
        assert renewal.status == "claimed" and renewal.reference == "LL-1"
        old.refresh_from_db()
        assert old.status == "verified"
        shown = public_state(client, group)
        assert shown["verified"] and shown["listed"] and not shown["waiting"]

        coordinator_client.post(claims_url(group), {"action": "renew", "claim": old.pk})
        assert AccreditationClaim.objects.filter(renewal_of=old).count() == 1

        new_date = today + datetime.timedelta(days=1000)
        page = logged_in(reviewer).get(review_url(renewal)).content.decode()
        assert review_url(old) in page
        claim_verify(
            claim=renewal, reviewer=reviewer, seen=claim_seen_token(renewal), checked_how="register",
            valid_until=new_date)
        assert f"valid until {new_date:%-d %B %Y}" in client.get(group.get_absolute_url()).content.decode()

    def test_a_lapsed_claim_cannot_be_renewed(self, group, coordinator, bodies, today):
        claim = AccreditationClaim.objects.create(group=group, body=bodies["leading-lights"], status="verified",
                                                  scope="group", valid_until=today - datetime.timedelta(days=1))
        page = logged_in(coordinator).get(claims_url(group)).content.decode()
        assert "Lapsed" in page and 'name="action" value="renew"' not in page
        logged_in(coordinator).post(claims_url(group), {"action": "renew", "claim": claim.pk})
        assert not AccreditationClaim.objects.filter(renewal_of=claim).exists()


class TestUploadValidation:
    @pytest.mark.parametrize("name, content, message", [
        ("renamed.pdf", b"<html><script>alert(1)</script></html>", "is not a PDF, PNG or JPEG file"),
        ("program.pdf", b"MZ\x90\x00" + b"\x00" * 200, "is not a PDF, PNG or JPEG file"),
        ("huge.pdf", b"%PDF-1.4\n" + b"0" * FIVE_MB + b"\n%%EOF\n", "Each file can be at most 5 MB"),
        ("empty.pdf", b"", "is empty"),
        ("cut-off.pdf", PDF[:30], "looks damaged or incomplete"),
        ("cut-off.png", PNG[:20], "looks damaged or incomplete"),
        ("no-header.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64 + b"IEND", "looks damaged or incomplete"),
        ("cut-off.jpg", JPEG[:-2], "looks damaged or incomplete"),
    ])
    def test_bad_files_are_refused_and_the_form_keeps_its_values(
        self, group, coordinator, bodies, private_media, name, content, message
    ):
        response = logged_in(coordinator).post(claims_url(group), claim_data(
            bodies["leading-lights"], reference="KEEP-ME-123", evidence=[upload(name, content)]))
        assert response.status_code == 400
        page = response.content.decode()
        assert message in page and name in page
        assert 'value="KEEP-ME-123"' in page
        assert "choose them again" in page
        assert not AccreditationClaim.objects.exists() and not ClaimEvidence.objects.exists()
        assert not private_media.exists() or not any(private_media.rglob("*.*"))

    def test_a_real_file_with_the_wrong_name_is_kept_as_what_it_is(self, group, coordinator, bodies):
        logged_in(coordinator).post(claims_url(group), claim_data(
            bodies["leading-lights"], evidence=[upload("scan.pdf", PNG, "application/pdf")]))
        evidence = ClaimEvidence.objects.get()
        assert evidence.content_type == "image/png" and evidence.file.name.endswith(".png")

    def test_at_most_five_files(self, group, coordinator, bodies):
        files = [upload(f"c{n}.pdf", PDF) for n in range(6)]
        response = logged_in(coordinator).post(claims_url(group), claim_data(bodies["leading-lights"], evidence=files))
        assert response.status_code == 400 and not AccreditationClaim.objects.exists()


class TestEvidencePrivacy:
    @pytest.fixture
    def evidence(self, group, coordinator, bodies):
        claim = claim_submit(group=group, user=coordinator, body=bodies["leading-lights"], scope="group",
                             evidence=[upload("certificate.pdf", PDF)])
        return claim.evidence.get()

    def url(self, evidence):
        return reverse("coordinate:accreditation:evidence", args=[evidence.pk])

    def test_anonymous_visitors_are_asked_to_sign_in_and_get_no_file(self, client, evidence):
        response = client.get(self.url(evidence))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    @pytest.fixture
    def someone_with_mfa(self, make_user):
        """Not staff, not a coordinator of the group: two-factor alone opens nothing."""
        return make_user("careful@example.org", mfa=True)

    @pytest.mark.parametrize("who", ["other_coordinator", "staff_without_mfa", "someone_with_mfa"])
    def test_anyone_else_gets_a_404(self, request, evidence, who):
        response = logged_in(request.getfixturevalue(who)).get(self.url(evidence))
        assert response.status_code == 404
        assert PDF not in response.content

    @pytest.mark.parametrize("who", ["coordinator", "reviewer"])
    def test_the_groups_coordinators_and_staff_with_mfa_download_it(self, request, evidence, who):
        response = logged_in(request.getfixturevalue(who)).get(self.url(evidence))
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment")
        assert 'filename="certificate.pdf"' in response["Content-Disposition"]
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Cache-Control"] == "private, no-store"
        assert "sandbox" in response["Content-Security-Policy"]

    def test_files_live_outside_media_and_static_and_have_no_url(self, settings, evidence, private_media):
        path = evidence.file.path
        assert path.startswith(str(private_media))
        for public in (settings.MEDIA_ROOT, settings.STATIC_ROOT, *settings.STATICFILES_DIRS):
            assert not path.startswith(str(public))
        with pytest.raises(ValueError):
            assert evidence.file.url

    def test_an_unknown_file_is_a_404(self, coordinator):
        assert logged_in(coordinator).get(
            reverse("coordinate:accreditation:evidence", args=[999999])).status_code == 404

    def test_a_removed_file_is_kept_for_staff_until_the_next_decision_and_the_retention_period(
        self, settings, group, coordinator, reviewer, bodies, evidence, django_capture_on_commit_callbacks
    ):
        path = evidence.file.path
        edit = reverse("coordinate:accreditation:edit", args=[group.slug, evidence.claim.pk])
        with django_capture_on_commit_callbacks(execute=True):
            logged_in(coordinator).post(edit, claim_data(bodies["leading-lights"], reference="LL-2041",
                                                         remove_evidence=[evidence.pk]))
        # Gone for the coordinator: not listed, not downloadable.
        assert "certificate.pdf" not in logged_in(coordinator).get(claims_url(group)).content.decode()
        assert "certificate.pdf" not in logged_in(coordinator).get(edit).content.decode()
        assert logged_in(coordinator).get(self.url(evidence)).status_code == 404
        # Kept for staff: the review page lists it as removed, and it still downloads.
        page = logged_in(reviewer).get(review_url(evidence.claim)).content.decode()
        assert "Files the coordinator removed" in page and "certificate.pdf" in page
        assert b"".join(logged_in(reviewer).get(self.url(evidence)).streaming_content) == PDF
        assert os.path.exists(path)

        # No decision since the removal: the daily purge keeps it, however long ago.
        later = timezone.now() + datetime.timedelta(days=settings.EVIDENCE_RETENTION_DAYS + 30)
        assert purge_removed_evidence(now=later) == 0
        claim = AccreditationClaim.objects.get(pk=evidence.claim_id)
        claim_verify(
            claim=claim, reviewer=reviewer, seen=claim_seen_token(claim), checked_how="register",
                     valid_until=timezone.localdate() + datetime.timedelta(days=30))
        # Decided on again, but the retention period has not passed.
        soon = timezone.now() + datetime.timedelta(days=settings.EVIDENCE_RETENTION_DAYS - 1)
        assert purge_removed_evidence(now=soon) == 0 and os.path.exists(path)
        with django_capture_on_commit_callbacks(execute=True):
            assert purge_removed_evidence(now=later) == 1
        assert not ClaimEvidence.all_objects.filter(pk=evidence.pk).exists()
        assert not os.path.exists(path)

    def test_the_daily_command_runs(self):
        out = io.StringIO()
        call_command("purge_removed_evidence", stdout=out)
        assert "Deleted 0 removed evidence file(s)." in out.getvalue()
