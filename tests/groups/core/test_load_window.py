"""The load window (groups.core.load_window): a big load sets foreign keys and plain indexes aside, and puts back
exactly what was there, whether the load succeeds or fails."""

import io

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from groups.core.load_window import checks_and_indexes_set_aside
from groups.models import Group, MeetingTime, Place

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="the window exists on PostgreSQL only")


def schema():
    """Every constraint and index of the tables, as PostgreSQL would recreate them."""
    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint
            WHERE conrelid::regclass::text LIKE 'groups_%%'
            UNION ALL
            SELECT tablename, indexname, indexdef FROM pg_indexes WHERE tablename LIKE 'groups_%%'
            ORDER BY 1, 2, 3
        """)
        return cursor.fetchall()


def test_generating_groups_leaves_every_key_and_index_as_it_was(taxonomy):
    before = schema()
    call_command("generate_groups", count=30, seed=2, stdout=io.StringIO())
    call_command("generate_groups", count=30, seed=2, clear=True, stdout=io.StringIO())
    assert schema() == before
    assert any("FOREIGN KEY (group_id) REFERENCES groups_group(id)" in row[2] for row in before)


def test_a_failed_load_rolls_the_keys_and_indexes_back(taxonomy):
    before = schema()
    with pytest.raises(RuntimeError), transaction.atomic():
        with checks_and_indexes_set_aside([Group, Place, MeetingTime], [Group]):
            assert schema() != before
            raise RuntimeError("the load failed")
    assert schema() == before


def test_a_row_pointing_at_no_group_is_refused_when_the_keys_come_back(taxonomy):
    with pytest.raises(IntegrityError), transaction.atomic():
        with checks_and_indexes_set_aside([Group, MeetingTime], [Group]):
            MeetingTime.objects.create(group_id=987654, frequency="weekly", weekday=1)
    assert not MeetingTime.objects.filter(group_id=987654).exists()

