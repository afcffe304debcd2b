"""Send the emails waiting in the outbox: run it every minute (cron or a scheduler)."""

from django.core.management.base import BaseCommand

from accounts.outbox import forget_sent, send_due


class Command(BaseCommand):
    help = (
        "Send queued emails that are due: new ones left behind and failed ones whose wait is over. "
        "Run it every minute. Safe to run often and on several servers at once: no email goes twice."
    )

    def handle(self, *args, **options):
        sent, failed = send_due()
        forget_sent()
        self.stdout.write(f"Sent {sent} email(s); {failed} could not be sent and will be tried again.")
