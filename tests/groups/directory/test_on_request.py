""""On request" means it: no town, region or distance anywhere, and a place search does not list the group.

Also the privacy checks the issue found missing: a place search sets no cookie, and no calendar is served for
a group the public may not see.
"""

from unittest import mock

import pytest

pytestmark = pytest.mark.django_db

TOWN, REGION, STREET = "Ilkley", "Wharfe Valley", "3 Quiet Row"
NEAR_LEEDS = {"latitude": "53.925000", "longitude": "-1.822000"}  # about 20 km from Leeds


@pytest.fixture
def on_request(make_group):
    return make_group(
        "Riverside Circle", slug="riverside", formats=["in-person"], types=["therapeutic"],
        place={"city": TOWN, "region": REGION, "address_line1": STREET, "postcode": "LS29 9ZZ",
               "address_visibility": "on-request", **NEAR_LEEDS},
        meetings=[{"frequency": "weekly", "weekday": 2, "start_time": "18:00"}],
    )


def assert_nothing_of_the_place(body):
    for secret in (TOWN, REGION, STREET, "LS29", "53.92", "-1.82"):
        assert secret not in body, secret


def test_the_group_page_says_the_address_is_given_after_contact(client, on_request):
    page = client.get("/groups/riverside/").content.decode()
    assert "gives its address only after you have been in touch" in page
    assert_nothing_of_the_place(page)


def test_the_card_shows_no_area(client, on_request):
    page = client.get("/groups/").content.decode()
    assert "Riverside Circle" in page and "Location given after contact" in page
    assert_nothing_of_the_place(page)


def test_the_json_has_no_town_region_or_point(client, on_request):
    for url in ["/api/v1/groups/", "/api/v1/groups/riverside/"]:
        response = client.get(url)
        assert_nothing_of_the_place(response.content.decode())
    detail = client.get("/api/v1/groups/riverside/").json()
    assert detail["city"] is None and detail["region"] is None and detail["address"] is None
    assert detail["latitude"] is None and detail["country"] == "GB"


def test_the_calendar_has_no_location(client, on_request):
    response = client.get("/groups/riverside/calendar.ics")
    assert response.status_code == 200
    body = response.content.decode().replace("\r\n ", "")
    assert "LOCATION:The address is given by the group after contact" in body
    assert_nothing_of_the_place(body)


def test_the_town_is_not_a_search_word(client, on_request):
    assert client.get("/api/v1/groups/?q=" + TOWN).json()["count"] == 0
    assert client.get("/api/v1/groups/?q=riverside").json()["count"] == 1


class TestPlaceSearch:
    def test_not_listed_and_counted_in_a_note(self, client, on_request, make_group):
        make_group("Leeds Public", slug="public", formats=["in-person"], types=["therapeutic"],
                   place={"city": "Leeds", "latitude": "53.8", "longitude": "-1.55", "address_visibility": "public"})
        data = client.get("/api/v1/groups/?near=Leeds&radius=50&type=therapeutic").json()
        assert [r["slug"] for r in data["results"]] == ["public"]
        assert data["on_request_elsewhere"] == 1
        page = client.get("/groups/?near=Leeds&radius=50&type=therapeutic&sort=distance").content.decode()
        assert "1 more group that matches your other choices shares its location only on request" in page
        assert 'href="/groups/?type=therapeutic">Search without a place' in page
        assert "Riverside Circle" not in page
        # The note follows the other choices, never the place.
        assert client.get("/api/v1/groups/?near=Leeds&type=educational").json()["on_request_elsewhere"] == 0
        far = client.get("/api/v1/groups/?near=London&radius=5&type=therapeutic").json()
        assert far["on_request_elsewhere"] == 1

    def test_a_large_count_is_written_as_the_other_counts_are(self, client, on_request):
        from groups.directory import views

        def search(querydict, **kwargs):
            result = real(querydict, **kwargs)
            result.on_request_count = 8676
            return result

        real = views.search_groups
        with mock.patch.object(views, "search_groups", search):
            page = client.get("/groups/?near=Leeds").content.decode()
        assert "8,676 more groups that match your other choices share their location only on request" in page

    def test_a_group_that_also_meets_online_is_listed_without_distance(self, client, make_group):
        make_group("Hybrid Circle", slug="hybrid", formats=["in-person", "hybrid"],
                   place={"city": TOWN, "region": REGION, "address_visibility": "on-request", **NEAR_LEEDS})
        data = client.get("/api/v1/groups/?near=Leeds&radius=50").json()
        (result,) = data["results"]
        assert result["within_reach"] is False and result["distance_km"] is None
        assert data["on_request_elsewhere"] == 0
        page = client.get("/groups/?near=Leeds&radius=50").content.decode()
        assert "Online or by phone — no travel" in page and "km away" not in page
        assert_nothing_of_the_place(page)


@pytest.mark.parametrize("url", ["/groups/?near=Leeds", "/api/v1/groups/?near=Leeds",
                                 "/groups/?near=Leeds&radius=nan&sort=distance", "/groups/?near=Nowhere+Atall",
                                 "/api/v1/groups/?lat=53.8&lng=-1.5&sort=next"])
def test_a_place_search_sets_no_cookie(client, on_request, url):
    response = client.get(url)
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers and not response.cookies


@pytest.mark.parametrize("status", ["draft", "pending", "closed"])
def test_no_calendar_for_a_group_the_public_may_not_see(client, make_group, status):
    make_group("Not public", slug="hidden", status=status,
               meetings=[{"frequency": "weekly", "weekday": 1, "start_time": "10:00"}])
    assert client.get("/groups/hidden/calendar.ics").status_code == 404
    assert client.get("/groups/hidden/").status_code == 404


def test_a_paused_group_keeps_its_calendar(client, make_group):
    make_group("Paused", slug="paused", status="paused",
               meetings=[{"frequency": "weekly", "weekday": 1, "start_time": "10:00"}])
    assert client.get("/groups/paused/calendar.ics").status_code == 200
