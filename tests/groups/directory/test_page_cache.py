"""A group's page from its cached parts (groups.directory.page_cache): the same bytes as the template renders, never
out of date, never one group's or one visitor's content on another's page."""

import datetime
import itertools
import re
from unittest import mock

import pytest
from django.contrib.messages import constants, get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import User
from groups.directory import cards, page_cache, prepared
from groups.directory.selectors import published_group_or_404
from groups.models import AccreditingBody, Format, Group, GroupType, Language, MeetingTime, Place

WEEKLY_TUESDAY = {"frequency": "weekly", "weekday": 1, "start_time": datetime.time(18)}
_numbers = itertools.count()


def reference(slug, client):
    """The page as the template alone renders it (the cached parts left out)."""
    with mock.patch.object(page_cache, "_shared_view", return_value=False):
        return client.get(f"/groups/{slug}/")


def headers(response):
    # The order of the CSP header's parts varies from one process to the next (a set), not from one response to
    # the next: compared as a whole all the same.
    return {name: value for name, value in response.headers.items() if name != "Date"}


def assert_same_page(slug, client=None):
    """The template's page, the page put together the first time (content rendered) and the second (content from
    the cache) are the same bytes with the same headers."""
    client = client or Client()
    expected = reference(slug, client)
    first = client.get(f"/groups/{slug}/")
    again = client.get(f"/groups/{slug}/")
    assert first.status_code == again.status_code == expected.status_code == 200
    assert first.content == expected.content
    assert again.content == expected.content
    assert headers(first) == headers(again) == headers(expected)
    return again.content.decode()


@pytest.fixture
def varied_groups(make_group, accrediting_body, make_user, today):
    """Groups through every branch of the page: each place visibility and none, meetings weekly, by arrangement
    and none, a badge, a waiting claim, paused, demo, stale, messages taken or not, text needing escaping."""
    coordinator = make_user("coordinator@example.org")
    long_ago = timezone.now() - datetime.timedelta(days=800)
    groups = [
        make_group("Plain", slug="plain"),
        make_group("Tom & Jerry's <b>\"circle\"</b>", slug="escaping", summary="<script>alert('x')</script> & co",
                   description="Line one.\n\nLine <two> & 'three'.", host_name="Ōsaka 🌸 «Hosts»",
                   host_website="https://example.org/a?b=1&c=2", cost_details="£5 <or> free",
                   contact_email="a&b@example.org", contact_phone="+44 (0)113 496 0000",
                   contact_url="https://example.org/contact?x=\"1\"",
                   place={"address_line1": "1 <High> St", "postcode": "LS1 1AA", "address_visibility": "public"},
                   meetings=[WEEKLY_TUESDAY, {"frequency": "by-arrangement"}],
                   claims=[{"body": accrediting_body, "status": "verified", "valid_until": today}],
                   types=["therapeutic", "community-based"], trauma=["domestic-abuse"], access=["wheelchair"],
                   age_min=18, age_max=25),
        make_group("Area only", slug="area", place={"address_visibility": "area-only", "region": "Yorkshire"},
                   meetings=[{"frequency": "by-arrangement"}], age_min=16,
                   claims=[{"body": accrediting_body, "status": "claimed"}], status=Group.Status.PAUSED),
        make_group("On request", slug="on-request", place={"address_visibility": "on-request", "country": "US"},
                   is_demo=True, last_confirmed_at=long_ago, age_max=30, time_zone="America/New_York",
                   meetings=[{"frequency": "monthly", "week_of_month": 2, "weekday": 3,
                              "start_time": datetime.time(10, 30)}], meets_remotely=True),
        make_group("Messages", slug="messages", accepts_messages=True, formats=["online"], language=["en", "fr"],
                   meetings=[WEEKLY_TUESDAY]),
    ]
    groups[-1].coordinators.add(coordinator)
    return groups


class TestTheSameBytes:
    def test_every_branch(self, varied_groups):
        pages = [assert_same_page(group.slug) for group in varied_groups]
        assert "Tom &amp; Jerry&#x27;s &lt;b&gt;" in pages[1] and "<script>" not in pages[1]
        assert "Contact this group" in pages[4] and "Contact this group" not in pages[0]
        assert "not been confirmed" in pages[3] and "demo listing" in pages[3]
        assert "Accreditation verified" in pages[1] and "Accreditation claimed" in pages[2]
        assert "shares the exact address" in pages[2] and "only after you have been in touch" in pages[3]

    @settings(max_examples=15, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(name=st.text(min_size=1, max_size=40).filter(str.strip), summary=st.text(max_size=60),
           description=st.text(max_size=80), host=st.text(max_size=30))
    def test_any_text(self, make_group, name, summary, description, host):
        group = make_group(name.replace("\x00", ""), slug=f"any-{next(_numbers)}", summary=summary.replace("\x00", ""),
                           description=description.replace("\x00", ""), host_name=host.replace("\x00", ""))
        assert_same_page(group.slug)

    def test_the_page_renders_only_templates_in_the_stamp(self, varied_groups):
        for group in varied_groups:
            used = {template.name for template in reference(group.slug, Client()).templates}
            assert used <= set(page_cache.TEMPLATES), used - set(page_cache.TEMPLATES)


class TestQueries:
    @pytest.mark.parametrize("slug", ["plain", "messages"])  # no meetings; a stored next meeting
    def test_one_query_once_cached(self, varied_groups, slug, django_assert_num_queries):
        Client().get(f"/groups/{slug}/")
        with django_assert_num_queries(1):
            Client().get(f"/groups/{slug}/")

    def test_two_when_not(self, varied_groups, django_assert_num_queries):
        with django_assert_num_queries(2):
            Client().get("/groups/escaping/")

    def test_postgresql_plans_the_page_s_queries_once_per_connection(self, varied_groups):
        if connection.vendor != "postgresql":
            pytest.skip("prepared statements are PostgreSQL's")
        for _ in range(2):  # the second run uses the statements the first prepared
            page_cache.page_cache().clear()
            assert_same_page("escaping")
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            statements = [row[0] for row in cursor.fetchall()]
        assert any(re.search(r'"groups_group"\."slug" = \$\d', statement) for statement in statements), statements
        assert any("UNION ALL" in statement for statement in statements), statements

    def test_postgresql_plans_the_result_cards_queries_once_per_connection(self, varied_groups):
        if connection.vendor != "postgresql":
            pytest.skip("prepared statements are PostgreSQL's")
        for _ in range(2):
            cards.card_cache().clear()
            assert Client().get("/groups/").status_code == 200
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            statements = [row[0] for row in cursor.fetchall()]
        # The ids as one array parameter (prepared.AnyOf): one statement for any number of them. The claims of the
        # one group with a badge (card_rows): prepared too, with its id as a parameter.
        assert any(re.search(r'"groups_group"\."id" = ANY\(\$\d', statement) for statement in statements), statements
        assert any("UNION ALL" in statement and "accreditationclaim" in statement and "$1" in statement
                   for statement in statements), statements

    def test_a_deployment_that_cannot_keep_prepared_statements_says_so_in_its_options(self):
        settings_dict = {**connection.settings_dict, "OPTIONS": {"prepare_threshold": None}}
        assert not prepared._can_plan_once(mock.Mock(vendor="postgresql", settings_dict=settings_dict))
        assert prepared._can_plan_once(mock.Mock(vendor="postgresql", settings_dict={"OPTIONS": {}}))
        assert not prepared._can_plan_once(mock.Mock(vendor="sqlite", settings_dict={"OPTIONS": {}}))

    def test_hits_and_misses_are_counted(self, varied_groups):
        page_cache.page_cache_stats(reset=True)
        for _ in range(3):
            Client().get("/groups/plain/")
        assert page_cache.page_cache_stats() == {"hits": 2, "misses": 1}


class TestACachedPageFollowsItsGroup:
    def test_an_edit(self, varied_groups):
        Client().get("/groups/plain/")
        group = Group.objects.get(slug="plain")
        group.summary = "Meets by the river."
        group.save()
        assert "Meets by the river." in assert_same_page("plain")

    def test_a_change_that_sends_no_signal(self, varied_groups):
        Client().get("/groups/plain/")
        Group.objects.filter(slug="plain").update(status=Group.Status.PAUSED)
        assert "not taking new members" in assert_same_page("plain")

    def test_its_meetings(self, varied_groups):
        assert "Every Tuesday, 18:00" in Client().get("/groups/messages/").content.decode()
        meeting = MeetingTime.objects.get(group__slug="messages")
        meeting.weekday = 4
        meeting.save()
        page = assert_same_page("messages")
        assert "Every Friday, 18:00" in page and "Tuesday" not in page

    def test_a_meeting_s_end_and_a_language_added(self, varied_groups, taxonomy):
        """Neither changes the group's row nor its next meeting: the directory version's token tells."""
        Client().get("/groups/messages/")
        meeting = MeetingTime.objects.get(group__slug="messages")
        meeting.end_time = datetime.time(19, 30)
        meeting.save()
        assert "Every Tuesday, 18:00–19:30" in assert_same_page("messages")
        Group.objects.get(slug="messages").languages.add(Language.objects.get(slug="ar"))
        assert "English, French, Arabic" in assert_same_page("messages")

    def test_its_place_visibility(self, varied_groups):
        assert "1 &lt;High&gt; St" in Client().get("/groups/escaping/").content.decode()
        place = Place.objects.get(group__slug="escaping")
        place.address_visibility = "area-only"
        place.save()
        page = assert_same_page("escaping")
        assert "&lt;High&gt; St" not in page and "shares the exact address" in page

    def test_a_badge_past_its_last_valid_day(self, varied_groups, today):
        assert "Accreditation verified" in Client().get("/groups/escaping/").content.decode()
        after_midnight = datetime.datetime.combine(today + datetime.timedelta(days=1), datetime.time(0, 1),
                                                   tzinfo=timezone.get_current_timezone())
        with mock.patch("django.utils.timezone.now", return_value=after_midnight):
            page = assert_same_page("escaping")
        assert "Accreditation verified" not in page and "None listed" in page

    def test_a_renamed_term(self, varied_groups):
        Client().get("/groups/plain/")
        in_person = Format.objects.get(slug="in-person")
        in_person.name = "Face to face"
        in_person.save()
        assert "Face to face" in assert_same_page("plain")

    def test_a_renamed_accrediting_body(self, varied_groups, accrediting_body):
        Client().get("/groups/escaping/")
        body = AccreditingBody.objects.get(pk=accrediting_body.pk)
        body.scheme = "Bright Lights"
        body.save()
        assert "Bright Lights" in assert_same_page("escaping")

    def test_its_last_coordinator_leaving(self, varied_groups):
        assert "Contact this group" in Client().get("/groups/messages/").content.decode()
        User.objects.filter(email="coordinator@example.org").update(is_active=False)
        assert "Contact this group" not in assert_same_page("messages")

    def test_the_next_meeting_moves_on_with_the_clock(self, varied_groups):
        now = timezone.now()
        first = Client().get("/groups/messages/").content.decode()
        with mock.patch("django.utils.timezone.now", return_value=now + datetime.timedelta(days=7)):
            later = assert_same_page("messages")
        assert first != later and later.count("Next meeting") == first.count("Next meeting") == 2

    def test_the_next_meeting_moves_on_the_same_day(self, varied_groups):
        tuesday = timezone.localdate() + datetime.timedelta(days=(1 - timezone.localdate().weekday()) % 7 + 7)
        assert tuesday.isoweekday() == 2
        london = timezone.get_current_timezone()
        before, after = (datetime.datetime.combine(tuesday, datetime.time(hour), tzinfo=london) for hour in (17, 19))
        with mock.patch("django.utils.timezone.now", return_value=before):
            first = assert_same_page("messages")
        with mock.patch("django.utils.timezone.now", return_value=after):
            later = assert_same_page("messages")
        assert f"{tuesday.day} {tuesday:%B %Y}, 18:00" in first
        assert f"{tuesday.day} {tuesday:%B %Y}, 18:00" not in later

    def test_a_listing_going_stale(self, varied_groups):
        assert "not been confirmed" not in Client().get("/groups/plain/").content.decode()
        with mock.patch("django.utils.timezone.now", return_value=timezone.now() + datetime.timedelta(days=400)):
            assert "not been confirmed" in assert_same_page("plain")


class TestNothingLeaks:
    def test_each_group_its_own_page(self, make_group):
        for slug in ("twin-a", "twin-b"):
            make_group("Twin", slug=slug, contact_email=f"{slug}@example.org")
        assert "twin-a@example.org" in Client().get("/groups/twin-a/").content.decode()
        page = Client().get("/groups/twin-b/").content.decode()
        assert "twin-b@example.org" in page and "twin-a@example.org" not in page

    def test_a_signed_in_visitor_gets_their_own_header_never_kept(self, varied_groups, make_user):
        staff = Client()
        staff.force_login(make_user("staff@example.org", staff=True, mfa=True))
        anonymous = Client()
        anonymous.get("/groups/plain/")
        own = staff.get("/groups/plain/").content.decode()
        assert "Sign out" in own and "Review queue" in own and "csrfmiddlewaretoken" in own
        shared = anonymous.get("/groups/plain/").content.decode()
        assert "Sign out" not in shared and "csrfmiddlewaretoken" not in shared and "Review queue" not in shared
        assert staff.get("/groups/plain/").content.decode().count("Sign out") == 1

    def test_a_message_is_shown_to_its_visitor_only(self, varied_groups):
        request = RequestFactory().get("/groups/plain/")
        request.session = {}
        request._messages = FallbackStorage(request)
        request._messages.add(constants.SUCCESS, "Your message was sent.")
        request.user = mock.Mock(is_authenticated=False)
        request.resolver_match = mock.Mock(url_name="detail")
        response = page_cache.page_response(request, published_group_or_404("plain", many=False))
        assert "Your message was sent." in response.content.decode()
        assert get_messages(request).used  # shown, so not kept for the next page
        assert "Your message was sent." not in Client().get("/groups/plain/").content.decode()


@pytest.mark.django_db
def test_a_group_page_takes_its_terms_from_the_search_index_only_of_its_own_version(client, make_group):
    """With this worker's search index of the version the page was read at, query 2 reads no taxonomy term (the
    index has them); a change of terms moves the version, and the page read before any search rebuilt the index
    reads the terms itself, so it never shows the old ones."""
    group = make_group("Circle", types=["therapeutic"])
    client.get("/groups/")  # the worker's index, built on its first search
    page_cache.page_cache().clear()
    with CaptureQueriesContext(connection) as read:
        page = client.get(f"/groups/{group.slug}/").content.decode()
    assert ">Therapeutic<" in page and len(read) == 2
    assert not any("groups_grouptype" in query["sql"] for query in read.captured_queries)
    group.types.set([GroupType.objects.get(slug="community-based")])
    with CaptureQueriesContext(connection) as read:
        page = client.get(f"/groups/{group.slug}/").content.decode()
    assert ">Community based<" in page and ">Therapeutic<" not in page
    assert any("groups_grouptype" in query["sql"] for query in read.captured_queries)
