from django.db import migrations, models

from groups.core.lexicon import index_words


def fill_search_words(apps, schema_editor):
    """Every existing group's words, in batches (the historical model has no save() of its own)."""
    Group = apps.get_model("groups", "Group")
    batch = []
    for group in Group.objects.only("pk", "name", "summary", "search_text").iterator(chunk_size=2000):
        group.search_words = index_words(group.name, group.summary, group.search_text)
        batch.append(group)
        if len(batch) >= 2000:
            Group.objects.bulk_update(batch, ["search_words"])
            batch = []
    if batch:
        Group.objects.bulk_update(batch, ["search_words"])


class Migration(migrations.Migration):

    dependencies = [
        ("groups", "0013_perf_next_meeting_at"),
    ]

    operations = [
        migrations.AddField(
            model_name="group",
            name="search_words",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(fill_search_words, migrations.RunPython.noop),
    ]
