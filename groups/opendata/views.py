"""Pages: the public "Open data" page for partners, and the staff CSV import."""

from django.conf import settings
from django.shortcuts import render
from django.views.decorators.http import require_safe

from groups.core.models import Group


@require_safe
def open_data(request):
    """What partners can take, under which licence, and how (no cookie: a plain page)."""
    return render(request, "opendata/open_data.html", {
        "licence_name": settings.OPEN_DATA_LICENCE_NAME,
        "licence_url": settings.OPEN_DATA_LICENCE_URL,
        "published_count": Group.objects.published().count(),
    })
