"""The read-only HSDS 3.0 API at /api/hsds/ (openapi.json in groups/opendata/schema/).

Lists come in HSDS's Page envelope; `format=ndjson` streams every item, one JSON object a line, without
pagination. A malformed `page`, `per_page` or `modified_after` is answered 400 with a message saying which
and why; an id that names nothing gives an empty list, or 404 for a single object. Published groups only.
"""

import datetime
import json
import math
from pathlib import Path

from django.conf import settings
from django.http import Http404, JsonResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.views.decorators.http import require_safe

from groups.core.vocabulary import TAXONOMIES
from groups.opendata import ids, mapping, selectors
from groups.opendata.taxonomies import all_terms, taxonomy_by_id, taxonomy_json, term_by_id, term_json

SCHEMA_DIR = Path(__file__).resolve().parent / "schema"
DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 500
TRUE = {"true", "1", "yes"}


class BadParameter(Exception):
    """A parameter we cannot read: answered 400 with this message."""


def json_response(data, status=200):
    return JsonResponse(data, status=status, safe=False, json_dumps_params={"ensure_ascii": False})


def bad_request(message):
    return json_response({"detail": message}, status=400)


def positive_int(request, name, default, maximum=None):
    raw = request.GET.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadParameter(f"{name} must be a whole number; got “{raw[:40]}”.") from None
    if value < 1:
        raise BadParameter(f"{name} must be 1 or more.")
    return min(value, maximum) if maximum else value


def modified_after(request):
    raw = request.GET.get("modified_after", "").strip()
    if not raw:
        return None
    try:
        moment = parse_datetime(raw.replace(" ", "+"))
        day = None if moment else parse_date(raw)
    except ValueError:
        moment = day = None
    if day:
        moment = datetime.datetime.combine(day, datetime.time.min)
    message = "modified_after must be a date or date-time, e.g. 2026-01-31 or 2026-01-31T09:00:00Z."
    if moment is None:
        raise BadParameter(message)
    try:
        # In UTC: PostgreSQL refuses offsets beyond ±15:59 ("-18:24" parses in Python), and a moment at either end
        # of the calendar has no UTC value at all; both are the caller's mistake, not a server error.
        moment = moment if timezone.is_aware(moment) else timezone.make_aware(moment)
        return moment.astimezone(datetime.UTC)
    except (OverflowError, ValueError):
        raise BadParameter(message) from None


def flag(request, name):
    return request.GET.get(name, "").strip().lower() in TRUE


def wants_ndjson(request):
    return request.GET.get("format", "").strip().lower() == "ndjson"


def ndjson_stream(items):
    return StreamingHttpResponse((json.dumps(item, ensure_ascii=False) + "\n" for item in items),
                                 content_type="application/x-ndjson; charset=utf-8")


def paged(request, total, fetch):
    """The Page envelope; fetch(offset, limit) gives the page's items."""
    page = positive_int(request, "page", 1)
    per_page = positive_int(request, "per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE)
    total_pages = max(1, math.ceil(total / per_page))
    contents = fetch((page - 1) * per_page, per_page) if page <= total_pages else []
    return json_response({
        "total_items": total,
        "total_pages": total_pages,
        "page_number": page,
        "size": len(contents),
        "first_page": page == 1,
        "last_page": page >= total_pages,
        "empty": total == 0,
        "contents": contents,
    })


def listing(view):
    """Turn BadParameter into a 400 with its message; only GET and HEAD."""
    @require_safe
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except BadParameter as error:
            return bad_request(str(error))
    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


@require_safe
def index(request):
    """The API's version and profile."""
    return json_response({
        "version": "3.0",
        "profile": request.build_absolute_uri(reverse("opendata:page")),
        "openapi_url": request.build_absolute_uri(reverse("opendata:openapi")),
    })


@require_safe
def openapi(request):
    """The official openapi.json, with this API's own title, version, contact and licence filled in."""
    spec = json.loads((SCHEMA_DIR / "openapi.json").read_text())
    spec["info"] = {
        "title": "SupportFinder HSDS API",
        "version": "1.0",
        "summary": "Published support groups for survivors, in Open Referral HSDS 3.0.",
        "description": "Read-only. Addresses follow each group's visibility; no join links or personal data.",
        "contact": {"name": "SupportFinder", "url": request.build_absolute_uri(reverse("opendata:page"))},
        "license": {"name": settings.OPEN_DATA_LICENCE_NAME, "url": settings.OPEN_DATA_LICENCE_URL},
    }
    spec["servers"] = [{"url": request.build_absolute_uri(reverse("opendata:index")).rstrip("/")}]
    return json_response(spec)


def service_params(request):
    return {
        "search": request.GET.get("search", "").strip(),
        "taxonomy_term_id": request.GET.get("taxonomy_term_id", "").strip(),
        "taxonomy_id": request.GET.get("taxonomy_id", "").strip(),
        "organization_id": request.GET.get("organization_id", "").strip(),
        "modified_after": modified_after(request),
    }


@listing
def services(request):
    queryset = selectors.filter_services(selectors.hsds_groups(), service_params(request))
    full, now = flag(request, "full") or wants_ndjson(request), timezone.now()
    if flag(request, "minimal"):
        rows = queryset.values_list("uuid", "updated_at")
        return json_response([{"id": str(uuid), "last_modified": when.isoformat()} for uuid, when in rows])
    if wants_ndjson(request):
        return ndjson_stream(mapping.service_json(group, full=True, now=now)
                             for group in queryset.iterator(chunk_size=500))
    return paged(request, queryset.count(), lambda offset, limit: [
        mapping.service_json(group, full=full, now=now) for group in queryset[offset:offset + limit]])


@require_safe
def service(request, id):
    group = selectors.group_by_uuid(id)
    if group is None:
        raise Http404("No published service has this id.")
    return json_response(mapping.service_json(group, full=True))


@listing
def service_at_locations(request):
    queryset = selectors.with_location(selectors.filter_services(selectors.hsds_groups(), service_params(request)))
    full = flag(request, "full")
    if wants_ndjson(request):
        return ndjson_stream(mapping.service_at_location_json(group) for group in queryset.iterator(chunk_size=500))
    return paged(request, queryset.count(), lambda offset, limit: [
        mapping.service_at_location_json(group, full=full) for group in queryset[offset:offset + limit]])


@require_safe
def service_at_location(request, id):
    parsed = ids.parse(id)
    group = selectors.group_by_uuid(ids.unmasked(parsed, "service_at_location")) if parsed else None
    found = mapping.service_at_location_json(group) if group else None
    if found is None:
        raise Http404("No published service_at_location has this id.")
    found["service"] = mapping.service_json(group)
    return json_response(found)


def organization_full(host, website, full_service):
    data = mapping.organization_json(host, website)
    groups = selectors.hsds_groups().filter(host_name=host)
    data["services"] = [mapping.service_json(group, full=full_service) for group in groups]
    return data


@listing
def organizations(request):
    hosts = selectors.host_names()
    search = request.GET.get("search", "").strip()
    if search:
        hosts = hosts.filter(host_name__icontains=search)
    full, full_service = flag(request, "full"), flag(request, "full_service")

    def item(row):
        if full or full_service:
            return organization_full(row["host_name"], row["website"], full_service)
        return mapping.organization_json(row["host_name"], row["website"])

    if wants_ndjson(request):
        return ndjson_stream(item(row) for row in hosts.iterator())
    return paged(request, hosts.count(), lambda offset, limit: [item(row) for row in hosts[offset:offset + limit]])


@require_safe
def organization(request, id):
    host = selectors.host_name_for(id)
    if host is None:
        raise Http404("No organization hosting a published group has this id.")
    row = selectors.host_names().filter(host_name=host).first()
    return json_response(organization_full(host, row["website"] if row else "", flag(request, "full_service")))


@listing
def taxonomies(request):
    found = [taxonomy_json(taxonomy) for taxonomy in TAXONOMIES]
    search = request.GET.get("search", "").strip().lower()
    if search:
        found = [item for item in found if search in item["name"].lower() or search in item["description"].lower()]
    if wants_ndjson(request):
        return ndjson_stream(found)
    return paged(request, len(found), lambda offset, limit: found[offset:offset + limit])


@require_safe
def taxonomy(request, id):
    found = taxonomy_by_id(id)
    if found is None:
        raise Http404("No taxonomy has this id.")
    return json_response(taxonomy_json(found))


@listing
def taxonomy_terms(request):
    wanted = request.GET.get("taxonomy_id", "").strip()
    chosen = taxonomy_by_id(wanted) if wanted else None
    refs = [] if wanted and chosen is None else all_terms(chosen.param if chosen else None)
    if request.GET.get("parent_id", "").strip():
        refs = []  # our taxonomies are flat: no term has a parent
    search = request.GET.get("search", "").strip().lower()
    if search:
        refs = [ref for ref in refs if search in ref.term.name.lower() or search in ref.term.slug]
    found = [term_json(ref.taxonomy, ref.term) for ref in refs]
    if wants_ndjson(request):
        return ndjson_stream(found)
    return paged(request, len(found), lambda offset, limit: found[offset:offset + limit])


@require_safe
def taxonomy_term(request, id):
    ref = term_by_id(id)
    if ref is None:
        raise Http404("No taxonomy term has this id.")
    return json_response(term_json(ref.taxonomy, ref.term, full=True))
