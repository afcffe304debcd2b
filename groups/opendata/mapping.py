"""A published group as HSDS 3.0 objects: service, organization, location, service_at_location.

Privacy first (DESIGN "Safety and privacy invariants"): a public address gives its street and exact point;
an area-only one gives its town, region and country and the centre of its public grid cell (the point search
uses), never the street, postcode or exact point; an on-request one gives no location at all. An online
group is a virtual location with no URL: the join link is given after contact and is never published.
Nothing here reads coordinators, claims' evidence, references, staff notes or the join link.
"""

from django.conf import settings
from django.utils import timezone

from groups.core.models import Place
from groups.core.vocabulary import TAXONOMIES
from groups.directory.presenters import accreditation_badge
from groups.opendata import ids
from groups.opendata.schedules import schedule_list
from groups.opendata.taxonomies import term_json

ONLINE_FORMATS = ("online", "hybrid")
STATUS = {"published": "active", "paused": "temporarily closed"}
AREA_ONLY_NOTE = "Area only: the group gives its address after contact."
VIRTUAL_NOTE = "Meets online: the group gives the joining details after contact."
ALERTS = {
    "paused": "Not taking new members at the moment.",
    "waiting-list": "Has a waiting list for new members.",
    "full": "Full for now.",
}


def site_url(path):
    return settings.SITE_URL.rstrip("/") + path


def terms_of(group, taxonomy):
    if taxonomy.is_many:
        return list(getattr(group, taxonomy.field).all())
    term = getattr(group, taxonomy.field)
    return [term] if term else []


def meets_online(group):
    return any(term.slug in ONLINE_FORMATS for term in group.formats.all())


def visible_place(group):
    """The group's place when the public may know where it is (public or area-only), else None."""
    place = getattr(group, "place", None)
    if place is None or place.address_visibility == Place.Visibility.ON_REQUEST:
        return None
    return place


def has_location(group):
    return visible_place(group) is not None or meets_online(group)


def organization_json(host_name, website=""):
    data = {
        "id": str(ids.organization_id(host_name)),
        "name": host_name,
        "description": f"{host_name} hosts support groups for survivors listed on SupportFinder.",
    }
    if website:
        data["website"] = website
    return data


def address_json(group, place, location_id):
    public = place.is_address_public
    return {
        "id": str(ids.child(group.uuid, "address")),
        "location_id": location_id,
        "address_1": place.address_line1 if public else "",
        "address_2": place.address_line2 if public else "",
        "city": place.city,
        "region": place.region,
        "state_province": place.region,
        "postal_code": place.postcode if public else "",
        "country": place.country,
        "address_type": "physical",
    }


def physical_location(group, place, location_id):
    data = {"id": location_id, "location_type": "physical", "name": f"{group.name}, {place.city}"}
    if place.is_address_public:
        point = place.public_coordinates()
    else:
        data["description"] = AREA_ONLY_NOTE
        point = place.compute_search_point()  # the centre of its public grid cell, or the town's centre
    if point and point[0] is not None:
        data["latitude"], data["longitude"] = point
    data["addresses"] = [address_json(group, place, location_id)]
    data["accessibility"] = [
        {"id": str(ids.child(group.uuid, f"accessibility:{term.slug}")), "location_id": location_id,
         "description": term.name}
        for term in group.access_features.all()
    ]
    return data


def location_json(group):
    """The group's one location: where it meets in person, or online; None when it gives no location."""
    if not has_location(group):
        return None
    location_id = str(ids.masked(group.uuid, "location"))
    place = visible_place(group)
    if place is not None:
        return physical_location(group, place, location_id)
    return {"id": location_id, "location_type": "virtual", "name": f"{group.name} (online)",
            "description": VIRTUAL_NOTE}


def service_at_location_json(group, full=True):
    location = location_json(group)
    if location is None:
        return None
    data = {
        "id": str(ids.masked(group.uuid, "service_at_location")),
        "service_id": str(group.uuid),
        "location_id": location["id"],
        "description": f"{group.name} at {location['name']}",
    }
    if full:
        data["location"] = location
    return data


def accreditation_fields(group):
    """A verified, unexpired claim: who accredits and until when; never its reference or evidence."""
    badge = accreditation_badge(group)
    if not badge:
        return {}
    fields = {"accreditations": (
        f"{badge.body_label} ({badge.get_scope_display()}), verified by SupportFinder staff, "
        f"valid until {badge.valid_until.isoformat()}"
    )}
    if badge.verified_at:
        fields["assured_date"] = timezone.localdate(badge.verified_at).isoformat()
    return fields


def eligibility(group):
    populations = [term.name for term in group.populations.all()]
    parts = [f"For {', '.join(populations)}."] if populations else []
    if group.age_min is not None or group.age_max is not None:
        low, high = group.age_min, group.age_max
        ages = f"{low} to {high}" if low is not None and high is not None else (
            f"{low} and over" if low is not None else f"up to {high}")
        parts.append(f"Ages {ages}.")
    return " ".join(parts)


def application_process(group):
    parts = [str(group.get_attendance_display())] if group.attendance else []
    if group.registration_details:
        parts.append(group.registration_details)
    if group.contact_url:
        parts.append(f"Contact page: {group.contact_url}")
    return " ".join(parts)


def service_json(group, *, full=False, now=None):
    """The group as a service. Without `full`, its one-to-one fields only (the list form)."""
    data = {
        "id": str(group.uuid),
        "name": group.name,
        "description": "\n\n".join(part for part in [group.summary, group.description] if part),
        "url": site_url(group.get_absolute_url()),
        "status": STATUS.get(group.status, "inactive"),
        "application_process": application_process(group),
        "fees_description": " ".join(
            part for part in [group.cost.name if group.cost else "", group.cost_details] if part),
        "eligibility_description": eligibility(group),
        "last_modified": group.updated_at.isoformat(),
        **accreditation_fields(group),
    }
    if group.host_name:
        data["organization_id"] = str(ids.organization_id(group.host_name))
    if group.contact_email:
        data["email"] = group.contact_email
    if group.age_min is not None:
        data["minimum_age"] = group.age_min
    if group.age_max is not None:
        data["maximum_age"] = group.age_max
    alert = ALERTS.get(group.status) or ALERTS.get(group.capacity)
    if alert:
        data["alert"] = alert
    if full:
        data.update(service_relations(group, now))
    return data


def service_relations(group, now=None):
    """The nested arrays of a full service."""
    service_id = str(group.uuid)
    relations = {
        "schedules": schedule_list(group, now),
        "languages": [{"id": str(ids.child(group.uuid, f"language:{term.slug}")), "service_id": service_id,
                       "name": term.name, "code": term.slug} for term in group.languages.all()],
        "cost_options": ([{"id": str(ids.child(group.uuid, "cost_option")), "service_id": service_id,
                           "option": group.cost.name, "amount_description": group.cost_details}]
                         if group.cost else []),
        "phones": ([{"id": str(ids.child(group.uuid, "phone")), "service_id": service_id,
                     "number": group.contact_phone, "type": "voice"}] if group.contact_phone else []),
        "attributes": [
            {"id": str(ids.child(group.uuid, f"attribute:{taxonomy.param}:{term.slug}")), "link_id": service_id,
             "link_type": taxonomy.param, "link_entity": "service",
             "taxonomy_term_id": str(ids.term_id(taxonomy.param, term.slug)),
             "taxonomy_term": term_json(taxonomy, term)}
            for taxonomy in TAXONOMIES for term in terms_of(group, taxonomy)
        ],
        "contacts": [],
    }
    sal = service_at_location_json(group)
    relations["service_at_locations"] = [sal] if sal else []
    if group.host_name:
        relations["organization"] = organization_json(group.host_name, group.host_website)
    return relations
