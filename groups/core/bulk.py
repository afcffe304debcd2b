"""Writing many new groups at once: the demo directory (`load_demo`) and the benchmark groups (`generate_groups`).

A NewGroup is an unsaved Group, the taxonomy terms it is filed under, and the unsaved rows that belong to it
(its place, meeting times, accreditation claims: anything with a `group` foreign key). BulkWriter.write()
inserts a batch of them with bulk_create. Everything search needs is computed before the insert, so no
row is updated afterwards (on PostgreSQL an UPDATE of every new row leaves a dead copy of each until a
VACUUM, and the table twice its size):

- search_text through groups.core.search.build_search_text, the same builder every saved group goes
  through, shown the unsaved group with its terms in the order the database would give them;
- meets_remotely from the formats, as refresh_search_fields() sets it;
- on PostgreSQL the search vector, written in the INSERT itself: refresh_search_vectors() is asked for
  the expression it would UPDATE with, compiled once, and given each group's own values.

Place.save() is not called by bulk_create, so the place's search point is set here.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchVectorField
from django.db import connection, models
from django.db.models.expressions import RawSQL
from django.utils import timezone

from groups.core import next_meetings
from groups.core.models import Group, MeetingTime, Place
from groups.core.search import REMOTE_FORMATS, build_search_text, refresh_search_vectors
from groups.core.vocabulary import M2M_FIELDS, TAXONOMY_BY_FIELD

# PostgreSQL takes at most 65,535 parameters a statement; a group row with its search vector needs
# about one per column plus a few for the vector.
MAX_PARAMETERS = 60_000


@dataclass
class NewGroup:
    group: Group
    terms: dict = field(default_factory=dict)  # M2M field name -> term instances, in any order
    related: list = field(default_factory=list)  # unsaved rows with a `group` foreign key

    @property
    def place(self):
        return next((row for row in self.related if isinstance(row, Place)), None)


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


class _UpdateCapture:
    """Stands in for a queryset to learn what refresh_search_vectors() would UPDATE with."""

    values = None

    def update(self, **values):
        self.values = values


def _vector_template():
    """refresh_search_vectors()'s expression for an INSERT: SQL and [(column or None, parameter)], or None.

    None on SQLite, or if the expression could not be read. The expression is compiled once, with a
    marker in place of each column it reads; each row then passes its own values for the markers.
    """
    capture = _UpdateCapture()
    try:
        refresh_search_vectors(capture)
    except AttributeError:  # it asked the queryset for more than update(): fall back to updating after insert
        return None
    expression = (capture.values or {}).get("search_vector")
    if expression is None:
        return None
    columns = sorted({node.name for node in expression.flatten() if isinstance(node, models.F)})
    markers = {column: f"\x00{column}\x00" for column in columns}
    query = Group.objects.all().query
    resolved = expression.replace_expressions(
        {models.F(column): models.Value(marker) for column, marker in markers.items()}
    ).resolve_expression(query, allow_joins=False, for_save=True)
    sql, params = resolved.as_sql(query.get_compiler(connection=connection), connection)
    by_marker = {marker: column for column, marker in markers.items()}
    return sql, [(by_marker.get(param) if isinstance(param, str) else None, param) for param in params]


class BulkWriter:
    """Inserts NewGroups in batches; counts what it wrote in `totals` (groups, links and rows by model name)."""

    def __init__(self, batch_size=2000):
        self.batch_size = batch_size
        # The order prefetching gives (each term model's own ordering): search text lists terms in it.
        self.rank = {
            name: {pk: i for i, pk in enumerate(TAXONOMY_BY_FIELD[name].model.objects.values_list("pk", flat=True))}
            for name in M2M_FIELDS
        }
        self.vector = _vector_template()
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
        """Insert the groups, their rows and their term links; returns the new groups' ids."""
        for new in new_groups:
            self.prepare(new)
        groups = [new.group for new in new_groups]
        # Stored next meetings (groups.core.next_meetings): computed here, as bulk_create sends no signal.
        now = timezone.now()
        for new in new_groups:
            meetings = [row for row in new.related if isinstance(row, MeetingTime)]
            new.group.next_meeting_at = next_meetings.next_start(meetings, new.group.time_zone, now)
        extra = 10 if self.vector is not None else 0
        group_batch = max(1, min(self.batch_size, MAX_PARAMETERS // (len(Group._meta.concrete_fields) + extra)))
        Group.objects.bulk_create(groups, batch_size=group_batch)
        if self.vector is None:
            refresh_search_vectors(Group.objects.filter(pk__in=[group.pk for group in groups]))

        rows = {}
        links = {name: [] for name, *_ in self.through}
        for new in new_groups:
            for row in new.related:
                row.group_id = new.group.pk
                rows.setdefault(type(row), []).append(row)
            for name, through, source, target in self.through:
                links[name].extend(through(**{source: new.group.pk, target: term.pk}) for term in new.terms[name])
        for model, model_rows in rows.items():
            model.objects.bulk_create(model_rows, batch_size=self.batch_size)
            self.totals[model._meta.model_name] += len(model_rows)
            self.written[model] = None
        for name, through, *_ in self.through:
            through.objects.bulk_create(links[name], batch_size=self.batch_size)
            self.totals["links"] += len(links[name])
        self.totals["groups"] += len(groups)
        return [group.pk for group in groups]

    def prepare(self, new):
        """Terms in database order; search text, meets_remotely, the search vector and the place's search point."""
        new.terms = {
            name: sorted(new.terms.get(name, ()), key=lambda term, rank=self.rank[name]: rank[term.pk])
            for name in M2M_FIELDS
        }
        group = new.group
        group.search_text = build_search_text(_UnsavedView(new, new.terms))
        group.refresh_search_words()  # bulk_create does not call save()
        group.meets_remotely = any(term.slug in REMOTE_FORMATS for term in new.terms["formats"])
        if self.vector is not None:
            sql, params = self.vector
            values = [param if column is None else getattr(group, column) for column, param in params]
            group.search_vector = RawSQL(sql, values, output_field=SearchVectorField())
        place = new.place
        if place is not None:
            place.search_latitude, place.search_longitude = place.compute_search_point()
