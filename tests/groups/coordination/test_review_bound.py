"""Issue 10: a decision is about exactly what the reviewer saw, and four eyes has no holes.

Each test here is an attack that worked before: approving a version never seen, deciding as someone who
coordinates (or recently coordinated) the group, deciding on one's own proposed change, a paused listing's edit
going live unreviewed, and an invitation working twice.
"""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone

from groups.coordination import services
from groups.models import CoordinatorHistory, Group, ModerationDecision
from tests.groups.coordination.support import decide, seen_on_page
from tests.groups.coordination.test_coordinate import edit_data, form_data, logged_in

pytestmark = pytest.mark.django_db




@pytest.fixture
def pending(client, coordinator, taxonomy):
    """A new listing a coordinator submitted through the pages."""
    client.force_login(coordinator)
    client.post("/coordinate/groups/new/", form_data(taxonomy, action="submit"))
    group = Group.objects.get()
    assert group.status == "pending"
    return group


class TestBoundToWhatWasSeen:
    @pytest.mark.parametrize("action", [{"action": "approve"}, {"action": "request-changes", "reason": "Tidy it."},
                                        {"action": "reject", "reason": "Not a group."}])
    def test_a_listing_changed_after_the_page_opened_is_not_decided_and_the_change_is_shown(
        self, client, pending, reviewer, action
    ):
        staff = logged_in(reviewer)
        seen = seen_on_page(staff, pending.pk)
        # The coordinator edits and sends it again while the reviewer reads.
        client.post(f"/coordinate/groups/{pending.slug}/edit/", edit_data(
            client, pending.slug, summary="Send your bank details to join.", action="submit"))
        pending.refresh_from_db()
        assert pending.status == "pending" and pending.summary == "Send your bank details to join."

        response = staff.post(f"/coordinate/review/{pending.pk}/", {"seen": seen, **action})
        assert response.status_code == 409
        page = response.content.decode()
        assert "This changed after you opened it. Nothing was decided." in page
        assert "<del>A calm evening group for women.</del>" in page
        assert "<ins>Send your bank details to join.</ins>" in page
        pending.refresh_from_db()
        assert pending.status == "pending"
        assert not pending.decisions.exclude(action="submitted").exists()
        # The page now carries the new version: deciding from it works.
        assert decide(staff, pending.pk, action).status_code == 302
        pending.refresh_from_db()
        assert pending.status != "pending"

    def test_a_proposed_change_edited_again_is_not_approved_unseen(self, client, make_group, coordinator, reviewer):
        group = make_group("Public", slug="public")
        group.coordinators.add(coordinator)
        client.force_login(coordinator)
        client.post("/coordinate/groups/public/edit/", edit_data(client, "public", name="Renamed", action="submit"))
        revision = Group.objects.get(revision_of=group)
        staff = logged_in(reviewer)
        seen = seen_on_page(staff, revision.pk)
        client.post("/coordinate/groups/public/edit/", edit_data(client, "public", name="Totally Other",
                                                                 action="submit"))
        response = staff.post(f"/coordinate/review/{revision.pk}/", {"seen": seen, "action": "approve"})
        assert response.status_code == 409 and "<ins>Totally Other</ins>" in response.content.decode()
        group.refresh_from_db()
        assert group.name == "Public"
        assert "Totally Other" not in client.get("/groups/public/").content.decode()

    @pytest.mark.parametrize("seen", ["", "forged", None])
    def test_a_decision_without_the_pages_token_decides_nothing(self, pending, reviewer, seen):
        data = {"action": "approve"} if seen is None else {"action": "approve", "seen": seen}
        assert logged_in(reviewer).post(f"/coordinate/review/{pending.pk}/", data).status_code == 409
        pending.refresh_from_db()
        assert pending.status == "pending"


class TestFourEyes:
    def test_staff_who_coordinate_cannot_approve_what_a_co_coordinator_submitted(
        self, client, pending, reviewer
    ):
        pending.coordinators.add(reviewer)
        staff = logged_in(reviewer)
        page = staff.get(f"/coordinate/review/{pending.pk}/").content.decode()
        assert "You coordinate this group" in page and 'value="approve"' not in page
        staff.post(f"/coordinate/review/{pending.pk}/",
                   {"action": "approve", "seen": services.seen_token(pending)})
        pending.refresh_from_db()
        assert pending.status == "pending" and not pending.decisions.filter(action="approved").exists()

    @pytest.mark.parametrize("days_ago, refused", [(30, True), (89, True), (91, False)])
    def test_staff_who_stepped_down_recently_cannot_decide(self, pending, reviewer, coordinator, days_ago, refused):
        pending.coordinators.add(reviewer)
        # Stepping down through the coordinator page, as the attack did.
        logged_in(coordinator).post(f"/coordinate/groups/{pending.slug}/coordinators/{reviewer.pk}/remove/")
        assert not pending.coordinators.filter(pk=reviewer.pk).exists()
        history = CoordinatorHistory.objects.get(group=pending, user=reviewer)
        CoordinatorHistory.objects.filter(pk=history.pk).update(
            ended_at=timezone.now() - datetime.timedelta(days=days_ago))
        logged_in(reviewer).post(f"/coordinate/review/{pending.pk}/",
                                 {"action": "approve", "seen": services.seen_token(pending)})
        pending.refresh_from_db()
        assert (pending.status == "pending") == refused

    def test_a_coordinator_removed_in_the_admin_is_remembered_too(self, pending, reviewer):
        pending.coordinators.add(reviewer)
        pending.coordinators.clear()
        assert CoordinatorHistory.objects.filter(group=pending, user=reviewer).exists()

    def test_staff_cannot_approve_a_proposed_change_they_submitted(self, make_group, reviewer):
        # Not a coordinator (any more than 90 days ago): only the "not your own submission" rule stands in the way.
        original = make_group("Public", slug="public")
        revision = make_group("Public, changed", slug="public-change", status="pending", revision_of=original,
                              submitted_at=timezone.now(), submitted_by=reviewer)
        response = logged_in(reviewer).post(f"/coordinate/review/{revision.pk}/",
                                            {"action": "approve", "seen": services.seen_token(revision)})
        assert response.status_code == 302
        original.refresh_from_db()
        assert original.name == "Public" and Group.objects.filter(pk=revision.pk, status="pending").exists()
        assert not ModerationDecision.objects.filter(action="approved").exists()


class TestPausedListings:
    def test_an_edit_of_a_paused_listing_waits_for_review(self, client, make_group, coordinator):
        group = make_group("Quiet Circle", slug="quiet", status="paused")
        group.coordinators.add(coordinator)
        client.force_login(coordinator)
        response = client.post("/coordinate/groups/quiet/edit/", edit_data(client, "quiet", name="Loud Circle",
                                                                         action="save"))
        assert response.status_code == 302
        group.refresh_from_db()
        assert group.name == "Quiet Circle" and group.status == "paused"
        page = client.get("/groups/quiet/").content.decode()
        assert "Quiet Circle" in page and "Loud Circle" not in page
        assert Group.objects.get(revision_of=group).name == "Loud Circle"


class TestInvitationsWorkOnce:
    def test_the_same_invitee_cannot_use_a_link_twice(self, make_group, coordinator, make_user,
                                                      django_capture_on_commit_callbacks):
        group = make_group("Shared", slug="shared")
        group.coordinators.add(coordinator)
        with django_capture_on_commit_callbacks(execute=True):
            logged_in(coordinator).post("/coordinate/groups/shared/coordinators/invite/",
                                        {"email": "friend@example.org"})
        link = re.search(r"/coordinate/invitations/[^\s]+/", mail.outbox[-1].body).group(0)
        friend = make_user("friend@example.org")
        assert logged_in(friend).post(link).status_code == 302
        logged_in(coordinator).post(f"/coordinate/groups/shared/coordinators/{friend.pk}/remove/")
        assert not group.coordinators.filter(pk=friend.pk).exists()
        # Removed, the same person tries the same link: the email matches, the one-time rule refuses.
        assert logged_in(friend).post(link).status_code == 400
        assert not group.coordinators.filter(pk=friend.pk).exists()
