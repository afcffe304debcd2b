"""Writes for accreditation: coordinators claim, change and renew; staff verify or reject; reminders before expiry.

Each service takes keyword arguments, validates (full_clean), runs in one transaction and records a ClaimDecision
with who and when. A badge is never stored: it is worked out at read time from a verified claim's valid_until
(groups.accreditation.selectors.current_claims), so nothing has to run for a badge to lapse.

Emails say only that there is news and give a link: never a reviewer's reason or note, nothing a survivor wrote.
"""

import calendar
import datetime
import logging
import os
import unicodedata
from contextlib import contextmanager

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.mail import EmailMessage, get_connection, send_mail
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from groups.accreditation.models import AccreditationClaim, ClaimDecision, ClaimEvidence
from groups.accreditation.storage import private_storage

logger = logging.getLogger(__name__)

Status = AccreditationClaim.Status
Action = ClaimDecision.Action

# What a coordinator states about a claim. Changing any of it on a verified claim sends it back for review,
# since it changes what staff checked or what the badge says.
CLAIM_FIELDS = [
    "body", "other_body_name", "other_body_url", "reference", "scope", "facilitator_name", "register_entry_url",
]
REMINDER_DAYS = 30
EVIDENCE_MAX_BYTES = 5 * 1024 * 1024
EVIDENCE_MAX_FILES = 5
EVIDENCE_SIGNATURES = [  # (content type, how the file starts)
    ("application/pdf", b"%PDF-"),
    ("image/png", b"\x89PNG\r\n\x1a\n"),
    ("image/jpeg", b"\xff\xd8\xff"),
]


# Evidence files ------------------------------------------------------------------------------------------------

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


def _attach_evidence(claim, files, user, written):
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
def _atomic_with_files():
    """One transaction; files are not transactional, so those written are deleted again if it fails."""
    written = []
    try:
        with transaction.atomic():
            yield written
    except BaseException:
        for name in written:
            private_storage.delete(name)
        raise


# Dates -------------------------------------------------------------------------------------------------------

def add_months(day, months):
    """The same day `months` later (the last day of the month when that month is shorter)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def proposed_valid_until(claim, today=None):
    """What staff are offered as the last valid day: today plus the body's renewal period, when it has one."""
    today = today or timezone.localdate()
    months = claim.body.renewal_months
    return add_months(today, months) if months else None


# Recording and telling ---------------------------------------------------------------------------------------

def _record(claim, action, actor, **fields):
    return ClaimDecision.objects.create(claim=claim, action=action, actor=actor, **fields)


def _claims_link(claim):
    return settings.SITE_URL.rstrip("/") + reverse("coordinate:accreditation:claims", args=[claim.group.slug])


def _notify_coordinators_of_decision(claim, actor):
    """Tell the group's coordinators there is news, after the decision is saved; a failed email undoes nothing."""
    recipients = [user.email for user in claim.group.coordinators.all() if user.email and user.pk != actor.pk]
    if not recipients:
        return
    body = _(
        "There is news about an accreditation for your listing “%(name)s” on SupportFinder.\n\n"
        "Sign in to see it: %(link)s\n"
    ) % {"name": claim.group.name, "link": _claims_link(claim)}
    subject = _("SupportFinder: news about an accreditation")
    transaction.on_commit(lambda: send_mail(subject, body, None, recipients, fail_silently=True))


def _snapshot(claim):
    data = {}
    for name in CLAIM_FIELDS:
        field = AccreditationClaim._meta.get_field(name)
        value = getattr(claim, name)
        if name == "scope":
            value = claim.get_scope_display()
        data[str(field.verbose_name)] = "" if value is None else str(value)
    return data


# Coordinators ------------------------------------------------------------------------------------------------

def _ensure_claimable(group):
    if group.revision_of_id is not None:
        raise ValidationError(_("Accreditation belongs to the published listing, not to a proposed change."))
    if group.status == group.Status.CLOSED:
        raise ValidationError(_("This listing is closed."))


def claim_submit(*, group, user, body, scope, reference="", facilitator_name="", register_entry_url="",
                 other_body_name="", other_body_url="", evidence=()):
    """A coordinator claims an accreditation for their group: it joins the staff queue at once.

    Works for a published group too, without a listing review: the public sees only "claimed, not yet verified"
    until staff verify it.
    """
    _ensure_claimable(group)
    if len(evidence) > EVIDENCE_MAX_FILES:
        raise ValidationError(_("Please send at most %(count)s files.") % {"count": EVIDENCE_MAX_FILES})
    claim = AccreditationClaim(
        group=group, body=body, scope=scope, reference=reference.strip(), facilitator_name=facilitator_name.strip(),
        register_entry_url=register_entry_url, other_body_name=other_body_name.strip() if body.is_other else "",
        other_body_url=other_body_url if body.is_other else "", status=Status.CLAIMED,
        submitted_at=timezone.now(), submitted_by=user,
    )
    claim.full_clean()
    with _atomic_with_files() as written:
        claim.save()
        _attach_evidence(claim, evidence, user, written)
        _record(claim, Action.SUBMITTED, user)
    return claim


def claim_update(*, claim, user, evidence=(), remove_evidence=(), **fields):
    """A coordinator changes a claim or its evidence.

    Changing what a verified claim says (body, reference, what it covers, …) sends it back to the queue: the
    verification is cleared, so the badge goes until staff check again. A rejected claim that is changed, or gets
    new evidence, goes back to the queue too. Removing evidence alone changes no state.
    """
    unknown = set(fields) - set(CLAIM_FIELDS)
    if unknown:
        raise TypeError(f"Not a field a coordinator changes: {', '.join(sorted(unknown))}")
    with _atomic_with_files() as written:
        current = AccreditationClaim.objects.select_for_update().select_related("body", "group").get(pk=claim.pk)
        _ensure_claimable(current.group)
        before = _snapshot(current)
        for name, value in fields.items():
            setattr(current, name, value.strip() if isinstance(value, str) and name != "register_entry_url" else value)
        if not current.body.is_other:
            current.other_body_name, current.other_body_url = "", ""
        after = _snapshot(current)
        changes = {label: [before[label], after[label]] for label in after if before[label] != after[label]}
        removing = list(current.evidence.filter(pk__in=[item.pk for item in remove_evidence]))
        kept = current.evidence.count() - len(removing)
        if kept + len(evidence) > EVIDENCE_MAX_FILES:
            raise ValidationError(_("A claim can have at most %(count)s files.") % {"count": EVIDENCE_MAX_FILES})
        if not changes and not evidence and not removing:
            return current
        if evidence:
            changes[str(_("files added"))] = ["", ", ".join(clean_file_name(item.name or "") for item in evidence)]
        if removing:
            changes[str(_("files removed"))] = [", ".join(item.original_name for item in removing), ""]

        back_to_queue = (
            (current.status == Status.VERIFIED and any(label in before for label in changes))
            or (current.status == Status.REJECTED and (any(label in before for label in changes) or evidence))
        )
        if back_to_queue:
            current.status = Status.CLAIMED
            current.verified_by, current.verified_at, current.valid_until = None, None, None
            current.checked_how, current.confirmed_reference, current.rejection_reason = "", "", ""
            current.submitted_at, current.submitted_by = timezone.now(), user
        current.full_clean()
        current.save()
        for item in removing:
            item.delete()
        _attach_evidence(current, evidence, user, written)
        _record(current, Action.RESUBMITTED if back_to_queue else Action.UPDATED, user, changes=changes)
    return current


def renewal_in_progress(claim):
    """The claim's renewal waiting in the queue, if there is one."""
    return claim.renewals.filter(status=Status.CLAIMED).first()


def claim_renew(*, claim, user, today=None):
    """Ask for a verified claim to be renewed before it lapses: a copy joins the queue, pointing at the original.

    The original keeps its badge until its own valid_until.
    """
    today = today or timezone.localdate()
    with transaction.atomic():
        original = AccreditationClaim.objects.select_for_update().select_related("group", "body").get(pk=claim.pk)
        _ensure_claimable(original.group)
        if not original.is_current(today):
            raise ValidationError(
                _("Only a verified accreditation that has not lapsed can be renewed. Add a new claim.")
            )
        if renewal_in_progress(original):
            raise ValidationError(_("A renewal of this accreditation is already waiting for review."))
        renewal = AccreditationClaim(
            group=original.group, renewal_of=original, status=Status.CLAIMED, submitted_at=timezone.now(),
            submitted_by=user, **{name: getattr(original, name) for name in CLAIM_FIELDS},
        )
        renewal.full_clean()
        renewal.save()
        _record(renewal, Action.RENEWAL, user)
    return renewal


# Staff -------------------------------------------------------------------------------------------------------

def review_conflict(claim, reviewer):
    """Why this reviewer may not decide on this claim, or None."""
    if claim.group.coordinators.filter(pk=reviewer.pk).exists():
        return _("You coordinate this group, so another member of staff must review its accreditation.")
    if claim.submitted_by_id == reviewer.pk:
        return _("You sent this claim yourself, so another member of staff must review it.")
    return None


def _ensure_can_review(claim, reviewer, statuses=(Status.CLAIMED,)):
    if not reviewer.is_staff:
        raise PermissionDenied(_("Only staff review accreditation."))
    conflict = review_conflict(claim, reviewer)
    if conflict:
        raise PermissionDenied(conflict)
    if claim.status not in statuses:
        raise ValidationError(_("This claim is not waiting for review (it is %(status)s).")
                              % {"status": claim.get_status_display().lower()})


def _add_staff_note(claim, note):
    """Staff notes accumulate, dated; they are never shown to coordinators or emailed."""
    if note.strip():
        dated = f"{timezone.localdate():%Y-%m-%d}: {note.strip()}"
        claim.note = f"{claim.note}\n\n{dated}" if claim.note else dated


def claim_verify(*, claim, reviewer, checked_how, valid_until, confirmed_reference="", note="", today=None):
    """Staff verify a waiting claim: how it was checked, the reference confirmed and the last valid day."""
    today = today or timezone.localdate()
    with transaction.atomic():
        claim = AccreditationClaim.objects.select_for_update().select_related("group", "body").get(pk=claim.pk)
        _ensure_can_review(claim, reviewer)
        if checked_how not in AccreditationClaim.CheckedHow.values:
            raise ValidationError({"checked_how": _("Please say how you checked the claim.")})
        if valid_until is None or valid_until < today:
            raise ValidationError({"valid_until": _("The last valid day cannot be in the past.")})
        claim.status = Status.VERIFIED
        claim.checked_how = checked_how
        claim.confirmed_reference = confirmed_reference.strip()
        claim.valid_until = valid_until
        claim.verified_by, claim.verified_at = reviewer, timezone.now()
        claim.rejection_reason = ""
        _add_staff_note(claim, note)
        claim.full_clean()
        claim.save()
        _record(claim, Action.VERIFIED, reviewer, checked_how=checked_how, reference=claim.confirmed_reference,
                valid_until=valid_until)
        _notify_coordinators_of_decision(claim, reviewer)
    return claim


def claim_reject(*, claim, reviewer, reason, note=""):
    """Staff reject a waiting claim, or withdraw a verified one (the badge goes at once), with a reason the group's
    coordinators will see."""
    if not reason.strip():
        raise ValidationError({"reason": _("Please give a reason: the coordinator will see it.")})
    with transaction.atomic():
        claim = AccreditationClaim.objects.select_for_update().select_related("group", "body").get(pk=claim.pk)
        _ensure_can_review(claim, reviewer, statuses=(Status.CLAIMED, Status.VERIFIED))
        claim.status = Status.REJECTED
        claim.rejection_reason = reason.strip()
        claim.verified_by, claim.verified_at, claim.valid_until = None, None, None
        claim.checked_how, claim.confirmed_reference = "", ""
        _add_staff_note(claim, note)
        claim.full_clean()
        claim.save()
        _record(claim, Action.REJECTED, reviewer, reason=claim.rejection_reason)
        _notify_coordinators_of_decision(claim, reviewer)
    return claim


# Reminders ---------------------------------------------------------------------------------------------------

def expiring_claims(today=None):
    """Verified claims that lapse within REMINDER_DAYS, on listings that are not closed, soonest first."""
    today = today or timezone.localdate()
    return (
        AccreditationClaim.objects.filter(
            status=Status.VERIFIED, valid_until__gte=today,
            valid_until__lte=today + datetime.timedelta(days=REMINDER_DAYS),
        )
        .exclude(group__status="closed")
        .select_related("group", "body")
        .order_by("valid_until", "pk")
    )


def claims_remind_expiring(*, today=None):
    """Remind before a verified claim lapses: each coordinator once per claim, and staff in one digest.

    Safe to run repeatedly: a claim is reminded once for each valid_until (reminder_valid_until). A claim already
    renewed with a later date is skipped; one whose renewal is waiting is left to staff (no coordinator email).
    Returns how many claims were reminded.
    """
    today = today or timezone.localdate()
    now = timezone.now()
    not_yet = Q(reminder_valid_until__isnull=True) | ~Q(reminder_valid_until=F("valid_until"))
    due = (
        expiring_claims(today).filter(not_yet)
        .exclude(renewals__status=Status.VERIFIED, renewals__valid_until__gt=F("valid_until"))
        .prefetch_related("group__coordinators")
        .distinct()
    )
    reminded = []
    for claim in due:
        try:
            with transaction.atomic():
                # Claim the reminder first, so two runs at once cannot both send it.
                if not AccreditationClaim.objects.filter(pk=claim.pk, valid_until=claim.valid_until).filter(
                    not_yet
                ).update(reminder_sent_at=now, reminder_valid_until=claim.valid_until):
                    continue
                if not renewal_in_progress(claim):
                    _send_coordinator_reminders(claim)
        except Exception:
            # Not marked as sent, so the next run tries again.
            logger.exception("Accreditation reminder for claim %s failed", claim.pk)
            continue
        reminded.append(claim)
    if reminded:
        _send_staff_digest(len(reminded))
    return len(reminded)


def _send_coordinator_reminders(claim):
    body = _(
        "An accreditation shown on your listing “%(name)s” on SupportFinder lapses within %(days)s days. "
        "After that its badge is no longer shown.\n\nSign in to see it and renew it: %(link)s\n"
    ) % {"name": claim.group.name, "days": REMINDER_DAYS, "link": _claims_link(claim)}
    subject = _("SupportFinder: an accreditation needs renewing soon")
    messages = [
        EmailMessage(subject, body, None, [user.email])
        for user in claim.group.coordinators.all() if user.email and user.is_active
    ]
    if messages:
        get_connection().send_messages(messages)


def _send_staff_digest(count):
    staff = get_user_model().objects.filter(is_staff=True, is_active=True).exclude(email="")
    link = settings.SITE_URL.rstrip("/") + reverse("coordinate:accreditation:queue")
    body = _(
        "%(count)s verified accreditation claim(s) on SupportFinder lapse within %(days)s days; their coordinators "
        "have been told.\n\nSee them with the review queue: %(link)s\n"
    ) % {"count": count, "days": REMINDER_DAYS, "link": link}
    subject = _("SupportFinder: accreditation lapsing soon")
    messages = [EmailMessage(subject, body, None, [user.email]) for user in staff]
    if messages:
        try:
            get_connection().send_messages(messages)
        except Exception:
            logger.exception("Accreditation digest for staff failed")
