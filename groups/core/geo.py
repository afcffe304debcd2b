"""Place search without any network call: an offline gazetteer and great-circle distances.

The gazetteer (place names to places) lives in groups.core.gazetteer and is re-exported here. Distances
are haversine distances computed in SQL with the same functions on SQLite (Django registers them) and
PostgreSQL, after a bounding box on the indexed search point.
"""

import math

from django.db.models import F, FloatField, Q, Value
from django.db.models.functions import ASin, Cos, Power, Radians, Sin, Sqrt

from groups.core.gazetteer import (  # noqa: F401 (the names callers know geo by)
    GazetteerPlace,
    PlaceLookup,
    normalise,
    place_from_city,
    resolve_place,
)

EARTH_RADIUS_KM = 6371.0088
# One sphere for box, grid and distance: with 111.32 km per degree for the box and 111.195 for haversine_km, a
# group 99.95 km due north fell outside a 100 km search.
KM_PER_DEGREE_LATITUDE = math.pi * EARTH_RADIUS_KM / 180
# Private addresses are located for search on a grid of this size, never more closely.
AREA_GRID_KM = 5.0


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
