"""A group page's content built in Python (groups.directory.page_html) is byte for byte what
groups/_group_detail_content.html renders, for any group: the template stays the reference, so a page changed in
one and not the other fails here."""

import datetime
from unittest import mock

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template.loader import get_template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from groups.directory import loading, page_cache, page_html
from groups.directory.presenters import group_page
from groups.directory.selectors import published_group_or_404
from groups.models import (
    AccessibilityFeature,
    Cost,
    Format,
    Group,
    GroupType,
    Language,
    MeetingTime,
    Place,
    Population,
    TraumaType,
)
from tests.groups.directory.test_card_html import NOW, claims, faked_gettext, slugs, text

EXAMPLES = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
# Long texts with blank lines and line ends (the paragraphs filter), phone numbers and addresses of every kind.
long_text = st.lists(st.one_of(text, st.sampled_from(["\n", "\n\n", "\r\n", " \n \n"])), max_size=6).map("".join)
phones = st.one_of(st.just(""), st.sampled_from(["+44 (0)113 496 0000", "0113 496 0000", "00 1 555 0100", "none",
                                                  "٣٣٣", "<b>1</b>"]), text)
urls = st.one_of(st.just(""), st.sampled_from(["https://www.calm-waters.example/x?a=1&b=<2>", "http://a.example",
                                               "not a url", "https://例え.jp/"]), text)
TERMS = (("types", GroupType), ("trauma_types", TraumaType), ("populations", Population), ("formats", Format),
         ("access_features", AccessibilityFeature), ("languages", Language))
ZONES = ["Europe/London", "America/New_York", "Asia/Kolkata", "Etc/GMT+5", "UTC", "Nowhere"]


def choice(field):
    """A field's choices, blank, and a value that is none of them (shown as it is)."""
    return st.sampled_from([value for value, _label in Group._meta.get_field(field).choices] + ["", "retired<&>"])


@st.composite
def meetings(draw):
    """Meetings of every frequency, with and without a weekday, a week of the month, a first date and an end."""
    found = []
    for pk in range(1, draw(st.integers(0, 3)) + 1):
        frequency = draw(st.sampled_from(MeetingTime.Frequency.values))
        found.append(MeetingTime(
            pk=pk, frequency=frequency, weekday=draw(st.one_of(st.none(), st.integers(0, 6))),
            interval_weeks=draw(st.one_of(st.none(), st.integers(1, 4))),
            week_of_month=draw(st.one_of(st.none(), st.sampled_from([1, 2, 3, 4, -1]))),
            starts_on=draw(st.one_of(st.none(), st.dates(datetime.date(2026, 1, 1), datetime.date(2028, 1, 1)))),
            start_time=draw(st.one_of(st.none(), st.times())),
            end_time=draw(st.one_of(st.none(), st.times()))))
    return sorted(found, key=loading._meeting_order)


@st.composite
def groups(draw):
    """A group in memory with everything its page reads set on it, as groups.directory.loading sets it."""
    group = Group(
        pk=draw(st.integers(1, 10**7)), slug=draw(slugs), name=draw(text),
        summary=draw(text), description=draw(long_text), registration_details=draw(long_text),
        host_name=draw(st.one_of(st.just(""), text)), host_website=draw(urls), is_demo=draw(st.booleans()),
        status=draw(st.sampled_from([Group.Status.PUBLISHED, Group.Status.PAUSED])),
        accepts_messages=draw(st.booleans()), meets_remotely=draw(st.booleans()),
        time_zone=draw(st.sampled_from(ZONES)),
        contact_email=draw(st.one_of(st.just(""), st.just("a&b@example.org"), text)), contact_phone=draw(phones),
        contact_url=draw(urls), cost_details=draw(st.one_of(st.just(""), text)),
        facilitation=draw(choice("facilitation")), attendance=draw(choice("attendance")),
        capacity=draw(choice("capacity")),
        age_min=draw(st.one_of(st.none(), st.integers(0, 120))),
        age_max=draw(st.one_of(st.none(), st.integers(0, 120))),
        last_confirmed_at=NOW - datetime.timedelta(minutes=draw(st.integers(0, 60 * 24 * 800))))
    group.has_coordinator = draw(st.booleans())
    group.cost = draw(st.one_of(st.none(), st.builds(Cost, name=text)))
    Group.place.related.set_cached_value(group, None)  # as select_related("place") leaves a group without one
    if draw(st.booleans()):
        group.place = Place(
            city=draw(text), region=draw(st.one_of(st.just(""), text)), postcode=draw(st.one_of(st.just(""), text)),
            address_line1=draw(st.one_of(st.just(""), text)), address_line2=draw(st.one_of(st.just(""), text)),
            country=draw(st.sampled_from(["GB", "US", "IE", "ZZ", ""])),
            address_visibility=draw(st.sampled_from(Place.Visibility.values)))
    for field, model in TERMS:
        terms = [model(pk=n, slug=draw(slugs), name=name)
                 for n, name in enumerate(draw(st.lists(text, max_size=3)), 1)]
        loading._set_prefetched(group, field, model, terms)
    group.current_claims = draw(st.lists(claims(), max_size=1))
    group.waiting_claims = draw(st.lists(claims(), max_size=1))
    loading._set_prefetched(group, "meeting_times", MeetingTime, draw(meetings()))
    for meeting in loading.prefetched(group, "meeting_times"):
        meeting.group = group
    return group


def visitor_request():
    request = RequestFactory().get("/groups/a/")
    request.user = AnonymousUser()
    return request


def by_template(group, page, language):
    with translation.override(language):
        return get_template(page_cache.CONTENT_TEMPLATE).render({"group": group, "page": page}, visitor_request())


def by_python(group, page, language):
    with translation.override(language):
        return page_html.content_html(visitor_request(), group, page)


@EXAMPLES
@given(group=groups(), language=st.sampled_from(["en", "fr"]), days=st.integers(0, 3))
def test_a_page_built_in_python_is_the_page_the_template_renders(group, language, days):
    now = NOW + datetime.timedelta(days=days)
    page = group_page(group, now)
    assert by_python(group, page, language) == by_template(group, page, language)


# A translation with markup and quotes in it, values in another order, and one that does not fit its values.
FAKE_TRANSLATIONS = {
    "All groups": "Tous <&> \"'",
    "Run by %(host)s": "%(host)s & co <b>",
    "Verified by SupportFinder staff with %(body)s, valid until %(date)s.": "Jusqu'au %(date)s: %(body)s",
    "All times are %(zone)s, the group's own time.": "Broken %(zona)s",
    "%(age)s and over": "100%% %(age)s+",
    "Contact %(name)s": "Écrire à \"%(name)s\"",
    "The group's contact page": "La page <i>",
    "Your time:": "L'heure & \"vous\"",
}


@EXAMPLES
@given(group=groups())
def test_translations_are_put_in_as_the_template_puts_them(group):
    fake = faked_gettext(FAKE_TRANSLATIONS)
    page = group_page(group, NOW)
    page_html.forget()  # words looked up before the fake translations
    try:
        with mock.patch.object(translation._trans, "gettext", fake):
            assert by_python(group, page, "en") == by_template(group, page, "en")
    finally:
        page_html.forget()


def test_the_fake_translations_show():
    group = Group(pk=7, slug="g", name="G", host_name="Host", age_min=18, contact_url="https://a.example/")
    Group.place.related.set_cached_value(group, None)
    for field, model in TERMS:
        loading._set_prefetched(group, field, model, [])
    loading._set_prefetched(group, "meeting_times", MeetingTime, [])
    group.current_claims, group.waiting_claims = [], []
    page = group_page(group, NOW)
    page_html.forget()
    try:
        with mock.patch.object(translation._trans, "gettext", lambda message: FAKE_TRANSLATIONS.get(message, message)):
            html = by_python(group, page, "en")
    finally:
        page_html.forget()
    assert "Tous &lt;&amp;&gt; &quot;&#x27;" in html and "Host & co <b>" in html and "100% 18+" in html
    assert "Écrire à \"G\"" in html and "La page &lt;i&gt;" in html


def test_a_word_written_with_an_apostrophe_is_shown_as_the_template_shows_it():
    """{% translate "The group's contact page" %} escapes nothing: the string and its translation are safe."""
    group = Group(pk=7, slug="g", name="G", contact_url="https://a.example/")
    Group.place.related.set_cached_value(group, None)
    for field, model in TERMS:
        loading._set_prefetched(group, field, model, [])
    loading._set_prefetched(group, "meeting_times", MeetingTime, [])
    group.current_claims, group.waiting_claims = [], []
    assert "The group's contact page" in by_python(group, group_page(group, NOW), "en")


def test_an_address_with_a_group_s_slug_is_the_one_reverse_gives():
    for name in ("reports:report", "contact:form", "groups:calendar"):
        assert page_html._url_for(name, Group(slug="a_b-1")) == reverse(name, args=["a_b-1"])


@pytest.mark.django_db
def test_pages_read_from_the_database_are_the_template_s_pages(make_group, accrediting_body, today):
    """Every branch with groups as groups.directory.loading reads them, through the page cache's own path."""
    make_group("Plain <b>&</b>", summary="x" * 300, description="One\n\nTwo\nthree <i>")
    make_group("Hosted", host_name="O'Brien & \"Sons\"", is_demo=True, status=Group.Status.PAUSED,
               host_website="https://www.obrien.example/", contact_phone="+44 (0)113 496 0000",
               contact_email="a@b.example", contact_url="https://c.example/contact",
               place={"city": "Leeds", "region": "West Yorkshire", "address_visibility": "public",
                      "address_line1": "1 High St", "postcode": "LS1 1AA", "country": "GB",
                      "latitude": "53.8", "longitude": "-1.55"},
               meetings=[{"frequency": "weekly", "weekday": 2, "start_time": datetime.time(18)},
                         {"frequency": "monthly", "weekday": 4, "week_of_month": -1, "start_time": datetime.time(9)}],
               claims=[{"body": accrediting_body, "status": "verified", "valid_until": today,
                        "scope": "facilitator", "facilitator_name": "Ann <Lee>"}])
    make_group("Waiting", formats=["online"], place={"city": "York", "address_visibility": "on-request"},
               claims=[{"body": accrediting_body, "status": "claimed"}], time_zone="America/New_York",
               meetings=[{"frequency": "by-arrangement"}])
    make_group("Accredited", place={"city": "Hull", "address_visibility": "area-only", "country": "US"},
               claims=[{"body": accrediting_body, "status": "verified", "valid_until": today}])
    now = timezone.now()
    for slug in Group.objects.order_by("name").values_list("slug", flat=True):
        group = published_group_or_404(slug, many=False)
        page_cache.page_cache().clear()
        request = visitor_request()
        request.resolver_match = mock.Mock(url_name="detail")
        html = page_cache.page_response(request, group).content.decode()
        loading.attach_many_valued([group])
        assert by_template(group, group_page(group, now), "en") in html
