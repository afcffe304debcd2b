"""The public form: anyone can report a listing without an account; mistakes and refusals keep every word."""

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import OutgoingEmail
from groups.reports.models import ListingReport
from tests.groups.reports.conftest import report_data

pytestmark = pytest.mark.django_db

URL = "/groups/evening-circle/report/"


def test_the_group_page_links_to_its_report_page_and_sets_no_cookie(client, listing):
    response = client.get("/groups/evening-circle/")
    assert 'href="/groups/evening-circle/report/"' in response.content.decode()
    assert "Report a problem with this listing" in response.content.decode()
    assert not response.cookies


def test_the_form_says_who_reads_it_and_what_is_kept_before_anything_is_typed(client, listing, settings):
    settings.REPORT_RETENTION_DAYS = 180
    page = client.get(URL).content.decode()
    form_at = page.index("<form")
    for words in ["SupportFinder staff read every report", "never see your email address",
                  "We do not keep your IP address", "180 days after we have dealt with it"]:
        assert 0 <= page.index(words) < form_at, words
    # The form needs a CSRF cookie, and only this page and its POST set one.
    assert "csrftoken" in client.cookies


def test_a_report_is_stored_and_the_visitor_thanked(listing):
    client = Client()
    response = client.post(URL, report_data(reason="closed", note="It stopped in March.",
                                            reply_email="safe@example.org"))
    assert response.status_code == 302 and response["Location"] == "/groups/evening-circle/report/thanks/"
    report = ListingReport.objects.get()
    assert (report.group, report.reason, report.note, report.reply_email) == (
        listing, "closed", "It stopped in March.", "safe@example.org")
    thanks = client.get(response["Location"])
    assert "Thank you for your report" in thanks.content.decode()
    # Not an unsafe report: nobody is emailed.
    assert not OutgoingEmail.objects.exists()


def test_an_unsafe_report_emails_staff_at_once_without_what_was_written(listing, staff, make_user):
    make_user("other-staff@example.org", staff=True)
    Client().post(URL, report_data(reason="unsafe", note="The host is the person who hurt me.",
                                   reply_email="secret@example.org"))
    emails = list(OutgoingEmail.objects.all())
    assert sorted(address for email in emails for address in email.to) == [
        "other-staff@example.org", "staff@example.org"]
    for email in emails:
        assert "hurt me" not in email.body and "secret@example.org" not in email.body
        assert f"/coordinate/review/reports/{ListingReport.objects.get().pk}/" in email.body


@pytest.mark.parametrize("data, field, message", [
    ({"reason": ""}, "reason", "Please choose what is wrong"),
    ({"reason": "not-a-reason"}, "reason", "Select a valid choice"),
    ({"reason": "other", "note": "   "}, "note", "Please tell us what is wrong"),
    ({"note": "x" * 1001}, "note", "at most 1000 characters"),
    ({"reply_email": "not an address"}, "reply_email", "Enter a valid email address"),
])
def test_a_mistake_shows_the_form_again_with_every_value_kept(listing, data, field, message):
    sent = report_data(note="The time is 7pm, not 6pm.", reply_email="me@example.org") | data
    response = Client().post(URL, sent)
    page = response.content.decode()
    assert response.status_code == 400
    assert message in page
    assert "Everything you wrote is still in the form below." in page
    assert sent["note"] in page and f'value="{sent["reply_email"]}"' in page
    assert not ListingReport.objects.exists()


def test_garbage_never_causes_an_error_page(listing):
    response = Client().post(URL, {"reason": ["closed", "unsafe"], "note": "\x00", "started": "forged",
                                   "reply_email": "a@" + "b" * 300 + ".org"})
    assert response.status_code == 400


@pytest.mark.parametrize("status", ["draft", "pending", "closed", "revision"])
def test_only_a_public_listing_can_be_reported(make_group, status):
    make_group("Hidden", slug="hidden", status=status)
    client = Client()
    assert client.get("/groups/hidden/report/").status_code == 404
    assert client.post("/groups/hidden/report/", report_data()).status_code == 404
    assert client.get("/groups/hidden/report/thanks/").status_code == 404
    assert not ListingReport.objects.exists()


def test_a_paused_listing_can_be_reported(make_group):
    make_group("Paused", slug="paused", status="paused")
    assert Client().post("/groups/paused/report/", report_data()).status_code == 302


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(reason=st.text(max_size=30) | st.sampled_from(["closed", "unsafe", "other"]), note=st.text(max_size=1200),
       reply_email=st.text(max_size=80) | st.emails())
def test_no_value_sent_makes_the_form_fail(listing, reason, note, reply_email):
    response = Client().post(URL, report_data(reason=reason, note=note, reply_email=reply_email))
    assert response.status_code in (302, 400, 429)


def test_the_form_with_its_csrf_token_is_never_compressed(listing):
    """A secret (the CSRF token) and reflected words in one compressed body is the BREACH attack."""
    client = Client(HTTP_ACCEPT_ENCODING="gzip")
    assert client.get(URL).get("Content-Encoding") is None
    assert client.post(URL, report_data(reason="")).get("Content-Encoding") is None
