"""Meeting times as HSDS schedules (RFC 5545 style: freq, interval, byday, opens_at/closes_at, dtstart).

HSDS wants `timezone` as a numeric UTC offset; our meetings keep local wall-clock time in the group's IANA
zone, whose offset changes with daylight saving. So `timezone` is the offset in force at the next meeting
(or today, when there is none), and the IANA name is kept in `notes` and in an attribute, so nothing is lost.
"""

from django.utils import timezone

from groups.core import schedule as recurrence
from groups.core.vocabulary import BY_ARRANGEMENT, EVERY_N_WEEKS, MONTHLY, WEEKDAYS
from groups.opendata import ids

ZONE_NOTE = "Times are local to {zone} (IANA time zone); the UTC offset given is the one in force at {when}."


def rule_key(meeting):
    """The rule as text: the stable part of a schedule's id (the same meeting gives the same id)."""
    parts = [meeting.frequency, meeting.weekday, meeting.week_of_month, recurrence.interval_of(meeting),
             meeting.starts_on, meeting.start_time, meeting.end_time]
    return ";".join("" if part is None else str(part) for part in parts)


def byday(meeting):
    if meeting.weekday is None:
        return None
    code = WEEKDAYS[meeting.weekday].ical
    if meeting.frequency == MONTHLY and meeting.week_of_month:
        return f"{meeting.week_of_month}{code}"
    return code


def utc_offset_hours(tz_name, moment):
    offset = moment.astimezone(recurrence.zone(tz_name)).utcoffset()
    hours = offset.total_seconds() / 3600
    return int(hours) if hours == int(hours) else hours


def schedule_json(group, meeting, key, now=None):
    """One meeting time; `key` makes the id (see schedule_list for duplicates)."""
    now = now or timezone.now()
    service_id = str(group.uuid)
    data = {
        "id": str(ids.child(group.uuid, f"schedule:{key}")),
        "service_id": service_id,
        "description": recurrence.describe(meeting),
    }
    if meeting.frequency == BY_ARRANGEMENT or not recurrence.is_schedulable(meeting):
        return data
    following = recurrence.next_occurrence(meeting, group.time_zone, now)
    data.update({
        "freq": "MONTHLY" if meeting.frequency == MONTHLY else "WEEKLY",
        "interval": recurrence.interval_of(meeting) if meeting.frequency == EVERY_N_WEEKS else 1,
        "byday": byday(meeting),
        "wkst": "MO",
        "opens_at": meeting.start_time.strftime("%H:%M"),
        "timezone": utc_offset_hours(group.time_zone, following or now),
        "notes": ZONE_NOTE.format(
            zone=group.time_zone, when="the next meeting" if following else "the time of this export"
        ),
        "attributes": [{
            "id": str(ids.child(group.uuid, f"schedule-zone:{key}")),
            "link_id": data["id"],
            "link_type": "time_zone",
            "link_entity": "schedule",
            "value": group.time_zone,
        }],
    })
    if meeting.end_time:
        data["closes_at"] = meeting.end_time.strftime("%H:%M")
    if meeting.starts_on:
        data["dtstart"] = meeting.starts_on.isoformat()
    return data


def schedule_list(group, now=None):
    """Every meeting of a group; two identical meetings get ids numbered #1, #2 so ids stay unique."""
    seen = {}
    schedules = []
    for meeting in group.meeting_times.all():
        base = rule_key(meeting)
        seen[base] = seen.get(base, 0) + 1
        schedules.append(schedule_json(group, meeting, f"{base}#{seen[base]}", now))
    return schedules

