"""Queries planned once (groups.directory.prepared) stay planned once whatever the ids' sizes."""

import pytest
from django.db import connection

from groups.directory import prepared
from groups.models import Group


def prepared_statements():
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements")
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_ids_of_any_size_reuse_one_prepared_statement():
    """psycopg sends a Python int as int2, int4 or int8 by its value and prepares a statement per SQL and types:
    random ids of 100,000 groups (some under 32,768) made nearly every page's types new, so each run prepared the
    statement again (a PREPARE and a DEALLOCATE more per run, not one plan per connection)."""
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    query = prepared.prepared(("test ids", 3), lambda: Group.objects.filter(
        pk__in=prepared.placeholder_ids(3)).values_list("pk"), planned_once=True)
    query.rows(ids=[1, 2, 3])
    before = prepared_statements()
    for ids in ([7, 40_000, 3_000_000_000], [40_000, 8, 9], [1, 2, 70_000], [5, 6, 4], [2**40, 1, 2]):
        assert query.rows(ids=ids) == []
    assert prepared_statements() == before


@pytest.mark.django_db
def test_the_ids_find_their_rows(make_group):
    groups = [make_group(f"Group {n}") for n in range(3)]
    query = prepared.prepared(("test rows", 3), lambda: Group.objects.filter(
        pk__in=prepared.placeholder_ids(3)).order_by("pk").values_list("name"), planned_once=True)
    assert query.rows(ids=[group.pk for group in groups]) == [("Group 0",), ("Group 1",), ("Group 2",)]
    assert query.rows(ids=[groups[1].pk, 10**12, 2]) == [("Group 1",)]
