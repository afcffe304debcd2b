"""A page's groups by primary key, in at most two queries whatever the page size (issue 12).

The search decides which groups a page shows and in what order (groups.directory.selectors); this module reads
those groups and no others:

1. the groups with everything single-valued: cost and place (joined), and as annotations the current badge's
   claim (its id and when it last changed), whether a claim waits for review and whether the group lists a
   scheduled meeting;
2. everything many-valued, for the groups that need it, in one UNION ALL: taxonomy terms (with their names),
   meeting times and accreditation claims, each row padded to the same text columns.

The second query is skipped when nothing needs it: a result card whose HTML is cached needs only its stored
next meeting (Group.next_meeting_at), which the first query reads. The rows are set on each group as Django's
own prefetching would (group.types.all(), group.meeting_times.all(), group.current_claims,
group.waiting_claims), so templates, the JSON and the calendar read them without knowing how they came.
"""

import datetime
import math
from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, QuerySet, Subquery, TextField, Value
from django.db.models.functions import Cast
from django.utils import timezone

from groups.accreditation.models import AccreditationClaim, AccreditingBody
from groups.accreditation.selectors import current_claims
from groups.core.directory_version import ROW
from groups.core.geo import haversine_km
from groups.core.models import DirectoryVersion, Group, MeetingTime
from groups.core.models.querysets import ON_REQUEST, PUBLIC
from groups.core.vocabulary import BY_ARRANGEMENT, M2M_FIELDS, TAXONOMY_BY_FIELD
from groups.directory.prepared import PLACEHOLDER_TEXT, ids_lookup, prepared

# Deferred always (the keyword search's columns, wide and never shown) and on cards (the long texts).
NEVER_SHOWN = ("search_text", "search_words", "join_link")
CARD_DEFERS = NEVER_SHOWN + ("description", "registration_details")
# What the JSON of a results page reads of a group, its cost and its place (api.group_json), when its search was
# answered from the facet index (annotated=False): a group has thirty-six columns, six of them timestamps, and
# converting them was a tenth of the JSON's time. Reading one left out would cost a query per group, which the
# JSON's query-count tests would show.
JSON_ONLY = ("name", "slug", "summary", "host_name", "cost", "capacity", "time_zone", "status", "is_demo",
             "meets_remotely", "last_confirmed_at", "next_meeting_at", "cost__slug", "cost__name", "place__group",
             "place__address_line1", "place__address_line2", "place__city", "place__region", "place__postcode",
             "place__country", "place__latitude", "place__longitude", "place__address_visibility",
             "place__search_latitude", "place__search_longitude")

# The many-valued rows: (kind, group id, row id, then WIDTH text columns), kind naming what the row is.
WIDTH = 9
MEETINGS, CURRENT_CLAIMS, WAITING_CLAIMS = 10, 20, 21
TERM_FIELDS = ("slug", "name", "order")
MEETING_FIELDS = ("frequency", "weekday", "interval_weeks", "week_of_month", "starts_on", "start_time", "end_time")
CLAIM_FIELDS = ("body_id", "status", "scope", "other_body_name", "facilitator_name", "valid_until")
BODY_FIELDS = ("slug", "name", "scheme")


def groups_by_id(ids, *, many=True, detail=False, today=None, terms_of=None, annotated=True):
    """The published groups with these ids, in that order, in one query (one unpublished or deleted since the
    search read its ids is left out, never shown); with their many-valued data in a second one: `many` is True
    (all of them), False (none) or the set of ids needing it. terms_of: see attach_many_valued. annotated=False
    leaves out single_valued's four subqueries, for a caller that has their answers already (the JSON of a page
    answered from the facet index): each ran once per group, about half of the query's time."""
    today = today or timezone.localdate()
    ids = list(ids)
    if not ids:
        return []
    query = prepared(("groups", len(ids), detail, today, annotated), lambda: single_valued(
        Group.objects.published().filter(**ids_lookup("pk", len(ids))), today, detail=detail,
        annotated=annotated), planned_once=True)
    found = {group.pk: group for group in query.instances(ids=ids)}
    groups = [found[pk] for pk in ids if pk in found]
    wanted = [group for group in groups if many is True or (many and group.pk in many)]
    if wanted:
        attach_many_valued(wanted, today, terms_of=terms_of)
    return groups


def published_group_page(slug, today=None, *, many=True):
    """The published group at this slug with everything its page shows, in two queries; None when there is none.
    many=False reads only the first (the second is attach_many_valued's, for when the page is not cached). Both
    are planned once per connection (prepared.Prepared's planned_once): planning them cost more than running them."""
    query = prepared(("page",), _page_query, planned_once=True)
    found = query.instances(text=slug)
    if not found:
        return None
    if many:
        attach_many_valued(found, today or timezone.localdate())
    return found[0]


def _page_query():
    """Query 1 of a group's page: the group with cost and place, whether it lists a scheduled meeting, whether it
    has an active coordinator (Group.takes_messages) and the directory version's token (directory_token).

    Not single_valued's badge annotations (a card's cache key): the page reads its claims in query 2, and its cache
    key (groups.directory.page_cache) has the token, which every write the page can show changes. Each correlated
    subquery costs PostgreSQL planning time on every run, more than reading the row."""
    scheduled = MeetingTime.objects.filter(group=OuterRef("pk")).exclude(frequency=BY_ARRANGEMENT)
    coordinators = Group.coordinators.through.objects.filter(group=OuterRef("pk"), user__is_active=True)
    token = DirectoryVersion.objects.filter(pk=ROW).values("token")[:1]
    return (
        Group.objects.published().filter(slug=PLACEHOLDER_TEXT).order_by().select_related("cost", "place")
        .defer(*NEVER_SHOWN)
        .annotate(has_scheduled_meeting=Exists(scheduled), has_coordinator=Exists(coordinators),
                  directory_token=Subquery(token))
    )


def single_valued(groups, today=None, *, detail=False, annotated=True):
    """Query 1: the groups, cost and place joined, and what decides whether the many-valued rows are needed (not
    when annotated is False)."""
    today = today or timezone.localdate()
    if not annotated:
        groups = groups.order_by().select_related("cost", "place")
        return groups.defer(*NEVER_SHOWN) if detail else groups.only(*JSON_ONLY)
    badge = current_claims(today).filter(group=OuterRef("pk")).order_by("-valid_until", "pk")
    waiting = AccreditationClaim.objects.filter(group=OuterRef("pk"), status=AccreditationClaim.Status.CLAIMED)
    scheduled = MeetingTime.objects.filter(group=OuterRef("pk")).exclude(frequency=BY_ARRANGEMENT)
    groups = (
        groups.order_by().select_related("cost", "place")
        .defer(*(NEVER_SHOWN if detail else CARD_DEFERS))
        .annotate(badge_id=Subquery(badge.values("pk")[:1]), badge_changed=Subquery(badge.values("updated_at")[:1]),
                  has_waiting_claim=Exists(waiting), has_scheduled_meeting=Exists(scheduled))
    )
    if detail:
        # Whether anyone could read a message sent through "Contact this group" (Group.takes_messages).
        coordinators = Group.coordinators.through.objects.filter(group=OuterRef("pk"), user__is_active=True)
        groups = groups.annotate(has_coordinator=Exists(coordinators))
    return groups


def _rows(queryset, kind, fields, row_id="pk"):
    """One branch of query 2: (kind, group id, row id, the fields as text, padded to WIDTH columns)."""
    text = {f"c{n}": Cast(F(name), TextField()) for n, name in enumerate(fields)}
    padding = {f"c{n}": Value(None, output_field=TextField()) for n in range(len(fields), WIDTH)}
    return (
        queryset.order_by()
        .annotate(row_kind=Value(kind), row_group=F("group_id"), row_id=F(row_id), **text, **padding)
        .values_list("row_kind", "row_group", "row_id", *[f"c{n}" for n in range(WIDTH)])
    )


def _many_valued_query(count, today, with_terms=True, with_meetings=True):
    """Query 2: every taxonomy's terms (unless with_terms is False), the meeting times (unless with_meetings is
    False) and the current and waiting claims of `count` groups, their ids given when it runs."""
    ids = ids_lookup("group_id", count)
    branches = []
    for kind, field in enumerate(M2M_FIELDS if with_terms else ()):
        through = getattr(Group, field).through
        term = TAXONOMY_BY_FIELD[field].model._meta.model_name
        branches.append(_rows(through.objects.filter(**ids), kind,
                              [f"{term}__{name}" for name in TERM_FIELDS], row_id=f"{term}_id"))
    if with_meetings:
        branches.append(_rows(MeetingTime.objects.filter(**ids), MEETINGS, MEETING_FIELDS))
    claim_fields = CLAIM_FIELDS + tuple(f"body__{name}" for name in BODY_FIELDS)
    branches.append(_rows(current_claims(today).filter(**ids), CURRENT_CLAIMS, claim_fields))
    waiting = AccreditationClaim.objects.filter(**ids, status=AccreditationClaim.Status.CLAIMED)
    branches.append(_rows(waiting, WAITING_CLAIMS, claim_fields))
    return branches[0].union(*branches[1:], all=True)


def _named(names, text):
    """The first text columns of a row of query 2, by field name (the rest is padding)."""
    return dict(zip(names, text[: len(names)], strict=True))


def _instance(model, values):
    """A model instance from {attname: text from query 2}: each value read as its field reads it, the other fields
    deferred (Model.from_db wants the values in the model's field order)."""
    fields = [field for field in model._meta.concrete_fields if field.attname in values]
    return model.from_db(None, [field.attname for field in fields],
                         [field.to_python(values[field.attname]) for field in fields])


def attach_many_valued(groups, today=None, *, terms_of=None):
    """Read query 2 for the groups and set its rows on them as Django's prefetching would (none for groups that
    have them already). Planned once per connection and number of groups on PostgreSQL, as query 1 is (the
    nine-part UNION cost more to plan than to run: a page of result cards with half its cards missing went from
    96 to 147 a second in the load test).

    terms_of(group) -> {M2M field: its terms}, given by the result cards from the facet index their search was
    answered from (groups.directory.cards.index_terms): query 2 then reads only meetings and claims. Its seven
    taxonomy branches were most of its work (about 900 of its 930 buffer reads for twenty random groups)."""
    today = today or timezone.localdate()
    by_id = {group.pk: group for group in groups if not has_many_valued(group)}
    if not by_id:
        return
    with_terms = terms_of is None
    found = many_valued(list(by_id), today, with_terms=with_terms)
    for group_id, group in by_id.items():
        given = None if with_terms else terms_of(group)
        for kind, field in enumerate(M2M_FIELDS):
            terms = found.terms[kind, group_id] if with_terms else given[field]
            _set_prefetched(group, field, TAXONOMY_BY_FIELD[field].model,
                            sorted(terms, key=lambda term: (term.order, term.name)))
        for meeting in found.meetings[group_id]:
            meeting.group = group
        _set_prefetched(group, "meeting_times", MeetingTime, found.meetings[group_id])
        group.current_claims = found.claims[CURRENT_CLAIMS, group_id]
        group.waiting_claims = found.claims[WAITING_CLAIMS, group_id]


def attach_from_index(groups, terms_of, *, claims_for, meetings_for, today=None):
    """What the JSON of a page answered from the facet index shows of its groups, in one query or none: their
    terms from the index (terms_of, in attach_many_valued's order, read through prefetched()), the current claims
    of the groups in claims_for (those the index says have a badge), the meetings of those in meetings_for (whose
    stored next meeting cannot be shown as it is). Query 2 is skipped when neither names a group; the other groups'
    meetings stay unread, as their stored next meeting is what the JSON shows (reading them through
    group.meeting_times would query)."""
    many = sorted({group.pk for group in groups} & (set(claims_for) | set(meetings_for)))
    found = many_valued(many, today or timezone.localdate(), with_terms=False,
                        with_meetings=bool(meetings_for)) if many else None
    for group in groups:
        group.index_terms = terms_of(group)  # read by prefetched(), which the JSON reads them through
        group.current_claims = found.claims[CURRENT_CLAIMS, group.pk] if group.pk in claims_for else []
        if group.pk in meetings_for:
            for meeting in found.meetings[group.pk]:
                meeting.group = group
            _set_prefetched(group, "meeting_times", MeetingTime, found.meetings[group.pk])


@dataclass
class ManyValued:
    """Query 2's rows of some groups, by group id: terms[(taxonomy number, id)], meetings[id] in MeetingTime's
    order, claims[(CURRENT_CLAIMS or WAITING_CLAIMS, id)], the current ones with the badge (the claim valid
    longest, with_badges' order) first."""

    terms: dict
    meetings: dict
    claims: dict


def many_valued(group_ids, today, *, with_terms=True, with_meetings=True):
    """Query 2 for these groups, read (planned once per connection and shape, as attach_many_valued says)."""
    terms = {(kind, group_id): [] for kind in range(len(M2M_FIELDS)) for group_id in group_ids}
    meetings = {group_id: [] for group_id in group_ids}
    claims = {(kind, group_id): [] for kind in (CURRENT_CLAIMS, WAITING_CLAIMS) for group_id in group_ids}
    bodies = {}
    query = prepared(("many", len(group_ids), today, with_terms, with_meetings),
                     lambda: _many_valued_query(len(group_ids), today, with_terms, with_meetings), planned_once=True)
    for kind, group_id, row_id, *text in query.rows(ids=group_ids):
        if kind < len(M2M_FIELDS):
            terms[kind, group_id].append(_term(TAXONOMY_BY_FIELD[M2M_FIELDS[kind]].model, row_id, text))
        elif kind == MEETINGS:
            values = {"id": row_id, "group_id": group_id, **_named(MEETING_FIELDS, text)}
            meetings[group_id].append(_instance(MeetingTime, values))
        else:
            claims[kind, group_id].append(_claim(row_id, group_id, text, bodies))
    for group_id in group_ids:
        meetings[group_id].sort(key=_meeting_order)
        claims[CURRENT_CLAIMS, group_id].sort(key=lambda claim: (-claim.valid_until.toordinal(), claim.pk))
    return ManyValued(terms, meetings, claims)


# Taxonomy terms as read by query 2, shared by every group (and request) that reads the same row: terms are a
# few dozen, a page reads about two hundred rows of them, and a model instance costs ten microseconds to make.
# Keyed by every value the instance holds, so a renamed or reordered term is a new entry and no entry goes out
# of date; emptied when full. Nothing may change these instances: they are shared.
_terms = {}
TERM_MEMO_SIZE = 2048


def _term(model, row_id, text):
    key = (model, row_id, *text[: len(TERM_FIELDS)])
    term = _terms.get(key)
    if term is None:
        if len(_terms) >= TERM_MEMO_SIZE:
            _terms.clear()
        term = _terms[key] = _instance(model, {"id": row_id, **_named(TERM_FIELDS, text)})
    return term


def prefetched(group, name):
    """group.<name>.all() as a list: the rows set by attach_many_valued (or prefetch_related) without making the
    related manager (which costs more than reading them), or read through it when nothing was set. A group's
    taxonomy terms set by attach_from_index are in group.index_terms (a queryset per relation, as attach_many_valued
    sets, cost more than the rest of a group's JSON); so are a result card's (card_rows.CardGroup)."""
    terms = getattr(group, "index_terms", None)
    if terms is not None and name in terms:
        return terms[name]
    cache = group.__dict__.get("_prefetched_objects_cache")
    queryset = cache.get(name) if cache else None
    if queryset is not None and queryset._result_cache is not None:
        return queryset._result_cache
    return list(getattr(group, name).all())


def has_many_valued(group):
    return "meeting_times" in group.__dict__.get("_prefetched_objects_cache", {})


def _claim(row_id, group_id, text, bodies):
    values = {"id": row_id, "group_id": group_id, **_named(CLAIM_FIELDS, text)}
    claim = _instance(AccreditationClaim, values)
    if claim.body_id not in bodies:
        body = {"id": claim.body_id, **_named(BODY_FIELDS, text[len(CLAIM_FIELDS):])}
        bodies[claim.body_id] = _instance(AccreditingBody, body)
    claim.body = bodies[claim.body_id]
    return claim


MIDNIGHT = datetime.time(0)


def _meeting_order(meeting):
    """MeetingTime's ordering (weekday, start time), meetings by arrangement (no day) last, as PostgreSQL has it."""
    return (meeting.weekday is None, meeting.weekday or 0, meeting.start_time is None,
            meeting.start_time or MIDNIGHT, meeting.pk)


_EMPTY = {}


def _set_prefetched(instance, name, model, objects):
    """What prefetch_related leaves on an instance: a queryset with its results already in it, so
    instance.<name>.all() reads no database (django.db.models.query.prefetch_one_level does the same, from the
    relation's own queryset, which costs a query clone per group and relation: a plain one does here)."""
    if model not in _EMPTY:
        _EMPTY[model] = QuerySet(model=model)
    # A copy of an unevaluated queryset of the model (creating one costs a Query, a tenth of a millisecond: it
    # adds up over seven relations of twenty groups); its results are set, so it never runs.
    queryset = object.__new__(QuerySet)
    queryset.__dict__.update(_EMPTY[model].__dict__)
    queryset._result_cache = list(objects)
    queryset._prefetch_done = True
    instance.__dict__.setdefault("_prefetched_objects_cache", {})[name] = queryset


def set_distances(groups, distances=None, origin=None):
    """Set distance_shown and within_reach on each group, as GroupQuerySet.near annotates them.

    `distances` ({id: (distance shown, within reach)}) comes from whatever ordered the results, so the words and
    the order agree; without it, they are worked out here from `origin` (latitude, longitude, radius_km).
    """
    for group in groups:
        if distances is not None and group.pk in distances:
            group.distance_shown, group.within_reach = distances[group.pk]
        elif origin is not None:
            group.distance_shown, group.within_reach = distance_from(group, origin)


def distance_from(group, origin):
    """(distance shown, within reach) of a group from an origin: the search point of a located group, rounded to
    0.1 km for a public address and to whole km (at least 1) for an area; none for a location given on request."""
    place = getattr(group, "place", None)
    if place is None or place.address_visibility == ON_REQUEST or place.search_latitude is None:
        return None, False
    km = haversine_km(origin.latitude, origin.longitude, place.search_latitude, place.search_longitude)
    # Halves rounded up, as SQL's ROUND does for these non-negative distances (Python's round() goes to even).
    if place.address_visibility == PUBLIC:
        shown = math.floor(km * 10.0 + 0.5) / 10.0
    else:
        shown = max(1.0, float(math.floor(km + 0.5)))
    return shown, km <= origin.radius_km
