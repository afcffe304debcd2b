"""What a survivor reads about meeting times is true: the visible text agrees with the JSON, in the group's zone.

"Now" is frozen (django.utils.timezone.now, which every page reads) at instants around daylight-saving changes,
and the site's own zone is London: a page that showed London's clock under another zone's name fails here.
"""

import contextlib
import datetime
import html
import re
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.utils import timezone

from groups.core import next_meetings
from groups.models import Group, MeetingTime

UTC = datetime.UTC

# Instants around changes: Europe ends summer time on 25 Oct 2026 and starts it on 28 Mar 2027; the US ends it
# on 1 Nov 2026 and starts it on 14 Mar 2027; Sydney ends it on 4 Apr 2027; Kolkata has none.
NOWS = [
    datetime.datetime(2026, 10, 24, 12, tzinfo=UTC),
    datetime.datetime(2026, 10, 29, 12, tzinfo=UTC),
    datetime.datetime(2026, 12, 1, 18, tzinfo=UTC),
    datetime.datetime(2027, 3, 12, 12, tzinfo=UTC),
    datetime.datetime(2027, 3, 26, 23, 30, tzinfo=UTC),
    datetime.datetime(2027, 4, 2, 12, tzinfo=UTC),
]

SIX_ZONES = [
    # slug, zone, meeting, city label
    ("new-york", "America/New_York", {"frequency": "weekly", "weekday": 2, "start_time": datetime.time(10),
                                      "end_time": datetime.time(12)}, "New York time"),
    ("amsterdam", "Europe/Amsterdam", {"frequency": "weekly", "weekday": 1, "start_time": datetime.time(13, 30)},
     "Amsterdam time"),
    ("chicago", "America/Chicago", {"frequency": "weekly", "weekday": 6, "start_time": datetime.time(10, 30)},
     "Chicago time"),
    ("sydney", "Australia/Sydney", {"frequency": "monthly", "weekday": 6, "week_of_month": 1,
                                    "start_time": datetime.time(10)}, "Sydney time"),
    ("kolkata", "Asia/Kolkata", {"frequency": "every-n-weeks", "weekday": 4, "interval_weeks": 2,
                                 "starts_on": datetime.date(2026, 9, 4), "start_time": datetime.time(18)},
     "Kolkata time"),
    ("london", "Europe/London", {"frequency": "weekly", "weekday": 6, "start_time": datetime.time(19)},
     "London time"),
]


@contextlib.contextmanager
def frozen(now):
    """The clock at `now`, with every stored next meeting as the periodic refresh would have left it by then.

    The groups are made before the clock is frozen, at the real time: a next meeting stored from a later real
    moment would be further ahead than `now` allows (a week on, once the real clock has passed that meeting),
    which no server ever sees, since it stores only from the present. Storing again at `now` makes each test
    independent of when it runs.
    """
    with mock.patch("django.utils.timezone.now", return_value=now):
        next_meetings.store(Group.objects.all(), now)
        yield


# Tags that flow inside a line: a browser puts no space where they start or end ("18:30<span>(London time)"
# reads "18:30(London time)"), so neither does visible_text.
INLINE_TAG = re.compile(r"</?(?:a|abbr|b|em|i|small|span|strong|time|wbr)\b[^>]*>")


def visible_text(fragment):
    """The words a person reads: block tags become spaces, inline ones nothing, entities are decoded, whitespace
    collapses."""
    text = re.sub(r"<script.*?</script>|<style.*?</style>", " ", fragment, flags=re.S)
    text = INLINE_TAG.sub("", text)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())


def cards_by_slug(page):
    """The visible text of each result card, by the slug its title links to."""
    cards = {}
    for article in re.findall(r'<article class="card".*?</article>', page, flags=re.S):
        slug = re.search(r'href="/groups/([^/"]+)/"', article).group(1)
        cards[slug] = visible_text(article)
    return cards


def expected_words(iso, zone, now, with_year=True):
    """What the page must say for the JSON's next_meeting: its own wall clock (the JSON carries the zone's offset)."""
    moment = datetime.datetime.fromisoformat(iso)
    local = moment.astimezone(ZoneInfo(zone))
    assert local.utcoffset() == moment.utcoffset(), "the JSON's offset is the group's zone's"
    same_year = local.year == now.astimezone(ZoneInfo(zone)).year
    pattern = "%A {day} %B %Y, %H:%M" if with_year or not same_year else "%A {day} %B, %H:%M"
    return local.strftime(pattern.format(day=local.day))


def all_results(client, query=""):
    results, url = [], "/api/v1/groups/?" + query
    while url:
        data = client.get(url).json()
        results += data["results"]
        url = data["next"]
    return results


def check_every_listed_group(client, now):
    """Every listed group's card (all result pages) and page says what its JSON says, in its own zone."""
    from groups.directory.presenters import zone_label

    results = all_results(client)
    cards = {}
    for number in range(1, len(results) // 20 + 2):
        cards.update(cards_by_slug(client.get(f"/groups/?page={number}").content.decode()))
    checked = 0
    for result in results:
        card = cards[result["slug"]]
        page = visible_text(client.get(f"/groups/{result['slug']}/").content.decode())
        if result["next_meeting"] is None:
            assert "Next meeting" not in card or "Next meeting Ask the group" in card
            continue
        label = zone_label(result["time_zone"])
        assert label.endswith(" time") and "/" not in label
        on_page = f"Next meeting {expected_words(result['next_meeting'], result['time_zone'], now)} ({label})"
        on_card = f"Next meeting {expected_words(result['next_meeting'], result['time_zone'], now, False)} ({label})"
        assert on_page in page, (result["slug"], on_page)
        assert on_card in card, (result["slug"], on_card)
        assert result["time_zone"] not in page.replace("data-zone", "")
        checked += 1
    return checked


@pytest.mark.django_db
@pytest.mark.parametrize("now", [NOWS[1], NOWS[3]], ids=["between-the-autumn-changes", "between-the-spring-changes"])
def test_every_demo_group_shows_the_time_its_json_gives(client, now):
    call_command("load_demo", verbosity=0)
    with frozen(now):
        zones = set(Group.objects.published().exclude(meeting_times=None).values_list("time_zone", flat=True))
        assert len(zones) >= 6
        assert check_every_listed_group(client, now) >= 60


@pytest.fixture
def six_zones(make_group):
    for slug, zone, meeting, _label in SIX_ZONES:
        make_group(slug, slug=slug, time_zone=zone, meetings=[meeting])


@pytest.mark.parametrize("now", NOWS, ids=[now.strftime("%Y-%m-%dT%H:%M") for now in NOWS])
def test_six_zones_around_changes_show_their_own_wall_clock(client, six_zones, now):
    with frozen(now):
        assert check_every_listed_group(client, now) == 6
        for result in all_results(client):
            meeting = MeetingTime.objects.get(group__slug=result["slug"])
            shown = datetime.datetime.fromisoformat(result["next_meeting"])
            # None of these meetings is in a spring-forward gap: the wall clock is the meeting's start.
            assert shown.time() == meeting.start_time and shown.weekday() == meeting.weekday
            assert shown >= now


def test_the_reported_new_york_example(client, six_zones):
    with frozen(datetime.datetime(2026, 12, 1, 18, tzinfo=UTC)):
        page = visible_text(client.get("/groups/new-york/").content.decode())
        card = cards_by_slug(client.get("/groups/").content.decode())["new-york"]
    assert "Next meeting Wednesday 2 December 2026, 10:00 (New York time)" in page
    assert "Every Wednesday, 10:00–12:00" in page
    assert "All times are New York time, the group's own time." in page
    assert "America/New_York" not in page
    assert "Next meeting Wednesday 2 December, 10:00 (New York time)" in card

    with frozen(datetime.datetime(2026, 12, 1, 18, tzinfo=UTC)):
        amsterdam = cards_by_slug(client.get("/groups/").content.decode())["amsterdam"]
    assert "Next meeting Tuesday 8 December, 13:30 (Amsterdam time)" in amsterdam


def test_next_year_is_named_on_cards(client, six_zones):
    with frozen(datetime.datetime(2026, 12, 30, 18, tzinfo=UTC)):
        card = cards_by_slug(client.get("/groups/").content.decode())["sydney"]
    assert "Next meeting Sunday 3 January 2027, 10:00 (Sydney time)" in card


def test_sort_next_is_computed_in_each_groups_own_zone(client, make_group):
    # Now is Tuesday 1 December 2026, 12:00 UTC. By instant: Sydney Wed 09:00 (Tue 22:00 UTC), then New York
    # Tue 19:00 (Wed 00:00 UTC), then London Wed 08:00. Read as UTC wall clocks the order would be
    # New York, London, Sydney.
    # Created at that moment too: a next meeting stored later in the day (the real clock) would already be next
    # week's.
    with frozen(datetime.datetime(2026, 12, 1, 12, tzinfo=UTC)):
        for slug, zone, weekday, hour in [("london", "Europe/London", 2, 8),
                                          ("new-york", "America/New_York", 1, 19),
                                          ("sydney", "Australia/Sydney", 2, 9)]:
            make_group(slug, slug=slug, time_zone=zone,
                       meetings=[{"frequency": "weekly", "weekday": weekday, "start_time": datetime.time(hour)}])
        data = client.get("/api/v1/groups/?sort=next").json()
        page = client.get("/groups/?sort=next").content.decode()
    assert [result["slug"] for result in data["results"]] == ["sydney", "new-york", "london"]
    assert list(cards_by_slug(page)) == ["sydney", "new-york", "london"]


def test_the_site_zone_does_not_leak_into_what_is_shown(client, six_zones, settings):
    now = datetime.datetime(2026, 12, 1, 18, tzinfo=UTC)
    with frozen(now):
        before = visible_text(client.get("/groups/chicago/").content.decode())
        settings.TIME_ZONE = "Asia/Tokyo"
        timezone.deactivate()
        after = visible_text(client.get("/groups/chicago/").content.decode())
    assert "Next meeting Sunday 6 December 2026, 10:30 (Chicago time)" in before
    assert "Next meeting Sunday 6 December 2026, 10:30 (Chicago time)" in after


@pytest.mark.parametrize("zone, label", [
    ("America/New_York", "New York time"), ("America/Argentina/Buenos_Aires", "Buenos Aires time"),
    ("Asia/Kolkata", "Kolkata time"), ("UTC", "UTC"), ("Etc/GMT+5", "UTC−5"), ("Etc/GMT-10", "UTC+10"),
    ("Mars/Olympus_Mons", "local time"), ("", "local time"),
])
def test_zones_are_named_as_people_name_them(zone, label):
    from groups.directory.presenters import zone_label

    assert zone_label(zone) == label
