"""Property tests: no stored meeting value can make the schedule code raise, and the published RRULE is the rule.

Every MeetingTime field is drawn over the whole range the database can hold (and zones that do not exist);
next occurrence, the plain description, the RRULE and the calendar file must answer without an exception.
"""

from datetime import UTC, date, datetime, time, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from groups.core import schedule
from groups.directory.ical import group_calendar
from groups.models import MeetingTime

ZONES = ["Europe/London", "America/New_York", "America/Chicago", "Europe/Amsterdam", "Australia/Sydney",
         "Asia/Kolkata", "Pacific/Kiritimati", "Pacific/Pago_Pago", "UTC"]
BAD_ZONES = ["", "Mars/Olympus_Mons", "../../etc/passwd", "Europe/", "/", "europe/london", "Etc/GMT+99"]
FREQUENCIES = ["weekly", "every-n-weeks", "monthly", "by-arrangement", "", "fortnightly", "WEEKLY"]
PROPERTY = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Every field over what the columns can store: PositiveSmallIntegerField 0..32767, SmallIntegerField ±32767.
meetings = st.builds(
    MeetingTime,
    frequency=st.sampled_from(FREQUENCIES),
    weekday=st.none() | st.integers(0, 6) | st.integers(0, 32767),
    interval_weeks=st.integers(0, 32767),
    week_of_month=st.none() | st.sampled_from([1, 2, 3, 4, -1]) | st.integers(-32768, 32767),
    starts_on=st.none() | st.dates() | st.sampled_from([date.min, date.max, date(9999, 12, 31), date(1, 1, 1)]),
    start_time=st.none() | st.times() | st.sampled_from([time(0, 0), time(23, 59), time(1, 30), time(2, 30)]),
    end_time=st.none() | st.times(),
)
zones = st.sampled_from(ZONES) | st.sampled_from(BAD_ZONES) | st.text(max_size=64)
# "Now" anywhere within a few decades, in any zone.
nows = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2060, 1, 1), timezones=st.just(UTC))


@PROPERTY
@given(meeting=meetings, tz_name=zones, now=nows)
def test_next_occurrence_never_raises_and_is_sensible(meeting, tz_name, now):
    found = schedule.next_occurrence(meeting, tz_name, now)
    if found is None:
        return
    assert found.tzinfo == ZoneInfo(tz_name)
    assert now <= found <= now + schedule.HORIZON
    assert found.weekday() == meeting.weekday
    if meeting.starts_on is not None:
        assert found.date() >= meeting.starts_on
    # The wall-clock start, unless it fell in a spring-forward gap (then moved forward by under a day).
    nominal = datetime.combine(found.date(), meeting.start_time)
    assert timedelta(0) <= found.replace(tzinfo=None) - nominal < timedelta(hours=3)


@PROPERTY
@given(meeting=meetings, tz_name=zones, now=nows)
def test_description_rule_and_calendar_never_raise(meeting, tz_name, now):
    assert isinstance(schedule.describe(meeting), str)
    rule = schedule.recurrence_rule(meeting)
    assert rule is None or rule["FREQ"] in ("WEEKLY", "MONTHLY")
    group = SimpleNamespace(name="Riverside circle", summary="A group.", time_zone=tz_name)
    body = group_calendar(group, [meeting], None, now)
    events = Calendar.from_ical(body).walk("VEVENT")
    assert len(events) == (1 if schedule.next_occurrence(meeting, tz_name, now) else 0)


def test_a_first_meeting_at_the_end_of_the_calendar_has_no_next_date():
    now = datetime(2026, 12, 1, 18, tzinfo=UTC)
    for weekday in range(7):
        for zone in ["America/New_York", "Pacific/Kiritimati", "Europe/London"]:
            for frequency in ["weekly", "every-n-weeks", "monthly"]:
                meeting = MeetingTime(frequency=frequency, weekday=weekday, week_of_month=-1, interval_weeks=3,
                                      starts_on=date(9999, 12, 31), start_time=time(23, 30))
                assert schedule.next_occurrence(meeting, zone, now) is None
                assert list(schedule.occurrences(meeting, zone, now, datetime.max.replace(tzinfo=UTC))) is not None


# Meetings the coordinator form accepts, near "now": the arithmetic and dateutil must agree date for date.
valid_meetings = st.builds(
    MeetingTime,
    frequency=st.sampled_from(["weekly", "every-n-weeks", "monthly"]),
    weekday=st.integers(0, 6),
    interval_weeks=st.integers(1, 12),
    week_of_month=st.sampled_from([1, 2, 3, 4, -1]),
    starts_on=st.dates(min_value=date(2024, 1, 1), max_value=date(2031, 12, 31)),
    start_time=st.times(),
    end_time=st.none(),
)


@PROPERTY
@given(meeting=valid_meetings, from_date=st.dates(min_value=date(2024, 1, 1), max_value=date(2031, 12, 31)))
def test_the_published_rrule_gives_the_same_dates_as_the_arithmetic(meeting, from_date):
    ours = []
    for day in schedule.occurrence_dates(meeting, from_date):
        ours.append(day)
        if len(ours) == 8:
            break
    rule = ";".join(f"{key}={value}" for key, value in schedule.recurrence_rule(meeting).items())
    # The calendar file's DTSTART is the first occurrence; the RRULE repeats from there.
    theirs = rrulestr(rule, dtstart=datetime.combine(ours[0], time()))
    assert [moment.date() for moment in theirs[:8]] == ours


@pytest.mark.parametrize("weekday", [None, -1, 7, 32767])
def test_a_weekday_out_of_range_is_to_be_confirmed_and_has_no_next(weekday):
    meeting = MeetingTime(frequency="weekly", weekday=weekday, start_time=time(19))
    assert schedule.describe(meeting) == "Times to be confirmed"
    assert schedule.next_occurrence(meeting, "Europe/London", datetime(2026, 12, 1, tzinfo=UTC)) is None


@pytest.mark.parametrize("zone", BAD_ZONES)
def test_a_zone_that_does_not_exist_gives_no_next(zone):
    meeting = MeetingTime(frequency="weekly", weekday=1, start_time=time(19))
    assert schedule.next_occurrence(meeting, zone, datetime(2026, 12, 1, tzinfo=UTC)) is None


@pytest.mark.parametrize("week_of_month", [None, 0, 6, -6, 32767, -32768])
def test_a_week_of_the_month_out_of_range_has_no_rule_and_no_next(week_of_month):
    meeting = MeetingTime(frequency="monthly", weekday=1, week_of_month=week_of_month, start_time=time(19))
    assert schedule.recurrence_rule(meeting) is None
    assert schedule.next_occurrence(meeting, "Europe/London", datetime(2026, 12, 1, tzinfo=UTC)) is None
    assert schedule.describe(meeting) == "Monthly on a Tuesday, 19:00"
