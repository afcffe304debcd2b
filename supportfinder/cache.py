"""A worker's own cache with its values compressed: the cards' and group pages' caches without a shared one.

Django's LocMemCache keeps each value pickled; the cached cards and page contents are HTML, which zlib at level 1
shrinks in tens of microseconds (a card from about 800 bytes pickled to 430, a page's content from 6.3 KB to 2.4 KB
at 100,000 generated groups), so the same entries take about half the memory (issue 12: a worker <= 150 MB RSS).
Values whose pickle is shorter than MIN_COMPRESS_BYTES (the cards' generation counter) are kept as they are.

A stored value starts with one byte saying how it is kept. One that cannot be read back (damaged, or written
otherwise) is dropped and read as a miss, as if it had expired, never a failed request. Entries are bounded
and culled exactly as LocMemCache's (OPTIONS MAX_ENTRIES, CULL_FREQUENCY).

OPTIONS: COMPRESS_LEVEL (zlib's 1-9, default 1: the fastest), MIN_COMPRESS_BYTES (default 256).
"""

import logging
import pickle
import zlib

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache

logger = logging.getLogger(__name__)

COMPRESSED = b"z"
PLAIN = b"p"


class CompressedLocMemCache(LocMemCache):
    def __init__(self, name, params):
        super().__init__(name, params)
        options = params.get("OPTIONS", {})
        self.compress_level = int(options.get("COMPRESS_LEVEL", 1))
        self.min_compress_bytes = int(options.get("MIN_COMPRESS_BYTES", 256))

    def pack(self, value):
        pickled = pickle.dumps(value, self.pickle_protocol)
        if len(pickled) < self.min_compress_bytes:
            return PLAIN + pickled
        return COMPRESSED + zlib.compress(pickled, self.compress_level)

    @staticmethod
    def unpack(stored):
        kind, body = stored[:1], memoryview(stored)[1:]
        if kind == COMPRESSED:
            return pickle.loads(zlib.decompress(body))
        if kind == PLAIN:
            return pickle.loads(body)
        raise ValueError(f"unknown kind of stored value {kind!r}")

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        stored = self.pack(value)
        with self._lock:
            if self._has_expired(key):
                self._set(key, stored, timeout)
                return True
            return False

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        stored = self.pack(value)
        with self._lock:
            self._set(key, stored, timeout)

    def get(self, key, default=None, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            if self._has_expired(key):
                self._delete(key)
                return default
            stored = self._cache[key]
            self._cache.move_to_end(key, last=False)
        try:
            return self.unpack(stored)
        except Exception:  # a value that cannot be read back is a miss, not a failed request
            logger.warning("Dropped a cached value that could not be read back: %s", key, exc_info=True)
            with self._lock:
                if self._cache.get(key) is stored:
                    self._delete(key)
            return default

    def incr(self, key, delta=1, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            if self._has_expired(key):
                self._delete(key)
                raise ValueError(f"Key '{key}' not found")
            new_value = self.unpack(self._cache[key]) + delta
            self._cache[key] = self.pack(new_value)
            self._cache.move_to_end(key, last=False)
        return new_value
