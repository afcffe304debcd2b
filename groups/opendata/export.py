"""The published directory written to files, streamed: constant memory however many groups there are.

HSDS's tabular form is one file per table (services, locations, schedules, ...), each row flat, pointing at
its parent by id (service_id, location_id). Written as JSON (an array per file, written item by item), NDJSON
(one object a line) or CSV (one file per table, fixed columns), plus groups.csv: one row per group in the
import's columns (groups.opendata.spreadsheet), for spreadsheets and for importing again.
"""

import csv
import json
from pathlib import Path

from django.utils import timezone

from groups.core.vocabulary import TAXONOMIES
from groups.opendata import mapping, selectors
from groups.opendata.spreadsheet import HEADER, group_row
from groups.opendata.taxonomies import all_terms, taxonomy_json, term_json

# Each table and its columns (the CSV header; JSON rows carry the same keys when they have a value).
TABLES = {
    "organizations": ["id", "name", "description", "website"],
    "services": ["id", "organization_id", "name", "description", "url", "email", "status", "application_process",
                 "fees_description", "eligibility_description", "minimum_age", "maximum_age", "accreditations",
                 "assured_date", "alert", "last_modified"],
    "locations": ["id", "location_type", "name", "description", "latitude", "longitude"],
    "addresses": ["id", "location_id", "address_1", "address_2", "city", "region", "state_province",
                  "postal_code", "country", "address_type"],
    "accessibility": ["id", "location_id", "description"],
    "service_at_locations": ["id", "service_id", "location_id", "description"],
    "schedules": ["id", "service_id", "freq", "interval", "byday", "wkst", "opens_at", "closes_at", "dtstart",
                  "timezone", "description", "notes"],
    "languages": ["id", "service_id", "name", "code"],
    "cost_options": ["id", "service_id", "option", "amount_description"],
    "phones": ["id", "service_id", "number", "type"],
    "attributes": ["id", "link_id", "link_type", "link_entity", "taxonomy_term_id", "value"],
    "taxonomies": ["id", "name", "description", "uri", "version"],
    "taxonomy_terms": ["id", "code", "name", "description", "taxonomy", "taxonomy_id", "language"],
}
FORMATS = ("json", "ndjson", "csv")
# Groups read (with their prefetched relations) per query: the memory the export needs, whatever its size.
CHUNK_SIZE = 500


def flat(item, table):
    """Only the table's own columns: nested objects and arrays go to their own tables."""
    return {key: item[key] for key in TABLES[table] if key in item}


def service_rows(group, now):
    """(table, row) for every row a group contributes."""
    service = mapping.service_json(group, full=True, now=now)
    yield "services", flat(service, "services")
    for schedule in service["schedules"]:
        yield "schedules", flat(schedule, "schedules")
    for table in ("languages", "cost_options", "phones", "attributes"):
        for item in service[table]:
            yield table, flat(item, table)
    for sal in service["service_at_locations"]:
        location = sal["location"]
        yield "service_at_locations", flat(sal, "service_at_locations")
        yield "locations", flat(location, "locations")
        for address in location.get("addresses", []):
            yield "addresses", flat(address, "addresses")
        for feature in location.get("accessibility", []):
            yield "accessibility", flat(feature, "accessibility")


def all_rows(now=None):
    now = now or timezone.now()
    for taxonomy in TAXONOMIES:
        yield "taxonomies", taxonomy_json(taxonomy)
    for ref in all_terms():
        yield "taxonomy_terms", flat(term_json(ref.taxonomy, ref.term), "taxonomy_terms")
    for host in selectors.host_names().iterator():
        yield "organizations", mapping.organization_json(host["host_name"], host["website"])
    for group in selectors.hsds_groups().iterator(chunk_size=CHUNK_SIZE):
        yield from service_rows(group, now)


class TableWriter:
    """One open file per table, written as rows arrive."""

    def __init__(self, folder, fmt):
        self.folder, self.fmt, self.files, self.writers, self.counts = Path(folder), fmt, {}, {}, {}

    def write(self, table, row):
        if table not in self.files:
            handle = (self.folder / f"{table}.{self.fmt}").open("w", encoding="utf-8", newline="")
            self.files[table], self.counts[table] = handle, 0
            if self.fmt == "csv":
                self.writers[table] = csv.DictWriter(handle, fieldnames=TABLES[table])
                self.writers[table].writeheader()
            elif self.fmt == "json":
                handle.write("[\n")
        handle = self.files[table]
        if self.fmt == "csv":
            self.writers[table].writerow(row)
        elif self.fmt == "json":
            handle.write(("" if self.counts[table] == 0 else ",\n") + json.dumps(row, ensure_ascii=False))
        else:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
        self.counts[table] += 1

    def close(self):
        for table in TABLES:  # every table gets a file, an empty one included
            if table not in self.files:
                self.write_empty(table)
        for handle in self.files.values():
            if self.fmt == "json":
                handle.write("\n]\n")
            handle.close()
        return self.counts

    def write_empty(self, table):
        handle = (self.folder / f"{table}.{self.fmt}").open("w", encoding="utf-8", newline="")
        if self.fmt == "csv":
            csv.DictWriter(handle, fieldnames=TABLES[table]).writeheader()
        elif self.fmt == "json":
            handle.write("[")
        self.files[table], self.counts[table] = handle, 0


def export_tables(folder, fmt="json", now=None):
    """Write every table into folder; returns the number of rows per table."""
    Path(folder).mkdir(parents=True, exist_ok=True)
    writer = TableWriter(folder, fmt)
    try:
        for table, row in all_rows(now):
            writer.write(table, row)
    finally:
        counts = writer.close()
    return counts


def write_groups_csv(handle):
    """groups.csv: one row per published group, in the import's columns. Returns the number of rows."""
    writer = csv.DictWriter(handle, fieldnames=HEADER)
    writer.writeheader()
    count = 0
    for group in selectors.hsds_groups().iterator(chunk_size=CHUNK_SIZE):
        writer.writerow(group_row(group))
        count += 1
    return count
