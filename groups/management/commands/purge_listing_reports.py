from django.core.management.base import BaseCommand

from groups.reports.services import purge_listing_reports


class Command(BaseCommand):
    help = (
        "Delete reports about listings resolved more than REPORT_RETENTION_DAYS ago, with their reply address and "
        "decision log. Open reports are kept until they are resolved. Run daily; safe to run repeatedly."
    )

    def handle(self, *args, **options):
        deleted = purge_listing_reports()
        self.stdout.write(f"Deleted {deleted} resolved report(s).")
