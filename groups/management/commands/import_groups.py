"""manage.py import_groups FILE --user EMAIL [--check]: import a CSV of groups into the review queue.

The same checks and the same all-or-nothing import as the staff page (/coordinate/review/import/); the
groups are submitted in the name of the member of staff given, and wait for another to review them.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from groups.opendata.csv_import import ImportFileError, preview
from groups.opendata.importing import ImportRefused, import_preview


class Command(BaseCommand):
    help = "Check a CSV file of groups and import it, all or nothing, into the review queue."

    def add_arguments(self, parser):
        parser.add_argument("file", help="A CSV file in the template's columns (UTF-8).")
        parser.add_argument("--user", required=True, help="The email of the member of staff importing.")
        parser.add_argument("--check", action="store_true", help="Only check the file; write nothing.")

    def handle(self, *args, file, user, check, **options):
        importer = User.objects.filter(email__iexact=user, is_staff=True, is_active=True).first()
        if importer is None:
            raise CommandError(f"No active member of staff has the email {user}.")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"There is no file at {file}.")
        try:
            result = preview(path.read_bytes())
        except ImportFileError as error:
            raise CommandError(f"{error} Nothing was changed.") from None
        for error in result.errors:
            self.stderr.write(f"row {error.row}, column {error.column or '-'}: {error.message}")
        if result.errors:
            raise CommandError(f"{len(result.errors)} problem(s) in {file}: nothing was imported.")
        if check:
            self.stdout.write(f"{file} is ready: {result.new_count} new groups, {result.update_count} changes.")
            return
        try:
            created, updated = import_preview(result, importer)
        except ImportRefused as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(
            f"Imported {created} new groups and {updated} changes; they are waiting in the review queue."))
