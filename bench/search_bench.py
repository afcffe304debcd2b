"""Server-side time per search at several directory sizes: `make bench` (BENCH_COUNTS="1000 100000").

Runs on the configured database (DATABASE_URL, or SQLite by default) but in a database of its own
so the development data is untouched: bench/results/bench.sqlite3 for SQLite, or <name>_bench on
the same PostgreSQL server. For each size it generates deterministic synthetic groups
(`manage.py generate_groups --count N --seed 1`), then times each search of a fixed mix through
Django's test client with production settings (view, queries and template; no network), and reports the median, the 95th
percentile and the number of queries of each. Each run of a search asks for another page (1, 38, 75 ... up to
600: shallow and deep), so its result cards are mostly rendered, not found in the cache.

BENCH_ONLY="keyword" measures only the searches whose label contains that text (comma-separated for more).
BENCH_DATABASE_URL names the database to use as it is (e.g. the load test's sf_loadtest); with BENCH_REUSE=1 a
size the database already holds (at least N groups) is measured without generating again, so a 100,000-group
run does not spend many minutes regenerating.
"""

import json
import os
import pathlib
import statistics
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
REPEATS = int(os.environ.get("BENCH_REPEATS", "15"))
# BENCH_ONLY="keyword,place": only the searches whose label contains one of these (a quick A/B of one change).
ONLY = [part.strip() for part in os.environ.get("BENCH_ONLY", "").split(",") if part.strip()]

MIX = [
    ("no filter", "/groups/"),
    ("one filter", "/groups/?type=therapeutic"),
    ("three filters", "/groups/?type=therapeutic&trauma=domestic-abuse&format=online"),
    ("keyword", "/groups/?q=women"),
    ("keyword, rare", "/groups/?q=stalking"),
    ("keyword, synonym", "/groups/?q=DV"),
    ("keyword, phrase", "/groups/?q=domestic+violence"),
    ("keyword + filters", "/groups/?q=support&language=en&cost=free"),
    ("last page", "/groups/?type=community-based&page=99999"),
    ("place", "/groups/?near=Manchester"),
    ("place + filters", "/groups/?near=London&radius=50&type=therapeutic&cost=free"),
    ("place, by distance", "/groups/?near=Chicago&radius=100&sort=distance"),
    ("place, by next meeting", "/groups/?near=Sydney&sort=next"),
    ("next meeting + day", "/groups/?sort=next&day=tue&time=evening"),
    ("JSON, filters", "/api/v1/groups/?type=legal-advocacy&population=women"),
]


def bench_database_url():
    if os.environ.get("BENCH_DATABASE_URL"):
        url = os.environ["BENCH_DATABASE_URL"]
        return url, "postgresql" if url.startswith(("postgres://", "postgresql://")) else "sqlite"
    configured = os.environ.get("DATABASE_URL", "")
    if configured.startswith(("postgres://", "postgresql://")):
        base, _, name = configured.rpartition("/")
        name = name.split("?")[0] or "supportfinder"
        return f"{base}/{name}_bench", "postgresql"
    RESULTS.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{RESULTS / 'bench.sqlite3'}", "sqlite"


def ensure_postgres_database(url):
    import psycopg

    base, _, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


def main(counts):
    url, vendor = bench_database_url()
    if vendor == "postgresql":
        ensure_postgres_database(url)
    # Production settings, as the load test serves them (no autorefresh of static files, the version read at
    # most every half second, the caches as deployed): what a worker does, not what the test suite does.
    from loadtest import django_env

    os.environ.update(django_env(url))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    setup_test_environment()  # ALLOWED_HOSTS for the test client
    call_command("migrate", verbosity=0)
    call_command("loaddata", str(ROOT / "fixtures" / "taxonomies.json"), verbosity=0)
    call_command("loaddata", str(ROOT / "fixtures" / "accrediting_bodies.json"), verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # production settings serve the manifest
    from groups.directory.cards import card_cache_stats
    from groups.models import Group

    client = Client()
    report = {"database": vendor, "repeats": REPEATS, "sizes": {}}
    for count in counts:
        started = time.perf_counter()
        reuse = os.environ.get("BENCH_REUSE") == "1" and Group.objects.count() >= count
        if not reuse:
            call_command("generate_groups", count=count, seed=1, clear=True, verbosity=0)
        generated = time.perf_counter() - started
        # As cron does in production: without it, sort by next meeting falls back to computing from every
        # meeting once more than 200 stored next meetings have passed (minutes at 1,000,000 groups).
        call_command("refresh_next_meetings", verbosity=0)
        total = Group.objects.count()
        how = "reused" if reuse else f"generated in {generated:.1f} s"
        print(f"\n{vendor}: {total:,} groups ({how}), {REPEATS} runs each")
        print(f"{'search':<26}{'p50 ms':>10}{'p95 ms':>10}{'queries':>9}{'results':>9}")
        rows = {}
        # A group's page (a different group each time) and a type page, beside the searches.
        slugs = list(Group.objects.published().order_by("pk").values_list("slug", flat=True)[:REPEATS + 1])
        pages = [("group page", [f"/groups/{slug}/" for slug in slugs]),
                 ("type page", ["/types/therapeutic/", "/types/community-based/"])]
        card_cache_stats(reset=True)
        searches = [(label, [path] + [with_page(path, number) for number in range(REPEATS)]) for label, path in MIX]
        for label, paths in searches + pages:
            if ONLY and not any(part in label for part in ONLY):
                continue
            path = paths[0]
            client.get(path)  # warm caches (gazetteer, query plans)
            timings = []
            for number in range(REPEATS):
                path = paths[(number + 1) % len(paths)]
                with CaptureQueriesContext(connection) as queries:
                    begin = time.perf_counter()
                    response = client.get(path)
                    timings.append((time.perf_counter() - begin) * 1000)
                assert response.status_code == 200, (path, response.status_code)
            timings.sort()
            p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
            found = _count(response)
            rows[label] = {"path": path, "median_ms": round(statistics.median(timings), 1),
                           "p95_ms": round(p95, 1), "queries": len(queries), "results": found}
            print(f"{label:<26}{rows[label]['median_ms']:>10.1f}{p95:>10.1f}{len(queries):>9}{found:>9}")
        rss = _rss_mb()
        print(f"process memory after the mix: {rss['now']:.0f} MB RSS (peak {rss['peak']:.0f} MB), as a worker's")
        stats = card_cache_stats()
        shown = stats["hits"] + stats["misses"]
        rows["card cache"] = {**stats, "hit_rate": round(stats["hits"] / shown, 3) if shown else None}
        print(f"result cards from the cache: {stats['hits']:,} of {shown:,}"
              + (f" ({stats['hits'] / shown:.0%})" if shown else "") + " (each run on another page; the load test's "
              "random queries are the fuller figure)")
        report["sizes"][str(total)] = {**rows, "rss_mb": rss}
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"search-{vendor}.json"
    out.write_text(json.dumps(report, indent=2))
    print(f"\nWritten to {out.relative_to(ROOT)}")


def with_page(path, number):
    """The search on another page for each run (shallow and deep: 1, 38, 75 ...), so the cards on it are mostly
    not cached yet, as under real traffic; a search that names its page keeps it. Beyond the last page a search
    shows the last one."""
    if "page=" in path:
        return path
    return f"{path}{'&' if '?' in path else '?'}page={1 + (number * 37) % 600}"


def _rss_mb():
    """This process's resident memory now and at its peak (Linux), in MB: what a worker serving the mix holds."""
    fields = {}
    try:
        for line in pathlib.Path("/proc/self/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                fields[key] = int(value.split()[0]) / 1024
    except OSError:
        pass
    return {"now": round(fields.get("VmRSS", 0.0), 1), "peak": round(fields.get("VmHWM", 0.0), 1)}


def _count(response):
    if response["Content-Type"].startswith("application/json"):
        return response.json()["count"]
    return response.context["result"].count if response.context and "result" in response.context else 1


if __name__ == "__main__":
    main([int(arg) for arg in sys.argv[1:]] or [1000, 100000])
