"""Remind the coordinators of public listings not confirmed for STALE_REMINDER_DAYS. Run it daily.

Safe to run repeatedly: a listing is reminded once until it is confirmed or changed again. A reminder counts as
sent once it is in the outbox (accounts.outbox), queued in the same transaction that marks the listing
reminded: its delivery is then the outbox's job (retried by `manage.py send_outbox` until it goes), so a mail
server that is down loses no reminder and a second run sends none twice.
"""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.outbox import queue_email, send_queued
from groups.models import Group


class Command(BaseCommand):
    help = (
        "Email the coordinators of public listings not confirmed for STALE_REMINDER_DAYS. "
        "Safe to run repeatedly: a listing is reminded once until it is confirmed or changed again."
    )

    def handle(self, *args, **options):
        reminded, queued = remind_stale_listings(now=timezone.now())
        send_queued(queued)  # now; whatever fails is retried by send_outbox
        self.stdout.write(f"Reminded the coordinators of {reminded} listing(s).")


def remind_stale_listings(*, now):
    """Queue a reminder for each listing that is due and mark it; returns (listings reminded, outbox row ids)."""
    cutoff = now - datetime.timedelta(days=settings.STALE_REMINDER_DAYS)
    due = (
        Group.objects.published().filter(last_confirmed_at__lt=cutoff, stale_reminder_sent_at__isnull=True)
        .prefetch_related("coordinators")
    )
    reminded, queued = 0, []
    for group in due:
        with transaction.atomic():
            # Marking and queueing in one transaction: two runs at once cannot both remind, and a listing is
            # marked exactly when its reminders are safely in the outbox.
            if not Group.objects.filter(pk=group.pk, stale_reminder_sent_at__isnull=True).update(
                stale_reminder_sent_at=now
            ):
                continue
            queued += _queue_reminders(group)
            reminded += 1
    return reminded, queued


def _queue_reminders(group):
    link = settings.SITE_URL.rstrip("/") + reverse("coordinate:group", args=[group.slug])
    body = _(
        "Is your listing “%(name)s” on SupportFinder still accurate? Survivors rely on it being current.\n\n"
        "Sign in to confirm it or update it: %(link)s\n"
    ) % {"name": group.name, "link": link}
    subject = _("SupportFinder: is your listing still accurate?")
    return [
        queue_email(user.email, subject, body, deliver=False).pk
        for user in group.coordinators.all() if user.email and user.is_active
    ]
