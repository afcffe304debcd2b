"""Meeting times in a small readable syntax, for the CSV import and export.

    every Tue 19:00-20:30 Europe/London
    every 2 weeks Thu 10:00-11:30 from 2026-01-08
    first Sat 10:00-12:00          (second, third, fourth, last)
    by arrangement

Days are three-letter (Mon … Sun) or full names; the end time, the IANA zone and "from DATE" (the first
meeting, needed for every N weeks) are optional. Several meetings go in one cell, separated by ";".
"""

import re
from dataclasses import dataclass
from datetime import date, time

from groups.core.schedule import zone
from groups.core.vocabulary import BY_ARRANGEMENT, EVERY_N_WEEKS, MONTHLY, WEEKDAYS, WEEKLY

ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "last": -1}
ORDINAL_NAMES = {number: name for name, number in ORDINALS.items()}
DAYS = {**{day.slug: day.index for day in WEEKDAYS}, **{str(day.name).lower(): day.index for day in WEEKDAYS}}
PATTERN = re.compile(
    r"^(?:(?P<every>every)(?:\s+(?P<n>\d{1,2})\s+weeks?)?|(?P<ordinal>first|second|third|fourth|last))"
    r"\s+(?P<day>[a-z]+)\s+(?P<start>\d{1,2}:\d{2})(?:\s*-\s*(?P<end>\d{1,2}:\d{2}))?"
    r"(?:\s+(?P<zone>[A-Za-z_]+(?:/[A-Za-z0-9_+\-]+)+|UTC))?(?:\s+from\s+(?P<from>\d{4}-\d{2}-\d{2}))?$",
    re.IGNORECASE,
)


class MeetingSyntaxError(ValueError):
    """A meeting that cannot be read; the message says what to write instead."""


@dataclass(frozen=True)
class Meeting:
    frequency: str
    weekday: int | None = None
    interval_weeks: int = 1
    week_of_month: int | None = None
    starts_on: date | None = None
    start_time: time | None = None
    end_time: time | None = None
    zone: str | None = None

    def fields(self):
        """Keyword arguments for MeetingTime."""
        return {name: getattr(self, name) for name in
                ["frequency", "weekday", "interval_weeks", "week_of_month", "starts_on", "start_time", "end_time"]}


def _time(text):
    hours, minutes = (int(part) for part in text.split(":"))
    try:
        return time(hours, minutes)
    except ValueError:
        raise MeetingSyntaxError(f"“{text}” is not a time of day (use 24-hour hh:mm, e.g. 19:00).") from None


def _frequency(match):
    if match["ordinal"]:
        return MONTHLY, 1, ORDINALS[match["ordinal"].lower()]
    interval = int(match["n"]) if match["n"] else 1
    if not 1 <= interval <= 12:
        raise MeetingSyntaxError("Meetings can be every 1 to 12 weeks.")
    return (EVERY_N_WEEKS if interval > 1 else WEEKLY), interval, None


def parse_meeting(text):
    """One meeting; raises MeetingSyntaxError with a message a person can act on."""
    text = " ".join(text.split())
    if text.lower() == "by arrangement":
        return Meeting(BY_ARRANGEMENT)
    match = PATTERN.match(text)
    if not match:
        raise MeetingSyntaxError(
            f"“{text[:60]}” is not a meeting time we can read: write it like “every Tue 19:00-20:30”, "
            "“every 2 weeks Thu 10:00 from 2026-01-08”, “first Sat 10:00-12:00” or “by arrangement”."
        )
    weekday = DAYS.get(match["day"].lower())
    if weekday is None:
        raise MeetingSyntaxError(f"“{match['day']}” is not a day of the week (use Mon, Tue, … Sun).")
    frequency, interval, week_of_month = _frequency(match)
    start, end = _time(match["start"]), _time(match["end"]) if match["end"] else None
    if end is not None and end <= start:
        raise MeetingSyntaxError(f"In “{text[:60]}” the meeting must end after it starts.")
    try:
        starts_on = date.fromisoformat(match["from"]) if match["from"] else None
    except ValueError:
        raise MeetingSyntaxError(f"“{match['from']}” is not a date (use YYYY-MM-DD).") from None
    if frequency == EVERY_N_WEEKS and starts_on is None:
        raise MeetingSyntaxError(f"“{text[:60]}”: give the date of one meeting, e.g. “from 2026-01-08”, "
                                 "so the right weeks can be counted.")
    if match["zone"]:
        try:
            zone(match["zone"])
        except (ValueError, KeyError, OSError):
            raise MeetingSyntaxError(f"“{match['zone']}” is not a time zone name such as Europe/London.") from None
    return Meeting(frequency, weekday, interval, week_of_month, starts_on, start, end, match["zone"])


def parse_meetings(cell):
    """All meetings in a cell, separated by ";"; an empty cell is no meetings."""
    return [parse_meeting(part) for part in cell.split(";") if part.strip()]


def format_meeting(meeting, tz_name=None):
    """The syntax for a MeetingTime (or Meeting): parse_meeting(format_meeting(m)) gives m back."""
    if meeting.frequency == BY_ARRANGEMENT or meeting.weekday is None or meeting.start_time is None:
        return "by arrangement"
    day = WEEKDAYS[meeting.weekday].slug.capitalize()
    if meeting.frequency == MONTHLY:
        when = f"{ORDINAL_NAMES.get(meeting.week_of_month, 'first')} {day}"
    elif meeting.frequency == EVERY_N_WEEKS and (meeting.interval_weeks or 1) > 1:
        when = f"every {meeting.interval_weeks} weeks {day}"
    else:
        when = f"every {day}"
    text = f"{when} {meeting.start_time:%H:%M}"
    if meeting.end_time:
        text += f"-{meeting.end_time:%H:%M}"
    if tz_name:
        text += f" {tz_name}"
    if meeting.starts_on:
        text += f" from {meeting.starts_on.isoformat()}"
    return text
