from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import include, path
from django.views.decorators.cache import never_cache
from django.views.generic import RedirectView

# Staff sign in through allauth, not the admin's own form: rate limits and MFA apply. Signed-in
# non-staff get 403 there rather than the admin's form.
admin.site.login = secure_admin_login(admin.site.login)


@never_cache
def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # The directory's public pages first: Django tries patterns in order, and these are most of the traffic (a
    # group's page was resolved after about 45 other patterns, a tenth of a millisecond). None of them can match
    # a path of the includes below (each ends at its slash or ".ics"), so the order changes no resolution.
    path("", include("groups.directory.urls")),
    # Staff change their password through allauth (rate limits, notifications), as they sign in.
    path("admin/password_change/", RedirectView.as_view(pattern_name="account_change_password")),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("api/v1/", include("groups.directory.api_urls")),
    path("", include("groups.opendata.urls")),  # /api/hsds/, /open-data/, /coordinate/review/import/
    path("", include("groups.reports.urls")),  # /groups/<slug>/report/, /coordinate/review/reports/
    # /groups/<slug>/contact/ and /coordinate/messages/ (groups.contact), before the pages they sit beside.
    path("", include("groups.contact.urls")),
    path("coordinate/", include("groups.coordination.urls")),
]

# allauth answers a reached rate limit with this view (a page with the quick exit, status 429).
handler429 = "accounts.views.rate_limited"


def server_error(request):
    """The error page in the site's layout, with the quick exit; falls back to plain text if that fails."""
    try:
        return render(request, "500.html", status=500)
    except Exception:  # noqa: BLE001 - an error page must never raise
        return HttpResponse("Something went wrong. Please try again later.", status=500, content_type="text/plain")


handler500 = "supportfinder.urls.server_error"
