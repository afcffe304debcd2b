"""The HSDS 3.0 API: every object of every endpoint validates against the official schemas, and the
mapping keeps each group's privacy (area-only, on-request, online) on every endpoint."""

import io
import json

import pytest
from django.core.management import call_command

from groups.core.models import Group, Place
from groups.opendata import ids

from .branches import SECRETS, branches  # noqa: F401 (fixture)

LISTS = ["services", "service_at_locations", "organizations", "taxonomies", "taxonomy_terms"]
ITEM_KIND = {"services": "service", "service_at_locations": "service_at_location", "organizations": "organization",
             "taxonomies": "taxonomy", "taxonomy_terms": "taxonomy_term"}

PAGE_KEYS = ["total_items", "total_pages", "page_number", "size", "first_page", "last_page", "empty", "contents"]

pytestmark = pytest.mark.django_db


def get(client, path, **params):
    response = client.get(f"/api/hsds/{path}", params)
    assert response.status_code == 200, response.content[:500]
    return response.json()


def every_response(client):
    """Every endpoint in every form (page, full, ndjson) and every single object: (path, kind, body)."""
    found = [("", None, get(client, ""))]
    for name in LISTS:
        for params in [{}, {"full": "true"}, {"full_service": "true"}]:
            page = get(client, name, per_page=500, **params)
            found.append((name, "page", page))
            for item in page["contents"]:
                found.append((f"{name}/{item['id']}", ITEM_KIND[name], get(client, f"{name}/{item['id']}")))
        stream = client.get(f"/api/hsds/{name}", {"format": "ndjson"})
        assert stream["Content-Type"].startswith("application/x-ndjson")
        for line in b"".join(stream.streaming_content).decode().splitlines():
            found.append((f"{name}?format=ndjson", ITEM_KIND[name], json.loads(line)))
    return found


def test_every_object_of_every_endpoint_validates(client, branches, hsds_valid):  # noqa: F811
    checked = 0
    for path, kind, body in every_response(client):
        if kind == "page":
            assert set(PAGE_KEYS) <= set(body)
            for item in body["contents"]:
                hsds_valid(ITEM_KIND[path.split("?")[0]], item)
                checked += 1
        elif kind:
            hsds_valid(kind, body)
            checked += 1
    assert checked > 100


def test_no_endpoint_leaks_a_hidden_address_join_link_coordinator_or_evidence(client, branches):  # noqa: F811
    text = json.dumps([body for _path, _kind, body in every_response(client)], ensure_ascii=False)
    leaked = [secret for secret in SECRETS if secret in text]
    assert not leaked
    for hidden in branches["hidden"].values():
        assert hidden.name not in text and str(hidden.uuid) not in text
    assert "Hidden Host" not in text


def test_each_group_maps_to_the_service_it_should(client, branches):  # noqa: F811
    services = {item["name"]: item for item in get(client, "services", full="true")["contents"]}
    assert sorted(services) == ["Area Only Group", "On Request Group", "Online Evening Group", "Open Door Circle",
                                "Paused Group"]
    public = services["Open Door Circle"]
    assert public["id"] == str(branches["public"].uuid)
    assert public["status"] == "active" and services["Paused Group"]["status"] == "temporarily closed"
    assert public["accreditations"].startswith("SafeLives — Leading Lights (The host organisation)")
    assert "assured_date" in public and public["alert"] == "Has a waiting list for new members."
    assert public["organization"]["name"] == "Safe Haven Trust"
    assert public["organization_id"] == services["Area Only Group"]["organization_id"]
    # Claimed only, or expired: no accreditation.
    assert "accreditations" not in services["Area Only Group"]
    assert "accreditations" not in services["On Request Group"]
    assert "organization_id" not in services["On Request Group"]
    assert {(a["link_type"], a["taxonomy_term"]["code"]) for a in public["attributes"]} >= {
        ("type", "community-based"), ("population", "women"), ("language", "fr"), ("access", "hearing-loop"),
        ("cost", "free"), ("format", "in-person")}
    assert [lang["code"] for lang in public["languages"]] == ["en", "fr"]
    assert public["phones"][0]["number"] == "0113 000 0000" and public["email"] == "hello@haven.example"


def test_locations_follow_each_places_visibility(client, branches):  # noqa: F811
    services = {item["name"]: item for item in get(client, "services", full="true")["contents"]}
    public = services["Open Door Circle"]["service_at_locations"][0]["location"]
    assert public["location_type"] == "physical"
    assert public["addresses"][0]["address_1"] == "12 Market Street"
    assert public["addresses"][0]["postal_code"] == "LS1 6AA"
    assert (public["latitude"], public["longitude"]) == (53.799999, -1.549999)
    assert [a["description"] for a in public["accessibility"]] == ["Wheelchair", "Hearing loop"]

    area = services["Area Only Group"]["service_at_locations"][0]["location"]
    address = area["addresses"][0]
    assert (address["address_1"], address["postal_code"], address["city"], address["state_province"],
            address["country"]) == ("", "", "Leeds", "West Yorkshire", "GB")
    place = branches["area"].place
    assert (area["latitude"], area["longitude"]) == (place.search_latitude, place.search_longitude)
    assert abs(area["latitude"] - 53.812345) > 1e-4 or abs(area["longitude"] + 1.567891) > 1e-4

    assert services["On Request Group"]["service_at_locations"] == []
    for name in ["Online Evening Group", "Paused Group"]:
        (virtual,) = services[name]["service_at_locations"]
        assert virtual["location"]["location_type"] == "virtual" and "url" not in virtual["location"]

    sals = get(client, "service_at_locations")["contents"]
    assert {sal["service_id"] for sal in sals} == {str(branches[key].uuid) for key in ["public", "area", "online",
                                                                                        "paused"]}


def test_meeting_times_become_schedules(client, branches):  # noqa: F811
    services = {item["name"]: item for item in get(client, "services", full="true")["contents"]}
    (weekly,) = services["Open Door Circle"]["schedules"]
    assert (weekly["freq"], weekly["interval"], weekly["byday"], weekly["opens_at"], weekly["closes_at"]) == (
        "WEEKLY", 1, "TU", "19:00", "20:30")
    assert weekly["timezone"] in (0, 1) and "Europe/London" in weekly["notes"]
    (fortnightly,) = services["Area Only Group"]["schedules"]
    assert (fortnightly["freq"], fortnightly["interval"], fortnightly["byday"], fortnightly["dtstart"]) == (
        "WEEKLY", 2, "TH", "2026-01-08")
    monthly = services["On Request Group"]["schedules"]
    assert sorted((s["freq"], s["byday"]) for s in monthly) == [("MONTHLY", "-1MO"), ("MONTHLY", "1SA")]
    online = services["Online Evening Group"]["schedules"]
    (by_arrangement,) = [s for s in online if "freq" not in s]  # (NULL weekdays sort first or last by database)
    assert by_arrangement == {"id": by_arrangement["id"], "service_id": str(branches["online"].uuid),
                              "description": "By arrangement"}
    weekly_online = next(s for s in online if "freq" in s)
    assert weekly_online["timezone"] in (-5, -4) and weekly_online["attributes"][0]["value"] == "America/New_York"
    assert len({s["id"] for s in online}) == 3, "two identical meetings still get two ids"


def test_ids_stay_the_same_across_edits(client, branches):  # noqa: F811
    before = get(client, f"services/{branches['area'].uuid}")
    group = branches["area"]
    group.summary = "A new summary."
    group.save()
    after = get(client, f"services/{group.uuid}")
    assert after["description"].startswith("A new summary.")
    assert after["service_at_locations"][0]["id"] == before["service_at_locations"][0]["id"]
    assert after["schedules"][0]["id"] == before["schedules"][0]["id"]
    sal_id = after["service_at_locations"][0]["id"]
    assert ids.unmasked(ids.parse(sal_id), "service_at_location") == group.uuid
    assert get(client, f"service_at_locations/{sal_id}")["service"]["id"] == str(group.uuid)


def test_filters(client, branches):  # noqa: F811
    terms = {t["code"]: t for t in get(client, "taxonomy_terms", per_page=500)["contents"]}
    by_term = get(client, "services", taxonomy_term_id=terms["donation"]["id"])["contents"]
    assert [s["name"] for s in by_term] == ["Area Only Group"]
    by_org = get(client, "services", organization_id=str(ids.organization_id("Safe Haven Trust")))["contents"]
    assert sorted(s["name"] for s in by_org) == ["Area Only Group", "Open Door Circle"]
    assert get(client, "services", search="evening")["total_items"] == 1
    assert get(client, "services", taxonomy_term_id="not-a-uuid")["empty"] is True
    assert get(client, "services", modified_after="2999-01-01")["total_items"] == 0
    page = get(client, "services", per_page=2, page=3)
    assert (page["total_items"], page["total_pages"], page["size"], page["last_page"]) == (5, 3, 1, True)


@pytest.mark.parametrize("params", [
    {"page": "x"}, {"page": "0"}, {"per_page": "-3"}, {"modified_after": "soon"},
    # No UTC value at all: before year 1 or after year 9999 once the offset is applied.
    {"modified_after": "0001-01-01T00:00:00+05:00"}, {"modified_after": "9999-12-31T23:00:00-05:00"},
])
def test_bad_parameters_get_a_clear_400(client, params):
    response = client.get("/api/hsds/services", params)
    assert response.status_code == 400
    assert next(iter(params)) in response.json()["detail"]


def test_an_offset_postgresql_refuses_is_read_in_utc(client, db):
    """Parsed by Python, refused by PostgreSQL (beyond ±15:59): found by the fuzz as a 500 there."""
    response = client.get("/api/hsds/services", {"modified_after": "0953-03-08T08:54:06-18:24"})
    assert response.status_code == 200 and response.json()["total_items"] == 0


def test_unknown_ids_are_404(client, db):
    for name in LISTS:
        assert client.get(f"/api/hsds/{name}/not-a-uuid").status_code == 404
        assert client.get(f"/api/hsds/{name}/{ids.NAMESPACE}").status_code == 404


def test_a_page_of_full_services_takes_a_fixed_number_of_queries(client, branches, make_group,  # noqa: F811
                                                                 django_assert_num_queries):
    with django_assert_num_queries(11):
        client.get("/api/hsds/services", {"full": "true"})
    for n in range(5):
        make_group(f"More {n}", place={"city": "York", "address_visibility": "area-only"},
                   meetings=[{"frequency": "weekly", "weekday": n, "start_time": "10:00"}])
    with django_assert_num_queries(11):
        client.get("/api/hsds/services", {"full": "true"})


def test_the_demo_data_validates_and_keeps_its_hidden_addresses(client, hsds_valid):
    call_command("load_demo", stdout=io.StringIO(), stderr=io.StringIO())
    bodies = every_response(client)
    for path, kind, body in bodies:
        if kind == "page":
            for item in body["contents"]:
                hsds_valid(ITEM_KIND[path.split("?")[0]], item)
        elif kind:
            hsds_valid(kind, body)
    text = json.dumps([body for _path, _kind, body in bodies], ensure_ascii=False)
    # Demo streets repeat across groups, so each hidden one is looked for in its own group's service.
    services = {item["id"]: json.dumps(item, ensure_ascii=False)
                for item in get(client, "services", full="true", per_page=500)["contents"]}
    hidden = Place.objects.exclude(address_visibility="public").exclude(address_line1="").filter(
        group__status__in=Group.PUBLIC_STATUSES).select_related("group")
    assert hidden.exists()
    leaked = [(place.address_line1, place.postcode) for place in hidden
              if place.address_line1 in services[str(place.group.uuid)]
              or (place.postcode and place.postcode in services[str(place.group.uuid)])]
    assert leaked == []
    links = Group.objects.exclude(join_link="").values_list("join_link", flat=True)
    assert [link for link in links if link in text] == []
    assert Group.objects.published().count() == get(client, "services")["total_items"]
