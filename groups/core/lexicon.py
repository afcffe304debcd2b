"""The words of keyword search, the same on SQLite and PostgreSQL: tokens, stop words, stems, synonyms and
the vocabulary of the listed groups.

PostgreSQL stems words and drops stop words itself (its 'english' configuration). So that a query means the
same on SQLite, this module applies the same Snowball stemmer (the English "Porter2" algorithm that
PostgreSQL's english_stem uses) and the same stop words in Python, and keeps a vocabulary of the listed
groups' words: SQLite matches a query word as a whole word in any form the listed groups use ("heal" finds
"healing"), and the vocabulary also gives spelling suggestions and tells which towns the listings name.

The vocabulary is built once per process and rebuilt after the directory changes: directory_changed() is
called when a group is saved or its search text refreshed, and other processes learn of it through the
cache (within RECHECK_SECONDS), so no request reads every row.
"""

import difflib
import functools
import json
import os
import re
import threading
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import snowballstemmer
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from groups.core import geo
from groups.core.vocabulary import TAXONOMY_BY_PARAM

SYNONYMS_FILE = Path(__file__).resolve().parents[2] / "fixtures" / "search_synonyms.json"
# Letters and digits; underscores and punctuation separate words, as in PostgreSQL's parser.
WORD = re.compile(r"[^\W_]+")
# PostgreSQL's english.stop list, so both databases leave out the same words ("I was raped" is "raped").
STOP_WORDS = frozenset("""
    i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her hers
    herself it its itself they them their theirs themselves what which who whom this that these those am is
    are was were be been being have has had having do does did doing a an the and but if or because as until
    while of at by for with about against between into through during before after above below to from up
    down in out on off over under again further then once here there when where why how all any both each
    few more most other some such no nor not only own same so than too very s t can will just don should now
""".split())
VOCABULARY_KEY = "search:vocabulary-version"
RECHECK_SECONDS = 10
# Spelling suggestions: only for words this long, and only this close (difflib's ratio).
MIN_SUGGESTED_LENGTH = 4
SUGGESTION_CUTOFF = 0.8
MAX_SUGGESTION_WORDS = 30_000


def words(text):
    """The lower-case words of a text, without one-letter ones (the "s" of "women's")."""
    return [word for word in WORD.findall(text.lower()) if len(word) > 1]


def index_words(*texts):
    """The distinct words of the texts, sorted, one space between and one at each end: " abuse domestic leeds ".

    Stored per group (Group.search_words) for SQLite, which then finds a word in any of its forms with
    LIKE '% form %': a plain substring test on a short text, where a whole-word pattern over the full text
    cost a scan of every row's text for each word (seconds at 100,000 groups for "DV", whose letters are in
    "advice" and "advocacy"). The words are those of words(), lower case, so a match here is a whole word
    exactly as the query reads it (and as PostgreSQL's parser splits it).
    """
    found = sorted({word for text in texts for word in words(text or "")})
    return f" {' '.join(found)} "


_local = threading.local()


@functools.lru_cache(maxsize=100_000)
def stem(word):
    """The Snowball (Porter2) stem of a lower-case word: "raped" and "rape" are both "rape"."""
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:  # a stemmer keeps state while it works: one per thread
        stemmer = _local.stemmer = snowballstemmer.stemmer("english")
    return stemmer.stemWord(word)


def phrase_key(phrase_words):
    """Phrases match in any order of their words and in any form: "husband abusive" is "abusive husband"."""
    return tuple(sorted(stem(word) for word in phrase_words))


@dataclass(frozen=True)
class Synonym:
    """One entry of the synonym list: phrases (each a tuple of words) and the terms they mean."""

    phrases: tuple
    terms: tuple  # ((taxonomy parameter, (slug, ...)), ...)


@dataclass(frozen=True)
class SynonymList:
    by_key: dict  # phrase_key -> Synonym
    longest: int  # words in the longest phrase
    ignored_stems: frozenset
    words: frozenset  # every word of the list, offered as spelling suggestions

    def ignores(self, word):
        return stem(word) in self.ignored_stems


def _phrases(entries, where):
    phrases = []
    for entry in entries:
        if not isinstance(entry, str) or not [word for word in words(entry) if word not in STOP_WORDS]:
            raise ImproperlyConfigured(f"{SYNONYMS_FILE.name}: {where} has an empty or non-text word: {entry!r}")
        phrase = tuple(word for word in words(entry) if word not in STOP_WORDS)
        if phrase not in phrases:
            phrases.append(phrase)
    return tuple(phrases)


def parse_synonyms(data):
    """Check and index the synonym list (the content of fixtures/search_synonyms.json)."""
    by_key = {}
    for number, entry in enumerate(data.get("synonyms", []), start=1):
        where = f"synonym entry {number}"
        terms = entry.get("terms") or {}
        if not terms or any(param not in TAXONOMY_BY_PARAM for param in terms):
            raise ImproperlyConfigured(
                f"{SYNONYMS_FILE.name}: {where} must name terms by parameter ({', '.join(TAXONOMY_BY_PARAM)})"
            )
        synonym = Synonym(
            _phrases(entry.get("words", []), where),
            tuple((param, tuple(slugs)) for param, slugs in terms.items()),
        )
        for phrase in synonym.phrases:
            key = phrase_key(phrase)
            if key in by_key and by_key[key] is not synonym:
                raise ImproperlyConfigured(f"{SYNONYMS_FILE.name}: {' '.join(phrase)!r} is in two entries")
            by_key[key] = synonym
    ignored = _phrases(data.get("ignore", []), "the ignore list")
    if any(len(phrase) > 1 for phrase in ignored):
        raise ImproperlyConfigured(f"{SYNONYMS_FILE.name}: the ignore list takes single words")
    ignored_stems = frozenset(stem(phrase[0]) for phrase in ignored)
    clash = [key for key in by_key if len(key) == 1 and key[0] in ignored_stems]
    if clash:
        raise ImproperlyConfigured(f"{SYNONYMS_FILE.name}: {clash[0][0]!r} is both a synonym and ignored")
    return SynonymList(
        by_key=by_key,
        longest=max((len(key) for key in by_key), default=1),
        ignored_stems=ignored_stems,
        words=frozenset(word for key_phrases in by_key.values() for phrase in key_phrases.phrases for word in phrase),
    )


@functools.cache
def synonyms():
    """The synonym list, read once per process (restart to pick up an edit)."""
    path = Path(getattr(settings, "SEARCH_SYNONYMS_FILE", SYNONYMS_FILE))
    with path.open(encoding="utf-8") as file:
        return parse_synonyms(json.load(file))


@dataclass(eq=False)
class Vocabulary:
    """The words the listed groups use, by stem, and the towns they name (where the town is public)."""

    forms: dict  # stem -> frozenset of the words with that stem
    frequency: dict  # word -> how many listed groups use it
    towns: dict  # geo.normalise(city) -> set of country codes
    parsed: dict = field(default_factory=dict)  # a per-vocabulary cache for groups.core.search
    _by_length: dict = None

    def knows(self, word):
        return stem(word) in self.forms

    def forms_of(self, word):
        """Every form to match for a query word: itself, its stem, and the listed words with that stem."""
        word_stem = stem(word)
        return frozenset({word, word_stem, *self.forms.get(word_stem, ())})

    def closest(self, word):
        """The known word nearest in spelling to an unknown one ("domestc" -> "domestic"), or None."""
        if len(word) < MIN_SUGGESTED_LENGTH or not word.isalpha() or self.knows(word):
            return None
        if self._by_length is None:
            candidates = [w for w, _n in Counter(self.frequency).most_common(MAX_SUGGESTION_WORDS) if w.isalpha()]
            candidates += [w for w in synonyms().words if w.isalpha()]
            by_length = defaultdict(set)
            for candidate in candidates:
                by_length[len(candidate)].add(candidate)
            self._by_length = {length: sorted(group) for length, group in by_length.items()}
        nearby = [w for length in range(len(word) - 2, len(word) + 3) for w in self._by_length.get(length, ())]
        close = difflib.get_close_matches(word, nearby, n=3, cutoff=SUGGESTION_CUTOFF)
        # Most used first among equally close words.
        return max(close, key=lambda w: (difflib.SequenceMatcher(None, word, w).ratio(), self.frequency.get(w, 0)),
                   default=None)


def build_vocabulary(listed):
    """Read the listed groups' words once (a queryset of the groups the public can see).

    At most SEARCH_VOCABULARY_MAX_GROUPS groups, the most recently added: enough for the words in use,
    and a bounded cost in a very large directory (a rarer form then goes unmatched on SQLite until it is
    typed as such). Words with digits are left out: they are names and numbers, not forms or spellings.
    """
    frequency = Counter()
    limit = getattr(settings, "SEARCH_VOCABULARY_MAX_GROUPS", 20_000)
    rows = listed.order_by("-pk").values_list("name", "summary", "search_text")[:limit]
    for name, summary, text in rows.iterator(chunk_size=2000):
        frequency.update({word for word in words(f"{name} {summary} {text}") if word.isalpha()})
    forms = defaultdict(set)
    for word in frequency:
        forms[stem(word)].add(word)
    towns = defaultdict(set)
    public_places = listed.exclude(place__address_visibility="on-request").exclude(place__city="")
    for city, country in public_places.order_by().values_list("place__city", "place__country").distinct():
        if city:
            towns[geo.normalise(city)].add(country)
    return Vocabulary({s: frozenset(f) for s, f in forms.items()}, dict(frequency), dict(towns))


class _State:
    vocabulary = None
    version = None
    local_changes = -1
    checked = 0.0


_state = _State()
_lock = threading.Lock()
_local_changes = 0


def directory_changed():
    """Listed groups or their words changed: every process rebuilds its vocabulary before its next use.

    This process knows at once; others read the new version from the shared cache. Set again on commit, so a
    process that rebuilt while the change was still uncommitted rebuilds once more.
    """
    global _local_changes
    _local_changes += 1
    cache.set(VOCABULARY_KEY, uuid.uuid4().hex, None)
    transaction.on_commit(lambda: cache.set(VOCABULARY_KEY, uuid.uuid4().hex, None))


def vocabulary(model):
    """The vocabulary of the listed groups of `model` (Group), rebuilt only when the directory changed."""
    now = time.monotonic()
    if (_state.vocabulary is not None and _state.local_changes == _local_changes
            and now - _state.checked < RECHECK_SECONDS):
        return _state.vocabulary
    version = cache.get(VOCABULARY_KEY)
    if version is None:
        cache.add(VOCABULARY_KEY, uuid.uuid4().hex, None)
        version = cache.get(VOCABULARY_KEY)
    with _lock:
        local_changes = _local_changes
        if (_state.vocabulary is None or version != _state.version or _state.local_changes != local_changes):
            _state.vocabulary = build_vocabulary(model._default_manager.published())
            _state.version, _state.local_changes = version, local_changes
        _state.checked = now
        return _state.vocabulary


def on_group_saved(sender, **kwargs):
    """Signal receiver (connected in groups.apps): a group was saved or deleted."""
    directory_changed()


def common_prefix(forms):
    return os.path.commonprefix(sorted(forms))
