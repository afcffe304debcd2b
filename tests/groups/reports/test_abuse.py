"""Abuse resistance without a third party: honeypot, minimum fill time, rate limits in the cache.

Each refusal stores nothing and shows the form again with the person's words, so a real visitor loses nothing.
"""

import time

import pytest
from django.core.cache import cache
from django.test import Client

from groups.core.abuse import form_started_token
from groups.reports.forms import STARTED_SALT
from groups.reports.models import ListingReport
from tests.groups.reports.conftest import report_data

pytestmark = pytest.mark.django_db

URL = "/groups/evening-circle/report/"
WORDS = "The meeting moved to Thursdays."


def refused_keeping_words(response, status=400):
    page = response.content.decode()
    assert response.status_code == status
    assert WORDS in page and "Your report has not been sent yet" in page
    assert not ListingReport.objects.exists()
    return page


def test_a_filled_honeypot_is_refused_and_the_form_comes_back_with_it_empty(listing):
    page = refused_keeping_words(Client().post(URL, report_data(note=WORDS, website="http://spam.example")))
    assert "spam.example" not in page


@pytest.mark.parametrize("started", [
    lambda: form_started_token(STARTED_SALT),  # sent at once
    lambda: "",  # no start time
    lambda: "forged-value",
    lambda: form_started_token(STARTED_SALT, now=time.time() - 2 * 24 * 3600),  # opened two days ago
])
def test_too_fast_or_without_a_valid_start_time_is_refused_and_can_be_sent_again(listing, started):
    client = Client()
    page = refused_keeping_words(client.post(URL, report_data(note=WORDS, started=started())))
    assert "press “Send the report” again" in page
    # The form shown again carries a new start time: sent again after a moment, it goes through.
    token = page.split('name="started" value="')[1].split('"')[0]
    assert token and token != "forged-value"


def test_the_fill_time_is_a_setting(listing, settings):
    settings.REPORT_MIN_FILL_SECONDS = 120
    refused_keeping_words(Client().post(URL, report_data(note=WORDS)))  # a minute is now too fast


def test_reports_from_one_reply_address_are_limited(listing, settings, make_group):
    settings.REPORTS_PER_HOUR_PER_ADDRESS = 2
    make_group("Another", slug="another")
    client = Client()
    for slug in ["evening-circle", "another"]:
        assert client.post(f"/groups/{slug}/report/", report_data(reply_email="Me@Example.org")).status_code == 302
    ListingReport.objects.all().delete()
    page = refused_keeping_words(client.post(URL, report_data(note=WORDS, reply_email="me@example.org")), 429)
    assert "please try again later" in page
    # Only a hash of the address is in the cache.
    assert all("example.org" not in key for key in cache._cache)  # the local-memory cache of the tests


def test_reports_about_one_group_are_limited(listing, settings):
    settings.REPORTS_PER_HOUR_PER_GROUP = 3
    client = Client()
    for _ in range(3):
        assert client.post(URL, report_data()).status_code == 302
    ListingReport.objects.all().delete()
    refused_keeping_words(client.post(URL, report_data(note=WORDS)), 429)


def test_one_connection_cannot_report_many_listings_without_a_reply_address(listing, settings, make_group):
    # Each "unsafe" report emails every member of staff: without this limit one connection could send them
    # about every listing, giving no reply address, and only each listing's own limit would count.
    settings.REPORTS_PER_HOUR_PER_CONNECTION = 2
    for slug in ["another", "third"]:
        make_group(slug.title(), slug=slug)
    client = Client(REMOTE_ADDR="203.0.113.7")
    for slug in ["another", "third"]:
        assert client.post(f"/groups/{slug}/report/", report_data(reason="unsafe")).status_code == 302
    ListingReport.objects.all().delete()
    refused_keeping_words(client.post(URL, report_data(note=WORDS, reason="unsafe")), 429)
    assert all("203.0.113.7" not in key for key in cache._cache)  # only a keyed hash of the address
    # Someone else, on another connection, is not held back by it.
    assert Client(REMOTE_ADDR="198.51.100.4").post(URL, report_data(note=WORDS)).status_code == 302


def test_the_form_needs_its_csrf_token(listing):
    client = Client(enforce_csrf_checks=True)
    assert client.post(URL, report_data()).status_code == 403
    assert not ListingReport.objects.exists()
