"""The search's third layer: facet counts and pages over the queryset the parameters build; a group's page.

parse_search_params (groups.directory.params) cleans the query string; filtered_groups turns the parameters
into a queryset through named GroupQuerySet methods; search_groups orders, counts facets and paginates.
The search will be rebuilt for speed from an in-memory index (issue 12): filtered_groups, facet_counts and
ordered are the seams, each answerable another way with the same results.
"""

from dataclasses import dataclass
from types import SimpleNamespace

from django.conf import settings
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Case, Count, DateTimeField, Exists, F, OuterRef, Value, When
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from groups.accreditation.selectors import accredited, with_badges
from groups.core import next_meetings, schedule
from groups.core.models import Group, MeetingTime
from groups.core.models.querysets import ON_REQUEST
from groups.core.vocabulary import M2M_FIELDS
from groups.directory import fast_search, loading
from groups.directory.facet_index import current_index, microseconds
from groups.directory.keywords import keyword_hints
from groups.directory.params import FACETS, parse_search_params
from groups.directory.results import FacetGroup, FacetOption, SearchResult


def taxonomy_terms():
    """Every term of every taxonomy, by parameter, in display order (one query per taxonomy)."""
    return {facet.param: list(facet.model.objects.all()) for facet in FACETS}


def known_slugs(terms_by_param):
    return {param: {term.slug for term in terms} for param, terms in terms_by_param.items()}


def count_for_query(querydict, terms_by_param, index=None):
    """How many published groups a query string would return (warnings discarded); from the facet index
    when given one (SearchResult.index), in SQL otherwise."""
    params = parse_search_params(querydict, known_slugs(terms_by_param))
    if index is None:
        return filtered_groups(params).count()
    return len(fast_search.search_filter(index, params).results())


def filtered_groups(params, exclude=None):
    """Published groups matching every parameter except `exclude` (a taxonomy parameter, "accredited" or
    "near"); in a place search, with distance_km, distance_shown and within_reach (GroupQuerySet.near)."""
    groups = Group.objects.published()
    for facet in FACETS:
        if facet.param != exclude:
            groups = groups.with_terms(facet, params.selected(facet.param))
    groups = groups.matching(params.q).meeting_on(params.days, params.times)
    if params.accredited and exclude != "accredited":
        groups = accredited(groups)
    if params.origin and exclude != "near":
        groups = groups.near((params.origin.latitude, params.origin.longitude), params.origin.radius_km)
    return groups


def ordered(groups, params):
    """In a place search groups within reach come first, then those that need no travel; then the sort.

    By distance means by the distance shown (rounded as the card shows it), so the order reads true.
    """
    first = ["-within_reach"] if params.origin else []
    if params.sort == "relevance":
        return groups.ranked(params.q).order_by(*first, "-relevance", "name", "pk")
    if params.sort == "distance":
        return groups.order_by(*first, F("distance_shown").asc(nulls_last=True), "name", "pk")
    return groups.order_by(*first, "name", "pk")


# Above this many matching groups whose stored next meeting has passed (the periodic refresh_next_meetings has
# not run for a while), the order is computed from every meeting instead (ids_by_next_meeting).
MAX_CORRECTED = 200


def by_stored_next_meeting(groups, params, now):
    """(groups in order of their stored next meeting, True), correcting in memory any that has passed since
    it was stored (a GET writes nothing); or (groups, False) when too many have passed to correct this way."""
    passed = list(groups.filter(next_meeting_at__lt=now).order_by().values_list("pk", flat=True)[:MAX_CORRECTED + 1])
    if len(passed) > MAX_CORRECTED:
        return groups, False
    key = F("next_meeting_at")
    if passed:
        fresh = next_meetings.compute(Group.objects.filter(pk__in=passed), now)
        key = Case(*[When(pk=pk, then=Value(value, output_field=DateTimeField())) for pk, value in fresh.items()],
                   default=F("next_meeting_at"), output_field=DateTimeField())
    first = ["-within_reach"] if params.origin else []
    return groups.annotate(next_start=key).order_by(*first, F("next_start").asc(nulls_last=True), "name", "pk"), True


def for_cards(groups):
    """Everything a result card and the JSON show, in a fixed number of queries whatever the page size."""
    groups = groups.defer("search_text").select_related("cost", "place")
    return with_badges(groups.prefetch_related(*M2M_FIELDS, "meeting_times"))


def for_detail_page(groups):
    """What a group's page needs, in the card's queries; `has_coordinator` says whether anyone could read a message
    sent through "Contact this group" (Group.takes_messages), in the same query."""
    coordinators = Group.coordinators.through.objects.filter(group=OuterRef("pk"), user__is_active=True)
    return for_cards(groups).annotate(has_coordinator=Exists(coordinators))


def page_rows(results, params):
    """What a page needs of the ordered results: each group's id and, in a place search, the distance the order
    used and whether it is within reach (so the card's words agree with the order)."""
    if params.origin:
        return results.values_list("pk", "distance_shown", "within_reach")
    return results.values_list("pk", flat=True)


def groups_for_rows(rows, params, rows_have_distances=True):
    """The SQL path's page of groups in order, read by primary key in one query (groups.directory.loading): the
    cards (cached, groups.directory.cards) or the JSON (loading.attach_many_valued) read the rest."""
    rows = list(rows)
    if params.origin and rows_have_distances:
        groups = loading.groups_by_id([row[0] for row in rows], many=False)
        loading.set_distances(groups, {row[0]: (row[1], row[2]) for row in rows})
        return groups
    groups = loading.groups_by_id(rows, many=False)
    loading.set_distances(groups, origin=params.origin)
    return groups


def _term_counts(facet, base, current, selected_ids):
    """For each term: (groups among the current results having it, groups in `base` having it but
    matching none of the selected terms). `base` is the search without this parameter.

    Plain GROUP BY queries on the through table: one, or two when an option of this parameter is chosen.
    """
    if not facet.is_many:
        return {row["cost_id"]: (0, row["n"]) for row in base.order_by().values("cost_id").annotate(n=Count("id"))}
    through = getattr(Group, facet.field).through
    term_field = f"{facet.model._meta.model_name}_id"

    def counts(groups):
        rows = through.objects.filter(group__in=groups.order_by().values("pk")).values(term_field)
        return {row[term_field]: row["n"] for row in rows.annotate(n=Count("group_id"))}

    in_base = counts(base)
    if not selected_ids:
        return {term: (0, n) for term, n in in_base.items()}
    # The base restricted to the selected terms is exactly the current result set.
    in_current = counts(current)
    return {term: (in_current.get(term, 0), n - in_current.get(term, 0)) for term, n in in_base.items()}


def _unselected_counts(facets, current):
    """For each facet with no option chosen, {term id: (0, groups among the current results having it)}: what
    _term_counts gives for it, as the search without this parameter is the current search itself.

    One query for them all: the current results' ids are found once (a materialised common table expression)
    and each taxonomy's links are counted against them, instead of re-running the whole filter per taxonomy.
    """
    if not facets:
        return {}
    ids_sql, ids_params = current.order_by().values("pk").query.sql_with_params()
    branches, params = [], list(ids_params)
    for number, facet in enumerate(facets):
        if facet.is_many:
            through = getattr(Group, facet.field).through
            table, term = through._meta.db_table, f"{facet.model._meta.model_name}_id"
            column = "group_id"
        else:
            table, term, column = Group._meta.db_table, Group._meta.get_field(facet.field).column, "id"
        branches.append(f'SELECT {number}, "{term}", COUNT(*) FROM "{table}" '
                        f'WHERE "{column}" IN (SELECT id FROM facet_ids) AND "{term}" IS NOT NULL GROUP BY "{term}"')
    sql = f"WITH facet_ids(id) AS MATERIALIZED ({ids_sql}) " + " UNION ALL ".join(branches)
    counts = {facet.param: {} for facet in facets}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for number, term_id, n in cursor.fetchall():
            counts[facets[number].param][term_id] = (0, n)
    return counts


def facet_counts(params, terms_by_param, total, fast=True):
    """Beside every option, how many groups the search would return with that option added.

    For an option already chosen, the count is how many of the current results have it.
    One query for the parameters with nothing chosen, and one or two per parameter with a choice
    (fast=False: the straightforward query per parameter, kept as the reference the tests compare with).
    """
    groups = []
    current = filtered_groups(params)
    unselected = [facet for facet in FACETS if not params.selected(facet.param)] if fast else []
    quick = _unselected_counts(unselected, current)
    for facet in FACETS:
        selected_slugs = set(params.selected(facet.param))
        terms = terms_by_param[facet.param]
        selected_ids = [term.pk for term in terms if term.slug in selected_slugs]
        if facet.param in quick:
            counts = quick[facet.param]
        else:
            counts = _term_counts(facet, filtered_groups(params, exclude=facet.param), current, selected_ids)
        options = []
        for term in terms:
            n_in, n_out = counts.get(term.pk, (0, 0))
            if term.slug in selected_slugs:
                count = n_out if not facet.is_many else n_in
            else:
                count = (total + n_out) if selected_ids else n_out
            options.append(FacetOption(term.slug, term.name, term.description, count, term.slug in selected_slugs))
        groups.append(FacetGroup(facet.param, facet.label, options))
    return groups


@dataclass
class Listed:
    """A group of a results page as the search index has it, before any read of the database (search_groups with
    read=False): its id and, in a place search, what fast_search.annotate_places sets."""

    pk: int
    distance_shown: float | None = None
    within_reach: bool = False


def search_groups(querydict, page_size=None, *, read=True):
    """Run a search from a query string: results page, facet counts and warnings.

    read=False leaves the page's groups unread (Listed, when answered from the index): the results page builds
    its cards from the index and reads only the groups whose cards are not cached (groups.directory.cards).

    Answered from this worker's facet index (groups.directory.facet_index), with the same results as
    search_groups_sql: one read of the directory version, the keyword's or place's matching ids when not
    already cached for this version, corrected next meetings when some have passed, and the page's groups.
    """
    index = current_index()
    params = parse_search_params(querydict, known_slugs(index.terms_by_param))
    search = fast_search.search_filter(index, params)
    current = search.results()
    fresh = {}
    if params.sort == "next":
        fresh = fresh_next_meetings(index, current, timezone.now())
        if fresh is None:
            return search_groups_sql(querydict, page_size)
    paginator = Paginator(fast_search.ordered(search, params, current, fresh),
                          page_size or settings.SEARCH_PAGE_SIZE, allow_empty_first_page=True)
    page = paginator.page(_page_number(params, paginator))
    page.object_list = groups_in_order(page.object_list, index) if read else [Listed(pk) for pk in page.object_list]
    fast_search.annotate_places(page.object_list, search, params)
    facets = [
        FacetGroup(facet.param, facet.label, [FacetOption(term.slug, term.name, term.description, count, chosen)
                                              for term, count, chosen in options])
        for facet, options in zip(FACETS, fast_search.facet_counts(search, params, current).values(), strict=True)
    ]
    result = SearchResult(params, page, paginator, facets, current.intersection_cardinality(index.accredited),
                          index.terms_by_param, index=index)
    if params.origin:
        result.on_request_count = search.results(exclude="near").intersection_cardinality(index.hidden_in_person)
    result.keyword_hints = keyword_hints(params)
    return result


def fresh_next_meetings(index, current, now):
    """{rank: next meeting in microseconds} for the current results whose stored one has passed (two queries
    when one has not been corrected yet); None when more than MAX_CORRECTED have (see by_stored_next_meeting)."""
    passed = fast_search.passed_next_meetings(index, current, now)
    if len(passed) > MAX_CORRECTED:
        return None
    return corrected_next_meetings(index, passed, now)


def corrected_next_meetings(index, passed, now):
    """{rank: next meeting in microseconds, NEVER_US for none} for ranks whose stored one has passed, computed
    from their meetings (two queries) unless the index has it already."""
    # A corrected value stays exact until it passes in turn (see groups.core.next_meetings), so the index keeps
    # it: each group is read again only once its next meeting has passed.
    at = microseconds(now)
    stale = [rank for rank in passed if not _still_exact(index.corrected.get(rank), at)]
    if stale:
        fresh = next_meetings.compute(Group.objects.filter(pk__in=index.pks(stale)), now)
        index.corrected.update({index.rank_of[pk]: (microseconds(value), at) for pk, value in fresh.items()})
    return {rank: index.corrected[rank][0] for rank in passed}


def _still_exact(corrected, at):
    """A corrected next meeting (value, computed at) is exact at `at` if computed before and not yet passed."""
    return corrected is not None and corrected[1] <= at <= corrected[0]


def groups_in_order(ids, index):
    """The page's groups (ids from the index), in that order, in one query without loading's subqueries: whether
    they list a scheduled meeting comes from the index (upcoming_meeting asks when none is stored); the JSON reads
    the rest (loading.attach_from_index). Published ones only: one unpublished or deleted since is left out."""
    groups = loading.groups_by_id(ids, many=False, annotated=False)
    for group in groups:
        group.has_scheduled_meeting = index.rank_of[group.pk] in index.scheduled
    return groups


def _page_number(params, paginator):
    """The page asked for, or the last one with a warning when it does not exist."""
    if params.page > paginator.num_pages:
        params.warn(
            _("There is no page %(asked)s: this is the last page, page %(last)s.")
            % {"asked": params.page, "last": paginator.num_pages}
        )
        params.page = paginator.num_pages
    return params.page


def search_groups_sql(querydict, page_size=None):
    """Run a search from a query string: results page, facet counts and warnings.

    The straightforward computation in SQL (20 to 30 queries), kept as the reference the index-based
    search_groups is compared with (tests/groups/directory/test_fast_path.py) and for sort=next when too
    many stored next meetings have passed.
    """
    terms_by_param = taxonomy_terms()
    params = parse_search_params(querydict, known_slugs(terms_by_param))
    results = ordered(filtered_groups(params), params)

    page_size = page_size or settings.SEARCH_PAGE_SIZE
    by_next = params.sort == "next"
    if by_next:
        results, corrected = by_stored_next_meeting(filtered_groups(params), params, timezone.now())
    if by_next and not corrected:
        ordered_ids = ids_by_next_meeting(results, timezone.now(), within_reach_first=bool(params.origin))
        paginator = Paginator(ordered_ids, page_size, allow_empty_first_page=True)
    else:
        paginator = Paginator(page_rows(results, params), page_size, allow_empty_first_page=True)
    page = paginator.page(_page_number(params, paginator))
    page.object_list = groups_for_rows(page.object_list, params, rows_have_distances=not (by_next and not corrected))

    facets = facet_counts(params, terms_by_param, paginator.count)
    accredited_count = paginator.count if params.accredited else accredited(filtered_groups(params)).count()
    result = SearchResult(params, page, paginator, facets, accredited_count, terms_by_param)
    if params.origin:
        result.on_request_count = on_request_elsewhere(params)
    result.keyword_hints = keyword_hints(params)
    return result


def on_request_elsewhere(params):
    """How many groups matching every choice but the place share their location only after contact and meet
    only in person: a place search cannot list them without revealing where they are."""
    hidden = filtered_groups(params, exclude="near").filter(place__address_visibility=ON_REQUEST)
    return hidden.exclude(meets_remotely=True).count()


def ids_by_next_meeting(queryset, now, within_reach_first=False):
    """The ids of the groups in order of their next meeting from now; groups with none come last, by name.

    The straightforward computation, kept as the reference the stored next meetings are tested against
    (tests/groups/directory/test_fast_path.py): it reads every matching group's meeting times and sorts in
    Python.
    """
    fields = ["pk", "name", "time_zone"] + (["within_reach"] if within_reach_first else [])
    rows = list(queryset.order_by().values_list(*fields))
    # Plain tuples rather than model instances: this reads every matching group's meetings.
    pattern_fields = ["frequency", "weekday", "interval_weeks", "week_of_month", "starts_on", "start_time"]
    patterns_by_group = {}
    meeting_rows = MeetingTime.objects.filter(group__in=queryset.order_by().values("pk")).values_list(
        "group_id", *pattern_fields
    )
    for group_id, *pattern in meeting_rows:
        patterns_by_group.setdefault(group_id, []).append(tuple(pattern))
    never = float("inf")
    # Many meetings share a pattern (weekly on Tuesday at 19:00 in Europe/London): compute each once,
    # as a UTC timestamp, which compares faster than aware datetimes.
    next_by_pattern = {}

    def next_start(pattern, time_zone):
        key = (pattern, time_zone)
        if key not in next_by_pattern:
            meeting = SimpleNamespace(**dict(zip(pattern_fields, pattern, strict=True)))
            start = schedule.next_occurrence(meeting, time_zone, now)
            next_by_pattern[key] = start.timestamp() if start else never
        return next_by_pattern[key]

    soonest = {}
    for pk, _name, time_zone, *_within in rows:
        patterns = patterns_by_group.get(pk)
        if patterns:
            soonest[pk] = min(next_start(pattern, time_zone) for pattern in patterns)

    def sort_key(row):
        pk, name, _time_zone, *within = row
        return (not (within[0] if within else True), soonest.get(pk, never), name, pk)

    return [row[0] for row in sorted(rows, key=sort_key)]


def published_group_or_404(slug, *, many=True):
    """A published group with everything its page shows, in two queries (groups.directory.loading); many=False:
    the first only (what the cached page needs)."""
    group = loading.published_group_page(slug, many=many)
    if group is None:
        raise Http404(_("No group is listed at this address."))
    return group
