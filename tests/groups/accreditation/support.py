"""Fixtures and sample files for the accreditation tests (tests/groups/test_accreditation*.py)."""

import html
import re
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from groups.models import AccreditingBody


def _png():
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\x00")) + chunk(
        b"IEND", b"")


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = _png()
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 32 + b"\xff\xd9"
FIVE_MB = 5 * 1024 * 1024


def upload(name, content, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Evidence goes to a temporary folder, never the project's private-media/."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private-media"
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.PRIVATE_MEDIA_ROOT


@pytest.fixture
def bodies(db):
    """The bodies coordinators choose from: one for services (36-month renewal), one for people, and "other"."""
    return {
        "leading-lights": AccreditingBody.objects.create(
            slug="safelives-leading-lights", name="SafeLives", scheme="Leading Lights",
            certifies="Frontline domestic abuse services.", applies_to="service", renewal_months=36,
            register_url="https://register.example/leading-lights",
        ),
        "nacp": AccreditingBody.objects.create(
            slug="nova-nacp", name="NOVA", scheme="National Advocate Credentialing Program",
            certifies="Individual victim advocates.", applies_to="individual", renewal_months=24,
        ),
        "other": AccreditingBody.objects.create(
            slug="other", name="Another body", scheme="Named by the coordinator",
            certifies="A body not listed here.", applies_to="organisation",
        ),
    }


@pytest.fixture
def coordinator(make_user):
    return make_user("coordinator@example.org")


@pytest.fixture
def other_coordinator(make_user, make_group):
    user = make_user("other@example.org")
    make_group("Elsewhere", slug="elsewhere").coordinators.add(user)
    return user


@pytest.fixture
def reviewer(make_user):
    return make_user("reviewer@example.org", staff=True, mfa=True)


@pytest.fixture
def staff_without_mfa(make_user):
    return make_user("new-staff@example.org", staff=True)


@pytest.fixture
def group(make_group, coordinator):
    group = make_group("Harbour Circle", slug="harbour", host_name="Harbour Trust")
    group.coordinators.add(coordinator)
    return group


def claim_data(body, **overrides):
    data = {
        "action": "add", "body": body.pk, "other_body_name": "", "other_body_url": "", "scope": "group",
        "facilitator_name": "", "reference": "LL-2041", "register_entry_url": "https://register.example/ll-2041",
    }
    data.update(overrides)
    return data


SEEN = re.compile(r'name="seen" value="([^"]*)"')


def decide_claim(client, claim, data):
    """Open the claim's review page, then post `data` with the token of what it showed, as a reviewer would."""
    url = f"/coordinate/review/accreditation/{claim.pk}/"
    match = SEEN.search(client.get(url).content.decode())
    return client.post(url, {"seen": html.unescape(match.group(1)) if match else "", **data})
