"""Turn search results and groups into what pages and the JSON show (no queries here)."""

import datetime
import functools
from dataclasses import dataclass, field

from django.conf import settings
from django.http import QueryDict
from django.utils import formats, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from groups.core import schedule
from groups.core.vocabulary import DAY_NAMES, TIME_NAMES
from groups.directory.params import DEFAULT_RADIUS_KM, FACETS_BY_PARAM


@dataclass
class Chip:
    label: str
    remove_url: str


def querystring(params, **changes):
    """The search's query string with some parameters changed (None removes); page always reset."""
    data = QueryDict(mutable=True)
    if params.q:
        data["q"] = params.q
    for param, slugs in params.terms.items():
        if slugs:
            data.setlist(param, slugs)
    if params.accredited:
        data["accredited"] = "1"
    if params.origin:
        if params.near:
            data["near"] = params.near
        else:
            data["lat"] = f"{params.origin.latitude:.2f}"
            data["lng"] = f"{params.origin.longitude:.2f}"
        if params.origin.radius_km != DEFAULT_RADIUS_KM:
            data["radius"] = f"{params.origin.radius_km:g}"
    if params.days:
        data.setlist("day", params.days)
    if params.times:
        data.setlist("time", params.times)
    if params.sort not in ("name", "relevance"):
        data["sort"] = params.sort
    elif params.q and params.sort == "name":
        data["sort"] = "name"
    for key, value in changes.items():
        if value is None or value == []:
            data.pop(key, None)
        elif isinstance(value, list):
            data.setlist(key, value)
        else:
            data[key] = value
    encoded = data.urlencode()
    return "?" + encoded if encoded else "?"


def active_chips(result):
    """A removable chip for every active filter value, in the order of the form."""
    params = result.params
    chips = []
    names = {param: {term.slug: term.name for term in terms} for param, terms in result.terms_by_param.items()}
    if params.q:
        chips.append(Chip(_("Words: “%(q)s”") % {"q": params.q}, querystring(params, q=None, sort=None)))
    for param, slugs in params.terms.items():
        label = FACETS_BY_PARAM[param].label
        for slug in slugs:
            remaining = [other for other in slugs if other != slug]
            chips.append(Chip(f"{label}: {names[param][slug]}", querystring(params, **{param: remaining})))
    if params.accredited:
        chips.append(Chip(_("Verified accreditation only"), querystring(params, accredited=None)))
    if params.origin:
        label = _("Within %(km)s km of %(place)s") % {
            "km": f"{params.origin.radius_km:g}", "place": params.origin.label
        }
        chips.append(Chip(label, without_place_url(params)))
    for day in params.days:
        chips.append(Chip(str(DAY_NAMES[day]), querystring(params, day=[d for d in params.days if d != day])))
    for time_slug in params.times:
        chips.append(Chip(str(TIME_NAMES[time_slug]),
                          querystring(params, time=[t for t in params.times if t != time_slug])))
    return chips


def active_filter_count(params):
    """How many filter choices are ticked (words and place are typed in the form, not counted here)."""
    ticked = sum(len(slugs) for slugs in params.terms.values())
    return ticked + len(params.days) + len(params.times) + (1 if params.accredited else 0)


def without_place_url(params):
    """The same search without its place (and without sorting by distance, which needs one)."""
    without_place = {"near": None, "lat": None, "lng": None, "radius": None}
    if params.sort == "distance":
        without_place["sort"] = None
    return querystring(params, **without_place)


def clear_filters_url(params):
    """Clear every filter, keeping the search words."""
    cleared = {param: None for param in params.terms}
    cleared.update(accredited=None, near=None, lat=None, lng=None, radius=None, day=None, time=None)
    if params.sort == "distance":
        cleared["sort"] = None
    return querystring(params, **cleared)


def alternative_place_links(params):
    """Links to the same search near each other place of the same name."""
    return [(label, querystring(params, near=label)) for label in params.place_alternatives]


def distance_label(group):
    """How far away a group within reach is, from the distance the search rounded (GroupQuerySet.near), so the
    words, the JSON and the order by distance agree: 0.1 km for a public address, whole km for an area."""
    distance = getattr(group, "distance_shown", None)
    if distance is None or not getattr(group, "within_reach", False):
        return None
    return distance_words(distance, True, group.place.is_address_public)


def distance_words(distance, within_reach, public):
    """distance_label from the values themselves (a result card built from the search index): None when there is
    no distance or the group is not within reach."""
    if distance is None or not within_reach:
        return None
    return _distance_words(get_language(), distance, public)


def forget_memoised_words():
    """The distances' and the meeting days' words looked up again (a change of settings, in tests)."""
    _distance_words.cache_clear()
    _day_words.cache_clear()


@functools.lru_cache(maxsize=4096)
def _distance_words(language, distance, public):
    """The words of distance_label, in the active language (named in the key: memoised per worker, as a result
    card shows many)."""
    if public:
        return _("%(km)s km away") % {"km": f"{distance:.1f}"}
    return _("about %(km)s km away (the group's area)") % {"km": f"{distance:.0f}"}


def next_meeting(group, now=None):
    """The group's next meeting as an aware datetime in its own zone, or None (never an exception)."""
    when, _ask = upcoming_meeting(group, now or timezone.now())
    return when.at if when else None


def location_label(group):
    """City and region, never a hidden street; "" for a group with no place (its formats already say "Online")."""
    place = getattr(group, "place", None)
    if place is None:
        return ""
    return place.public_area() or _("Location given after contact")


def accreditation_badge(group):
    """The current verified claim that earns a badge, or None. Prefetched by accreditation.selectors.with_badges()."""
    claims = getattr(group, "current_claims", [])
    return claims[0] if claims else None


# --- a group's times, in the group's own zone --------------------------------------------------------------------


def zone_label(tz_name):
    """A time zone as people name it: "New York time" for America/New_York, "UTC" for UTC."""
    name = str(tz_name or "")
    if schedule.zone_or_none(name) is None:
        return _("local time")  # a stored name that is no zone: never shown as if it were a city
    if name in ("UTC", "Etc/UTC", "Etc/GMT", "GMT"):
        return "UTC"
    if name.startswith("Etc/GMT") and len(name) > 7:
        # POSIX names have the sign reversed: Etc/GMT+5 is five hours behind UTC.
        sign = "−" if name[7] == "+" else "+"
        return f"UTC{sign}{name[8:]}"
    city = name.rsplit("/", 1)[-1].replace("_", " ")
    return _("%(city)s time") % {"city": city}


@dataclass(frozen=True)
class MeetingWhen:
    """One start time as a person reads it: the wall-clock time of the zone it names (never the site's zone).

    ``at`` is an aware datetime in the group's zone. The text is formatted from ``at`` directly: Django's
    ``date`` filter would first move it into the site's time zone and so show London's clock under the group's
    zone name.
    """

    at: datetime.datetime
    zone: str

    @property
    def iso(self):
        return self.at.isoformat()

    @property
    def text(self):
        """Weekday, day, month, year and 24-hour time, e.g. "Wednesday 2 December 2026, 10:00"."""
        return self.words(with_year=True)

    def short_text(self, now):
        """As :attr:`text`, without the year when it is the current year there (for cards)."""
        return self.words(with_year=self.shows_year(now))

    def shows_year(self, now):
        """Whether :meth:`short_text` names the year: not when the meeting is in the current year there."""
        return self.at.year != now.astimezone(self.at.tzinfo).year

    def words(self, with_year):
        """date_format(at, "l j F Y, H:i"), or without " Y": the day's words memoised per language and date (a
        results page names a few dozen days, and formatting one cost a tenth of a millisecond), the clock time
        written as the format's H:i writes it (digits in every language)."""
        at = self.at
        return f"{_day_words(get_language(), at.date(), with_year)}, {at.hour:02d}:{at.minute:02d}"

    @property
    def zone_label(self):
        return zone_label(self.zone)


@functools.lru_cache(maxsize=4096)
def _day_words(language, day, with_year):
    """The weekday, day, month (and year) of a date in the active language, named in the key."""
    return formats.date_format(day, "l j F Y" if with_year else "l j F")


def upcoming_meeting(group, now, stored=None):
    """(the next meeting as a MeetingWhen or None, whether to say "ask the group" instead).

    From the group's meetings (the group page and the JSON read them anyway); with stored="first", from the stored
    next meeting (Group.next_meeting_at, exact while it is still ahead) when it can be, as result cards do, so a
    cached card reads no meetings; stored="only": None instead of reading the meetings when they are needed.
    """
    if stored:
        at = getattr(group, "next_meeting_at", None)
        zone = schedule.zone_or_none(group.time_zone)
        if at is not None and zone is not None and at >= now:
            return MeetingWhen(at.astimezone(zone), group.time_zone), False
        # Annotated by groups.directory.loading: nothing to compute for a group with no scheduled meeting.
        if at is None and getattr(group, "has_scheduled_meeting", None) is False:
            return None, False
        if stored == "only":
            return None
    meetings = list(group.meeting_times.all())
    found = schedule.next_meeting(meetings, group.time_zone, now)
    when = MeetingWhen(found[0], group.time_zone) if found else None
    return when, when is None and any(meeting.is_scheduled for meeting in meetings)


@dataclass(frozen=True)
class GroupCard:
    """What a result card shows about a group, beyond the group's own fields (which templates read from ``group``).

    ``ask_the_group`` is set when the group lists scheduled meetings but no next date can be worked out from them
    (a stored value out of range): the card says to ask the group rather than show a wrong or missing date.
    """

    group: object
    next_meeting: MeetingWhen | None
    next_meeting_short: str
    ask_the_group: bool
    location_label: str
    badge: object
    distance_label: str | None

    @classmethod
    def build(cls, group, now):
        when, ask_the_group = upcoming_meeting(group, now)
        return cls(
            group=group, next_meeting=when, next_meeting_short=when.short_text(now) if when else "",
            ask_the_group=ask_the_group, location_label=location_label(group), badge=accreditation_badge(group),
            distance_label=distance_label(group),
        )

    @property
    def zone_label(self):
        return zone_label(self.group.time_zone)


@dataclass(frozen=True)
class GroupPage(GroupCard):
    """What the group page shows beyond the model: meeting lines, whether a calendar file helps, freshness."""

    meeting_lines: list = field(default_factory=list)
    has_calendar: bool = False
    is_stale: bool = False

    @classmethod
    def build(cls, group, now):
        card = GroupCard.build(group, now)
        meetings = list(group.meeting_times.all())
        return cls(
            **{name: getattr(card, name) for name in card.__dataclass_fields__},
            meeting_lines=[schedule.describe(meeting) for meeting in meetings],
            # The calendar file holds the meetings that have a next date; without one it would be empty.
            has_calendar=any(schedule.next_occurrence(meeting, group.time_zone, now) for meeting in meetings),
            is_stale=listing_is_stale(group, now),
        )


def listing_is_stale(group, now):
    """Whether the group has not confirmed its listing for STALE_NOTICE_DAYS (the page says details may have
    changed)."""
    return group.last_confirmed_at < now - datetime.timedelta(days=settings.STALE_NOTICE_DAYS)


def group_page(group, now=None):
    """The :class:`GroupPage` of one group (also for staff and coordinator previews)."""
    return GroupPage.build(group, now or timezone.now())
