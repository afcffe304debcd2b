"""Words that find groups: synonyms, word forms, whole words, places and spelling in the words box.

Every test runs on the database the suite runs on (SQLite, and PostgreSQL with DATABASE_URL): the same
queries must give the same groups on both.
"""

import json
import re
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from groups.core import lexicon
from groups.core.vocabulary import TAXONOMY_BY_PARAM
from groups.models import Group

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).resolve().parents[3] / "fixtures"


def slugs(client, q, **params):
    response = client.get("/api/v1/groups/", {"q": q, **params})
    assert response.status_code == 200
    return sorted(result["slug"] for result in response.json()["results"])


def notice(client, q):
    """The hint under the search form, as text with its links kept as (text, href)."""
    html = client.get("/groups/", {"q": q}).content.decode()
    match = re.search(r'<p class="notice" role="status">(.*?)</p>', html, re.S)
    if not match:
        return "", []
    links = [(text, href.replace("&amp;", "&")) for href, text in re.findall(r'<a href="([^"]*)">(.*?)</a>', match[1])]
    return " ".join(re.sub(r"<[^>]+>", "", match[1]).split()), links


@pytest.fixture
def survivors(make_group):
    """Groups a survivor would expect to find, filed under a term or only saying it in their own words."""
    make_group("Harbour Circle", slug="sv-filed", trauma=["sexual-violence"])
    make_group("After Assault", slug="sv-words", description="For anyone who has been sexually assaulted.")
    make_group("Kitchen Table", slug="da-filed", trauma=["domestic-abuse"])
    make_group("Safe at Home", slug="da-words", description="For women living with coercive control.")
    make_group("Advocacy Hub", slug="advocacy", types=["legal-advocacy"], description="Advocacy at court.")
    make_group("Quiet Garden", slug="therapy-filed", types=["therapeutic"])
    make_group("Listening Room", slug="counselling-words", description="Free counselling sessions.")
    make_group("Steady Ground", slug="ptsd-words", types=["educational"], description="Living with PTSD.")
    make_group("Brothers", slug="men", population=["men"])
    make_group("Sisters", slug="women", population=["women"])


EVERYONE = sorted(["sv-filed", "sv-words", "da-filed", "da-words", "advocacy", "therapy-filed",
                   "counselling-words", "ptsd-words", "men", "women"])
SEXUAL_VIOLENCE = ["sv-filed"]
DOMESTIC_ABUSE = ["da-filed"]
THERAPEUTIC = ["therapy-filed"]


@pytest.mark.parametrize(
    "q, expected",
    [
        # Filed under the term, or saying the words typed (in any form, in any order).
        ("raped", SEXUAL_VIOLENCE),
        ("I was raped", SEXUAL_VIOLENCE),
        ("rape", SEXUAL_VIOLENCE),
        ("sexual assault", ["sv-filed", "sv-words"]),
        ("assault sexual", ["sv-filed", "sv-words"]),
        ("abusive husband", DOMESTIC_ABUSE),
        ("my husband is abusive", DOMESTIC_ABUSE),
        ("abusive partner", DOMESTIC_ABUSE),
        ("domestic violence", DOMESTIC_ABUSE),
        ("DV", DOMESTIC_ABUSE),
        ("coercive control", ["da-filed", "da-words"]),
        ("counselling", ["counselling-words", "therapy-filed"]),
        ("counseling", ["counselling-words", "therapy-filed"]),
        ("therapy", THERAPEUTIC),
        ("PTSD", ["ptsd-words", "therapy-filed"]),
        ("men", ["men"]),
        ("women", ["da-words", "women"]),
        ("raped women", []),
        ("coercive control women", ["da-words"]),
    ],
)
def test_the_words_survivors_use_find_the_groups_filed_under_them(client, survivors, q, expected):
    assert slugs(client, q) == expected


def test_dv_is_a_whole_word_never_part_of_advocacy(client, survivors):
    assert "advocacy" not in slugs(client, "DV")
    assert slugs(client, "advocacy") == ["advocacy"]
    assert slugs(client, "vocacy") == []


def test_words_match_whole_words_in_any_form(client, make_group):
    make_group("Morning Walks", slug="walks", description="We walk by the river.")
    make_group("Paintings", slug="art-word", description="Bring your art.")
    make_group("Starting Again", slug="start")
    assert slugs(client, "walking") == ["walks"]
    assert slugs(client, "walked") == ["walks"]
    assert slugs(client, "art") == ["art-word"]  # not "Starting"


def test_a_new_listing_is_found_in_every_form_at_once(client, make_group):
    make_group("Morning Walks", slug="walks")
    assert slugs(client, "walking") == ["walks"]
    make_group("We Walked Together", slug="walked")
    assert slugs(client, "walking") == ["walked", "walks"]


def test_words_describing_every_listing_do_not_hide_groups(client, survivors):
    assert slugs(client, "support group") == EVERYONE
    assert slugs(client, "rape support groups") == SEXUAL_VIOLENCE


def test_a_group_naming_the_words_ranks_above_one_only_filed_under_them(client, make_group):
    make_group("Kitchen Table", slug="filed", trauma=["domestic-abuse"])
    make_group("Domestic Violence Drop-in", slug="named")
    order = [r["slug"] for r in client.get("/api/v1/groups/", {"q": "domestic violence"}).json()["results"]]
    assert order == ["named", "filed"]


class TestPlaceInTheWords:
    def test_a_town_no_listing_names_is_offered_as_a_place_search_and_the_other_words_still_search(
        self, client, survivors
    ):
        assert slugs(client, "leeds") == EVERYONE
        assert slugs(client, "support group leeds") == EVERYONE
        assert slugs(client, "raped leeds") == SEXUAL_VIOLENCE
        text, links = notice(client, "support group leeds")
        assert "“leeds” looks like a place" in text
        assert "Towns and cities go in the “Near a town or city” box." in text
        assert links == [("Groups near Leeds?", "/groups/?q=support+group&near=Leeds%2C+United+Kingdom")]

    def test_the_offered_link_searches_near_the_town(self, client, make_group):
        area = {"address_visibility": "area-only"}
        make_group("In Leeds", slug="in-leeds", types=["therapeutic"],
                   place={"city": "Leeds", "latitude": "53.80", "longitude": "-1.55", **area})
        make_group("In London", slug="in-london", types=["therapeutic"],
                   place={"city": "London", "latitude": "51.51", "longitude": "-0.13", **area})
        _text, links = notice(client, "counselling in Manchester")
        assert links == [("Groups near Manchester?", "/groups/?q=counselling&near=Manchester%2C+United+Kingdom")]
        _text, [(_label, href)] = notice(client, "therapy near leeds")
        followed = client.get("/api/v1/groups/", QueryDict(href.split("?", 1)[1])).json()
        assert [r["slug"] for r in followed["results"] if r["within_reach"]] == ["in-leeds"]

    def test_a_town_a_listing_names_is_searched_and_offered(self, client, make_group):
        make_group("Leeds Women's Circle", slug="leeds-words")
        make_group("Elsewhere", slug="elsewhere")
        assert slugs(client, "leeds") == ["leeds-words"]
        text, links = notice(client, "leeds")
        assert "looks like a place" not in text
        assert links == [("Groups near Leeds?", "/groups/?near=Leeds%2C+United+Kingdom")]

    def test_ordinary_words_are_not_taken_for_places(self, client, survivors):
        for q in ["court", "garden", "advocacy", "raped", "men"]:
            assert notice(client, q) == ("", []), q


class TestSpelling:
    def test_a_misspelt_word_offers_the_indexed_word_as_a_link(self, client, survivors):
        assert slugs(client, "domestc abuse") == []
        text, links = notice(client, "domestc abuse")
        assert text.startswith("Did you mean")
        assert links == [("domestic abuse", "/groups/?q=domestic+abuse")]
        assert slugs(client, "domestic abuse") == DOMESTIC_ABUSE

    def test_synonyms_are_suggested_too(self, client, survivors):
        assert notice(client, "councelling")[1] == [("counselling", "/groups/?q=counselling")]

    def test_known_words_get_no_suggestion(self, client, survivors):
        assert notice(client, "domestic abuse") == ("", [])

    def test_words_of_unpublished_groups_are_never_suggested(self, client, make_group):
        hidden = make_group("Zephyr Lodge", slug="zephyr", status="draft")
        assert notice(client, "zephir") == ("", [])
        hidden.status = Group.Status.PUBLISHED
        hidden.save(update_fields=["status"])
        assert notice(client, "zephir")[1] == [("zephyr", "/groups/?q=zephyr")]


def test_a_concept_search_costs_no_more_queries_than_a_word(client, survivors, django_assert_max_num_queries):
    client.get("/groups/", {"q": "warm"})  # the vocabulary is read once, then kept
    with CaptureQueriesContext(connection) as plain:
        assert client.get("/groups/", {"q": "harbour"}).status_code == 200
    # At most: a card the first search rendered is cached, so the second may read one query fewer.
    with django_assert_max_num_queries(len(plain.captured_queries)):
        response = client.get("/groups/", {"q": "I was raped by someone, leeds"})
    assert "1 group found" in response.content.decode()


class TestSynonymList:
    def test_every_term_named_in_the_list_exists(self):
        taxonomy = json.loads((FIXTURES / "taxonomies.json").read_text())
        known = {(row["model"].split(".")[1], row["fields"]["slug"]) for row in taxonomy}
        data = json.loads((FIXTURES / "search_synonyms.json").read_text())
        for entry in data["synonyms"]:
            for param, slug_list in entry["terms"].items():
                model = TAXONOMY_BY_PARAM[param].model._meta.model_name
                for slug in slug_list:
                    assert (model, slug) in known, (param, slug)

    def test_the_list_loads_and_maps_the_words_of_the_issue(self):
        synonyms = lexicon.synonyms()
        for phrase, param, slug in [
            ("raped", "trauma", "sexual-violence"), ("sexual assault", "trauma", "sexual-violence"),
            ("domestic violence", "trauma", "domestic-abuse"), ("dv", "trauma", "domestic-abuse"),
            ("abusive boyfriend", "trauma", "domestic-abuse"), ("coercive control", "trauma", "domestic-abuse"),
            ("counseling", "type", "therapeutic"), ("ptsd", "type", "therapeutic"),
        ]:
            synonym = synonyms.by_key[lexicon.phrase_key(phrase.split())]
            assert (param, (slug,)) in synonym.terms, phrase

    @pytest.mark.parametrize(
        "data, message",
        [
            ({"synonyms": [{"terms": {"colour": ["red"]}, "words": ["red"]}]}, "must name terms"),
            ({"synonyms": [{"terms": {"trauma": ["stalking"]}, "words": ["the"]}]}, "empty"),
            ({"synonyms": [{"terms": {"trauma": ["stalking"]}, "words": ["stalked"]},
                           {"terms": {"trauma": ["child-abuse"]}, "words": ["stalking"]}]}, "two entries"),
            ({"synonyms": [{"terms": {"trauma": ["stalking"]}, "words": ["group"]}], "ignore": ["groups"]},
             "both a synonym and ignored"),
        ],
    )
    def test_a_broken_list_says_what_is_wrong(self, data, message):
        with pytest.raises(ImproperlyConfigured, match=message):
            lexicon.parse_synonyms(data)
