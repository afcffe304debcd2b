"""Abuse resistance for the contact form, with nothing from a third party and nothing about the sender stored.

The mechanism is groups.core.abuse, shared with the report form:
- a rate limit per address and per group, counted in the cache (CACHES: Redis shared by every app server in
  production). The address is never kept: the key is a keyed hash of it, it lives only in the cache and only
  for the hour it counts, and it is never logged or written to the database. Each attempt is counted as it is
  checked (one atomic increment), so two posts at the same moment cannot both slip under the limit;
- a honeypot: a field people do not see (hidden by CSS and from assistive technology) that bots fill in;
- a minimum fill time: the form carries the moment it was shown, signed, so a reply faster than a person can
  type is refused. A missing, forged or day-old stamp counts as too fast.

Every refusal re-shows the form with the visitor's words kept and a calm message (groups.contact.views).
"""

from django.conf import settings

from groups.core import abuse

WINDOW_SECONDS = 60 * 60
STAMP_SALT = "groups.contact.shown-at"


def shown_at_stamp(now=None):
    """The signed moment the form was shown, for its hidden field."""
    return abuse.form_started_token(STAMP_SALT, now)


def filled_too_fast(stamp, now=None):
    """True when the form came back sooner than a person could fill it (or without a genuine stamp)."""
    elapsed = abuse.seconds_since_started(stamp, STAMP_SALT, now)
    return elapsed is None or elapsed < settings.CONTACT_MINIMUM_FILL_SECONDS


def over_limit(request, group):
    """Count this message against the address and the group; True when either has had as many this hour as it
    may."""
    limits = [
        ("contact-address", abuse.connection_fingerprint(request), settings.CONTACT_MESSAGES_PER_HOUR_PER_ADDRESS),
        ("contact-group", group.pk, settings.CONTACT_MESSAGES_PER_HOUR_PER_GROUP),
    ]
    # Both counted, each in its own window: a list, not any(), which would stop at the first.
    return any([abuse.over_limit(scope, value, limit=limit, window_seconds=WINDOW_SECONDS)
                for scope, value, limit in limits])
