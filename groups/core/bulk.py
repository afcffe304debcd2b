"""Writing many new groups at once: the demo directory (`load_demo`) and the benchmark groups (`generate_groups`).

A NewGroup is an unsaved Group, the taxonomy terms it is filed under, and the unsaved rows that belong to it
(its place, meeting times, accreditation claims: anything with a `group` foreign key). BulkWriter.write()
inserts a batch of them. Everything derived is computed in Python before the insert, so no group row is
updated afterwards (on PostgreSQL an UPDATE of every new row leaves a dead copy of each until a VACUUM,
and the table twice its size):

- search_text through groups.core.search.build_search_text, the same builder every saved group goes
  through, shown the unsaved group with its terms in the order the database would give them;
- meets_remotely from the formats, as refresh_search_fields() sets it;
- next_meeting_at through groups.core.next_meetings, as saving a meeting does;
- the place's search point (Place.save() is not called).

On PostgreSQL the rows go in with COPY (psycopg 3's cursor.copy): several times faster than INSERT
statements at 100,000 groups, as nothing is compiled or parsed per row. The groups' ids are taken from their
sequence first (the other rows point at them). Their search vectors are then written in one INSERT ... SELECT
per batch by groups.core.search.refresh_search_vectors(), the same statement every other path uses, into the
side table. On SQLite (tests, the demo) the rows go in with bulk_create.

On PostgreSQL, write() is prepare_rows() (every value of every row, computed without the database, as a
PreparedBatch of plain values) then write_prepared() (ids, COPY, vectors): generate_groups runs the first in
another process. Blueprint makes the unsaved instances a generator needs without the models' __init__.
"""

import operator
import time
from collections import Counter
from dataclasses import dataclass, field

from django.db import connection
from django.db.models.base import ModelState
from django.utils import timezone

from groups.core import directory_version, next_meetings
from groups.core.models import Group, GroupFullText, MeetingTime, Place
from groups.core.search import REMOTE_FORMATS, build_search_text, refresh_search_vectors
from groups.core.vocabulary import M2M_FIELDS, TAXONOMY_BY_FIELD

# Field types whose Python values psycopg writes as they are (str, int, bool, Decimal, date and time, UUID):
# anything else goes through the field's own get_db_prep_save.
PLAIN_TYPES = frozenset({
    "AutoField", "BigAutoField", "BigIntegerField", "BooleanField", "CharField", "DateField", "DateTimeField",
    "DecimalField", "EmailField", "FloatField", "ForeignKey", "IntegerField", "OneToOneField", "PositiveIntegerField",
    "PositiveSmallIntegerField", "SlugField", "SmallIntegerField", "TextField", "TimeField", "URLField",
    "UUIDField",
})


@dataclass
class NewGroup:
    group: Group
    terms: dict = field(default_factory=dict)  # M2M field name -> term instances, in any order
    related: list = field(default_factory=list)  # unsaved rows with a `group` foreign key

    @property
    def place(self):
        return next((row for row in self.related if isinstance(row, Place)), None)


@dataclass
class PreparedBatch:
    """Groups as COPY rows (BulkWriter.prepare_rows): plain values only, so it can be sent from another process."""

    groups: list  # one row per group, its id not yet known
    related: list  # (model, rows, owners): the position in the batch of each row's group, its id not yet known
    links: dict  # M2M field name -> [(position of the group in the batch, term id)]


class _Terms:
    """What build_search_text reads from a many-to-many manager: .all()."""

    def __init__(self, terms):
        self.terms = terms

    def all(self):
        return self.terms


class _UnsavedView:
    """An unsaved group as build_search_text sees a saved one: its fields, its terms and its place."""

    def __init__(self, new, terms):
        self._group = new.group
        self._terms = terms
        place = new.place
        if place is not None:  # otherwise, like a saved group without a place, it has no attribute
            self.place = place

    def __getattr__(self, name):
        if name in self._terms:
            return _Terms(self._terms[name])
        return getattr(self._group, name)


class Blueprint:
    """Unsaved instances of one model, made several times faster than by calling the model.

    `Blueprint(Group).make(name=..., cost=cost)` gives what `Group(name=..., cost=cost)` gives: every field not
    given has its default (a callable one, such as a new uuid, called for each instance), a foreign key may be
    given as the object (its id stored, the object cached, as the model's descriptor does) or as its id
    (`cost_id`). What it skips is the model's generic __init__: the per-field walk over the arguments and the
    pre_init/post_init signals (no receiver in this project); at 100,000 groups and their 250,000 rows, that
    walk was a fifth of the generator's time. Only fields may be given.
    """

    IMMUTABLE = (str, int, float, bool, type(None))

    def __init__(self, model):
        self.model = model
        self.defaults, self.callables = {}, []
        for field_ in model._meta.concrete_fields:
            default = field_.get_default()
            if (field_.has_default() and callable(field_.default)) or not isinstance(default, self.IMMUTABLE):
                self.callables.append(field_)
            else:
                self.defaults[field_.attname] = default
        self.attnames = {field_.attname for field_ in model._meta.concrete_fields}
        self.relations = {
            field_.name: (field_.attname, field_.target_field.attname)
            for field_ in model._meta.concrete_fields if field_.is_relation
        }

    def make(self, **values):
        obj = self.model.__new__(self.model)
        obj._state = ModelState()
        attributes = obj.__dict__
        attributes.update(self.defaults)
        for field_ in self.callables:
            if field_.attname not in values:
                attributes[field_.attname] = field_.get_default()
        for name, value in values.items():
            if name in self.relations:
                attname, target = self.relations[name]
                attributes[attname] = None if value is None else getattr(value, target)
                obj._state.fields_cache[name] = value
            elif name in self.attnames:
                attributes[name] = value
            else:
                raise TypeError(f"{self.model.__name__} has no field {name!r}.")
        return obj


class _Copier:
    """PostgreSQL: rows of a model written with COPY, each statement logged like a query (tests count them)."""

    def __init__(self, model, with_pk):
        self.model = model
        self.fields = [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]
        self.plain = [f.get_internal_type() in PLAIN_TYPES for f in self.fields]
        self.stamped = [bool(getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)) for f in self.fields]
        # Every value read at once; then only the fields that need more (time stamps, conversions) one by one.
        attnames = [f.attname for f in self.fields]
        getter = operator.attrgetter(*attnames)
        self.values = getter if len(attnames) > 1 else lambda obj: (getter(obj),)  # always a tuple
        self.special = [
            (position, field_, plain, stamped)
            for position, (field_, plain, stamped) in enumerate(zip(self.fields, self.plain, self.stamped, strict=True))
            if stamped or not plain
        ]
        self.pk_position = attnames.index(model._meta.pk.attname) if with_pk else None
        self.group_position = attnames.index("group_id") if "group_id" in attnames else None
        columns = ", ".join(connection.ops.quote_name(f.column) for f in self.fields)
        self.sql = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"

    def row(self, obj):
        values = list(self.values(obj))
        for position, field_, plain, stamped in self.special:
            value = field_.pre_save(obj, True) if stamped else values[position]
            values[position] = value if plain else field_.get_db_prep_save(value, connection)
        return values


def copy_rows(sql, rows):
    """Run one COPY ... FROM STDIN with the given rows (sequences of Python values)."""
    started = time.monotonic()
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)
    if connection.queries_logged:
        connection.queries_log.append({"sql": sql, "time": f"{time.monotonic() - started:.3f}"})


def take_ids(model, count):
    """PostgreSQL: `count` new primary keys from the model's sequence (one query), for rows written by COPY."""
    table, column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, column, count]
        )
        return [row[0] for row in cursor.fetchall()]


class BulkWriter:
    """Inserts NewGroups in batches; counts what it wrote in `totals` (groups, links and rows by model name)."""

    def __init__(self, batch_size=2000):
        self.batch_size = batch_size
        # The order prefetching gives (each term model's own ordering): search text lists terms in it.
        self.rank = {
            name: {pk: i for i, pk in enumerate(TAXONOMY_BY_FIELD[name].model.objects.values_list("pk", flat=True))}
            for name in M2M_FIELDS
        }
        self.copy = connection.vendor == "postgresql"
        self.copiers = {}
        self.through = []
        for name in M2M_FIELDS:
            relation = Group._meta.get_field(name)
            source, target = f"{relation.m2m_field_name()}_id", f"{relation.m2m_reverse_field_name()}_id"
            self.through.append((name, relation.remote_field.through, source, target))
        self.totals = Counter()
        self.written = {Group: None} | {through: None for _name, through, *_ in self.through}

    def models(self):
        """Every model this writer has written rows of (to analyse their tables afterwards)."""
        return list(self.written)

    def write(self, new_groups):
        """Insert the groups, their rows and their term links; returns the new groups' ids (set on the objects)."""
        if not self.copy:
            return self.create(new_groups)
        ids = self.write_prepared(self.prepare_rows(new_groups))
        for new, pk in zip(new_groups, ids, strict=True):
            new.group.pk = pk
            for obj in new.related:
                obj.group_id = pk
            for obj in (new.group, *new.related):
                obj._state.adding, obj._state.db = False, connection.alias
        return ids

    def prepare_rows(self, new_groups, now=None, memo=None):
        """PostgreSQL: the groups as COPY rows (PreparedBatch), every derived value computed. Reads nothing from
        the database, so another process can make the rows while this one writes the last batch. The next
        meetings are computed at `now` (default: now), through `memo` (next_meetings.next_start): a caller
        giving one moment for every batch can keep one memo for them all."""
        now, memo = now or timezone.now(), {} if memo is None else memo
        for new in new_groups:
            self.prepare(new, now, memo)
        group_copier = self.copier(Group, with_pk=True)
        related, links = {}, {name: [] for name, *_ in self.through}
        for position, new in enumerate(new_groups):
            for obj in new.related:
                rows, owners = related.setdefault(type(obj), ([], []))
                rows.append(self.copier(type(obj)).row(obj))
                owners.append(position)
            for name, *_ in self.through:
                links[name].extend((position, term.pk) for term in new.terms[name])
        groups = [group_copier.row(new.group) for new in new_groups]
        return PreparedBatch(groups, [(model, *pair) for model, pair in related.items()], links)

    def write_prepared(self, batch):
        """PostgreSQL: write a PreparedBatch with COPY (ids from the sequence first), then the search vectors."""
        ids = take_ids(Group, len(batch.groups))
        group_copier = self.copier(Group, with_pk=True)
        for row, pk in zip(batch.groups, ids, strict=True):
            row[group_copier.pk_position] = pk
        copy_rows(group_copier.sql, batch.groups)
        self.written[GroupFullText] = None
        # The vectors, computed by PostgreSQL from the rows just written, into their side table.
        refresh_search_vectors(Group.objects.filter(pk__in=ids))
        for model, rows, owners in batch.related:
            copier = self.copier(model)
            for row, owner in zip(rows, owners, strict=True):
                row[copier.group_position] = ids[owner]
            copy_rows(copier.sql, rows)
            self.totals[model._meta.model_name] += len(rows)
            self.written[model] = None
        quote = connection.ops.quote_name
        for name, through, source, target in self.through:
            copy_rows(f"COPY {quote(through._meta.db_table)} ({quote(source)}, {quote(target)}) FROM STDIN",
                      ((ids[position], term) for position, term in batch.links[name]))
            self.totals["links"] += len(batch.links[name])
        self.totals["groups"] += len(ids)
        directory_version.bump()  # no signal was sent: the search indexes must learn of the new groups
        return ids

    def create(self, new_groups):
        """SQLite (tests, the demo): bulk_create, in the same order of tables as the COPY path."""
        now, memo = timezone.now(), {}
        for new in new_groups:
            self.prepare(new, now, memo)
        groups = [new.group for new in new_groups]
        Group.objects.bulk_create(groups, batch_size=self.batch_size)
        rows = {}
        for new in new_groups:
            for row in new.related:
                row.group_id = new.group.pk
                rows.setdefault(type(row), []).append(row)
        for model, model_rows in rows.items():
            model.objects.bulk_create(model_rows, batch_size=self.batch_size)
            self.totals[model._meta.model_name] += len(model_rows)
            self.written[model] = None
        for name, through, source, target in self.through:
            links = [through(**{source: new.group.pk, target: term.pk})
                     for new in new_groups for term in new.terms[name]]
            through.objects.bulk_create(links, batch_size=self.batch_size)
            self.totals["links"] += len(links)
        self.totals["groups"] += len(groups)
        directory_version.bump()  # bulk_create sends no signal: the search indexes must learn of the new groups
        return [group.pk for group in groups]

    def copier(self, model, with_pk=False):
        if model not in self.copiers:
            self.copiers[model] = _Copier(model, with_pk)
        return self.copiers[model]

    def prepare(self, new, now, memo=None):
        """Terms in database order; search text, meets_remotely, next meeting and the place's search point."""
        new.terms = {
            name: sorted(new.terms.get(name, ()), key=lambda term, rank=self.rank[name]: rank[term.pk])
            for name in M2M_FIELDS
        }
        group = new.group
        group.search_text = build_search_text(_UnsavedView(new, new.terms))
        group.refresh_search_words()  # bulk_create does not call save()
        group.meets_remotely = any(term.slug in REMOTE_FORMATS for term in new.terms["formats"])
        # Stored next meetings (groups.core.next_meetings): computed here, as no signal is sent.
        meetings = [row for row in new.related if isinstance(row, MeetingTime)]
        group.next_meeting_at = next_meetings.next_start(meetings, group.time_zone, now, memo)
        place = new.place
        if place is not None:
            place.search_latitude, place.search_longitude = place.compute_search_point()

