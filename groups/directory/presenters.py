"""Turn search results and groups into what pages and the JSON show (no queries here)."""

from dataclasses import dataclass

from django.http import QueryDict
from django.utils import timezone
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
    if group.place.is_address_public:
        return _("%(km)s km away") % {"km": f"{distance:.1f}"}
    return _("about %(km)s km away (the group's area)") % {"km": f"{distance:.0f}"}


def next_meeting(group, now=None):
    """The group's next meeting as an aware datetime in its own zone, or None."""
    found = schedule.next_meeting(list(group.meeting_times.all()), group.time_zone, now or timezone.now())
    return found[0] if found else None


def location_label(group):
    """City and region, or "Online" for a group that does not meet in person; never a hidden street."""
    place = getattr(group, "place", None)
    if place is None:
        return _("Online or by phone")
    return place.public_area() or _("Location given after contact")


def accreditation_badge(group):
    """The current verified claim that earns a badge, or None. Prefetched by accreditation.selectors.with_badges()."""
    claims = getattr(group, "current_claims", [])
    return claims[0] if claims else None
