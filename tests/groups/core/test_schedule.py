"""groups.core.schedule: next meetings across time zones and daylight-saving changes, time of day, descriptions.

Pure tests on unsaved MeetingTime instances: no database needed.
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from groups.core.schedule import (
    TIME_OF_DAY_RANGES,
    WEEKDAY_SLUGS,
    describe,
    next_meeting,
    next_occurrence,
    occurrences,
    time_of_day,
)
from groups.models import MeetingTime

LONDON = "Europe/London"
NEW_YORK = "America/New_York"
SYDNEY = "Australia/Sydney"

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)


def weekly(weekday, start=time(19, 0), end=None):
    return MeetingTime(frequency="weekly", weekday=weekday, start_time=start, end_time=end)


def every_n_weeks(weekday, n, starts_on, start=time(19, 0), end=None):
    return MeetingTime(
        frequency="every-n-weeks", weekday=weekday, interval_weeks=n, starts_on=starts_on, start_time=start,
        end_time=end,
    )


def monthly(weekday, week_of_month, start=time(19, 0), end=None):
    return MeetingTime(
        frequency="monthly", weekday=weekday, week_of_month=week_of_month, start_time=start, end_time=end
    )


def local(tz_name, *args, **kwargs):
    return datetime(*args, tzinfo=ZoneInfo(tz_name), **kwargs)


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def starts(meeting, tz_name, start, end):
    return list(occurrences(meeting, tz_name, start, end))


# --- weekly across daylight-saving changes ---------------------------------------------------------------------


def test_weekly_london_spring_forward_keeps_local_time_and_changes_offset():
    meeting = weekly(SUN)
    found = starts(meeting, LONDON, utc(2027, 3, 20), utc(2027, 4, 5))
    assert [d.date() for d in found] == [date(2027, 3, 21), date(2027, 3, 28), date(2027, 4, 4)]
    assert all(d.time() == time(19, 0) for d in found)
    assert [d.utcoffset() for d in found] == [timedelta(0), timedelta(hours=1), timedelta(hours=1)]
    assert [d.astimezone(UTC).hour for d in found] == [19, 18, 18]
    assert all(d.tzinfo == ZoneInfo(LONDON) for d in found)


def test_weekly_london_fall_back_keeps_local_time_and_changes_offset():
    meeting = weekly(SUN)
    found = starts(meeting, LONDON, utc(2027, 10, 23), utc(2027, 11, 8))
    assert [d.date() for d in found] == [date(2027, 10, 24), date(2027, 10, 31), date(2027, 11, 7)]
    assert all(d.time() == time(19, 0) for d in found)
    assert [d.utcoffset() for d in found] == [timedelta(hours=1), timedelta(0), timedelta(0)]


def test_next_occurrence_on_london_change_days():
    meeting = weekly(SUN)
    spring = next_occurrence(meeting, LONDON, utc(2027, 3, 27, 12))
    assert spring == local(LONDON, 2027, 3, 28, 19, 0)
    assert spring.utcoffset() == timedelta(hours=1)
    assert spring.astimezone(UTC) == utc(2027, 3, 28, 18, 0)
    autumn = next_occurrence(meeting, LONDON, utc(2027, 10, 30, 12))
    assert (autumn.date(), autumn.time()) == (date(2027, 10, 31), time(19, 0))
    assert autumn.astimezone(UTC) == utc(2027, 10, 31, 19, 0)


def test_weekly_new_york_both_changes():
    meeting = weekly(SUN, start=time(18, 30))
    spring = starts(meeting, NEW_YORK, utc(2027, 3, 6), utc(2027, 3, 22))
    assert [d.date() for d in spring] == [date(2027, 3, 7), date(2027, 3, 14), date(2027, 3, 21)]
    assert all(d.time() == time(18, 30) for d in spring)
    assert [d.utcoffset() for d in spring] == [timedelta(hours=-5), timedelta(hours=-4), timedelta(hours=-4)]

    autumn = starts(meeting, NEW_YORK, utc(2027, 10, 30), utc(2027, 11, 15))
    assert [d.date() for d in autumn] == [date(2027, 10, 31), date(2027, 11, 7), date(2027, 11, 14)]
    assert all(d.time() == time(18, 30) for d in autumn)
    assert [d.utcoffset() for d in autumn] == [timedelta(hours=-4), timedelta(hours=-5), timedelta(hours=-5)]


def test_weekly_sydney_southern_hemisphere():
    meeting = weekly(SUN, start=time(10, 0))
    # Daylight saving ends on 2027-04-04: AEDT (+11) to AEST (+10).
    april = starts(meeting, SYDNEY, local(SYDNEY, 2027, 3, 28), local(SYDNEY, 2027, 4, 12))
    assert [d.date() for d in april] == [date(2027, 3, 28), date(2027, 4, 4), date(2027, 4, 11)]
    assert all(d.time() == time(10, 0) for d in april)
    assert [d.utcoffset() for d in april] == [timedelta(hours=11), timedelta(hours=10), timedelta(hours=10)]
    # Daylight saving starts on 2027-10-03: AEST (+10) to AEDT (+11).
    october = starts(meeting, SYDNEY, local(SYDNEY, 2027, 9, 26), local(SYDNEY, 2027, 10, 11))
    assert [d.date() for d in october] == [date(2027, 9, 26), date(2027, 10, 3), date(2027, 10, 10)]
    assert all(d.time() == time(10, 0) for d in october)
    assert [d.utcoffset() for d in october] == [timedelta(hours=10), timedelta(hours=11), timedelta(hours=11)]


def test_after_in_another_zone_is_compared_as_an_instant():
    meeting = weekly(MON, start=time(9, 0))
    # 2027-03-01 09:00 in Sydney (+11) is 2027-02-28 22:00 UTC, which is still Sunday in London.
    after = local(LONDON, 2027, 2, 28, 22, 0)
    assert next_occurrence(meeting, SYDNEY, after) == local(SYDNEY, 2027, 3, 1, 9, 0)
    # One second later, the next is a week on.
    later = after + timedelta(seconds=1)
    assert next_occurrence(meeting, SYDNEY, later) == local(SYDNEY, 2027, 3, 8, 9, 0)


def test_result_is_in_the_group_zone():
    result = next_occurrence(weekly(TUE), NEW_YORK, utc(2027, 6, 1))
    assert result.tzinfo == ZoneInfo(NEW_YORK)
    assert result == local(NEW_YORK, 2027, 6, 1, 19, 0)


# --- spring-forward gap and fall-back overlap -------------------------------------------------------------------


def test_meeting_in_london_spring_forward_gap_shifts_forward():
    # 01:30 does not exist in London on 2027-03-28: clocks jump from 01:00 GMT to 02:00 BST.
    meeting = weekly(SUN, start=time(1, 30))
    result = next_occurrence(meeting, LONDON, utc(2027, 3, 27, 12))
    assert result.date() == date(2027, 3, 28)
    assert result.time() == time(2, 30)
    assert result.utcoffset() == timedelta(hours=1)
    assert result.astimezone(UTC) == utc(2027, 3, 28, 1, 30)
    # The following week is back to 01:30 local.
    following = next_occurrence(meeting, LONDON, result + timedelta(minutes=1))
    assert following == local(LONDON, 2027, 4, 4, 1, 30)


def test_meeting_in_fall_back_overlap_is_the_first_of_the_two():
    # 01:30 happens twice in London on 2027-10-31: first BST (00:30 UTC), then GMT (01:30 UTC).
    meeting = weekly(SUN, start=time(1, 30))
    result = next_occurrence(meeting, LONDON, utc(2027, 10, 30, 12))
    assert result.astimezone(UTC) == utc(2027, 10, 31, 0, 30)
    assert result.utcoffset() == timedelta(hours=1)
    # Once the first 01:30 has passed, the meeting is not repeated at the second 01:30.
    second_half = next_occurrence(meeting, LONDON, utc(2027, 10, 31, 1, 0))
    assert second_half == local(LONDON, 2027, 11, 7, 1, 30)
    # Same when `after` is given as the second 01:30 itself, in the group's own zone (fold=1).
    after = local(LONDON, 2027, 10, 31, 1, 30, fold=1)
    assert next_occurrence(meeting, LONDON, after) == local(LONDON, 2027, 11, 7, 1, 30)


# --- exact boundaries ------------------------------------------------------------------------------------------


def test_meeting_at_exactly_after_counts():
    meeting = weekly(TUE, start=time(18, 30))
    at = local(LONDON, 2027, 6, 1, 18, 30)
    assert next_occurrence(meeting, LONDON, at) == at
    assert next_occurrence(meeting, LONDON, at.astimezone(UTC)) == at
    assert next_occurrence(meeting, LONDON, at + timedelta(microseconds=1)) == local(LONDON, 2027, 6, 8, 18, 30)


def test_meeting_earlier_the_same_day_goes_to_next_week():
    meeting = weekly(TUE, start=time(10, 0))
    assert next_occurrence(meeting, LONDON, local(LONDON, 2027, 6, 1, 12, 0)) == local(LONDON, 2027, 6, 8, 10, 0)


def test_occurrences_is_half_open():
    meeting = weekly(TUE, start=time(18, 30))
    start = local(LONDON, 2027, 6, 1, 18, 30)
    end = local(LONDON, 2027, 6, 15, 18, 30)
    assert starts(meeting, LONDON, start, end) == [start, local(LONDON, 2027, 6, 8, 18, 30)]


def test_naive_after_is_refused():
    with pytest.raises(ValueError):
        next_occurrence(weekly(TUE), LONDON, datetime(2027, 6, 1))


# --- every N weeks ---------------------------------------------------------------------------------------------


def test_every_two_weeks_counts_from_starts_on():
    meeting = every_n_weeks(THU, 2, date(2027, 1, 7), start=time(10, 0))
    found = starts(meeting, LONDON, utc(2027, 1, 1), utc(2027, 2, 20))
    assert [d.date() for d in found] == [date(2027, 1, 7), date(2027, 1, 21), date(2027, 2, 4), date(2027, 2, 18)]
    # In an off week, the next is the following week.
    assert next_occurrence(meeting, LONDON, utc(2027, 1, 12)) == local(LONDON, 2027, 1, 21, 10, 0)


def test_every_n_weeks_none_before_starts_on():
    meeting = every_n_weeks(THU, 2, date(2027, 3, 4), start=time(10, 0))
    assert next_occurrence(meeting, LONDON, utc(2027, 1, 1)) == local(LONDON, 2027, 3, 4, 10, 0)
    assert next_occurrence(meeting, LONDON, local(LONDON, 2027, 3, 4, 10, 0)) == local(LONDON, 2027, 3, 4, 10, 0)


def test_every_two_weeks_across_month_end():
    meeting = every_n_weeks(WED, 2, date(2027, 4, 21))
    found = starts(meeting, LONDON, utc(2027, 4, 22), utc(2027, 6, 1))
    assert [d.date() for d in found] == [date(2027, 5, 5), date(2027, 5, 19)]
    assert next_occurrence(meeting, LONDON, utc(2027, 5, 20)) == local(LONDON, 2027, 6, 2, 19, 0)


def test_every_two_weeks_across_year_end():
    meeting = every_n_weeks(FRI, 2, date(2027, 12, 17))
    found = starts(meeting, LONDON, utc(2027, 12, 18), utc(2028, 1, 31))
    assert [d.date() for d in found] == [date(2027, 12, 31), date(2028, 1, 14), date(2028, 1, 28)]


def test_every_three_weeks_far_from_starts_on_and_across_dst():
    meeting = every_n_weeks(SUN, 3, date(2027, 1, 3))
    # 2027-01-03 + 12 weeks = 2027-03-28, the London spring-forward day.
    result = next_occurrence(meeting, LONDON, utc(2027, 3, 22))
    assert result == local(LONDON, 2027, 3, 28, 19, 0)
    assert result.utcoffset() == timedelta(hours=1)
    assert (result.date() - date(2027, 1, 3)).days % 21 == 0


def test_every_n_weeks_starts_on_off_the_weekday_moves_to_the_weekday():
    # starts_on is a Monday but the meeting is on Thursdays: the series starts on the Thursday of that week.
    meeting = every_n_weeks(THU, 2, date(2027, 1, 4))
    found = starts(meeting, LONDON, utc(2027, 1, 1), utc(2027, 2, 1))
    assert [d.date() for d in found] == [date(2027, 1, 7), date(2027, 1, 21)]


def test_every_n_weeks_without_starts_on_has_no_next():
    meeting = MeetingTime(frequency="every-n-weeks", weekday=THU, interval_weeks=2, start_time=time(10, 0))
    assert next_occurrence(meeting, LONDON, utc(2027, 1, 1)) is None


def test_weekly_starts_on_is_a_lower_bound():
    meeting = MeetingTime(frequency="weekly", weekday=TUE, start_time=time(18, 0), starts_on=date(2027, 9, 1))
    assert next_occurrence(meeting, LONDON, utc(2027, 6, 1)) == local(LONDON, 2027, 9, 7, 18, 0)


# --- monthly ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("weekday", "week", "after", "expected"),
    [
        (SAT, 1, date(2027, 5, 1), date(2027, 5, 1)),  # the 1st itself is the first Saturday
        (SAT, 1, date(2027, 5, 2), date(2027, 6, 5)),  # across a month end
        (TUE, 3, date(2027, 5, 1), date(2027, 5, 18)),
        (TUE, 3, date(2027, 5, 19), date(2027, 6, 15)),
        (WED, 4, date(2027, 12, 23), date(2028, 1, 26)),  # across a year end
        (FRI, -1, date(2028, 2, 1), date(2028, 2, 25)),  # last Friday of February in a leap year
        (TUE, -1, date(2028, 2, 1), date(2028, 2, 29)),  # the leap day itself
        (MON, -1, date(2027, 5, 1), date(2027, 5, 31)),  # last Monday of May 2027 is the 31st
        (MON, -1, date(2027, 6, 1), date(2027, 6, 28)),
        (SUN, -1, date(2027, 12, 27), date(2028, 1, 30)),  # across a year end
        (SUN, 1, date(2027, 2, 8), date(2027, 3, 7)),  # February 2027 has exactly four weeks
    ],
)
def test_monthly_nth_and_last_weekday(weekday, week, after, expected):
    meeting = monthly(weekday, week)
    result = next_occurrence(meeting, LONDON, local(LONDON, after.year, after.month, after.day))
    assert result == local(LONDON, expected.year, expected.month, expected.day, 19, 0)
    assert result.weekday() == weekday


def test_monthly_last_sunday_on_london_change_days():
    # Both UK changes happen on the last Sunday of the month.
    meeting = monthly(SUN, -1)
    found = starts(meeting, LONDON, utc(2027, 3, 1), utc(2027, 11, 1))
    assert len(found) == 8
    assert found[0] == local(LONDON, 2027, 3, 28, 19, 0)
    assert found[0].utcoffset() == timedelta(hours=1)
    assert found[-1] == local(LONDON, 2027, 10, 31, 19, 0)
    assert found[-1].utcoffset() == timedelta(0)
    assert all(d.time() == time(19, 0) for d in found)


def test_monthly_third_weekday_over_a_year():
    found = starts(monthly(THU, 3), NEW_YORK, utc(2027, 1, 1), utc(2028, 1, 1))
    assert len(found) == 12
    assert all(d.weekday() == THU and 15 <= d.day <= 21 for d in found)


# --- by arrangement and incomplete ---------------------------------------------------------------------------


def test_by_arrangement_has_no_next():
    meeting = MeetingTime(frequency="by-arrangement")
    assert next_occurrence(meeting, LONDON, utc(2027, 1, 1)) is None
    assert starts(meeting, LONDON, utc(2027, 1, 1), utc(2028, 1, 1)) == []


def test_incomplete_meeting_has_no_next():
    assert next_occurrence(MeetingTime(frequency="weekly", weekday=TUE), LONDON, utc(2027, 1, 1)) is None
    assert next_occurrence(MeetingTime(frequency="weekly", start_time=time(9)), LONDON, utc(2027, 1, 1)) is None
    no_week = MeetingTime(frequency="monthly", weekday=TUE, start_time=time(9))
    assert next_occurrence(no_week, LONDON, utc(2027, 1, 1)) is None


# --- next_meeting ----------------------------------------------------------------------------------------------


def test_next_meeting_picks_the_earliest():
    tuesday = weekly(TUE, start=time(18, 30))
    saturday = monthly(SAT, 1, start=time(14, 0))
    after = local(LONDON, 2027, 5, 30, 12, 0)  # a Sunday
    assert next_meeting([saturday, tuesday], LONDON, after) == (local(LONDON, 2027, 6, 1, 18, 30), tuesday)
    after = local(LONDON, 2027, 6, 2, 12, 0)  # a Wednesday; the first Saturday of June is the 5th
    assert next_meeting([tuesday, saturday], LONDON, after) == (local(LONDON, 2027, 6, 5, 14, 0), saturday)


def test_next_meeting_same_day_earlier_time_wins():
    evening = weekly(TUE, start=time(19, 0))
    morning = weekly(TUE, start=time(9, 0))
    result = next_meeting([evening, morning], LONDON, utc(2027, 6, 1))
    assert result == (local(LONDON, 2027, 6, 1, 9, 0), morning)


def test_next_meeting_skips_by_arrangement_and_handles_none():
    arranged = MeetingTime(frequency="by-arrangement")
    tuesday = weekly(TUE)
    assert next_meeting([arranged, tuesday], LONDON, utc(2027, 6, 1)) == (local(LONDON, 2027, 6, 1, 19, 0), tuesday)
    assert next_meeting([arranged], LONDON, utc(2027, 6, 1)) is None
    assert next_meeting([], LONDON, utc(2027, 6, 1)) is None


# --- time of day -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("t", "expected"),
    [
        (time(4, 59), None),
        (time(5, 0), "morning"),
        (time(11, 59), "morning"),
        (time(12, 0), "afternoon"),
        (time(16, 59), "afternoon"),
        (time(17, 0), "evening"),
        (time(21, 59), "evening"),
        (time(22, 0), None),
        (time(0, 0), None),
        (None, None),
    ],
)
def test_time_of_day_boundaries(t, expected):
    assert time_of_day(t) == expected


def test_time_of_day_of_a_datetime_uses_its_wall_clock():
    assert time_of_day(local(SYDNEY, 2027, 6, 1, 9, 30)) == "morning"


def test_time_of_day_ranges_match_time_of_day():
    assert set(TIME_OF_DAY_RANGES) == {"morning", "afternoon", "evening"}
    for name, (start, end) in TIME_OF_DAY_RANGES.items():
        assert time_of_day(start) == name
        assert time_of_day((datetime.combine(date.today(), end) - timedelta(minutes=1)).time()) == name
    assert TIME_OF_DAY_RANGES["morning"] == (time(5, 0), time(12, 0))
    assert TIME_OF_DAY_RANGES["afternoon"] == (time(12, 0), time(17, 0))
    assert TIME_OF_DAY_RANGES["evening"] == (time(17, 0), time(22, 0))


def test_weekday_slugs_follow_model_weekdays():
    assert WEEKDAY_SLUGS == ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    assert WEEKDAY_SLUGS[MeetingTime.Weekday.MONDAY] == "mon"
    assert WEEKDAY_SLUGS[MeetingTime.Weekday.SUNDAY] == "sun"


# --- describe --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("meeting", "expected"),
    [
        (weekly(TUE, time(18, 30), time(20, 0)), "Every Tuesday, 18:30–20:00"),
        (every_n_weeks(THU, 2, date(2027, 1, 7), time(10, 0), time(11, 30)), "Every 2 weeks on Thursday, 10:00–11:30"),
        (monthly(SAT, 1, time(14, 0), time(16, 0)), "First Saturday of the month, 14:00–16:00"),
        (monthly(WED, 2, time(9, 5), time(10, 0)), "Second Wednesday of the month, 09:05–10:00"),
        (monthly(FRI, 3, time(12, 0), time(13, 0)), "Third Friday of the month, 12:00–13:00"),
        (monthly(SUN, 4, time(15, 0), time(16, 0)), "Fourth Sunday of the month, 15:00–16:00"),
        (monthly(MON, -1, time(19, 0), time(21, 0)), "Last Monday of the month, 19:00–21:00"),
        (weekly(TUE, time(18, 30)), "Every Tuesday, 18:30"),
        (every_n_weeks(THU, 1, date(2027, 1, 7), time(10, 0), time(11, 0)), "Every Thursday, 10:00–11:00"),
        (MeetingTime(frequency="by-arrangement"), "By arrangement"),
    ],
)
def test_describe(meeting, expected):
    with translation.override("en"):
        assert describe(meeting) == expected
