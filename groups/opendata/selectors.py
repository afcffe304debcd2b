"""Reads for open data: published groups with what the mapping needs, filtered by the HSDS parameters."""

from django.db.models import Exists, Max, OuterRef, Q

from groups.accreditation.selectors import with_badges
from groups.core.models import Format, Group, Place
from groups.core.search import filter_by_keywords
from groups.core.vocabulary import TAXONOMIES
from groups.opendata import ids
from groups.opendata.mapping import ONLINE_FORMATS
from groups.opendata.taxonomies import taxonomy_by_id, term_by_id


def hsds_groups():
    """Published (and paused) groups, everything prefetched: a fixed number of queries per page."""
    return with_badges(
        Group.objects.published()
        .defer("search_text", "join_link")
        .select_related("cost", "place")
        .prefetch_related(
            *[taxonomy.field for taxonomy in TAXONOMIES if taxonomy.is_many], "meeting_times"
        )
        .order_by("name", "id")
    )


def with_location(queryset):
    """Groups that give a location: a place that is not on request, or meeting online."""
    online = Format.objects.filter(slug__in=ONLINE_FORMATS, groups=OuterRef("pk"))
    visible = Q(place__isnull=False) & ~Q(place__address_visibility=Place.Visibility.ON_REQUEST)
    return queryset.filter(visible | Exists(online))


def host_names(queryset=None):
    """Each host organisation's name and a website, by name."""
    queryset = Group.objects.published() if queryset is None else queryset
    return (
        queryset.exclude(host_name="").order_by().values("host_name")
        .annotate(website=Max("host_website")).order_by("host_name")
    )


def host_name_for(organization_id):
    """The host name behind an organization id, or None (a name is hashed, so look through the hosts)."""
    wanted = ids.parse(organization_id)
    if wanted is None:
        return None
    names = Group.objects.published().exclude(host_name="").values_list("host_name", flat=True).distinct()
    return next((name for name in names if ids.organization_id(name) == wanted), None)


def filter_services(queryset, params):
    """Apply search, taxonomy_term_id, taxonomy_id, organization_id and modified_after (already parsed).

    An id that names nothing matches nothing, as a filter on an unknown value does.
    """
    if params.get("search"):
        queryset = filter_by_keywords(queryset, params["search"])
    if params.get("taxonomy_term_id"):
        ref = term_by_id(params["taxonomy_term_id"])
        if ref is None:
            return queryset.none()
        field = ref.taxonomy.field
        queryset = queryset.filter(**{field: ref.term}) if not ref.taxonomy.is_many else queryset.filter(
            Exists(ref.taxonomy.model.objects.filter(pk=ref.term.pk, groups=OuterRef("pk"))))
    if params.get("taxonomy_id"):
        taxonomy = taxonomy_by_id(params["taxonomy_id"])
        if taxonomy is None:
            return queryset.none()
        related = taxonomy.model.objects.filter(groups=OuterRef("pk"))
        queryset = queryset.filter(Exists(related)) if taxonomy.is_many else queryset.exclude(cost=None)
    if params.get("organization_id"):
        host = host_name_for(params["organization_id"])
        queryset = queryset.filter(host_name=host) if host else queryset.none()
    if params.get("modified_after"):
        queryset = queryset.filter(updated_at__gte=params["modified_after"])
    return queryset


def group_by_uuid(value, queryset=None):
    parsed = ids.parse(value)
    if parsed is None:
        return None
    return (queryset if queryset is not None else hsds_groups()).filter(uuid=parsed).first()
