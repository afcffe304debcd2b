"""Pages that explain: home, the five types of group, the guide and the safety page."""

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from groups.core.models import Group, GroupType

# The guide's pages, in reading order: (slug, title, one-line description).
GUIDE_PAGES = [
    ("choosing-a-group", _("Choosing a group"), _("What to think about when you look for a group that fits you.")),
    ("what-to-expect", _("What to expect"), _("What a first meeting is usually like, and what you do not have to do.")),
    ("taking-part", _("Taking part"), _("Listening, confidentiality and looking after each other in a group.")),
    ("self-care-and-boundaries", _("Self-care and boundaries"), _("Looking after yourself before, during and after.")),
    ("peer-support-and-therapy", _("Peer support and therapy"), _("How a group sits alongside professional help.")),
    ("accreditation", _("What accreditation means"),
     _("What our verified badge checks, and what it does not promise.")),
]


# perf (issue 12): counting every published group of each type reads the whole directory (tens of ms at 100,000
# groups), so the counts are kept this long in the cache: a type page may be a minute behind a publish. With the
# search's facet index (one bitmap per type) they can come from there instead, exact and free.
TYPE_COUNTS_SECONDS = 60
TYPE_COUNTS_KEY = "type-counts"


def types_with_counts():
    """The five group types in order, each with its number of published groups (group_count): one query, then
    none for TYPE_COUNTS_SECONDS."""
    types = cache.get(TYPE_COUNTS_KEY)
    if types is None:
        public = Q(groups__status__in=Group.PUBLIC_STATUSES)
        types = list(GroupType.objects.annotate(group_count=Count("groups", filter=public)))
        cache.set(TYPE_COUNTS_KEY, types, TYPE_COUNTS_SECONDS)
    return types


@require_safe
def home(request):
    return render(request, "pages/home.html", {"types": types_with_counts()})


@require_safe
def type_list(request):
    return render(request, "pages/type_list.html", {"types": types_with_counts()})


@require_safe
def type_detail(request, slug):
    types = types_with_counts()
    group_type = next((each for each in types if each.slug == slug), None)
    if group_type is None:
        raise Http404
    others = [each for each in types if each.pk != group_type.pk]
    return render(request, "pages/type_detail.html", {"type": group_type, "others": others})


@require_safe
def guide_index(request):
    return render(request, "pages/guide/index.html", {"guide_pages": GUIDE_PAGES})


@require_safe
def guide_page(request, slug):
    if slug not in {page[0] for page in GUIDE_PAGES}:
        raise Http404
    template_name = f"pages/guide/{slug}.html"
    try:
        get_template(template_name)
    except TemplateDoesNotExist:
        raise Http404 from None
    return render(request, template_name, {"guide_pages": GUIDE_PAGES, "current_slug": slug})


@require_safe
def safety(request):
    # What the page promises about messages (groups.contact) and reports of a wrong listing (groups.reports)
    # comes from the settings that enforce it.
    return render(request, "pages/safety.html", {
        "report_retention_days": settings.REPORT_RETENTION_DAYS,
        "message_retention_days": settings.CONTACT_MESSAGE_RETENTION_DAYS,
        "answered_retention_days": settings.CONTACT_ANSWERED_RETENTION_DAYS,
    })
