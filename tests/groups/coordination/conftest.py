"""The people every coordination test needs: a coordinator, and staff with two-factor authentication."""

import pytest


@pytest.fixture
def coordinator(make_user):
    return make_user("coordinator@example.org")


@pytest.fixture
def reviewer(make_user):
    return make_user("reviewer@example.org", staff=True, mfa=True)
