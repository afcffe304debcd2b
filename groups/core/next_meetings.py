"""Each group's next meeting, stored in UTC (Group.next_meeting_at) so "sort by next meeting" is an ordered read.

The value is groups.core.schedule.next_meeting over the group's meetings, computed at some moment t0: the earliest
start at or after t0, or None when no date can be computed ("ask the group", incomplete meetings). While it is
still in the future it is also the earliest start at or after any later moment, so it stays exact until it
passes. It is recomputed when a group or one of its meetings is saved or deleted (signals in groups.apps), by
`manage.py refresh_next_meetings` for those that have passed (run it every few minutes), and in memory at read
time for any matching group whose stored value is already in the past (groups.directory.selectors
.by_stored_next_meeting: a GET writes nothing), so a search never shows a stale order. One case a stored None
cannot follow: a first date more than schedule.HORIZON (ten years) ahead, which comes into reach only later;
`refresh_next_meetings --all` recomputes every group.
"""

from datetime import UTC

from django.utils import timezone

from groups.core import directory_version, schedule
from groups.core.models import Group, MeetingTime

PATTERN_FIELDS = ("frequency", "weekday", "interval_weeks", "week_of_month", "starts_on", "start_time")


def next_start(meetings, time_zone, now, memo=None):
    """The earliest next start of the meetings after `now`, in UTC; None if none can be computed.

    With a dict as `memo` (kept by the caller for one `now`), each meeting's next start is computed once per
    distinct pattern (PATTERN_FIELDS, all a meeting's next start depends on) and zone, and reused: the bulk
    writer's 150,000 meetings at 100,000 groups have a few thousand patterns.
    """
    if memo is None:
        found = schedule.next_meeting(meetings, time_zone, now)
        return found[0].astimezone(UTC) if found else None
    best = None
    for meeting in meetings:
        key = (time_zone, *(getattr(meeting, name) for name in PATTERN_FIELDS))
        if key not in memo:
            found = schedule.next_occurrence(meeting, time_zone, now)
            memo[key] = found.astimezone(UTC) if found is not None else None
        moment = memo[key]
        if moment is not None and (best is None or moment < best):
            best = moment
    return best


def compute(groups, now=None):
    """{group id: next start in UTC or None} for a queryset of groups, in two queries."""
    now = now or timezone.now()
    zones = dict(groups.order_by().values_list("pk", "time_zone"))
    meetings = {pk: [] for pk in zones}
    rows = MeetingTime.objects.filter(group_id__in=list(zones)).order_by("pk").only("group_id", *PATTERN_FIELDS)
    for meeting in rows:
        meetings[meeting.group_id].append(meeting)
    return {pk: next_start(meetings[pk], zones[pk], now) for pk in zones}


def store(groups, now=None):
    """Recompute and store the next meeting of each group in the queryset; returns how many changed."""
    changed, public_changed = [], False
    stored = {pk: (value, status) for pk, value, status in groups.order_by().values_list(
        "pk", "next_meeting_at", "status")}
    for pk, value in compute(groups, now).items():
        if pk in stored and stored[pk][0] != value:
            changed.append(Group(pk=pk, next_meeting_at=value))
            public_changed = public_changed or stored[pk][1] in Group.PUBLIC_STATUSES
    # bulk_update, not save(): no signal, no updated_at change (nothing a person edited).
    Group.objects.bulk_update(changed, ["next_meeting_at"], batch_size=1000)
    if public_changed:
        # bulk_update sends no signal, and the search index orders by these values; a draft's or a proposed
        # change's next meeting is in no index, so it rebuilds none.
        directory_version.bump()
    return len(changed)


def on_group_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        store(type(instance).objects.filter(pk=instance.pk))


def on_meeting_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    store(Group.objects.filter(pk=instance.group_id))
