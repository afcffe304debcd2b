"""Stable UUIDs for every HSDS object, kept across edits, without a column for each.

- A service is a group: its own `Group.uuid` (a column, kept across edits and approved changes).
- A group's location and service_at_location are the group's UUID with a fixed mask XORed in: reversible,
  so `/service_at_locations/{id}` finds its group with one indexed query, no scan.
- Everything else that belongs to one group (address, schedule, language, cost option, phone, attribute,
  accessibility) is a name-based UUID (uuid5) under the group's UUID.
- Taxonomies, taxonomy terms and organizations are uuid5 under our own namespace, from the taxonomy's
  parameter name, the term's slug (slugs never change once published) and the host organisation's name.
"""

import uuid

# Our namespace for name-based ids. Never change it: every published id depends on it.
NAMESPACE = uuid.UUID("6f1c3a52-8d0e-4f43-9a57-2b7e4c1d9e60")
# The version nibble and variant bits stay as they are, so a masked uuid4 is still a valid uuid4.
_KEEP_VERSION_AND_VARIANT = ~((0xF << 76) | (0x3 << 62)) & ((1 << 128) - 1)


def _mask(kind):
    return uuid.uuid5(NAMESPACE, f"mask:{kind}").int & _KEEP_VERSION_AND_VARIANT


def masked(group_uuid, kind):
    """A reversible id for a group's one object of this kind ("location", "service_at_location")."""
    return uuid.UUID(int=group_uuid.int ^ _mask(kind))


def unmasked(value, kind):
    """The group's UUID behind a masked id (the same XOR undoes it)."""
    return uuid.UUID(int=value.int ^ _mask(kind))


def child(group_uuid, name):
    """A name-based id for one of a group's own objects: "address", "schedule:WEEKLY;TU;19:00#1", ..."""
    return uuid.uuid5(group_uuid, name)


def taxonomy_id(param):
    return uuid.uuid5(NAMESPACE, f"taxonomy:{param}")


def term_id(param, slug):
    return uuid.uuid5(NAMESPACE, f"taxonomy_term:{param}:{slug}")


def organization_id(host_name):
    """A host organisation is known by its name as entered: the same name gives the same id."""
    return uuid.uuid5(NAMESPACE, f"organization:{host_name.strip()}")


def parse(value):
    """A UUID from text, or None when it is not one (a malformed id matches nothing)."""
    try:
        return uuid.UUID(str(value))
    except (ValueError, AttributeError, TypeError):
        return None
