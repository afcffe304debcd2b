"""Result cards and a group's page: the groups read by primary key in at most two queries, each card's HTML cached
per group and language, and a cached card never out of date (groups.directory.loading, groups.directory.cards)."""

import datetime
import re
from unittest import mock

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import formats

from groups.accreditation.seen import claim_seen_token
from groups.accreditation.services import claim_verify
from groups.coordination import services
from groups.directory import card_rows, cards, loading
from groups.directory.facet_index import current_index
from groups.models import AccreditationClaim, Format, Group
from tests.groups.coordination.test_coordinate import edit_data

CARD = re.compile(r'<article class="card".*?</article>', flags=re.S)


def card_of(html, name):
    return next(card for card in CARD.findall(html) if f">{name}</a>" in card)


@pytest.fixture
def page_of_groups(make_group, accrediting_body, today):
    """25 groups with everything a card shows: terms, a place, meetings, a current and a waiting claim."""
    for number in range(25):
        make_group(f"Circle {number:02d}", types=["therapeutic", "community-based"], trauma=["domestic-abuse"],
                   formats=["in-person", "online"], language=["en", "fr"], access=["wheelchair"],
                   place={"city": "Leeds", "latitude": "53.8", "longitude": "-1.55",
                          "address_visibility": "public"},
                   meetings=[{"frequency": "weekly", "weekday": number % 7, "start_time": datetime.time(18)},
                             {"frequency": "by-arrangement"}],
                   claims=[{"body": accrediting_body, "status": "verified", "valid_until": today},
                           {"body": accrediting_body, "status": "claimed"}])
    return list(Group.objects.order_by("name").values_list("pk", flat=True)[:20])


class TestQueries:
    def test_twenty_cards_in_two_queries_then_one_when_cached(self, page_of_groups, django_assert_num_queries):
        with django_assert_num_queries(2):
            first = cards.cards_for_ids(page_of_groups, language="en")
        with django_assert_num_queries(1):
            again = cards.cards_for_ids(page_of_groups, language="en")
        assert [card.html for card in first] == [card.html for card in again]
        assert [card.group.pk for card in again] == page_of_groups

    def test_the_json_reads_everything_in_two_queries(self, page_of_groups, django_assert_num_queries):
        with django_assert_num_queries(2):
            groups = loading.groups_by_id(page_of_groups)
            for group in groups:
                assert [term.slug for term in group.types.all()] == ["therapeutic", "community-based"]
                assert len(group.meeting_times.all()) == 2 and group.current_claims and group.waiting_claims
                assert group.place.city == "Leeds" and group.cost.slug == "free"

    def test_a_group_page_is_two_queries(self, client, page_of_groups, django_assert_num_queries):
        slug = Group.objects.get(pk=page_of_groups[3]).slug
        with django_assert_num_queries(2):
            page = client.get(f"/groups/{slug}/").content.decode()
        assert "Circle 03" in page and "Accreditation verified" in page and "Every Thursday, 18:00" in page

    def test_a_search_page_with_every_card_cached_reads_no_group(self, client, page_of_groups):
        client.get("/groups/")  # the worker's search index is built on its first search (groups.directory.facet_index)
        caches["cards"].clear()
        with CaptureQueriesContext(connection) as cold:
            client.get("/groups/")
        with CaptureQueriesContext(connection) as warm:
            client.get("/groups/")
        # Cold: the search's own read of the directory version, then the missed cards' two queries (their rows and,
        # as each has a claim, their claims: card_rows.card_groups); warm: the version only, the keys and the next
        # meetings come from the index.
        assert len(cold) == 3 and len(warm) == 1
        assert "groups_group" not in warm.captured_queries[0]["sql"]


    def test_a_page_mixing_cached_and_missed_cards_shows_every_card_in_order(self, client, page_of_groups):
        cold = client.get("/groups/").content.decode()
        index = current_index()
        generation = caches["cards"].get(cards.GENERATION_KEY, 0)
        dropped = page_of_groups[::3]
        for pk in dropped:
            assert caches["cards"].delete(cards.index_card_key(index, index.rank_of[pk], "en", generation))
        cards.card_cache_stats(reset=True)
        reads = mock.patch.object(card_rows, "card_groups", wraps=card_rows.card_groups)
        with CaptureQueriesContext(connection) as mixed, reads as read:
            page = client.get("/groups/").content.decode()
        assert page == cold
        assert re.findall(r">(Circle \d\d)</a>", page) == [f"Circle {number:02d}" for number in range(20)]
        assert cards.card_cache_stats() == {"hits": 20 - len(dropped), "misses": len(dropped)}
        # The version, then the missed groups and only them (card_rows.card_groups: their rows, then their claims,
        # which every group here has).
        assert len(mixed) == 3
        read.assert_called_once()
        assert read.call_args.args[0] == dropped


    def test_missed_cards_of_groups_with_no_badge_are_one_query(self, client, make_group, accrediting_body):
        """card_rows reads claims only for the groups the index says have a badge (a claim waiting shows only that
        it waits, which the index tells), and meetings only when the index cannot tell the next one: missed cards
        of groups with neither are their rows alone."""
        for number in range(3):
            make_group(f"Quiet {number}", meetings=[{"frequency": "weekly", "weekday": number, "start_time":
                                                      datetime.time(18)}],
                       claims=[{"body": accrediting_body, "status": "claimed"}] if number == 1 else [])
        client.get("/groups/")  # the worker's index, built on its first search
        caches["cards"].clear()
        with CaptureQueriesContext(connection) as cold:
            page = client.get("/groups/").content.decode()
        assert len(cold) == 2 and page.count('<article class="card"') == 3 and page.count("<dt>Next meeting</dt>") == 3
        assert "Accreditation claimed, not yet verified" in card_of(page, "Quiet 1")
        assert "Accreditation claimed" not in card_of(page, "Quiet 0") + card_of(page, "Quiet 2")


class TestWhatACardShows:
    def test_a_cached_card_is_the_card_rendered_afresh(self, client, page_of_groups):
        cold = client.get("/groups/").content.decode()
        assert cards.card_cache_stats()["misses"] >= 20
        warm = client.get("/groups/").content.decode()
        assert warm == cold
        card = card_of(warm, "Circle 01")
        for words in ["Therapeutic", "In person, Online", "Leeds", "English, French", "Free",
                      "Accreditation verified", "Next meeting"]:
            assert words in card, words

    def test_distance_and_next_meeting_are_the_search_s_own(self, client, page_of_groups):
        near = card_of(client.get("/groups/?near=Leeds").content.decode(), "Circle 01")
        far = card_of(client.get("/groups/?near=Leeds&lat=51.5&lng=-0.12").content.decode(), "Circle 01")
        york = card_of(client.get("/groups/?lat=53.96&lng=-1.08&radius=50").content.decode(), "Circle 01")
        plain = card_of(client.get("/groups/").content.decode(), "Circle 01")
        assert "km away" in near and "km away" in york and "km away" not in plain
        distance = re.compile(r"[\d.]+ km away")
        assert distance.search(near).group() != distance.search(york).group()
        assert far.count("Next meeting") == 1

    def test_hit_rate_is_counted(self, client, page_of_groups):
        cards.card_cache_stats(reset=True)
        client.get("/groups/")
        client.get("/groups/")
        assert cards.card_cache_stats() == {"hits": 20, "misses": 20}


class TestACachedCardFollowsItsGroup:
    def test_an_approved_edit_changes_the_card(self, client, page_of_groups, make_user):
        reviewer = make_user("reviewer@example.org", staff=True, mfa=True)
        group = Group.objects.get(pk=page_of_groups[0])
        coordinator = make_user("coordinator@example.org")
        group.coordinators.add(coordinator)
        assert "Circle 00" in client.get("/groups/").content.decode()
        editor = Client()
        editor.force_login(coordinator)
        editor.post(f"/coordinate/groups/{group.slug}/edit/",
                    edit_data(editor, group.slug, name="Circle 00 by the river", action="submit"))
        assert "by the river" not in client.get("/groups/").content.decode()  # not public until approved
        revision = Group.objects.get(revision_of=group)
        services.review_approve(group=revision, reviewer=reviewer, seen=services.seen_token(revision))
        assert "Circle 00 by the river" in client.get("/groups/").content.decode()

    def test_pausing_shows_on_the_card(self, client, page_of_groups):
        client.get("/groups/")
        # The status alone (no new version or last save): a card's key follows it. Every write of the site sends
        # a signal or bumps the directory version itself (groups.core.directory_version), as search results need.
        group = Group.objects.get(pk=page_of_groups[0])
        group.status = Group.Status.PAUSED
        group.save(update_fields=["status"])
        assert "Not taking new members" in card_of(client.get("/groups/").content.decode(), "Circle 00")

    def test_a_verified_claim_shows_on_the_card(self, client, page_of_groups, make_user, today):
        reviewer = make_user("reviewer@example.org", staff=True, mfa=True)
        before = card_of(client.get("/groups/").content.decode(), "Circle 00")
        waiting = AccreditationClaim.objects.get(group_id=page_of_groups[0], status="claimed")
        next_year = today + datetime.timedelta(days=400)
        claim_verify(claim=waiting, reviewer=reviewer, seen=claim_seen_token(waiting), checked_how="body-contact",
                     valid_until=next_year)
        after = card_of(client.get("/groups/").content.decode(), "Circle 00")
        # The badge is the claim valid longest: now the one just verified.
        assert formats.date_format(today, "j F Y") in before and formats.date_format(next_year, "j F Y") in after
        assert formats.date_format(next_year, "j F Y") not in card_of(client.get("/groups/").content.decode(),
                                                                      "Circle 01")

    def test_a_claim_past_its_last_valid_day_loses_its_badge(self, client, page_of_groups, today):
        assert "Accreditation verified" in card_of(client.get("/groups/").content.decode(), "Circle 00")
        after = datetime.datetime.combine(today + datetime.timedelta(days=1), datetime.time(12), datetime.UTC)
        with mock.patch("django.utils.timezone.now", return_value=after):
            card = card_of(client.get("/groups/").content.decode(), "Circle 00")
        assert "Accreditation verified" not in card and "claimed, not yet verified" in card

    def test_a_renamed_term_shows_on_every_cached_card(self, client, page_of_groups):
        client.get("/groups/")
        online = Format.objects.get(slug="online")
        online.name = "Online (video)"
        online.save()
        assert "In person, Online (video)" in card_of(client.get("/groups/").content.decode(), "Circle 05")

    def test_another_language_is_another_card(self, page_of_groups):
        english = cards.cards_for_ids(page_of_groups[:1], language="en")[0].html
        welsh_key = cards.card_key(loading.groups_by_id(page_of_groups[:1], many=False)[0], "cy", 0)
        assert ":cy:" in welsh_key and "Next meeting" in english


def test_a_type_page_reads_the_counts_once_a_minute(client, page_of_groups, django_assert_num_queries):
    with django_assert_num_queries(1):
        first = client.get("/types/therapeutic/").content.decode()
    with django_assert_num_queries(0):
        again = client.get("/types/community-based/").content.decode()
    assert "See the 25 groups of this type" in first and "See the 25 groups of this type" in again
    assert client.get("/types/not-a-type/").status_code == 404


def test_a_group_unpublished_since_the_search_read_its_id_is_left_out(page_of_groups):
    Group.objects.filter(pk=page_of_groups[1]).update(status=Group.Status.CLOSED)
    shown = [card.group.pk for card in cards.cards_for_ids(page_of_groups)]
    assert shown == page_of_groups[:1] + page_of_groups[2:]
