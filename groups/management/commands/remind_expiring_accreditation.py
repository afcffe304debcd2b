"""Remind coordinators (one email each per claim) and staff (one digest) before a verified accreditation lapses.

Run it daily (cron or a scheduler). Safe to run repeatedly: each claim is reminded once for each valid-until date.
A reminder counts as sent once it is in the outbox (accounts.outbox), queued in the same transaction that marks
the claim reminded: from then on its delivery is the outbox's job (retried by `manage.py send_outbox` until it
goes), so a mail server that is down loses no reminder, and a second run sends none twice.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.outbox import queue_email, send_queued
from groups.accreditation.services import REMINDER_DAYS, expiring_claims, renewal_in_progress
from groups.models import AccreditationClaim


class Command(BaseCommand):
    help = f"Email reminders {REMINDER_DAYS} days before a verified accreditation lapses (safe to run repeatedly)."

    def handle(self, *args, **options):
        reminded, queued = remind_expiring(today=timezone.localdate())
        send_queued(queued)  # now; whatever fails is retried by send_outbox
        self.stdout.write(f"Reminded about {reminded} accreditation claim(s) lapsing within {REMINDER_DAYS} days.")


def remind_expiring(*, today):
    """Queue the reminders that are due and mark their claims; returns (claims reminded, outbox row ids)."""
    not_yet = Q(reminder_valid_until__isnull=True) | ~Q(reminder_valid_until=F("valid_until"))
    due = (
        expiring_claims(today).filter(not_yet)
        .exclude(renewals__status=AccreditationClaim.Status.VERIFIED, renewals__valid_until__gt=F("valid_until"))
        .prefetch_related("group__coordinators")
        .distinct()
    )
    reminded, queued = 0, []
    for claim in due:
        with transaction.atomic():
            # Marking and queueing in one transaction: two runs at once cannot both remind, and a reminder
            # is marked exactly when its emails are safely in the outbox.
            if not AccreditationClaim.objects.filter(pk=claim.pk, valid_until=claim.valid_until).filter(
                not_yet
            ).update(reminder_sent_at=timezone.now(), reminder_valid_until=claim.valid_until):
                continue
            if not renewal_in_progress(claim):
                queued += _queue_coordinator_reminders(claim)
        reminded += 1
    if reminded:
        with transaction.atomic():
            queued += _queue_staff_digest(reminded)
    return reminded, queued


def _queue_coordinator_reminders(claim):
    link = settings.SITE_URL.rstrip("/") + reverse("coordinate:accreditation:claims", args=[claim.group.slug])
    body = _(
        "An accreditation shown on your listing “%(name)s” on SupportFinder lapses within %(days)s days. "
        "After that its badge is no longer shown.\n\nSign in to see it and renew it: %(link)s\n"
    ) % {"name": claim.group.name, "days": REMINDER_DAYS, "link": link}
    subject = _("SupportFinder: an accreditation needs renewing soon")
    return [
        queue_email(user.email, subject, body, deliver=False).pk
        for user in claim.group.coordinators.all() if user.email and user.is_active
    ]


def _queue_staff_digest(count):
    staff = get_user_model().objects.filter(is_staff=True, is_active=True).exclude(email="")
    link = settings.SITE_URL.rstrip("/") + reverse("coordinate:accreditation:queue")
    body = _(
        "%(count)s verified accreditation claim(s) on SupportFinder lapse within %(days)s days; their coordinators "
        "have been told.\n\nSee them with the review queue: %(link)s\n"
    ) % {"count": count, "days": REMINDER_DAYS, "link": link}
    subject = _("SupportFinder: accreditation lapsing soon")
    return [queue_email(user.email, subject, body, deliver=False).pk for user in staff]
