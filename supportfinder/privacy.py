"""Referrer policy: none at all while browsing; same-origin only where the site's own forms post.

Chromium sends `Origin: null` with a form POST from a page under `no-referrer`, which Django's CSRF
check must refuse. Pages with forms that post (accounts, coordinators, staff) therefore use
`same-origin`: the full address still never leaves the site, and outbound links carry
rel="noreferrer" everywhere. So do the two public forms a visitor posts without an account, "Contact this
group" (groups.contact) and the report of a wrong listing (groups.reports); the group page that links to
them stays `no-referrer`.
"""

import re

FORM_PATH_PREFIXES = ("/accounts/", "/coordinate/", "/admin/")
PUBLIC_FORM_PATHS = re.compile(r"^/groups/[^/]+/(contact|report)/$")


def referrer_policy_for(path):
    if path.startswith(FORM_PATH_PREFIXES) or PUBLIC_FORM_PATHS.match(path):
        return "same-origin"
    return "no-referrer"


class ReferrerPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers["Referrer-Policy"] = referrer_policy_for(request.path)
        return response
