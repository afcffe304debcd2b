"""Accounts: people with a verified email address, staff, and an authenticator app when needed."""

import re
import time

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.core import mail
from django.core.cache import cache
from django.test import Client

from accounts.models import User

PASSWORD = "a long and unusual passphrase 42"


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Rate limits live in the cache: every test starts with none used."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def other_browser():
    """A second browser, with its own cookies."""
    return Client()


@pytest.fixture
def make_user(db):
    def make(email="coordinator@example.org", *, password=PASSWORD, verified=True, **fields):
        user = User.objects.create_user(email=email, password=password, **fields)
        EmailAddress.objects.create(user=user, email=email, primary=True, verified=verified)
        return user

    return make


@pytest.fixture
def coordinator(make_user):
    return make_user("coordinator@example.org", display_name="Sam")


@pytest.fixture
def staff(make_user):
    return make_user("staff@example.org", is_staff=True)


def activate_totp(user):
    """Give the user an authenticator app; returns its secret, for making codes."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def current_code(secret):
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def sign_in(client, email, password=PASSWORD):
    """Sign in through allauth's form (unlike force_login, this records a recent authentication)."""
    return client.post("/accounts/login/", {"login": email, "password": password})


def link_in_last_email(path_start):
    """The first link in the last email sent whose path starts with path_start."""
    match = re.search(rf"https?://[^/\s]+({re.escape(path_start)}\S*)", mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(1)
