"""A public listing with a coordinator, staff with two-factor, and a way to send the report form as a person would."""

import time

import pytest

from groups.core.abuse import form_started_token
from groups.reports.forms import STARTED_SALT


def started_a_minute_ago():
    """The form's hidden start time, as if the page had been opened a minute ago (people take that long)."""
    return form_started_token(STARTED_SALT, now=time.time() - 60)


def report_data(**fields):
    return {"reason": "wrong-time", "note": "", "reply_email": "", "website": "", "started": started_a_minute_ago(),
            **fields}


@pytest.fixture
def coordinator(make_user):
    return make_user("coordinator@example.org")


@pytest.fixture
def staff(make_user):
    return make_user("staff@example.org", staff=True, mfa=True)


@pytest.fixture
def listing(make_group, coordinator):
    group = make_group("Evening Circle", slug="evening-circle")
    group.coordinators.add(coordinator)
    return group
