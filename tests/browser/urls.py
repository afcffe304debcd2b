"""Test-only URLs: the whole site plus a local stand-in for the quick exit's neutral site.

Tests set QUICK_EXIT_URL to "/__neutral__/" (supportfinder.settings.test), so leaving never
reaches the internet; this page lets the browser land somewhere real.
"""

from django.http import HttpResponse
from django.urls import include, path


def neutral(request):
    return HttpResponse(
        "<!doctype html><html lang='en'><title>Weather</title><h1>Weather</h1><p>Sunny spells.</p></html>"
    )


urlpatterns = [
    path("__neutral__/", neutral, name="neutral"),
    path("", include("supportfinder.urls")),
]
