"""Result cards: each card's HTML cached, the page's groups read from the database only for the cards not cached.

    cards_for_page(search_groups(querydict, read=False)) -> [RenderedCard(group, html)]

is what the results page calls (cards_for_ids(ids, ...) and cards_for_groups(groups) build cards from groups read
by primary key, groups.directory.loading). A card has two parts:

- what the group is (name, summary, badge, types, formats, place, cost, languages, paused): the same for every
  search, built by groups.directory.card_html as groups/_card.html renders it and cached in the "cards" cache
  under a key that changes whenever any of it can: the group's card digest (card_keys.card_digest: its version
  and last save, status, cost, zone, place, current badge claim (its id and last change, so a claim verified,
  renewed, withdrawn or past its last valid day gives a new key), whether a claim waits), the language, the card
  templates' text and card_html's code, and a generation bumped when a taxonomy term or an accrediting body is
  edited (their names are on the card);
- what depends on the search and the clock (distance, next meeting): built as groups/_card_live.html renders it,
  into the slot the cached part leaves; the next meeting row memoised per worker by exactly what it shows (many
  groups share a next meeting), so no group's words can leak into another's card.

The results page takes the digests from its facet index (kept per rank at build) and the live part's data too
(zone, stored or corrected next meeting, whether a scheduled meeting exists, meets remotely, distance), so a page
whose cards are all cached reads no group: only the missed ones, in card_rows.card_groups' one or two. Why a
digest from the index is as good as one from the row:

- every write a card can show changes the directory version in its own transaction: post_save and post_delete
  of groups, places, meetings, claims and terms and m2m_changed of term links (groups.apps), and an explicit
  directory_version.bump() after the writes that send no signal (bulk inserts, stored next meetings, the raw
  deletes of generate_groups); the few queryset updates of a published group's fields (its version on an
  approved or saved edit, meets_remotely with the search fields) run in the transaction of a save that bumps.
  Term and accrediting body renames change the card generation, which is in every key;
- the index is rebuilt for each version and each day (facet_index.current_index), so its digest is the one of
  the rows as of its version, and changes when the card would (a badge past its last valid day: the day is part
  of the index's key and chooses the current claim);
- a worker whose index is older than the rows it reads for a missed card stores that newer content under its
  older key, which no worker with an up-to-date index asks for; the older workers it serves were showing that
  group's older place in the results anyway, until their next version check (half a second at most).

What a card shows is hashed only through the group's row, so a change that saves no row of the group, its place or
its claims shows on cached cards only by way of a generation bump: a term link changed alone (without the
group's save every form and the admin make) keeps the card. card_key(group) gives the same key from a row read
by loading (the SQL reference's pages), so both paths share the cache.

hits and misses are counted per worker (card_cache_stats) for the benchmark.
"""

import datetime
import functools
import hashlib
from dataclasses import dataclass

from django.core.cache import caches
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.loader import get_template
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from groups.core import schedule
from groups.directory import card_html, card_rows, index_terms, loading, selectors
from groups.directory.card_keys import card_digest
from groups.directory.facet_index import EPOCH, NEVER_US, microseconds
from groups.directory.presenters import (
    MeetingWhen,
    distance_label,
    distance_words,
    forget_memoised_words,
    upcoming_meeting,
)

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
            card_html.__file__, card_rows.__file__, index_terms.__file__]:
        with open(path, "rb") as source:
            digest.update(source.read())
    return digest.hexdigest()


def card_key(group, language, generation):
    """The cache key of a group's card read by loading.groups_by_id: the same key as its rank's in the facet index
    (index_card_key) when the row and the index are of the same directory version."""
    place = getattr(group, "place", None)
    digest = card_digest(group.version, microseconds(group.updated_at), group.status, group.cost_id, group.time_zone,
                         place and place.address_visibility, place and place.city, place and place.region,
                         group.badge_id, microseconds(group.badge_changed), group.has_waiting_claim)
    return _key(language, generation, group.pk, digest)


def index_card_key(index, rank, language, generation):
    """The cache key of the card of the group at this rank of the facet index, without reading the group."""
    return _key(language, generation, index.ids[rank], index.card_digests[rank])


def _key(language, generation, pk, digest):
    return f"{templates_stamp()}:{generation}:{language}:{pk}:{digest & 0xFFFF_FFFF_FFFF_FFFF:016x}"


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


def cards_for_page(result, *, language=None, now=None):
    """The cards of a results page from selectors.search_groups(..., read=False): from the facet index the search
    was answered from, or from the groups the SQL reference read (sort=next when too many meetings passed)."""
    if result.index is None:
        return cards_for_groups(result.page.object_list, language=language, now=now)
    return cards_from_index(result.index, result.page.object_list, language=language, now=now)


def cards_from_index(index, listed, *, language=None, now=None):
    """The cards of a page's groups (selectors.Listed, in order) with keys and live parts from the index: no query
    when every card is cached and every next meeting is known to the index; otherwise card_rows.card_groups' one
    or two for just the groups whose cards are not cached or whose next meeting needs their meetings.

    A group no longer published when read is left out, as card_groups leaves it (one whose card is cached is
    shown until this worker's index learns of the change: as its place in the results, see facet_index)."""
    language = language or translation.get_language()
    now = now or timezone.now()
    cache = card_cache()
    generation = cache.get(GENERATION_KEY, 0)
    ranks = {entry.pk: index.rank_of[entry.pk] for entry in listed}
    keys = {pk: index_card_key(index, rank, language, generation) for pk, rank in ranks.items()}
    cached = cache.get_many(keys.values())
    missing = {pk for pk, key in keys.items() if key not in cached}
    meetings = _index_meetings(index, ranks, now)
    unread = [pk for pk in ranks if pk in missing or pk not in meetings]
    groups = card_rows.card_groups(unread, index, timezone.localdate(), meetings_for=[
        pk for pk in unread if pk not in meetings])
    _stats.add(hits=len(ranks) - len(missing), misses=len(missing))
    fresh = {}
    cards = []
    with translation.override(language):
        words = card_html.CardWords.current()
        for entry in listed:
            pk, rank, key = entry.pk, ranks[entry.pk], keys[entry.pk]
            group = groups.get(pk)
            if group is None and pk in unread:
                continue  # unpublished or deleted since the index was built
            if pk in missing:
                fresh[key] = card_html.fixed_html(group, words)
            before, after = cached.get(key) or fresh[key]
            if pk in meetings:
                (when, ask), remote = meetings[pk], rank in index.remote
            else:
                (when, ask), remote = upcoming_meeting(group, now), bool(group.meets_remotely)
            live = card_html.joined_live(
                card_html.distance_row(words, distance_words(entry.distance_shown, entry.within_reach,
                                                             rank in index.public)),
                _meeting_row(words, language, when, when is not None and when.shows_year(now), ask, remote))
            # Built from escaped parts (groups.directory.card_html escapes every value it puts in).
            cards.append(RenderedCard(entry, mark_safe(before + live + after)))  # noqa: S308
    if fresh:
        cache.set_many(fresh, timeout=CARD_SECONDS)
    return cards


def _index_meetings(index, ranks, now):
    """{id: (next meeting, ask the group)} as upcoming_meeting(group, now, stored="first") gives them, from the
    index: the stored next meeting while it is ahead, the index's corrected one once it has passed (computed here
    when needed, selectors.corrected_next_meetings). Left out: a group whose stored next meeting is none although
    it lists a scheduled meeting, or whose zone is no zone (their meetings are read, as upcoming_meeting does)."""
    at = microseconds(now)
    found, passed = {}, {}
    for pk, rank in ranks.items():
        stored, scheduled = index.next_at[rank], rank in index.scheduled
        if stored == NEVER_US:
            if not scheduled:
                found[pk] = (None, False)
        elif schedule.zone_or_none(index.zones[index.zone_of[rank]]) is not None:
            if stored >= at:
                found[pk] = (_when(index, rank, stored), False)
            else:
                passed[rank] = pk
    if passed:
        for rank, corrected in selectors.corrected_next_meetings(index, list(passed), now).items():
            found[passed[rank]] = ((None, rank in index.scheduled) if corrected == NEVER_US
                                   else (_when(index, rank, corrected), False))
    return found


def _when(index, rank, moment):
    """The MeetingWhen of a moment in microseconds, in the zone of the group at this rank."""
    zone = index.zones[index.zone_of[rank]]
    return MeetingWhen((EPOCH + datetime.timedelta(microseconds=moment)).astimezone(schedule.zone(zone)), zone)


@receiver(setting_changed)
def forget_words(**kwargs):
    """The words memoised per worker (card_html's, the meetings', the distances') looked up again after a change of
    settings (tests change the languages and the URLs; a running site never does)."""
    card_html.forget_words()
    forget_memoised_words()
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
