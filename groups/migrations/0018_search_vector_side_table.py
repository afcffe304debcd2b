"""The full-text vector moves out of groups_group into groups_groupfulltext (issue 12: a narrow group row).

On PostgreSQL the vectors are copied across (one INSERT ... SELECT) and the GIN index follows them; the old
column and its index are then dropped. SQLite never had vectors: there only the empty table is created.
"""

import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models


def move_vectors(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "INSERT INTO groups_groupfulltext (group_id, vector) "
        "SELECT id, search_vector FROM groups_group WHERE search_vector IS NOT NULL"
    )
    schema_editor.execute("DROP INDEX IF EXISTS groups_group_search_vector_gin")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS groups_groupfulltext_vector_gin ON groups_groupfulltext USING gin (vector)"
    )


def move_back(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "UPDATE groups_group SET search_vector = f.vector FROM groups_groupfulltext f WHERE f.group_id = groups_group.id"
    )
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS groups_group_search_vector_gin ON groups_group USING gin (search_vector)"
    )


class Migration(migrations.Migration):

    dependencies = [
        ('groups', '0017_directory_version'),
    ]

    operations = [
        migrations.CreateModel(
            name='GroupFullText',
            fields=[
                ('group', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='fulltext', serialize=False, to='groups.group')),
                ('vector', django.contrib.postgres.search.SearchVectorField(editable=False, null=True)),
            ],
            options={
                'verbose_name': 'group full-text vector',
            },
        ),
        migrations.RunPython(move_vectors, move_back),
        migrations.RemoveField(
            model_name='group',
            name='search_vector',
        ),
    ]
