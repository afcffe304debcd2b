"""Search parameters of /groups/ and /api/v1/groups/: parsing, warnings and the FilterSet.

Unknown or malformed values never cause an error: they are dropped and reported as warnings.
Several values of one parameter mean any of them; different parameters must all hold.
"""

import math
from dataclasses import dataclass, field

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from groups.core import geo
from groups.core.models import (
    Group,
    MeetingTime,
)
from groups.core.search import filter_by_keywords
from groups.core.vocabulary import (
    TAXONOMIES,
    TAXONOMY_BY_PARAM,
    TIME_OF_DAY_RANGES,
    WEEKDAY_SLUGS,
)

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
    radius_given: str = ""
    days: list = field(default_factory=list)  # day slugs
    times: list = field(default_factory=list)  # time-of-day slugs
    sort: str = "name"
    page: int = 1
    warnings: list = field(default_factory=list)

    def filter_data(self, exclude=None):
        """The data the FilterSet takes, optionally without one parameter (for its facet counts)."""
        data = {param: slugs for param, slugs in self.terms.items() if param != exclude and slugs}
        if self.q:
            data["q"] = self.q
        if self.accredited and exclude != "accredited":
            data["accredited"] = True
        if self.origin:
            data["location"] = self.origin
        if self.days or self.times:
            data["meets"] = (self.days, self.times)
        return data

    def selected(self, param):
        return self.terms.get(param, [])


def _values(querydict, name):
    """All values of a parameter, whether repeated (?a=x&a=y) or comma-separated (?a=x,y)."""
    values = []
    for raw in querydict.getlist(name):
        values.extend(part.strip() for part in raw.split(",") if part.strip())
    return values


def parse_search_params(querydict, known_slugs):
    """Clean the query string into SearchParams, collecting a warning for everything ignored.

    known_slugs maps each taxonomy parameter to the set of slugs that exist.
    """
    params = SearchParams()
    warnings = params.warnings

    q = " ".join(querydict.get("q", "").split())
    if len(q) > MAX_QUERY_LENGTH:
        warnings.append(_("Your search words were shortened to the first %(n)s characters.") % {"n": MAX_QUERY_LENGTH})
        q = q[:MAX_QUERY_LENGTH]
    params.q = q

    for facet in FACETS:
        chosen = []
        for value in _values(querydict, facet.param):
            slug = value.lower()
            if slug in known_slugs[facet.param]:
                if slug not in chosen:
                    chosen.append(slug)
            else:
                warnings.append(
                    _("“%(value)s” is not a %(label)s option we know, so it was ignored.")
                    % {"value": value[:60], "label": str(facet.label).lower()}
                )
        params.terms[facet.param] = chosen

    accredited = querydict.get("accredited", "").strip().lower()
    if accredited in ("1", "true", "yes", "on"):
        params.accredited = True
    elif accredited not in ("", "0", "false", "no", "off"):
        warnings.append(_("“accredited” can only be 1 (verified accreditation only), so it was ignored."))

    _parse_place(querydict, params)
    params.days = _choices(querydict, "day", WEEKDAY_SLUGS, _("a day of the week (mon … sun)"), warnings)
    params.times = _choices(querydict, "time", list(TIME_OF_DAY_RANGES), _("morning, afternoon or evening"), warnings)

    default_sort = "relevance" if params.q else "name"
    sort = querydict.get("sort", "").strip().lower()
    if sort and sort not in SORTS:
        warnings.append(_("“%(value)s” is not a way to sort we know, so results are sorted by %(default)s.")
                        % {"value": sort[:30], "default": str(SORTS[default_sort]).lower()})
        sort = ""
    elif sort == "distance" and not params.origin:
        warnings.append(_("Sorting by distance needs a place, so results are sorted by %(default)s.")
                        % {"default": str(SORTS[default_sort]).lower()})
        sort = ""
    elif sort == "relevance" and not params.q:
        sort = "name"  # nothing to rank without search words; name order is the honest one
    params.sort = sort or default_sort

    page = querydict.get("page", "").strip()
    if page:
        if page.isdigit() and int(page) >= 1:
            params.page = int(page)
        else:
            warnings.append(_("“%(value)s” is not a page number, so the first page is shown.") % {"value": page[:20]})
    return params


def _choices(querydict, name, allowed, expected, warnings):
    chosen = []
    for value in _values(querydict, name):
        slug = value.lower()
        if slug in allowed:
            if slug not in chosen:
                chosen.append(slug)
        else:
            warnings.append(
                _("“%(value)s” is not %(expected)s, so it was ignored.") % {"value": value[:30], "expected": expected}
            )
    return chosen


def _float(value):
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _parse_place(querydict, params):
    """lat and lng (from "Use my location"), else near (a place name), and the radius."""
    warnings = params.warnings
    raw_lat, raw_lng = querydict.get("lat", "").strip(), querydict.get("lng", "").strip()
    near = " ".join(querydict.get("near", "").split())[:100]
    params.near = near
    if raw_lat or raw_lng:
        lat, lng = _float(raw_lat), _float(raw_lng)
        if lat is None or not -90 <= lat <= 90 or lng is None or not -180 <= lng <= 180:
            warnings.append(_("Your location could not be read (latitude from -90 to 90 and longitude from -180 to "
                              "180 are needed), so it was ignored."))
        else:
            # Never more precise than about 1 km, whatever the browser sent.
            params.origin = Origin(round(lat, 2), round(lng, 2), _("your location"))
    if params.origin is None and near:
        lookup = geo.resolve_place(near)
        if lookup.looks_like_postcode:
            warnings.append(_("Searching by postcode or street address is not available yet. Please type the name of a "
                              "town or city instead."))
        elif lookup.place is None:
            warnings.append(_("We could not find a place called “%(near)s”, so the place was not used: these are "
                              "groups from everywhere.") % {"near": near})
            # Close spellings, offered on the page as links to this search with the place replaced.
            params.place_alternatives = lookup.suggestions
        else:
            place = lookup.place
            params.origin = Origin(place.latitude, place.longitude, place.label)
            params.place_alternatives = tuple(alternative.label for alternative in lookup.alternatives)

    radius = querydict.get("radius", "").strip()
    params.radius_given = radius
    if radius and params.origin:
        value = _float(radius)
        if value is None or value <= 0:
            warnings.append(_("“%(value)s” is not a distance in kilometres, so %(default)s km was used.")
                            % {"value": radius[:20], "default": DEFAULT_RADIUS_KM})
        elif value > MAX_RADIUS_KM:
            warnings.append(_("The largest distance is %(max)s km, so that was used.") % {"max": MAX_RADIUS_KM})
            params.origin.radius_km = MAX_RADIUS_KM
        else:
            params.origin.radius_km = value


class TermFilter(django_filters.BaseInFilter, django_filters.CharFilter):
    """Any of the given slugs, with no duplicate rows: an EXISTS on the through table."""

    def __init__(self, facet, **kwargs):
        self.facet = facet
        super().__init__(field_name=facet.field, **kwargs)

    def filter(self, queryset, value):
        if not value:
            return queryset
        if not self.facet.is_many:
            return queryset.filter(cost__slug__in=value)
        through = getattr(Group, self.facet.field).through
        term_column = f"{self.facet.model._meta.model_name}__slug__in"
        matching = through.objects.filter(group_id=OuterRef("pk"), **{term_column: value})
        return queryset.filter(Exists(matching))


class GroupFilterSet(django_filters.FilterSet):
    """The filters of the search, fed with data already cleaned by parse_search_params."""

    q = django_filters.CharFilter(method="filter_keywords")
    accredited = django_filters.BooleanFilter(method="filter_accredited")
    location = django_filters.Filter(method="filter_location")
    meets = django_filters.Filter(method="filter_meets")

    class Meta:
        model = Group
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for facet in FACETS:
            self.filters[facet.param] = TermFilter(facet)

    def filter_queryset(self, queryset):
        # The data is cleaned already; apply each filter to its raw value (lists stay lists).
        for name, value in self.data.items():
            queryset = self.filters[name].filter(queryset, value)
        return queryset

    def filter_keywords(self, queryset, name, value):
        return filter_by_keywords(queryset, value)

    def filter_accredited(self, queryset, name, value):
        return queryset.accredited() if value else queryset

    def filter_location(self, queryset, name, origin):
        """Groups within reach of the origin, and those that need no travel (online, phone, hybrid)."""
        within_reach = geo.bounding_box(origin.latitude, origin.longitude, origin.radius_km) & Q(
            distance_km__lte=origin.radius_km
        )
        return queryset.alias(distance_km=geo.distance_expression(origin.latitude, origin.longitude)).filter(
            within_reach | Q(meets_remotely=True)
        )

    def filter_meets(self, queryset, name, value):
        """A meeting on one of the days and starting in one of the times of day, in the group's own time."""
        days, times = value
        meetings = MeetingTime.objects.filter(group_id=OuterRef("pk")).exclude(frequency="by-arrangement")
        if days:
            meetings = meetings.filter(weekday__in=[WEEKDAY_SLUGS.index(day) for day in days])
        if times:
            in_range = Q()
            for slug in times:
                start, end = TIME_OF_DAY_RANGES[slug]
                in_range |= Q(start_time__gte=start, start_time__lt=end)
            meetings = meetings.filter(in_range)
        return queryset.filter(Exists(meetings))
