"""Two members of staff deciding on one report at the same moment: one decision, done once (PostgreSQL)."""

import threading
import time

import pytest
from django.db import connection
from django.test import Client

from groups.coordination.models import ModerationDecision
from groups.reports import services
from groups.reports.models import ListingReport, ReportDecision

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_two_requests_at_once_make_one_decision(listing, staff, make_user, monkeypatch):
    other = make_user("other-staff@example.org", staff=True, mfa=True)
    report = ListingReport.objects.create(group=listing, reason="unsafe")
    set_status = services.group_set_status

    def slow_set_status(**kwargs):
        # The first request holds the report's row while the second tries to claim it.
        time.sleep(0.5)
        return set_status(**kwargs)

    monkeypatch.setattr(services, "group_set_status", slow_set_status)
    start = threading.Barrier(2)
    statuses = []

    def press(user, resolution):
        client = Client()
        client.force_login(user)
        start.wait()
        try:
            statuses.append(client.post(f"/coordinate/review/reports/{report.pk}/",
                                        {"resolution": resolution, "note": "Acting on it."}).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=press, args=(staff, "paused")),
               threading.Thread(target=press, args=(other, "taken-down"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [302, 409]
    assert ReportDecision.objects.count() == 1 and ModerationDecision.objects.count() == 1
    report.refresh_from_db()
    listing.refresh_from_db()
    assert listing.status == {"paused": "paused", "taken-down": "closed"}[report.resolution]
