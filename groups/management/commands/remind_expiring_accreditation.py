"""Remind coordinators and staff before a verified accreditation lapses. Run it daily.

Safe to run repeatedly (groups.accreditation.services.claims_remind_expiring): each claim is reminded once per
last valid day, and counts as reminded once its emails are in the outbox, which delivers and retries them.
"""

from django.core.management.base import BaseCommand

from accounts.outbox import send_queued
from groups.accreditation.services import REMINDER_DAYS, claims_remind_expiring


class Command(BaseCommand):
    help = f"Email reminders {REMINDER_DAYS} days before a verified accreditation lapses (safe to run repeatedly)."

    def handle(self, *args, **options):
        reminded, queued = claims_remind_expiring()
        send_queued(queued)  # now; whatever fails is retried by send_outbox
        self.stdout.write(f"Reminded about {reminded} accreditation claim(s) lapsing within {REMINDER_DAYS} days.")
