"""The digest of what a result card's cached part shows, shared by the facet index (one per group, computed at
build) and by groups.directory.cards (from a group's row), so both find the same cached card."""

import hashlib


def card_digest(version, updated_us, status, cost_id, time_zone, visibility, city, region, badge_id, badge_us, waiting):
    """A group's card digest: 8 bytes of blake2b (as a signed int, to fit array("q")) over everything the cached
    part of its result card can show that is not in the card's key already (groups.directory.cards): the group's
    version and last save, status, cost, zone, place (visibility, town, region; None for no place), the current
    badge claim's id and last change, whether a claim waits. blake2b, not Python's hash() (salted per process):
    every worker sharing the card cache must find the same key for the same card."""
    # Texts by repr(), so no two different stamps read the same; timestamps in microseconds (microseconds()).
    stamp = (f"{version},{updated_us},{str(status)!r},{cost_id},{str(time_zone)!r},{visibility!r},{city!r},"
             f"{region!r},{badge_id},{badge_us},{bool(waiting)}")
    digest = hashlib.blake2b(stamp.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)
