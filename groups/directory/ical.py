"""A group's meeting times as an iCalendar file (RFC 5545), for "add to my calendar".

Privacy: the location follows the place's address visibility (only :meth:`Place.public_lines`), and an online
group's join link is never included — the file says joining details come from the group after contact.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from django.utils.translation import gettext
from icalendar import Calendar, Event

from groups.core import schedule

PRODID = "-//SupportFinder//EN"
# How many years of daylight-saving transitions the VTIMEZONE spells out after the first meeting. Calendar clients
# that know the IANA zone (most do) use their own rules; the rest fall back on these.
VTIMEZONE_YEARS = 20


def meeting_uid(meeting) -> str:
    """The stable UID of a meeting's VEVENT, so re-importing updates rather than duplicates it."""
    return f"meeting-{meeting.pk}@supportfinder"


def _location(place) -> str:
    if place is None:
        return gettext("Online — joining details are given by the group after contact")
    lines = place.public_lines()
    if lines:
        return ", ".join(lines)
    return gettext("The address is given by the group after contact")


def _description(group, detail_url) -> str:
    parts = [group.summary] if group.summary else []
    if detail_url:
        parts.append(gettext("Details: %(url)s") % {"url": detail_url})
    return "\n\n".join(parts)


def group_calendar(group, meetings, place, now: datetime, detail_url: str | None = None) -> bytes:
    """The group's scheduled meetings as the bytes of an iCalendar file (``text/calendar``).

    ``meetings`` is the group's (prefetched) meeting times, ``place`` its Place or None for an online group, ``now``
    an aware datetime and ``detail_url`` the absolute URL of the group's public page (left out when not given).

    Each scheduled meeting becomes one VEVENT with UID ``meeting-<pk>@supportfinder``, DTSTART/DTEND in the group's
    zone (with TZID) at the first occurrence on or after ``now`` (never before ``starts_on``), and an RRULE
    (``FREQ=WEEKLY;BYDAY=TU``, ``FREQ=WEEKLY;INTERVAL=2;BYDAY=TH``, ``FREQ=MONTHLY;BYDAY=1SA`` or ``-1MO``).
    DTSTART keeps the meeting's wall-clock time even when the first occurrence falls in a daylight-saving gap, so
    the RRULE repeats the right local time. A meeting without an end time has no DTEND. "By arrangement" and
    incomplete meetings produce no VEVENT. A VTIMEZONE for the group's zone is built by icalendar
    (``Calendar.add_missing_timezones``). The location is only what the place's visibility allows, and the join
    link is never included. A stored value that gives no next meeting (see :func:`schedule.next_occurrence`), or a
    time zone that does not exist, leaves that meeting out: the file is always well formed.
    """
    tz = schedule.zone_or_none(group.time_zone)
    stamp = now.astimezone(UTC).replace(microsecond=0)

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", group.name)

    location = _location(place)
    description = _description(group, detail_url)
    first_dates = []
    for meeting in meetings if tz is not None else ():
        start = schedule.next_occurrence(meeting, group.time_zone, now)
        if start is None:
            continue
        day = start.date()
        # The nominal wall-clock time (not the gap-shifted one), so every repetition keeps it.
        dtstart = datetime.combine(day, meeting.start_time.replace(tzinfo=None), tzinfo=tz)
        event = Event()
        event.add("uid", meeting_uid(meeting))
        event.add("dtstamp", stamp)
        event.add("summary", group.name)
        event.add("dtstart", dtstart)
        if meeting.end_time is not None:
            event.add("dtend", datetime.combine(day, meeting.end_time.replace(tzinfo=None), tzinfo=tz))
        event.add("rrule", schedule.recurrence_rule(meeting))
        if description:
            event.add("description", description)
        event.add("location", location)
        cal.add_component(event)
        first_dates.append(day)

    if first_dates:
        # Next meetings lie within schedule.HORIZON of now, so these years are always real ones.
        first = min([*first_dates, now.astimezone(tz).date()])
        first_date = date(first.year, 1, 1)
        cal.add_missing_timezones(first_date=first_date, last_date=date(first.year + VTIMEZONE_YEARS, 1, 1))
    return cal.to_ical()
