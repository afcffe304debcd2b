"""Remind coordinators (one email each per claim) and staff (one digest) before a verified accreditation lapses.

Run it daily (cron or a scheduler). Safe to run repeatedly: each claim is reminded once for each valid-until date.
"""

from django.core.management.base import BaseCommand

from groups.accreditation.services import REMINDER_DAYS, claims_remind_expiring


class Command(BaseCommand):
    help = f"Email reminders {REMINDER_DAYS} days before a verified accreditation lapses (safe to run repeatedly)."

    def handle(self, *args, **options):
        reminded = claims_remind_expiring()
        self.stdout.write(f"Reminded about {reminded} accreditation claim(s) lapsing within {REMINDER_DAYS} days.")
