"""Browsing leaves nothing behind and tells nobody else: no third-party request, cookie or storage."""

from urllib.parse import urlsplit

import pytest

from groups.models import Group
from tests.browser.support import GROUP_SLUG

pytestmark = [pytest.mark.browser]

JOURNEY = [
    "/",
    "/groups/",
    "/groups/?q=circle&type=therapeutic&language=en&format=in-person&cost=sliding-scale&sort=name",
    "/groups/?type=legal-advocacy&language=fr",
    f"/groups/{GROUP_SLUG}/",
    "/types/",
    "/types/therapeutic/",
    "/guide/",
    "/guide/what-to-expect/",
    "/safety/",
]


def test_browsing_sends_nothing_elsewhere_and_stores_nothing(page, context, server, directory):
    requests, responses, console_problems, failures = [], [], [], []
    page.on("request", lambda request: requests.append(request.url))
    page.on("response", lambda response: responses.append(response))
    page.on("response", lambda response: response.status >= 400 and failures.append(
        f"{response.status} {response.url}"))
    page.on("console", lambda message: message.type in {"error", "warning"} and console_problems.append(
        (message.type, message.text, message.location.get("url", ""))))

    own_host = urlsplit(server).netloc
    for path in JOURNEY:
        response = page.goto(server + path, wait_until="networkidle")
        assert response.status == 200, path
        assert response.headers.get("referrer-policy") == "no-referrer"
        storage = page.evaluate("({local: localStorage.length, session: sessionStorage.length})")
        assert storage == {"local": 0, "session": 0}, path
        assert context.cookies() == [], path

    # Following the site's own links and filters on the way.
    page.goto(server + "/groups/")
    page.get_by_label("Therapeutic").check()
    page.get_by_role("button", name="Show groups").click()
    page.get_by_role("link", name="Evening Circle").click()
    page.wait_for_url(f"**/groups/{GROUP_SLUG}/")

    assert requests, "no request was recorded"
    elsewhere = [url for url in requests if urlsplit(url).netloc != own_host or urlsplit(url).scheme != "http"]
    assert elsewhere == [], f"requests left the site: {elsewhere}"
    # Response.headers leaves Set-Cookie out; all_headers() has it.
    set_cookies = [response.url for response in responses if "set-cookie" in response.all_headers()]
    assert set_cookies == [], f"responses set cookies: {set_cookies}"
    assert failures == []
    assert context.cookies() == []
    assert page.evaluate("localStorage.length + sessionStorage.length") == 0
    # Content-Security-Policy violations and failed requests are reported on the console: none allowed.
    assert console_problems == []


def test_no_group_page_sets_a_cookie_only_the_contact_form_does(page, context, server, directory, make_user):
    """Every group page (one links to "Contact this group") sets nothing; the form's own page sets the CSRF
    cookie its POST needs, and nothing else."""
    directory["evening"].coordinators.add(make_user("coordinator@example.org"))
    set_cookies = []
    page.on("response", lambda response: "set-cookie" in response.headers and set_cookies.append(response.url))
    for group in Group.objects.published():
        assert page.goto(server + group.get_absolute_url()).status == 200
        assert context.cookies() == [], group.slug
    assert set_cookies == []

    page.goto(server + f"/groups/{GROUP_SLUG}/")
    page.get_by_role("link", name="Contact this group").click()
    page.wait_for_url(f"**/groups/{GROUP_SLUG}/contact/")
    assert [(cookie["name"], cookie["sameSite"]) for cookie in context.cookies()] == [("csrftoken", "Lax")]
