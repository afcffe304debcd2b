from django.core.management.base import BaseCommand

from groups.coordination.services import remind_stale_listings


class Command(BaseCommand):
    help = (
        "Email the coordinators of public listings not confirmed for STALE_REMINDER_DAYS. "
        "Safe to run repeatedly: a listing is reminded once until it is confirmed or changed again."
    )

    def handle(self, *args, **options):
        reminded = remind_stale_listings()
        self.stdout.write(f"Reminded the coordinators of {reminded} listing(s).")
