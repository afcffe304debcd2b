"""Staff: the queue beside the review queue, and one decision per report, logged with who, when and why."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import OutgoingEmail
from groups.coordination.models import ModerationDecision
from groups.core.models import Group
from groups.reports import services
from groups.reports.models import ListingReport, ReportDecision

pytestmark = pytest.mark.django_db

QUEUE = "/coordinate/review/reports/"


def reported(group, reason="wrong-time", *, days_ago=0, **fields):
    return ListingReport.objects.create(group=group, reason=reason,
                                        created_at=timezone.now() - datetime.timedelta(days=days_ago), **fields)


@pytest.fixture
def staff_client(staff):
    client = Client()
    client.force_login(staff)
    return client


def queue_order(client):
    page = client.get(QUEUE).content.decode()
    table = page.split("<tbody>")[1].split("</tbody>")[0] if "<tbody>" in page else ""
    return [row.split('/coordinate/review/reports/')[1].split('/')[0] for row in table.split("<tr>")[1:]]


def test_the_review_queue_links_to_the_reports(staff_client):
    assert f'href="{QUEUE}"' in staff_client.get("/coordinate/review/").content.decode()


def test_oldest_first_but_several_closed_or_unsafe_reports_in_a_week_come_first(staff_client, make_group, listing):
    quiet, loud, old_news = make_group("Quiet"), make_group("Loud"), make_group("Old news")
    oldest = reported(quiet, days_ago=5)
    older_wrong = reported(listing, "wrong-details", days_ago=3)
    first_unsafe = reported(loud, "unsafe", days_ago=2)
    second_closed = reported(loud, "closed", days_ago=1)
    # Two "closed" reports, but more than a week apart: not urgent.
    reported(old_news, "closed", days_ago=9, resolved_at=timezone.now(), resolution="dismissed")
    stale = reported(old_news, "closed", days_ago=0)
    order = queue_order(staff_client)
    assert order == [str(r.pk) for r in [first_unsafe, second_closed, oldest, older_wrong, stale]]
    page = staff_client.get(QUEUE).content.decode()
    assert page.count("2 reports of closed or unsafe this week") == 2


def test_how_many_reports_make_a_listing_urgent_is_a_setting(staff_client, make_group, settings):
    settings.REPORT_URGENT_COUNT = 1
    first, unsafe = reported(make_group(), days_ago=3), reported(make_group(), "unsafe")
    assert queue_order(staff_client) == [str(unsafe.pk), str(first.pk)]


def test_the_queue_costs_the_same_queries_for_many_reports(staff_client, make_group, django_assert_num_queries):
    groups = [make_group() for _ in range(3)]
    for group in groups:
        reported(group, "unsafe")
    staff_client.get(QUEUE)
    with django_assert_num_queries(6) as few:
        staff_client.get(QUEUE)
    for group in [make_group() for _ in range(10)]:
        reported(group, "closed")
        reported(group, "closed", resolved_at=timezone.now(), resolution="fixed")
    with django_assert_num_queries(len(few.captured_queries)):
        staff_client.get(QUEUE)


def test_the_report_page_shows_staff_the_reply_address(staff_client, listing):
    report = reported(listing, "unsafe", note="Unsafe venue.", reply_email="reply@example.org")
    page = staff_client.get(f"{QUEUE}{report.pk}/").content.decode()
    assert "Unsafe venue." in page and "reply@example.org" in page
    assert f"/admin/groups/group/{listing.pk}/change/" in page


def resolve(client, report, resolution, note="Checked it."):
    return client.post(f"{QUEUE}{report.pk}/", {"resolution": resolution, "note": note})


@pytest.mark.parametrize("resolution, status_after", [
    ("fixed", "published"), ("asked-coordinators", "published"), ("paused", "paused"), ("taken-down", "closed"),
    ("dismissed", "published"),
])
def test_each_decision_is_logged_with_who_when_and_why(staff_client, staff, listing, resolution, status_after):
    report = reported(listing, "closed")
    response = resolve(staff_client, report, resolution, note="Phoned the host.")
    assert response.status_code == 302 and response["Location"] == QUEUE
    report.refresh_from_db()
    assert (report.resolution, report.resolved_by) == (resolution, staff) and report.resolved_at
    (decision,) = ReportDecision.objects.all()
    assert (decision.action, decision.actor, decision.reason) == (resolution, staff, "Phoned the host.")
    listing.refresh_from_db()
    assert listing.status == status_after
    assert str(report.pk) not in queue_order(staff_client)


def test_pausing_or_taking_down_goes_through_the_listing_service_and_tells_the_coordinators(
        staff_client, listing, coordinator):
    resolve(staff_client, reported(listing, "unsafe"), "taken-down", note="Not a support group.")
    (moderation,) = ModerationDecision.objects.filter(group=listing)
    assert (moderation.action, moderation.reason) == ("closed", "Not a support group.")
    (email,) = OutgoingEmail.objects.all()
    assert email.to == [coordinator.email] and "Not a support group" not in email.body
    assert not Group.objects.published().filter(pk=listing.pk).exists()


def test_asking_the_coordinators_emails_them_the_reason_never_the_reporter(staff_client, listing, coordinator):
    report = reported(listing, "wrong-time", note="Starts at 7.", reply_email="reporter@example.org")
    resolve(staff_client, report, "asked-coordinators", note="Please check your meeting time.")
    (email,) = OutgoingEmail.objects.all()
    assert email.to == [coordinator.email]
    assert "the meeting day or time is wrong" in email.body
    assert "/coordinate/groups/evening-circle/" in email.body
    for private in ["reporter@example.org", "Starts at 7."]:
        assert private not in email.body and private not in email.subject


def test_pressing_twice_or_deciding_on_a_stale_page_does_nothing_twice(staff_client, make_user, listing):
    report = reported(listing, "closed")
    other = Client()
    other.force_login(make_user("other@example.org", staff=True, mfa=True))
    assert resolve(other, report, "paused").status_code == 302
    # The first member of staff still has the page open, and presses (twice).
    for _ in range(2):
        response = resolve(staff_client, report, "taken-down")
        page = response.content.decode()
        assert response.status_code == 409
        assert "already resolved by other@example.org" in page and "Nothing more was done" in page
    listing.refresh_from_db()
    assert listing.status == "paused"
    assert ReportDecision.objects.count() == 1 and ModerationDecision.objects.count() == 1


def test_a_decision_needs_a_choice_and_a_reason(staff_client, listing):
    report = reported(listing)
    for data in [{"resolution": "fixed", "note": " "}, {"resolution": "", "note": "x"}, {"resolution": "burn"}]:
        response = staff_client.post(f"{QUEUE}{report.pk}/", data)
        assert response.status_code == 400
    report.refresh_from_db()
    assert not report.is_resolved and not ReportDecision.objects.exists()


def test_pausing_a_listing_that_cannot_be_paused_is_refused_whole(staff_client, listing):
    report = reported(listing)
    Group.objects.filter(pk=listing.pk).update(status="paused")
    response = resolve(staff_client, report, "paused")
    assert response.status_code == 400 and "cannot be done to a listing that is paused" in response.content.decode()
    report.refresh_from_db()
    assert not report.is_resolved and not ReportDecision.objects.exists()


def test_staff_who_coordinate_the_group_cannot_decide(staff_client, staff, listing):
    listing.coordinators.add(staff)
    report = reported(listing, "unsafe")
    assert "another member of staff must decide" in staff_client.get(f"{QUEUE}{report.pk}/").content.decode()
    resolve(staff_client, report, "dismissed")
    report.refresh_from_db()
    assert not report.is_resolved


def test_an_unknown_report_is_a_404(staff_client):
    assert staff_client.get(f"{QUEUE}999/").status_code == 404


def test_the_service_refuses_a_second_decision(staff, make_user, listing):
    report = reported(listing)
    services.report_resolve(report=report, staff=staff, resolution="fixed", note="Done.")
    with pytest.raises(services.ReportAlreadyResolved):
        services.report_resolve(report=report, staff=make_user("x@example.org", staff=True),
                                resolution="dismissed", note="No.")
