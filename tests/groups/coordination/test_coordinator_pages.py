"""Coordinator pages without traps: closing is confirmed, a closed listing comes back through review, saving a
listing under review says it leaves the queue, the header has the account links, and calendar UIDs survive
approvals."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from groups.coordination import services
from groups.models import Group
from tests.groups.coordination.test_coordinate import edit_data

pytestmark = pytest.mark.django_db

TUESDAY_EVENING = {"frequency": "weekly", "weekday": 1, "start_time": datetime.time(18, 30),
                   "end_time": datetime.time(20, 0)}




def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def own(make_group, coordinator, status="published", **fields):
    group = make_group("Harbour Circle", slug="harbour", status=status, **fields)
    group.coordinators.add(coordinator)
    return group


def actions(group):
    return list(group.decisions.order_by("created_at", "pk").values_list("action", flat=True))


class TestClosing:
    def test_the_manage_page_links_to_a_confirmation_away_from_submit(self, make_group, coordinator):
        own(make_group, coordinator, status="draft")
        page = logged_in(coordinator).get("/coordinate/groups/harbour/").content.decode()
        # No button closes the listing from this page: only a link to the page that asks.
        assert 'value="close"' not in page
        danger = page[page.index('class="danger-zone"'):]
        assert 'href="/coordinate/groups/harbour/close/"' in danger and "Submit for review" not in danger

    def test_the_confirmation_page_says_what_happens_and_closes_nothing(self, make_group, coordinator, client):
        group = own(make_group, coordinator)
        page = logged_in(coordinator).get("/coordinate/groups/harbour/close/").content.decode()
        assert "taken off SupportFinder straight away" in page and "You can reopen it later" in page
        group.refresh_from_db()
        assert group.status == "published" and client.get("/groups/harbour/").status_code == 200

    def test_a_post_without_the_confirmation_does_nothing(self, make_group, coordinator, client):
        group = own(make_group, coordinator)
        editor = logged_in(coordinator)
        response = editor.post("/coordinate/groups/harbour/close/", {})
        assert response.status_code == 400 and "Tick the box" in response.content.decode()
        # The old one-tap form is sent to the confirmation page and closes nothing either.
        response = editor.post("/coordinate/groups/harbour/status/", {"action": "close"})
        assert response.status_code == 302 and response["Location"] == "/coordinate/groups/harbour/close/"
        group.refresh_from_db()
        assert group.status == "published" and actions(group) == []
        assert client.get("/groups/harbour/").status_code == 200

    def test_confirmed_it_closes_and_is_recorded(self, make_group, coordinator, client):
        group = own(make_group, coordinator)
        response = logged_in(coordinator).post("/coordinate/groups/harbour/close/", {"confirm": "close"})
        assert response.status_code == 302
        group.refresh_from_db()
        assert group.status == "closed" and actions(group) == ["closed"]
        assert client.get("/groups/harbour/").status_code == 404


class TestReopeningAClosedListing:
    def test_it_goes_back_through_review_and_is_public_only_once_approved(self, make_group, coordinator, reviewer,
                                                                          client):
        group = own(make_group, coordinator, status="closed")
        editor = logged_in(coordinator)
        assert "Reopen the listing for review" in editor.get("/coordinate/groups/harbour/").content.decode()
        page = editor.post("/coordinate/groups/harbour/reopen/", follow=True).content.decode()
        assert "sent for review" in page
        group.refresh_from_db()
        assert group.status == "pending" and actions(group) == ["reopened", "submitted"]
        assert client.get("/groups/harbour/").status_code == 404
        services.review_approve(group=group, reviewer=reviewer, seen=services.seen_token(group))
        assert client.get("/groups/harbour/").status_code == 200

    def test_an_incomplete_listing_is_reopened_as_a_draft_and_says_what_is_missing(self, make_group, coordinator):
        group = own(make_group, coordinator, status="closed", summary="")
        page = logged_in(coordinator).post("/coordinate/groups/harbour/reopen/", follow=True).content.decode()
        group.refresh_from_db()
        assert group.status == "draft" and actions(group) == ["reopened"]
        assert "Reopened as a draft" in page and "summary" in page

    @pytest.mark.parametrize("status", ["draft", "pending", "published", "paused"])
    def test_only_a_closed_listing_can_be_reopened_for_review(self, make_group, coordinator, status):
        group = own(make_group, coordinator, status=status)
        with pytest.raises(ValidationError):
            services.group_relist(group=group, user=coordinator)
        logged_in(coordinator).post("/coordinate/groups/harbour/reopen/")
        group.refresh_from_db()
        assert group.status == status and actions(group) == []


class TestSavingAListingUnderReview:
    @pytest.fixture
    def pending(self, make_group, coordinator):
        return own(make_group, coordinator, status="pending")

    def test_the_form_warns_that_a_draft_leaves_the_queue(self, pending, coordinator):
        page = logged_in(coordinator).get("/coordinate/groups/harbour/edit/").content.decode()
        assert "This listing is waiting for review." in page
        assert "I understand this takes it out of the review queue" in page

    @pytest.mark.parametrize("action", ["save", "preview"])
    def test_without_the_confirmation_nothing_changes_and_every_value_is_kept(self, pending, coordinator, action):
        editor = logged_in(coordinator)
        data = edit_data(editor, "harbour", name="Harbour Circle, renamed", summary="A new summary.",
                         action=action)
        response = editor.post("/coordinate/groups/harbour/edit/", data)
        page = response.content.decode()
        assert response.status_code == 200 and "takes it out of the review queue until you submit" in page
        assert 'value="Harbour Circle, renamed"' in page and 'value="A new summary."' in page
        pending.refresh_from_db()
        assert pending.status == "pending" and pending.name == "Harbour Circle" and actions(pending) == []

    def test_with_the_confirmation_it_is_saved_as_a_draft(self, pending, coordinator):
        editor = logged_in(coordinator)
        data = edit_data(editor, "harbour", name="Harbour Circle, renamed", action="save", leave_queue="yes")
        assert editor.post("/coordinate/groups/harbour/edit/", data).status_code == 302
        pending.refresh_from_db()
        assert pending.status == "draft" and pending.name == "Harbour Circle, renamed"

    def test_save_and_submit_needs_no_confirmation(self, pending, coordinator):
        editor = logged_in(coordinator)
        data = edit_data(editor, "harbour", name="Harbour Circle, renamed", action="submit")
        assert editor.post("/coordinate/groups/harbour/edit/", data).status_code == 302
        pending.refresh_from_db()
        assert pending.status == "pending" and pending.name == "Harbour Circle, renamed"

    def test_a_proposed_change_under_review_asks_too(self, make_group, coordinator):
        public = own(make_group, coordinator)
        change = make_group("Harbour Circle", slug="harbour-change", status="pending", revision_of=public)
        change.coordinators.add(coordinator)
        editor = logged_in(coordinator)
        data = edit_data(editor, "harbour", name="Harbour Circle, renamed", action="save")
        page = editor.post("/coordinate/groups/harbour/edit/", data).content.decode()
        assert "takes it out of the review queue until you submit" in page
        change.refresh_from_db()
        assert change.status == "pending" and change.name == "Harbour Circle"

    def test_a_draft_saves_without_the_question(self, make_group, coordinator):
        group = own(make_group, coordinator, status="draft")
        editor = logged_in(coordinator)
        assert "waiting for review" not in editor.get("/coordinate/groups/harbour/edit/").content.decode()
        data = edit_data(editor, "harbour", name="Harbour Circle, renamed", action="save")
        assert editor.post("/coordinate/groups/harbour/edit/", data).status_code == 302
        group.refresh_from_db()
        assert group.name == "Harbour Circle, renamed"


class TestHeader:
    def test_signed_in_people_see_their_account_and_can_sign_out(self, coordinator):
        client = logged_in(coordinator)
        page = client.get("/").content.decode()
        assert 'href="/accounts/profile/"' in page and "Your account" in page
        form = re.search(r'<form method="post" action="/accounts/logout/"[^>]*>(.*?)</form>', page, re.S)
        assert form and "csrfmiddlewaretoken" in form.group(1) and "Sign out" in form.group(1)
        client.post("/accounts/logout/")
        assert "_auth_user_id" not in client.session

    def test_anonymous_visitors_see_neither_and_get_no_cookie(self, client, make_group):
        make_group("Harbour Circle", slug="harbour")
        for url in ["/", "/groups/", "/groups/harbour/"]:
            response = client.get(url)
            page = response.content.decode()
            assert "Sign out" not in page and "Your account" not in page and "csrfmiddlewaretoken" not in page
            assert not response.cookies, url


class TestAddressVisibilityChoice:
    def test_each_choice_carries_its_own_explanation(self, coordinator):
        page = logged_in(coordinator).get("/coordinate/groups/new/").content.decode()
        choices = re.search(r'<div id="id_place-address_visibility" class="choice-blocks">(.*?)</div>\s*</fieldset>',
                            page, re.S)
        assert choices, "the address visibility choices are not marked as full-width blocks"
        hints = re.findall(r'<span class="choice-blocks__hint">(.*?)</span>', choices.group(1), re.S)
        assert len(hints) == 3 and "Nobody sees the address" in hints[2]


class TestCalendarUids:
    def uids(self, client):
        return re.findall(r"UID:(\S+)", client.get("/groups/harbour/calendar.ics").content.decode())

    def approve_change(self, coordinator, reviewer, **overrides):
        editor = logged_in(coordinator)
        editor.post("/coordinate/groups/harbour/edit/", edit_data(editor, "harbour", action="submit", **overrides))
        change = Group.objects.get(revision_of__slug="harbour")
        assert change.status == "pending"
        services.review_approve(group=change, reviewer=reviewer, seen=services.seen_token(change))

    def test_an_approved_change_keeps_the_uid_of_an_unchanged_meeting(self, make_group, coordinator, reviewer,
                                                                      client):
        own(make_group, coordinator, meetings=[TUESDAY_EVENING])
        before = self.uids(client)
        assert len(before) == 1
        self.approve_change(coordinator, reviewer, summary="A calmer summary.")
        assert Group.objects.get(slug="harbour").summary == "A calmer summary."
        assert self.uids(client) == before
        # A new end time is the same meeting, updated.
        self.approve_change(coordinator, reviewer, **{"meetings-0-end_time": "20:30"})
        assert self.uids(client) == before

    def test_a_meeting_whose_pattern_changes_gets_a_new_uid(self, make_group, coordinator, reviewer, client):
        own(make_group, coordinator, meetings=[TUESDAY_EVENING])
        before = self.uids(client)
        self.approve_change(coordinator, reviewer, **{"meetings-0-weekday": "3"})
        after = self.uids(client)
        assert len(after) == 1 and after != before


def test_the_manage_page_names_its_viewer_once(make_group, coordinator, client):
    # Seen in Chromium: "coordinator@example.org (coordinator@example.org) (you)" for a coordinator without a name.
    group = make_group("Evening Circle", slug="evening-circle")
    group.coordinators.add(coordinator)
    client.force_login(coordinator)
    page = " ".join(client.get(f"/coordinate/groups/{group.slug}/").content.decode().split())
    assert "<li>coordinator@example.org (you)" in page
    coordinator.display_name = "Sam"
    coordinator.save()
    page = " ".join(client.get(f"/coordinate/groups/{group.slug}/").content.decode().split())
    assert "<li>Sam (coordinator@example.org) (you)" in page
