"""The search index of issue 12: the published directory in memory, one compressed bitmap per filter option.

Groups are numbered by their rank in the default display order (name, then id, as the database sorts them),
so a set of groups is a Roaring bitmap of ranks and a page of results in that order is a range of its set
bits. A filter is an intersection across parameters of unions within one; a facet count is one intersection's
cardinality. Besides the bitmaps the index keeps what ordering needs: each group's stored next meeting and
search point.

The database stays the only source of truth. The index is built from it in a few flat queries (values_list,
no model instances) for one directory version (groups.core.directory_version.key(): a token every write
changes, and today's date), and each worker keeps the one for the version it last saw: current_index() reads
the version (at most every SEARCH_VERSION_CHECK_SECONDS, and after this process's own writes) and rebuilds when
it differs.
"""

import ctypes
import ctypes.util
import functools
import gc
import math
import threading
import time
from array import array
from bisect import bisect_left, bisect_right
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.contrib.postgres.aggregates import ArrayAgg
from django.db import connection
from django.db.models import Aggregate, BigIntegerField, CharField
from django.db.models.expressions import RawSQL
from django.utils import timezone
from pyroaring import BitMap, FrozenBitMap

from groups.accreditation.models import AccreditationClaim
from groups.accreditation.selectors import current_claims
from groups.core import directory_version
from groups.core.models import Group, MeetingTime
from groups.core.models.querysets import ON_REQUEST, PUBLIC
from groups.core.vocabulary import BY_ARRANGEMENT, TAXONOMIES, TIMES_OF_DAY, WEEKDAY_SLUGS
from groups.directory.card_keys import card_digest

EMPTY = FrozenBitMap()
# No next meeting, in microseconds: after every real one, and an integer so it fits the index's int64 arrays.
NEVER_US = 2**63 - 1
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# Results of keyword and place searches kept per index (so per version): the most recently used win, up to
# this many entries and about this many bytes in each cache (a keyword's order over every group is 8 bytes a
# group: its ranks and their positions), so a worker's memory stays bounded whatever visitors search for.
CACHE_SIZE = 256
CACHE_BYTES = 16 * 1024 * 1024
# Orders by distance, apart so that neither keyword nor place sets evict them: 8 bytes per located group that
# meets remotely and 4 per group within reach, a place (250 KB at 100,000 groups: 32 places fit).
DISTANCE_CACHE_BYTES = 8 * 1024 * 1024


def microseconds(moment):
    """An aware datetime as whole microseconds since 1970 (exact, unlike a float timestamp); None -> NEVER_US."""
    return NEVER_US if moment is None else (moment - EPOCH) // timedelta(microseconds=1)


def time_bucket(start_time):
    """The time-of-day slug a meeting's local start time falls in, or None (night, or no time)."""
    if start_time is None:
        return None
    for period in TIMES_OF_DAY:
        if period.start <= start_time < period.end:
            return period.slug
    return None


def weight(value):
    """About how many bytes a cached value holds: arrays by their items, bitmaps and dicts by their entries."""
    if isinstance(value, array):
        return value.itemsize * len(value)
    if isinstance(value, (BitMap, FrozenBitMap)):
        return 2 * len(value) + 64
    if isinstance(value, dict):
        return 100 * len(value) + 64
    if isinstance(value, (tuple, list)):
        return 8 * len(value) + sum(weight(item) for item in value if not isinstance(item, (int, float)))
    return sum(weight(item) for item in getattr(value, "__dict__", {}).values()) + 64


class LRU:
    """A least-recently-used cache (keyword and place searches of one index), bounded by entries and bytes."""

    def __init__(self, size=CACHE_SIZE, budget=CACHE_BYTES):
        self.size, self.budget, self.items, self.used = size, budget, OrderedDict(), 0

    def get(self, key, compute):
        if key in self.items:
            self.items.move_to_end(key)
            return self.items[key][0]
        value = compute()
        cost = weight(value)
        self.items[key] = (value, cost)
        self.used += cost
        while len(self.items) > 1 and (len(self.items) > self.size or self.used > self.budget):
            _key, (_value, freed) = self.items.popitem(last=False)
            self.used -= freed
        return value


class RankOf:
    """group id -> rank, for the published groups: an array indexed by id when ids are dense (4 bytes a group
    rather than a dict's hundred), a dict otherwise. Unknown ids (unpublished, deleted) are not in it: the table
    holds `missing` (one past the last rank) for them."""

    def __init__(self, ids):
        top = max(ids, default=0)
        self.missing = len(ids)
        self.table = None
        if top <= 4 * len(ids) + 1024:
            self.table = array("i", [self.missing]) * (top + 1)
            for rank, pk in enumerate(ids):
                self.table[pk] = rank
        else:
            self.found = {pk: rank for rank, pk in enumerate(ids)}

    def get(self, pk, default=None):
        if self.table is None:
            return self.found.get(pk, default)
        rank = self.table[pk] if 0 <= pk < len(self.table) else self.missing
        return default if rank == self.missing else rank

    def __getitem__(self, pk):
        rank = self.get(pk)
        if rank is None:
            raise KeyError(pk)
        return rank

    def __contains__(self, pk):
        return self.get(pk) is not None

    def ranks(self, ids):
        """The ranks of those of the ids that are published, as a bitmap."""
        table = self.table
        if table is not None and ids and 0 <= min(ids) and max(ids) < len(table):
            # Every id inside the table: looked up and gathered in C (a million term links in a fraction of a
            # second), the unknown ones all landing on `missing`, then dropped.
            found = BitMap(array("I", map(table.__getitem__, ids)))
            found.discard(self.missing)
            return FrozenBitMap(found)
        return FrozenBitMap(rank for rank in map(self.get, ids) if rank is not None)


@dataclass
class FacetIndex:
    """One version of the published directory. Per-group values are kept in typed arrays indexed by rank (8 bytes
    a value rather than a Python object's 30 and more): at 100,000 groups the index is a few megabytes."""

    key: tuple
    ids: array  # rank -> group id
    rank_of: RankOf  # group id -> rank
    all: FrozenBitMap
    terms_by_param: dict  # param -> term instances in display order (what taxonomy_terms() gives)
    terms: dict  # param -> {term id: bitmap}
    remote: FrozenBitMap  # meets_remotely: listed in a place search whatever the distance
    accredited: FrozenBitMap  # a current verified claim today (key[1])
    waiting: FrozenBitMap  # a claim waiting for review (a card says so: groups.directory.card_rows reads it)
    hidden_in_person: FrozenBitMap  # location only on request and meets only in person (on_request_elsewhere)
    meetings: dict  # (weekday or None, time-of-day slug or None) -> bitmap of groups with such a meeting
    next_at: array  # rank -> stored next meeting in microseconds, NEVER_US for none
    next_order: array  # ranks by (stored next meeting, rank): nulls last, as the SQL sorts them
    next_sorted: array  # next_at of next_order, for bisecting "already passed"
    located: FrozenBitMap  # groups that may be located (a search point, and not "on request")
    public: FrozenBitMap  # of those, the ones with a public address (distance to 0.1 km)
    latitude: array  # rank -> search latitude (0.0 where not located)
    longitude: array  # rank -> search longitude
    cos_latitude: array  # rank -> cos(radians(latitude)), the haversine's factor for the group's end
    by_latitude: array  # ranks of located groups by latitude
    latitudes: array  # their latitudes, for bisecting a band
    # What a result card needs (groups.directory.cards): rank -> card_digest() of what its cached part shows,
    # rank -> number of its time zone in `zones`, and the groups listing a scheduled meeting.
    card_digests: array
    zone_of: array
    zones: list
    scheduled: FrozenBitMap
    # rank -> (next meeting, when computed), for groups whose stored next meeting has passed
    corrected: dict = field(default_factory=dict)
    keyword_cache: LRU = field(default_factory=LRU)
    place_cache: LRU = field(default_factory=LRU)
    distance_cache: LRU = field(default_factory=lambda: LRU(budget=DISTANCE_CACHE_BYTES))

    def point(self, rank):
        """(latitude, longitude, public address) of a group that may be located, or None."""
        if rank not in self.located:
            return None
        return self.latitude[rank], self.longitude[rank], rank in self.public

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
    # Every group's rows, published or not: joining the group table to filter cost a scan of it per query
    # (most of the build); ranks() drops the ids of groups that are not in the index.
    rows = queryset.order_by().values(*values)
    if connection.vendor == "postgresql":
        found = rows.annotate(ids=ArrayAgg("group_id")).values_list(*values, "ids")
        return {tuple(row[:-1]): row[-1] for row in found}
    found = rows.annotate(ids=GroupConcat("group_id")).values_list(*values, "ids")
    return {tuple(row[:-1]): list(map(int, row[-1].split(","))) for row in found}


def _term_bitmaps(taxonomy, rank_of, costs):
    if not taxonomy.is_many:
        found = {}
        for rank, cost in enumerate(costs):
            if cost is not None:
                found.setdefault(cost, []).append(rank)
        return {cost: FrozenBitMap(ranks) for cost, ranks in found.items()}
    through = getattr(Group, taxonomy.field).through
    found = ids_by(through.objects.all(), f"{taxonomy.model._meta.model_name}_id")
    return {term: rank_of.ranks(ids) for (term,), ids in found.items()}


def _meeting_bitmaps(rank_of):
    """{(weekday, time of day): groups}: gathered by start time in the database, a handful of distinct ones."""
    found = {}
    meetings = MeetingTime.objects.exclude(frequency=BY_ARRANGEMENT)
    for (weekday, start), ids in ids_by(meetings, "weekday", "start_time").items():
        found.setdefault((weekday, time_bucket(start)), []).extend(ids)
    return {key: rank_of.ranks(ids) for key, ids in found.items()}


def _microseconds_column(column):
    """A group's timestamp as microseconds since 1970: computed by PostgreSQL (exact: EXTRACT gives a numeric),
    which spares parsing 100,000 timestamps in Python; None on SQLite (read as a datetime)."""
    if connection.vendor == "postgresql":
        return RawSQL(f'(EXTRACT(EPOCH FROM "groups_group"."{column}") * 1000000)::bigint', (),
                      output_field=BigIntegerField())
    return None


GROUP_COLUMNS = ("pk", "cost_id", "meets_remotely", "next_us", "place__search_latitude",
                 "place__search_longitude", "place__address_visibility",
                 # what card_digest() hashes
                 "version", "updated_us", "status", "time_zone", "place__city", "place__region")


def _group_rows():
    """The published groups' columns in display order, and whether the timestamps come as datetimes.

    On PostgreSQL the rows are read through a plain cursor: every column is already the Python value wanted
    (int, bool, float, text), and Django's per-row converters cost more than the query."""
    groups = Group.objects.published().order_by("name", "pk")
    if connection.vendor != "postgresql":
        columns = [{"next_us": "next_meeting_at", "updated_us": "updated_at"}.get(name, name) for name in GROUP_COLUMNS]
        return groups.values_list(*columns).iterator(), True
    groups = groups.annotate(next_us=_microseconds_column("next_meeting_at"),
                             updated_us=_microseconds_column("updated_at"))
    sql, params = groups.values_list(*GROUP_COLUMNS).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall(), False


def _badges(today):
    """{group id: (claim id, last change in microseconds)} of each group's badge on `today`: the current claim
    valid longest, then the lowest id (loading.single_valued's order)."""
    badges = {}
    claims = current_claims(today).order_by("group_id", "-valid_until", "pk")
    for group_id, pk, changed in claims.values_list("group_id", "pk", "updated_at"):
        if group_id not in badges:
            badges[group_id] = (pk, microseconds(changed))
    return badges


def build(key):
    """The index of the published directory, read in 11 + 7 queries (the groups, six kinds of term link, the
    meetings, the current and the waiting claims, and each taxonomy's terms). Long because it fills every column
    of the index in one pass over the groups, without a Python object per group kept."""
    terms_by_param = {taxonomy.param: list(taxonomy.model.objects.all()) for taxonomy in TAXONOMIES}
    badges = _badges(key[1])
    waiting = set(AccreditationClaim.objects.filter(status=AccreditationClaim.Status.CLAIMED)
                  .values_list("group_id", flat=True).distinct())
    rows, as_datetime = _group_rows()
    ids, next_at, latitude, longitude = array("q"), array("q"), array("d"), array("d")
    card_digests, zone_of, zone_numbers = array("q"), array("H"), {}
    costs, remote, hidden, located, public = [], [], [], [], []
    no_badge = (None, NEVER_US)
    for rank, (pk, cost, meets_remotely, next_value, lat, lng, visibility,
               version, updated, status, time_zone, city, region) in enumerate(rows):
        ids.append(pk)
        costs.append(cost)
        next_at.append(microseconds(next_value) if as_datetime else NEVER_US if next_value is None else next_value)
        if meets_remotely:
            remote.append(rank)
        elif visibility == ON_REQUEST:
            hidden.append(rank)
        if lat is not None and visibility != ON_REQUEST:
            located.append(rank)
            if visibility == PUBLIC:
                public.append(rank)
        latitude.append(lat or 0.0)
        longitude.append(lng or 0.0)
        badge_id, badge_us = badges.get(pk, no_badge)
        card_digests.append(card_digest(version, microseconds(updated) if as_datetime else updated, status, cost,
                                        time_zone, visibility, city, region, badge_id, badge_us, pk in waiting))
        zone_of.append(zone_numbers.setdefault(time_zone, len(zone_numbers)))
    rank_of = RankOf(ids)
    # Ranks (below 2**31) in 4-byte arrays.
    next_order = array("i", sorted(range(len(ids)), key=next_at.__getitem__))  # stable: ties stay by rank
    by_latitude = array("i", sorted(located, key=latitude.__getitem__))
    meetings = _meeting_bitmaps(rank_of)
    index = FacetIndex(
        key=key, ids=ids, rank_of=rank_of, all=FrozenBitMap(range(len(ids))), terms_by_param=terms_by_param,
        terms={taxonomy.param: _term_bitmaps(taxonomy, rank_of, costs) for taxonomy in TAXONOMIES},
        remote=FrozenBitMap(remote), accredited=rank_of.ranks(list(badges)), waiting=rank_of.ranks(list(waiting)),
        hidden_in_person=FrozenBitMap(hidden), meetings=meetings,
        next_at=next_at, next_order=next_order, next_sorted=array("q", map(next_at.__getitem__, next_order)),
        located=FrozenBitMap(located), public=FrozenBitMap(public), latitude=latitude, longitude=longitude,
        cos_latitude=array("d", map(math.cos, map(math.radians, latitude))),
        by_latitude=by_latitude, latitudes=array("d", map(latitude.__getitem__, by_latitude)),
        card_digests=card_digests, zone_of=zone_of, zones=list(zone_numbers),
        scheduled=FrozenBitMap(BitMap.union(BitMap(), *meetings.values())),
    )
    release_memory()
    return index


_LIBC = ctypes.CDLL(ctypes.util.find_library("c")) if ctypes.util.find_library("c") else None


def release_memory():
    """Give the building's transient memory (rows, lists) back to the operating system, so a worker's size is
    what it keeps, not the peak of its last rebuild (glibc keeps freed memory otherwise). In a worker whose
    survivors were frozen (supportfinder.memory.freeze_survivors) they are unfrozen first, so the old index's
    cycles are collected, and the new index is frozen with the rest."""
    frozen = gc.get_freeze_count() > 0
    if frozen:
        gc.unfreeze()
    gc.collect()
    if frozen:
        gc.freeze()
    if _LIBC is not None and hasattr(_LIBC, "malloc_trim"):
        _LIBC.malloc_trim(0)


_lock = threading.Lock()
# The index, and when and after how many of this process's own writes its version was last read.
_current = {"index": None, "checked_at": float("-inf"), "written": -1}
built_index = functools.partial(_current.get, "index")  # the last index built, with no query (or None)


def current_index():
    """This worker's index for the directory as it is now: a read of the version, a rebuild when it changed.

    The version is read before the data, so an index is never labelled newer than what it holds (at worst it
    is rebuilt once more). It is read at most every settings.SEARCH_VERSION_CHECK_SECONDS (half a second by
    default: a decision made through another worker or server reaches this one's searches within that, and a
    busy worker saves a query a search), and always after this process's own writes, after midnight, and
    when that setting is 0.
    """
    today, written, now = timezone.localdate(), directory_version.written_here(), time.monotonic()
    index = _current["index"]
    if (index is not None and index.key[1] == today and _current["written"] == written
            and now - _current["checked_at"] < settings.SEARCH_VERSION_CHECK_SECONDS):
        return index
    key = directory_version.key(today)
    if index is None or index.key != key:
        with _lock:
            index = _current["index"]
            if index is None or index.key != key:
                index = _current["index"] = build(key)
    _current.update(checked_at=now, written=written)
    return index
