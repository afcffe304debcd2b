"""A web worker's memory (issue 12: a worker <= 150 MB RSS after the load test's mix at 100,000 groups).

glibc's malloc keeps what Python frees: big blocks it served from its heap rather than from their own mappings,
and free pages between live objects (cached pages and cards that were culled, the lists a keyword or place
search sorts once). A worker's RSS then stays at the peak of its busiest requests, not at what it holds. Two
settings bound that, for app-server workers only (wsgi.py calls configure(); tests and manage.py never do):

- MALLOC_MMAP_THRESHOLD_BYTES: blocks at least this big get their own mapping, returned to the system when
  freed. glibc's default starts at 128 KB but rises to the size of any such block once freed (up to 32 MB), so
  the orders and arrays of a search end up in the heap, where they leave holes; a fixed value stops that.
- MALLOC_TRIM_GROWTH_BYTES: once RSS has grown by this much since the last trim, the end of a request gives
  the heap's free pages back (malloc_trim, a few milliseconds at most, so only after such growth).

0 turns either off; neither does anything where the C library is not glibc.

And Python's cyclic garbage collector: after the warm-up, everything alive (modules, templates, the gazetteer,
the search index: about 140,000 tracked objects at 100,000 groups) is moved out of its reach (freeze_survivors,
gc.freeze), so a full collection no longer walks them all. Measured in-process over 1,800 three-filter searches at
100,000 groups after a warm-up: a full collection came about every 300 searches and took about 110 ms, a pause
that lands on one search (0.3 ms a search on average); frozen, one came every 120-200 searches and took about
12 ms (0.05-0.16 ms a search). The index's rebuild (groups.directory.facet_index.release_memory) unfreezes,
collects and freezes again, so what the old index left in cycles is freed, not kept for good. GC_FREEZE=False
leaves the collector as it is.
"""

import ctypes
import ctypes.util
import gc
import logging
import os

from django.conf import settings
from django.core.signals import request_finished

logger = logging.getLogger(__name__)

M_MMAP_THRESHOLD = -3  # mallopt's parameter numbers, from glibc's malloc.h
_PAGE = os.sysconf("SC_PAGE_SIZE")


def _glibc():
    name = ctypes.util.find_library("c")
    library = ctypes.CDLL(name) if name else None
    return library if library is not None and hasattr(library, "malloc_trim") else None


_LIBC = _glibc()
# The lowest RSS in bytes seen since the last trim (or since configure()): the next trim waits for growth from it.
_trimmed_at = {"rss": 0}


def rss_bytes():
    """This process's resident memory (the second field of /proc/self/statm is resident pages)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * _PAGE


def trim():
    """Give the heap's free pages back to the operating system; RSS in bytes afterwards."""
    _LIBC.malloc_trim(0)
    _trimmed_at["rss"] = rss_bytes()
    return _trimmed_at["rss"]


def trim_after_growth(**kwargs):
    """request_finished: trim when RSS grew by MALLOC_TRIM_GROWTH_BYTES since the last trim, or since the lowest
    it was seen at after it (memory freed since, such as a search cache's evicted orders, counts as gone)."""
    rss = rss_bytes()
    if rss < _trimmed_at["rss"]:
        _trimmed_at["rss"] = rss
    elif rss - _trimmed_at["rss"] >= settings.MALLOC_TRIM_GROWTH_BYTES:
        trim()


def configure():
    """Apply the settings to this process; True when glibc is there to apply them to."""
    if _LIBC is None or not os.path.exists("/proc/self/statm"):
        logger.info("Not glibc on Linux: the worker's malloc settings are left as they are.")
        return False
    if settings.MALLOC_MMAP_THRESHOLD_BYTES:
        _LIBC.mallopt(M_MMAP_THRESHOLD, settings.MALLOC_MMAP_THRESHOLD_BYTES)
    if settings.MALLOC_TRIM_GROWTH_BYTES:
        _trimmed_at["rss"] = rss_bytes()
        request_finished.connect(trim_after_growth, dispatch_uid="supportfinder.memory.trim_after_growth")
    return True


def freeze_survivors():
    """After the warm-up: collect, then put every object still alive beyond the collector's reach (gc.freeze). An
    object frozen is still freed when nothing refers to it; only one kept alive by a cycle waits for the next
    unfreeze (the index's rebuild). Returns the number frozen (0 when GC_FREEZE is off)."""
    if not settings.GC_FREEZE:
        return 0
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
