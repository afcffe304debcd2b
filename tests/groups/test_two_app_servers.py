"""Several app servers (issue 12, item 6): two gunicorn instances on one PostgreSQL and one Redis.

A listing approved, or paused, through one process shows in the other server's search within a second. Each
server may keep what it needs in memory (an index of the directory, cached cards): this proves that what one
process decides reaches every other. Both servers answer the search before the decision, so whatever they
keep in memory is built and warm; then the test polls the other server for at most a second.

The decision is made here in the test process, through the review and listing services a staff page calls,
with the same database and the same Redis as the servers (a third app process: the staff pages need a
login with MFA, which is not what is under test). The servers run production settings with plain static
files (tests.two_servers_settings) on free ports; they and their Redis are stopped when the module ends.
PostgreSQL only: several processes cannot share the test's in-memory SQLite database.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from groups.coordination.listing import group_set_status
from groups.coordination.review import review_approve, seen_token
from groups.core.models.group import PAUSE
from groups.models import Group

ROOT = Path(__file__).resolve().parents[2]
WITHIN_SECONDS = 1.0
PAUSED_TAG = "Not taking new members at the moment"

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="two app servers share one PostgreSQL database; SQLite's test database is in memory"),
    pytest.mark.django_db(transaction=True),  # the servers read only what is committed
]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(command, env=None):
    # A session of its own: stopping it stops its workers too, and nothing else.
    return subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def stop(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def get(base, path, timeout=30):
    with urllib.request.urlopen(f"{base}{path}", timeout=timeout) as response:
        assert response.status == 200
        return response.read().decode()


def wait_until_up(base, process, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn stopped: {process.stderr.read().decode()[-2000:]}")
        try:
            get(base, "/healthz", timeout=2)
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer /healthz in time")


def database_url():
    db = connection.settings_dict  # the test database pytest-django created
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture(scope="module")
def servers(django_db_setup, django_db_blocker):
    """Redis and two gunicorn servers (two sync workers each) on the test database: their base URLs."""
    if not shutil.which("redis-server"):
        pytest.skip("needs redis-server: the cache app servers share")
    started = []
    try:
        redis_port = free_port()
        started.append(start(["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "",
                              "--appendonly", "no"]))
        cache_url = f"rediscache://127.0.0.1:{redis_port}/0"
        env = dict(os.environ, DATABASE_URL=database_url(), CACHE_URL=cache_url,
                   DJANGO_SETTINGS_MODULE="tests.two_servers_settings",
                   SECRET_KEY="two-servers-test-only-0123456789-abcdefghijklmnopqrstuvwxyz-not-a-secret",
                   ALLOWED_HOSTS="127.0.0.1,localhost", SECURE_SSL_REDIRECT="False", SECURE_HSTS_SECONDS="0",
                   EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend", PYTHONPATH=str(ROOT))
        bases = []
        for _ in range(2):
            port = free_port()
            process = start([sys.executable, "-m", "gunicorn", "supportfinder.wsgi:application", "--bind",
                             f"127.0.0.1:{port}", "--workers", "2", "--timeout", "120"], env=env)
            started.append(process)
            bases.append((f"http://127.0.0.1:{port}", process))
        for base, process in bases:
            wait_until_up(base, process)
        yield {"a": bases[0][0], "b": bases[1][0], "cache_url": cache_url}
    finally:
        for process in reversed(started):
            stop(process)


@pytest.fixture
def shared_cache(servers, settings):
    """This process uses the servers' Redis too, as a third app server would."""
    redis = {"BACKEND": "django.core.cache.backends.redis.RedisCache",
             "LOCATION": servers["cache_url"].replace("rediscache://", "redis://")}
    # As supportfinder.settings.base derives them from CACHE_URL: the result cards and group pages share the Redis.
    settings.CACHES = {"default": redis, "cards": {**redis, "KEY_PREFIX": "cards", "TIMEOUT": 7 * 24 * 3600},
                       "pages": {**redis, "KEY_PREFIX": "pages", "TIMEOUT": 7 * 24 * 3600}}


def search_until(base, path, shows, *, since, seconds=WITHIN_SECONDS):
    """Ask the server until `shows(html)` holds, for at most `seconds` after `since` (time.monotonic() when the
    change was committed); then, once those seconds have passed, ask a few times more (both workers) to see that it
    holds for good. In between, a worker that read the directory's version just before the change may still answer
    from the version before (each reads it at most every SEARCH_VERSION_CHECK_SECONDS): the promise is a second,
    for every worker. Returns how long the change took to show."""
    while True:
        if shows(get(base, path)):
            break
        if time.monotonic() - since > seconds:
            pytest.fail(f"{base}{path} still did not show the change after {seconds:.1f} s")
        time.sleep(0.05)
    took = time.monotonic() - since
    time.sleep(max(0.0, since + seconds - time.monotonic()))
    for _ in range(4):
        assert shows(get(base, path)), f"{base}{path} no longer showed the change {seconds:.1f} s after it"
    return took


def warm(servers, path, shows):
    """Each worker of each server answers this search (and builds whatever it keeps) before the decision. The
    test's own setup (the group it made) is a change from another process too, and takes up to a second to show
    in the same way."""
    made = time.monotonic()
    for base in (servers["a"], servers["b"]):
        search_until(base, path, shows, since=made)


def test_a_listing_approved_through_one_server_is_found_on_the_other_within_a_second(
        servers, shared_cache, make_group, make_user):
    reviewer = make_user("reviewer@example.org", staff=True, mfa=True)
    group = make_group("Kestrelmoor evening circle", slug="kestrelmoor", status=Group.Status.PENDING,
                       summary="A peer group for survivors.")
    path = "/groups/?q=kestrelmoor"
    card = 'href="/groups/kestrelmoor/"'
    warm(servers, path, lambda html: card not in html)
    warm(servers, "/groups/", lambda html: True)

    review_approve(group=group, reviewer=reviewer, seen=seen_token(Group.objects.get(pk=group.pk)))
    decided = time.monotonic()

    search_until(servers["b"], path, lambda html: card in html, since=decided)
    search_until(servers["a"], path, lambda html: card in html, since=decided)


def test_a_listing_paused_through_one_server_shows_as_paused_on_the_other_within_a_second(
        servers, shared_cache, make_group, make_user):
    coordinator = make_user("coordinator@example.org")
    group = make_group("Wrenfold morning circle", slug="wrenfold", summary="A peer group for survivors.")
    path = "/groups/?q=wrenfold"
    card = 'href="/groups/wrenfold/"'
    warm(servers, path, lambda html: card in html and PAUSED_TAG not in html)

    group_set_status(group=Group.objects.get(pk=group.pk), user=coordinator, action=PAUSE)
    decided = time.monotonic()

    search_until(servers["b"], path, lambda html: card in html and PAUSED_TAG in html, since=decided)
    search_until(servers["a"], path, lambda html: card in html and PAUSED_TAG in html, since=decided)


def test_a_group_paused_through_one_server_shows_as_paused_on_its_page_on_the_other(
        servers, shared_cache, make_group, make_user):
    """The page's content is in the shared cache: the key both servers compute changes with the pause."""
    coordinator = make_user("coordinator@example.org")
    group = make_group("Larkhollow circle", slug="larkhollow", summary="A peer group for survivors.")
    path = "/groups/larkhollow/"
    paused = "This group is not taking new members at the moment."
    warm(servers, path, lambda html: "Larkhollow circle" in html and paused not in html)

    group_set_status(group=Group.objects.get(pk=group.pk), user=coordinator, action=PAUSE)
    decided = time.monotonic()

    search_until(servers["b"], path, lambda html: paused in html, since=decided)
    search_until(servers["a"], path, lambda html: paused in html, since=decided)
