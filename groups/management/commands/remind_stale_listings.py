"""Remind the coordinators of public listings not confirmed for STALE_REMINDER_DAYS. Run it daily.

Safe to run repeatedly: a listing is reminded once until it is confirmed or changed again. A reminder counts as
sent once it is in the outbox (groups.coordination.listing.remind_stale_listings): the outbox delivers it and
`manage.py send_outbox` retries it, so a mail server that is down loses no reminder and a second run sends none
twice.
"""

from django.core.management.base import BaseCommand

from accounts.outbox import send_queued
from groups.coordination.services import remind_stale_listings


class Command(BaseCommand):
    help = (
        "Email the coordinators of public listings not confirmed for STALE_REMINDER_DAYS. "
        "Safe to run repeatedly: a listing is reminded once until it is confirmed or changed again."
    )

    def handle(self, *args, **options):
        reminded, queued = remind_stale_listings()
        send_queued(queued)  # now; whatever fails is retried by send_outbox
        self.stdout.write(f"Reminded the coordinators of {reminded} listing(s).")
