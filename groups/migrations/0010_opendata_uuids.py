"""Open data ids: every group gets a stable UUID (its HSDS service id), existing rows included.

Added nullable, filled row by row (each a fresh uuid4), then made unique and required: the usual way
to add a unique column with a per-row default to a table that already has rows.
"""

import uuid

from django.db import migrations, models


def fill_uuids(apps, schema_editor):
    Group = apps.get_model("groups", "Group")
    for pk in Group.objects.filter(uuid__isnull=True).values_list("pk", flat=True).iterator():
        Group.objects.filter(pk=pk).update(uuid=uuid.uuid4())


class Migration(migrations.Migration):

    dependencies = [
        ("groups", "0009_coord_one_decision_log"),
    ]

    operations = [
        migrations.AddField(
            model_name="group",
            name="uuid",
            field=models.UUIDField(editable=False, null=True, verbose_name="open data id"),
        ),
        migrations.RunPython(fill_uuids, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="group",
            name="uuid",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True, verbose_name="open data id"),
        ),
    ]
