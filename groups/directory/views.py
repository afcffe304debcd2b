from django.http import HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from groups.directory import ical, page_cache, presenters, result_list, sidebar
from groups.directory.cards import cards_for_page
from groups.directory.params import DEFAULT_RADIUS_KM
from groups.directory.selectors import count_for_query, published_group_or_404, search_groups

RADIUS_CHOICES = [5, 10, 25, 50, 100, 250, 500]


@require_safe
def group_list(request):
    result = search_groups(request.GET, read=False)
    chips = presenters.active_chips(result)
    cards = cards_for_page(result)
    current_radius = int(result.params.origin.radius_km) if result.params.origin else DEFAULT_RADIUS_KM
    context = {
        "list_url": reverse("groups:list"),  # once, for the form and every link to another search
        "result": result,
        "result_list": result_list.cards_html(cards, result.params, current_radius),
        "params": result.params,
        "chips": chips,
        "clear_url": presenters.clear_filters_url(result.params),
        "relax": relax_suggestions(chips, result) if result.count == 0 else [],
        "page_query": presenters.querystring(result.params),
        "alternative_links": presenters.alternative_place_links(result.params),
        "without_place_url": presenters.without_place_url(result.params),
        "radius_choices": RADIUS_CHOICES,
        "current_radius": current_radius,
        "filters": sidebar.filters_html(result),
    }
    return render(request, "groups/group_list.html", context)


def relax_suggestions(chips, result):
    """For a search with no results: each active filter, with the count its removal would give."""
    return [
        (chip, count_for_query(QueryDict(chip.remove_url.lstrip("?")), result.terms_by_param, result.index))
        for chip in chips[:10]
    ]


@require_safe
def group_detail(request, slug):
    # One query, and the second only when the page's content is not cached (groups.directory.page_cache).
    return page_cache.page_response(request, published_group_or_404(slug, many=False))


@require_safe
def group_calendar(request, slug):
    """The group's meetings as an iCalendar file; the location follows the address visibility."""
    group = published_group_or_404(slug)
    place = getattr(group, "place", None)
    body = ical.group_calendar(
        group, list(group.meeting_times.all()), place, timezone.now(),
        detail_url=request.build_absolute_uri(group.get_absolute_url()),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{group.slug}.ics"'
    return response
