"""Writes for accreditation: coordinators claim, change and renew; staff verify or reject; reminders before expiry.

Each service takes keyword arguments, validates (full_clean), runs in one transaction and records a ClaimDecision
with who and when. A badge is never stored: it is worked out at read time from a verified claim's valid_until
(groups.accreditation.selectors.current_claims), so nothing has to run for a badge to lapse.

Emails say only that there is news and give a link: never a reviewer's reason or note, nothing a survivor wrote.
"""

import calendar
import datetime
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from groups.accreditation.evidence import EVIDENCE_MAX_FILES, atomic_with_files, attach_evidence, clean_file_name
from groups.accreditation.models import (
    CLAIM_WORKFLOW,
    REJECT,
    RESUBMIT,
    VERIFY,
    AccreditationClaim,
    ClaimDecision,
)
from groups.accreditation.seen import CLAIM_FIELDS, ensure_seen
from groups.core.models import Group
from groups.core.notify import notify_coordinators, notify_staff
from groups.core.permissions import coordinates_or_did_recently
from groups.core.snapshot import diff, snapshot

logger = logging.getLogger(__name__)

Status = AccreditationClaim.Status
Action = ClaimDecision.Action

REMINDER_DAYS = 30
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


def _claims_path(claim):
    return reverse("coordinate:accreditation:claims", args=[claim.group.slug])


def _notify_coordinators_of_decision(claim, actor):
    """Tell the group's coordinators there is news, after the decision is saved; a failed email undoes nothing."""
    notify_coordinators(
        claim.group, _("SupportFinder: news about an accreditation"),
        _("There is news about an accreditation for your listing “%(name)s” on SupportFinder.\n\n"
          "Sign in to see it: %(link)s\n"),
        {}, path=_claims_path(claim), exclude=actor,
    )


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
    with atomic_with_files() as written:
        claim.save()
        attach_evidence(claim, evidence, user, written)
        _record(claim, Action.SUBMITTED, user)
    return claim


def claim_update(*, claim, user, evidence=(), remove_evidence=(), **fields):
    """A coordinator changes a claim or its evidence.

    Any change after the claim was sent or verified (what it says, a file added or removed) raises its version,
    so a reviewer's open page no longer decides on it (groups.accreditation.seen), and sends a verified or rejected
    claim back to the queue: the verification is cleared, so the badge goes until staff check again. A removed
    file is marked removed, not deleted: the audit trail keeps what a reviewer looked at (purge_removed_evidence).
    """
    unknown = set(fields) - set(CLAIM_FIELDS)
    if unknown:
        raise TypeError(f"Not a field a coordinator changes: {', '.join(sorted(unknown))}")
    with atomic_with_files() as written:
        current = AccreditationClaim.objects.select_for_update().select_related("body", "group").get(pk=claim.pk)
        _ensure_claimable(current.group)
        before = snapshot(current, CLAIM_FIELDS)
        for name, value in fields.items():
            setattr(current, name, value.strip() if isinstance(value, str) and name != "register_entry_url" else value)
        if not current.body.is_other:
            current.other_body_name, current.other_body_url = "", ""
        changes = diff(before, snapshot(current, CLAIM_FIELDS))
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
        back_to_queue = CLAIM_WORKFLOW.allows(RESUBMIT, current.status)
        if back_to_queue:
            _back_to_queue(current, user)
        current.version += 1
        current.full_clean()
        current.save()
        now = timezone.now()
        for item in removing:
            item.removed_at, item.removed_by = now, user
            item.save(update_fields=["removed_at", "removed_by"])
        attach_evidence(current, evidence, user, written)
        _record(current, Action.RESUBMITTED if back_to_queue else Action.UPDATED, user, changes=changes)
    return current


def _back_to_queue(claim, user):
    claim.status = CLAIM_WORKFLOW.target(RESUBMIT, claim.status)
    claim.verified_by, claim.verified_at, claim.valid_until = None, None, None
    claim.checked_how, claim.confirmed_reference, claim.rejection_reason = "", "", ""
    claim.submitted_at, claim.submitted_by = timezone.now(), user


def renewal_in_progress(claim):
    """The claim's renewal waiting in the queue, if there is one."""
    return claim.renewals.filter(status=Status.CLAIMED).first()


def renewal_refusal(claim, today, waiting_renewal):
    """Why the claim cannot be renewed now (None when it can): only a current verification, once at a time."""
    if not claim.is_current(today):
        return _("Only a verified accreditation that has not lapsed can be renewed. Add a new claim.")
    if waiting_renewal is not None:
        return _("A renewal of this accreditation is already waiting for review.")
    return None


def claim_renew(*, claim, user, today=None):
    """Ask for a verified claim to be renewed before it lapses: a copy joins the queue, pointing at the original.

    The original keeps its badge until its own valid_until.
    """
    today = today or timezone.localdate()
    with transaction.atomic():
        original = AccreditationClaim.objects.select_for_update().select_related("group", "body").get(pk=claim.pk)
        _ensure_claimable(original.group)
        refusal = renewal_refusal(original, today, renewal_in_progress(original))
        if refusal:
            raise ValidationError(refusal)
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
    """Why this reviewer may not decide on this claim, or None: four eyes, reaching back FOUR_EYES_COOLDOWN_DAYS."""
    if coordinates_or_did_recently(reviewer, claim.group):
        return _("You coordinate this group, or did in the last %(days)s days, so another member of staff must "
                 "review its accreditation.") % {"days": settings.FOUR_EYES_COOLDOWN_DAYS}
    if claim.submitted_by_id == reviewer.pk:
        return _("You sent this claim yourself, so another member of staff must review it.")
    return None


def _ensure_can_review(claim, reviewer, action, seen):
    """Who may decide, whether the claim allows it, and that it is the version the reviewer was shown."""
    if not reviewer.is_staff:
        raise PermissionDenied(_("Only staff review accreditation."))
    conflict = review_conflict(claim, reviewer)
    if conflict:
        raise PermissionDenied(conflict)
    claim.ensure_allows(action)
    ensure_seen(claim, seen)


def _add_staff_note(claim, note):
    """Staff notes accumulate, dated; they are never shown to coordinators or emailed."""
    if note.strip():
        dated = f"{timezone.localdate():%Y-%m-%d}: {note.strip()}"
        claim.note = f"{claim.note}\n\n{dated}" if claim.note else dated


def claim_verify(*, claim, reviewer, seen, checked_how, valid_until, confirmed_reference="", note="", today=None):
    """Staff verify a waiting claim: how it was checked, the reference confirmed and the last valid day.

    `seen`: the review page's token (groups.accreditation.seen); StaleClaim if the claim changed since.
    """
    today = today or timezone.localdate()
    with transaction.atomic():
        claim = AccreditationClaim.objects.select_for_update().select_related("group", "body").get(pk=claim.pk)
        _ensure_can_review(claim, reviewer, VERIFY, seen)
        if checked_how not in AccreditationClaim.CheckedHow.values:
            raise ValidationError({"checked_how": _("Please say how you checked the claim.")})
        if valid_until is None or valid_until < today:
            raise ValidationError({"valid_until": _("The last valid day cannot be in the past.")})
        claim.status = CLAIM_WORKFLOW.target(VERIFY, claim.status)
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


def claim_reject(*, claim, reviewer, seen, reason, note=""):
    """Staff reject a waiting claim, or withdraw a verified one (the badge goes at once), with a reason the group's
    coordinators will see. `seen` as for claim_verify."""
    if not reason.strip():
        raise ValidationError({"reason": _("Please give a reason: the coordinator will see it.")})
    with transaction.atomic():
        claim = AccreditationClaim.objects.select_for_update().select_related("group", "body").get(pk=claim.pk)
        _ensure_can_review(claim, reviewer, REJECT, seen)
        claim.status = CLAIM_WORKFLOW.target(REJECT, claim.status)
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
        .exclude(group__status=Group.Status.CLOSED)
        .select_related("group", "body")
        .order_by("valid_until", "pk")
    )


def claims_remind_expiring(*, today=None):
    """Remind before a verified claim lapses: each coordinator once per claim, and staff in one digest.

    Safe to run repeatedly: a claim is reminded once for each valid_until (reminder_valid_until). A claim already
    renewed with a later date is skipped; one whose renewal is waiting is left to staff (no coordinator email).
    Marking a claim and queueing its emails happen in one transaction, so "reminded" means the emails are safely
    in the outbox (delivered and retried by it) and two runs at once cannot both remind. The emails wait for the
    caller to send them (the daily command sends all it queued at the end). Returns (claims reminded, outbox ids).
    """
    today = today or timezone.localdate()
    not_yet = Q(reminder_valid_until__isnull=True) | ~Q(reminder_valid_until=F("valid_until"))
    due = (
        expiring_claims(today).filter(not_yet)
        .exclude(renewals__status=Status.VERIFIED, renewals__valid_until__gt=F("valid_until"))
        .prefetch_related("group__coordinators")
        .distinct()
    )
    reminded, queued = 0, []
    for claim in due:
        with transaction.atomic():
            if not AccreditationClaim.objects.filter(pk=claim.pk, valid_until=claim.valid_until).filter(
                not_yet
            ).update(reminder_sent_at=timezone.now(), reminder_valid_until=claim.valid_until):
                continue
            if not renewal_in_progress(claim):
                queued += notify_coordinators(
                    claim.group, _("SupportFinder: an accreditation needs renewing soon"),
                    _("An accreditation shown on your listing “%(name)s” on SupportFinder lapses within %(days)s "
                      "days. After that its badge is no longer shown.\n\nSign in to see it and renew it: %(link)s\n"),
                    {"days": REMINDER_DAYS}, path=_claims_path(claim), deliver=False,
                )
        reminded += 1
    if reminded:
        with transaction.atomic():
            queued += notify_staff(
                _("SupportFinder: accreditation lapsing soon"),
                _("%(count)s verified accreditation claim(s) on SupportFinder lapse within %(days)s days; their "
                  "coordinators have been told.\n\nSee them with the review queue: %(link)s\n"),
                {"count": reminded, "days": REMINDER_DAYS}, path=reverse("coordinate:accreditation:queue"),
                deliver=False,
            )
    return reminded, queued

