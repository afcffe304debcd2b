"""Coordinators see reports of closed, wrong details and wrong times for their own groups, never who sent them."""

import pytest
from django.test import Client

from accounts.models import OutgoingEmail
from groups.reports import services
from groups.reports.models import ListingReport, ReportDecision

pytestmark = pytest.mark.django_db

PAGE = "/coordinate/groups/evening-circle/"


@pytest.fixture
def coordinator_client(coordinator):
    client = Client()
    client.force_login(coordinator)
    return client


def report(group, reason, note, **fields):
    return ListingReport.objects.create(group=group, reason=reason, note=note, reply_email="reporter@example.org",
                                        **fields)


def test_coordinators_see_what_is_wrong_but_nothing_about_who_said_it(coordinator_client, listing):
    report(listing, "wrong-time", "It starts at 7pm now.")
    report(listing, "closed", "Nobody came in May.")
    report(listing, "unsafe", "About the host.")
    report(listing, "other", "Something else entirely.")
    page = coordinator_client.get(PAGE).content.decode()
    assert "It starts at 7pm now." in page and "Nobody came in May." in page
    assert "About the host." not in page and "Something else entirely." not in page
    assert "reporter@example.org" not in page


def test_dismissed_reports_are_not_shown_to_coordinators(coordinator_client, listing):
    report(listing, "wrong-details", "Wrong phone.", resolution="dismissed")
    assert "Wrong phone." not in coordinator_client.get(PAGE).content.decode()


def test_coordinators_see_staff_asking_them_and_mark_it_fixed_telling_nobody(
        coordinator_client, coordinator, staff, listing):
    asked = report(listing, "wrong-details", "The phone number is wrong.")
    services.report_resolve(report=asked, staff=staff, resolution="asked-coordinators",
                            note="Please check the phone number.")
    OutgoingEmail.objects.all().delete()
    page = coordinator_client.get(PAGE).content.decode()
    assert "Please check the phone number." in page and "Mark as fixed" in page
    response = coordinator_client.post(f"{PAGE}reports/{asked.pk}/fixed/")
    assert response.status_code == 302 and response["Location"] == PAGE
    asked.refresh_from_db()
    assert asked.coordinators_fixed_at is not None
    decision = ReportDecision.objects.get(action="coordinators-fixed")
    assert decision.actor == coordinator
    assert not OutgoingEmail.objects.exists()
    assert "You marked this fixed" in coordinator_client.get(PAGE).content.decode()
    # Twice: told it was already done, nothing recorded again.
    coordinator_client.post(f"{PAGE}reports/{asked.pk}/fixed/")
    assert ReportDecision.objects.filter(action="coordinators-fixed").count() == 1


def test_an_open_report_marked_fixed_stays_in_the_staff_queue_flagged(coordinator_client, staff, listing):
    open_report = report(listing, "wrong-time", "Wrong day.")
    coordinator_client.post(f"{PAGE}reports/{open_report.pk}/fixed/")
    staff_client = Client()
    staff_client.force_login(staff)
    queue = staff_client.get("/coordinate/review/reports/").content.decode()
    assert f"/coordinate/review/reports/{open_report.pk}/" in queue and "The coordinators say it is fixed." in queue


@pytest.mark.parametrize("reason", ["unsafe", "other"])
def test_coordinators_cannot_mark_reports_they_may_not_see(coordinator_client, listing, reason):
    hidden = report(listing, reason, "Hidden.")
    assert coordinator_client.post(f"{PAGE}reports/{hidden.pk}/fixed/").status_code == 404
    hidden.refresh_from_db()
    assert hidden.coordinators_fixed_at is None


def test_another_groups_coordinator_gets_a_404(make_user, make_group, listing):
    other = make_user("other@example.org")
    make_group("Theirs", slug="theirs").coordinators.add(other)
    wrong = report(listing, "wrong-time", "Wrong.")
    client = Client()
    client.force_login(other)
    assert client.post(f"{PAGE}reports/{wrong.pk}/fixed/").status_code == 404
    # Nor through their own group's address.
    assert client.post(f"/coordinate/groups/theirs/reports/{wrong.pk}/fixed/").status_code == 404
    wrong.refresh_from_db()
    assert wrong.coordinators_fixed_at is None


def test_the_reports_section_costs_the_same_queries_for_many_reports(coordinator_client, listing, staff,
                                                                      django_assert_num_queries):
    report(listing, "wrong-time", "One.")
    coordinator_client.get(PAGE)
    with django_assert_num_queries(99, exact=False) as few:
        coordinator_client.get(PAGE)
    for number in range(8):
        services.report_resolve(report=report(listing, "closed", f"Note {number}"), staff=staff,
                                resolution="asked-coordinators", note="Please check.")
    with django_assert_num_queries(len(few.captured_queries)):
        coordinator_client.get(PAGE)


def test_asked_about_a_report_they_would_not_see_coordinators_get_staffs_note_not_the_reporters(
        coordinator_client, staff, listing):
    other = report(listing, "other", "The reporter said about the host.")
    services.report_resolve(report=other, staff=staff, resolution="asked-coordinators",
                            note="Please add a contact route other than a personal phone.")
    page = coordinator_client.get(PAGE).content.decode()
    assert "Please add a contact route other than a personal phone." in page
    assert "The reporter said" not in page and "reporter@example.org" not in page
    assert coordinator_client.post(f"{PAGE}reports/{other.pk}/fixed/").status_code == 302
    other.refresh_from_db()
    assert other.coordinators_fixed_at is not None
