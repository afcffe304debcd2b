"""Keeping automated abuse off a public form without a third party: a rate limit, a honeypot, a minimum fill time.

Shared by the two forms a visitor posts without an account: "Contact this group" (groups.contact.guard) and the
report of a wrong listing (groups.reports).

- Rate limits count in the cache (CACHES; Redis shared by every app server in production), never in a table or a
  log. A key is an HMAC of what is counted (a reply address, a group), keyed with SECRET_KEY: the cache never holds
  the address itself, and the count disappears with its window.
- The honeypot is a field people do not see (hidden by CSS, out of the tab order, ignored by screen readers);
  a program that fills every field fills it too.
- The form carries a signed time it was shown; one sent back faster than a person could read and type is refused.

Each refusal keeps what the person wrote: the view shows the form again with every value, and a message.
"""

import hashlib
import hmac
import time

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.utils.crypto import salted_hmac

# A form older than this must be sent again (its time token is refused, the words are kept).
FORM_VALID_SECONDS = 24 * 60 * 60


def connection_fingerprint(request):
    """A keyed hash of the connection's address (never the address itself), for counting in the cache only.

    Keyed, so a cache dump does not reveal addresses; the proxy count is allauth's, as for sign-in limits.
    """
    try:
        address = get_adapter(request).get_client_ip(request)
    except PermissionDenied:  # no address at all (a misconfigured proxy): such visitors share one count
        address = ""
    return salted_hmac("groups.contact.address", address).hexdigest()


def _key(scope, value):
    digest = hmac.new(settings.SECRET_KEY.encode(), f"{scope}:{value}".encode(), hashlib.sha256).hexdigest()
    return f"abuse:{scope}:{digest}"


def over_limit(scope, value, *, limit, window_seconds):
    """Count one attempt for `value` within `scope`; True when this one goes over `limit` in the window.

    The window starts at the first attempt (cache.add) and is not extended by later ones.
    """
    key = _key(scope, str(value).strip().lower())
    if cache.add(key, 1, timeout=window_seconds):
        return limit < 1
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr: this is the first attempt of a new window
        cache.add(key, 1, timeout=window_seconds)
        count = 1
    return count > limit


def form_started_token(salt, now=None):
    """A signed time the form was shown, for its hidden field."""
    return signing.dumps(now if now is not None else time.time(), salt=salt)


def seconds_since_started(token, salt, now=None):
    """How long ago the form was shown, or None when the token is missing, forged or too old."""
    try:
        started = float(signing.loads(token or "", salt=salt))
    except (signing.BadSignature, TypeError, ValueError):
        return None
    elapsed = (now if now is not None else time.time()) - started
    return elapsed if elapsed <= FORM_VALID_SECONDS else None
