"""Sort by distance, the section of groups that need no travel (fast_search.no_travel_order), worked out band by
band of latitude around the place rather than for every located group that meets remotely at once (issue 12).

A page of that section needs only the groups nearest the place. Working out every group's distance (about 30,000
at 100,000 groups) took 50-90 ms on the first search for each place in each worker and version, which was the
load test's slowest part of sorting by distance. A group whose latitude is more than `degrees` from the place's is
at least R * radians(degrees) km away along the earth (no path between two latitudes is shorter than the meridian
between them), and its shown distance at least half a kilometre less (shown() rounds to 0.1 km or to whole km).
So the groups of the band whose shown distance is under that bound less a kilometre (the margin covers the
rounding and floating point) are exactly the first groups of the whole order, in the same order: the distances
are written out with the same operations as fast_search.distance_km and shown(), so the same values bit for bit.
A band too narrow for the page is doubled, up to every latitude (the whole order).
"""

import math
from array import array
from bisect import bisect_left, bisect_right
from itertools import islice

from groups.core import geo

FIRST_BAND_DEGREES = 0.5  # about 56 km either side of the place
MARGIN_KM = 1.0


def shown_km(index, origin, ranks):
    """The shown distance of each of these located ranks from the origin, as shown(distance_km(...), public) gives
    it, with each group's cos(radians(latitude)) read from the index (about 2.5 times faster than calling them)."""
    lat, lng = origin.latitude, origin.longitude
    radians, sin, asin, sqrt = math.radians, math.sin, math.asin, math.sqrt
    cos_origin, diameter = math.cos(radians(lat)), 2 * geo.EARTH_RADIUS_KM
    latitudes, longitudes, cosines, public = index.latitude, index.longitude, index.cos_latitude, index.public
    found = array("d")
    for rank in ranks:
        a = (sin(radians(latitudes[rank] - lat) / 2) ** 2
             + cos_origin * cosines[rank] * sin(radians(longitudes[rank] - lng) / 2) ** 2)
        distance = diameter * asin(sqrt(a))
        found.append(round(distance * 10.0) / 10.0 if rank in public else max(1.0, float(round(distance))))
    return found


class NoTravel:
    """The order of the located groups that meet remotely by (shown distance, rank), for one place and index
    version, as far as it has been worked out: `prefix` is the whole order's beginning (`complete` once it is all
    of it), `degrees` the half-width of the band of latitude it came from."""

    def __init__(self, index, origin):
        self.degrees, self.prefix, self.complete, self.positions = 0.0, array("i"), False, None
        self.widen(index, origin)

    def slice(self, index, origin, section, start, stop):
        """The section's ranks start..stop in the order (the section being a large part of the groups)."""
        while True:
            found = list(islice((rank for rank in self.prefix if rank in section), start, stop))
            if len(found) == stop - start or self.complete:
                return found
            self.widen(index, origin)

    def positions_of(self, index, origin, members):
        """members' i-th rank -> its place in the whole order (for a section small enough to sort by itself)."""
        if self.positions is None:
            while not self.complete:
                self.widen(index, origin)
            positions = array("i", bytes(4 * len(members)))
            for place, rank in enumerate(self.prefix):
                positions[members.rank(rank) - 1] = place
            self.positions = positions
        return self.positions

    def widen(self, index, origin):
        """The order from a band twice as wide (the first: FIRST_BAND_DEGREES), or from every group."""
        degrees = self.degrees * 2 if self.degrees else FIRST_BAND_DEGREES
        low, high = origin.latitude - degrees, origin.latitude + degrees
        complete = low <= -90.0 and high >= 90.0
        if complete:
            ranks, bound = array("i", index.remote & index.located), math.inf
        else:
            band = index.by_latitude[bisect_left(index.latitudes, low):bisect_right(index.latitudes, high)]
            ranks = array("i", (rank for rank in band if rank in index.remote))
            bound = geo.EARTH_RADIUS_KM * math.radians(degrees) - MARGIN_KM
        shown = shown_km(index, origin, ranks)
        nearer = sorted((i for i in range(len(ranks)) if shown[i] < bound), key=lambda i: (shown[i], ranks[i]))
        # The prefix before the flag, so a reader never takes a shorter prefix for the whole order.
        self.prefix = array("i", map(ranks.__getitem__, nearer))
        self.complete, self.degrees = complete, degrees
