"""A search answered from the facet index (groups.directory.facet_index): sets, counts and the order of a page.

Each parameter becomes one set of ranks; the results are their intersection. Keyword and place searches get
their sets once per (words or place, directory version): the keyword's matching ids from SQL (ranked when the
sort asks for it), the place's groups within reach from the index's search points (a latitude band, then the
distance in Python, computed as the SQL computes it). The order is that of groups.directory.selectors.ordered
and by_stored_next_meeting: within reach first in a place search, then the sort, then name and id.
selectors.search_groups_sql is the straightforward computation the tests compare this with.
"""

import bisect
import heapq
import math
import struct
from array import array
from dataclasses import dataclass, field
from itertools import islice

from pyroaring import BitMap, FrozenBitMap

from groups.core import geo
from groups.core.models import Group
from groups.core.search import TERM_BONUS, analyse_keywords, text_matches, text_ranks, uses_full_text_search
from groups.directory import nearest
from groups.directory.facet_index import EMPTY, microseconds
from groups.directory.params import FACETS


def searches_nothing(words):
    """Whether the words filter nothing: only stop words, or words every listed group has (GroupQuerySet.matching
    then returns every group, each with relevance 0, so the order is the index's own)."""
    return analyse_keywords(words, Group).is_empty


def keyword_set(index, words):
    """Ranks of the published groups matching the words: one query per (words, version), none when the words
    filter nothing."""
    if searches_nothing(words):
        return index.all

    def compute():
        if uses_full_text_search():
            return matching_sets(index, analyse_keywords(words, Group))
        pks = Group.objects.published().matching(words).order_by().values_list("pk", flat=True)
        return index.rank_of.ranks(list(pks))
    return index.keyword_cache.get(("match", words), compute)


def matching_sets(index, keywords):
    """PostgreSQL: GroupQuerySet.matching's test made of sets (groups.core.search.filter_by_keywords): every word
    in the group's text (one query through the side table's GIN index), and for each concept, filed under one of
    its terms (the index's own sets) or its words in the text (one query each). Unlike the single SQL statement,
    no query scans the group table or every group's vector, and each reads only the ids that match."""
    result = index.all
    if keywords.words:
        result = result & index.rank_of.ranks(list(text_matches(Group, keywords.words)))
    for concept in keywords.concepts:
        result = result & (filed_under(index, concept) | index.rank_of.ranks(list(text_matches(Group, concept.words))))
    return FrozenBitMap(result)


def filed_under(index, concept):
    """Groups filed under any of a concept's terms (search._filed_under, from the index)."""
    return BitMap.union(BitMap(), *[index.term_set(param, slugs) for param, slugs in concept.synonym.terms])


def keyword_order(index, words):
    """Ranks of the matching groups by relevance, then name and id, and each rank's position in that order (see
    Positions): one query per (words, version).

    The database gives each match's relevance, unsorted; the order is made here by (-relevance, rank), rank being
    the (name, id) order the index was read in: the same order as ORDER BY -relevance, name, id, without sorting
    every match's name in the database (at 100,000 groups a sort that spilled to disk)."""
    def compute():
        if uses_full_text_search():
            keyed = relevance_keys(index, words)
        else:
            get = index.rank_of.get
            rows = Group.objects.published().matching(words).ranked(words).order_by().values_list("pk", "relevance")
            keyed = [(-relevance, rank) for pk, relevance in rows if (rank := get(pk)) is not None]
        keyed.sort()
        order = array("i", (rank for _relevance, rank in keyed))
        return order, Positions(order)
    return index.keyword_cache.get(("rank", words), compute)


def relevance_keys(index, words):
    """PostgreSQL: (-relevance, rank) of each matching group, relevance as GroupQuerySet.ranked computes it: ts_rank
    read for the matching groups only (by primary key), plus TERM_BONUS for each concept the group is filed under,
    added in the same order as the SQL adds them (so the same floating-point sums). The ranks come from the
    matching set itself, so no (id, relevance) list is made first (a word in 49,000 groups made one of 5 MB)."""
    keywords = analyse_keywords(words, Group)
    matched = keyword_set(index, words)
    ids = index.pks(matched)
    scores = text_ranks(Group, keywords, ids)
    bonuses = [filed_under(index, concept) for concept in keywords.concepts]
    keyed = []
    for rank, pk in zip(matched, ids, strict=True):
        score = as_real(scores.get(pk, 0.0))
        for filed in bonuses:
            score += TERM_BONUS if rank in filed else 0.0
        keyed.append((-score, rank))
    return keyed


def as_real(value):
    """ts_rank's real (4-byte float) exactly as PostgreSQL widens it before adding a bonus: it reaches Python as
    the shortest decimal that names it, which is not the same double; packed back to 4 bytes, it is."""
    return struct.unpack("f", struct.pack("f", value))[0]


def distance_km(lat, lng, point_lat, point_lng):
    """The haversine distance exactly as groups.core.geo.distance_expression has the database compute it."""
    d_lat = math.radians(point_lat - lat)
    d_lng = math.radians(point_lng - lng)
    a = math.sin(d_lat / 2) ** 2 + math.cos(math.radians(lat)) * math.cos(math.radians(point_lat)) * math.sin(
        d_lng / 2) ** 2
    return 2 * geo.EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def shown(distance, public):
    """The distance as GroupQuerySet.near rounds it: 0.1 km for a public address, whole km and at least 1."""
    return round(distance * 10.0) / 10.0 if public else max(1.0, float(round(distance)))


def _longitude_test(lat, lng, radius_km, d_lat):
    """geo.bounding_box's test on longitude, or None when every longitude passes."""
    if abs(lat) + d_lat >= 89.0:
        return None
    d_lng = radius_km / (geo.KM_PER_DEGREE_LATITUDE * math.cos(math.radians(abs(lat) + d_lat)))
    if d_lng >= 180:
        return None
    west, east = lng - d_lng, lng + d_lng
    if west < -180:
        return lambda value: value >= west + 360 or value <= east
    if east > 180:
        return lambda value: value >= west or value <= east - 360
    return lambda value: west <= value <= east


@dataclass
class Reach:
    within: FrozenBitMap  # groups within reach of the place
    distance: dict  # rank -> distance shown, for those


def within_reach(index, origin):
    """The located groups inside geo.bounding_box and the radius, with their distances as shown."""
    lat, lng, radius = origin.latitude, origin.longitude, origin.radius_km

    def compute():
        d_lat = radius / geo.KM_PER_DEGREE_LATITUDE
        longitude_ok = _longitude_test(lat, lng, radius, d_lat)
        found = {}
        latitudes, longitudes, public = index.latitude, index.longitude, index.public
        for rank in index.in_latitude_band(lat - d_lat, lat + d_lat):
            point_lng = longitudes[rank]
            if longitude_ok is None or longitude_ok(point_lng):
                distance = distance_km(lat, lng, latitudes[rank], point_lng)
                if distance <= radius:
                    found[rank] = shown(distance, rank in public)
        return Reach(FrozenBitMap(found), found)
    return index.place_cache.get((lat, lng, radius), compute)


def distance_shown(index, origin, reach, rank):
    """The distance a card shows for any group of a place search (None when it may not be located)."""
    if rank in reach.distance:
        return reach.distance[rank]
    where = index.point(rank)
    if where is None:
        return None
    return shown(distance_km(origin.latitude, origin.longitude, where[0], where[1]), where[2])


@dataclass
class Filter:
    """The search as sets: one per parameter given (taxonomy params, "q", "meeting", "accredited", "near")."""

    index: object
    parts: dict = field(default_factory=dict)
    reach: Reach = None

    def results(self, exclude=None):
        """The groups matching every parameter except `exclude`."""
        chosen = sorted((part for name, part in self.parts.items() if name != exclude), key=len)
        result = BitMap(self.index.all)
        for part in chosen:
            result &= part
        return result


def search_filter(index, params):
    search = Filter(index)
    for facet in FACETS:
        if params.selected(facet.param):
            search.parts[facet.param] = index.term_set(facet.param, params.selected(facet.param))
    if params.q:
        search.parts["q"] = keyword_set(index, params.q)
    if params.days or params.times:
        search.parts["meeting"] = index.meeting_set(params.days, params.times)
    if params.accredited:
        search.parts["accredited"] = index.accredited
    if params.origin:
        search.reach = within_reach(index, params.origin)
        search.parts["near"] = search.reach.within | index.remote
    return search


def facet_counts(search, params, current):
    """{param: [(term, count, selected)]} with the semantics of selectors.facet_counts (see its docstring):
    for an option chosen, the current results having it; otherwise how many the search would give with it
    added (the current results, and those of the search without this parameter having it)."""
    total, found = len(current), {}
    for facet in FACETS:
        chosen = set(params.selected(facet.param))
        base = search.results(exclude=facet.param) if chosen else current
        options = []
        for term in search.index.terms_by_param[facet.param]:
            having = search.index.terms[facet.param].get(term.pk, EMPTY)
            in_current = current.intersection_cardinality(having)
            if chosen and term.slug not in chosen:
                count = total + base.intersection_cardinality(having) - in_current
            else:
                count = in_current
            options.append((term, count, term.slug in chosen))
        found[facet.param] = options
    return found


class Ordered:
    """The results in the order of the page, as a sequence the Paginator slices: ids, computed for the slice.

    sections: [(bitmap, order)] shown one after the other (in a place search: within reach, then no travel
    needed); order(bitmap, start, stop) gives ranks start..stop of the section in the sort.
    """

    def __init__(self, index, sections):
        self.index, self.sections = index, sections

    def __len__(self):
        return sum(len(section) for section, _order in self.sections)

    def ranks(self, start, stop):
        found = []
        for section, order in self.sections:
            size = len(section)
            if start < size and stop > 0:
                found += order(section, max(start, 0), min(stop, size))
            start, stop = start - size, stop - size
        return found

    def __getitem__(self, item):
        return self.index.pks(self.ranks(item.start or 0, item.stop))


def by_rank(section, start, stop):
    return list(section[start:stop])


# A section this many times smaller than the whole order is sorted by itself rather than found by scanning it.
SPARSE = 16


class Positions:
    """rank -> its position in `order`; a rank not in the order gets one after all of it.

    4 bytes per rank of the order, not per group of the directory: a keyword's order is cached per word, and a
    word that a sixth of the groups have kept 400 KB of positions at 100,000 groups for 64 KB of order. The i-th
    smallest rank of the order has its position at places[i] (members.rank(rank) - 1 finds i)."""

    def __init__(self, order):
        self.members = FrozenBitMap(array("I", order))  # ranks are never negative
        self.places = array("i", sorted(range(len(order)), key=order.__getitem__))
        self.missing = len(order)

    def __getitem__(self, rank):
        return self.places[self.members.rank(rank) - 1] if rank in self.members else self.missing


def following(order, key):
    """An order for sections following a list of ranks (relevance, by distance), key(rank) giving a rank's place
    in it: the list filtered and stopped at the slice's end, or a sparse section sorted by key."""
    def ranks(section, start, stop):
        if len(section) * SPARSE < len(order):
            return sorted(section, key=key)[start:stop]
        return list(islice((rank for rank in order if rank in section), start, stop))
    return ranks


def distance_order(index, origin, reach):
    """The groups within reach by (distance shown, rank), as following() takes it: computed once per place,
    radius and version, then filtered per search like relevance."""
    distances = reach.distance  # every group within reach has its distance there

    def key(rank):
        return distances[rank], rank

    def compute():
        return array("i", sorted(reach.within, key=key))
    order = index.distance_cache.get(("within", origin.latitude, origin.longitude, origin.radius_km), compute)
    return following(order, key)


def no_travel_order(index, origin):
    """The located groups that meet remotely by (distance shown, rank), as following() gives sections of an order:
    worked out as far as the pages asked for need, once per place and version (groups.directory.nearest). Those
    outside the radius are the no-travel section's groups that have a distance (the others follow them by rank),
    and the order does not depend on the radius: one serves every radius."""
    found = index.distance_cache.get(("no travel", origin.latitude, origin.longitude),
                                     lambda: nearest.NoTravel(index, origin))
    members = index.remote & index.located

    def ranks(section, start, stop):
        if len(section) * SPARSE < len(members):
            positions = found.positions_of(index, origin, members)
            return sorted(section, key=lambda rank: positions[members.rank(rank) - 1])[start:stop]
        return found.slice(index, origin, section, start, stop)
    return ranks


def passed_next_meetings(index, current, now):
    """Ranks of the current results whose stored next meeting is before now (a prefix of next_order)."""
    end = bisect.bisect_left(index.next_sorted, microseconds(now))
    return [rank for rank in index.next_order[:end] if rank in current]


def by_next_meeting(index, fresh):
    """Stored next meetings, those that have passed replaced by `fresh` ({rank: microseconds}), merged in order."""
    def ranks(section, start, stop):
        corrected = sorted((value, rank) for rank, value in fresh.items() if rank in section)
        if len(section) * SPARSE < len(index.next_order):
            rest = sorted((index.next_at[rank], rank) for rank in section if rank not in fresh)
        else:
            rest = ((index.next_at[rank], rank) for rank in index.next_order if rank in section and rank not in fresh)
        return [rank for _key, rank in islice(heapq.merge(corrected, rest), start, stop)]
    return ranks


def ordered(search, params, current, fresh=None):
    """The results as an Ordered sequence for the sort (fresh: corrected next meetings for sort=next)."""
    index = search.index
    if params.sort == "distance":  # only with a place (groups.directory.params._parse_sort)
        near = current & search.reach.within
        far = current - near
        located = far & index.located

        # Orders worked out only when the page reaches their section: the no-travel one costs a distance for
        # every located group that meets remotely, and many pages of a place search end within reach. Those
        # that may not be located have no distance and come last, by rank, as the SQL's nulls last.
        def within_reach_order(section, start, stop):
            return distance_order(index, params.origin, search.reach)(section, start, stop)

        def no_travel(section, start, stop):
            return no_travel_order(index, params.origin)(section, start, stop)
        return Ordered(index, [(near, within_reach_order), (located, no_travel), (far - located, by_rank)])
    if params.sort == "relevance" and searches_nothing(params.q):
        order = by_rank  # every group ties at relevance 0: by name and id, as the index is numbered
    elif params.sort == "relevance":
        words_order, position = keyword_order(index, params.q)
        order = following(words_order, position.__getitem__)
    elif params.sort == "next":
        order = by_next_meeting(index, fresh or {})
    else:
        order = by_rank
    if not params.origin:
        return Ordered(index, [(current, order)])
    near = current & search.reach.within
    return Ordered(index, [(near, order), (current - near, order)])


def annotate_places(groups, search, params):
    """Give the page's groups what GroupQuerySet.near annotates: distance_shown and within_reach."""
    if not params.origin:
        return
    index = search.index
    for group in groups:
        rank = index.rank_of[group.pk]
        group.within_reach = rank in search.reach.within
        group.distance_shown = distance_shown(index, params.origin, search.reach, rank)
