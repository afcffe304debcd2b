"""The account pages read in plain sentence case, say what an account is for, and emails name the site."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail
from django.test import Client
from django.utils import translation

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)
PO_FILE = Path(__file__).resolve().parents[2] / "locale" / "en" / "LC_MESSAGES" / "django.po"


def test_the_sign_in_page_says_what_coordinators_can_do_and_how_to_start(client):
    page = client.get("/accounts/login/").content.decode()
    assert "<h1>Sign in</h1>" in page
    assert "Sign In" not in page and "Remember Me" not in page
    assert "Keep me signed in on this device" in page
    assert "Survivors never need an account here" in page
    # The three steps, in order: create an account, list the group, staff review.
    steps = [page.index(text) for text in
             ("Create an account</a> with your email", "List your group", "Submit it for review")]
    assert steps == sorted(steps)


def test_the_sign_up_and_reset_pages_read_in_sentence_case(client):
    signup = client.get("/accounts/signup/").content.decode()
    assert "<h1>Create an account</h1>" in signup and "Sign Up" not in signup
    assert "Survivors looking for a group never need one" in signup
    reset = " ".join(client.get("/accounts/password/reset/").content.decode().split())
    assert "<h1> Reset your password </h1>" in reset and "Password Reset" not in reset


def test_every_wording_override_is_compiled(tmp_path):
    """django.mo is built from django.po: each msgstr there is what Django says."""
    pairs = re.findall(r'^msgid "(.+)"\nmsgstr "(.*)"$', PO_FILE.read_text(), flags=re.MULTILINE)
    assert len(pairs) > 30
    with translation.override("en"):
        wrong = [(msgid, translation.gettext(msgid)) for msgid, msgstr in pairs if translation.gettext(msgid) != msgstr]
    assert not wrong, "run msgfmt -o locale/en/LC_MESSAGES/django.mo locale/en/LC_MESSAGES/django.po"


def test_the_sign_up_email_greets_with_the_site_name_not_the_host(settings):
    settings.SITE_NAME = "SupportFinder"
    settings.SITE_URL = "https://supportfinder.example"
    Client(SERVER_NAME="127.0.0.1", SERVER_PORT="8830").post(
        "/accounts/signup/", {"email": "new@example.org", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert mail.outbox[-1].subject == "SupportFinder: Please confirm your email address"
    body = mail.outbox[-1].body
    assert body.startswith("Hello from SupportFinder,")
    assert "127.0.0.1:8830!" not in body and "Hello from 127.0.0.1" not in body
    assert "With thanks from SupportFinder\nhttps://supportfinder.example" in body


@pytest.mark.parametrize(("port", "expected"), [("8830", "http://127.0.0.1:8830"), (None, "http://127.0.0.1:8000")])
def test_in_development_site_url_follows_the_port_that_serves(port, expected):
    """`make run PORT=8830` passes PORT to the server; links in notification emails then lead to 8830."""
    env = {"DJANGO_SETTINGS_MODULE": "supportfinder.settings.dev", "PATH": "/usr/bin:/bin"}
    if port:
        env["PORT"] = port
    code = "import django; django.setup(); from django.conf import settings; print(settings.SITE_URL)"
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True,
                            cwd=PO_FILE.parents[3])
    assert result.stdout.strip() == expected


def test_make_run_passes_the_port_to_the_server():
    makefile = (PO_FILE.parents[3] / "Makefile").read_text()
    assert "PORT=$(PORT) $(MANAGE) runserver 127.0.0.1:$(PORT)" in makefile
