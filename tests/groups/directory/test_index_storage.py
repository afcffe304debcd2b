"""The index's compact storage answers exactly as plain Python structures would (groups.directory.facet_index).

RankOf (group id -> rank in an array indexed by id, or a dict when ids are sparse) and the byte-bounded cache
of keyword and place orders: the search's results depend on both, and neither touches the database.
"""

import math
from array import array
from types import SimpleNamespace

from hypothesis import given, settings
from hypothesis import strategies as st
from pyroaring import BitMap, FrozenBitMap

from groups.directory.facet_index import LRU, RankOf, weight
from groups.directory.fast_search import Positions, distance_km, no_travel_order, shown
from groups.directory.params import Origin


@settings(max_examples=200, deadline=None)
@given(ids=st.lists(st.integers(min_value=1, max_value=2**40), unique=True, max_size=60),
       dense=st.booleans(), asked=st.lists(st.integers(min_value=-5, max_value=2**40), max_size=30))
def test_rank_of_answers_like_a_dict_for_dense_and_sparse_ids(ids, dense, asked):
    if dense:  # ids as a database gives them after a few deletions: most of 1..n
        ids = [pk for pk in range(1, 3 * len(ids) + 2) if pk % 3]
    expected = {pk: rank for rank, pk in enumerate(ids)}
    found = RankOf(ids)
    for pk in ids + asked:
        assert found.get(pk) == expected.get(pk)
        assert (pk in found) == (pk in expected)
    links = [pk for pk in asked + ids[::2] if pk >= 0]  # term links: published groups and others
    assert found.ranks(links) == BitMap(expected[pk] for pk in links if pk in expected)


def test_rank_of_keeps_an_unknown_id_out_even_at_the_edge_of_its_table():
    found = RankOf([3, 1, 2])
    assert found.ranks([1, 2, 3, 0]) == BitMap([0, 1, 2])
    assert found.ranks([4, 10**9]) == BitMap()  # past the table: the slower path, same answer
    assert found.get(0) is None and 0 not in found


def test_the_order_cache_forgets_the_oldest_once_over_its_byte_budget():
    big = array("q", range(1000))  # 8,000 bytes
    cache = LRU(size=100, budget=20_000)
    for key in "abc":
        cache.get(key, lambda: big)
    assert list(cache.items) == ["b", "c"]  # three would be 24,000 bytes: the least recently used went
    cache.get("b", lambda: None)  # used again: now the most recent
    cache.get("d", lambda: big)
    assert list(cache.items) == ["b", "d"]
    assert cache.used == 2 * weight(big)


def test_the_order_cache_keeps_one_entry_however_large():
    cache = LRU(size=10, budget=100)
    value = cache.get("huge", lambda: array("q", range(1000)))
    assert len(value) == 1000 and list(cache.items) == ["huge"]


def test_positions_give_each_rank_its_place_in_the_order_and_the_rest_after_it():
    found = Positions(array("i", [4, 0, 2]))
    assert [found[rank] for rank in range(6)] == [1, 3, 2, 3, 0, 3]
    # 4 bytes a rank of the order (not of the directory), as the cache's budget counts them
    assert found.places.itemsize == 4 and len(found.places) == 3
    rare = Positions(array("i", range(0, 100_000, 100)))  # 1,000 matches among 100,000 groups
    assert weight(rare) < 4 * 1000 + 4 * 1000 and len(rare.places) == 1000


@settings(max_examples=80, deadline=None)
@given(st.lists(st.integers(0, 5000), unique=True, max_size=300), st.integers(0, 5100))
def test_positions_of_any_order(order, probe):
    found = Positions(array("i", order))
    assert [found[rank] for rank in order] == list(range(len(order)))
    assert found[probe] == (order.index(probe) if probe in order else len(order))


@settings(max_examples=120, deadline=None)
@given(origin=st.tuples(st.floats(-89, 89), st.floats(-179, 179)),
       points=st.lists(st.tuples(st.floats(-0.3, 0.3), st.floats(-0.3, 0.3),
                                 st.sampled_from(["public", "area", "none"]), st.booleans()), min_size=60,
                       max_size=100),
       scale=st.sampled_from([0.01, 0.1, 1.0, 10.0, 100.0]), pages=st.lists(st.integers(0, 120), max_size=4))
def test_the_no_travel_order_is_that_of_distance_km_and_shown(origin, points, scale, pages):
    """no_travel_order (groups.directory.nearest) gives the order of calling distance_km and shown() for every
    group, ties by rank, though it works out distances band by band of latitude, as far as the pages asked for
    need: points from 0.3 km to across the globe (so shown distances tie often, areas are shown at 1 km, and a
    band is widened up to every latitude), some meeting only in person, pages asked for in any order."""
    latitude = array("d", (max(-90.0, min(90.0, origin[0] + d_lat * scale)) for d_lat, _d_lng, _k, _r in points))
    longitude = array("d", ((origin[1] + d_lng * scale + 180.0) % 360.0 - 180.0 for _d_lat, d_lng, _k, _r in points))
    located = FrozenBitMap(rank for rank, point in enumerate(points) if point[2] != "none")
    public = FrozenBitMap(rank for rank, point in enumerate(points) if point[2] == "public")
    remote = FrozenBitMap(rank for rank, point in enumerate(points) if point[3] or rank % 3)
    by_latitude = array("i", sorted(located, key=latitude.__getitem__))
    index = SimpleNamespace(
        latitude=latitude, longitude=longitude, cos_latitude=array("d", map(math.cos, map(math.radians, latitude))),
        remote=remote, located=located, public=public, distance_cache=LRU(), by_latitude=by_latitude,
        latitudes=array("d", map(latitude.__getitem__, by_latitude)))
    lat, lng = origin
    members = remote & located
    expected = sorted(members, key=lambda rank: (
        shown(distance_km(lat, lng, latitude[rank], longitude[rank]), rank in public), rank))
    order = no_travel_order(index, Origin(lat, lng, "here"))
    for start in [0, 7, *pages]:  # pages of the section, as deep as they go, before and after others
        assert order(members, start, start + 7) == expected[start:start + 7]
    assert order(members, 0, len(members)) == expected  # read off the whole order
    some = FrozenBitMap(list(members)[1::max(1, len(members) // 2)])  # small (fast_search.SPARSE): sorted by itself
    assert order(some, 0, len(some)) == [rank for rank in expected if rank in some]
