"""Search parameters of /groups/ and /api/v1/groups/: parsing, warnings and the FilterSet.

Unknown or malformed values never cause an error: they are dropped and reported as warnings.
Several values of one parameter mean any of them; different parameters must all hold.
"""

from dataclasses import dataclass, field

import django_filters
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import AccessibilityFeature, Cost, Format, Group, GroupType, Language, Population, TraumaType
from .search import filter_by_keywords


@dataclass(frozen=True)
class Facet:
    """A taxonomy parameter: its name in the URL, the term model and the Group field."""

    param: str
    model: type
    field: str
    label: str

    @property
    def is_many(self):
        return self.field != "cost"


FACETS = [
    Facet("type", GroupType, "types", gettext_lazy("Type of group")),
    Facet("trauma", TraumaType, "trauma_types", gettext_lazy("What happened")),
    Facet("population", Population, "populations", gettext_lazy("Who it is for")),
    Facet("format", Format, "formats", gettext_lazy("How it meets")),
    Facet("language", Language, "languages", gettext_lazy("Language")),
    Facet("cost", Cost, "cost", gettext_lazy("Cost")),
    Facet("access", AccessibilityFeature, "access_features", gettext_lazy("Accessibility")),
]
FACETS_BY_PARAM = {facet.param: facet for facet in FACETS}

SORTS = {
    "relevance": gettext_lazy("Best match"),
    "name": gettext_lazy("Name (A to Z)"),
}
MAX_QUERY_LENGTH = 200
# Location and time come with the next part of search; accepted now, reported, never an error.
NOT_YET_SUPPORTED = ("near", "lat", "lng", "radius", "day", "time")


@dataclass
class SearchParams:
    q: str = ""
    terms: dict = field(default_factory=dict)  # param -> list of slugs, in the order given
    accredited: bool = False
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

    default_sort = "relevance" if params.q else "name"
    sort = querydict.get("sort", "").strip().lower()
    if sort and sort not in SORTS and sort not in ("distance", "next"):
        warnings.append(_("“%(value)s” is not a way to sort we know, so results are sorted by %(default)s.")
                        % {"value": sort[:30], "default": str(SORTS[default_sort]).lower()})
        sort = ""
    elif sort in ("distance", "next"):
        warnings.append(_("Sorting by distance or by next meeting is not available yet."))
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

    ignored = [name for name in NOT_YET_SUPPORTED if querydict.get(name, "").strip()]
    if ignored:
        warnings.append(
            _("Searching by place or by meeting day and time is not available yet, so %(names)s was ignored.")
            % {"names": ", ".join(ignored)}
        )
    return params


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
