"""Distances read true: the radius means what it says, and the order by distance is the order shown."""

import math
import re

import pytest

from groups.core import geo

pytestmark = pytest.mark.django_db

ORIGIN = (50.0, -1.0)  # two decimals, so the search does not round it


def north_of(origin, km):
    """The point km due north of origin, on the sphere haversine_km uses."""
    return origin[0] + km / geo.KM_PER_DEGREE_LATITUDE, origin[1]


def at(make_group, slug, point, visibility="public", **kwargs):
    return make_group(slug, slug=slug, formats=["in-person"], place={
        "city": "Somewhere", "latitude": f"{point[0]:.6f}", "longitude": f"{point[1]:.6f}",
        "address_visibility": visibility}, **kwargs)


def search(client, query):
    response = client.get(f"/api/v1/groups/?lat={ORIGIN[0]}&lng={ORIGIN[1]}&{query}")
    assert response.status_code == 200
    return response.json()


class TestRadiusBoundary:
    @pytest.mark.parametrize("km, found", [(99.95, True), (100.05, False)])
    def test_due_north_of_the_boundary(self, client, make_group, km, found):
        at(make_group, "edge", north_of(ORIGIN, km))
        assert geo.haversine_km(*ORIGIN, *north_of(ORIGIN, km)) == pytest.approx(km, abs=0.001)
        slugs = [r["slug"] for r in search(client, "radius=100")["results"]]
        assert slugs == (["edge"] if found else [])

    @pytest.mark.parametrize("km, found", [(24.9, True), (25.1, False)])
    def test_due_east_of_the_boundary(self, client, make_group, km, found):
        # Along the parallel the great circle bends north, so aim a little short and check the real distance.
        lng_step = km / (geo.KM_PER_DEGREE_LATITUDE * math.cos(math.radians(ORIGIN[0])))
        east = (ORIGIN[0], ORIGIN[1] + lng_step)
        assert geo.haversine_km(*ORIGIN, *east) == pytest.approx(km, abs=0.01)
        at(make_group, "edge", east)
        slugs = [r["slug"] for r in search(client, "radius=25")["results"]]
        assert slugs == (["edge"] if found else [])


def hidden_point_with_fraction(origin):
    """A point whose 5 km cell centre is d km from origin, with d's fraction between 0.2 and 0.45:
    shown as round(d) km, which is less than round(d) + 0.1 although d is more."""
    for north in range(3, 30):
        for east in range(0, 30):
            lat, lng = north_of(origin, north)
            point = (lat, lng + east / (geo.KM_PER_DEGREE_LATITUDE * math.cos(math.radians(lat))))
            cell = geo.snap_to_area(*point)
            distance = geo.haversine_km(*origin, *cell)
            if 0.2 < distance % 1 < 0.45:
                return point, distance
    raise AssertionError("no suitable cell")


class TestOrderIsTheOrderShown:
    @pytest.fixture
    def groups(self, make_group):
        point, cell_distance = hidden_point_with_fraction(ORIGIN)
        at(make_group, "hidden", point, visibility="area-only")
        public_km = round(cell_distance) + 0.1  # shown as more than the area's whole km, but nearer
        assert public_km < cell_distance
        at(make_group, "public", north_of(ORIGIN, public_km))
        return round(cell_distance), public_km

    def test_json_distances_are_as_shown_and_in_order(self, client, groups):
        hidden_km, public_km = groups
        data = search(client, "radius=50&sort=distance")
        assert [(r["slug"], r["distance_km"]) for r in data["results"]] == [
            ("hidden", hidden_km), ("public", pytest.approx(public_km))]

    def test_page_distances_are_in_order_and_match_the_json(self, client, groups):
        hidden_km, public_km = groups
        page = client.get(f"/groups/?lat={ORIGIN[0]}&lng={ORIGIN[1]}&radius=50&sort=distance").content.decode()
        shown = re.findall(r"(?:about )?([0-9.]+) km away", page)
        assert shown == [str(hidden_km), f"{public_km:.1f}"]
        assert f"about {hidden_km} km away (the group&#x27;s area)" in page


class TestHiddenDistancesAreRounded:
    @pytest.mark.parametrize("visibility", ["area-only"])
    def test_whole_kilometres_on_the_page_and_in_the_json(self, client, make_group, visibility):
        point, cell_distance = hidden_point_with_fraction(ORIGIN)
        at(make_group, "hidden", point, visibility=visibility)
        (result,) = search(client, "radius=50")["results"]
        assert result["distance_km"] == round(cell_distance)
        assert result["latitude"] is None
        page = client.get(f"/groups/?lat={ORIGIN[0]}&lng={ORIGIN[1]}&radius=50").content.decode()
        assert f"about {round(cell_distance)} km away" in page
        assert f"{cell_distance:.1f}" not in page

    def test_a_hidden_group_in_the_same_cell_is_about_1_km_away(self, client, make_group):
        cell = geo.snap_to_area(*ORIGIN)
        at(make_group, "close", cell, visibility="area-only")
        search_from = f"lat={cell[0]:.2f}&lng={cell[1]:.2f}"
        data = client.get(f"/api/v1/groups/?{search_from}").json()
        assert data["results"][0]["distance_km"] == 1
        assert "about 1 km away" in client.get(f"/groups/?{search_from}").content.decode()
