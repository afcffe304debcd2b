"""A result card built in Python (groups.directory.card_html) is byte for byte what the card templates render, for
any group: the templates stay the reference, so a card changed in one and not the other fails here."""

import datetime
import zoneinfo
from unittest import mock

import pytest
from django.db import connection
from django.http import QueryDict
from django.template.loader import get_template
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import formats, timezone, translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from groups.accreditation.models import AccreditationClaim, AccreditingBody
from groups.core import directory_version
from groups.directory import api, card_html, cards, loading, selectors
from groups.directory.presenters import GroupCard, MeetingWhen, distance_label, upcoming_meeting
from groups.models import Cost, Format, Group, GroupType, Language, MeetingTime, Place

NOW = datetime.datetime(2026, 12, 6, 22, 0, tzinfo=datetime.UTC)
# Text as people type it and worse: markup characters, quotes, accents written as combining marks, a character
# that NFC writes as two (U+0958), right-to-left script, emoji, and percent signs (gettext formatting).
TRICKY = "<>&\"'%e\u0301\u0958\u05d0\u200f😀 \n\t"
text = st.text(alphabet=st.one_of(st.sampled_from(TRICKY), st.characters(blacklist_categories=("Cs",))),
               max_size=40)
letters = st.one_of(st.sampled_from(TRICKY + "ab"), st.characters(blacklist_categories=("Cs",)))
# Summaries around the card's 220 characters most often, where truncating starts.
summaries = st.one_of(st.text(alphabet=letters, max_size=40),
                      st.integers(200, 300).flatmap(lambda n: st.text(alphabet=letters, min_size=n, max_size=n)))
slugs = st.from_regex(r"[-a-zA-Z0-9_]{1,30}", fullmatch=True)
EXAMPLES = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def by_templates(group, now, language):
    """The card as the templates render it (what groups.directory.cards did before card_html)."""
    with translation.override(language):
        html = get_template(cards.CARD_TEMPLATE).render(
            {"card": GroupCard.build(group, now), "group": group, "live_slot": cards.LIVE_SLOT})
        before, _slot, after = html.partition(cards.LIVE_SLOT)
        when, ask = upcoming_meeting(group, now, stored="first")
        live = get_template(cards.LIVE_TEMPLATE).render({
            "distance_label": distance_label(group), "when": when, "text": when.short_text(now) if when else "",
            "ask_the_group": ask, "group": {"meets_remotely": bool(group.meets_remotely)},
        })
    return before + live + after


def by_python(group, now, language):
    with translation.override(language):
        words = card_html.CardWords.looked_up()
        before, after = card_html.fixed_html(group, words)
        when, ask = upcoming_meeting(group, now, stored="first")
        live = card_html.live_html(words, distance_label(group), when, when.short_text(now) if when else "", ask,
                                   bool(group.meets_remotely))
    return before + live + after


@st.composite
def groups(draw):
    """A group in memory with everything a card reads set on it, as groups.directory.loading sets it."""
    group = Group(pk=draw(st.integers(1, 10**7)), slug=draw(slugs), name=draw(text), summary=draw(summaries),
                  host_name=draw(st.one_of(st.just(""), text)), is_demo=draw(st.booleans()),
                  status=draw(st.sampled_from([Group.Status.PUBLISHED, Group.Status.PAUSED])),
                  meets_remotely=draw(st.booleans()),
                  time_zone=draw(st.sampled_from(["Europe/London", "America/New_York", "Etc/GMT+5", "UTC", "Nowhere"])))
    group.cost = draw(st.one_of(st.none(), st.builds(Cost, name=text)))
    Group.place.related.set_cached_value(group, None)  # as select_related("place") leaves a group without one
    if draw(st.booleans()):
        group.place = Place(city=draw(text), region=draw(st.one_of(st.just(""), text)),
                            address_visibility=draw(st.sampled_from(Place.Visibility.values)))
        if draw(st.booleans()):
            group.distance_shown = draw(st.floats(0, 600))
            group.within_reach = draw(st.booleans())
    for field, model in (("types", GroupType), ("formats", Format), ("languages", Language)):
        loading._set_prefetched(group, field, model, [model(name=name) for name in draw(st.lists(text, max_size=3))])
    group.current_claims = draw(st.lists(claims(), max_size=1))
    group.waiting_claims = draw(st.lists(claims(), max_size=1))
    draw_meetings(draw, group)
    return group


@st.composite
def claims(draw):
    other = draw(st.booleans())
    body = AccreditingBody(slug=AccreditingBody.OTHER_SLUG if other else "a-body", name=draw(text), scheme=draw(text))
    return AccreditationClaim(body=body, scope=draw(st.sampled_from(AccreditationClaim.Scope.values)),
                              facilitator_name=draw(text), other_body_name=draw(text),
                              valid_until=draw(st.dates(datetime.date(2020, 1, 1), datetime.date(2040, 12, 31))))


def draw_meetings(draw, group):
    """A stored next meeting (this year or later), none at all, or meetings with no date to show ("ask")."""
    kind = draw(st.sampled_from(["stored", "none", "ask", "by-arrangement"]))
    group.next_meeting_at = None
    group.has_scheduled_meeting = kind in ("stored", "ask")
    meetings = []
    if kind == "stored":
        group.next_meeting_at = NOW + datetime.timedelta(minutes=draw(st.integers(0, 60 * 24 * 500)))
    elif kind == "ask":
        # A weekly meeting with no weekday: no date can be worked out from it.
        meetings = [MeetingTime(pk=1, frequency="weekly", weekday=None, start_time=datetime.time(18))]
    elif kind == "by-arrangement":
        meetings = [MeetingTime(pk=1, frequency="by-arrangement")]
    loading._set_prefetched(group, "meeting_times", MeetingTime, meetings)


@EXAMPLES
@given(group=groups(), language=st.sampled_from(["en", "fr"]))
def test_a_card_built_in_python_is_the_card_the_templates_render(group, language):
    assert by_python(group, NOW, language) == by_templates(group, NOW, language)


# A translation with markup and quotes in it, values in another order, and one that does not fit its values.
FAKE_TRANSLATIONS = {
    "Type": "Sorte <&> \"'",
    "Run by %(host)s": "%(host)s & co <b>",
    "Accreditation verified — %(scheme)s, valid until %(date)s": "Jusqu'au %(date)s: %(scheme)s",
    "Facilitator credential verified — %(name)s, %(scheme)s, valid until %(date)s": "Broken %(nom)s",
    "Accreditation claimed, not yet verified": "Réclamée \"<i>\"",
    "Your time:": "L'heure & \"vous\"",
    "Next meeting": "100%% prochaine",
}


def faked_gettext(translations):
    """gettext giving these translations in any language; translation.override(None) still gives the text as written."""
    original = translation._trans.gettext

    def fake(message):
        if translation.get_language() is None:
            return original(message)
        return translations.get(str(message), original(message))

    return fake


@EXAMPLES
@given(group=groups())
def test_translations_are_put_in_as_the_templates_put_them(group):
    with mock.patch.object(translation._trans, "gettext", faked_gettext(FAKE_TRANSLATIONS)):
        assert by_python(group, NOW, "en") == by_templates(group, NOW, "en")


def test_the_fake_translations_show(taxonomy):
    group = Group(pk=7, slug="g", name="G", summary="", host_name="Host")
    for field, model in (("types", GroupType), ("formats", Format), ("languages", Language)):
        loading._set_prefetched(group, field, model, [])
    group.current_claims, group.waiting_claims = [], [AccreditationClaim()]
    with mock.patch.object(translation._trans, "gettext", lambda message: FAKE_TRANSLATIONS.get(message, message)):
        html = by_python(group, NOW, "en")
    assert "Sorte &lt;&amp;&gt; &quot;&#x27;" in html and "Host & co <b>" in html and "Réclamée &quot;" in html


def test_a_group_address_is_the_one_reverse_gives(make_group):
    group = make_group("Circle", slug="circle-of-friends_2")
    words = card_html.CardWords.looked_up()
    assert words.group_url(group) == group.get_absolute_url() == "/groups/circle-of-friends_2/"


def make_varied_groups(make_group, accrediting_body, today, hull=None):
    """Four groups covering every branch of a card: markup in a name, a host, demo and paused, each address
    visibility, a facilitator's badge, a waiting claim, a badge (its town located at `hull`)."""
    make_group("Plain <b>&</b>", summary="x" * 300)
    make_group("Hosted", host_name="O'Brien & \"Sons\"", is_demo=True, status=Group.Status.PAUSED,
               place={"city": "Leeds", "region": "West Yorkshire", "address_visibility": "public",
                      "latitude": "53.8", "longitude": "-1.55"},
               meetings=[{"frequency": "weekly", "weekday": 2, "start_time": datetime.time(18)}],
               claims=[{"body": accrediting_body, "status": "verified", "valid_until": today,
                        "scope": "facilitator", "facilitator_name": "Ann <Lee>"}])
    make_group("Waiting", formats=["online"], place={"city": "York", "address_visibility": "on-request"},
               claims=[{"body": accrediting_body, "status": "claimed"}], time_zone="America/New_York",
               meetings=[{"frequency": "by-arrangement"}])
    make_group("Accredited", place={"city": "Hull", "address_visibility": "area-only", **(hull or {})},
               claims=[{"body": accrediting_body, "status": "verified", "valid_until": today}])


@pytest.mark.django_db
def test_cards_read_from_the_database_are_the_templates_cards(make_group, accrediting_body, today):
    """Every branch with groups as groups.directory.loading reads them: the cards' own code path, cold and cached."""
    tomorrow_evening = timezone.now() + datetime.timedelta(days=1)
    make_varied_groups(make_group, accrediting_body, today)
    Group.objects.filter(name="Hosted").update(next_meeting_at=tomorrow_evening)
    ids = list(Group.objects.order_by("name").values_list("pk", flat=True))
    origin = mock.Mock(latitude=53.79, longitude=-1.54, radius_km=25)
    for _round in ("cold", "cached"):
        shown = {card.group.pk: card.html for card in cards.cards_for_ids(ids, language="en", origin=origin)}
        now = timezone.now()
        for group in loading.groups_by_id(ids):
            loading.set_distances([group], origin=origin)
            assert shown[group.pk] == by_templates(group, now, "en")
    assert "km away" in shown[ids[1]] and "Ann &lt;Lee&gt;" in shown[ids[1]]


def make_every_kind(make_group, accrediting_body, today):
    """make_varied_groups, and the next meetings the index cannot tell on its own: a stored one that has passed,
    none stored although a meeting is listed, a zone that is no zone."""
    make_varied_groups(make_group, accrediting_body, today, hull={"latitude": "53.74", "longitude": "-0.33"})
    make_group("Passed", formats=["online"], time_zone="Asia/Kolkata",
               meetings=[{"frequency": "weekly", "weekday": 4, "start_time": datetime.time(9)}])
    make_group("Unstored", meetings=[{"frequency": "weekly", "weekday": 1, "start_time": datetime.time(9)}])
    make_group("Nowhere", meetings=[{"frequency": "weekly", "weekday": 5, "start_time": datetime.time(9)}])
    # Written as refresh_next_meetings and a stored value out of range would leave them, with the version bumped.
    Group.objects.filter(name="Passed").update(next_meeting_at=timezone.now() - datetime.timedelta(days=3))
    Group.objects.filter(name="Unstored").update(next_meeting_at=None)
    Group.objects.filter(name="Nowhere").update(time_zone="Not/A_Zone")
    directory_version.bump()


@pytest.mark.django_db
def test_the_json_from_the_search_index_is_each_group_s_json_read_in_full(client, rf, make_group, accrediting_body,
                                                                         today):
    """The JSON of a page answered from the index reads claims only for groups with a badge and meetings only
    where the stored next meeting cannot be shown (loading.attach_from_index): each group's entry is the one
    api.group_json gives for the group read with everything (loading.groups_by_id), in every case of a card."""
    make_every_kind(make_group, accrediting_body, today)
    client.get("/groups/")  # the worker's index, built on its first search
    for query in ("", "lat=53.79&lng=-1.54&radius=100"):
        with CaptureQueriesContext(connection) as read:
            found = client.get(f"/api/v1/groups/?{query}").json()["results"]
        # The version, the groups, and their claims and meetings where needed (corrected next meetings: two more).
        assert len(read) <= 5, [query["sql"][:80] for query in read.captured_queries]
        now = timezone.now()
        request = rf.get(f"/api/v1/groups/?{query}")
        by_slug = {group.slug: group for group in loading.groups_by_id(Group.objects.values_list("pk", flat=True))}
        assert len(found) == (7 if not query else 4)
        for entry in found:
            group = by_slug[entry["slug"]]
            if "distance_km" in entry:
                group.distance_shown, group.within_reach = entry["distance_km"], entry["within_reach"]
            assert entry == api.group_json(request, group, now), group.name
    names = {entry["name"]: entry for entry in client.get("/api/v1/groups/").json()["results"]}
    assert names["Accredited"]["accredited"] and names["Hosted"]["accreditation"]["scope"] == "facilitator"
    assert datetime.datetime.fromisoformat(names["Passed"]["next_meeting"]) > now and names["Unstored"]["next_meeting"]


@pytest.mark.django_db
def test_cards_from_the_search_index_are_the_templates_cards(make_group, accrediting_body, today):
    """The results page's own path (keys and live parts from the facet index, groups read only for missed cards):
    every branch the cards from the database cover, and the next meetings the index cannot tell on its own (a
    stored one that has passed, none stored although a meeting is listed, a zone that is no zone)."""
    make_every_kind(make_group, accrediting_body, today)
    shown = {}
    for query in ("", "", "lat=53.79&lng=-1.54&radius=100", "lat=53.79&lng=-1.54&radius=100"):  # cold, then cached
        result = selectors.search_groups(QueryDict(query), read=False)
        page = {card.group.pk: card.html for card in cards.cards_for_page(result, language="en")}
        shown.update(page)
        now = timezone.now()
        listed = {entry.pk: entry for entry in result.page.object_list}
        assert len(page) == len(listed) == (7 if not query else 4)
        for group in loading.groups_by_id(list(listed)):
            group.distance_shown, group.within_reach = listed[group.pk].distance_shown, listed[group.pk].within_reach
            assert page[group.pk] == by_templates(group, now, "en"), group.name
            # One key for a card however it was found, so the two paths share the cache.
            index = result.index
            assert cards.card_key(group, "en", 0) == cards.index_card_key(index, index.rank_of[group.pk], "en", 0)
    by_name = {group.name: shown[group.pk] for group in Group.objects.all()}
    assert "km away" in by_name["Hosted"] and "km away" in by_name["Accredited"]
    assert "km away" in by_name["Hosted"] and "Ann &lt;Lee&gt;" in by_name["Hosted"]
    assert "Kolkata time" in by_name["Passed"] and "Next meeting" in by_name["Unstored"]


def test_the_zone_in_a_meeting_s_words_is_the_group_s():
    when = MeetingWhen(NOW.astimezone(zoneinfo.ZoneInfo("Asia/Kolkata")), "Asia/Kolkata")
    with translation.override("en"):
        html = card_html.live_html(card_html.CardWords.looked_up(), None, when, when.short_text(NOW), False, True)
    assert 'data-zone="Asia/Kolkata"' in html and "(Kolkata time)" in html and "Monday 7 December, 03:30" in html


def test_two_meetings_at_the_same_clock_time_on_the_night_the_clocks_go_back_keep_their_own_offsets():
    london = zoneinfo.ZoneInfo("Europe/London")
    first = MeetingWhen(datetime.datetime(2027, 10, 31, 1, 30, tzinfo=london), "Europe/London")
    second = MeetingWhen(first.at.replace(fold=1), "Europe/London")
    with translation.override("en"):
        words = card_html.CardWords.current()
        rows = [cards._meeting_row(words, "en", when, True, False, True) for when in (first, second)]
    assert 'datetime="2027-10-31T01:30:00+01:00"' in rows[0] and 'datetime="2027-10-31T01:30:00+00:00"' in rows[1]


ZONES = ["Europe/London", "America/New_York", "Asia/Kolkata", "Pacific/Chatham", "Etc/GMT+5", "UTC"]


@settings(max_examples=300, deadline=None)
@given(moment=st.datetimes(datetime.datetime(1, 1, 2), datetime.datetime(9999, 12, 30)),
       zone=st.sampled_from(ZONES), language=st.sampled_from(["en", "fr", "de", "cy"]), with_year=st.booleans())
def test_a_meeting_s_words_are_the_date_filter_s_in_every_language(moment, zone, language, with_year):
    """MeetingWhen.words memoises each day's words: what a card reads is still exactly what the date filter writes
    with the card's format, at the meeting's own clock time, in the language being shown."""
    at = moment.replace(tzinfo=datetime.UTC).astimezone(zoneinfo.ZoneInfo(zone))
    with translation.override(language):
        expected = formats.date_format(at, "l j F Y, H:i" if with_year else "l j F, H:i")
        assert MeetingWhen(at, zone).words(with_year) == expected


def test_the_same_meeting_read_in_one_language_then_another_is_in_each_language():
    when = MeetingWhen(datetime.datetime(2027, 3, 3, 18, 30, tzinfo=zoneinfo.ZoneInfo("Europe/Paris")), "Europe/Paris")
    shown = []
    for language in ("en", "fr", "en"):
        with translation.override(language):
            shown.append(when.words(with_year=False))
    assert shown == ["Wednesday 3 March, 18:30", "mercredi 3 mars, 18:30", "Wednesday 3 March, 18:30"]


def test_a_card_s_id_is_written_as_the_template_writes_it_with_thousands_grouped():
    """card_html writes a group's id with str() unless thousands are grouped; grouped, as {{ group.pk }} does."""
    group = Group(pk=1234567, slug="g", name="G", summary="", host_name="")
    Group.place.related.set_cached_value(group, None)
    for field, model in (("types", GroupType), ("formats", Format), ("languages", Language)):
        loading._set_prefetched(group, field, model, [])
    group.current_claims, group.waiting_claims = [], []
    draw_meetings(lambda strategy: "none", group)
    for grouped in (False, True):
        with override_settings(USE_THOUSAND_SEPARATOR=grouped):
            card_html.forget_words()
            python = by_python(group, NOW, "en")
            assert python == by_templates(group, NOW, "en")
            assert ('id="group-1,234,567"' in python) is grouped
