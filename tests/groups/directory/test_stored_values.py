"""Stored data can never break a page: any value a MeetingTime row or a group's zone can hold gives a page.

The rows are written with QuerySet.update (no validation), as a bad import, an old bug or a hand edit would.
"""

import datetime
from unittest import mock

import pytest
from django.test import Client
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from groups.coordination.forms import MeetingTimeForm
from groups.core import next_meetings
from groups.models import Group, MeetingTime

UTC = datetime.UTC
NOW = datetime.datetime(2026, 12, 1, 18, tzinfo=UTC)
ZONES = ["Europe/London", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "Pacific/Kiritimati"]
# Whatever the columns can hold: PositiveSmallIntegerField 0..32767, SmallIntegerField ±32768, CharField(20/64).
no_nul = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")
rows = st.fixed_dictionaries({
    "frequency": st.sampled_from(["weekly", "every-n-weeks", "monthly", "by-arrangement", "", "fortnightly"]),
    "weekday": st.none() | st.integers(0, 7) | st.integers(0, 32767),
    "interval_weeks": st.integers(0, 32767),
    "week_of_month": st.none() | st.integers(-6, 6) | st.integers(-32768, 32767),
    # Anywhere, or within days of either end of the calendar.
    "starts_on": st.none() | st.dates() | st.dates(min_value=datetime.date(9999, 12, 18))
    | st.dates(max_value=datetime.date(1, 1, 14)),
    "start_time": st.none() | st.times(),
    "end_time": st.none() | st.times(),
})
zones = st.sampled_from(ZONES) | st.sampled_from(["", "Mars/Base", "../etc", "UTC"]) | st.text(no_nul, max_size=64)


def frozen(now=NOW):
    return mock.patch("django.utils.timezone.now", return_value=now)


@pytest.fixture
def odd(make_group, make_user):
    """A published group whose one meeting the test rewrites, a well-kept neighbour, and the two preview readers."""
    coordinator = make_user("coordinator@example.org")
    group = make_group("Odd Times", slug="odd", formats=["online"],
                       meetings=[{"frequency": "weekly", "weekday": 1, "start_time": datetime.time(19)}])
    group.coordinators.add(coordinator)
    make_group("Steady", slug="steady",
               meetings=[{"frequency": "weekly", "weekday": 3, "start_time": datetime.time(18)}])
    clients = {"coordinator": Client(), "staff": Client()}
    clients["coordinator"].force_login(coordinator)
    clients["staff"].force_login(make_user("reviewer@example.org", staff=True, mfa=True))
    return group, clients


# The group page and its calendar, a results page and the API sorted by next meeting (cards and JSON of the group).
PAGES = ["/groups/odd/", "/groups/odd/calendar.ics", "/groups/?sort=next", "/api/v1/groups/?sort=next"]


END = {"frequency": "weekly", "weekday": 4, "interval_weeks": 1, "week_of_month": None,
       "starts_on": datetime.date(9999, 12, 31), "start_time": datetime.time(23, 30), "end_time": None}


# 60 examples of six requests each (about a minute on a busy machine), and the rows that broke pages before.
@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(row=rows, zone=zones)
@example(row=END, zone="America/New_York")
@example(row={**END, "frequency": "every-n-weeks"}, zone="Pacific/Kiritimati")
@example(row={**END, "frequency": "monthly", "week_of_month": 9}, zone="Europe/London")
@example(row={**END, "weekday": 9}, zone="Mars/Base")
def test_no_stored_meeting_value_breaks_a_page(client, odd, row, zone):
    group, clients = odd
    MeetingTime.objects.filter(group=group).update(**row)
    Group.objects.filter(pk=group.pk).update(time_zone=zone)
    with frozen():
        for url in PAGES:
            assert client.get(url).status_code == 200, (url, row, zone)
        assert clients["coordinator"].get("/coordinate/groups/odd/preview/").status_code == 200
        assert clients["staff"].get(f"/coordinate/review/{group.pk}/preview/").status_code == 200


@pytest.mark.parametrize("frequency", ["weekly", "every-n-weeks", "monthly"])
def test_a_first_meeting_on_9999_12_31_asks_the_group(client, odd, frequency):
    group, _clients = odd
    MeetingTime.objects.filter(group=group).update(
        frequency=frequency, weekday=4, week_of_month=-1, interval_weeks=2, starts_on=datetime.date(9999, 12, 31),
        start_time=datetime.time(23, 30),
    )
    Group.objects.filter(pk=group.pk).update(time_zone="America/New_York")
    # A hand edit bypasses the signals: the stored next meeting that result cards show is recomputed after one, as
    # `refresh_next_meetings --all` does (groups.core.next_meetings).
    next_meetings.store(Group.objects.filter(pk=group.pk), now=NOW)
    with frozen():
        page = client.get("/groups/odd/").content.decode()
        listing = client.get("/groups/?sort=next").content.decode()
        data = client.get("/api/v1/groups/?sort=next").json()
        calendar = client.get("/groups/odd/calendar.ics")
    assert "Ask the group" in page and "calendar.ics" not in page
    assert listing.index("Steady") < listing.index("Odd Times") and "Ask the group" in listing
    assert [result["slug"] for result in data["results"]] == ["steady", "odd"]
    assert data["results"][1]["next_meeting"] is None
    assert calendar.status_code == 200 and b"BEGIN:VEVENT" not in calendar.content


@pytest.mark.django_db
class TestMeetingDatesAreBoundedWhenEntered:
    def form(self, starts_on):
        return MeetingTimeForm(data={
            "frequency": "every-n-weeks", "weekday": "1", "interval_weeks": "2", "week_of_month": "",
            "starts_on": starts_on, "start_time": "18:30", "end_time": "20:00",
        })

    @pytest.mark.parametrize("starts_on", ["9999-12-31", "2032-01-01", "2024-11-30", "0001-01-01"])
    def test_a_date_far_away_is_refused_with_a_clear_error(self, starts_on):
        with frozen():
            form = self.form(starts_on)
            assert not form.is_valid()
        assert form.errors["starts_on"] == [
            "Give a date between 1 December 2024 and 1 December 2031: a recent meeting or one coming up."
        ]

    @pytest.mark.parametrize("starts_on", ["2024-12-01", "2026-12-01", "2031-12-01"])
    def test_dates_within_the_bounds_are_accepted(self, starts_on):
        with frozen():
            assert self.form(starts_on).is_valid()

    def test_the_bounds_are_settings(self, settings):
        settings.MEETING_DATE_FUTURE_YEARS = 10
        with frozen():
            assert self.form("2035-06-01").is_valid()
            assert not self.form("2037-01-01").is_valid()
