"""Read-only JSON: /api/v1/groups/ takes the same parameters and gives the same results as /groups/."""

import re

from django.http import JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from groups.directory import index_terms, loading, presenters
from groups.directory.selectors import published_group_or_404, search_groups

# A slug as Django's <slug:> path converter takes it: put into a URL as it is (nothing to quote).
PLAIN_SLUG = re.compile(r"[-a-zA-Z0-9_]+")
SLUG_MARK = "--slug--"


def group_urls(request):
    """slug -> the group page's absolute URL, as request.build_absolute_uri(group.get_absolute_url()) gives it:
    reversed once for the request rather than once per group (a results page has twenty)."""
    pattern = request.build_absolute_uri(reverse("groups:detail", args=[SLUG_MARK]))
    before, _mark, after = pattern.partition(SLUG_MARK)

    def url(slug):
        if PLAIN_SLUG.fullmatch(slug):
            return f"{before}{slug}{after}"
        return request.build_absolute_uri(reverse("groups:detail", args=[slug]))

    return url


def group_json(request, group, now, url=None):
    """A group as the public may see it: coordinates only for a public address, never a join link.

    url: group_urls(request), when writing several groups."""
    place = getattr(group, "place", None)
    coordinates = place.public_coordinates() if place else None
    # The stored next meeting while it is still ahead (exact until it passes: groups.core.next_meetings), as the
    # result cards read it; computed from the meetings only once it has passed.
    when, _ask = presenters.upcoming_meeting(group, now, stored="first")
    next_meeting = when.at if when else None
    badge = presenters.accreditation_badge(group)
    return {
        "slug": group.slug,
        "name": group.name,
        "url": url(group.slug) if url else request.build_absolute_uri(group.get_absolute_url()),
        "summary": group.summary,
        "host": group.host_name or None,
        "types": slugs(group, "types"),
        "trauma": slugs(group, "trauma_types"),
        "population": slugs(group, "populations"),
        "format": slugs(group, "formats"),
        "language": slugs(group, "languages"),
        "cost": group.cost.slug if group.cost else None,
        "access": slugs(group, "access_features"),
        "accredited": bool(badge),
        "accreditation": (
            {"body": badge.body_label if badge.body.is_other else badge.body.name, "scheme": badge.scheme_label,
             "scope": badge.scope, "valid_until": badge.valid_until.isoformat()}
            if badge else None
        ),
        "city": place.city if place and place.public_area() else None,
        "region": (place.region or None) if place and place.public_area() else None,
        "country": place.country if place else None,
        "address": place.public_lines() if place and place.is_address_public else None,
        "latitude": coordinates[0] if coordinates else None,
        "longitude": coordinates[1] if coordinates else None,
        "time_zone": group.time_zone,
        **distance_fields(group),
        "next_meeting": next_meeting.isoformat() if next_meeting else None,
        "status": "not-taking-new-members" if group.status == group.Status.PAUSED else group.capacity,
        "is_demo": group.is_demo,
        "last_confirmed_at": group.last_confirmed_at.isoformat(),
    }


def slugs(group, field):
    """The slugs of a group's terms of one taxonomy, from the rows loading.attach_many_valued set (making the
    related manager for seven relations of twenty groups cost more than the rest of a group's JSON)."""
    return [term.slug for term in loading.prefetched(group, field)]


def distance_fields(group):
    """distance_km when a place was searched, as the page shows it (GroupQuerySet.near rounds it): to the public
    point, to the group's area otherwise, never for a location given only on request."""
    if not hasattr(group, "within_reach"):
        return {}
    return {"distance_km": group.distance_shown, "within_reach": group.within_reach}


@require_safe
def group_list(request):
    result = search_groups(request.GET)
    page = result.page
    now = timezone.now()
    index = result.index
    if index is None:  # the SQL reference answered: one query for every group's terms, meetings and claims
        loading.attach_many_valued(page.object_list)
    else:  # the index tells the terms and who has a badge: claims only for those, meetings only where needed
        loading.attach_from_index(
            page.object_list, index_terms.terms_of(index),
            claims_for={group.pk for group in page.object_list if index.rank_of[group.pk] in index.accredited},
            meetings_for={group.pk for group in page.object_list
                          if presenters.upcoming_meeting(group, now, stored="only") is None})
    base = request.build_absolute_uri(request.path)
    query = presenters.querystring(result.params)
    url = group_urls(request)

    def page_url(number):
        return f"{base}{query}&page={number}"

    facets = {facet.param: {option.slug: option.count for option in facet.options} for facet in result.facets}
    facets["accredited"] = {"1": result.accredited_count}
    return JsonResponse(
        {
            "count": result.count,
            "page": page.number,
            "pages": result.paginator.num_pages,
            "next": page_url(page.next_page_number()) if page.has_next() else None,
            "previous": page_url(page.previous_page_number()) if page.has_previous() else None,
            "results": [group_json(request, group, now, url) for group in page.object_list],
            "facets": facets,
            "warnings": result.warnings,
            **({"on_request_elsewhere": result.on_request_count} if result.params.origin else {}),
        },
        json_dumps_params={"ensure_ascii": False},
    )


@require_safe
def group_detail(request, slug):
    group = published_group_or_404(slug)
    data = group_json(request, group, timezone.now())
    data["description"] = group.description
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})
