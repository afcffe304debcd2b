"""A new app-server worker gets ready before its first visitor (issue 12: the first request of a worker ≤ 1 s).

wsgi.py (what gunicorn loads in each worker before it accepts connections; tests and manage.py never import it)
answers settings.WARM_UP_PATHS in-process: the URLconf and every view module are imported (with their libraries),
the gazetteer and the templates are loaded, the database connection opens, and the search's and cards' caches
fill. A GET writes nothing (tests/groups/test_no_writes_on_get.py), leaves no log and sets no cookie. A failure is
logged and the worker starts anyway. WARM_UP=0 in the environment turns it off.
"""

import io
import logging
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connections

logger = logging.getLogger(__name__)


def warm_up(application, paths=None):
    """Answer each path once through the WSGI application; {path: (status, milliseconds)}."""
    timings = {}
    for path in settings.WARM_UP_PATHS if paths is None else paths:
        started = time.perf_counter()
        try:
            status = _get(application, path)
        except Exception:  # a warm-up must never keep a worker from serving
            logger.exception("Warm-up request to %s failed", path)
            continue
        timings[path] = (status, round((time.perf_counter() - started) * 1000))
    # Never hand an open connection to processes forked after this (gunicorn --preload): each opens its own.
    connections.close_all()
    logger.info("Worker warmed up: %s", timings)
    return timings


def _host():
    """A host name the site answers to (ALLOWED_HOSTS), for the warm-up's Host header."""
    for host in settings.ALLOWED_HOSTS:
        name = host.lstrip(".")
        if name and "*" not in name:
            return name
    return "localhost"


def _get(application, path):
    parts = urlsplit(path)
    # Over https as the proxy would say, so SECURE_SSL_REDIRECT answers it rather than redirecting it.
    environ = {
        "REQUEST_METHOD": "GET", "PATH_INFO": parts.path, "QUERY_STRING": parts.query, "SCRIPT_NAME": "",
        "SERVER_NAME": _host(), "SERVER_PORT": "443", "SERVER_PROTOCOL": "HTTP/1.1", "HTTP_HOST": _host(),
        "REMOTE_ADDR": "127.0.0.1", "wsgi.url_scheme": "https", "wsgi.input": io.BytesIO(),
        "wsgi.errors": io.StringIO(),
        "wsgi.version": (1, 0), "wsgi.multithread": False, "wsgi.multiprocess": True, "wsgi.run_once": False,
    }
    proxy_header = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    if proxy_header:
        environ[proxy_header[0]] = proxy_header[1]
    statuses = []
    body = application(environ, lambda status, headers, exc_info=None: statuses.append(status))
    try:
        for _chunk in body:
            pass
    finally:
        if hasattr(body, "close"):
            body.close()
    return statuses[0] if statuses else None
