"""Whatever arrives in the query string, /groups/ and /api/v1/groups/ answer 200 with warnings, cheaply.

Replaces the seeded random-input test (150 fixed combinations, 65 s) that missed page=², radius=nan and
5,000 nines: hypothesis draws from every public parameter, shrinks any failure to its smallest query, and
stays bounded (a few dozen requests).
"""

import pytest
from django.http import QueryDict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from groups.directory.params import MAX_WARNINGS_SHOWN, parse_search_params

pytestmark = pytest.mark.django_db

PARAMETERS = ["q", "type", "trauma", "population", "format", "language", "cost", "access", "accredited",
              "lat", "lng", "radius", "day", "time", "sort", "page"]
# Values Python's own parsers take that ours must not: non-ASCII digits, special floats, huge numbers.
ODD_VALUES = ["", "x", "0", "-0", "-1", "-5", "0.0", "1e308", "nan", "NaN", "inf", "-inf", "²", "³", "①", "٣",
              "９", "1_000", " 7 ", "%00", "\x00", "'", '"', "<script>", "9" * 5000, "é", "🙂", ",", ",,", "1,2",
              "-999", "91", "-181", "mon,tue", "therapeutic", "free", "evening", "distance", "next", "a" * 500]
# Place names answered from the gazetteer without its slow fuzzy scan (the "place" work makes that cheap).
NEAR_VALUES = ["", "Leeds", "London, Canada", "LS1 4AP", "12", "York"]
KNOWN = {"type": {"therapeutic"}, "trauma": set(), "population": set(), "format": {"online"}, "language": {"en"},
         "cost": {"free"}, "access": set()}

value = st.one_of(st.sampled_from(ODD_VALUES), st.text(max_size=20), st.integers().map(str),
                  st.floats(allow_nan=True, allow_infinity=True).map(str))
param_value = st.one_of(value, st.lists(value, max_size=40).map(",".join))
queries = st.dictionaries(st.sampled_from(PARAMETERS), st.lists(param_value, min_size=1, max_size=3), max_size=6)

MAX_PAGE_BYTES = 150_000
MAX_JSON_BYTES = 40_000


@pytest.fixture
def listed(make_group):
    make_group("Leeds Circle", slug="leeds", place={"city": "Leeds", "latitude": "53.8", "longitude": "-1.5",
                                                    "address_visibility": "public"},
               meetings=[{"frequency": "weekly", "weekday": 1, "start_time": "10:00"}])
    make_group("Online Circle", slug="online", formats=["online"], types=["therapeutic"])


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=queries, near=st.sampled_from(NEAR_VALUES))
def test_any_query_answers_200_with_a_bounded_response(client, listed, query, near):
    data = {**query, **({"near": near} if near else {})}
    page = client.get("/groups/", data)
    assert page.status_code == 200, data
    assert len(page.content) < MAX_PAGE_BYTES
    response = client.get("/api/v1/groups/", data)
    assert response.status_code == 200, data
    assert len(response.content) < MAX_JSON_BYTES
    warnings = response.json()["warnings"]
    assert isinstance(warnings, list) and len(warnings) <= MAX_WARNINGS_SHOWN + 1


@settings(max_examples=200, deadline=None)
@given(query=queries)
def test_parsing_never_raises_and_keeps_only_valid_values(query):
    querydict = QueryDict(mutable=True)
    for name, values in query.items():
        querydict.setlist(name, values)
    params = parse_search_params(querydict, KNOWN)
    assert params.page >= 1
    for param, slugs in params.terms.items():
        assert set(slugs) <= KNOWN[param] and len(slugs) <= 20
    assert len(params.shown_warnings()) <= MAX_WARNINGS_SHOWN + 1


@pytest.mark.parametrize("page", ["²", "³", "①", "٣", "９", "9" * 5000, "1e3", "-1", "0", " "])
def test_a_page_that_is_not_ascii_digits_is_the_first_page_with_a_warning(client, listed, page):
    response = client.get("/groups/", {"page": page})
    assert response.status_code == 200
    data = client.get("/api/v1/groups/", {"page": page}).json()
    assert data["page"] == 1
    if page.strip():
        assert any("not a page number" in warning for warning in data["warnings"]), data["warnings"]
        assert all(len(warning) < 300 for warning in data["warnings"])


@pytest.mark.parametrize("radius, phrase", [
    ("nan", "not a distance"), ("inf", "not a distance"), ("-inf", "not a distance"), ("1e2", "not a distance"),
    ("²", "not a distance"), ("-5", "more than 0"), ("0", "more than 0"), ("0.0", "more than 0"),
])
@pytest.mark.parametrize("place", ["near=Leeds", "lat=53.8&lng=-1.5", ""])
def test_a_bad_radius_is_warned_with_or_without_a_place(client, listed, radius, phrase, place):
    response = client.get(f"/api/v1/groups/?{place}&radius={radius}")
    assert response.status_code == 200
    data = response.json()
    assert any(phrase in warning for warning in data["warnings"]), data["warnings"]
    assert client.get(f"/groups/?{place}&radius={radius}").status_code == 200
    if place:
        assert "within 25 km" in client.get(f"/groups/?{place}&radius={radius}").content.decode()


def test_twenty_thousand_values_use_twenty_and_show_ten_warnings(client, listed, settings):
    assert settings.SEARCH_MAX_VALUES == 20
    many = ",".join(f"nope-{n}" for n in range(20_000))
    data = client.get("/api/v1/groups/", {"type": many, "day": many}).json()
    assert len(data["warnings"]) == MAX_WARNINGS_SHOWN + 1
    # 20 unknown types, 20 unknown days and a "first 20" notice for each: 42, of which 10 are shown.
    assert data["warnings"][-1] == "and 32 more things were ignored."
    page = client.get("/groups/", {"type": many}).content.decode()
    assert "more things were ignored" in page
    # The notice about the limit comes first, then the first nine unknown values.
    assert "Only the first 20 choices of “type” were used." in page
    assert page.count("is not a type of group option we know") == MAX_WARNINGS_SHOWN - 1


def test_the_number_of_values_is_a_setting(client, listed, settings):
    settings.SEARCH_MAX_VALUES = 2
    data = client.get("/api/v1/groups/?type=therapeutic,nope,online&format=online").json()
    assert any("Only the first 2 choices of “type”" in warning for warning in data["warnings"])
    assert [result["slug"] for result in data["results"]] == ["online"]
