"""Evidence files for accreditation claims: what a file really is (by content, never its name), and storing them.

Files are written under random names in private storage (groups.accreditation.storage); files are not
transactional, so those written in a transaction that fails are deleted again (atomic_with_files).
"""

import datetime
import os
import unicodedata
from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from groups.accreditation.models import ClaimDecision, ClaimEvidence
from groups.accreditation.storage import private_storage

EVIDENCE_MAX_BYTES = 5 * 1024 * 1024
EVIDENCE_MAX_FILES = 5
EVIDENCE_SIGNATURES = [  # (content type, how the file starts)
    ("application/pdf", b"%PDF-"),
    ("image/png", b"\x89PNG\r\n\x1a\n"),
    ("image/jpeg", b"\xff\xd8\xff"),
]


def evidence_content_type(uploaded):
    """The type of an uploaded evidence file, found from its content (never its name): PDF, PNG or JPEG.

    Raises ValidationError for an empty, too large, other kind of, or damaged file.
    """
    name = clean_file_name(getattr(uploaded, "name", "") or "")
    size = uploaded.size or 0
    if size == 0:
        raise ValidationError(_("“%(name)s” is empty."), code="empty", params={"name": name})
    if size > EVIDENCE_MAX_BYTES:
        raise ValidationError(
            _("“%(name)s” is %(size)s MB. Each file can be at most 5 MB."), code="too_large",
            params={"name": name, "size": f"{size / 1024 / 1024:.1f}"},
        )
    uploaded.seek(0)
    head = uploaded.read(32)
    uploaded.seek(max(0, size - 1024))
    tail = uploaded.read()
    uploaded.seek(0)
    content_type = next((kind for kind, signature in EVIDENCE_SIGNATURES if head.startswith(signature)), None)
    if content_type is None:
        raise ValidationError(
            _("“%(name)s” is not a PDF, PNG or JPEG file. We check what is inside a file, not its name."),
            code="wrong_type", params={"name": name},
        )
    intact = {
        # A PDF ends with %%EOF; readers look for it in the last 1024 bytes.
        "application/pdf": b"%%EOF" in tail,
        # A PNG's first chunk is IHDR and its last IEND.
        "image/png": head[12:16] == b"IHDR" and b"IEND" in tail,
        # A JPEG ends with the end-of-image marker (some tools pad after it).
        "image/jpeg": tail.rstrip(b"\x00\r\n\t ").endswith(b"\xff\xd9"),
    }[content_type]
    if not intact:
        raise ValidationError(
            _("“%(name)s” looks damaged or incomplete. Please save it again and upload the new copy."),
            code="corrupt", params={"name": name},
        )
    return content_type


def clean_file_name(name):
    """The file's own name without any folder or control characters, for showing and for downloads."""
    name = os.path.basename(name.replace("\\", "/"))
    name = "".join(char for char in name if unicodedata.category(char)[0] != "C").strip()
    return name[:200] or "evidence"


def download_name(evidence):
    """The original name, with the extension of what the file really is."""
    extension = ClaimEvidence.EXTENSIONS.get(evidence.content_type, "")
    name = evidence.original_name
    if extension and not name.lower().endswith((extension, ".jpeg" if extension == ".jpg" else extension)):
        name += extension
    return name


def attach_evidence(claim, files, user, written):
    """Store each file under a random name; `written` collects the names, to remove them if the transaction fails."""
    for uploaded in files:
        content_type = evidence_content_type(uploaded)
        evidence = ClaimEvidence(
            claim=claim, original_name=clean_file_name(uploaded.name or ""), content_type=content_type,
            size=uploaded.size, uploaded_by=user,
        )
        evidence.file.save("evidence", File(uploaded), save=False)
        written.append(evidence.file.name)
        evidence.save()


@contextmanager
def atomic_with_files():
    """One transaction; files are not transactional, so those written are deleted again if it fails."""
    written = []
    try:
        with transaction.atomic():
            yield written
    except BaseException:
        for name in written:
            private_storage.delete(name)
        raise


# Staff decisions after which a removed file is no longer what the claim's standing rests on.
DECISIONS_ENDING_RETENTION = [ClaimDecision.Action.VERIFIED, ClaimDecision.Action.REJECTED]


def purge_removed_evidence(*, now=None):
    """Delete files coordinators removed, once the claim was decided on again after the removal and
    EVIDENCE_RETENTION_DAYS have passed since that decision. Until then the file and its row stay, so the audit
    trail holds what a reviewer looked at. Returns how many were deleted (their files go when the delete commits).
    """
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.EVIDENCE_RETENTION_DAYS)
    decided_since_removal = ClaimDecision.objects.filter(
        claim=OuterRef("claim"), action__in=DECISIONS_ENDING_RETENTION,
        created_at__gt=OuterRef("removed_at"), created_at__lte=cutoff,
    )
    due = ClaimEvidence.all_objects.filter(removed_at__isnull=False).filter(Exists(decided_since_removal))
    deleted = 0
    for evidence in due:
        with transaction.atomic():
            evidence.delete()  # the file goes with it (groups.accreditation.models.delete_evidence_file)
        deleted += 1
    return deleted
