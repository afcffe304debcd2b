"""supportfinder.content_policy keeps the policy it built once: every response gets django-csp's own headers."""

import pytest
from csp.constants import HEADER, HEADER_REPORT_ONLY, NONCE, NONE, SELF
from csp.decorators import csp, csp_exempt, csp_replace, csp_update
from csp.middleware import CSPMiddleware as DjangoCSPMiddleware
from django.http import HttpResponse, HttpResponseNotFound
from django.test import RequestFactory

from supportfinder.content_policy import CSPMiddleware


def plain(request):
    return HttpResponse("page")


def with_nonce(request):
    return HttpResponse(f"<script nonce='{request.csp_nonce}'></script>")


def not_found(request):
    return HttpResponseNotFound("none")


VIEWS = [
    plain, with_nonce, not_found,
    csp_update({"img-src": ["https://tiles.example.org"]})(plain),
    csp_replace({"script-src": [SELF, "https://cdn.example.org"]})(plain),
    csp({"default-src": [NONE]})(plain),
    csp_exempt()(plain),
    csp_update({"img-src": ["https://tiles.example.org"]}, REPORT_ONLY=True)(plain),
]
PATHS = ["/groups/", "/healthz", "/admin/login/", "/static/site.css"]


def headers(middleware_class, view, path):
    middleware = middleware_class(view)
    request = RequestFactory().get(path)
    response = middleware(request)
    return {name: response.get(name) for name in (HEADER, HEADER_REPORT_ONLY)}


def both(view, path):
    ours, theirs = headers(CSPMiddleware, view, path), headers(DjangoCSPMiddleware, view, path)
    # The nonce is new on every request: the same policy around it.
    return ({k: v and v.split("'nonce-")[0] for k, v in ours.items()},
            {k: v and v.split("'nonce-")[0] for k, v in theirs.items()})


@pytest.mark.parametrize("view", VIEWS, ids=lambda view: getattr(view, "__name__", "view"))
@pytest.mark.parametrize("path", PATHS)
def test_every_response_gets_django_csps_headers(view, path):
    for _twice in range(2):  # the second with the policy kept
        ours, theirs = both(view, path)
        assert ours == theirs
        assert ours[HEADER] or view is VIEWS[6]


def test_a_change_of_policy_is_followed(settings):
    assert "https://maps.example.org" not in headers(CSPMiddleware, plain, "/groups/")[HEADER]
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": [SELF, "https://maps.example.org"]}}
    assert headers(CSPMiddleware, plain, "/groups/") == headers(DjangoCSPMiddleware, plain, "/groups/")
    assert "https://maps.example.org" in headers(CSPMiddleware, plain, "/groups/")[HEADER]


def test_report_only_policy_and_excluded_paths_are_django_csps(settings):
    settings.CONTENT_SECURITY_POLICY = {"EXCLUDE_URL_PREFIXES": ["/admin/"], "DIRECTIVES": {"default-src": [SELF]}}
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": {"default-src": [NONE], "report-uri": "/csp/"}}
    for path in PATHS:
        for view in VIEWS:
            ours, theirs = both(view, path)
            assert ours == theirs, (path, view)
    assert headers(CSPMiddleware, plain, "/admin/login/")[HEADER] is None
    assert headers(CSPMiddleware, plain, "/groups/")[HEADER_REPORT_ONLY]


def test_debug_error_pages_are_left_alone(settings):
    settings.DEBUG = True
    assert headers(CSPMiddleware, not_found, "/groups/") == headers(DjangoCSPMiddleware, not_found, "/groups/")
    assert headers(CSPMiddleware, not_found, "/groups/")[HEADER] is None


def test_a_nonce_asked_for_after_the_header_was_written_is_refused():
    request = RequestFactory().get("/groups/")
    CSPMiddleware(plain)(request)
    with pytest.raises(Exception, match="not available after the CSP header"):
        str(request.csp_nonce)


def test_a_page_that_uses_a_nonce_gets_its_own(settings):
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": [NONE], "script-src": [SELF, NONCE]}}
    for _twice in range(2):
        request = RequestFactory().get("/groups/")
        response = CSPMiddleware(with_nonce)(request)
        nonce = response.content.decode().split("nonce='")[1].split("'")[0]
        assert f"'nonce-{nonce}'" in response[HEADER]
    assert "nonce" not in headers(CSPMiddleware, plain, "/groups/")[HEADER]
