"""Search parameters of /groups/ and /api/v1/groups/: the query string cleaned into SearchParams.

The first of the search's three layers (parameters here; the queryset from named GroupQuerySet methods;
facets and pages in groups.directory.selectors). Unknown or malformed values never cause an error: they are
dropped and reported as warnings. Several values of one parameter mean any of them; different parameters
must all hold.

Parsing is strict and cheap whatever arrives: numbers are ASCII digits only (Python's int() and float()
accept "²", "①", "nan" and 5,000-digit strings, each a way to an error page), each parameter keeps at most
SEARCH_MAX_VALUES values, and every echoed value is shortened.
"""

import re
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from groups.core import geo
from groups.core.vocabulary import TAXONOMIES, TAXONOMY_BY_PARAM, TIME_OF_DAY_RANGES, WEEKDAY_SLUGS

# The taxonomy filters, named once in groups.core.vocabulary.
FACETS = TAXONOMIES
FACETS_BY_PARAM = TAXONOMY_BY_PARAM

SORTS = {
    "relevance": gettext_lazy("Best match"),
    "distance": gettext_lazy("Distance"),
    "next": gettext_lazy("Next meeting"),
    "name": gettext_lazy("Name (A to Z)"),
}
MAX_QUERY_LENGTH = 200
DEFAULT_RADIUS_KM = 25
MAX_RADIUS_KM = 500
# A page shows this many warnings; the rest are counted in one more line.
MAX_WARNINGS_SHOWN = 10
# ASCII only: str.isdigit() and float() also take "²", "①", Arabic-Indic digits, "nan" and "1e308".
PAGE_NUMBER = re.compile(r"[0-9]{1,9}")
DISTANCE = re.compile(r"[0-9]{1,6}(?:\.[0-9]{1,6})?|\.[0-9]{1,6}")
NEGATIVE_DISTANCE = re.compile(r"-[0-9.]{1,13}")
COORDINATE = re.compile(r"-?[0-9]{1,3}(?:\.[0-9]{1,15})?")
# Raw text looked at per value: enough for any real slug, place or number.
MAX_VALUE_LENGTH = 100


@dataclass
class Origin:
    """Where distances are measured from: a resolved place name or the visitor's rounded location."""

    latitude: float
    longitude: float
    label: str
    radius_km: float = DEFAULT_RADIUS_KM


@dataclass
class SearchParams:
    q: str = ""
    terms: dict = field(default_factory=dict)  # param -> list of slugs, in the order given
    accredited: bool = False
    near: str = ""
    origin: Origin = None
    place_alternatives: tuple = ()
    days: list = field(default_factory=list)  # day slugs
    times: list = field(default_factory=list)  # time-of-day slugs
    sort: str = "name"
    page: int = 1
    warnings: list = field(default_factory=list)

    def selected(self, param):
        return self.terms.get(param, [])

    def warn(self, message):
        if message not in self.warnings:
            self.warnings.append(message)

    def shown_warnings(self):
        """At most MAX_WARNINGS_SHOWN warnings, and a count of the others."""
        shown = self.warnings[:MAX_WARNINGS_SHOWN]
        rest = len(self.warnings) - len(shown)
        if rest:
            shown.append(ngettext("and %(n)s more thing was ignored.", "and %(n)s more things were ignored.", rest)
                         % {"n": rest})
        return shown


def _short(value, length=30):
    return value if len(value) <= length else value[:length] + "…"


def _values(querydict, name, params):
    """The values of a parameter, repeated (?a=x&a=y) or comma-separated (?a=x,y): at most SEARCH_MAX_VALUES."""
    limit = settings.SEARCH_MAX_VALUES
    values = []
    for raw in querydict.getlist(name):
        # Enough text for every value that can be used, so 20,000 commas cost nothing.
        for part in raw[: (limit + 1) * (MAX_VALUE_LENGTH + 1)].split(","):
            part = part.strip()
            if not part:
                continue
            if len(values) == limit:
                params.warn(_("Only the first %(n)s choices of “%(param)s” were used.") % {"n": limit, "param": name})
                return values
            values.append(part[:MAX_VALUE_LENGTH])
    return values


def _one(querydict, name):
    """The first value of a single-valued parameter, trimmed and shortened."""
    return querydict.get(name, "")[: MAX_VALUE_LENGTH * 2].strip()


def parse_search_params(querydict, known_slugs):
    """Clean the query string into SearchParams, collecting a warning for everything ignored.

    known_slugs maps each taxonomy parameter to the set of slugs that exist.
    """
    params = SearchParams()
    raw_q = querydict.get("q", "")
    q = " ".join(raw_q[: MAX_QUERY_LENGTH * 2].split())
    if len(q) > MAX_QUERY_LENGTH or len(" ".join(raw_q.split())) > MAX_QUERY_LENGTH:
        params.warn(_("Your search words were shortened to the first %(n)s characters.") % {"n": MAX_QUERY_LENGTH})
    params.q = q[:MAX_QUERY_LENGTH].strip()

    for facet in FACETS:
        params.terms[facet.param] = _choices(
            querydict, facet.param, known_slugs[facet.param], params,
            lambda value, facet=facet: _("“%(value)s” is not a %(label)s option we know, so it was ignored.")
            % {"value": _short(value, 60), "label": str(facet.label).lower()},
        )

    accredited = _one(querydict, "accredited").lower()
    if accredited in ("1", "true", "yes", "on"):
        params.accredited = True
    elif accredited not in ("", "0", "false", "no", "off"):
        params.warn(_("“accredited” can only be 1 (verified accreditation only), so it was ignored."))

    _parse_place(querydict, params)
    params.days = _choices(querydict, "day", WEEKDAY_SLUGS, params, lambda value: _(
        "“%(value)s” is not a day of the week (mon … sun), so it was ignored.") % {"value": _short(value)})
    params.times = _choices(querydict, "time", TIME_OF_DAY_RANGES, params, lambda value: _(
        "“%(value)s” is not morning, afternoon or evening, so it was ignored.") % {"value": _short(value)})
    _parse_sort(querydict, params)
    _parse_page(querydict, params)
    return params


def _choices(querydict, name, allowed, params, message):
    chosen = []
    for value in _values(querydict, name, params):
        slug = value.lower()
        if slug in allowed:
            if slug not in chosen:
                chosen.append(slug)
        else:
            params.warn(message(value))
    return chosen


def _parse_sort(querydict, params):
    default_sort = "relevance" if params.q else "name"
    sort = _one(querydict, "sort").lower()
    if sort and sort not in SORTS:
        params.warn(_("“%(value)s” is not a way to sort we know, so results are sorted by %(default)s.")
                    % {"value": _short(sort), "default": str(SORTS[default_sort]).lower()})
        sort = ""
    elif sort == "distance" and not params.origin:
        params.warn(_("Sorting by distance needs a place, so results are sorted by %(default)s.")
                    % {"default": str(SORTS[default_sort]).lower()})
        sort = ""
    elif sort == "relevance" and not params.q:
        sort = "name"  # nothing to rank without search words; name order is the honest one
    params.sort = sort or default_sort


def _parse_page(querydict, params):
    page = _one(querydict, "page")
    if not page:
        return
    if PAGE_NUMBER.fullmatch(page) and int(page) >= 1:
        params.page = int(page)
    else:
        params.warn(_("“%(value)s” is not a page number, so the first page is shown.") % {"value": _short(page, 20)})


def _coordinate(value, limit):
    """A latitude or longitude in ASCII decimal notation within ±limit, or None."""
    if not COORDINATE.fullmatch(value):
        return None
    number = float(value)
    return number if -limit <= number <= limit else None


def _parse_place(querydict, params):
    """lat and lng (from "Use my location"), else near (a place name), and the radius."""
    raw_lat, raw_lng = _one(querydict, "lat"), _one(querydict, "lng")
    near = " ".join(querydict.get("near", "")[:200].split())[:100]
    params.near = near
    if raw_lat or raw_lng:
        lat, lng = _coordinate(raw_lat, 90), _coordinate(raw_lng, 180)
        if lat is None or lng is None:
            params.warn(_("Your location could not be read (latitude from -90 to 90 and longitude from -180 to "
                          "180 are needed), so it was ignored."))
        else:
            # Never more precise than about 1 km, whatever the browser sent.
            params.origin = Origin(round(lat, 2), round(lng, 2), _("your location"))
    if params.origin is None and near:
        _resolve_near(near, params)
    _parse_radius(querydict, params)


def _resolve_near(near, params):
    lookup = geo.resolve_place(near)
    if lookup.looks_like_postcode:
        params.warn(_("Searching by postcode or street address is not available yet. Please type the name of a "
                      "town or city instead."))
    elif lookup.place is None:
        params.warn(_("We could not find a place called “%(near)s”, so the place was not used: these are "
                      "groups from everywhere.") % {"near": near})
        # Close spellings, offered on the page as links to this search with the place replaced.
        params.place_alternatives = lookup.suggestions
    else:
        place = lookup.place
        params.origin = Origin(place.latitude, place.longitude, place.label)
        params.place_alternatives = tuple(alternative.label for alternative in lookup.alternatives)


def _parse_radius(querydict, params):
    """The radius in km: warned when malformed, zero or negative even without a place (the form always sends
    a valid one, so a bad one was typed or built by hand)."""
    radius = _one(querydict, "radius")
    if not radius:
        return
    default = {"default": DEFAULT_RADIUS_KM}
    if NEGATIVE_DISTANCE.fullmatch(radius) or (DISTANCE.fullmatch(radius) and float(radius) == 0):
        params.warn(_("The distance must be more than 0 km, so %(default)s km was used.") % default)
        return
    if not DISTANCE.fullmatch(radius):
        params.warn(_("“%(value)s” is not a distance in kilometres, so %(default)s km was used.")
                    % {"value": _short(radius, 20), **default})
        return
    value = float(radius)
    if value > MAX_RADIUS_KM:
        params.warn(_("The largest distance is %(max)s km, so that was used.") % {"max": MAX_RADIUS_KM})
        value = MAX_RADIUS_KM
    if params.origin:
        params.origin.radius_km = value
