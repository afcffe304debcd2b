"""Evidence files on disk: readable by the server's own user only; an upload over the limit is dropped as it
arrives, never stored in full, and the coordinator is told why with everything else they typed kept."""

import io
import os
import stat

import pytest
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.urls import reverse

from groups.accreditation.evidence import EVIDENCE_MAX_BYTES
from groups.models import AccreditationClaim, ClaimEvidence
from tests.groups.accreditation.support import *  # noqa: F403 (fixtures)
from tests.groups.accreditation.support import PDF, claim_data, logged_in, upload

pytestmark = pytest.mark.django_db


def claims_url(group):
    return reverse("coordinate:accreditation:claims", args=[group.slug])


def test_evidence_is_written_owner_read_only(group, coordinator, bodies, private_media, settings):
    settings.FILE_UPLOAD_PERMISSIONS = 0o644  # what the rest of the site might use
    old_umask = os.umask(0o022)
    try:
        logged_in(coordinator).post(claims_url(group), claim_data(
            bodies["leading-lights"], evidence=[upload("certificate.pdf", PDF)]))
    finally:
        os.umask(old_umask)
    evidence = ClaimEvidence.objects.get()
    path = private_media / evidence.file.name
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


class TestAnUploadOverTheLimit:
    def test_is_refused_with_its_real_size_and_never_stored_in_full(self, group, coordinator, bodies, private_media,
                                                                    monkeypatch):
        # A request this large is stored by Django in a temporary file: count what reaches it.
        stored = []
        original = TemporaryFileUploadHandler.receive_data_chunk

        def counting(self, raw_data, start):
            stored.append(len(raw_data))
            return original(self, raw_data, start)

        monkeypatch.setattr(TemporaryFileUploadHandler, "receive_data_chunk", counting)

        twenty_mb = b"%PDF-1.4\n" + b"0" * (20 * 1024 * 1024) + b"\n%%EOF\n"
        response = logged_in(coordinator).post(claims_url(group), claim_data(
            bodies["leading-lights"], reference="KEEP-ME-123", evidence=[upload("huge.pdf", twenty_mb)]))

        assert response.status_code == 400
        page = response.content.decode()
        assert "“huge.pdf” is 20.0 MB. Each file can be at most 5 MB." in page
        assert 'value="KEEP-ME-123"' in page
        assert sum(stored) <= EVIDENCE_MAX_BYTES
        assert not AccreditationClaim.objects.exists()
        assert not private_media.exists() or not any(private_media.rglob("*.*"))

    def test_a_file_of_exactly_the_limit_is_still_accepted(self, group, coordinator, bodies):
        content = b"%PDF-1.4\n" + b"0" * (EVIDENCE_MAX_BYTES - 16) + b"\n%%EOF\n"
        assert len(content) == EVIDENCE_MAX_BYTES
        logged_in(coordinator).post(claims_url(group), claim_data(
            bodies["leading-lights"], evidence=[upload("big.pdf", content)]))
        assert ClaimEvidence.objects.get().size == EVIDENCE_MAX_BYTES

    def test_a_request_that_says_it_is_too_large_is_refused_before_its_body_is_read(self, group, coordinator):
        class Body(io.BytesIO):
            read_so_far = 0

            def read(self, size=-1):
                data = super().read(size)
                Body.read_so_far += len(data)
                return data

        body = Body(b"--x\r\n" + b"0" * 1024)
        response = logged_in(coordinator).generic(
            "POST", claims_url(group), b"placeholder", content_type="multipart/form-data; boundary=x",
            CONTENT_LENGTH=str(200 * 1024 * 1024), **{"wsgi.input": body},
        )
        assert response.status_code == 400
        assert Body.read_so_far == 0
