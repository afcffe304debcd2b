"""The index's compact storage answers exactly as plain Python structures would (groups.directory.facet_index).

RankOf (group id -> rank in an array indexed by id, or a dict when ids are sparse) and the byte-bounded cache
of keyword and place orders: the search's results depend on both, and neither touches the database.
"""

from array import array

from hypothesis import given, settings
from hypothesis import strategies as st
from pyroaring import BitMap

from groups.directory.facet_index import LRU, RankOf, weight
from groups.directory.fast_search import positions


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
    found = positions(array("i", [4, 0, 2]), 6)
    assert [found[rank] for rank in range(6)] == [1, 3, 2, 3, 0, 3]
    assert found.itemsize == 4  # a rank's position: 4 bytes, as the cache's budget counts them
