"""The bulk writer's shortcut for next meetings: each distinct meeting pattern computed once, the same answer."""

from datetime import UTC, date, datetime, time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from groups.core import next_meetings
from groups.models import MeetingTime

ZONES = ["Europe/London", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "UTC", "Mars/Olympus_Mons"]

meetings = st.builds(
    MeetingTime,
    frequency=st.sampled_from(["weekly", "every-n-weeks", "monthly", "by-arrangement"]),
    weekday=st.none() | st.integers(0, 6),
    interval_weeks=st.integers(1, 4),
    week_of_month=st.none() | st.sampled_from([1, 2, 3, 4, -1]),
    starts_on=st.none() | st.dates(min_value=date(2024, 1, 1), max_value=date(2028, 12, 31)),
    start_time=st.none() | st.sampled_from([time(0, 30), time(1, 30), time(10, 0), time(18, 45), time(23, 59)]),
)
# Several groups, each of one to three meetings in a zone: patterns repeat across groups, as generated ones do.
groups = st.lists(st.tuples(st.lists(meetings, min_size=0, max_size=3), st.sampled_from(ZONES)), max_size=12)
nows = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(groups=groups, now=nows)
def test_a_shared_memo_gives_each_group_the_next_start_computed_alone(groups, now):
    memo = {}
    for meetings_of, zone in groups + groups:  # the second round answers from the memo only
        alone = next_meetings.next_start(meetings_of, zone, now)
        assert next_meetings.next_start(meetings_of, zone, now, memo) == alone
