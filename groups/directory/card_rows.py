"""The groups of result cards the cache did not have, read as plain values (issue 12).

A results page at 100,000 groups finds most of its cards missing from a worker's cache (a random page of a
random search), and reading those groups as Django models cost more than writing their HTML: three model
instances a group (group, cost, place, through select_related's machinery), seven prefetched querysets, and query
2's meeting rows for every group. Here a missed card's group is one row of the columns its card shows
(CardGroup), and query 2 (loading.many_valued) runs only for the groups that need it, as the facet index the
search was answered from tells:

- the claims of a group with a badge (index.accredited), about one group in thirty at 100,000; the others have
  none to show, as of the index's version (which is the version of the card's cache key: groups.directory.cards).
  Whether a claim waits for review is all a card shows of one, and the index tells it (index.waiting);
- the meetings of a group whose next meeting the index cannot tell (cards._index_meetings);
- the taxonomy terms never: they come from the index (groups.directory.index_terms).

So a page whose missed groups have no claims reads one query. card_html builds the card from a CardGroup as from a
Group read by loading.groups_by_id (the SQL reference's pages): test_card_html compares both with the templates.
"""

from groups.core.models import Group, Place
from groups.directory import index_terms, loading
from groups.directory.loading import CURRENT_CLAIMS
from groups.directory.prepared import ids_lookup, prepared

COLUMNS = ("pk", "name", "slug", "summary", "host_name", "time_zone", "status", "is_demo", "meets_remotely",
           "cost__name", "place__group", "place__city", "place__region", "place__address_visibility")
NO_MEETINGS = ()
# A group's claims waiting for review, as a card reads them: only whether there is one (card_html.badge_html), which
# the index tells, so they are never read.
WAITING = (True,)


class Named:
    __slots__ = ("name",)

    def __init__(self, name):
        self.name = name


class CardPlace:
    """A group's place as a card shows it (Place.public_area reads only these)."""

    __slots__ = ("city", "region", "address_visibility")
    Visibility = Place.Visibility
    public_area = Place.public_area

    def __init__(self, city, region, address_visibility):
        self.city, self.region, self.address_visibility = city, region, address_visibility


class Rows(list):
    """A list that answers .all() as the related manager it stands for does (presenters.upcoming_meeting)."""

    def all(self):
        return self


class CardGroup:
    """A group as its result card reads it: what card_html.fixed_html and presenters.upcoming_meeting ask of a
    Group, by the same names. index_terms: {M2M field: terms} from the index, which loading.prefetched reads as it
    does for the JSON's groups."""

    __slots__ = ("pk", "name", "slug", "summary", "host_name", "time_zone", "status", "is_demo", "meets_remotely",
                 "cost", "place", "index_terms", "meeting_times", "current_claims", "waiting_claims")
    get_absolute_url = Group.get_absolute_url

    def __init__(self, row):
        (self.pk, self.name, self.slug, self.summary, self.host_name, self.time_zone, self.status, self.is_demo,
         self.meets_remotely, cost, place, city, region, visibility) = row
        self.cost = None if cost is None else Named(cost)
        self.place = None if place is None else CardPlace(city, region, visibility)
        self.meeting_times, self.current_claims, self.waiting_claims = Rows(NO_MEETINGS), NO_MEETINGS, NO_MEETINGS

    @property
    def is_paused(self):
        return self.status == Group.Status.PAUSED


def _query(count):
    return Group.objects.published().filter(**ids_lookup("pk", count)).order_by().values_list(*COLUMNS)


def card_groups(ids, index, today, *, meetings_for=()):
    """{id: CardGroup} of the published groups among `ids` (one unpublished or deleted since the index was built is
    left out), with their terms and waiting claims from the index, their current claims when the index says they
    have a badge, and their meetings
    for the ids in meetings_for: in one query, and a second when some group needs claims or meetings."""
    ids = list(ids)
    if not ids:
        return {}
    query = prepared(("card groups", len(ids)), lambda: _query(len(ids)), planned_once=True)
    groups = {row[0]: CardGroup(row) for row in query.values(ids=ids)}
    terms_of = index_terms.terms_of(index)
    for pk, group in groups.items():
        group.index_terms = terms_of(group)
        if index.rank_of[pk] in index.waiting:
            group.waiting_claims = WAITING
    meetings_for = [pk for pk in meetings_for if pk in groups]
    many = sorted({pk for pk in groups if index.rank_of[pk] in index.accredited}.union(meetings_for))
    if many:
        found = loading.many_valued(many, today, with_terms=False, with_meetings=bool(meetings_for))
        for pk in many:
            group = groups[pk]
            group.meeting_times = Rows(found.meetings[pk])
            group.current_claims = found.claims[CURRENT_CLAIMS, pk]
    return groups
