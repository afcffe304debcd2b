"""Pages: the public "Open data" page for partners, and the staff CSV import."""

import csv
import secrets

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from accounts.permissions import staff_with_mfa_required
from groups.core.models import Group
from groups.opendata.csv_import import ImportFileError, preview, too_large
from groups.opendata.importing import ImportRefused, import_preview
from groups.opendata.spreadsheet import COLUMNS, HEADER

# How long a checked file is kept for the import that follows its preview.
IMPORT_CACHE_SECONDS = 3600


@require_safe
def open_data(request):
    """What partners can take, under which licence, and how (no cookie: a plain page)."""
    return render(request, "opendata/open_data.html", {
        "licence_name": settings.OPEN_DATA_LICENCE_NAME,
        "licence_url": settings.OPEN_DATA_LICENCE_URL,
        "published_count": Group.objects.published().count(),
    })


@staff_with_mfa_required
@require_safe
def import_template(request):
    """The header row staff fill in (the page beside it explains every column)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="supportfinder-groups-template.csv"'
    csv.writer(response).writerow(HEADER)
    return response


def cache_key(user, token):
    return f"opendata-import:{user.pk}:{token}"


def check_file(request, upload):
    """Preview an uploaded file; keep it (an hour, in the shared cache) for the import that follows."""
    if upload is None:
        return {"file_error": _("Choose a CSV file to check.")}
    if too_large(upload.size):
        return {"file_error": too_large(upload.size)}  # refused before it is read
    data = upload.read()
    try:
        result = preview(data)
    except ImportFileError as error:
        return {"file_error": str(error)}
    context = {"preview": result, "file_name": upload.name}
    if result.ok:
        token = secrets.token_urlsafe(16)
        cache.set(cache_key(request.user, token), data, IMPORT_CACHE_SECONDS)
        context["token"] = token
    return context


def run_import(request, token):
    data = cache.get(cache_key(request.user, token)) if token else None
    if data is None:
        messages.error(request, _("That checked file is no longer kept: please check it again, then import."))
        return redirect("opendata:import")
    try:
        created, updated = import_preview(preview(data), request.user)
    except (ImportFileError, ImportRefused) as error:
        messages.error(request, str(error))
        return redirect("opendata:import")
    cache.delete(cache_key(request.user, token))
    messages.success(request, _(
        "Imported %(new)d new groups and %(changed)d changes. They are waiting in the review queue: another member "
        "of staff reviews each one.") % {"new": created, "changed": updated})
    return redirect("coordinate:review_queue")


@staff_with_mfa_required
def import_groups(request):
    """Check a CSV file (a preview of every row and every problem), then import it all, or nothing."""
    if request.method == "POST" and request.POST.get("action") == "import":
        return run_import(request, request.POST.get("token", ""))
    context = {"columns": COLUMNS}
    if request.method == "POST":
        context.update(check_file(request, request.FILES.get("file")))
    return render(request, "opendata/import.html", context, status=400 if context.get("file_error") else 200)
