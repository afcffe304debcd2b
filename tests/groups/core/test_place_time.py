"""Where and when: place search, distances, private addresses under attack, day and time, next meeting."""

import datetime
import math

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from groups.core import geo
from groups.core.geo import snap_to_area
from groups.models import Group, Place

pytestmark = pytest.mark.django_db

LEEDS = (53.79648, -1.54785)
YORK = (53.95763, -1.08271)  # about 34 km from Leeds
BRADFORD = (53.79391, -1.75206)  # about 13 km from Leeds


def api(client, query):
    response = client.get("/api/v1/groups/" + query)
    assert response.status_code == 200
    return response.json()


def result_slugs(data):
    return [r["slug"] for r in data["results"]]


@pytest.fixture
def yorkshire(make_group):
    def at(name, point, visibility="public", formats=("in-person",), **kwargs):
        return make_group(name, slug=name, formats=formats, place={
            "city": name.title(), "latitude": f"{point[0]:.6f}", "longitude": f"{point[1]:.6f}",
            "address_line1": "1 Private Road", "address_visibility": visibility}, **kwargs)

    return {
        "leeds": at("leeds", LEEDS),
        "bradford": at("bradford", BRADFORD),
        "york": at("york", YORK),
        "online": make_group("online", slug="online", formats=["online"]),
        "phone": make_group("phone", slug="phone", formats=["phone"]),
    }


class TestPlaceSearch:
    def test_near_a_town_finds_groups_within_the_radius_then_those_online(self, client, yorkshire):
        data = api(client, "?near=Leeds&sort=distance")
        assert result_slugs(data) == ["leeds", "bradford", "online", "phone"]
        assert [r["within_reach"] for r in data["results"]] == [True, True, False, False]
        assert data["results"][0]["distance_km"] < 2
        assert data["results"][1]["distance_km"] == pytest.approx(13.7, abs=1.5)
        assert data["results"][2]["distance_km"] is None
        assert result_slugs(api(client, "?near=Leeds&radius=50&sort=distance"))[:3] == ["leeds", "bradford", "york"]

    def test_the_page_shows_distances_and_online_groups_after_the_others(self, client, yorkshire):
        page = client.get("/groups/?near=Leeds&sort=distance").content.decode()
        assert "km away" in page
        assert "Online or by phone — no travel" in page
        assert page.index("km away") < page.index("no travel") < page.index(">online<")
        assert "within 25 km of Leeds, England, United Kingdom" in page

    def test_each_part_of_a_place_search_has_its_heading(self, client, yorkshire):
        page = client.get("/groups/?near=Leeds&sort=distance").content.decode()
        within = '<li class="cards__divider"><h3>Within 25 km of Leeds, England, United Kingdom</h3></li>'
        no_travel = '<li class="cards__divider"><h3>Online or by phone — no travel</h3></li>'
        assert page.count(within) == 1 and page.count(no_travel) == 1
        assert page.index(within) < page.index(">leeds<") < page.index(">bradford<") < page.index(no_travel)
        assert page.index(no_travel) < page.index(">online<")
        # Nothing within reach: only the no-travel heading; no place: no headings at all.
        far = client.get("/groups/?near=London&radius=5").content.decode()
        assert "<h3>Within 5 km of" not in far and no_travel in far
        assert "cards__divider" not in client.get("/groups/").content.decode()

    def test_an_in_person_only_search_drops_online_groups(self, client, yorkshire):
        assert result_slugs(api(client, "?near=Leeds&format=in-person")) == ["bradford", "leeds"]

    def test_hybrid_groups_far_away_count_as_no_travel(self, client, make_group):
        make_group("far-hybrid", slug="far-hybrid", formats=["in-person", "hybrid"],
                   place={"city": "Paris", "country": "FR", "latitude": "48.85", "longitude": "2.35"})
        data = api(client, "?near=Leeds")
        assert [(r["slug"], r["within_reach"]) for r in data["results"]] == [("far-hybrid", False)]

    def test_lat_and_lng_are_rounded_to_about_a_kilometre(self, client, yorkshire):
        data = api(client, "?lat=53.796481234&lng=-1.547851234&sort=distance")
        assert result_slugs(data)[:2] == ["leeds", "bradford"]
        page = client.get("/groups/?lat=53.796481234&lng=-1.547851234").content.decode()
        assert "53.796481234" not in page and 'value="53.80"' in page

    def test_an_ambiguous_name_offers_the_other_places(self, client, taxonomy):
        page = client.get("/groups/?near=London").content.decode()
        assert "London, England, United Kingdom" in page
        assert "Did you mean another place?" in page
        assert "near=London%2C+Canada" in page

    def test_a_country_or_state_narrows_a_name(self, client, make_group):
        make_group("ontario", slug="ontario", place={"city": "London", "country": "CA", "latitude": "42.98",
                                                    "longitude": "-81.23", "address_visibility": "public"})
        assert result_slugs(api(client, "?near=London,+Canada&format=in-person")) == ["ontario"]
        assert result_slugs(api(client, "?near=London&format=in-person")) == []

    def test_an_unknown_name_suggests_close_spellings_as_links(self, client, taxonomy):
        # Changed on purpose (issue 11): suggestions are links on the page, no longer text in the warning.
        page = client.get("/groups/?near=Manchster").content.decode()
        assert '<a href="/groups/?near=Manchester%2C+England%2C+United+Kingdom">' in page
        data = api(client, "?near=Manchster")
        assert any("the place was not used" in warning for warning in data["warnings"])

    def test_an_unknown_place_keeps_the_other_filters_and_says_the_place_was_not_used(self, client, yorkshire):
        data = api(client, "?near=Leds&format=online")
        assert result_slugs(data) == ["online"]
        assert any("“Leds”, so the place was not used" in warning for warning in data["warnings"])
        page = client.get("/groups/?near=Leds&format=online").content.decode()
        assert "the place was not used: these are groups from everywhere" in page
        assert "1 group found" in page and "km away" not in page
        # The suggestion is a link to the same search with the place replaced.
        assert 'Did you mean: <a href="/groups/?format=online&amp;near=Leeds%2C+England%2C+United+Kingdom">' in page
        assert "Saint Petersburg" not in page and "Yichun" not in page

    def test_a_local_name_searches_near_the_place_people_mean(self, client, yorkshire):
        page = client.get("/groups/?near=Newcastle").content.decode()
        assert "within 25 km of Newcastle upon Tyne, England, United Kingdom" in page
        assert "near=Newcastle%2C+Australia" in page
        assert "within 25 km of Kingston upon Hull" in client.get("/groups/?near=Hull").content.decode()

    def test_postcodes_are_refused_plainly(self, client, taxonomy):
        data = api(client, "?near=LS1+4AP")
        assert any("postcode" in warning for warning in data["warnings"])

    @pytest.mark.parametrize("query", ["?lat=91&lng=0", "?lat=abc&lng=1", "?lat=10", "?lat=1&lng=181",
                                       "?lat=nan&lng=inf", "?near=Leeds&radius=-5", "?near=Leeds&radius=abc",
                                       "?near=Leeds&radius=100000", "?sort=distance"])
    def test_malformed_place_values_are_reported_not_errors(self, client, yorkshire, query):
        assert client.get("/groups/" + query).status_code == 200
        data = api(client, query)
        assert data["warnings"], query

    def test_radius_is_capped_at_500_km(self, client, yorkshire):
        data = api(client, "?near=Leeds&radius=100000")
        assert any("500 km" in warning for warning in data["warnings"])

    def test_a_place_without_coordinates_is_located_at_its_city_centre(self, make_group):
        group = make_group("no-coords", slug="no-coords", place={"city": "York", "country": "GB"})
        place = Place.objects.get(group=group)
        assert place.latitude is None
        assert geo.haversine_km(place.search_latitude, place.search_longitude, *YORK) < 1


class TestDistances:
    @pytest.mark.parametrize(
        "origin, point",
        [
            ((53.8, -1.55), (51.5, -0.12)),  # Leeds to London
            ((-17.7, 179.9), (-17.7, -179.8)),  # across the antimeridian (Fiji)
            ((69.65, 18.96), (70.66, 23.68)),  # high latitude: Tromsø to Hammerfest
            ((-33.87, 151.21), (-35.28, 149.13)),  # Sydney to Canberra, southern hemisphere
        ],
    )
    def test_within_half_a_percent_of_haversine_on_both_databases(self, client, make_group, origin, point):
        make_group("target", slug="target", formats=["in-person"], place={
            "city": "X", "latitude": f"{point[0]:.6f}", "longitude": f"{point[1]:.6f}", "address_visibility": "public"})
        expected = geo.haversine_km(*origin, *point)
        radius = min(500, expected * 1.2 + 5)
        data = api(client, f"?lat={origin[0]}&lng={origin[1]}&radius={radius:.0f}")
        assert result_slugs(data) == ["target"], (origin, point, expected)
        # The query rounds the origin to ~1 km, so compare with the rounded origin.
        rounded = geo.haversine_km(round(origin[0], 2), round(origin[1], 2), *point)
        assert data["results"][0]["distance_km"] == pytest.approx(rounded, rel=0.005, abs=0.1)

    def test_the_bounding_box_does_not_lose_groups_at_the_antimeridian(self, client, make_group):
        make_group("east", slug="east", place={"city": "A", "latitude": "-16.5", "longitude": "179.95",
                                               "address_visibility": "public"})
        make_group("west", slug="west", place={"city": "B", "latitude": "-16.5", "longitude": "-179.95",
                                               "address_visibility": "public"})
        assert sorted(result_slugs(api(client, "?lat=-16.5&lng=-179.99&radius=25"))) == ["east", "west"]
        assert sorted(result_slugs(api(client, "?lat=-16.5&lng=179.99&radius=25"))) == ["east", "west"]

    def test_near_the_pole_every_longitude_is_considered(self, client, make_group):
        make_group("arctic", slug="arctic", place={"city": "C", "latitude": "89.5", "longitude": "100",
                                                   "address_visibility": "public"})
        assert result_slugs(api(client, "?lat=89.5&lng=-80&radius=200")) == ["arctic"]


class TestPrivateAddressesUnderAttack:
    """Searching from many chosen points must never place a private address closer than its area."""

    REAL = (53.801234, -1.548765)

    def probe(self, client):
        """Search from a ring of points at several radii, as an attacker would, and keep every answer."""
        answers = []
        for step_km in (0.5, 2, 4):
            for bearing in range(0, 360, 45):
                lat = self.REAL[0] + step_km / 111.32 * math.cos(math.radians(bearing))
                lng = self.REAL[1] + step_km / (111.32 * math.cos(math.radians(self.REAL[0]))) * math.sin(
                    math.radians(bearing))
                for radius in (1, 3):
                    data = api(client, f"?lat={lat:.2f}&lng={lng:.2f}&radius={radius}&format=in-person")
                    answers.append([(r["slug"], r["distance_km"], r["latitude"]) for r in data["results"]])
        return answers

    @pytest.mark.parametrize("visibility", ["area-only", "on-request"])
    def test_answers_depend_only_on_the_area_not_the_address(self, client, make_group, visibility):
        group = make_group("hidden", slug="hidden", formats=["in-person"], place={
            "city": "Leeds", "latitude": f"{self.REAL[0]}", "longitude": f"{self.REAL[1]}",
            "address_visibility": visibility})
        first = self.probe(client)
        # Move the meeting place within the same 5 km cell: an attacker must see exactly the same answers.
        place = Place.objects.get(group=group)
        cell = snap_to_area(*self.REAL)
        place.latitude, place.longitude = f"{cell[0] + 0.01:.6f}", f"{cell[1] - 0.012:.6f}"
        place.save()
        assert snap_to_area(float(place.latitude), float(place.longitude)) == cell
        assert self.probe(client) == first
        if visibility == "area-only":
            assert any(answer for answer in first)  # the group is findable, only not locatable
        else:
            assert not any(answer for answer in first)  # on request: a place search does not list it at all
        assert all(latitude is None for answer in first for _slug, _d, latitude in answer)

    def test_the_search_point_of_a_private_address_is_at_least_a_grid_cell_away_from_exact(self, make_group):
        for lat, lng in [(53.8, -1.55), (69.65, 18.96), (-33.87, 151.21), (0.01, 179.99), (64.1, -21.9)]:
            snapped = snap_to_area(lat, lng)
            # Every point of a cell maps to its centre, and cells are at least 5 km across.
            lat_step = 5 / 111.32
            assert snap_to_area(lat + lat_step * 0.4, lng) in (snapped, snap_to_area(lat + lat_step, lng))
            assert geo.haversine_km(lat, lng, *snapped) <= 5 * math.sqrt(2)


class TestDayAndTime:
    @pytest.fixture
    def schedule(self, make_group):
        make_group("tue-evening", slug="tue-evening",
                   meetings=[{"frequency": "weekly", "weekday": 1, "start_time": "18:30", "end_time": "20:00"}])
        make_group("thu-morning", slug="thu-morning", time_zone="Australia/Sydney",
                   meetings=[{"frequency": "monthly", "weekday": 3, "week_of_month": 1, "start_time": "10:00"}])
        make_group("both", slug="both", time_zone="America/New_York", meetings=[
            {"frequency": "weekly", "weekday": 1, "start_time": "19:00"},
            {"frequency": "every-n-weeks", "weekday": 3, "interval_weeks": 2, "starts_on": "2026-01-01",
             "start_time": "09:00"}])
        make_group("late-night", slug="late-night", meetings=[{"frequency": "weekly", "weekday": 1,
                                                               "start_time": "22:30"}])
        make_group("arranged", slug="arranged", meetings=[{"frequency": "by-arrangement"}])

    @pytest.mark.parametrize(
        "query, expected",
        [
            ("?day=tue", ["both", "late-night", "tue-evening"]),
            ("?day=thu", ["both", "thu-morning"]),
            ("?time=morning", ["both", "thu-morning"]),
            ("?time=evening", ["both", "tue-evening"]),
            ("?day=tue&time=evening", ["both", "tue-evening"]),
            # Day and time must hold for the same meeting: "both" meets Tuesday evening and Thursday morning.
            ("?day=tue&time=morning", []),
            ("?day=sat,thu&time=morning", ["both", "thu-morning"]),
        ],
    )
    def test_day_and_time_in_the_groups_own_time(self, client, schedule, query, expected):
        assert sorted(result_slugs(api(client, query))) == expected

    def test_time_of_day_boundaries(self, client, make_group):
        for slug, start in [("at-5", "05:00"), ("at-1159", "11:59"), ("at-12", "12:00"), ("at-17", "17:00"),
                            ("at-2159", "21:59"), ("at-22", "22:00"), ("at-0459", "04:59")]:
            make_group(slug, slug=slug, meetings=[{"frequency": "weekly", "weekday": 0, "start_time": start}])
        assert sorted(result_slugs(api(client, "?time=morning"))) == ["at-1159", "at-5"]
        assert sorted(result_slugs(api(client, "?time=afternoon"))) == ["at-12"]
        assert sorted(result_slugs(api(client, "?time=evening"))) == ["at-17", "at-2159"]

    def test_sort_by_next_meeting(self, client, make_group):
        from django.utils import timezone

        now = timezone.now().astimezone(datetime.UTC)
        for slug, hours in [("in-3-days", 72), ("in-1-day", 24), ("in-5-days", 120)]:
            start = now + datetime.timedelta(hours=hours)
            make_group(slug, slug=slug, time_zone="UTC", meetings=[{
                "frequency": "weekly", "weekday": start.weekday(), "start_time": start.time().replace(second=0,
                                                                                                        microsecond=0)}])
        make_group("no-meetings", slug="no-meetings")
        data = api(client, "?sort=next")
        assert result_slugs(data) == ["in-1-day", "in-3-days", "in-5-days", "no-meetings"]
        assert data["results"][0]["next_meeting"].endswith("+00:00")

    def test_next_meeting_is_given_with_its_offset(self, client, make_group):
        make_group("sydney", slug="sydney", time_zone="Australia/Sydney",
                   meetings=[{"frequency": "weekly", "weekday": 2, "start_time": "19:00"}])
        next_meeting = api(client, "")["results"][0]["next_meeting"]
        parsed = datetime.datetime.fromisoformat(next_meeting)
        assert parsed.utcoffset() in (datetime.timedelta(hours=10), datetime.timedelta(hours=11))
        assert parsed.strftime("%H:%M") == "19:00" and parsed.weekday() == 2

    @pytest.mark.parametrize("query", ["?day=someday", "?time=noon", "?day=", "?sort=sideways"])
    def test_malformed_time_values_are_reported(self, client, schedule, query):
        response = client.get("/groups/" + query)
        assert response.status_code == 200
        if query != "?day=":
            assert api(client, query)["warnings"]


class TestFacetsWithPlaceAndTime:
    @pytest.mark.parametrize("query", ["?near=Leeds", "?near=Leeds&day=tue",
                                       "?lat=53.8&lng=-1.55&radius=50&time=evening", "?near=Leeds&format=online"])
    def test_counts_equal_adding_the_option(self, client, yorkshire, query):
        for group in Group.objects.filter(slug__in=["leeds", "online"]):
            group.meeting_times.create(frequency="weekly", weekday=1, start_time=datetime.time(18))
        data = api(client, query)
        for param in ["type", "format", "cost", "language"]:
            for slug, shown in data["facets"][param].items():
                if f"{param}={slug}" in query:
                    continue
                assert shown == api(client, f"{query}&{param}={slug}")["count"], (query, param, slug)


class TestCalendar:
    def test_calendar_follows_address_visibility_and_never_has_the_join_link(self, client, make_group):
        make_group("cal", slug="cal", join_link="https://meet.example/private-room",
                   place={"city": "Leeds", "region": "West Yorkshire", "address_line1": "1 Private Road",
                          "address_visibility": "area-only"},
                   meetings=[{"frequency": "monthly", "weekday": 4, "week_of_month": -1, "start_time": "19:00",
                              "end_time": "21:00"}])
        response = client.get("/groups/cal/calendar.ics")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/calendar")
        body = response.content.decode()
        assert "RRULE:FREQ=MONTHLY;BYDAY=-1FR" in body and "TZID=Europe/London" in body
        assert "Leeds" in body and "Private Road" not in body and "private-room" not in body
        assert not response.cookies

    def test_unpublished_groups_have_no_calendar(self, client, make_group):
        make_group("hidden", slug="hidden", status="draft", meetings=[{"frequency": "weekly", "weekday": 1,
                                                                         "start_time": "10:00"}])
        assert client.get("/groups/hidden/calendar.ics").status_code == 404


class TestQueryCountsWithPlaceAndTime:
    @pytest.mark.parametrize("query", ["?near=Leeds&radius=100&sort=distance", "?sort=next&day=tue",
                                       "?lat=53.8&lng=-1.5&sort=next&type=community-based"])
    def test_fixed_whatever_the_number_of_results(self, client, make_group, query):
        def count():
            with CaptureQueriesContext(connection) as queries:
                assert client.get("/groups/" + query).status_code == 200
            return len(queries)

        make_group(place={"city": "Leeds", "latitude": "53.8", "longitude": "-1.55", "address_visibility": "area-only"},
                   meetings=[{"frequency": "weekly", "weekday": 1, "start_time": "10:00"}])
        before = count()
        for n in range(25):
            make_group(formats=["in-person", "online"], place={"city": "Leeds", "latitude": f"{53.7 + n / 100}",
                                                               "longitude": "-1.5"},
                       meetings=[{"frequency": "weekly", "weekday": 1, "start_time": "19:00"}])
        assert count() == before
