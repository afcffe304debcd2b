"""The search index of issue 12: the published directory in memory, one compressed bitmap per filter option.

Groups are numbered by their rank in the default display order (name, then id, as the database sorts them),
so a set of groups is a Roaring bitmap of ranks and a page of results in that order is a range of its set
bits. A filter is an intersection across parameters of unions within one; a facet count is one intersection's
cardinality. Besides the bitmaps the index keeps what ordering needs: each group's stored next meeting and
search point.

The database stays the only source of truth. The index is built from it in a few flat queries (values_list,
no model instances) for one directory version (groups.core.directory_version.key(): a token every write
changes, and today's date), and each worker keeps the one for the version it last saw: current_index() reads
the version once per request and rebuilds when it differs.
"""

import threading
from bisect import bisect_left, bisect_right
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.contrib.postgres.aggregates import ArrayAgg
from django.db import connection
from django.db.models import Aggregate, CharField
from pyroaring import BitMap, FrozenBitMap

from groups.accreditation.selectors import current_claims
from groups.core import directory_version
from groups.core.models import Group, MeetingTime
from groups.core.models.querysets import ON_REQUEST, PUBLIC
from groups.core.vocabulary import BY_ARRANGEMENT, TAXONOMIES, TIMES_OF_DAY, WEEKDAY_SLUGS

EMPTY = FrozenBitMap()
NEVER = float("inf")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# Results of keyword and place searches kept per index (so per version): the most recently used win.
CACHE_SIZE = 256


def microseconds(moment):
    """An aware datetime as whole microseconds since 1970 (exact, unlike a float timestamp); None -> NEVER."""
    return NEVER if moment is None else (moment - EPOCH) // timedelta(microseconds=1)


def time_bucket(start_time):
    """The time-of-day slug a meeting's local start time falls in, or None (night, or no time)."""
    if start_time is None:
        return None
    for period in TIMES_OF_DAY:
        if period.start <= start_time < period.end:
            return period.slug
    return None


class LRU:
    """A small least-recently-used cache (keyword and place searches of one index)."""

    def __init__(self, size=CACHE_SIZE):
        self.size, self.items = size, OrderedDict()

    def get(self, key, compute):
        if key in self.items:
            self.items.move_to_end(key)
            return self.items[key]
        value = self.items[key] = compute()
        if len(self.items) > self.size:
            self.items.popitem(last=False)
        return value


@dataclass
class FacetIndex:
    key: tuple
    ids: list  # rank -> group id
    rank_of: dict  # group id -> rank
    all: FrozenBitMap
    terms_by_param: dict  # param -> term instances in display order (what taxonomy_terms() gives)
    terms: dict  # param -> {term id: bitmap}
    remote: FrozenBitMap  # meets_remotely: listed in a place search whatever the distance
    accredited: FrozenBitMap  # a current verified claim today (key[1])
    hidden_in_person: FrozenBitMap  # location only on request and meets only in person (on_request_elsewhere)
    meetings: dict  # (weekday or None, time-of-day slug or None) -> bitmap of groups with such a meeting
    next_at: list  # rank -> stored next meeting in microseconds, NEVER for none
    next_order: list  # ranks by (stored next meeting, rank): nulls last, as the SQL sorts them
    next_sorted: list  # next_at of next_order, for bisecting "already passed"
    point: list  # rank -> (latitude, longitude, public address) of a group that may be located, or None
    by_latitude: list  # ranks of located groups by latitude
    latitudes: list  # their latitudes, for bisecting a band
    # rank -> (next meeting, when computed), for groups whose stored next meeting has passed
    corrected: dict = field(default_factory=dict)
    keyword_cache: LRU = field(default_factory=LRU)
    place_cache: LRU = field(default_factory=LRU)

    def slug_ids(self, param, slugs):
        wanted = set(slugs)
        return [term.pk for term in self.terms_by_param[param] if term.slug in wanted]

    def term_set(self, param, slugs):
        """Groups filed under any of the slugs of one taxonomy."""
        return BitMap.union(BitMap(), *[self.terms[param].get(pk, EMPTY) for pk in self.slug_ids(param, slugs)])

    def meeting_set(self, days, times):
        """Groups with one meeting both on one of the days and in one of the times of day (either may be empty)."""
        day_numbers = {WEEKDAY_SLUGS.index(day) for day in days}
        chosen = [bitmap for (weekday, bucket), bitmap in self.meetings.items()
                  if (not days or weekday in day_numbers) and (not times or bucket in times)]
        return BitMap.union(BitMap(), *chosen)

    def pks(self, ranks):
        ids = self.ids
        return [ids[rank] for rank in ranks]

    def in_latitude_band(self, low, high):
        return self.by_latitude[bisect_left(self.latitudes, low):bisect_right(self.latitudes, high)]


class GroupConcat(Aggregate):
    """SQLite's GROUP_CONCAT: the ids of a group of rows as one text, split in C rather than row by row."""

    function = "GROUP_CONCAT"
    output_field = CharField()


def ids_by(queryset, *values):
    """{values: [group ids]}: the database gathers each value's group ids (an array on PostgreSQL, a text on
    SQLite), so a million term links cost a few dozen rows rather than a Python step each."""
    rows = queryset.filter(group__status__in=Group.PUBLIC_STATUSES).order_by().values(*values)
    if connection.vendor == "postgresql":
        found = rows.annotate(ids=ArrayAgg("group_id")).values_list(*values, "ids")
        return {tuple(row[:-1]): row[-1] for row in found}
    found = rows.annotate(ids=GroupConcat("group_id")).values_list(*values, "ids")
    return {tuple(row[:-1]): list(map(int, row[-1].split(","))) for row in found}


def _ranks(rank_of, ids):
    return FrozenBitMap(map(rank_of.__getitem__, ids))


def _term_bitmaps(taxonomy, rank_of, costs):
    if not taxonomy.is_many:
        found = {}
        for rank, cost in enumerate(costs):
            if cost is not None:
                found.setdefault(cost, []).append(rank)
        return {cost: FrozenBitMap(ranks) for cost, ranks in found.items()}
    through = getattr(Group, taxonomy.field).through
    found = ids_by(through.objects.all(), f"{taxonomy.model._meta.model_name}_id")
    return {term: _ranks(rank_of, ids) for (term,), ids in found.items()}


def _meeting_bitmaps(rank_of):
    """{(weekday, time of day): groups}: gathered by start time in the database, a handful of distinct ones."""
    found = {}
    meetings = MeetingTime.objects.exclude(frequency=BY_ARRANGEMENT)
    for (weekday, start), ids in ids_by(meetings, "weekday", "start_time").items():
        found.setdefault((weekday, time_bucket(start)), []).extend(ids)
    return {key: _ranks(rank_of, ids) for key, ids in found.items()}


GROUP_COLUMNS = ("pk", "cost_id", "meets_remotely", "next_meeting_at", "place__search_latitude",
                 "place__search_longitude", "place__address_visibility")


def build(key):
    """The index of the published directory, read in 10 + 7 queries (the groups, six kinds of term link, the
    meetings, the current claims, and each taxonomy's terms)."""
    terms_by_param = {taxonomy.param: list(taxonomy.model.objects.all()) for taxonomy in TAXONOMIES}
    rows = list(Group.objects.published().order_by("name", "pk").values_list(*GROUP_COLUMNS))
    ids = [row[0] for row in rows]
    rank_of = {pk: rank for rank, pk in enumerate(ids)}
    costs = [row[1] for row in rows]
    next_at = [microseconds(row[3]) for row in rows]
    next_order = [rank for _next, rank in sorted(zip(next_at, range(len(rows)), strict=True))]
    point = [
        (lat, lng, visibility == PUBLIC) if lat is not None and visibility != ON_REQUEST else None
        for _pk, _cost, _remote, _next, lat, lng, visibility in rows
    ]
    by_latitude = sorted((rank for rank, where in enumerate(point) if where), key=lambda rank: point[rank][0])
    claims = current_claims(key[1]).values_list("group_id", flat=True)
    return FacetIndex(
        key=key, ids=ids, rank_of=rank_of, all=FrozenBitMap(range(len(rows))), terms_by_param=terms_by_param,
        terms={taxonomy.param: _term_bitmaps(taxonomy, rank_of, costs) for taxonomy in TAXONOMIES},
        remote=FrozenBitMap(rank for rank, row in enumerate(rows) if row[2]),
        accredited=FrozenBitMap(rank_of[pk] for pk in claims if pk in rank_of),
        hidden_in_person=FrozenBitMap(rank for rank, row in enumerate(rows) if row[6] == ON_REQUEST and not row[2]),
        meetings=_meeting_bitmaps(rank_of),
        next_at=next_at, next_order=next_order, next_sorted=[next_at[rank] for rank in next_order],
        point=point, by_latitude=by_latitude, latitudes=[point[rank][0] for rank in by_latitude],
    )


_lock = threading.Lock()
_current = {"index": None}


def current_index():
    """This worker's index for the directory as it is now: one read of the version, a rebuild when it changed.

    The version is read before the data, so an index is never labelled newer than what it holds (at worst it
    is rebuilt once more).
    """
    key = directory_version.key()
    index = _current["index"]
    if index is None or index.key != key:
        with _lock:
            index = _current["index"]
            if index is None or index.key != key:
                index = _current["index"] = build(key)
    return index
