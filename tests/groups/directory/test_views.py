"""Public pages: the group page, address visibility, explanation pages, privacy headers, query counts."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from groups.models import Cost, Format, Group, GroupType, Language

pytestmark = pytest.mark.django_db

SECRET_STREET = "12 Hidden Lane"


@pytest.fixture
def groups_by_visibility(make_group):
    made = {}
    for visibility in ["public", "area-only", "on-request"]:
        made[visibility] = make_group(
            f"{visibility} group", slug=visibility,
            place={"address_line1": SECRET_STREET, "city": "Leeds", "region": "West Yorkshire", "postcode": "LS1 9ZZ",
                   "latitude": "53.801234", "longitude": "-1.548765", "address_visibility": visibility},
        )
    return made


class TestAddressVisibility:
    def test_public_address_is_shown_with_coordinates(self, client, groups_by_visibility):
        page = client.get("/groups/public/").content.decode()
        assert SECRET_STREET in page and "LS1 9ZZ" in page
        data = client.get("/api/v1/groups/public/").json()
        assert data["latitude"] == pytest.approx(53.801234) and data["longitude"] == pytest.approx(-1.548765)
        assert data["address"][0] == SECRET_STREET

    # On request shows not even the area: tests/groups/directory/test_on_request.py.
    @pytest.mark.parametrize("visibility", ["area-only"])
    def test_hidden_address_shows_only_the_area_everywhere(self, client, make_group, visibility):
        make_group(
            f"{visibility} group", slug=visibility,
            place={"address_line1": SECRET_STREET, "city": "Leeds", "region": "West Yorkshire", "postcode": "LS1 9ZZ",
                   "latitude": "53.801234", "longitude": "-1.548765", "address_visibility": visibility},
        )
        responses = [
            client.get(f"/groups/{visibility}/"), client.get("/groups/"), client.get("/groups/?q=leeds"),
            client.get(f"/api/v1/groups/{visibility}/"), client.get("/api/v1/groups/"),
        ]
        for response in responses:
            body = response.content.decode()
            assert "Leeds" in body
            assert "Hidden Lane" not in body
        detail = client.get(f"/api/v1/groups/{visibility}/").json()
        assert detail["latitude"] is None and detail["longitude"] is None and detail["address"] is None
        listed = {r["slug"]: r for r in client.get("/api/v1/groups/").json()["results"]}
        assert listed[visibility]["latitude"] is None
        # Neither the postcode nor any digits of the exact coordinates.
        for response in responses:
            assert "LS1 9ZZ" not in response.content.decode()
            assert "53.8012" not in response.content.decode()

    def test_online_join_link_is_never_published(self, client, make_group):
        make_group("Online Circle", slug="online", formats=["online"], join_link="https://meet.example/secret-room")
        for url in ["/groups/", "/groups/online/", "/api/v1/groups/", "/api/v1/groups/online/", "/groups/?q=online"]:
            assert "secret-room" not in client.get(url).content.decode()


class TestGroupPage:
    def test_shows_everything_needed_to_decide(self, client, make_group, accrediting_body, today):
        group = make_group(
            "Evening Circle", slug="evening", host_name="Calm Trust", host_website="https://calm.example/",
            types=["therapeutic", "educational"], trauma=["domestic-abuse"], population=["women"],
            formats=["in-person"], language=["en", "ar"], cost="sliding-scale", cost_details="Pay what you can",
            access=["wheelchair"], attendance="registration", registration_details="A short phone call first.",
            capacity="waiting-list", facilitation="co-facilitated", age_min=18, time_zone="Europe/London",
            place={"city": "York", "address_visibility": "area-only", "address_line1": "1 Gate"},
            meetings=[{"frequency": "monthly", "weekday": 3, "week_of_month": -1, "start_time": "19:00",
                       "end_time": "21:00"}],
            claims=[{"body": accrediting_body, "status": "verified",
                     "valid_until": today + datetime.timedelta(days=30)}],
        )
        page = client.get(group.get_absolute_url()).content.decode()
        for text in [
            "Evening Circle", "Calm Trust", 'href="https://calm.example/" rel="noopener noreferrer"',
            'href="/types/therapeutic/"', 'href="/types/educational/"', "Domestic abuse", "Women", "In person",
            "Last Thursday of the month", "London time", "York", "Sliding scale", "Pay what you can",
            "English, Arabic", "Wheelchair", "Registration needed", "A short phone call first.", "Waiting list",
            "Co-facilitated", "18 and over", "Accreditation verified — Leading Lights, valid until",
            "Last confirmed accurate", "Next meeting",
        ]:
            assert text in page, text

    def test_coordinator_text_is_shown_as_plain_text_paragraphs(self, client, make_group):
        make_group("Safe", slug="safe", description="<script>alert(1)</script>\n\nSecond <b>para</b>")
        page = client.get("/groups/safe/").content.decode()
        assert "<script>alert(1)" not in page
        assert "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p><p>Second &lt;b&gt;para&lt;/b&gt;</p>" in page

    def test_accreditation_wording_follows_its_state(self, client, make_group, accrediting_body, today):
        states = {
            "current": {"status": "verified", "valid_until": today},
            "expired": {"status": "verified", "valid_until": today - datetime.timedelta(days=1)},
            "claimed": {"status": "claimed"},
            "rejected": {"status": "rejected"},
        }
        for name, claim in states.items():
            make_group(name, slug=name, claims=[{"body": accrediting_body, **claim}])
        page = {name: client.get(f"/groups/{name}/").content.decode() for name in states}
        assert "Accreditation verified" in page["current"]
        assert "Accreditation claimed, not yet verified" in page["claimed"]
        for name in ["expired", "rejected"]:
            assert "Accreditation verified" not in page[name] and "not yet verified" not in page[name]
        accredited = [r["slug"] for r in client.get("/api/v1/groups/?accredited=1").json()["results"]]
        assert accredited == ["current"]

    def test_facilitator_credential_is_worded_as_such(self, client, make_group, accrediting_body, today):
        make_group("Advocates", slug="adv", claims=[{"body": accrediting_body, "status": "verified",
                                                     "valid_until": today, "scope": "facilitator",
                                                     "facilitator_name": "Sam Doe"}])
        page = client.get("/groups/adv/").content.decode()
        assert "Facilitator credential verified — Sam Doe" in page

    def test_demo_listings_are_marked(self, client, make_group):
        make_group("Demo", slug="demo", is_demo=True)
        assert "demo listing" in client.get("/groups/demo/").content.decode().lower()
        assert "Demo listing: fictional" in client.get("/groups/").content.decode()

    def test_unknown_group_is_a_404(self, client, taxonomy):
        assert client.get("/groups/no-such-group/").status_code == 404


class TestExplanationPages:
    def test_type_pages_link_to_search_with_live_count(self, client, make_group):
        GroupType.objects.filter(slug="therapeutic").update(
            what_it_offers="Offers text.", who_it_suits="Suits text.", first_meeting="First text.",
            how_it_differs="Differs text.", questions_to_ask="Who leads it?\nIs it free?")
        make_group(types=["therapeutic"])
        make_group(types=["therapeutic"])
        make_group(types=["therapeutic"], status="draft")
        page = client.get("/types/therapeutic/").content.decode()
        for text in ["Offers text.", "Suits text.", "First text.", "Differs text.", "<li>Who leads it?</li>",
                     'href="/groups/?type=therapeutic"', "See the 2 groups of this type"]:
            assert text in page, text
        assert client.get("/types/").status_code == 200
        assert client.get("/types/not-a-type/").status_code == 404

    def test_home_has_one_search_field_the_types_help_and_quick_exit_line(self, client, taxonomy):
        page = client.get("/").content.decode()
        assert page.count('type="search"') == 1
        for slug in ["legal-advocacy", "therapeutic", "educational", "national-international", "community-based"]:
            assert f'href="/types/{slug}/"' in page
        assert "Need help right now?" in page
        assert "Shift three times" in page

    @pytest.mark.parametrize("slug", ["choosing-a-group", "what-to-expect", "taking-part", "self-care-and-boundaries",
                                      "peer-support-and-therapy", "accreditation"])
    def test_guide_pages(self, client, slug):
        assert client.get("/guide/").status_code == 200
        response = client.get(f"/guide/{slug}/")
        assert response.status_code == 200
        assert f'href="/guide/{slug}/"' in client.get("/guide/").content.decode()

    def test_unknown_guide_page_is_a_404(self, client):
        assert client.get("/guide/nothing-here/").status_code == 404


PUBLIC_URLS = ["/", "/groups/", "/groups/?type=therapeutic&q=circle", "/groups/quiet/", "/types/",
               "/types/therapeutic/", "/guide/", "/guide/taking-part/", "/safety/", "/api/v1/groups/",
               "/api/v1/groups/quiet/", "/groups/?type=bogus&page=99"]


class TestPrivacyAndSecurityHeaders:
    @pytest.fixture(autouse=True)
    def group(self, make_group):
        return make_group("Quiet", slug="quiet", types=["therapeutic"])

    @pytest.mark.parametrize("url", PUBLIC_URLS)
    def test_browsing_sets_no_cookie(self, client, url):
        response = client.get(url)
        assert response.status_code == 200
        assert not response.cookies, f"{url} set {list(response.cookies)}"
        assert "Set-Cookie" not in response.headers

    @pytest.mark.parametrize("url", PUBLIC_URLS)
    def test_strict_csp_and_no_referrer(self, client, url):
        response = client.get(url)
        csp = response.headers["Content-Security-Policy"]
        assert "default-src 'none'" in csp
        for directive in ["script-src 'self'", "style-src 'self'", "img-src 'self'", "connect-src 'self'",
                          "frame-ancestors 'none'", "form-action 'self'"]:
            assert directive in csp
        assert "unsafe-inline" not in csp and "http" not in csp
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert response.headers["X-Content-Type-Options"] == "nosniff"

    @pytest.mark.parametrize("url", [u for u in PUBLIC_URLS if not u.startswith("/api/")])
    def test_every_page_has_the_quick_exit_and_no_third_party_or_inline_code(self, client, url, settings):
        page = client.get(url).content.decode()
        assert page.count(f'href="{settings.QUICK_EXIT_URL}"') == 2  # skip link and button
        assert 'rel="nofollow noreferrer"' in page
        assert page.index("Skip to main content") < page.index("Exit this page")
        assert "<script>" not in page and " style=" not in page and "onclick" not in page
        for attribute in ['src="http', 'href="//', "src=\"//", '<link rel="stylesheet" href="http']:
            assert attribute not in page


class TestQueryCounts:
    """The number of queries for a page does not grow with the results or the size of the directory."""

    def count_queries(self, client, url):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    def test_search_page_and_json_for_1_and_20_results(self, client, make_group):
        make_group("Only", types=["legal-advocacy"], place={"city": "Leeds"},
                   meetings=[{"frequency": "weekly", "weekday": 1, "start_time": "10:00"}])
        one = {url: self.count_queries(client, url) for url in ["/groups/?type=legal-advocacy",
                                                                "/api/v1/groups/?type=legal-advocacy"]}
        for _ in range(24):
            make_group(types=["legal-advocacy"], place={"city": "York"},
                       meetings=[{"frequency": "weekly", "weekday": 2, "start_time": "11:00"}])
        for url, count in one.items():
            assert self.count_queries(client, url) == count, url

    def test_search_for_10_and_10000_groups(self, client, make_group, taxonomy):
        for _ in range(10):
            make_group(types=["therapeutic"], place={"city": "Leeds"})
        urls = ["/groups/", "/groups/?type=therapeutic&q=group&cost=free", "/api/v1/groups/?language=en&page=2"]
        # The first keyword search after a change reads the listed groups' vocabulary (groups.core.lexicon).
        self.count_queries(client, "/groups/?q=warm")
        small = {url: self.count_queries(client, url) for url in urls}
        bulk_create_groups(10_000, taxonomy)
        assert Group.objects.count() == 10_010
        for url, count in small.items():
            assert self.count_queries(client, url) == count, url

    def test_group_page_query_count_is_fixed(self, client, make_group, accrediting_body, today):
        group = make_group("G", slug="g", types=["therapeutic"], access=["wheelchair"], place={"city": "Leeds"})
        before = self.count_queries(client, "/groups/g/")
        group.types.add(GroupType.objects.get(slug="educational"))
        group.accreditation_claims.create(body=accrediting_body, status="verified", valid_until=today)
        group.meeting_times.create(frequency="weekly", weekday=1, start_time=datetime.time(9))
        assert self.count_queries(client, "/groups/g/") == before


def bulk_create_groups(count, taxonomy):
    """Many published groups quickly, each with a type, format, language and cost."""
    free = Cost.objects.get(slug="free")
    groups = Group.objects.bulk_create(
        [Group(name=f"Bulk {n:05d}", slug=f"bulk-{n}", summary="Bulk group.", cost=free, status="published",
               facilitation="peer-led", attendance="drop-in", search_text="bulk group") for n in range(count)],
        batch_size=2000,
    )
    therapeutic = GroupType.objects.get(slug="therapeutic")
    online = Format.objects.get(slug="online")
    english = Language.objects.get(slug="en")
    for relation, term in [(Group.types, therapeutic), (Group.formats, online), (Group.languages, english)]:
        through = relation.through
        field = f"{term._meta.model_name}_id"
        through.objects.bulk_create([through(group_id=g.pk, **{field: term.pk}) for g in groups], batch_size=5000)


class TestReferrerPolicyWhereFormsPost:
    """Chromium sends Origin: null from a no-referrer page, which CSRF must refuse: forms get same-origin."""

    @pytest.mark.parametrize("url", ["/accounts/login/", "/accounts/signup/", "/coordinate/"])
    def test_pages_with_posting_forms_keep_the_referrer_on_this_site_only(self, client, url):
        response = client.get(url)
        assert response.headers["Referrer-Policy"] == "same-origin"
        if response.status_code == 200:
            assert '<meta name="referrer" content="same-origin">' in response.content.decode()

    def test_the_public_report_form_keeps_the_referrer_on_this_site_only(self, client, make_group):
        make_group("Reported", slug="reported")
        response = client.get("/groups/reported/report/")
        assert response.headers["Referrer-Policy"] == "same-origin"
        assert '<meta name="referrer" content="same-origin">' in response.content.decode()
        for browsing in ["/groups/reported/", "/groups/reported/report/thanks/"]:
            assert client.get(browsing).headers["Referrer-Policy"] == "no-referrer"
    def test_the_contact_form_page_alone_of_a_group_s_pages_keeps_it_on_this_site(self, client, make_group):
        group = make_group("Circle", slug="circle", accepts_messages=True)
        assert client.get(f"/groups/{group.slug}/contact/").headers["Referrer-Policy"] == "same-origin"
        for path in ["", "calendar.ics", "contact/sent/"]:
            assert client.get(f"/groups/{group.slug}/{path}").headers["Referrer-Policy"] == "no-referrer", path

    def test_browsing_pages_send_no_referrer_at_all(self, client, taxonomy):
        response = client.get("/groups/")
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert '<meta name="referrer" content="no-referrer">' in response.content.decode()


class TestErrorPages:
    def test_not_found_keeps_the_quick_exit_and_sets_no_cookie(self, client, settings, taxonomy):
        response = client.get("/groups/nothing-here/")
        assert response.status_code == 404
        page = response.content.decode()
        assert "Exit this page" in page and "Page not found" in page and not response.cookies

    def test_server_error_page_keeps_the_quick_exit(self, rf, settings):
        from supportfinder.urls import server_error

        response = server_error(rf.get("/"))
        assert response.status_code == 500 and b"Exit this page" in response.content
