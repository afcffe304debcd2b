from django.core.management.base import BaseCommand

from groups.contact.services import messages_purge


class Command(BaseCommand):
    help = (
        "Delete messages sent through “Contact this group” whose time is up: CONTACT_MESSAGE_RETENTION_DAYS after "
        "they were sent, or CONTACT_ANSWERED_RETENTION_DAYS after they were marked answered if sooner. Run daily; "
        "safe to run repeatedly."
    )

    def handle(self, *args, **options):
        deleted = messages_purge()
        # A count only: nothing about who wrote or to whom.
        self.stdout.write(f"Deleted {deleted} contact message(s) past their retention date.")
