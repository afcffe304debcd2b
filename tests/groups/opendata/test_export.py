"""manage.py export_hsds: every table row validates, privacy holds in every file, memory does not grow."""

import csv
import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from groups.core.models import Group
from groups.opendata import export
from groups.opendata.spreadsheet import HEADER

from .branches import SECRETS, branches  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

SCHEMA_OF_TABLE = {
    "organizations": "organization", "services": "service", "locations": "location", "addresses": "address",
    "accessibility": "accessibility", "service_at_locations": "service_at_location", "schedules": "schedule",
    "languages": "language", "cost_options": "cost_option", "phones": "phone", "attributes": "attribute",
    "taxonomies": "taxonomy", "taxonomy_terms": "taxonomy_term",
}


def read_table(folder, table, fmt):
    text = (folder / f"{table}.{fmt}").read_text(encoding="utf-8")
    if fmt == "json":
        return json.loads(text)
    return [json.loads(line) for line in text.splitlines()]


@pytest.mark.parametrize("fmt", ["json", "ndjson"])
def test_every_row_of_every_table_validates(tmp_path, branches, hsds_valid, fmt):  # noqa: F811
    call_command("export_hsds", str(tmp_path), format=fmt, stdout=open("/dev/null", "w"))
    rows = {table: read_table(tmp_path, table, fmt) for table in SCHEMA_OF_TABLE}
    for table, items in rows.items():
        for item in items:
            hsds_valid(SCHEMA_OF_TABLE[table], item)
    assert len(rows["services"]) == 5 and len(rows["organizations"]) == 2
    assert len(rows["locations"]) == len(rows["service_at_locations"]) == 4
    assert {row["location_type"] for row in rows["locations"]} == {"physical", "virtual"}
    service_ids = {row["id"] for row in rows["services"]}
    assert {row["service_id"] for row in rows["schedules"]} <= service_ids


@pytest.mark.parametrize("fmt", ["json", "ndjson", "csv"])
def test_no_file_leaks_what_the_api_hides(tmp_path, branches, fmt):  # noqa: F811
    call_command("export_hsds", str(tmp_path), format=fmt, stdout=open("/dev/null", "w"))
    text = "".join(path.read_text(encoding="utf-8") for path in sorted(tmp_path.iterdir()))
    assert [secret for secret in SECRETS if secret in text] == []
    assert "Hidden Host" not in text and "Hidden draft" not in text


def test_groups_csv_has_the_import_columns_and_the_area_only(tmp_path, branches):  # noqa: F811
    call_command("export_hsds", str(tmp_path), format="csv", stdout=open("/dev/null", "w"))
    with (tmp_path / "groups.csv").open(encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == HEADER
        rows = {row["slug"]: row for row in reader}
    assert rows["open-door"]["address_line1"] == "12 Market Street"
    area = rows["area-only"]
    assert (area["address_line1"], area["postcode"], area["city"]) == ("", "", "Leeds")
    place = branches["area"].place
    assert (float(area["latitude"]), float(area["longitude"])) == (place.search_latitude, place.search_longitude)
    assert (rows["on-request"]["city"], rows["on-request"]["address_visibility"]) == ("", "on-request")
    assert rows["on-request"]["meetings"] == "last Mon 18:00; first Sat 10:00-12:00"
    with (tmp_path / "services.csv").open(encoding="utf-8") as handle:
        assert len(list(csv.DictReader(handle))) == 5


def bulk_groups(count, start):
    Group.objects.bulk_create([
        Group(name=f"Bulk {n:06d}", slug=f"bulk-{n}", summary="A group.", status=Group.Status.PUBLISHED)
        for n in range(start, start + count)
    ])


def test_groups_are_read_in_chunks_so_memory_stays_flat(tmp_path, taxonomy, monkeypatch):
    """At most CHUNK_SIZE groups (and their relations) are held at once: each chunk prefetches its own
    relations, so 300 groups in chunks of 50 read the meeting times in 6 queries, not 1 (which would mean
    every group was loaded first)."""
    monkeypatch.setattr(export, "CHUNK_SIZE", 50)
    bulk_groups(300, 0)
    with CaptureQueriesContext(connection) as queries:
        call_command("export_hsds", str(tmp_path), format="ndjson", stdout=open("/dev/null", "w"))
    meeting_reads = [q for q in queries.captured_queries if 'FROM "groups_meetingtime"' in q["sql"]]
    assert len(meeting_reads) == 2 * 6  # the tables, then groups.csv
    assert sum(1 for _ in (tmp_path / "services.ndjson").open()) == 300
