"""manage.py export_hsds FOLDER [--format json|ndjson|csv]: the published directory as open data files.

Writes one file per HSDS table (services.json, locations.json, ...) in the format chosen, and groups.csv
(one row per group, in the columns `import_groups` reads). Streamed: memory stays the same at any size.
Addresses follow each place's visibility, exactly as in the API (groups.opendata.mapping).
"""

from pathlib import Path

from django.core.management.base import BaseCommand

from groups.opendata.export import FORMATS, export_tables, write_groups_csv


class Command(BaseCommand):
    help = "Write the published directory as HSDS 3.0 tables (JSON, NDJSON or CSV) and groups.csv."

    def add_arguments(self, parser):
        parser.add_argument("folder", help="Where to write the files (created if missing).")
        parser.add_argument("--format", choices=FORMATS, default="json", help="How to write the tables.")

    def handle(self, *args, folder, format, **options):
        target = Path(folder)
        counts = export_tables(target, format)
        with (target / "groups.csv").open("w", encoding="utf-8", newline="") as handle:
            groups = write_groups_csv(handle)
        for table, count in sorted(counts.items()):
            self.stdout.write(f"{table}.{format}: {count}")
        self.stdout.write(self.style.SUCCESS(f"groups.csv: {groups} published groups, in {target}"))
