"""Phone first and help within one tap (issue 11, items 8 and 9).

- fixtures/helplines.json loads, and every fact in it says where it was checked; no number is guessed.
- The help box names the helplines of the page's country with tap-to-call (tel:) and tap-to-text (sms:)
  links: on the home page, on a group page (the group's country, else SEARCH_COUNTRY) and when a search
  finds nothing. A group's own phone number is a tel: link, its visible text as the group wrote it.
- The search form lands on the results (#results); the filters sit in a closed <details> whose summary
  says how many are ticked ("Filters (n)"), so they work without JavaScript.
- A group page says how to join at a glance ("Joining at a glance") before the long description.
"""

import json
import re
from datetime import time
from pathlib import Path

import pytest
from django.template import Context, Template
from hypothesis import given, settings
from hypothesis import strategies as st

from groups.directory import helplines

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).resolve().parents[3] / "fixtures" / "helplines.json"
TEST_HELPLINES = {
    "countries": {
        "GB": {"emergency": {"number": "999", "checked": "test"},
               "helplines": [{"name": "Test Listening Line", "phone": "0800 000 0000", "text": "+44 7700 900000",
                              "hours": "Every day, 8am to 8pm", "website": "https://listening.example",
                              "checked": "invented for this test only"}]},
    }
}


@pytest.fixture
def texting_helpline(monkeypatch):
    """An invented helpline with an international text number and hours, the same in every country."""
    monkeypatch.setattr(helplines, "for_country", lambda country=None: helplines.parse(TEST_HELPLINES).get(
        (country or "GB").upper()))


def links(page, scheme):
    return re.findall(rf'href="({scheme}:[^"]*)"', page)


class TestHelplinesFixture:
    def test_every_fact_says_where_it_was_checked(self):
        data = json.loads(FIXTURE.read_text())
        assert data["countries"], "no country listed"
        for code, entry in data["countries"].items():
            assert re.fullmatch(r"[A-Z]{2}", code), code
            assert entry["emergency"]["number"] and entry["emergency"]["checked"].strip(), code
            for line in entry["helplines"]:
                assert line["name"].strip() and line["checked"].strip(), line
                assert line["website"].startswith("https://"), line
                for number in (line["phone"], line["text"]):
                    assert number == "" or helplines.dial_href(number), (code, line["name"], number)

    def test_every_helpline_names_the_pages_its_facts_were_read_on_and_when(self):
        data = json.loads(FIXTURE.read_text())
        lines = [line for entry in data["countries"].values() for line in entry["helplines"]]
        assert len(lines) >= 10
        for line in lines:
            assert "2026-12-01" in line["checked"] and "re-check" in line["checked"], line["name"]
            assert re.search(r"https://\S+", line["checked"]), line["name"]
            assert set(line) >= {"name", "about", "phone", "text", "text_word", "hours", "website", "checked"}

    def test_loads_the_checked_services(self):
        loaded = helplines.load(FIXTURE)
        named = {(code, line.name): line for code, country in loaded.items() for line in country.helplines}
        refuge = named["GB", "National Domestic Abuse Helpline"]
        assert (refuge.phone, refuge.tel_href, refuge.hours) == (
            "0808 2000 247", "tel:08082000247", "24 hours a day, 7 days a week")
        hotline = named["US", "National Domestic Violence Hotline"]
        assert (hotline.sms_href, hotline.text_word) == ("sms:88788", "START")
        assert named["AU", "1800RESPECT"].sms_href == "sms:0458737732"
        # A number we could not find stated on the service's own pages stays empty, and the note says why.
        rape_crisis = named["GB", "Rape and Sexual Abuse Support Line"]
        assert rape_crisis.phone == "" and "left empty" in rape_crisis.checked
        assert loaded["GB"].emergency == "999" and loaded["US"].emergency == "911"

    def test_a_missing_or_broken_file_gives_no_helplines_not_an_error(self, tmp_path):
        broken = tmp_path / "helplines.json"
        broken.write_text("{not json")
        assert helplines.load(broken) == {}
        assert helplines.load(tmp_path / "missing.json") == {}


class TestDialHref:
    @pytest.mark.parametrize(("written", "href"), [
        ("+44 (0)113 496 0000", "tel:+441134960000"),
        ("0044 113 496 0000", "tel:+441134960000"),
        ("+1 (212) 555-0100", "tel:+12125550100"),
        ("0113 496 0000", "tel:01134960000"),  # national: a "+" would make it another number
        ("999", "tel:999"),
        ("ring the office", ""),
        ("²³ or ٣٤", ""),  # digits a phone does not dial
        ("", ""),
    ])
    def test_digits_only_with_plus_for_international_numbers(self, written, href):
        assert helplines.dial_href(written) == href

    @settings(max_examples=150, deadline=None)
    @given(st.text(max_size=60))
    def test_any_text_gives_a_dialable_address_or_none(self, written):
        href = helplines.dial_href(written, "sms")
        assert href == "" or re.fullmatch(r"sms:\+?[0-9]+", href), href


def help_box(country):
    return Template('{% include "includes/help_now.html" %}').render(Context({"country": country}))


REAL_LINES = [(code, line) for code, entry in json.loads(FIXTURE.read_text())["countries"].items()
              for line in entry["helplines"]]


class TestEveryListedNumberIsOneTap:
    @pytest.mark.parametrize(("code", "line"), REAL_LINES, ids=[f"{c}-{line['name']}" for c, line in REAL_LINES])
    def test_phone_is_a_tel_link_and_text_an_sms_link_digits_only(self, code, line):
        html = help_box(code)
        assert line["name"] in html or line["name"].replace("'", "&#x27;") in html
        if line["phone"]:
            digits = re.sub(r"[^0-9]", "", line["phone"])
            assert f'<a class="help-now__call" href="tel:{digits}">Call {line["phone"]}</a>' in html
        if line["text"]:
            digits = re.sub(r"[^0-9]", "", line["text"])
            visible = f"Text {line['text_word']} to {line['text']}" if line["text_word"] else f"Text {line['text']}"
            assert f'<a class="help-now__call" href="sms:{digits}">{visible}</a>' in html
        for href in links(html, "tel") + links(html, "sms"):
            assert re.fullmatch(r"(tel|sms):\+?[0-9]+", href), href

    def test_the_help_box_and_the_safety_page_say_a_tap_leaves_a_record(self, client):
        assert "shows in your phone's call history and on the phone bill" in help_box("GB").replace("&#x27;", "'")
        assert 'href="/safety/#calls-and-texts"' in help_box("GB")
        page = " ".join(client.get("/safety/").content.decode().replace("&#x27;", "'").split())
        assert 'id="calls-and-texts"' in page
        assert "kept in your phone's call history or messages, and it can show on the phone bill" in page

    def test_the_fixture_lists_numbers_to_tap(self):
        assert sum(bool(line["phone"]) for _code, line in REAL_LINES) >= 9
        assert sum(bool(line["text"]) for _code, line in REAL_LINES) >= 4


class TestHelpWithinOneTap:
    def test_home_page_offers_the_emergency_number_near_the_top(self, client):
        page = client.get("/").content.decode()
        assert "tel:999" in links(page, "tel")
        assert "National Centre for Domestic Violence" in page and "https://www.ncdv.org.uk" in page
        # Before the five kinds of group, not at the bottom of the page.
        assert page.index('id="help-now-heading"') < page.index('id="types-heading"')

    def test_the_site_country_chooses_the_helplines(self, client, settings):
        settings.SEARCH_COUNTRY = "US"
        page = client.get("/").content.decode()
        assert {"tel:911", "tel:8006564673"} <= set(links(page, "tel")) and "sms:88788" in links(page, "sms")
        assert "RAINN" in page and "National Centre" not in page and "tel:999" not in links(page, "tel")

    def test_home_no_results_and_group_pages_show_tel_and_sms_links(self, client, make_group, texting_helpline):
        make_group("Evening Circle", slug="evening-circle", place={"city": "Leeds"})
        for path in ["/", "/groups/evening-circle/", "/groups/?type=legal-advocacy&language=fr"]:
            page = client.get(path).content.decode()
            assert "Need help right now?" in page, path
            assert {"tel:999", "tel:08000000000"} <= set(links(page, "tel")), path
            assert links(page, "sms") == ["sms:+447700900000"], path
            assert "Text +44 7700 900000" in page and "Every day, 8am to 8pm" in page, path

    def test_group_page_uses_the_groups_country(self, client, make_group):
        make_group("Brooklyn Circle", slug="brooklyn", time_zone="America/New_York",
                   place={"city": "New York", "country": "US"})
        page = client.get("/groups/brooklyn/").content.decode()
        assert "tel:911" in links(page, "tel") and "RAINN" in page and "tel:999" not in page

    def test_group_page_without_a_place_uses_the_site_country(self, client, make_group, settings):
        settings.SEARCH_COUNTRY = "AU"
        make_group("Online Circle", slug="online-circle", formats=["online"])
        page = client.get("/groups/online-circle/").content.decode()
        assert "tel:000" in links(page, "tel")

    def test_a_country_we_list_nothing_for_shows_the_general_text(self, client, make_group):
        make_group("Tokyo Circle", slug="tokyo", place={"city": "Tokyo", "country": "JP"})
        page = client.get("/groups/tokyo/").content.decode()
        assert "Need help right now?" in page and "your local emergency number" in page
        assert links(page, "tel") == []

    def test_no_results_page_offers_the_helplines(self, client):
        page = client.get("/groups/?type=legal-advocacy&language=fr").content.decode()
        assert "No group matches" in page and "tel:999" in links(page, "tel")

    def test_group_phone_is_a_tel_link_with_the_number_as_written(self, client, make_group):
        make_group("Phone Circle", slug="phone-circle", contact_phone="+44 (0)113 496 0000")
        page = client.get("/groups/phone-circle/").content.decode()
        # Once in the short summary at the top and once in "How to join".
        assert page.count('<a href="tel:+441134960000">+44 (0)113 496 0000</a>') == 2

    def test_group_phone_without_digits_stays_text(self, client, make_group):
        make_group("Ask Circle", slug="ask-circle", contact_phone="ask at the library desk")
        page = client.get("/groups/ask-circle/").content.decode()
        help_box_only = links(client.get("/").content.decode(), "tel")
        assert "<dd>ask at the library desk</dd>" in page and links(page, "tel") == help_box_only


class TestFiltersOnAPhone:
    @pytest.mark.parametrize(("query", "count"), [
        ("", 0),
        ("?q=court&near=Leeds", 0),  # typed words and places are not ticked filters
        ("?type=therapeutic", 1),
        ("?type=therapeutic,educational&language=en&day=mon&time=evening&accredited=1", 6),
    ])
    def test_filters_summary_counts_the_ticked_filters(self, client, make_group, query, count):
        make_group("Evening Circle", types=["therapeutic"])
        page = client.get("/groups/" + query).content.decode()
        assert re.search(rf"<summary[^>]*><h2[^>]*>Filters \({count}\)</h2></summary>", page)

    def test_filters_are_a_closed_details_element_holding_the_show_groups_button(self, client, make_group):
        """Without JavaScript the <summary> opens and closes them; closed, a phone sees the results first."""
        make_group("Evening Circle")
        page = client.get("/groups/?type=therapeutic").content.decode()
        panel = re.search(r"<details class=\"filters__panel\"[^>]*>(.*?)</details></section>", page, re.S)
        assert panel and " open" not in page[panel.start():panel.start() + 60]
        assert "Show groups" in panel.group(1) and 'name="type"' in panel.group(1)

    def test_searching_lands_on_the_results(self, client, make_group):
        make_group("Evening Circle")
        for path in ["/", "/groups/"]:
            page = client.get(path).content.decode()
            assert 'action="/groups/#results"' in page, path
        page = client.get("/groups/").content.decode()
        assert page.index('id="results"') < page.index('id="filters-heading"') < page.index('id="results-heading"')


class TestJoinSummary:
    def test_how_to_join_in_short_comes_before_the_description(self, client, make_group):
        make_group(
            "Brooklyn Circle", slug="brooklyn", time_zone="America/New_York", attendance="registration",
            cost="sliding-scale", contact_email="circle@example.org", description="A long description.",
            place={"city": "New York", "country": "US"},
            meetings=[{"frequency": "weekly", "weekday": 2, "start_time": time(10, 0), "end_time": time(12, 0)}],
        )
        page = client.get("/groups/brooklyn/").content.decode()
        summary = page[page.index('id="join-summary-heading"'):page.index("A long description.")]
        assert "<dt>To join</dt><dd>Registration needed</dd>" in summary
        assert "<dt>Cost</dt><dd>Sliding scale</dd>" in summary
        assert 'href="mailto:circle@example.org"' in summary
        # The next meeting in the group's own time: Wednesday 10:00 in New York, whatever the site's clock.
        assert re.search(r"Wednesday \d{1,2} \w+( \d{4})?, 10:00</time> \(New York time\)", summary), summary
