"""Throughput under load at 100,000 groups: `make loadtest` (issue 12).

1. Uses DATABASE_URL (default postgres://postgres@127.0.0.1:5432/sf_loadtest; created if missing),
   migrates it and generates LOADTEST_GROUPS groups (default 100,000) unless it already holds that many.
   Generating takes minutes: later runs reuse the groups.
2. Serves them with production settings under gunicorn (LOADTEST_WORKERS sync workers, default 2) on a
   free port of 127.0.0.1 (plain HTTP: SECURE_SSL_REDIRECT off for the measurement only).
3. For each kind of search in the mix, drives wrk (Debian's; installed with apt-get when missing) for
   LOADTEST_SECONDS (default 10) at LOADTEST_CONNECTIONS (default 8), each request drawn at random from
   LOADTEST_QUERIES (default 2,000) distinct query strings of that kind, so no cache can carry the figure.
4. Measures /healthz before and after as the ceiling; prints each kind's req/s, its share of /healthz,
   p50/p95/p99 and errors; writes bench/results/loadtest.json; stops everything it started.
"""

import json
import os
import pathlib
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PYTHON = sys.executable
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/sf_loadtest"
GROUPS = int(os.environ.get("LOADTEST_GROUPS", "100000"))
SECONDS = int(os.environ.get("LOADTEST_SECONDS", "10"))
CONNECTIONS = int(os.environ.get("LOADTEST_CONNECTIONS", "8"))
WORKERS = int(os.environ.get("LOADTEST_WORKERS", "2"))
QUERIES = int(os.environ.get("LOADTEST_QUERIES", "2000"))
# LOADTEST_ONLY="one filter;JSON": only the kinds whose name contains one of these (a quick A/B of one change).
ONLY = [part.strip() for part in os.environ.get("LOADTEST_ONLY", "").split(";") if part.strip()]
# Places the gazetteer knows, in the country searched by default and beyond (the generator's spread).
PLACES = ["London", "Manchester", "Leeds", "Birmingham", "Glasgow", "Edinburgh", "Cardiff", "Bristol",
          "Liverpool", "Sheffield", "Newcastle upon Tyne", "Nottingham", "Leicester", "Belfast", "Brighton",
          "Norwich", "Plymouth", "York", "Oxford", "Cambridge", "Aberdeen", "Swansea", "Exeter", "Hull"]
WORDS_RARE = ["legal", "court", "refuge", "stalking", "advocacy", "housing", "yoga", "art", "peer", "family"]
WORDS_COMMON = ["support", "group", "survivors", "women", "trauma", "abuse"]
DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
TIMES = ["morning", "afternoon", "evening"]

LUA = r"""
local paths = {}
init = function(args)
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
end
request = function()
  return wrk.format("GET", paths[math.random(#paths)])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %d, "seconds": %f, "p50": %f, "p95": %f, "p99": %f, "connect": %d, "read": %d, ' ..
    '"write": %d, "status": %d, "timeout": %d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3, latency:percentile(95) / 1e3,
    latency:percentile(99) / 1e3, e.connect, e.read, e.write, e.status, e.timeout))
end
"""


def django_env(database_url):
    env = dict(os.environ, DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE="supportfinder.settings.production",
               SECRET_KEY="loadtest-only-0123456789-abcdefghijklmnopqrstuvwxyz-not-a-secret-at-all",
               ALLOWED_HOSTS="127.0.0.1,localhost", SECURE_SSL_REDIRECT="False", SECURE_HSTS_SECONDS="0",
               EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
    return env


def ensure_database(url):
    import psycopg

    base, _, name = url.rpartition("/")
    name = name.split("?")[0]
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')


def manage(env, *args):
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def prepare(env):
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "loaddata", "fixtures/taxonomies.json", "-v", "0")
    manage(env, "loaddata", "fixtures/accrediting_bodies.json", "-v", "0")
    counted = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", "from groups.models import Group; print(Group.objects.count())"],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    have = int(counted.stdout.strip().splitlines()[-1])
    if have < GROUPS:
        print(f"Generating {GROUPS:,} groups (the database has {have:,}); this takes minutes…", flush=True)
        manage(env, "generate_groups", "--count", str(GROUPS), "--seed", "1", "--clear")
    else:
        print(f"Reusing {have:,} groups.", flush=True)
    manage(env, "collectstatic", "--noinput", "-v", "0")
    # Stored next meetings (issue 12) are only as fresh as the last refresh.
    if (ROOT / "groups" / "management" / "commands" / "refresh_next_meetings.py").exists():
        manage(env, "refresh_next_meetings")


def slugs_and_groups(env):
    code = ("import json; from groups.core.vocabulary import TAXONOMIES; from groups.models import Group; "
            "print(json.dumps({'terms': {t.param: list(t.model.objects.values_list('slug', flat=True)) "
            "for t in TAXONOMIES}, 'groups': list(Group.objects.published().order_by('?')"
            ".values_list('slug', flat=True)[:2000])}))")
    out = subprocess.run([PYTHON, "manage.py", "shell", "-c", code], cwd=ROOT, env=env, check=True,
                         capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def the_mix(data, rng):
    """Each kind of search: a function giving one random query of that kind."""
    terms = data["terms"]

    def pick(param, k=1):
        return "&".join(f"{param}={slug}" for slug in rng.sample(terms[param], k))

    def filters(n):
        params = rng.sample([p for p in terms if terms[p]], n)
        return "&".join(pick(p) for p in params)

    page = lambda: f"page={rng.randint(1, 50)}"  # noqa: E731
    place = lambda: f"near={rng.choice(PLACES).replace(' ', '+')}"  # noqa: E731
    return {
        "group page": lambda: f"/groups/{rng.choice(data['groups'])}/",
        "type page": lambda: f"/types/{rng.choice(terms['type'])}/",
        "no filter": lambda: f"/groups/?{page()}",
        "one filter": lambda: f"/groups/?{filters(1)}&{page()}",
        "three filters": lambda: f"/groups/?{filters(3)}&{page()}",
        "keyword, rare": lambda: f"/groups/?q={rng.choice(WORDS_RARE)}&{page()}",
        "keyword, common": lambda: f"/groups/?q={rng.choice(WORDS_COMMON)}&{page()}",
        "keyword + filters": lambda: f"/groups/?q={rng.choice(WORDS_COMMON + WORDS_RARE)}&{filters(2)}",
        "near a city": lambda: f"/groups/?{place()}&{page()}",
        "near + radius + filters": lambda: f"/groups/?{place()}&radius={rng.choice([5, 10, 25, 50, 100])}"
                                           f"&{filters(2)}",
        "by distance": lambda: f"/groups/?{place()}&sort=distance&{page()}",
        "by next meeting, near": lambda: f"/groups/?{place()}&sort=next&{page()}",
        "day + time": lambda: f"/groups/?day={rng.choice(DAYS)}&time={rng.choice(TIMES)}&{page()}",
        "last page": lambda: f"/groups/?{filters(1)}&page=99999",
        "JSON, two filters": lambda: f"/api/v1/groups/?{filters(2)}&{page()}",
    }


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ensure_wrk():
    if shutil.which("wrk"):
        return shutil.which("wrk")
    print("Installing wrk (Debian package)…", flush=True)
    apt = ["apt-get", "install", "-y", "-q", "wrk"]
    if os.geteuid() != 0:
        apt.insert(0, "sudo")
    subprocess.run(apt, check=True)
    return shutil.which("wrk")


def wait_until_up(base, process, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if process.poll() is not None:
            raise SystemExit("gunicorn stopped before answering; see the output above.")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not answer /healthz in time.")


def run_wrk(wrk, base, paths, workdir, name):
    listing = pathlib.Path(workdir) / f"{name}.txt"
    listing.write_text("\n".join(paths) + "\n")
    script = pathlib.Path(workdir) / "mix.lua"
    out = subprocess.run(
        [wrk, "-t", "2", "-c", str(CONNECTIONS), "-d", f"{SECONDS}s", "--timeout", f"{max(SECONDS, 2)}s",
         "-s", str(script), base, "--", str(listing)],
        check=True, capture_output=True, text=True)
    line = next(line for line in out.stdout.splitlines() if line.startswith("RESULT "))
    result = json.loads(line[len("RESULT "):])
    result["rps"] = result["requests"] / result["seconds"] if result["seconds"] else 0.0
    result["errors"] = sum(result[key] for key in ("connect", "read", "write", "status", "timeout"))
    if not result["requests"]:  # wrk reports no latency when nothing finished
        result.update(p50=None, p95=None, p99=None)
    return result


def drain(base, timeout=300):
    """Wait until /healthz answers quickly: sync workers finish the requests a stopped run left queued, which
    would otherwise be counted against the next measurement."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        begin = time.perf_counter()
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=timeout).read()
        except OSError:
            pass
        if time.perf_counter() - begin < 0.2:
            return


def worker_stats(folder):
    """{pid: what each worker last wrote of itself} (bench/gunicorn_stats.py)."""
    found = {}
    for path in pathlib.Path(folder).glob("*.json"):
        try:
            found[path.stem] = json.loads(path.read_text())
        except (OSError, ValueError):
            pass
    return found


def cache_counts(stats, name):
    """(hits, misses) of one of the workers' caches, summed over the workers."""
    hits = sum((worker.get(name) or {}).get("hits", 0) for worker in stats.values())
    misses = sum((worker.get(name) or {}).get("misses", 0) for worker in stats.values())
    return hits, misses


def hit_rates(before, after):
    """{cache: share of hits} over one kind of search, for each cache that was used in it."""
    rates = {}
    for name in ("cards", "pages"):
        hits = cache_counts(after, name)[0] - cache_counts(before, name)[0]
        misses = cache_counts(after, name)[1] - cache_counts(before, name)[1]
        if hits + misses:
            rates[name] = hits / (hits + misses)
    return rates


def first_request_ms(base, path):
    """How long the first search of a just-started server takes (its workers warmed up before serving)."""
    begin = time.perf_counter()
    urllib.request.urlopen(f"{base}{path}", timeout=120).read()
    return (time.perf_counter() - begin) * 1000


def warm_up(base, paths):
    """One request of each kind per worker, so a worker's first request (gazetteer, templates) is not timed."""
    for path in paths[: WORKERS * 2]:
        try:
            urllib.request.urlopen(f"{base}{path}", timeout=120).read()
        except OSError:
            pass


def main():
    database_url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    if not database_url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("The load test runs on PostgreSQL: set DATABASE_URL=postgres://…")
    ensure_database(database_url)
    env = django_env(database_url)
    RESULTS.mkdir(parents=True, exist_ok=True)
    prepare(env)
    rng = random.Random(12)
    mix = {name: sorted({make() for _ in range(QUERIES * 2)})[:QUERIES] for name, make in
           the_mix(slugs_and_groups(env), rng).items()}
    for paths in mix.values():
        rng.shuffle(paths)
    if ONLY:
        mix = {name: paths for name, paths in mix.items() if any(part in name for part in ONLY)}
    wrk = ensure_wrk()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    stats_dir = tempfile.mkdtemp(prefix="loadtest-stats-")
    started = time.perf_counter()
    server = subprocess.Popen(
        [str(pathlib.Path(PYTHON).parent / "gunicorn"), "supportfinder.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", str(WORKERS), "--worker-class", "sync", "--timeout", "120", "--log-level", "warning",
         "--config", str(ROOT / "bench" / "gunicorn_stats.py")],
        cwd=ROOT, env={**env, "LOADTEST_STATS_DIR": stats_dir}, start_new_session=True)
    report = {"groups": GROUPS, "seconds": SECONDS, "connections": CONNECTIONS, "workers": WORKERS,
              "distinct_queries": QUERIES, "rows": {}}
    try:
        wait_until_up(base, server)
        report["startup_s"] = time.perf_counter() - started
        report["first_request_ms"] = first_request_ms(base, "/groups/?near=Leeds&sort=next")
        print(f"Server up in {report['startup_s']:.1f} s (workers warm up before serving); first search "
              f"{report['first_request_ms']:.0f} ms", flush=True)
        with tempfile.TemporaryDirectory() as workdir:
            (pathlib.Path(workdir) / "mix.lua").write_text(LUA)
            before = run_wrk(wrk, base, ["/healthz"], workdir, "healthz")
            print(f"/healthz before: {before['rps']:,.0f} req/s", flush=True)
            for name, paths in mix.items():
                drain(base)
                warm_up(base, paths)
                time.sleep(0.6)  # each worker's stats written after the warm-up
                counted = worker_stats(stats_dir)
                report["rows"][name] = run_wrk(wrk, base, paths, workdir, name.replace(" ", "_").replace(",", ""))
                drain(base)
                time.sleep(0.6)
                report["rows"][name]["hit_rates"] = hit_rates(counted, worker_stats(stats_dir))
                _print_row(name, report["rows"][name], before["rps"])
            drain(base)
            after = run_wrk(wrk, base, ["/healthz"], workdir, "healthz")
            time.sleep(0.6)
            report["workers_after_mix"] = worker_stats(stats_dir)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        shutil.rmtree(stats_dir, ignore_errors=True)
    ceiling = (before["rps"] + after["rps"]) / 2
    report.update(healthz_before=before["rps"], healthz_after=after["rps"])
    print(f"\n/healthz: {before['rps']:,.0f} req/s before, {after['rps']:,.0f} after; share against their mean.")
    print(f"{'search':<26}{'req/s':>9}{'share':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}  cache hits")
    for name, row in report["rows"].items():
        row["share"] = row["rps"] / ceiling if ceiling else 0.0
        rates = ", ".join(f"{cache} {rate:.0%}" for cache, rate in row.get("hit_rates", {}).items()) or "—"
        print(f"{name:<26}{row['rps']:>9.1f}{row['share']:>8.2%}{_ms(row['p50'])}{_ms(row['p95'])}"
              f"{_ms(row['p99'])}{row['errors']:>8}  {rates}")
    workers = report.get("workers_after_mix", {})
    if workers:
        print("Workers after the mix: " + "; ".join(
            f"{worker['rss_mb']:.0f} MB RSS (peak {worker['peak_mb']:.0f} MB)" for worker in workers.values()))
    out = RESULTS / "loadtest.json"
    out.write_text(json.dumps(report, indent=2))
    print(f"\nWritten to {out.relative_to(ROOT)}")


def _ms(value):
    return f"{value:>9.0f}" if value is not None else f"{'—':>9}"


def _print_row(name, row, ceiling):
    share = row["rps"] / ceiling if ceiling else 0.0
    print(f"  {name}: {row['rps']:.1f} req/s ({share:.2%} of /healthz), p95 {_ms(row['p95']).strip()} ms, "
          f"{row['errors']} errors", flush=True)


if __name__ == "__main__":
    main()
