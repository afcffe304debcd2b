"""One row per group: the CSV that staff import and that the export writes for spreadsheets.

The same columns both ways, so an export can be edited and imported again. Taxonomy columns hold slugs
separated by "|"; `meetings` holds meetings in the syntax of groups.opendata.meeting_syntax, separated by
";". Addresses follow each place's visibility, as everywhere in open data: area-only gives no street or
postcode and, as coordinates, only the centre of its public grid cell; on-request gives no place at all.
"""

from groups.core.models import Place
from groups.core.vocabulary import TAXONOMIES
from groups.opendata.mapping import terms_of, visible_place
from groups.opendata.meeting_syntax import format_meeting

TERM_SEPARATOR = "|"
MEETING_SEPARATOR = "; "

# (column, what it holds) in file order: the template's header and the README's table.
COLUMNS = [
    ("id", "The HSDS service id (a UUID). Blank for a new group; given, it updates that group."),
    ("slug", "The group's address on the site, e.g. leeds-evening-circle. Updates the group with this slug."),
    ("name", "Required."),
    ("summary", "One or two sentences. Required."),
    ("description", ""),
    ("host_name", "The host organisation."),
    ("host_website", "A full address, starting https://"),
    *[(taxonomy.param, f"{taxonomy.label}: slugs separated by |" if taxonomy.is_many else f"{taxonomy.label}: one slug")
      for taxonomy in TAXONOMIES],
    ("cost_details", ""),
    ("facilitation", "peer-led, professional or co-facilitated"),
    ("attendance", "drop-in or registration"),
    ("registration_details", "What registering involves."),
    ("capacity", "open, waiting-list or full (blank: open)"),
    ("age_min", "A whole number, or blank."),
    ("age_max", "A whole number, or blank."),
    ("contact_email", ""),
    ("contact_phone", ""),
    ("contact_url", ""),
    ("time_zone", "An IANA name such as Europe/London (blank: Europe/London)."),
    ("meetings", "e.g. every Tue 19:00-20:30; first Sat 10:00-12:00; by arrangement"),
    ("address_visibility", "public, area-only or on-request (blank: on-request)"),
    ("address_line1", ""),
    ("address_line2", ""),
    ("city", "Required when there is an address."),
    ("region", ""),
    ("postcode", ""),
    ("country", "Two letters, e.g. GB."),
    ("latitude", "Decimal degrees, or blank."),
    ("longitude", "Decimal degrees, or blank."),
]
HEADER = [name for name, _help in COLUMNS]
PLACE_COLUMNS = ["address_line1", "address_line2", "city", "region", "postcode", "country", "latitude", "longitude"]


def place_cells(group):
    place = visible_place(group)
    if place is None:
        on_request = getattr(group, "place", None) is not None
        return {"address_visibility": Place.Visibility.ON_REQUEST if on_request else ""}
    cells = {"address_visibility": place.address_visibility, "city": place.city, "region": place.region,
             "country": place.country}
    if place.is_address_public:
        cells.update(address_line1=place.address_line1, address_line2=place.address_line2, postcode=place.postcode)
        point = place.public_coordinates()
    else:
        point = place.compute_search_point() if place.latitude is not None else None
    if point and point[0] is not None:
        cells["latitude"], cells["longitude"] = f"{point[0]:.6f}", f"{point[1]:.6f}"
    return cells


def group_row(group):
    """A published group as one row (a dict by column name), as the public may see it."""
    row = {name: "" for name in HEADER}
    row.update({
        "id": str(group.uuid), "slug": group.slug, "name": group.name, "summary": group.summary,
        "description": group.description, "host_name": group.host_name, "host_website": group.host_website,
        "cost_details": group.cost_details, "facilitation": group.facilitation, "attendance": group.attendance,
        "registration_details": group.registration_details, "capacity": group.capacity,
        "age_min": "" if group.age_min is None else str(group.age_min),
        "age_max": "" if group.age_max is None else str(group.age_max),
        "contact_email": group.contact_email, "contact_phone": group.contact_phone,
        "contact_url": group.contact_url, "time_zone": group.time_zone,
        "meetings": MEETING_SEPARATOR.join(format_meeting(meeting) for meeting in group.meeting_times.all()),
    })
    for taxonomy in TAXONOMIES:
        row[taxonomy.param] = TERM_SEPARATOR.join(term.slug for term in terms_of(group, taxonomy))
    row.update(place_cells(group))
    return row
