"""A new worker answers a few pages in-process before its first visitor (supportfinder.warmup)."""

from django.core.handlers.wsgi import WSGIHandler
from django.db import connection

from supportfinder.warmup import warm_up


def test_the_warm_up_answers_its_pages_and_leaves_no_connection_open(make_group, settings, transactional_db):
    make_group("Harbour", types=["therapeutic"], place={"city": "Leeds"})
    settings.ALLOWED_HOSTS = [".example.org"]
    settings.SECURE_SSL_REDIRECT = True
    timings = warm_up(WSGIHandler(), ["/groups/", "/groups/?near=Leeds", "/types/therapeutic/", "/groups/nothing/"])
    assert [status for status, _ms in timings.values()] == ["200 OK", "200 OK", "200 OK", "404 Not Found"]
    # Closed for the processes forked after it (SQLite keeps its in-memory test database open).
    assert connection.vendor == "sqlite" or connection.connection is None


def test_a_failing_page_never_stops_the_worker(settings):
    def broken(environ, start_response):
        raise RuntimeError("database down")

    assert warm_up(broken, ["/groups/"]) == {}
