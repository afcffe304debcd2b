"""What is kept, for how long: resolved reports go after REPORT_RETENTION_DAYS; nothing identifies the reporter."""

import datetime
import logging

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from groups.reports.models import ListingReport, ReportDecision
from groups.reports.services import purge_listing_reports
from tests.groups.reports.conftest import report_data

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def test_resolved_reports_are_deleted_exactly_when_due(listing, staff, settings):
    settings.REPORT_RETENTION_DAYS = 180
    now = timezone.now()
    due = ListingReport.objects.create(group=listing, reason="closed", reply_email="a@example.org",
                                       resolved_at=now - 180 * DAY, resolution="fixed")
    ReportDecision.objects.create(report=due, action="fixed", actor=staff, reason="Done.")
    not_yet = ListingReport.objects.create(group=listing, reason="closed", resolution="fixed",
                                           resolved_at=now - 180 * DAY + datetime.timedelta(seconds=1))
    still_open = ListingReport.objects.create(group=listing, reason="unsafe", created_at=now - 999 * DAY)
    assert purge_listing_reports(now=now) == 1
    assert set(ListingReport.objects.all()) == {not_yet, still_open}
    assert not ReportDecision.objects.exists()
    # Run again: nothing more is due.
    assert purge_listing_reports(now=now) == 0


def test_the_daily_command_purges(listing, capsys):
    ListingReport.objects.create(group=listing, reason="closed", resolved_at=timezone.now() - 365 * DAY,
                                 resolution="dismissed")
    call_command("purge_listing_reports")
    assert "Deleted 1 resolved report(s)." in capsys.readouterr().out
    assert not ListingReport.objects.exists()


def test_deleting_a_group_deletes_its_reports_and_their_log(listing, staff):
    report = ListingReport.objects.create(group=listing, reason="closed", reply_email="a@example.org")
    ReportDecision.objects.create(report=report, action="dismissed", actor=staff)
    listing.delete()
    assert not ListingReport.objects.exists() and not ReportDecision.objects.exists()


def test_a_report_has_nowhere_to_keep_an_ip_address_browser_or_search(listing):
    fields = {field.name for field in ListingReport._meta.get_fields()}
    assert fields == {"id", "group", "reason", "note", "reply_email", "created_at", "resolution", "resolved_at",
                      "resolved_by", "coordinators_fixed_at", "decisions"}


def test_nothing_about_the_reporter_is_logged(listing, caplog):
    caplog.set_level(logging.DEBUG)
    client = Client(HTTP_USER_AGENT="Distinctive-Agent/1.0", REMOTE_ADDR="203.0.113.9",
                    HTTP_REFERER="http://127.0.0.1/groups/?q=my+secret+search")
    client.post("/groups/evening-circle/report/", report_data(note="Private words.", reply_email="me@example.org"))
    client.post("/groups/evening-circle/report/", report_data(reason="", note="Private words."))
    logged = caplog.text
    for private in ["Private words.", "me@example.org", "203.0.113.9", "Distinctive-Agent", "secret"]:
        assert private not in logged
    report = ListingReport.objects.get()
    assert "203.0.113.9" not in str(report.__dict__) and "secret" not in str(report.__dict__)


def test_the_safety_page_says_what_is_kept_for_how_long_and_who_reads_it(client, taxonomy, settings):
    settings.REPORT_RETENTION_DAYS = 45
    page = client.get("/safety/").content.decode()
    assert "Telling us a listing is wrong" in page
    assert "45 days after staff have dealt with it" in page
    assert "Nobody but staff ever sees your email address" in page
    assert "We do not keep your IP address" in page
