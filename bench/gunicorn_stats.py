"""gunicorn configuration for `make loadtest` only: each worker writes what it measured of itself to a file.

After a request, at most every half second, a worker writes LOADTEST_STATS_DIR/<pid>.json: its resident memory,
its card cache's hits and misses (groups.directory.cards.card_cache_stats) and, where the project has one, the
group page cache's (groups.directory.page_cache.page_cache_stats). bench/loadtest.py reads the files after each
kind of search, so it can print the cache hit rate beside each figure and the workers' memory after the mix.
Nothing here runs in production: the product's own configuration names no gunicorn config file.
"""

import importlib
import json
import os
import pathlib
import time

_last = {"at": 0.0}


def _stats(module_name, function_name):
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        return None
    function = getattr(module, function_name, None)
    return function() if function else None


def _rss_mb():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _peak_mb():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return None


def write_stats(force=False):
    folder = os.environ.get("LOADTEST_STATS_DIR")
    if not folder or (not force and time.monotonic() - _last["at"] < 0.5):
        return
    _last["at"] = time.monotonic()
    found = {"pid": os.getpid(), "rss_mb": _rss_mb(), "peak_mb": _peak_mb(),
             "cards": _stats("groups.directory.cards", "card_cache_stats"),
             "pages": _stats("groups.directory.page_cache", "page_cache_stats")}
    target = pathlib.Path(folder) / f"{os.getpid()}.json"
    temporary = target.with_suffix(".tmp")
    temporary.write_text(json.dumps(found))
    temporary.replace(target)


def post_request(worker, req, environ, resp):
    write_stats()


def worker_exit(server, worker):
    write_stats(force=True)
