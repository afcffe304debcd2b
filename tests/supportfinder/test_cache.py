"""A worker's own cache with compressed values (supportfinder.cache.CompressedLocMemCache)."""

import pickle
import uuid

import pytest
from django.conf import settings
from django.core.cache import caches

from supportfinder.cache import COMPRESSED, PLAIN, CompressedLocMemCache

CARD = "<li class='card'><h3>Harbour</h3><p>Peer support for survivors, Tuesdays 18:30</p></li>" * 20


def make_cache(max_entries=300, cull_frequency=3, **options):
    # A name of its own: LocMemCache shares storage between instances of one LOCATION.
    return CompressedLocMemCache(uuid.uuid4().hex, {
        "OPTIONS": {"MAX_ENTRIES": max_entries, "CULL_FREQUENCY": cull_frequency, **options}})


def test_values_come_back_as_they_were_set():
    cache = make_cache()
    values = {"card": CARD, "short": "a", "number": 7, "none": None, "list": [CARD, 1, {"x": b"\x00" * 500}]}
    for key, value in values.items():
        cache.set(key, value)
    assert {key: cache.get(key) for key in values} == values
    assert cache.get("absent", "default") == "default"


def test_long_values_are_kept_compressed_and_short_ones_as_they_are():
    cache = make_cache()
    cache.set("card", CARD)
    cache.set("generation", 3)
    stored = {key.rsplit(":", 1)[-1]: value for key, value in cache._cache.items()}
    assert stored["card"][:1] == COMPRESSED
    assert len(stored["card"]) * 4 < len(pickle.dumps(CARD, pickle.HIGHEST_PROTOCOL))
    assert stored["generation"][:1] == PLAIN


def test_get_many_and_set_many():
    cache = make_cache()
    assert cache.set_many({"a": CARD, "b": CARD + "b", "c": 3}) == []
    assert cache.get_many(["a", "b", "c", "absent"]) == {"a": CARD, "b": CARD + "b", "c": 3}


def test_add_and_incr_as_the_cards_generation_uses_them():
    cache = make_cache()
    assert cache.add("generation", 1) is True
    assert cache.add("generation", 5) is False
    assert cache.incr("generation") == 2
    assert cache.get("generation") == 2
    with pytest.raises(ValueError):
        cache.incr("absent")


@pytest.mark.parametrize("damage", [b"z" + b"not zlib at all", b"p" + b"not a pickle", b"?" + b"unknown", b""])
def test_a_value_that_cannot_be_read_back_is_a_miss_and_is_dropped(damage, caplog):
    cache = make_cache()
    cache.set_many({"bad": CARD, "good": CARD})
    key = cache.make_and_validate_key("bad")
    cache._cache[key] = damage
    assert cache.get("bad", "default") == "default"
    assert cache.get_many(["bad", "good"]) == {"good": CARD}
    assert key not in cache._cache
    assert "could not be read back" in caplog.text


def test_culling_keeps_the_cache_bounded():
    cache = make_cache(max_entries=40, cull_frequency=4)
    for number in range(500):
        cache.set(f"card-{number}", CARD + str(number))
        assert len(cache._cache) <= 40
    assert len(cache._expire_info) == len(cache._cache)
    # The most recently set survive the culls.
    assert cache.get("card-499") == CARD + "499"


def test_the_pages_cache_uses_it_when_it_is_the_workers_own_and_the_cards_cache_does_not_by_default():
    """Compressing the cards a results page misses cost about 0.3 ms a page (CARD_CACHE_COMPRESS_LEVEL)."""
    if settings.CACHES["pages"]["BACKEND"].endswith("LocMemCache"):
        assert isinstance(caches["pages"], CompressedLocMemCache)
    if settings.CACHES["cards"]["BACKEND"].endswith("LocMemCache"):
        assert not isinstance(caches["cards"], CompressedLocMemCache)
        assert settings.CACHES["cards"]["OPTIONS"]["MAX_ENTRIES"] == 5000
