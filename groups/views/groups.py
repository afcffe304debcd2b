from django.http import QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from .. import presenters, schedule
from ..selectors import count_for_query, published_group_or_404, search_groups


def _decorate(groups, now):
    for group in groups:
        group.next_meeting_at = presenters.next_meeting(group, now)
        group.location_label = presenters.location_label(group)
        group.badge = presenters.accreditation_badge(group)
    return groups


@require_safe
def group_list(request):
    result = search_groups(request.GET)
    _decorate(result.page.object_list, timezone.now())
    relax = []
    if result.count == 0:
        relax = relax_suggestions(result)
    context = {
        "result": result,
        "params": result.params,
        "chips": presenters.active_chips(result),
        "clear_url": presenters.clear_filters_url(result.params),
        "relax": relax,
        "page_query": presenters.querystring(result.params),
    }
    return render(request, "groups/group_list.html", context)


def relax_suggestions(result):
    """For a search with no results: each active filter, with the count its removal would give."""
    return [
        (chip, count_for_query(QueryDict(chip.remove_url.lstrip("?")), result.terms_by_param))
        for chip in presenters.active_chips(result)[:10]
    ]


@require_safe
def group_detail(request, slug):
    group = published_group_or_404(slug)
    _decorate([group], timezone.now())
    group.meeting_list = [schedule.describe(meeting) for meeting in group.meeting_times.all()]
    return render(request, "groups/group_detail.html", {"group": group})
