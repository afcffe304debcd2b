"""Production settings: a visitor's own X-Forwarded-Proto header cannot skip the redirect to HTTPS."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Runs in a fresh interpreter, because settings are read once per process.
PROBE = """
import json, django
from django.conf import settings
django.setup()
from django.test import Client
client = Client()
answers = {}
for name, headers in {"plain": {}, "spoofed": {"HTTP_X_FORWARDED_PROTO": "https"}}.items():
    response = client.get("/healthz", **headers)
    answers[name] = [response.status_code, response.get("Location", "")]
answers["header"] = list(getattr(settings, "SECURE_PROXY_SSL_HEADER", None) or [])
answers["options"] = {key: value for key, value in settings.DATABASES["default"].get("OPTIONS", {}).items()
                      if key == "prepare_threshold"}
print(json.dumps(answers))
"""


def production(**env):
    inherited = {key: value for key, value in os.environ.items() if key != "TRUSTED_PROXY_SSL_HEADER"}
    environment = {
        **inherited, "DJANGO_SETTINGS_MODULE": "supportfinder.settings.production", "SECRET_KEY": "x" * 60,
        "ALLOWED_HOSTS": "testserver", "DATABASE_URL": "sqlite://:memory:", **env,
    }
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=environment, capture_output=True,
                            text=True, timeout=60, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("header", ["plain", "spoofed"])
def test_a_server_reached_directly_redirects_to_https_whatever_the_visitor_claims(header):
    answers = production()
    assert answers["header"] == []
    status, location = answers[header]
    assert status == 301 and location.startswith("https://testserver/")


def test_behind_a_configured_proxy_its_header_is_trusted():
    answers = production(TRUSTED_PROXY_SSL_HEADER="X-Forwarded-Proto")
    assert answers["header"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert answers["plain"][0] == 301
    assert answers["spoofed"][0] == 200


def test_a_deployment_behind_a_pooler_turns_prepared_statements_off():
    assert production()["options"] == {}
    assert production(DATABASE_PREPARED_STATEMENTS="False")["options"] == {"prepare_threshold": None}
