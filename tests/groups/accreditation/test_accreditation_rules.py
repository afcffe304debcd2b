"""Accreditation rules: the badge and accredited=1 agree in every state and lapse at midnight, site time; evidence is
checked by content; reminders go once per claim and date."""

import datetime
import io
from unittest import mock

import pytest
from django import forms
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import OutgoingEmail
from groups.accreditation.evidence import download_name, evidence_content_type
from groups.accreditation.seen import claim_seen_token
from groups.accreditation.services import add_months, claim_renew, claim_submit, claim_verify
from groups.models import AccreditationClaim, ClaimEvidence
from tests.groups.accreditation.support import *  # noqa: F403 (fixtures)
from tests.groups.accreditation.support import JPEG, PDF, PNG, logged_in

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


def remind():
    out = io.StringIO()
    call_command("remind_expiring_accreditation", stdout=out)
    return out.getvalue()


def public_state(client, slug):
    page = client.get(f"/groups/{slug}/").content.decode()
    listed = {item["slug"] for item in client.get("/api/v1/groups/?accredited=1").json()["results"]}
    searched = client.get("/groups/?accredited=1").content.decode()
    return {
        "badge": "Accreditation verified" in page or "Facilitator credential verified" in page,
        "waiting": "Accreditation claimed, not yet verified" in page,
        "json": client.get(f"/api/v1/groups/{slug}/").json()["accredited"],
        "listed": slug in listed,
        "searched": f'href="/groups/{slug}/"' in searched,
    }


class TestBadgeAndFilterAgree:
    def test_in_every_state(self, client, make_group, bodies, today):
        body, person = bodies["leading-lights"], bodies["nacp"]
        day = datetime.timedelta(days=1)
        verified = {"body": body, "status": "verified", "scope": "group"}
        states = {
            # slug: (claims, badge expected, "claimed, not yet verified" expected)
            "none": ([], False, False),
            "claimed": ([{"body": body, "status": "claimed"}], False, True),
            "current": ([{**verified, "valid_until": today + 100 * day}], True, False),
            "last-day": ([{**verified, "valid_until": today}], True, False),
            "lapsed": ([{**verified, "valid_until": today - day}], False, False),
            "rejected": ([{"body": body, "status": "rejected", "rejection_reason": "No."}], False, False),
            "renewing": ([{**verified, "valid_until": today + 10 * day}, {"body": body, "status": "claimed"}],
                         True, False),
            "lapsed-renewing": ([{**verified, "valid_until": today - day}, {"body": body, "status": "claimed"}],
                                False, True),
            "facilitator": ([{"body": person, "status": "verified", "scope": "facilitator",
                              "facilitator_name": "Sam Doe", "valid_until": today}], True, False),
        }
        for slug, (claims, _badge, _waiting) in states.items():
            make_group(slug, slug=slug, claims=claims)
        for slug, (_claims, badge, waiting) in states.items():
            shown = public_state(client, slug)
            expected = {"badge": badge, "waiting": waiting, "json": badge, "listed": badge, "searched": badge}
            assert shown == expected, slug

    @pytest.mark.parametrize("last_day, still_valid_at, lapsed_at", [
        # Summer: London is UTC+1, so the day ends at 23:00 UTC.
        (datetime.date(2030, 7, 15), datetime.datetime(2030, 7, 15, 22, 59, 59, tzinfo=UTC),
         datetime.datetime(2030, 7, 15, 23, 0, tzinfo=UTC)),
        # Winter: London is UTC.
        (datetime.date(2030, 1, 15), datetime.datetime(2030, 1, 15, 23, 59, 59, tzinfo=UTC),
         datetime.datetime(2030, 1, 16, 0, 0, tzinfo=UTC)),
    ])
    def test_a_claim_lapses_at_the_end_of_its_last_day_in_the_sites_time_zone(
        self, client, make_group, bodies, settings, last_day, still_valid_at, lapsed_at
    ):
        assert settings.TIME_ZONE == "Europe/London"
        make_group("Clock", slug="clock", claims=[{"body": bodies["leading-lights"], "status": "verified",
                                                   "scope": "group", "valid_until": last_day}])
        with mock.patch("django.utils.timezone.now", return_value=still_valid_at):
            shown = public_state(client, "clock")
        assert shown["badge"] and shown["json"] and shown["listed"] and shown["searched"]
        with mock.patch("django.utils.timezone.now", return_value=lapsed_at):
            shown = public_state(client, "clock")
        assert not (shown["badge"] or shown["json"] or shown["listed"] or shown["searched"] or shown["waiting"])


class TestEvidenceChecks:
    @pytest.mark.parametrize("content, expected", [
        (PDF, "application/pdf"), (PNG, "image/png"), (JPEG, "image/jpeg"), (JPEG + b"\x00\x00\r\n", "image/jpeg"),
    ])
    def test_real_files_are_recognised_by_content(self, content, expected):
        assert evidence_content_type(SimpleUploadedFile("whatever.txt", content)) == expected

    @pytest.mark.parametrize("content, code", [
        (b"", "empty"), (b"GIF89a" + b"\x00" * 40, "wrong_type"), (b"%PDF-1.7\nno end", "corrupt"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "corrupt"), (JPEG[:-2] + b"\x00\x00", "corrupt"),
        (b"%PDF-" + b"0" * (5 * 1024 * 1024) + b"%%EOF", "too_large"),
    ])
    def test_other_files_are_refused(self, content, code):
        with pytest.raises(ValidationError) as error:
            evidence_content_type(SimpleUploadedFile("x.pdf", content))
        assert error.value.code == code

    def test_downloads_are_named_for_what_they_are(self):
        assert download_name(ClaimEvidence(original_name="scan.pdf", content_type="image/png")) == "scan.pdf.png"
        assert download_name(ClaimEvidence(original_name="photo.JPEG", content_type="image/jpeg")) == "photo.JPEG"
        assert download_name(ClaimEvidence(original_name="c.pdf", content_type="application/pdf")) == "c.pdf"


class TestRules:
    def test_add_months_keeps_the_day_or_takes_the_months_last(self):
        assert add_months(datetime.date(2026, 11, 27), 36) == datetime.date(2029, 11, 27)
        assert add_months(datetime.date(2028, 2, 29), 12) == datetime.date(2029, 2, 28)
        assert add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)

    def test_a_form_without_the_other_body_fields_gets_a_form_wide_error(self, bodies):
        class ShortClaimForm(forms.ModelForm):
            class Meta:
                model = AccreditationClaim
                fields = ["body", "scope"]

        form = ShortClaimForm({"body": bodies["other"].pk, "scope": "organisation"})
        assert not form.is_valid()
        assert "Please give the name of the body and its scheme." in form.non_field_errors()

    def test_a_verified_claim_needs_a_date_and_a_rejected_one_a_reason(self, group, bodies):
        for status, field in [("verified", "valid_until"), ("rejected", "rejection_reason")]:
            claim = AccreditationClaim(group=group, body=bodies["leading-lights"], scope="group", status=status)
            with pytest.raises(ValidationError) as error:
                claim.full_clean()
            assert field in error.value.message_dict

    def test_claims_belong_to_the_listing_not_a_proposed_change(self, make_group, group, coordinator, bodies):
        proposed = make_group("Proposed", slug="harbour-proposed-change", status="revision", revision_of=group)
        with pytest.raises(ValidationError):
            claim_submit(group=proposed, user=coordinator, body=bodies["leading-lights"], scope="group")

    def test_a_renewal_refers_to_the_old_claim_which_stays_valid(self, group, coordinator, reviewer, bodies, today):
        old = claim_submit(group=group, user=coordinator, body=bodies["leading-lights"], scope="group")
        claim_verify(
            claim=old, reviewer=reviewer, seen=claim_seen_token(old), checked_how="register", valid_until=today)
        renewal = claim_renew(claim=old, user=coordinator)
        assert renewal.renewal_of == old and renewal.status == "claimed"
        assert renewal.decisions.get().action == "renewal"
        with pytest.raises(ValidationError):
            claim_renew(claim=old, user=coordinator)


class TestReminders:
    @pytest.fixture
    def setting(self, make_group, make_user, bodies, today, coordinator, reviewer):
        body = bodies["leading-lights"]
        second = make_user("second@example.org")
        make_user("more-staff@example.org", staff=True)

        def group_with(slug, *claims, status="published"):
            group = make_group(slug, slug=slug, status=status)
            group.coordinators.add(coordinator, second)
            return [AccreditationClaim.objects.create(group=group, body=body, scope="group", **claim)
                    for claim in claims]

        def verified(days, **fields):
            return {"status": "verified", "valid_until": today + datetime.timedelta(days=days),
                    "note": "SECRET staff note", **fields}

        return {
            "due": group_with("due", verified(10))[0],
            "later": group_with("later", verified(40))[0],
            "lapsed": group_with("lapsed", verified(-1))[0],
            "waiting": group_with("waiting", {"status": "claimed"})[0],
            "closed": group_with("closed", verified(5), status="closed")[0],
            "renewing": group_with("renewing", verified(20)),
        }

    def emails(self):
        coordinators = [m for m in mail.outbox if "needs renewing" in m.subject]
        digests = [m for m in mail.outbox if "lapsing soon" in m.subject]
        return coordinators, digests

    def test_once_per_coordinator_per_claim_and_one_digest_for_staff(self, setting, today):
        old = setting["renewing"][0]
        AccreditationClaim.objects.create(group=old.group, body=old.body, scope="group", status="claimed",
                                          renewal_of=old)
        remind()
        coordinators, digests = self.emails()
        # Two coordinators of "due"; "renewing" already has its renewal waiting, so only staff hear of it.
        assert sorted(tuple(m.to) for m in coordinators) == [("coordinator@example.org",), ("second@example.org",)]
        assert all("/coordinate/groups/due/accreditation/" in m.body for m in coordinators)
        assert sorted(tuple(m.to) for m in digests) == [("more-staff@example.org",), ("reviewer@example.org",)]
        assert "2 verified accreditation claim(s)" in digests[0].body
        assert all("SECRET" not in m.body for m in mail.outbox)
        due = AccreditationClaim.objects.get(pk=setting["due"].pk)
        assert due.reminder_sent_at is not None and due.reminder_valid_until == due.valid_until

        sent = len(mail.outbox)
        remind()
        assert len(mail.outbox) == sent

        # Verified again with a new date inside the window: reminded again, once.
        AccreditationClaim.objects.filter(pk=due.pk).update(valid_until=today + datetime.timedelta(days=3))
        remind()
        remind()
        assert len(mail.outbox) == sent + 2 + 2

    def test_a_claim_renewed_with_a_later_date_is_not_reminded(self, setting, today):
        old = setting["renewing"][0]
        AccreditationClaim.objects.create(group=old.group, body=old.body, scope="group", status="verified",
                                          renewal_of=old, valid_until=today + datetime.timedelta(days=1000))
        remind()
        old.refresh_from_db()
        assert old.reminder_sent_at is None

    def test_a_failed_email_is_kept_and_delivered_by_the_next_outbox_run_once(self, setting, settings):
        # A reminder counts as sent once it is queued in the outbox, which then retries it until it goes.
        settings.EMAIL_BACKEND = "tests.mailbackends.FailingEmailBackend"
        remind()
        assert AccreditationClaim.objects.get(pk=setting["due"].pk).reminder_sent_at is not None
        assert mail.outbox == []
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        remind()
        OutgoingEmail.objects.update(next_attempt_at=timezone.now())  # as if the wait before retrying is over
        call_command("send_outbox", stdout=io.StringIO())
        call_command("send_outbox", stdout=io.StringIO())
        remind()
        # Each coordinator of "due" and of "renewing", once; the staff digest once for each of its two readers.
        assert len(self.emails()[0]) == 4 and len(self.emails()[1]) == 2

    def test_the_review_queue_lists_what_is_lapsing(self, setting, reviewer):
        page = logged_in(reviewer).get(reverse("coordinate:accreditation:queue")).content.decode()
        for claim in [setting["due"], setting["renewing"][0]]:
            assert reverse("coordinate:accreditation:review", args=[claim.pk]) in page
        assert reverse("coordinate:accreditation:review", args=[setting["later"].pk]) not in page


class TestGuidePage:
    def test_it_lists_each_body_from_the_database_and_how_we_check(self, client, bodies):
        page = client.get("/guide/accreditation/").content.decode()
        for text in ["SafeLives — Leading Lights", "Accredits a service.", "Renewed every 3 years.",
                     "NOVA — National Advocate Credentialing Program", "Renewed every 2 years.",
                     '<a href="https://register.example/leading-lights" rel="noopener noreferrer">',
                     "Another body", "(Europe/London time)", "never checks a claim for a group they help to run",
                     "Groups without a badge"]:
            assert text in page, text
