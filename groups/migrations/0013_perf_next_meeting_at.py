"""Each group's next meeting stored in UTC (issue 12; groups.core.next_meetings), filled for existing groups."""

from datetime import UTC

from django.db import migrations, models
from django.utils import timezone

from groups.core import schedule


def fill(apps, schema_editor):
    Group = apps.get_model("groups", "Group")
    MeetingTime = apps.get_model("groups", "MeetingTime")
    now = timezone.now()
    meetings = {}
    for meeting in MeetingTime.objects.order_by("pk").iterator(chunk_size=5000):
        meetings.setdefault(meeting.group_id, []).append(meeting)
    changed = []
    for pk, time_zone in Group.objects.values_list("pk", "time_zone").iterator(chunk_size=5000):
        # As groups.core.next_meetings.next_start (not imported: it reads today's models, not these).
        found = schedule.next_meeting(meetings.get(pk, []), time_zone, now)
        if found is not None:
            changed.append(Group(pk=pk, next_meeting_at=found[0].astimezone(UTC)))
    Group.objects.bulk_update(changed, ["next_meeting_at"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("groups", "0012_invites_cancel_resend_rate_limit"),
    ]

    operations = [
        migrations.AddField(
            model_name="group",
            name="next_meeting_at",
            field=models.DateTimeField(blank=True, db_index=True, editable=False, null=True),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
