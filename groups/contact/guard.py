"""Abuse resistance for the contact form, with nothing from a third party and nothing about the sender stored.

- A rate limit per address and per group, counted in the cache (CACHES: Redis shared by every app server in
  production). The address is never kept: the key is a keyed hash of it (HMAC with SECRET_KEY), it lives only
  in the cache and only for the hour it counts, and it is never logged or written to the database.
- A honeypot: a field people do not see (hidden by CSS and from assistive technology) that bots fill in.
- A minimum fill time: the form carries the moment it was shown, signed, so a reply faster than a person can
  type is refused. A missing or forged stamp counts as too fast.

Every refusal re-shows the form with the visitor's words kept and a calm message (groups.contact.views).
"""

import time

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.utils.crypto import salted_hmac

WINDOW_SECONDS = 60 * 60
STAMP_SALT = "groups.contact.shown-at"


def shown_at_stamp(now=None):
    """The signed moment the form was shown, for its hidden field."""
    return signing.dumps(int(now if now is not None else time.time()), salt=STAMP_SALT)


def filled_too_fast(stamp, now=None):
    """True when the form came back sooner than a person could fill it (or without a genuine stamp)."""
    try:
        shown = signing.loads(stamp or "", salt=STAMP_SALT)
    except signing.BadSignature:
        return True
    if not isinstance(shown, int):
        return True
    return (now if now is not None else time.time()) - shown < settings.CONTACT_MINIMUM_FILL_SECONDS


def connection_fingerprint(request):
    """A keyed hash of the connection's address (never the address itself), for counting in the cache only.

    Keyed, so a cache dump does not reveal addresses; the proxy count is allauth's, as for sign-in limits.
    The public report form (groups.reports) counts by it too.
    """
    try:
        address = get_adapter(request).get_client_ip(request)
    except PermissionDenied:  # no address at all (a misconfigured proxy): such visitors share one count
        address = ""
    return salted_hmac("groups.contact.address", address).hexdigest()


def _address_key(request):
    return "contact:address:" + connection_fingerprint(request)


def _group_key(group):
    return f"contact:group:{group.pk}"


def _limits(request, group):
    return [
        (_address_key(request), settings.CONTACT_MESSAGES_PER_HOUR_PER_ADDRESS),
        (_group_key(group), settings.CONTACT_MESSAGES_PER_HOUR_PER_GROUP),
    ]


def over_limit(request, group):
    """True when this address or this group has had as many messages this hour as it may."""
    return any((cache.get(key) or 0) >= limit for key, limit in _limits(request, group))


def count_message(request, group):
    """Count one message sent, against the address and the group, for the next hour."""
    for key, _limit in _limits(request, group):
        # add() starts the window only if none is running; incr() then counts within it.
        cache.add(key, 0, WINDOW_SECONDS)
        try:
            cache.incr(key)
        except ValueError:  # the window ended between add() and incr(): start a new one
            cache.set(key, 1, WINDOW_SECONDS)
