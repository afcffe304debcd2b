"""Reading and checking a CSV of groups before anything is written (the preview).

Every problem is reported with its row and column; nothing is written unless the whole file is clean
(groups.opendata.importing does the writing, all or nothing). Columns: groups.opendata.spreadsheet.
A row updates the group with its `id` (HSDS service id) or, without one, its `slug`; otherwise it is new.
"""

import csv
import functools
import io
import zoneinfo
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError

from groups.coordination.services import REQUIRED_M2M_TO_SUBMIT, REQUIRED_TO_SUBMIT, unique_slug
from groups.core.models import Group, Place
from groups.core.vocabulary import TAXONOMIES, TAXONOMY_BY_FIELD
from groups.opendata import ids
from groups.opendata.meeting_syntax import MeetingSyntaxError, parse_meetings
from groups.opendata.spreadsheet import HEADER, PLACE_COLUMNS, TERM_SEPARATOR

TEXT_FIELDS = ["name", "summary", "description", "host_name", "host_website", "cost_details", "facilitation",
               "attendance", "registration_details", "capacity", "contact_email", "contact_phone", "contact_url"]
REQUIRED_COLUMNS = {"name": "name", "summary": "summary", "facilitation": "facilitation",
                    "attendance": "attendance", "cost": "cost"}
REQUIRED_COLUMNS.update({TAXONOMY_BY_FIELD[name].param: TAXONOMY_BY_FIELD[name].param
                         for name in REQUIRED_M2M_TO_SUBMIT})
assert set(REQUIRED_TO_SUBMIT) <= set(REQUIRED_COLUMNS)  # the import asks for what submitting needs


@functools.cache
def time_zone_names():
    """Read once: zoneinfo walks the zone files on every call, too slow for every row of a large file."""
    return frozenset(zoneinfo.available_timezones())


class ImportFileError(Exception):
    """The file as a whole cannot be read: its message says why and what to do."""


@dataclass
class RowError:
    row: int  # as a spreadsheet numbers it: the header is row 1
    column: str
    message: str


@dataclass
class RowPlan:
    """What one row will do: create a group or change one, with these values."""

    row: int
    target: Group | None
    uuid: object
    slug: str
    fields: dict
    terms: dict  # Group field -> list of terms
    place: dict | None
    meetings: list


@dataclass
class Preview:
    plans: list = field(default_factory=list)
    errors: list = field(default_factory=list)

    @property
    def ok(self):
        return bool(self.plans) and not self.errors

    @property
    def new_count(self):
        return sum(1 for plan in self.plans if plan.target is None)

    @property
    def update_count(self):
        return len(self.plans) - self.new_count


def too_large(size):
    """The message for a file over IMPORT_MAX_BYTES, or None when it fits."""
    limit = settings.IMPORT_MAX_BYTES
    if size <= limit:
        return None
    return (f"The file is {size / 1e6:.1f} MB; files of up to {limit / 1e6:g} MB can be imported. "
            "Split it into smaller files.")


def read_rows(data):
    """The rows of a CSV file given as bytes, as dicts; ImportFileError for a file that cannot be used."""
    if too_large(len(data)):
        raise ImportFileError(too_large(len(data)))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFileError(
            f"The file is not UTF-8 text (a byte at position {error.start} cannot be read). Save it again as "
            "“CSV UTF-8” (in Excel: File, Save as, CSV UTF-8) and import that file.") from None
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
        header = [name.strip() for name in reader.fieldnames or []]
        reader.fieldnames = header
        rows = list(reader)
    except csv.Error as error:
        raise ImportFileError(f"The file is not a CSV file we can read: {error}.") from None
    check_header(header)
    if not rows:
        raise ImportFileError("The file has a header but no groups in it.")
    return rows


def check_header(header):
    if not header:
        raise ImportFileError("The file is empty: start from the template, which has the header row.")
    missing = [name for name in HEADER if name not in header]
    unknown = [name for name in header if name not in HEADER]
    problems = []
    if missing:
        problems.append(f"missing columns: {', '.join(missing)}")
    if unknown:
        problems.append(f"columns we do not know: {', '.join(unknown)}")
    duplicated = sorted({name for name in header if header.count(name) > 1})
    if duplicated:
        problems.append(f"columns given twice: {', '.join(duplicated)}")
    if problems:
        raise ImportFileError("The header row does not match the template (" + "; ".join(problems) + ").")


class RowReader:
    """Checks one row, collecting every error rather than stopping at the first."""

    def __init__(self, number, row, terms_by_param):
        self.number, self.row, self.terms_by_param, self.errors = number, row, terms_by_param, []

    def cell(self, column):
        value = self.row.get(column)
        return (value or "").strip() if isinstance(value, str) else ""

    def error(self, column, message):
        self.errors.append(RowError(self.number, column, str(message)))

    def text_fields(self):
        fields = {}
        for name in TEXT_FIELDS:
            model_field = Group._meta.get_field(name)
            value = self.cell(name) or (model_field.default if model_field.has_default() else "")
            try:
                fields[name] = model_field.clean(value, None)
            except ValidationError as error:
                self.error(name, " ".join(error.messages))
        for name in ["age_min", "age_max"]:
            fields[name] = self.whole_number(name)
        if fields["age_min"] is not None and fields["age_max"] is not None and fields["age_min"] > fields["age_max"]:
            self.error("age_max", "The maximum age must not be below the minimum age.")
        fields["time_zone"] = self.cell("time_zone") or "Europe/London"
        if fields["time_zone"] not in time_zone_names():
            self.error("time_zone", f"“{fields['time_zone'][:40]}” is not a time zone name such as Europe/London.")
        return fields

    def whole_number(self, column):
        value = self.cell(column)
        if not value:
            return None
        if not value.isdigit() or int(value) > 150:
            self.error(column, f"“{value[:20]}” is not an age (a whole number from 0 to 150).")
            return None
        return int(value)

    def terms(self):
        chosen = {}
        for taxonomy in TAXONOMIES:
            slugs = [slug.strip() for slug in self.cell(taxonomy.param).split(TERM_SEPARATOR) if slug.strip()]
            known = self.terms_by_param[taxonomy.param]
            unknown = [slug for slug in slugs if slug not in known]
            if unknown:
                self.error(taxonomy.param, f"Unknown {taxonomy.param} slug(s): {', '.join(unknown)}. Known: "
                           f"{', '.join(sorted(known)[:30])}.")
            if not taxonomy.is_many and len(slugs) > 1:
                self.error(taxonomy.param, "Give one cost only.")
            chosen[taxonomy.field] = [known[slug] for slug in slugs if slug in known]
        for column in REQUIRED_COLUMNS:
            if not self.cell(column):
                self.error(column, "Required: a listing cannot be reviewed without it.")
        return chosen

    def place(self):
        visibility = self.cell("address_visibility") or Place.Visibility.ON_REQUEST
        if visibility not in Place.Visibility.values:
            self.error("address_visibility", "Use public, area-only or on-request.")
            return None
        values = {name: self.cell(name) for name in PLACE_COLUMNS}
        if not any(values.values()):
            return None
        place = {"address_visibility": visibility}
        for name in ["address_line1", "address_line2", "city", "region", "postcode"]:
            place[name] = values[name]
        place["country"] = values["country"].upper()
        if not place["city"]:
            self.error("city", "Give the town or city where the group meets (or leave every address column blank).")
        if len(place["country"]) != 2 or not place["country"].isalpha():
            self.error("country", "Give the country as two letters, e.g. GB.")
        for name, bound in [("latitude", 90), ("longitude", 180)]:
            place[name] = self.coordinate(name, values[name], bound)
        if (place["latitude"] is None) != (place["longitude"] is None):
            self.error("longitude", "Give both latitude and longitude, or neither.")
        return place

    def coordinate(self, column, value, bound):
        if not value:
            return None
        try:
            number = Decimal(value).quantize(Decimal("0.000001"))
        except InvalidOperation:
            self.error(column, f"“{value[:20]}” is not a number in decimal degrees.")
            return None
        if not -bound <= number <= bound:
            self.error(column, f"Must be between -{bound} and {bound}.")
            return None
        return number

    def meetings(self, time_zone):
        try:
            meetings = parse_meetings(self.cell("meetings"))
        except MeetingSyntaxError as error:
            self.error("meetings", error)
            return []
        zones = {meeting.zone for meeting in meetings if meeting.zone}
        if zones - {time_zone}:
            self.error("meetings", f"The meetings name {', '.join(sorted(zones))} but the group's time_zone is "
                       f"{time_zone}: make them the same (or leave the zone out of the meetings).")
        return meetings


def terms_by_param():
    return {taxonomy.param: {term.slug: term for term in taxonomy.model.objects.all()} for taxonomy in TAXONOMIES}


def existing_groups(rows):
    """The groups rows may update, by uuid and by slug, in two queries whatever the file's size."""
    wanted_ids = {parsed for row in rows if (parsed := ids.parse((row.get("id") or "").strip()))}
    wanted_slugs = {(row.get("slug") or "").strip() for row in rows} - {""}
    by_id = {group.uuid: group for group in Group.objects.filter(uuid__in=wanted_ids)}
    by_slug = {group.slug: group for group in Group.objects.filter(slug__in=wanted_slugs)}
    return by_id, by_slug


class Planner:
    """Turns checked rows into plans, tracking ids and slugs across the whole file."""

    def __init__(self, rows):
        self.terms = terms_by_param()
        self.by_id, self.by_slug = existing_groups(rows)
        self.seen_ids, self.seen_slugs, self.seen_targets = {}, {}, {}

    def target(self, reader):
        """(group to update or None, uuid, slug) for a row, or errors on the reader."""
        raw_id, slug = reader.cell("id"), reader.cell("slug")
        uuid = ids.parse(raw_id) if raw_id else None
        if raw_id and uuid is None:
            reader.error("id", f"“{raw_id[:40]}” is not a UUID; leave it blank for a new group.")
        if slug and (len(slug) > 160 or not slug_ok(slug)):
            reader.error("slug", "Use lower-case letters, digits and hyphens only (at most 160).")
        by_id, by_slug = self.by_id.get(uuid), self.by_slug.get(slug)
        if by_id and by_slug and by_id.pk != by_slug.pk:
            reader.error("slug", f"This slug belongs to another group than the id {raw_id} (“{by_slug.name}”).")
        target = by_id or (by_slug if not uuid else None)
        if uuid and not by_id and by_slug:
            reader.error("slug", f"The slug “{slug}” is taken by another group (“{by_slug.name}”).")
        self.check_repeats(reader, uuid, slug, target)
        if target is not None:
            self.check_updatable(reader, target)
            slug = slug or target.slug
        return target, uuid, slug

    def check_repeats(self, reader, uuid, slug, target):
        for key, seen, column in [(uuid, self.seen_ids, "id"), (slug, self.seen_slugs, "slug"),
                                  (target.pk if target else None, self.seen_targets, "id")]:
            if key is None or key == "":
                continue
            if key in seen:
                reader.error(column, f"The same group is in row {seen[key]} too: give each group once.")
            else:
                seen[key] = reader.number

    def check_updatable(self, reader, target):
        if target.status == Group.Status.REVISION or target.revision_of_id:
            reader.error("id", "This is a proposed change, not a group: use the group's own id or slug.")
        elif target.status == Group.Status.PENDING:
            reader.error("id", f"“{target.name}” is waiting for review: decide on it first, then import again.")
        elif target.revisions.filter(status=Group.Status.PENDING).exists():
            reader.error("id", f"A change to “{target.name}” is waiting for review: decide on it first.")

    def plan(self, number, row):
        reader = RowReader(number, row, self.terms)
        target, uuid, slug = self.target(reader)
        fields = reader.text_fields()
        terms = reader.terms()
        place = reader.place()
        meetings = reader.meetings(fields["time_zone"])
        if not reader.cell("time_zone") and meetings and meetings[0].zone:
            fields["time_zone"] = meetings[0].zone  # the zone the meetings name, when the column is blank
        if target is None and not slug:
            slug = self.new_slug(fields.get("name") or "group")
        return reader.errors, RowPlan(number, target, uuid, slug, fields, terms, place, meetings)

    def new_slug(self, name):
        slug = unique_slug(name)
        base, n = slug, 2
        while slug in self.seen_slugs:
            slug, n = f"{base}-{n}", n + 1
        self.seen_slugs[slug] = 0
        return slug


def slug_ok(slug):
    return all(char.isascii() and (char.islower() or char.isdigit() or char == "-") for char in slug)


def preview(data):
    """Check a whole file: every row's plan and every error. Raises ImportFileError for an unusable file."""
    rows = read_rows(data)
    planner = Planner(rows)
    result = Preview()
    for number, row in enumerate(rows, start=2):
        if None in row or any(value is None for value in row.values()):
            result.errors.append(RowError(number, "", "This row has a different number of cells from the header."))
            continue
        errors, plan = planner.plan(number, row)
        result.errors.extend(errors)
        result.plans.append(plan)
    return result
