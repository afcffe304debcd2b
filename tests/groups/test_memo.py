"""The site's frame (templates/base.html) repeats its remembered parts ({% memo %}, groups/templatetags/memo.py)
only where they are the same: every page, for every visitor, is the HTML it would be rendered from scratch."""

import random
import re

import pytest
from django.template import engines
from django.test import Client
from django.utils import translation

from groups.templatetags.memo import forget_all

PAGES = ["/", "/groups/", "/groups/?q=circle", "/groups/circle/", "/types/", "/guide/", "/safety/", "/open-data/",
         "/no-such-page/", "/accounts/login/", "/accounts/profile/", "/coordinate/"]

CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


@pytest.fixture
def clients(make_group, make_user):
    make_group("Circle", slug="circle")
    signed_in, staff = Client(), Client()
    signed_in.force_login(make_user("someone@example.org"))
    staff.force_login(make_user("staff@example.org", staff=True))
    return {"anonymous": Client(), "signed in": signed_in, "staff": staff}


def page(client, url):
    """Status and HTML, the CSRF token (masked afresh on every request) left out."""
    response = client.get(url)
    return response.status_code, CSRF_TOKEN.sub("", response.content.decode())


def test_every_page_is_the_same_with_the_frame_remembered_as_rendered_afresh(clients):
    visits = [(who, url) for who in clients for url in PAGES]
    cold = {}
    for who, url in visits:
        forget_all()
        cold[who, url] = page(clients[who], url)
    forget_all()
    random.Random(12).shuffle(visits)
    for who, url in visits + visits:  # the second round: every part remembered from some other page
        assert page(clients[who], url) == cold[who, url], (who, url)
    # The parts that differ are outside the remembered ones: the page named as current, the account links.
    assert 'href="/safety/" aria-current="page"' in cold["anonymous", "/safety/"][1]
    assert 'aria-current="page"' not in cold["anonymous", "/"][1]
    assert "Sign out" in cold["signed in", "/"][1] and "Sign out" not in cold["anonymous", "/"][1]
    assert "Review queue" in cold["staff", "/groups/"][1] and "Review queue" not in cold["signed in", "/groups/"][1]


def test_a_remembered_part_is_one_per_language():
    template = engines["django"].from_string(
        "{% load i18n memo %}{% memo %}{% get_current_language as language %}{{ language }} "
        '{% translate "Saturday" %}{% endmemo %}'
    )
    forget_all()
    with translation.override("de"):
        german = template.render({})
    with translation.override("en"):
        english = template.render({})
    with translation.override("de"):
        assert template.render({}) == german
    assert german == "de Samstag" and english == "en Saturday"


SEARCHES = ["/groups/", "/groups/?q=circle", '/groups/?q=<b>"x"</b>&near=<i>', "/groups/?near=Leeds",
            "/groups/?near=Leeds&radius=10", "/groups/?lat=53.80&lng=-1.55&radius=100", "/groups/?page=2",
            "/groups/?page=3", "/groups/?type=therapeutic", "/groups/?q=nothing-matches", "/groups/?format=phone"]


def test_every_search_page_is_the_same_with_its_form_remembered_as_rendered_afresh(clients, make_group, settings):
    """The results page's form, radius choices and pagination words ({% memo %} in group_list.html and
    pagination.html): for each visitor and language, remembered from other searches, the HTML rendered cold."""
    settings.SEARCH_PAGE_SIZE = 2
    settings.LANGUAGES = [("en", "English"), ("de", "German")]
    for number in range(5):
        make_group(f"Leeds circle {number}", types=["therapeutic"], place={"city": "Leeds"})
    visits = [(who, language, url) for who in clients for language in ("en", "de") for url in SEARCHES]

    def search(who, language, url):
        return page_in(clients[who], url, language)

    cold = {}
    for visit in visits:
        forget_all()
        cold[visit] = search(*visit)
    forget_all()
    random.Random(7).shuffle(visits)
    for visit in visits + visits:
        assert search(*visit) == cold[visit], visit
    # What each remembered part shows beside its words: the radius chosen, the place and words typed, the pages.
    anonymous = {url: cold["anonymous", "en", url][1] for url in SEARCHES}
    assert '<option value="10" selected>' in anonymous["/groups/?near=Leeds&radius=10"]
    assert '<option value="25" selected>' in anonymous["/groups/?near=Leeds"]
    assert '<option value="100" selected>' in anonymous["/groups/?lat=53.80&lng=-1.55&radius=100"]
    assert 'value="&lt;b&gt;&quot;x&quot;&lt;/b&gt;"' in anonymous['/groups/?q=<b>"x"</b>&near=<i>']
    assert 'rel="prev"' in anonymous["/groups/?page=2"] and 'rel="next"' in anonymous["/groups/?page=2"]
    assert 'rel="next"' not in anonymous["/groups/?page=3"]
    assert '<html lang="de">' in cold["anonymous", "de", "/groups/"][1]


def page_in(client, url, language):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    return response.status_code, CSRF_TOKEN.sub("", response.content.decode())
