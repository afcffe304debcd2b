from django.core.management.base import BaseCommand

from groups.accreditation.evidence import purge_removed_evidence


class Command(BaseCommand):
    help = (
        "Delete accreditation evidence files coordinators removed, once the claim has been decided on again and "
        "EVIDENCE_RETENTION_DAYS have passed since. Run daily; safe to run repeatedly."
    )

    def handle(self, *args, **options):
        deleted = purge_removed_evidence()
        self.stdout.write(f"Deleted {deleted} removed evidence file(s).")
