"""What a search gives the pages: the page of results, facet counts and warnings (groups.directory.selectors)."""

from dataclasses import dataclass, field

from django.core.paginator import Paginator

from groups.directory.params import SearchParams


@dataclass
class FacetOption:
    slug: str
    name: str
    description: str
    count: int
    selected: bool


@dataclass
class FacetGroup:
    param: str
    label: str
    options: list

    @property
    def has_selection(self):
        return any(option.selected for option in self.options)


@dataclass
class SearchResult:
    params: SearchParams
    page: object
    paginator: Paginator
    facets: list
    accredited_count: int
    terms_by_param: dict = field(default_factory=dict)
    keyword_hints: object = None  # groups.directory.keywords.KeywordHints: a spelling or a place to offer
    index: object = None  # the facet index the search was answered from (None for the SQL reference)

    @property
    def count(self):
        return self.paginator.count

    # In a place search: how many groups matching the other choices keep their location for after contact.
    on_request_count: int = 0

    @property
    def warnings(self):
        return self.params.shown_warnings()
