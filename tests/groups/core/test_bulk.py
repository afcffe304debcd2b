"""The shared bulk writer (groups.core.bulk): what it stores is what saving a group the ordinary way stores."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from groups.core.bulk import Blueprint, BulkWriter, NewGroup
from groups.core.search import refresh_search_vectors
from groups.core.vocabulary import TAXONOMY_BY_FIELD
from groups.models import Cost, Group, GroupFullText, MeetingTime, Place

CONTENT = {
    "summary": "Peer support for survivors.",
    "description": "We meet to talk and listen.",
    "host_name": "Example Trust",
}
# Given in the reverse of the terms' own order, as a generator may pick them.
TERMS = {
    "types": ["community-based", "legal-advocacy"],
    "trauma_types": ["stalking", "sexual-violence"],
    "populations": ["refugees", "women"],
    "formats": ["hybrid", "in-person"],
    "languages": ["ar", "en"],
    "access_features": ["quiet-room", "wheelchair"],
}
PLACE = {"city": "Leeds", "region": "West Yorkshire", "country": "GB", "latitude": Decimal("53.801234"),
         "longitude": Decimal("-1.549876"), "address_visibility": Place.Visibility.AREA_ONLY}


def new_group(slug, **terms):
    chosen = {
        name: [TAXONOMY_BY_FIELD[name].model.objects.get(slug=slug) for slug in slugs]
        for name, slugs in {**TERMS, **terms}.items()
    }
    group = Group(name=f"Group {slug}", slug=slug, cost=Cost.objects.get(slug="donation"), **CONTENT)
    meeting = MeetingTime(frequency="weekly", weekday=1)
    return NewGroup(group, chosen, [Place(**PLACE), meeting])


def stored(slug):
    return Group.objects.select_related("place").get(slug=slug)


def test_a_bulk_written_group_is_stored_as_one_saved_the_ordinary_way(make_group):
    make_group(
        "Ordinary", slug="ordinary", cost="donation", types=TERMS["types"], trauma=TERMS["trauma_types"],
        population=TERMS["populations"], formats=TERMS["formats"], language=TERMS["languages"],
        access=TERMS["access_features"], place=PLACE, **CONTENT,
    )
    BulkWriter().write([new_group("bulk")])
    ordinary, bulk = stored("ordinary"), stored("bulk")
    assert bulk.search_text == ordinary.search_text
    assert "Example Trust" in bulk.search_text and "Leeds" in bulk.search_text
    assert bulk.meets_remotely is True
    assert (bulk.place.search_latitude, bulk.place.search_longitude) == ordinary.place.compute_search_point()
    assert [m.weekday for m in bulk.meeting_times.all()] == [1]
    for name, slugs in TERMS.items():
        assert sorted(getattr(bulk, name).values_list("slug", flat=True)) == sorted(slugs)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="search vectors exist on PostgreSQL only")
def test_the_search_vector_is_written_with_the_row_and_is_the_one_a_refresh_gives(taxonomy):
    BulkWriter().write([new_group("bulk")])
    written = GroupFullText.objects.get(group__slug="bulk").vector
    assert "'trust':" in written and "'leed':" in written  # host and town, stemmed, from the search text
    GroupFullText.objects.filter(group__slug="bulk").update(vector=None)
    refresh_search_vectors(Group.objects.filter(slug="bulk"))
    assert GroupFullText.objects.get(group__slug="bulk").vector == written


@pytest.mark.skipif(connection.vendor != "postgresql", reason="search vectors exist on PostgreSQL only")
def test_the_group_table_holds_no_search_vector_so_its_rows_stay_narrow(taxonomy):
    # The vector (about 700 bytes a group) lives in groups_groupfulltext: only keyword search reads it.
    with connection.cursor() as cursor:
        cursor.execute("SELECT data_type FROM information_schema.columns WHERE table_name = 'groups_group'")
        assert "tsvector" not in {row[0] for row in cursor.fetchall()}


def test_a_group_meeting_in_person_only_does_not_meet_remotely(taxonomy):
    BulkWriter().write([new_group("in-person", formats=["in-person"])])
    assert stored("in-person").meets_remotely is False


def test_writing_never_updates_a_row_and_takes_the_same_queries_for_ten_groups_as_for_one(taxonomy):
    writer = BulkWriter()
    one_group, ten_groups = [new_group("one")], [new_group(f"ten-{n}") for n in range(10)]
    with CaptureQueriesContext(connection) as one:
        writer.write(one_group)
    with CaptureQueriesContext(connection) as ten:
        writer.write(ten_groups)
    # One INSERT (or COPY) each for the groups, places, meeting times and the six taxonomy relations; on
    # PostgreSQL also the ids taken from the sequence first and the search vectors after; and the directory
    # version's new token (groups.core.directory_version: the search indexes learn of the new groups).
    assert len(ten) == len(one) == (12 if connection.vendor == "postgresql" else 10)
    updates = [query["sql"] for query in ten.captured_queries if query["sql"].lstrip().upper().startswith("UPDATE")]
    assert len(updates) == 1 and "groups_directoryversion" in updates[0]
    assert writer.totals["groups"] == 11 and writer.totals["place"] == 11 and writer.totals["links"] == 11 * 12


# ----- Blueprint: instances without the model's __init__ -------------------------------------------------------

def fields_of(obj, leave_out=()):
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields if f.attname not in leave_out}


def test_a_blueprint_instance_is_the_one_the_model_makes(taxonomy):
    cost = Cost.objects.get(slug="donation")
    given = {"name": "A group", "slug": "a-group", "summary": "Peer support.", "cost": cost, "status": "published",
             "time_zone": "Europe/Paris", "is_demo": True}
    made, called = Blueprint(Group).make(**given), Group(**given)
    # Defaults called per instance (a new uuid, "now") differ by nature; every other value is the model's own.
    assert fields_of(made, {"uuid", "last_confirmed_at"}) == fields_of(called, {"uuid", "last_confirmed_at"})
    assert made.cost_id == cost.pk and made.cost is cost  # the object cached: no query to read its name
    assert made.capacity == Group.Capacity.OPEN and made.version == 1 and made.search_text == ""
    assert made._state.adding and made._state.db is None
    assert made.uuid != Blueprint(Group).make(**given).uuid  # a new one each time, as the default gives
    place = {"city": "Leeds", "country": "GB", "latitude": Decimal("53.8"), "longitude": Decimal("-1.5")}
    assert fields_of(Blueprint(Place).make(**place)) == fields_of(Place(**place))
    meeting = {"frequency": "monthly", "weekday": 2, "week_of_month": -1}
    assert fields_of(Blueprint(MeetingTime).make(**meeting)) == fields_of(MeetingTime(**meeting))
    with pytest.raises(TypeError):
        Blueprint(Place).make(town="Leeds")


def test_blueprint_instances_are_written_as_model_instances_are(taxonomy):
    blueprint = Blueprint(Group)
    new = new_group("blueprint")
    new.group = blueprint.make(name="Group blueprint", slug="blueprint", cost=Cost.objects.get(slug="donation"),
                               **CONTENT)
    BulkWriter().write([new, new_group("model")])
    by_blueprint, by_model = stored("blueprint"), stored("model")
    leave_out = {"id", "uuid", "name", "slug", "search_words", "created_at", "updated_at", "last_confirmed_at"}
    assert fields_of(by_blueprint, leave_out) == fields_of(by_model, leave_out)
    assert by_blueprint.search_text == by_model.search_text and "Example Trust" in by_blueprint.search_text
