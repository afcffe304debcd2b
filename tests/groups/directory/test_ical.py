"""groups.directory.ical: a group's meetings as an iCalendar file, with addresses shown only as allowed."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from groups.directory.ical import PRODID, group_calendar
from groups.models import Cost, Format, Group, GroupType, MeetingTime, Place

pytestmark = pytest.mark.django_db

NOW = datetime(2027, 5, 30, 12, 0, tzinfo=UTC)  # a Sunday
JOIN_LINK = "https://meet.example.org/secret-room-4821"


@pytest.fixture
def group():
    cost, _ = Cost.objects.get_or_create(slug="free", defaults={"name": "Free"})
    in_person, _ = Format.objects.get_or_create(slug="in-person", defaults={"name": "In person"})
    kind, _ = GroupType.objects.get_or_create(slug="community-based", defaults={"name": "Community-based"})
    group = Group.objects.create(
        name="Riverside Survivors' Circle",
        slug="riverside-survivors-circle",
        summary="A peer-led group for adult survivors.",
        cost=cost,
        facilitation=Group.Facilitation.PEER,
        attendance=Group.Attendance.DROP_IN,
        time_zone="Europe/London",
        status=Group.Status.PUBLISHED,
    )
    group.types.add(kind)
    group.formats.add(in_person)
    return group


def add_place(group, visibility):
    return Place.objects.create(
        group=group,
        address_line1="12 Hidden Lane",
        address_line2="Flat 3",
        city="Leeds",
        region="West Yorkshire",
        postcode="LS1 4AB",
        country="GB",
        address_visibility=visibility,
    )


def meeting(group, **kwargs):
    kwargs.setdefault("start_time", time(19, 0))
    kwargs.setdefault("end_time", time(21, 0))
    return MeetingTime.objects.create(group=group, **kwargs)


def build(group, place=None, **kwargs):
    meetings = list(group.meeting_times.all())
    data = group_calendar(group, meetings, place, NOW, **kwargs)
    assert isinstance(data, bytes)
    return data, Calendar.from_ical(data)


def events_by_uid(cal):
    return {str(event["UID"]): event for event in cal.walk("VEVENT")}


def rrule_text(event):
    return event["RRULE"].to_ical().decode()


def test_parses_back_with_calendar_properties(group):
    tuesday = meeting(group, frequency="weekly", weekday=1, start_time=time(18, 30), end_time=time(20, 0))
    data, cal = build(group)
    assert cal.name == "VCALENDAR"
    assert str(cal["PRODID"]) == PRODID
    assert str(cal["VERSION"]) == "2.0"
    (event,) = cal.walk("VEVENT")
    assert str(event["UID"]) == f"meeting-{tuesday.pk}@supportfinder"
    assert str(event["SUMMARY"]) == group.name
    assert "DTSTAMP" in event
    assert "URL" not in event
    start = event.decoded("DTSTART")
    end = event.decoded("DTEND")
    assert start == datetime(2027, 6, 1, 18, 30, tzinfo=ZoneInfo("Europe/London"))
    assert end == datetime(2027, 6, 1, 20, 0, tzinfo=ZoneInfo("Europe/London"))
    assert start.utcoffset().total_seconds() == 3600
    assert b"\r\n" in data


def test_tzid_and_vtimezone(group):
    meeting(group, frequency="weekly", weekday=1)
    data, cal = build(group)
    assert b"DTSTART;TZID=Europe/London:20270601T190000" in data
    assert b"DTEND;TZID=Europe/London:20270601T210000" in data
    (vtimezone,) = cal.walk("VTIMEZONE")
    assert str(vtimezone["TZID"]) == "Europe/London"
    assert vtimezone.walk("STANDARD") and vtimezone.walk("DAYLIGHT")
    assert cal.get_missing_tzids() == set()
    # The time zone comes before the events that use it.
    assert data.index(b"BEGIN:VTIMEZONE") < data.index(b"BEGIN:VEVENT")


def test_other_zone(group):
    group.time_zone = "Australia/Sydney"
    group.save()
    meeting(group, frequency="weekly", weekday=6, start_time=time(10, 0), end_time=time(11, 0))
    data, cal = build(group)
    assert b"DTSTART;TZID=Australia/Sydney:20270606T100000" in data
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Australia/Sydney"]


def test_rrules_for_each_frequency(group):
    weekly = meeting(group, frequency="weekly", weekday=1)
    fortnightly = meeting(group, frequency="every-n-weeks", weekday=3, interval_weeks=2, starts_on=date(2027, 5, 27))
    first_saturday = meeting(group, frequency="monthly", weekday=5, week_of_month=1)
    third_wednesday = meeting(group, frequency="monthly", weekday=2, week_of_month=3)
    last_monday = meeting(group, frequency="monthly", weekday=0, week_of_month=-1)
    _, cal = build(group)
    events = events_by_uid(cal)
    assert len(events) == 5

    def event(m):
        return events[f"meeting-{m.pk}@supportfinder"]

    assert rrule_text(event(weekly)) == "FREQ=WEEKLY;BYDAY=TU"
    assert rrule_text(event(fortnightly)) == "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH"
    assert rrule_text(event(first_saturday)) == "FREQ=MONTHLY;BYDAY=1SA"
    assert rrule_text(event(third_wednesday)) == "FREQ=MONTHLY;BYDAY=3WE"
    assert rrule_text(event(last_monday)) == "FREQ=MONTHLY;BYDAY=-1MO"

    london = ZoneInfo("Europe/London")
    assert event(weekly).decoded("DTSTART") == datetime(2027, 6, 1, 19, 0, tzinfo=london)
    # 2027-05-27 was the last fortnightly meeting; the next one is two weeks on.
    assert event(fortnightly).decoded("DTSTART") == datetime(2027, 6, 10, 19, 0, tzinfo=london)
    assert event(first_saturday).decoded("DTSTART") == datetime(2027, 6, 5, 19, 0, tzinfo=london)
    assert event(third_wednesday).decoded("DTSTART") == datetime(2027, 6, 16, 19, 0, tzinfo=london)
    assert event(last_monday).decoded("DTSTART") == datetime(2027, 5, 31, 19, 0, tzinfo=london)


def test_every_n_weeks_starting_later_starts_on_starts_on(group):
    m = meeting(group, frequency="every-n-weeks", weekday=3, interval_weeks=3, starts_on=date(2027, 9, 2))
    _, cal = build(group)
    event = events_by_uid(cal)[f"meeting-{m.pk}@supportfinder"]
    assert event.decoded("DTSTART") == datetime(2027, 9, 2, 19, 0, tzinfo=ZoneInfo("Europe/London"))
    assert rrule_text(event) == "FREQ=WEEKLY;INTERVAL=3;BYDAY=TH"


def test_by_arrangement_gives_no_event(group):
    meeting(group, frequency="by-arrangement", start_time=None, end_time=None)
    weekly = meeting(group, frequency="weekly", weekday=4)
    _, cal = build(group)
    assert list(events_by_uid(cal)) == [f"meeting-{weekly.pk}@supportfinder"]


def test_only_by_arrangement_still_parses(group):
    meeting(group, frequency="by-arrangement", start_time=None, end_time=None)
    _, cal = build(group)
    assert cal.walk("VEVENT") == []
    assert str(cal["PRODID"]) == PRODID


def test_no_end_time_has_no_dtend(group):
    meeting(group, frequency="weekly", weekday=1, end_time=None)
    _, cal = build(group)
    (event,) = cal.walk("VEVENT")
    assert "DTSTART" in event
    assert "DTEND" not in event


def test_first_occurrence_in_spring_forward_gap_keeps_wall_clock_time(group):
    meeting(group, frequency="weekly", weekday=6, start_time=time(1, 30), end_time=time(3, 0))
    data = group_calendar(group, list(group.meeting_times.all()), None, datetime(2027, 3, 27, 12, tzinfo=UTC))
    assert b"DTSTART;TZID=Europe/London:20270328T013000" in data


def test_description_with_and_without_details_url(group):
    meeting(group, frequency="weekly", weekday=1)
    _, cal = build(group, detail_url="https://supportfinder.example/groups/riverside-survivors-circle/")
    (event,) = cal.walk("VEVENT")
    description = str(event["DESCRIPTION"])
    assert group.summary in description
    assert "Details: https://supportfinder.example/groups/riverside-survivors-circle/" in description

    _, cal = build(group)
    (event,) = cal.walk("VEVENT")
    assert str(event["DESCRIPTION"]) == group.summary
    assert "Details" not in str(event["DESCRIPTION"])


def test_public_address_is_shown(group):
    place = add_place(group, Place.Visibility.PUBLIC)
    meeting(group, frequency="weekly", weekday=1)
    _, cal = build(group, place)
    (event,) = cal.walk("VEVENT")
    assert str(event["LOCATION"]) == "12 Hidden Lane, Flat 3, Leeds, West Yorkshire, LS1 4AB"


@pytest.mark.parametrize("visibility, location", [
    (Place.Visibility.AREA_ONLY, "Leeds, West Yorkshire"),
    # On request: not even the area; the file says where the address comes from.
    (Place.Visibility.ON_REQUEST, "The address is given by the group after contact"),
])
def test_private_address_shows_only_the_area(group, visibility, location):
    place = add_place(group, visibility)
    meeting(group, frequency="weekly", weekday=1)
    data, cal = build(group, place)
    (event,) = cal.walk("VEVENT")
    assert str(event["LOCATION"]) == location
    unfolded = data.replace(b"\r\n ", b"")
    for secret in (b"Hidden Lane", b"12 Hidden", b"Flat 3", b"LS1 4AB", b"LS1"):
        assert secret not in unfolded


def test_online_group_never_includes_the_join_link(group):
    group.join_link = JOIN_LINK
    group.save()
    meeting(group, frequency="weekly", weekday=1)
    meeting(group, frequency="monthly", weekday=5, week_of_month=-1)
    data, cal = build(group, detail_url="https://supportfinder.example/groups/riverside-survivors-circle/")
    unfolded = data.replace(b"\r\n ", b"")
    assert JOIN_LINK.encode() not in unfolded
    assert b"meet.example.org" not in unfolded
    assert b"secret-room" not in unfolded
    for event in cal.walk("VEVENT"):
        assert str(event["LOCATION"]) == "Online — joining details are given by the group after contact"


def test_join_link_absent_with_a_place_too(group):
    group.join_link = JOIN_LINK
    group.save()
    place = add_place(group, Place.Visibility.PUBLIC)
    meeting(group, frequency="weekly", weekday=1)
    data, _ = build(group, place)
    assert b"meet.example.org" not in data.replace(b"\r\n ", b"")


def test_uid_is_stable_across_calls(group):
    meeting(group, frequency="weekly", weekday=1)
    first = group_calendar(group, list(group.meeting_times.all()), None, NOW)
    later = group_calendar(group, list(group.meeting_times.all()), None, NOW)
    assert first == later
    uids = [str(e["UID"]) for e in Calendar.from_ical(first).walk("VEVENT")]
    assert uids == [str(e["UID"]) for e in Calendar.from_ical(later).walk("VEVENT")]


def test_no_queries_for_prefetched_meetings(group, django_assert_num_queries):
    meeting(group, frequency="weekly", weekday=1)
    meeting(group, frequency="monthly", weekday=5, week_of_month=1)
    loaded = Group.objects.prefetch_related("meeting_times").get(pk=group.pk)
    with django_assert_num_queries(0):
        group_calendar(loaded, loaded.meeting_times.all(), None, NOW)
