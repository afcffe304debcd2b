"""The fast paths of issue 12 give exactly what the straightforward computation gives.

Stored next meetings: "sort by next meeting" reads Group.next_meeting_at; ids_by_next_meeting (the computation
from every meeting, kept as the reference) must give the same order, including groups in different zones,
groups whose next date cannot be computed ("ask the group"), and values that have passed since they were stored.
"""

import datetime
import random
from unittest import mock

import pytest
from django.core.management import call_command
from django.http import QueryDict
from django.utils import timezone

from groups.core import geo, next_meetings
from groups.core.models import Group
from groups.directory.params import parse_search_params
from groups.directory.selectors import (
    filtered_groups,
    ids_by_next_meeting,
    known_slugs,
    search_groups,
    taxonomy_terms,
)

ZONES = ["Europe/London", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "Pacific/Auckland"]
FREQUENCIES = ["weekly", "every-n-weeks", "monthly", "by-arrangement"]


def random_meeting(rng, today):
    frequency = rng.choice(FREQUENCIES)
    meeting = {"frequency": frequency}
    if frequency != "by-arrangement":
        meeting.update(weekday=rng.randrange(7), start_time=datetime.time(rng.randrange(24), rng.choice([0, 30])))
    if frequency == "every-n-weeks":
        meeting.update(interval_weeks=rng.choice([2, 3, 4]),
                       starts_on=today + datetime.timedelta(days=rng.randrange(-60, 60)))
    if frequency == "monthly":
        meeting.update(week_of_month=rng.choice([1, 2, 3, 4, -1]))
    return meeting


def shown_order(query):
    result = search_groups(QueryDict(query), page_size=1000)
    return [group.pk for group in result.page.object_list]


def reference_order(query):
    params = parse_search_params(QueryDict(query), known_slugs(taxonomy_terms()))
    return ids_by_next_meeting(filtered_groups(params), timezone.now(), within_reach_first=bool(params.origin))


@pytest.fixture
def many_groups(make_group, today):
    rng = random.Random(7)
    for number in range(40):
        make_group(
            f"Circle {number % 13:02d}", time_zone=rng.choice(ZONES),
            meetings=[random_meeting(rng, today) for _ in range(rng.choice([0, 1, 1, 2, 3]))],
        )


@pytest.mark.django_db
def test_sort_by_next_meeting_reads_the_stored_column_in_the_computed_order(many_groups):
    assert Group.objects.filter(next_meeting_at__isnull=False).exists()
    assert Group.objects.filter(next_meeting_at__isnull=True).exists()  # "ask the group" and no meetings
    assert shown_order("sort=next") == reference_order("sort=next")


@pytest.mark.django_db
@pytest.mark.parametrize("days", [1.5, 4.2, 9.3])
def test_passed_next_meetings_are_corrected_when_read_without_writing(many_groups, days):
    later = timezone.now() + datetime.timedelta(days=days)
    passed = Group.objects.filter(next_meeting_at__lt=later).count()
    assert passed  # some stored values have passed by then
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert shown_order("sort=next") == reference_order("sort=next")
    assert Group.objects.filter(next_meeting_at__lt=later).count() == passed  # a GET writes nothing


@pytest.mark.django_db
def test_corrected_next_meetings_are_kept_until_they_pass_in_turn(many_groups):
    later = timezone.now() + datetime.timedelta(days=4.2)
    with mock.patch("django.utils.timezone.now", return_value=later), \
            mock.patch("groups.core.next_meetings.compute", wraps=next_meetings.compute) as compute:
        shown_order("sort=next")
        assert compute.call_count == 1
        assert shown_order("sort=next") == reference_order("sort=next")
    assert compute.call_count == 1  # the second search read no meetings: the corrected values were kept


@pytest.mark.django_db
def test_when_too_many_have_passed_the_order_is_computed_from_every_meeting(many_groups):
    later = timezone.now() + datetime.timedelta(days=60)
    with mock.patch("django.utils.timezone.now", return_value=later), \
            mock.patch("groups.directory.selectors.MAX_CORRECTED", 3):
        assert shown_order("sort=next") == reference_order("sort=next")


@pytest.mark.django_db
def test_periodic_command_recomputes_passed_ones(many_groups):
    later = timezone.now() + datetime.timedelta(days=40)
    with mock.patch("django.utils.timezone.now", return_value=later):
        call_command("refresh_next_meetings", verbosity=0)
    assert not Group.objects.filter(next_meeting_at__lt=later).exists()


@pytest.mark.django_db
def test_a_changed_meeting_or_time_zone_moves_the_group(make_group):
    group = make_group("Evening Circle", meetings=[{"frequency": "by-arrangement"}])
    assert Group.objects.get(pk=group.pk).next_meeting_at is None
    meeting = group.meeting_times.create(frequency="weekly", weekday=2, start_time=datetime.time(19))
    first = Group.objects.get(pk=group.pk).next_meeting_at
    assert first is not None
    group.time_zone = "Australia/Sydney"
    group.save()
    assert Group.objects.get(pk=group.pk).next_meeting_at != first
    meeting.delete()
    assert Group.objects.get(pk=group.pk).next_meeting_at is None


# Facet counts: the one-query path for parameters with nothing chosen gives what a query per parameter gives.
TERM_CHOICES = {
    "types": ["legal-advocacy", "therapeutic", "educational", "national-international", "community-based"],
    "trauma": ["sexual-violence", "domestic-abuse", "burn-injury", "stalking"],
    "population": ["women", "men", "refugees", "lgbtq"],
    "formats": ["in-person", "online", "hybrid", "phone"],
    "language": ["en", "fr", "ar"],
    "access": ["wheelchair", "hearing-loop", "quiet-room"],
}
PARAMS = {"type": "types", "trauma": "trauma", "population": "population", "format": "formats",
          "language": "language", "access": "access"}
CITIES = ["Leeds", "York", "Manchester", "London"]


def counts_of(facets):
    return [(group.param, [(option.slug, option.count, option.selected) for option in group.options])
            for group in facets]


@pytest.fixture
def varied_groups(make_group):
    rng = random.Random(11)
    for number in range(36):
        terms = {key: rng.sample(slugs, rng.randrange(0, 3)) or slugs[:1] for key, slugs in TERM_CHOICES.items()}
        make_group(
            f"Circle {number:02d}", summary=rng.choice(["A warm group.", "Peer support for survivors."]),
            cost=rng.choice(["free", "donation", "sliding-scale", "fee"]),
            place={"city": rng.choice(CITIES)} if rng.random() < 0.8 else None,
            meetings=[{"frequency": "weekly", "weekday": rng.randrange(7),
                       "start_time": datetime.time(rng.choice([9, 14, 19]))}] if rng.random() < 0.7 else [],
            **terms,
        )


def random_query(rng):
    parts = []
    for param in rng.sample(list(PARAMS) + ["cost"], rng.randrange(0, 4)):
        slugs = TERM_CHOICES[PARAMS[param]] if param != "cost" else ["free", "donation", "sliding-scale", "fee"]
        parts += [f"{param}={slug}" for slug in rng.sample(slugs, rng.randrange(1, 3))]
    if rng.random() < 0.3:
        # 'circle' is in every group's name and 'the' a stop word: words that filter nothing
        parts.append(f"q={rng.choice(['warm', 'peer', 'survivors', 'circle', 'the', 'dv', 'women+warm'])}")
    if rng.random() < 0.3:
        parts.append(f"near={rng.choice(CITIES)}&radius={rng.choice([5, 50, 300])}")
    if rng.random() < 0.2:
        parts.append(f"day={rng.choice(['mon', 'tue', 'sat'])}")
    if rng.random() < 0.2:
        parts.append("accredited=1")
    return "&".join(parts)


@pytest.mark.django_db
def test_fast_facet_counts_equal_a_query_per_parameter_on_random_queries(varied_groups):
    from groups.directory.selectors import facet_counts

    terms = taxonomy_terms()
    rng = random.Random(5)
    nonzero = 0
    for _ in range(60):
        query = random_query(rng)
        params = parse_search_params(QueryDict(query), known_slugs(terms))
        total = filtered_groups(params).count()
        fast = counts_of(facet_counts(params, terms, total))
        assert fast == counts_of(facet_counts(params, terms, total, fast=False)), query
        nonzero += any(count for _param, options in fast for _slug, count, _selected in options)
    assert nonzero > 30  # the queries found groups, so equal counts mean something


# The whole search: the index-based search_groups gives what the SQL reference search_groups_sql gives.
VISIBILITIES = ["public", "area-only", "on-request"]


@pytest.fixture
def mixed_directory(make_group, accrediting_body, today):
    """Groups varied in every way a search looks at: terms, words, places and their visibility, remote
    formats, meetings in several zones, badges current, lapsed and waiting, and listings the public never sees."""
    rng = random.Random(23)
    for number in range(48):
        terms = {key: rng.sample(slugs, rng.randrange(0, 3)) or slugs[:1] for key, slugs in TERM_CHOICES.items()}
        city = rng.choice(CITIES + ["Edinburgh", "Paris"])
        place = None
        if rng.random() < 0.85:
            place = {"city": city, "address_visibility": rng.choice(VISIBILITIES),
                     "country": "FR" if city == "Paris" else "GB"}
            if place["address_visibility"] == "public" and rng.random() < 0.5:
                place.update(latitude=round(53.8 + rng.uniform(-0.3, 0.3), 6),
                             longitude=round(-1.55 + rng.uniform(-0.3, 0.3), 6))
        claims = []
        if rng.random() < 0.3:
            claims = [{"body": accrediting_body, "status": rng.choice(["verified", "verified", "claimed"]),
                       "valid_until": today + datetime.timedelta(days=rng.choice([-1, 0, 30]))}]
        make_group(
            # Repeated names: the order then rests on the id, as the SQL's does. "Warm" in some names and in
            # other groups' summaries: a search for it ranks the first above the second, not just by name.
            f"Circle {number % 17:02d}{' Warm' if number % 5 == 0 else ''}",
            # Women named in a summary, by groups not always filed under "women": the term's bonus then orders.
            summary=rng.choice(["A warm group.", "Peer support for survivors.", "Women and their children welcome."]),
            cost=rng.choice(["free", "donation", "sliding-scale", "fee"]), place=place, claims=claims,
            status=rng.choice(["published"] * 6 + ["paused", "draft", "closed"]),
            time_zone=rng.choice(ZONES),
            meetings=[random_meeting(rng, today) for _ in range(rng.choice([0, 1, 1, 2]))],
            **terms,
        )


def random_search(rng):
    parts = random_query(rng).split("&") if rng.random() < 0.9 else []
    if rng.random() < 0.25:
        parts.append(f"time={rng.choice(['morning', 'afternoon', 'evening'])}")
    if rng.random() < 0.15:
        parts.append(f"lat={53.8 + rng.uniform(-0.5, 0.5):.2f}&lng={-1.5 + rng.uniform(-0.5, 0.5):.2f}")
    parts.append(f"sort={rng.choice(['name', 'distance', 'next', 'relevance', ''])}")
    parts.append(f"page={rng.choice([1, 1, 2, 3, 9])}")
    return "&".join(part for part in parts if part)


def outcome(result):
    """Everything a visitor sees of a search, but the cards' words."""
    return {
        "count": result.count,
        "pages": result.paginator.num_pages,
        "page": result.page.number,
        "ids": [group.pk for group in result.page.object_list],
        "distances": [(getattr(group, "distance_shown", None), getattr(group, "within_reach", None))
                      for group in result.page.object_list],
        "facets": counts_of(result.facets),
        "accredited": result.accredited_count,
        "on_request": result.on_request_count,
        "warnings": result.warnings,
    }


@pytest.mark.django_db
def test_the_index_gives_the_results_of_the_sql_on_random_searches(mixed_directory):
    from groups.directory.selectors import search_groups_sql

    rng = random.Random(31)
    found = 0
    for _ in range(70):
        query = random_search(rng)
        page_size = rng.choice([3, 5, 20])
        fast = outcome(search_groups(QueryDict(query), page_size=page_size))
        assert fast == outcome(search_groups_sql(QueryDict(query), page_size=page_size)), query
        found += bool(fast["ids"])
    assert found > 40  # most searches found groups, so equal results mean something


@pytest.mark.django_db
def test_the_same_order_for_every_sort_over_all_pages(mixed_directory):
    from groups.directory.selectors import search_groups_sql

    # "dv" and "women" are in the synonym list: filed under a term, or the word in the text, ranks higher if both.
    for query in ["sort=name", "q=survivors", "q=warm", "q=circle", "q=the&sort=relevance", "q=warm&sort=next",
                  "q=dv", "q=women", "q=warm+women", "q=domestic+violence+peer&type=therapeutic",
                  "near=Leeds&radius=50&sort=distance",
                  "near=York&radius=300&sort=next", "near=Leeds&radius=5", "day=tue,sat&time=evening&sort=next",
                  "near=Leeds&radius=100&q=peer", "accredited=1&sort=next"]:
        fast = search_groups(QueryDict(query), page_size=1000)
        reference = search_groups_sql(QueryDict(query), page_size=1000)
        assert outcome(fast) == outcome(reference), query


@pytest.mark.django_db
@pytest.mark.parametrize("sparse", [0, 10**9], ids=["every section sorted by key", "every section scanned"])
def test_both_ways_of_ordering_a_section_give_the_sqls_order(mixed_directory, monkeypatch, sparse):
    """fast_search.following() reads a section off the whole order, or sorts a small one by each rank's position
    (keyword relevance: fast_search.Positions; distance); which one depends on sizes, so each is forced here."""
    from groups.directory import fast_search
    from groups.directory.selectors import search_groups_sql

    monkeypatch.setattr(fast_search, "SPARSE", sparse)
    for query in ["q=warm", "q=women&type=therapeutic", "q=warm+women&format=online", "q=dv&sort=relevance",
                  "q=survivors&cost=free", "q=peer&trauma=domestic-abuse", "near=Leeds&radius=50&sort=distance",
                  "near=Leeds&radius=5&sort=distance&cost=free"]:
        fast = search_groups(QueryDict(query), page_size=1000)
        assert outcome(fast) == outcome(search_groups_sql(QueryDict(query), page_size=1000)), query
        assert fast.count > 1, query  # an order of one group would prove nothing


# Sort by distance, past the groups within reach: groups that meet remotely, by the distance each card shows.
# Their distances fall on either side of a rounding boundary, so an order by the unrounded distance, or rounded
# the other way (whole km for a public address, tenths for an area, an area nearer than 1 km shown as 0), differs.
ORIGIN = (53.80, -1.55)  # "Use my location" keeps two decimals
# name -> (public address km due north of the origin) or (area: a point of the 5 km grid cell it is snapped to,
# as steps of about 5 km north and east, its centre that many km from the origin)
BOUNDARIES = {
    "Remote 01 area": ("area-only", (0, 0)),  # 0.211 km: shown 1, after 0.7
    "Remote 02 public": ("public", 0.7),
    "Remote 03 public": ("public", 5.13),  # 5.1: after the area's 5, though nearer than its 5.415
    "Remote 04 area": ("area-only", (-1, -1)),  # 5.415 km: 5
    "Remote 05 area": ("area-only", (1, 0)),  # 5.722 km: 6, after 5.9 though nearer
    "Remote 06 public": ("public", 5.93),
    "Remote 07 area": ("area-only", (2, 0)),  # 10.207 km: 10, a tie with the next, kept by name
    "Remote 08 area": ("area-only", (-2, 0)),  # 9.796 km: 10
    "Remote 09 public": ("public", 12.04),  # 12.0, a tie with the next, kept by name
    "Remote 10 public": ("public", 11.96),
}
# A pair on either side of a boundary and a tie, each filed under a type of its own: searched for, a section small
# enough to be sorted by itself (fast_search.SPARSE) rather than read off the whole order.
FILED = {"Remote 03 public": "educational", "Remote 04 area": "educational", "Remote 09 public": "therapeutic",
         "Remote 10 public": "therapeutic"}
SHOWN_ORDER = ["Remote 02 public", "Remote 01 area", "Remote 04 area", "Remote 03 public", "Remote 06 public",
               "Remote 05 area", "Remote 07 area", "Remote 08 area", "Remote 09 public", "Remote 10 public"]


@pytest.fixture
def rounding_boundaries(make_group):
    for name, (visibility, where) in BOUNDARIES.items():
        if visibility == "public":
            lat, lng = ORIGIN[0] + where / geo.KM_PER_DEGREE_LATITUDE, ORIGIN[1]
        else:
            lat, lng = ORIGIN[0] + where[0] * 0.045, ORIGIN[1] + where[1] * 0.075
        make_group(name, formats=("online",), types=("community-based", *filter(None, [FILED.get(name)])),
                   place={"latitude": round(lat, 6), "longitude": round(lng, 6), "address_visibility": visibility})
    rng = random.Random(3)
    for number in range(60):  # around Leeds and York, some with no point to measure from
        place = {"latitude": round(rng.uniform(53.7, 54.0), 6), "longitude": round(rng.uniform(-1.7, -1.0), 6),
                 "address_visibility": rng.choice(["public", "area-only", "area-only", "on-request"])}
        make_group(f"Remote padding {number:02d}", formats=("phone",), place=place if number % 7 else None)


@pytest.mark.django_db
def test_no_travel_groups_are_ordered_by_the_distance_shown_on_either_side_of_rounding(rounding_boundaries):
    from groups.directory.fast_search import SPARSE
    from groups.directory.selectors import search_groups_sql

    located = Group.objects.filter(meets_remotely=True, place__search_latitude__isnull=False).exclude(
        place__address_visibility="on-request")
    assert located.count() > 2 * SPARSE  # so a search for a type filed above takes the sparse path
    where = f"lat={ORIGIN[0]:.2f}&lng={ORIGIN[1]:.2f}&radius=0.1&sort=distance"
    names = dict(Group.objects.values_list("pk", "name"))
    for query, page_size in [(where, 1000), (where, 3), (f"{where}&page=4", 3), (f"{where}&type=educational", 20),
                             (f"{where}&type=therapeutic", 20), (f"{where}&type=educational,therapeutic", 1)]:
        fast = outcome(search_groups(QueryDict(query), page_size=page_size))
        assert fast == outcome(search_groups_sql(QueryDict(query), page_size=page_size)), query
    every = outcome(search_groups(QueryDict(where), page_size=1000))
    assert [names[pk] for pk in every["ids"] if names[pk] in BOUNDARIES] == SHOWN_ORDER
    assert not any(within for _distance, within in every["distances"])  # all in the no-travel section
