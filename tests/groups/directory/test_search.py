"""The search of /groups/ and /api/v1/groups/: filters, keywords, facets, paging and bad input."""

import itertools
import re

import pytest

pytestmark = pytest.mark.django_db


def slugs(client, query=""):
    response = client.get("/api/v1/groups/" + query)
    assert response.status_code == 200
    return sorted(result["slug"] for result in response.json()["results"])


@pytest.fixture
def directory(make_group):
    """Six published groups with distinct tags, and one of each unpublished status."""
    return {
        "court": make_group("Court Companions", slug="court", types=["legal-advocacy"], trauma=["sexual-violence"],
                            population=["women"], formats=["in-person"], language=["en"], cost="free",
                            access=["wheelchair"]),
        "art": make_group("Art for Healing", slug="art", types=["therapeutic"], trauma=["domestic-abuse"],
                          population=["women", "lgbtq"], formats=["online"], language=["en", "fr"], cost="fee"),
        "burns": make_group("Burns Peer Circle", slug="burns", types=["community-based"], trauma=["burn-injury"],
                            population=["men"], formats=["in-person", "hybrid"], language=["ar"], cost="donation",
                            access=["hearing-loop", "wheelchair"]),
        "skills": make_group("Skills After Harm", slug="skills", types=["educational", "therapeutic"],
                             trauma=["stalking", "domestic-abuse"], population=["refugees"], formats=["phone"],
                             language=["ar", "en"], cost="sliding-scale"),
        "network": make_group("Across Borders Network", slug="network", types=["national-international"],
                              trauma=["sexual-violence"], formats=["online"], language=["fr"], cost="free"),
        "paused": make_group("Quiet Room Group", slug="paused", status="paused", types=["community-based"],
                             access=["quiet-room"], cost="free"),
        "draft": make_group("Hidden Draft", slug="draft", status="draft", types=["therapeutic"]),
        "pending": make_group("Hidden Pending", slug="pending", status="pending", types=["therapeutic"]),
        "closed": make_group("Hidden Closed", slug="closed", status="closed", types=["therapeutic"]),
    }


PUBLIC = ["art", "burns", "court", "network", "paused", "skills"]


def test_no_filter_lists_every_public_group_by_name(client, directory):
    response = client.get("/api/v1/groups/")
    names = [result["name"] for result in response.json()["results"]]
    assert names == sorted(names)
    assert slugs(client) == PUBLIC


@pytest.mark.parametrize(
    "query, expected",
    [
        ("?type=therapeutic", ["art", "skills"]),
        ("?trauma=sexual-violence", ["court", "network"]),
        ("?population=women", ["art", "court"]),
        ("?format=hybrid", ["burns"]),
        ("?language=ar", ["burns", "skills"]),
        ("?cost=free", ["court", "network", "paused"]),
        ("?access=wheelchair", ["burns", "court"]),
    ],
)
def test_each_parameter_alone(client, directory, query, expected):
    assert slugs(client, query) == expected


def test_several_values_of_one_parameter_mean_any_of_them(client, directory):
    assert slugs(client, "?type=legal-advocacy&type=educational") == ["court", "skills"]
    assert slugs(client, "?cost=fee,donation") == ["art", "burns"]


def test_different_parameters_must_all_hold(client, directory):
    assert slugs(client, "?type=therapeutic&language=fr") == ["art"]
    assert slugs(client, "?population=women&format=in-person&cost=free&access=wheelchair") == ["court"]
    assert slugs(client, "?type=therapeutic&type=community-based&language=ar&language=fr") == ["art", "burns", "skills"]


def test_a_group_with_two_matching_values_is_listed_once(client, directory):
    assert slugs(client, "?population=women&population=lgbtq") == ["art", "court"]


def test_unpublished_groups_never_appear(client, directory):
    for query in ["", "?type=therapeutic", "?q=hidden", "?cost=free"]:
        assert not {"draft", "pending", "closed"} & set(slugs(client, query))
    for slug in ["draft", "pending", "closed"]:
        assert client.get(f"/groups/{slug}/").status_code == 404
        assert client.get(f"/api/v1/groups/{slug}/").status_code == 404
    # Three hidden therapeutic groups must not swell the facet or the total.
    data = client.get("/api/v1/groups/").json()
    assert data["count"] == 6
    assert data["facets"]["type"]["therapeutic"] == 2


def test_a_paused_group_is_listed_and_says_it_is_not_taking_members(client, directory):
    response = client.get("/groups/paused/")
    assert response.status_code == 200
    assert "not taking new members" in response.content.decode()


class TestFacetCounts:
    QUERIES = ["", "?type=therapeutic", "?language=ar&cost=free", "?population=women&population=men",
               "?q=circle", "?accredited=1", "?format=online&type=national-international"]

    @pytest.mark.parametrize("query", QUERIES)
    def test_each_count_is_what_adding_that_option_returns(self, client, directory, query):
        data = client.get("/api/v1/groups/" + query).json()
        for param, counts in data["facets"].items():
            if param == "accredited":
                continue
            for slug, shown in counts.items():
                joiner = "&" if query else "?"
                selected = f"{param}={slug}" in query
                if selected:
                    # For a chosen option: how many of the current results have it.
                    expected = len([r for r in data["results"] if slug in _values(r, param)])
                else:
                    expected = client.get(f"/api/v1/groups/{query}{joiner}{param}={slug}").json()["count"]
                assert shown == expected, (query, param, slug)

    def test_accredited_count_is_what_adding_it_returns(self, client, directory, accrediting_body, today):
        directory["art"].accreditation_claims.create(body=accrediting_body, status="verified", valid_until=today)
        data = client.get("/api/v1/groups/?type=therapeutic").json()
        assert data["facets"]["accredited"] == {"1": 1}
        assert client.get("/api/v1/groups/?type=therapeutic&accredited=1").json()["count"] == 1

    def test_options_with_no_groups_stay_reachable_and_are_marked(self, client, directory):
        page = client.get("/groups/?type=national-international").content.decode()
        assert 'value="hearing-loop"' in page  # no online network has a hearing loop, but it can still be chosen
        assert "checkbox--empty" in page
        assert "none would match" in page


def _values(result, param):
    value = result["types" if param == "type" else param]
    return value if isinstance(value, list) else [value]


class TestKeywords:
    def test_words_are_found_in_name_summary_description_host_and_terms(self, client, make_group):
        make_group("Harbour Group", slug="by-name")
        make_group("Second", slug="by-summary", summary="We meet near the harbour.")
        make_group("Third", slug="by-description", description="Our harbour room is warm.")
        make_group("Fourth", slug="by-host", host_name="Harbour Trust")
        make_group("Fifth", slug="by-term", population=["refugees"])
        assert slugs(client, "?q=harbour") == ["by-description", "by-host", "by-name", "by-summary"]
        assert slugs(client, "?q=refugees") == ["by-term"]

    def test_every_word_must_match(self, client, make_group):
        make_group("Harbour Women", slug="both", population=["women"])
        make_group("Harbour Men", slug="one", population=["men"])
        assert slugs(client, "?q=harbour+women") == ["both"]

    def test_results_are_ranked_name_above_summary_above_the_rest(self, client, make_group):
        make_group("Alpha", slug="in-description", description="A garden group.")
        make_group("Bravo", slug="in-summary", summary="A garden group.")
        make_group("Garden Circle", slug="in-name")
        order = [r["slug"] for r in client.get("/api/v1/groups/?q=garden").json()["results"]]
        assert order == ["in-name", "in-summary", "in-description"]
        by_name = [r["slug"] for r in client.get("/api/v1/groups/?q=garden&sort=name").json()["results"]]
        assert by_name == ["in-description", "in-summary", "in-name"]

    def test_other_forms_of_a_word_match_on_both_databases(self, client, make_group):
        make_group("Meeting Place", slug="stem", summary="Support for survivors who are healing.")
        assert slugs(client, "?q=meetings") == ["stem"]
        assert slugs(client, "?q=heal") == ["stem"]

    def test_search_words_are_not_sql(self, client, make_group):
        make_group("Plain", slug="plain")
        for q in ["'; DROP TABLE groups_group; --", "%", "_", "a & b | !c", "(", ":*"]:
            assert client.get("/groups/", {"q": q}).status_code == 200
        assert slugs(client) == ["plain"]


class TestBadInput:
    @pytest.mark.parametrize(
        "query, phrase",
        [
            ("?type=made-up", "made-up"),
            ("?language=xx", "xx"),
            ("?accredited=maybe", "accredited"),
            ("?sort=sideways", "sideways"),
            ("?page=abc", "abc"),
            ("?page=0", "0"),
            ("?near=LS1+4AP", "postcode"),
            ("?near=Qqxyzzy", "could not find"),
            ("?lat=91&lng=abc&radius=-5", "lat"),
            ("?day=someday&time=noon", "day"),
        ],
    )
    def test_is_ignored_and_reported_on_the_page_and_in_the_json(self, client, directory, query, phrase):
        page = client.get("/groups/" + query)
        assert page.status_code == 200
        assert "Some of your search was ignored" in page.content.decode()
        data = client.get("/api/v1/groups/" + query).json()
        assert any(phrase in warning for warning in data["warnings"]), data["warnings"]
        assert data["count"] == 6

    def test_known_values_still_apply_beside_unknown_ones(self, client, directory):
        data = client.get("/api/v1/groups/?type=therapeutic&type=nonsense").json()
        assert sorted(r["slug"] for r in data["results"]) == ["art", "skills"]
        assert len(data["warnings"]) == 1

    def test_a_very_long_query_is_shortened_not_refused(self, client, directory):
        response = client.get("/groups/", {"q": "x" * 5000})
        assert response.status_code == 200
        assert "shortened" in response.content.decode()


class TestPaging:
    @pytest.fixture
    def many(self, make_group):
        return [make_group(f"Group {n:02d}", slug=f"g{n:02d}", types=["therapeutic"]) for n in range(45)]

    def test_twenty_a_page_with_filters_kept(self, client, many):
        data = client.get("/api/v1/groups/?type=therapeutic").json()
        assert data["count"] == 45 and len(data["results"]) == 20
        assert "type=therapeutic" in data["next"] and "page=2" in data["next"]
        page3 = client.get("/api/v1/groups/?type=therapeutic&page=3").json()
        assert [r["name"] for r in page3["results"]] == [f"Group {n:02d}" for n in range(40, 45)]
        html = client.get("/groups/?type=therapeutic&page=2").content.decode()
        assert "?type=therapeutic&amp;page=3" in html and "?type=therapeutic&amp;page=1" in html

    def test_a_page_past_the_end_shows_the_last_page_and_says_so(self, client, many):
        response = client.get("/groups/?page=99")
        assert response.status_code == 200
        assert "There is no page 99" in response.content.decode()
        assert client.get("/api/v1/groups/?page=99").json()["page"] == 3


class TestPageContent:
    def test_a_card_shows_what_a_survivor_needs(self, client, make_group):
        make_group("Hope Circle", host_name="Hope Trust", types=["therapeutic"], formats=["hybrid"], cost="donation",
                   language=["en", "fr"], summary="A warm evening group.",
                   place={"city": "Leeds", "region": "West Yorkshire", "address_visibility": "area-only",
                          "address_line1": "7 Secret Street", "latitude": 53.8, "longitude": -1.5},
                   meetings=[{"frequency": "weekly", "weekday": 2, "start_time": "18:30", "end_time": "20:00"}])
        page = client.get("/groups/").content.decode()
        for text in ["Hope Circle", "Run by Hope Trust", "Therapeutic", "Hybrid", "Leeds, West Yorkshire",
                     "Donation", "English, French", "A warm evening group.", "Next meeting", "London time"]:
            assert text in page, text
        assert "Secret Street" not in page

    def test_a_card_says_how_a_group_meets_once(self, client, make_group):
        make_group("Online Circle", formats=["online"])
        make_group("Phone Line", formats=["online", "phone"])
        make_group("Harbour Circle", formats=["in-person"], place={"city": "Leeds", "address_visibility": "area-only"})
        page = client.get("/groups/").content.decode()
        meets = re.findall(r"<dt>Meets</dt><dd>(.*?)</dd>", page)
        assert sorted(meets) == ["In person · Leeds", "Online", "Online, Phone"], meets

    def test_no_results_offers_filters_to_relax_and_help_now(self, client, directory):
        page = client.get("/groups/?type=therapeutic&language=ar&cost=fee").content.decode()
        assert "0 groups found" in page
        assert "Without “Cost: Fee”" in page  # removing the cost leaves "skills"
        assert "Need help right now?" in page

    def test_chips_remove_one_value_and_clear_all_keeps_the_words(self, client, directory):
        page = client.get("/groups/?q=circle&type=therapeutic&type=community-based").content.decode()
        assert 'href="/groups/?q=circle&amp;type=community-based"' in page
        assert 'href="/groups/?q=circle"' in page  # clear all filters


def test_filter_combinations_agree_between_page_and_json(client, directory):
    for type_slug, cost in itertools.product(["therapeutic", "community-based"], ["free", "fee", "donation"]):
        query = f"?type={type_slug}&cost={cost}"
        count = client.get("/api/v1/groups/" + query).json()["count"]
        page = client.get("/groups/" + query).content.decode()
        assert f"{count} group" in page
