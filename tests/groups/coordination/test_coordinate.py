"""Coordinators list and keep groups current; staff review every new listing and every change."""

import datetime
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from groups.models import Cost, Format, Group, GroupType, Language, Place, Population
from tests.groups.coordination.support import decide

# Emails are sent when the transaction commits, as in production.
pytestmark = pytest.mark.django_db(transaction=True)


def form_data(taxonomy, **overrides):
    """A complete group form, as a browser would post it."""
    data = {
        "name": "Harbour Evening Circle", "summary": "A calm evening group for women.",
        "description": "We meet weekly.\n\nTea is provided.", "host_name": "Harbour Trust",
        "host_website": "https://harbour.example/", "types": [GroupType.objects.get(slug="therapeutic").pk],
        "trauma_types": [], "populations": [], "age_min": "", "age_max": "",
        "formats": [Format.objects.get(slug="in-person").pk], "languages": [Language.objects.get(slug="en").pk],
        "access_features": [], "time_zone": "Europe/London", "facilitation": "peer-led", "attendance": "drop-in",
        "registration_details": "", "capacity": "open", "cost": Cost.objects.get(slug="free").pk,
        "cost_details": "", "contact_email": "hello@harbour.example", "contact_phone": "", "contact_url": "",
        "join_link": "", "version": "",
        "place-address_visibility": "area-only", "place-address_line1": "1 Quay Street", "place-address_line2": "",
        "place-city": "Leeds", "place-region": "", "place-postcode": "", "place-country": "GB",
        "place-latitude": "", "place-longitude": "",
        "meetings-TOTAL_FORMS": "1", "meetings-INITIAL_FORMS": "0", "meetings-MIN_NUM_FORMS": "0",
        "meetings-MAX_NUM_FORMS": "8", "meetings-0-frequency": "weekly", "meetings-0-weekday": "1",
        "meetings-0-interval_weeks": "1", "meetings-0-week_of_month": "", "meetings-0-starts_on": "",
        "meetings-0-start_time": "18:30", "meetings-0-end_time": "20:00",
        "claim-body": "", "claim-reference": "", "claim-scope": "organisation", "claim-facilitator_name": "",
        "claim-register_entry_url": "",
    }
    data.update(overrides)
    return data


def edit_data(client, slug, **overrides):
    """The edit form as it is shown now, with some fields changed."""
    response = client.get(f"/coordinate/groups/{slug}/edit/")
    form, place, meetings = (response.context[name] for name in ("form", "place_form", "meetings"))
    data = {}
    for bound in list(form) + list(place):
        value = bound.value()
        if isinstance(value, (list, tuple)):
            data[bound.html_name] = [getattr(v, "pk", v) for v in value]
        elif value is not None:
            data[bound.html_name] = value
    data.update({f"meetings-{key}": value for key, value in meetings.management_form.initial.items()})
    for meeting in meetings:
        for bound in meeting:
            value = bound.value()
            if value is not None:
                data[bound.html_name] = value
    data.update(overrides)
    return data




def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


class TestTheWholeJourney:
    def test_sign_up_verify_create_preview_submit_approve_edit_request_changes_resubmit(self, taxonomy, reviewer):
        client = Client()
        # Sign up and verify the email address through the link in the email.
        response = client.post("/accounts/signup/", {"email": "new@example.org", "password1": "a-long-pass-phrase-9",
                                                     "password2": "a-long-pass-phrase-9"})
        assert response.status_code in (200, 302)
        link = re.search(r"https?://[^\s]+/accounts/confirm-email/[^\s]+", mail.outbox[-1].body).group(0)
        client.post(link.split("testserver")[-1] if "testserver" in link else link)
        client.post("/accounts/login/", {"login": "new@example.org", "password": "a-long-pass-phrase-9"})
        assert client.get("/coordinate/").status_code == 200

        # Create and save a draft, preview it, then submit it.
        response = client.post("/coordinate/groups/new/", form_data(taxonomy, action="save"))
        group = Group.objects.get(name="Harbour Evening Circle")
        assert response.url == f"/coordinate/groups/{group.slug}/"
        assert group.status == "draft" and group.coordinators.filter(email="new@example.org").exists()
        assert client.get(f"/groups/{group.slug}/").status_code == 404
        preview = client.get(f"/coordinate/groups/{group.slug}/preview/").content.decode()
        assert "Harbour Evening Circle" in preview and "Leeds" in preview and "Quay Street" not in preview
        client.post(f"/coordinate/groups/{group.slug}/submit/")
        group.refresh_from_db()
        assert group.status == "pending"
        assert client.get(f"/groups/{group.slug}/").status_code == 404

        # Staff approve; the coordinator is told there is news, without what was written.
        staff = logged_in(reviewer)
        assert group.name in staff.get("/coordinate/review/").content.decode()
        mail.outbox.clear()
        decide(staff, group.pk, {"action": "approve"})
        group.refresh_from_db()
        assert group.status == "published"
        assert client.get(f"/groups/{group.slug}/").status_code == 200
        assert mail.outbox and "news" in mail.outbox[0].body

        # Edit the published group: the public keeps seeing the approved version.
        client.post(f"/coordinate/groups/{group.slug}/edit/",
                    edit_data(client, group.slug, name="Harbour Circle for Women", action="submit"))
        assert "Harbour Evening Circle" in client.get(f"/groups/{group.slug}/").content.decode()
        revision = Group.objects.get(revision_of=group)
        assert revision.status == "pending"
        review_page = staff.get(f"/coordinate/review/{revision.pk}/").content.decode()
        assert "Harbour Evening Circle" in review_page and "Harbour Circle for Women" in review_page

        # Request changes: a reason is required, and the coordinator sees it.
        response = decide(staff, revision.pk, {"action": "request-changes", "reason": ""})
        assert response.status_code == 400
        mail.outbox.clear()
        decide(staff, revision.pk, {"action": "request-changes",
                                                           "reason": "Please add who the group is for."})
        assert "Please add who the group is for." not in mail.outbox[0].body
        assert "Please add who the group is for." in client.get(f"/coordinate/groups/{group.slug}/").content.decode()

        # Resubmit with the change; approval copies it onto the public listing.
        client.post(f"/coordinate/groups/{group.slug}/edit/", edit_data(
            client, group.slug, populations=[Population.objects.get(slug="women").pk], action="submit"))
        revision.refresh_from_db()
        assert revision.status == "pending"
        decide(staff, revision.pk, {"action": "approve"})
        public = client.get(f"/groups/{group.slug}/").content.decode()
        assert "Harbour Circle for Women" in public and "Women" in public
        assert not Group.objects.filter(revision_of=group).exists()
        actions = list(group.decisions.order_by("created_at").values_list("action", flat=True))
        assert actions == ["submitted", "approved", "submitted", "changes-requested", "submitted", "approved"]
        approved = group.decisions.filter(action="approved", is_revision=True).first()
        assert approved.actor == reviewer and approved.changes


class TestDrafts:
    def test_a_draft_can_be_saved_with_only_a_name(self, client, coordinator, taxonomy):
        client.force_login(coordinator)
        # Unticked boxes send nothing, as in a browser.
        data = {key: "" for key, value in form_data(taxonomy).items() if not isinstance(value, list)} | {
            "name": "Just a name", "action": "save", "meetings-TOTAL_FORMS": "0", "meetings-INITIAL_FORMS": "0",
            "place-address_visibility": "on-request", "capacity": "open", "time_zone": "Europe/London",
            "claim-scope": "organisation"}
        response = client.post("/coordinate/groups/new/", data)
        assert response.status_code == 302
        group = Group.objects.get(name="Just a name")
        assert group.status == "draft"
        assert not Place.objects.filter(group=group).exists()
        # Submitting it says what is missing rather than failing.
        client.post(f"/coordinate/groups/{group.slug}/submit/")
        group.refresh_from_db()
        assert group.status == "draft"

    def test_a_form_with_errors_keeps_every_value_and_shows_each_error_by_its_field(self, client, coordinator,
                                                                                      taxonomy):
        client.force_login(coordinator)
        data = form_data(taxonomy, action="submit", summary="", host_website="not a url",
                         **{"meetings-0-start_time": "25:99"})
        response = client.post("/coordinate/groups/new/", data)
        assert response.status_code == 200
        page = response.content.decode()
        assert "Please check the form" in page
        assert 'value="Harbour Evening Circle"' in page and "1 Quay Street" in page
        assert 'href="#id_summary"' in page and 'id="id_summary_error"' in page
        assert 'href="#id_host_website"' in page and 'href="#id_meetings-0-start_time"' in page
        assert not Group.objects.exists()

    def test_submitting_needs_a_verified_email(self, client, make_user, taxonomy):
        unverified = make_user("unverified@example.org", verified=False)
        client.force_login(unverified)
        client.post("/coordinate/groups/new/", form_data(taxonomy, action="submit"))
        group = Group.objects.get()
        assert group.status == "draft"
        assert "confirm your email" in client.get(f"/coordinate/groups/{group.slug}/").content.decode()

    def test_html_is_shown_as_plain_text(self, client, coordinator, reviewer, taxonomy):
        client.force_login(coordinator)
        client.post("/coordinate/groups/new/", form_data(
            taxonomy, action="submit", name="<b>Bold</b> group", description="<script>alert(1)</script>\n\nHi"))
        group = Group.objects.get()
        decide(logged_in(reviewer), group.pk, {"action": "approve"})
        page = client.get(f"/groups/{group.slug}/").content.decode()
        assert "<script>alert(1)" not in page and "<b>Bold</b>" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "&lt;b&gt;Bold&lt;/b&gt; group" in page


class TestStaffReview:
    @pytest.fixture
    def pending(self, make_group, coordinator):
        group = make_group("Pending", slug="pending", status="pending", submitted_at=timezone.now(),
                           submitted_by=coordinator)
        group.coordinators.add(coordinator)
        return group

    def test_queue_is_oldest_first(self, make_group, reviewer):
        now = timezone.now()
        make_group("Newer", status="pending", submitted_at=now)
        make_group("Older", status="pending", submitted_at=now - datetime.timedelta(days=3))
        page = logged_in(reviewer).get("/coordinate/review/").content.decode()
        assert page.index("Older") < page.index("Newer")
        # The way to a partner's file, whose listings come back to this queue.
        assert '<a href="/coordinate/review/import/">Import listings' in page

    def test_staff_cannot_approve_what_they_submitted(self, make_group, reviewer):
        group = make_group("Mine", status="pending", submitted_at=timezone.now(), submitted_by=reviewer)
        decide(logged_in(reviewer), group.pk, {"action": "approve"})
        group.refresh_from_db()
        assert group.status == "pending"

    def test_reject_needs_a_reason_and_closes_a_new_listing(self, pending, reviewer, coordinator):
        staff = logged_in(reviewer)
        assert decide(staff, pending.pk, {"action": "reject", "reason": " "}).status_code == 400
        decide(staff, pending.pk, {"action": "reject", "reason": "Not a support group."})
        pending.refresh_from_db()
        assert pending.status == "closed"
        decision = pending.decisions.get(action="rejected")
        assert decision.actor == reviewer and decision.reason == "Not a support group."
        assert "Not a support group." in logged_in(coordinator).get("/coordinate/groups/pending/").content.decode()

    def test_rejecting_a_change_keeps_the_public_version(self, make_group, coordinator, reviewer):
        group = make_group("Public", slug="public")
        group.coordinators.add(coordinator)
        client = logged_in(coordinator)
        client.post("/coordinate/groups/public/edit/", edit_data(client, "public", name="Renamed", action="submit"))
        revision = Group.objects.get(revision_of=group)
        decide(logged_in(reviewer), revision.pk, {"action": "reject", "reason": "No."})
        group.refresh_from_db()
        assert group.name == "Public" and group.status == "published"
        assert not Group.objects.filter(revision_of=group).exists()

    def test_a_proposed_change_is_never_public(self, make_group, coordinator, client):
        group = make_group("Public", slug="public", summary="Old summary")
        group.coordinators.add(coordinator)
        editor = logged_in(coordinator)
        editor.post("/coordinate/groups/public/edit/", edit_data(editor, "public", summary="New summary",
                                                                 action="save"))
        for url in ["/groups/", "/api/v1/groups/", "/groups/?q=summary", "/groups/public/", "/api/v1/groups/public/"]:
            body = client.get(url).content.decode()
            assert "New summary" not in body
        assert client.get("/api/v1/groups/").json()["count"] == 1


class TestStatusAndFreshness:
    @pytest.fixture
    def group(self, make_group, coordinator):
        group = make_group("Listed", slug="listed")
        group.coordinators.add(coordinator)
        return group

    def test_pause_reopen_close(self, group, coordinator, client):
        editor = logged_in(coordinator)
        editor.post("/coordinate/groups/listed/status/", {"action": "pause"})
        assert "not taking new members" in client.get("/groups/listed/").content.decode()
        editor.post("/coordinate/groups/listed/status/", {"action": "reopen"})
        assert "not taking new members" not in client.get("/groups/listed/").content.decode()
        editor.post("/coordinate/groups/listed/close/", {"confirm": "close"})
        assert client.get("/groups/listed/").status_code == 404
        assert list(group.decisions.values_list("action", flat=True).order_by("created_at")) == [
            "paused", "reopened", "closed"]

    def test_still_accurate_updates_the_confirmed_date(self, group, coordinator):
        Group.objects.filter(pk=group.pk).update(last_confirmed_at=timezone.now() - datetime.timedelta(days=400))
        assert "not been confirmed" in Client().get("/groups/listed/").content.decode()
        logged_in(coordinator).post("/coordinate/groups/listed/confirm/")
        group.refresh_from_db()
        assert timezone.now() - group.last_confirmed_at < datetime.timedelta(minutes=1)
        assert "not been confirmed" not in Client().get("/groups/listed/").content.decode()

    def test_stale_reminders_are_sent_once(self, group, coordinator, settings):
        Group.objects.filter(pk=group.pk).update(last_confirmed_at=timezone.now() - datetime.timedelta(days=200))
        call_command("remind_stale_listings")
        call_command("remind_stale_listings")
        assert [m.to for m in mail.outbox] == [[coordinator.email]]
        assert "still accurate" in mail.outbox[0].subject
        # Confirming starts a new period: a later reminder may come again.
        logged_in(coordinator).post("/coordinate/groups/listed/confirm/")
        Group.objects.filter(pk=group.pk).update(last_confirmed_at=timezone.now() - datetime.timedelta(days=200))
        call_command("remind_stale_listings")
        assert len(mail.outbox) == 2

    def test_fresh_listings_are_not_reminded(self, group, settings):
        settings.STALE_REMINDER_DAYS = 30
        Group.objects.filter(pk=group.pk).update(last_confirmed_at=timezone.now() - datetime.timedelta(days=29))
        call_command("remind_stale_listings")
        assert mail.outbox == []


class TestCoCoordinators:
    @pytest.fixture
    def group(self, make_group, coordinator):
        group = make_group("Shared", slug="shared")
        group.coordinators.add(coordinator)
        return group

    def test_invite_accept_once_and_remove(self, group, coordinator, make_user):
        logged_in(coordinator).post("/coordinate/groups/shared/coordinators/invite/", {"email": "friend@example.org"})
        link = re.search(r"/coordinate/invitations/[^\s]+/", mail.outbox[-1].body).group(0)
        friend = make_user("friend@example.org")
        assert logged_in(friend).post(link).status_code == 302
        assert group.coordinators.filter(pk=friend.pk).exists()
        # The link works once.
        other = make_user("other@example.org")
        assert logged_in(other).post(link).status_code == 400
        logged_in(coordinator).post(f"/coordinate/groups/shared/coordinators/{friend.pk}/remove/")
        assert not group.coordinators.filter(pk=friend.pk).exists()

    def test_an_expired_or_misdirected_invitation_is_refused(self, group, coordinator, make_user):
        logged_in(coordinator).post("/coordinate/groups/shared/coordinators/invite/", {"email": "friend@example.org"})
        link = re.search(r"/coordinate/invitations/[^\s]+/", mail.outbox[-1].body).group(0)
        stranger = make_user("stranger@example.org")
        assert logged_in(stranger).post(link).status_code == 400
        group.invitations.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
        friend = make_user("friend@example.org")
        assert logged_in(friend).post(link).status_code == 400
        assert not group.coordinators.filter(pk__in=[stranger.pk, friend.pk]).exists()

    def test_the_last_coordinator_cannot_be_removed(self, group, coordinator):
        logged_in(coordinator).post(f"/coordinate/groups/shared/coordinators/{coordinator.pk}/remove/")
        assert group.coordinators.filter(pk=coordinator.pk).exists()


class TestConcurrentEdits:
    def test_the_second_editor_is_told_and_nothing_is_lost(self, make_group, make_user, taxonomy):
        group = make_group("Draft", slug="draft", status="draft")
        first, second = make_user("a@example.org"), make_user("b@example.org")
        group.coordinators.add(first, second)
        one, two = logged_in(first), logged_in(second)
        form_one = edit_data(one, "draft", summary="First editor's summary", action="save")
        form_two = edit_data(two, "draft", summary="Second editor's summary", action="save")
        assert one.post("/coordinate/groups/draft/edit/", form_one).status_code == 302
        response = two.post("/coordinate/groups/draft/edit/", form_two)
        assert response.status_code == 200
        page = response.content.decode()
        assert "Someone else saved this listing while you were editing it." in page
        assert "Second editor&#x27;s summary" in page  # the second editor's words are still in the form
        group.refresh_from_db()
        assert group.summary == "First editor's summary"
        # Saving again, knowingly, keeps the second version.
        form_two["version"] = response.context["form"].data["version"]
        assert two.post("/coordinate/groups/draft/edit/", form_two).status_code == 302
        group.refresh_from_db()
        assert group.summary == "Second editor's summary"


class TestCsrf:
    def test_every_coordinator_form_needs_a_csrf_token(self, make_group, coordinator, reviewer, taxonomy):
        group = make_group("Guarded", slug="guarded", status="pending", submitted_at=timezone.now())
        group.coordinators.add(coordinator)
        strict = Client(enforce_csrf_checks=True)
        strict.force_login(coordinator)
        for url, data in [
            ("/coordinate/groups/new/", form_data(taxonomy, action="save")),
            ("/coordinate/groups/guarded/edit/", form_data(taxonomy, action="save")),
            ("/coordinate/groups/guarded/submit/", {}), ("/coordinate/groups/guarded/status/", {"action": "close"}),
            ("/coordinate/groups/guarded/close/", {"confirm": "close"}), ("/coordinate/groups/guarded/reopen/", {}),
            ("/coordinate/groups/guarded/confirm/", {}),
            ("/coordinate/groups/guarded/coordinators/invite/", {"email": "x@example.org"}),
        ]:
            assert strict.post(url, data).status_code == 403, url
        staff = Client(enforce_csrf_checks=True)
        staff.force_login(reviewer)
        assert decide(staff, group.pk, {"action": "approve"}).status_code == 403
        group.refresh_from_db()
        assert group.status == "pending" and Group.objects.count() == 1


class TestClaimInTheNewGroupForm:
    def test_a_claim_made_with_a_new_listing_joins_the_accreditation_queue(self, client, coordinator, taxonomy,
                                                                          accrediting_body):
        client.force_login(coordinator)
        client.post("/coordinate/groups/new/", form_data(
            taxonomy, action="save", **{"claim-body": accrediting_body.pk, "claim-reference": "LL-123",
                                        "claim-scope": "organisation"}))
        group = Group.objects.get()
        claim = group.accreditation_claims.get()
        assert claim.status == "claimed" and claim.reference == "LL-123" and claim.submitted_by == coordinator
        page = client.get(f"/coordinate/groups/{group.slug}/accreditation/").content.decode()
        assert "LL-123" in page

    def test_no_claim_is_made_when_no_body_is_chosen(self, client, coordinator, taxonomy):
        client.force_login(coordinator)
        client.post("/coordinate/groups/new/", form_data(taxonomy, action="save"))
        assert not Group.objects.get().accreditation_claims.exists()


class TestFirstChangeToAPublicListing:
    def test_two_first_saves_make_one_proposed_change_and_the_second_editor_is_told(self, make_group, make_user,
                                                                                   taxonomy):
        group = make_group("Public", slug="public", summary="Approved summary",
                           meetings=[{"frequency": "weekly", "weekday": 2, "start_time": datetime.time(18, 0)}])
        first, second = make_user("a@example.org"), make_user("b@example.org")
        group.coordinators.add(first, second)
        one, two = logged_in(first), logged_in(second)
        form_one = edit_data(one, "public", summary="First editor's summary", action="save")
        form_two = edit_data(two, "public", summary="Second editor's summary", action="save")
        assert not Group.objects.filter(revision_of=group).exists()  # opening the form made nothing
        assert one.post("/coordinate/groups/public/edit/", form_one).status_code == 302
        response = two.post("/coordinate/groups/public/edit/", form_two)
        assert "Someone else saved this listing while you were editing it." in response.content.decode()
        revision = Group.objects.get(revision_of=group)
        assert revision.summary == "First editor's summary" and revision.meeting_times.count() == 1
        # Saving again, knowingly, keeps the second version, with its meeting once.
        form_two["version"] = response.context["form"].data["version"]
        assert two.post("/coordinate/groups/public/edit/", form_two).status_code == 302
        revision = Group.objects.get(revision_of=group)
        assert revision.summary == "Second editor's summary" and revision.meeting_times.count() == 1
        group.refresh_from_db()
        assert group.summary == "Approved summary"
