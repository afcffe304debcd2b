"""Queries planned once (groups.directory.prepared) stay planned once whatever the ids' sizes."""

import pytest
from django.db import connection

from groups.directory import loading, prepared
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


@pytest.mark.django_db
def test_pages_of_any_size_share_one_statement(make_group):
    """The ids are one array parameter (prepared.AnyOf) on PostgreSQL: a page of 3 or of 20 groups runs the same SQL,
    prepared once; elsewhere each size has its own, with a placeholder per id (and one group, a group's page, has
    its own everywhere)."""
    groups = [make_group(f"Group {n:02d}") for n in range(25)]
    ids = [group.pk for group in groups]
    assert [group.name for group in loading.groups_by_id(ids[:1])] == ["Group 00"]
    loading.groups_by_id(ids[:2])
    before = prepared_statements() if connection.vendor == "postgresql" else None
    for size in (2, 3, 7, 20, 25):
        found = loading.groups_by_id(ids[-size:][::-1])
        assert [group.name for group in found] == [f"Group {n:02d}" for n in range(24, 24 - size, -1)]
        assert [term.slug for term in found[0].types.all()] == [term.slug for term in groups[-1].types.all()]
    if before is not None:
        assert prepared_statements() == before


@pytest.mark.django_db
def test_without_prepared_statements_the_same_groups_are_read(make_group, monkeypatch):
    """DATABASE_PREPARED_STATEMENTS=False (a pooler that cannot keep them): the values are bound in the client,
    the array parameter included."""
    groups = [make_group(f"Group {n}") for n in range(4)]
    monkeypatch.setitem(connection.settings_dict, "OPTIONS", {**connection.settings_dict["OPTIONS"],
                                                              "prepare_threshold": None})
    monkeypatch.setattr(prepared._local, "queries", {})  # built afresh under these options
    before = prepared_statements() if connection.vendor == "postgresql" else None
    found = loading.groups_by_id([groups[2].pk, groups[0].pk, 10**12])
    assert [group.name for group in found] == ["Group 2", "Group 0"]
    assert list(found[0].types.all()) == list(groups[2].types.all()) != []
    if before is not None:
        assert prepared_statements() == before
