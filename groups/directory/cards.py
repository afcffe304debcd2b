"""Result cards: the page's groups read by primary key (groups.directory.loading), each card's HTML cached.

    cards_for_ids(ids, language=..., distances=... or origin=...) -> [RenderedCard(group, html)]

is what the search page calls with the ids of the page in order. A card has two parts:

- what the group is (name, summary, badge, types, formats, place, cost, languages, paused): the same for every
  search, built by groups.directory.card_html as groups/_card.html renders it and cached in the "cards" cache
  under a key that changes whenever any of it can: the group's version and last save, status, cost, place,
  current badge claim (its id and last change, so a claim verified, renewed, withdrawn or past its last valid
  day gives a new key), whether a claim waits, the language, the card templates' text and card_html's code, and
  a generation bumped when a taxonomy term or an accrediting body is edited (their names are on the card);
- what depends on the search and the clock (distance, next meeting): built as groups/_card_live.html renders it,
  into the slot the cached part leaves; the next meeting row memoised per worker by exactly what it shows (many
  groups share a next meeting), so no group's words can leak into another's card.

A card found in the cache costs no query beyond the first of loading.groups_by_id. hits and misses are
counted per worker (card_cache_stats) for the benchmark.
"""

import functools
import hashlib
from dataclasses import dataclass

from django.core.cache import caches
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.loader import get_template
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from groups.directory import card_html, loading
from groups.directory.presenters import distance_label, forget_distance_words, upcoming_meeting

CACHE_ALIAS = "cards"
GENERATION_KEY = "generation"
CARD_TEMPLATE, LIVE_TEMPLATE = "groups/_card.html", "groups/_card_live.html"
# What the cached part of a card leaves for the live part (an HTML comment: escaped text can never contain one).
LIVE_SLOT = mark_safe("<!--live-->")
CARD_SECONDS = 7 * 24 * 3600



class HitCounter:
    """Hits and misses of one of this worker's caches (cards, group pages), for the benchmark and load test."""

    def __init__(self):
        self.counts = {"hits": 0, "misses": 0}

    def add(self, hits=0, misses=0):
        self.counts["hits"] += hits
        self.counts["misses"] += misses

    def read(self, reset=False):
        """{"hits": n, "misses": n} since the worker started (or since the last reset)."""
        found = dict(self.counts)
        if reset:
            self.counts.update(hits=0, misses=0)
        return found


_stats = HitCounter()


@dataclass(frozen=True)
class RenderedCard:
    group: object
    html: SafeString


def card_cache():
    return caches[CACHE_ALIAS]


def card_cache_stats(reset=False):
    """{"hits": n, "misses": n} of this worker's card cache since it started (or since the last reset)."""
    return _stats.read(reset)


def bump_generation(*args, **kwargs):
    """Every cached card out of date at once: a taxonomy term or an accrediting body was renamed (signals)."""
    cache = card_cache()
    if not cache.add(GENERATION_KEY, 1, timeout=None):
        try:
            cache.incr(GENERATION_KEY)
        except ValueError:  # evicted between add and incr
            cache.set(GENERATION_KEY, 1, timeout=None)


@functools.cache
def templates_stamp():
    """A digest of the card templates' source and of the code that builds cards as they render, so a deployment
    that changes either never serves old cards."""
    digest = hashlib.blake2b(digest_size=6)
    for path in [get_template(name).origin.name for name in (CARD_TEMPLATE, "accreditation/_badge.html")] + [
            card_html.__file__]:
        with open(path, "rb") as source:
            digest.update(source.read())
    return digest.hexdigest()


def card_key(group, language, generation):
    """The cache key of a group's card: changes with anything the cached part shows (see the module's notes)."""
    place = getattr(group, "place", None)
    stamp = (group.version, group.updated_at.isoformat(), group.status, group.cost_id, group.time_zone,
             place and (place.address_visibility, place.city, place.region),
             group.badge_id, group.badge_changed and group.badge_changed.isoformat(), group.has_waiting_claim)
    digest = hashlib.blake2b(repr(stamp).encode(), digest_size=8).hexdigest()
    return f"{templates_stamp()}:{generation}:{language}:{group.pk}:{digest}"


def cards_for_ids(ids, *, language=None, distances=None, origin=None, now=None):
    """The cards of a results page, in the order of `ids`, in one query when every card is cached, two otherwise.

    distances: {id: (distance shown, within reach)} from the search that ordered the page; or origin (latitude,
    longitude, radius_km) to work them out here (loading.distance_from).
    """
    groups = loading.groups_by_id(ids, many=False)
    loading.set_distances(groups, distances, origin)
    return cards_for_groups(groups, language=language, now=now)


def cards_for_groups(groups, *, language=None, now=None):
    """The cards of groups read by loading.groups_by_id (many=False is enough), distances already set on them."""
    language = language or translation.get_language()
    now = now or timezone.now()
    cache = card_cache()
    generation = cache.get(GENERATION_KEY, 0)
    keys = {group.pk: card_key(group, language, generation) for group in groups}
    cached = cache.get_many(keys.values())
    missing = {group.pk for group in groups if keys[group.pk] not in cached}
    stored = {group.pk: upcoming_meeting(group, now, stored="only") for group in groups}
    needing_meetings = {pk for pk, found in stored.items() if found is None}
    if missing or needing_meetings:
        loading.attach_many_valued([group for group in groups if group.pk in missing | needing_meetings])
    _stats.add(hits=len(groups) - len(missing), misses=len(missing))
    fresh = {}
    with translation.override(language):
        words = card_html.CardWords.current()
        for group in groups:
            if group.pk in missing:
                fresh[keys[group.pk]] = card_html.fixed_html(group, words)
        cards = []
        for group in groups:
            before, after = cached.get(keys[group.pk]) or fresh[keys[group.pk]]
            when, ask = stored[group.pk] or upcoming_meeting(group, now)
            live = card_html.joined_live(
                card_html.distance_row(words, distance_label(group)),
                _meeting_row(words, language, when, when is not None and when.shows_year(now), ask,
                             bool(group.meets_remotely)))
            # Built from escaped parts (groups.directory.card_html escapes every value it puts in).
            cards.append(RenderedCard(group, mark_safe(before + live + after)))  # noqa: S308
    if fresh:
        cache.set_many(fresh, timeout=CARD_SECONDS)
    return cards


@receiver(setting_changed)
def forget_words(**kwargs):
    """The words memoised per worker (card_html's, the meetings', the distances') looked up again after a change of
    settings (tests change the languages and the URLs; a running site never does)."""
    card_html.forget_words()
    forget_distance_words()
    _meeting_memo.clear()


_meeting_memo = {}
MEETING_MEMO_SIZE = 16384  # at 100,000 groups, about 7,600 different next meetings (time and zone)


def _meeting_row(words, language, when, with_year, ask_the_group, meets_remotely):
    """A card's next meeting row: a function of exactly its arguments in this language (memoised per worker,
    emptied when full; the words of a meeting are worked out only when it is not found). card_html.meeting_row
    must read nothing else: the memo would otherwise show one group's words on another."""
    # A time in the hour a clock goes back equals its twin of the same zone, offset aside: fold tells them apart.
    key = (language, when, when is not None and when.at.fold, with_year, ask_the_group, meets_remotely)
    html = _meeting_memo.get(key)
    if html is None:
        if len(_meeting_memo) >= MEETING_MEMO_SIZE:
            _meeting_memo.clear()
        html = _meeting_memo[key] = card_html.meeting_row(words, when, when.words(with_year) if when else "",
                                                          ask_the_group, meets_remotely)
    return html
