"""`manage.py load_demo`: taxonomies, accrediting bodies and a fictional demonstration directory.

What it does, in order:

1. Loads `fixtures/taxonomies.json` and `fixtures/accrediting_bodies.json` when their tables are
   empty (an admin's later edits are never overwritten).
2. Adds the real national services of `fixtures/demo/national_services.yaml` (RAINN and the National
   Centre for Domestic Violence), with name, a one-line summary in our own words and their public
   website only (no address, phone, meeting times or accreditation). A service whose slug exists
   already is left alone, so an admin's later edits are kept.
3. Creates about 140 fictional demonstration groups (`is_demo=True`, slugs starting `demo-`) from the
   profiles, cities and details in `fixtures/demo/` (see groups.management.demo), deterministically.
   Every description ends with the fictional note; hosts, streets and people are invented; web
   addresses use only example.org and the reserved `.example` top-level domain; e-mail addresses are
   on example.org; no phone numbers at all. Coordinates are real city centres jittered by up to 3 km,
   so distance search is realistic.

Idempotent: when demo groups already exist the command leaves them alone and says so; `--reset`
deletes the demo groups (only those: `is_demo=True` and a `demo-` slug) and creates them again.
Dates that must stay meaningful (accreditation validity, last confirmed) are relative to the day
the command runs.
"""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from groups.accreditation.models import AccreditingBody
from groups.core.bulk import BulkWriter, NewGroup
from groups.core.models import Cost, Group
from groups.core.vocabulary import TAXONOMIES
from groups.management.demo import DEMO_SLUG_PREFIX, DemoBuilder, pick, read_fixture, terms_by_slug

TAXONOMY_FIXTURE = "taxonomies.json"
BODIES_FIXTURE = "accrediting_bodies.json"


class Command(BaseCommand):
    help = "Load taxonomies, accrediting bodies and fictional demonstration groups (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset", action="store_true", help="Delete the demo groups (only those) and create them again."
        )

    def handle(self, *args, reset=False, **options):
        self.load_fixtures()
        with transaction.atomic():
            real = self.create_real_services()
            existing = Group.objects.filter(is_demo=True, slug__startswith=DEMO_SLUG_PREFIX)
            if existing.exists() and not reset:
                self.stdout.write(
                    f"Demo data already loaded ({existing.count()} demo groups); nothing changed. "
                    "Use --reset to recreate it."
                )
                return
            if reset:
                deleted, _ = existing.delete()
                self.stdout.write(f"Deleted the demo groups and their related rows ({deleted} rows).")
            new_groups = DemoBuilder().build()
            writer = BulkWriter()
            writer.write(new_groups)
        groups = [new.group for new in new_groups]
        places = [new.place for new in new_groups if new.place is not None]
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data: {len(groups)} groups ({count(groups, Group.Status.PUBLISHED)} published, "
                f"{count(groups, Group.Status.PAUSED)} paused, "
                f"{sum(g.status not in Group.PUBLIC_STATUSES for g in groups)} draft/pending/closed), "
                f"{len(places)} places in {len({p.city for p in places})} cities "
                f"and {len({p.country for p in places})} countries, {writer.totals['meetingtime']} meeting times, "
                f"{writer.totals['accreditationclaim']} accreditation claims; {real} real services added."
            )
        )

    def load_fixtures(self):
        fixtures_dir = settings.BASE_DIR / "fixtures"
        taxonomy_models = tuple(taxonomy.model for taxonomy in TAXONOMIES)
        for models, filename in ((taxonomy_models, TAXONOMY_FIXTURE), ((AccreditingBody,), BODIES_FIXTURE)):
            if any(model.objects.exists() for model in models):
                continue  # already loaded (and perhaps edited by an admin): never overwrite
            path = fixtures_dir / filename
            if not path.exists():
                if filename == TAXONOMY_FIXTURE:
                    raise CommandError(f"The taxonomies are empty and {path} does not exist.")
                self.stderr.write(f"No {path}; demo groups will have no accreditation claims.")
                continue
            call_command("loaddata", str(path), verbosity=0)
            self.stdout.write(f"Loaded {filename}.")

    def create_real_services(self):
        """The national services not yet listed, published, with only the facts in the fixture."""
        services = read_fixture("national_services.yaml")
        existing = set(Group.objects.filter(slug__in=[s["slug"] for s in services]).values_list("slug", flat=True))
        terms = terms_by_slug()
        # The hotline and the injunction service are free to the people who use them.
        free = Cost.objects.filter(slug="free").first() or Cost.objects.first()
        new_groups = [
            NewGroup(
                Group(
                    slug=service["slug"],
                    name=service["name"],
                    summary=service["summary"],
                    host_name=service["host_name"],
                    host_website=service["host_website"],
                    cost=free,
                    time_zone=service["time_zone"],
                    status=Group.Status.PUBLISHED,
                    is_demo=False,
                    # Facilitation and attendance are not ours to assert: left blank rather than guessed.
                ),
                terms={
                    "types": pick(terms["types"], service["types"]),
                    "trauma_types": pick(terms["trauma_types"], service["trauma"]),
                    "formats": pick(terms["formats"], service["formats"]),
                    "languages": pick(terms["languages"], ("en",)),
                },
            )
            for service in services
            if service["slug"] not in existing
        ]
        if new_groups:
            BulkWriter().write(new_groups)
        return len(new_groups)


def count(groups, status):
    return sum(group.status == status for group in groups)
