"""`manage.py generate_groups --count N --seed S [--clear]`: synthetic groups for benchmarks.

The same count and seed always give the same groups (names, slugs, terms, places, meetings and
claims; only timestamps and dates relative to today differ). Names start "Synthetic group" and
slugs are `synthetic-<seed>-<n>`; all are `is_demo=True`. `--clear` first deletes every earlier
synthetic group (demo groups whose name starts "Synthetic group"), whatever its seed.

The cities and sentences are in fixtures/demo/synthetic.yaml. Written for speed: rows are built in
Python and written in batches by the shared bulk writer (groups.core.bulk), which computes every derived
column (search text, next meeting, search point) before the insert and, on PostgreSQL, writes with COPY
and the search vectors in one INSERT ... SELECT per batch, so no row is updated afterwards. Everything
runs in one transaction; then only the tables written to are analysed (on PostgreSQL), so the planner
sees the new rows at once. Nothing is vacuumed: that is autovacuum's job, and a VACUUM here cost more
than the writing.

On PostgreSQL (issue 12: 100,000 groups in under a minute on two cores) three more things:
- the groups and their COPY rows are made in a forked process (Generator.prepared_batches), so making
  them and writing them run side by side rather than sharing one interpreter lock;
- the load runs inside groups.core.load_window.checks_and_indexes_set_aside: the foreign keys pointing at
  the tables written and their plain indexes are dropped and recreated in the same transaction, instead
  of a deferred check per row at commit and index upkeep per row (the tables stay locked meanwhile);
- --clear empties a table that is mostly synthetic and puts the other rows back (load_window
  .delete_matching), so no dead rows are left for the index builds and later scans to read.
"""

import datetime
import math
import multiprocessing
import queue
import random
import threading
import time
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from groups.accreditation.models import AccreditationClaim, AccreditingBody
from groups.core import directory_version, lexicon
from groups.core.bulk import Blueprint, BulkWriter, NewGroup
from groups.core.load_window import checks_and_indexes_set_aside, delete_matching
from groups.core.models import Cost, Group, GroupFullText, MeetingTime, Place
from groups.core.vocabulary import BY_ARRANGEMENT, EVERY_N_WEEKS, FREQUENCIES, M2M_FIELDS, MONTHLY, TAXONOMY_BY_FIELD
from groups.management.demo import clock, read_fixture

NAME_PREFIX = "Synthetic group"
JITTER_KM = 30.0
STATUS_OTHERS = [Group.Status.PAUSED, Group.Status.DRAFT, Group.Status.PENDING, Group.Status.CLOSED]
# The choices drawn from, listed once (an enum's .values builds its list on every call).
ATTENDANCES = [Group.Attendance.DROP_IN, Group.Attendance.REGISTRATION]
FACILITATIONS = Group.Facilitation.values
CAPACITIES = Group.Capacity.values
VISIBILITIES = [Place.Visibility.PUBLIC, Place.Visibility.PUBLIC, Place.Visibility.AREA_ONLY,
                Place.Visibility.ON_REQUEST]
CLAIM_STATUSES = [AccreditationClaim.Status.VERIFIED, AccreditationClaim.Status.CLAIMED,
                  AccreditationClaim.Status.REJECTED]
CLAIM_SCOPES = [AccreditationClaim.Scope.ORGANISATION, AccreditationClaim.Scope.GROUP]
FREQUENCY_VALUES = [value for value, _label in FREQUENCIES]
ANCHOR = datetime.date(2026, 1, 5)  # a Monday


class Terms:
    """A taxonomy held in memory: chosen in slug order, listed in the model's own order."""

    def __init__(self, model):
        ordered = list(model.objects.all())  # the model's own ordering, as prefetching gives it
        self.rank = {term.pk: position for position, term in enumerate(ordered)}
        self.terms = sorted(ordered, key=lambda term: term.slug)
        self.by_slug = {term.slug: term for term in ordered}
        # Positions in self.terms, sampled in its stead: rng.sample picks by position, whatever the items.
        self.positions = range(len(self.terms))
        self.position_rank = [self.rank[term.pk] for term in self.terms]

    def sample(self, rng, low, high):
        count = min(len(self.terms), rng.randint(low, high))
        chosen = sorted(rng.sample(self.positions, count), key=self.position_rank.__getitem__)
        return [self.terms[position] for position in chosen]


class Command(BaseCommand):
    help = "Create deterministic synthetic groups for benchmarks (bulk, fast)."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=1000, help="How many groups to create.")
        parser.add_argument("--seed", type=int, default=1, help="Seed: the same seed gives the same groups.")
        parser.add_argument("--clear", action="store_true", help="Delete earlier synthetic groups first.")
        parser.add_argument("--batch-size", type=int, default=2000)

    def handle(self, *args, count, seed, clear, batch_size, **options):
        if count < 0:
            raise CommandError("--count must be zero or more.")
        started = time.monotonic()
        taxonomies = {name: Terms(TAXONOMY_BY_FIELD[name].model) for name in M2M_FIELDS}
        costs = Terms(Cost)
        if not all(taxonomies[name].terms for name in ("types", "formats", "languages")) or not costs.terms:
            raise CommandError("Load the taxonomies first: manage.py loaddata fixtures/taxonomies.json")
        bodies = list(AccreditingBody.objects.order_by("slug").values_list("pk", "applies_to"))

        with transaction.atomic():
            if not clear and Group.objects.filter(slug__startswith=f"synthetic-{seed}-").exists():
                raise CommandError(f"Synthetic groups with seed {seed} exist already; use --clear or another seed.")
            writer = BulkWriter(batch_size)
            with checks_and_indexes_set_aside(written_models(writer), referenced_models()):
                if clear:
                    deleted = delete_synthetic(Group.objects.filter(is_demo=True, name__startswith=NAME_PREFIX))
                    self.stdout.write(
                        f"Deleted earlier synthetic groups ({deleted} rows in all) in "
                        f"{time.monotonic() - started:.1f}s."
                    )
                generator = Generator(seed, taxonomies, costs, bodies)
                if writer.copy and "fork" in multiprocessing.get_all_start_methods():  # not on Windows
                    for prepared in generator.prepared_batches(count, batch_size, writer):
                        writer.write_prepared(prepared)
                else:
                    for batch in generator.batches(count, batch_size):
                        writer.write(batch)
            lexicon.directory_changed()  # no signal was sent for the new groups
        written = time.monotonic()
        analyse(writer)
        finished = time.monotonic()
        totals = writer.totals
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {totals['groups']} synthetic groups (seed {seed}): {totals['place']} places, "
                f"{totals['meetingtime']} meeting times, {totals['links']} taxonomy links, "
                f"{totals['accreditationclaim']} accreditation claims in {finished - started:.1f}s "
                f"(rows and search vectors {written - started:.1f}s, statistics {finished - written:.1f}s)."
            )
        )


def delete_synthetic(groups):
    """Delete the groups and every row pointing at them, one DELETE per table; returns the rows deleted.

    Not QuerySet.delete(): it loads every row and sends a signal per meeting time (each recomputing its
    group's next meeting), which took minutes for 10,000 groups. Synthetic groups are never reviewed,
    claimed or revised, so their rows are only those of the relations below; anything deeper would fail
    the foreign-key check at commit rather than be left behind. The vocabulary is told once at the end.
    """
    ids_sql, params = groups.values("pk").query.sql_with_params()
    tables = [
        (relation.related_model._meta.db_table, relation.field.column)
        for relation in Group._meta.related_objects
        if relation.related_model is not Group and not relation.many_to_many
    ]
    tables += [
        (field_.remote_field.through._meta.db_table, field_.m2m_column_name())
        for field_ in Group._meta.local_many_to_many
    ]
    quote, deleted = connection.ops.quote_name, 0
    tables.append((Group._meta.db_table, Group._meta.pk.column))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # the ids listed once; most tables emptied rather than deleted from
            cursor.execute(f"CREATE TEMPORARY TABLE synthetic_gone ON COMMIT DROP AS {ids_sql}", params)
            cursor.execute("ANALYZE synthetic_gone")  # else the planner guesses its size, and may scan it per row
            deleted = sum(delete_matching(cursor, table, column, "synthetic_gone") for table, column in tables)
            cursor.execute("DROP TABLE synthetic_gone")
        else:
            for table, column in tables:
                cursor.execute(f"DELETE FROM {quote(table)} WHERE {quote(column)} IN ({ids_sql})", params)
                deleted += max(cursor.rowcount, 0)
    lexicon.directory_changed()
    directory_version.bump()  # raw DELETEs send no signal: the search indexes must learn the groups are gone
    return deleted


def written_models(writer):
    """The tables a run writes to (or deletes from): the writer's, the search vectors' and the generated rows'."""
    return [*writer.models(), GroupFullText, Place, MeetingTime, AccreditationClaim]


def referenced_models():
    """The tables whose incoming foreign keys a load checks row by row: the groups, what their rows point at,
    and the claims (--clear deletes them; a claim's renewals, decisions and evidence point at it)."""
    return [Group, AccreditationClaim, Cost, AccreditingBody, *(TAXONOMY_BY_FIELD[name].model for name in M2M_FIELDS)]


def analyse(writer):
    """Refresh the planner's statistics for the tables written only, as autovacuum would in a steady state, so
    it sees 100,000 rows rather than none. ANALYZE samples a table: seconds, where a VACUUM reads it all."""
    if connection.vendor != "postgresql":
        return
    tables = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in writer.models())
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {tables}")


class Generator:
    def __init__(self, seed, taxonomies, costs, bodies):
        content = read_fixture("synthetic.yaml")
        self.cities = content["city_centres"]
        self.sentences = content["sentences"]
        self.times = [clock(text) for text in content["start_times"]]
        self.seed = seed
        self.rng = random.Random(seed)
        self.taxonomies = taxonomies
        self.costs = costs
        self.bodies = bodies
        self.now = timezone.now()
        self.today = timezone.localdate()
        formats = taxonomies["formats"].by_slug
        first = taxonomies["formats"].terms[:1]
        self.place_formats = [[formats[s]] for s in ("in-person", "hybrid") if s in formats] or [first]
        self.remote_formats = [
            [formats[s] for s in combo]
            for combo in (("online",), ("phone",), ("online", "phone"))
            if all(s in formats for s in combo)
        ] or [first]
        self.phone_format = formats.get("phone")
        # Instances made without the models' generic __init__ (groups.core.bulk.Blueprint): the same rows, faster.
        self.new_group, self.new_place, self.new_meeting, self.new_claim = (
            Blueprint(model).make for model in (Group, Place, MeetingTime, AccreditationClaim)
        )

    def in_order(self, count, batch_size):
        """Groups 1 to count, in batches. One loop makes every group in order, so the groups are the same however
        the batches are then written."""
        for start in range(1, count + 1, batch_size):
            yield [self.make(n) for n in range(start, min(start + batch_size, count + 1))]

    def batches(self, count, batch_size):
        """The batches, made one ahead in a thread of their own: making the next batch (Python) overlaps writing
        this one (mostly the database, which runs while the writer waits on it)."""
        ready = queue.Queue(maxsize=2)

        def produce():
            try:
                for batch in self.in_order(count, batch_size):
                    ready.put(batch)
                ready.put(None)
            except BaseException as error:  # handed to the writing thread, which raises it
                ready.put(error)

        threading.Thread(target=produce, name="generate_groups", daemon=True).start()
        while (batch := ready.get()) is not None:
            if isinstance(batch, BaseException):
                raise batch
            yield batch

    def prepared_batches(self, count, batch_size, writer):
        """PostgreSQL: the batches as COPY rows (writer.prepare_rows), made in a second process, forked from this
        one after the taxonomies were read: making the groups and their derived values is most of the Python
        work, and a thread shares one interpreter lock with the writing. The child reads nothing from the
        database (its inherited connection is never used) and sends each batch through a pipe, which holds it
        one batch ahead of the writer."""
        context = multiprocessing.get_context("fork")
        receiver, sender = context.Pipe(duplex=False)

        def produce():
            memo = {}  # next starts by meeting pattern, all computed at the moment the run started
            try:
                for batch in self.in_order(count, batch_size):
                    sender.send(writer.prepare_rows(batch, self.now, memo))
                sender.send(None)
            except BaseException as error:  # handed to the writing process, which raises it
                sender.send(error)

        child = context.Process(target=produce, name="generate_groups", daemon=True)
        child.start()
        sender.close()
        try:
            while (batch := receiver.recv()) is not None:
                if isinstance(batch, BaseException):
                    raise batch
                yield batch
        except EOFError as error:
            raise CommandError("The process making the groups stopped without finishing.") from error
        finally:
            receiver.close()
            child.join(timeout=5)
            if child.is_alive():
                child.terminate()

    def make(self, n):
        """Group number n. The order of the random choices below decides every group: keep it."""
        rng = self.rng
        tax = self.taxonomies
        status = Group.Status.PUBLISHED if rng.random() < 0.95 else rng.choice(STATUS_OTHERS)
        chosen = {
            "types": tax["types"].sample(rng, 1, 3),
            "trauma_types": tax["trauma_types"].sample(rng, 1, 3),
            "populations": tax["populations"].sample(rng, 1, 3),
            "languages": tax["languages"].sample(rng, 1, 3),
            "access_features": tax["access_features"].sample(rng, 0, 3),
        }
        cost = rng.choice(self.costs.terms)
        city = rng.choice(self.cities) if rng.random() < 0.8 else None
        if city is not None:
            formats = list(rng.choice(self.place_formats))
            if self.phone_format and rng.random() < 0.1:
                formats.append(self.phone_format)
        else:
            formats = list(rng.choice(self.remote_formats))
        chosen["formats"] = list(dict.fromkeys(formats))

        type_words = ", ".join(term.name for term in chosen["types"])
        description = " ".join(rng.sample(self.sentences, rng.randint(2, 4)))
        host_name = f"Synthetic Host {rng.randint(1, 5000):04d}" if rng.random() < 0.8 else ""
        time_zone = city["time_zone"] if city else rng.choice(self.cities)["time_zone"]
        related = [self.make_place(city)] if city is not None else []
        attendance = rng.choice(ATTENDANCES)
        group = self.new_group(
            name=f"{NAME_PREFIX} {n:06d} — {type_words}",
            slug=f"synthetic-{self.seed}-{n}",
            summary=f"Synthetic benchmark listing {n}: support for survivors, {type_words.lower()}.",
            description=description,
            host_name=host_name,
            host_website=f"https://example.org/synthetic/host-{n}" if host_name else "",
            cost=cost,
            facilitation=rng.choice(FACILITATIONS),
            attendance=attendance,
            registration_details="A short call before the first session." if attendance == "registration" else "",
            capacity=rng.choice(CAPACITIES),
            contact_email=f"group{n}@example.org",
            time_zone=time_zone,
            status=status,
            is_demo=True,
            last_confirmed_at=self.now - datetime.timedelta(days=rng.randint(0, 425)),
        )
        related += self.make_meetings()
        claim = self.make_claim()
        return NewGroup(group, chosen, related + ([claim] if claim is not None else []))

    def make_place(self, city):
        rng = self.rng
        lat, lng = jitter(rng, city["latitude"], city["longitude"], JITTER_KM)
        return self.new_place(
            address_line1=f"{rng.randint(1, 200)} Synthetic Street",
            city=city["name"],
            region=city["region"],
            country=city["country"],
            latitude=Decimal(f"{lat:.6f}"),
            longitude=Decimal(f"{lng:.6f}"),
            address_visibility=rng.choice(VISIBILITIES),
        )

    def make_meetings(self):
        rng = self.rng
        meetings = []
        for _ in range(rng.randint(1, 2)):
            frequency = rng.choice(FREQUENCY_VALUES)
            if frequency == BY_ARRANGEMENT:
                meetings.append(self.new_meeting(frequency=frequency))
                continue
            weekday = rng.randrange(7)
            hour, minute = rng.choice(self.times)
            length = rng.choice((60, 90, 120))
            end = hour * 60 + minute + length
            meeting = self.new_meeting(
                frequency=frequency,
                weekday=weekday,
                start_time=datetime.time(hour, minute),
                end_time=datetime.time(end // 60, end % 60),
            )
            if frequency == MONTHLY:
                meeting.week_of_month = rng.choice((1, 2, 3, 4, -1))
            elif frequency == EVERY_N_WEEKS:
                meeting.interval_weeks = rng.randint(2, 4)
                meeting.starts_on = ANCHOR + datetime.timedelta(days=weekday + 7 * rng.randint(0, 10))
            meetings.append(meeting)
        return meetings

    def make_claim(self):
        rng = self.rng
        if not self.bodies or rng.random() >= 0.1:
            return None
        body_id, applies_to = rng.choice(self.bodies)
        status = rng.choices(
            CLAIM_STATUSES,
            weights=[50, 35, 15],
        )[0]
        individual = applies_to == AccreditingBody.AppliesTo.INDIVIDUAL
        claim = self.new_claim(
            body_id=body_id,
            reference=f"SYN-{rng.randint(0, 999_999):06d}",
            scope=AccreditationClaim.Scope.FACILITATOR if individual else rng.choice(CLAIM_SCOPES),
            facilitator_name="Synthetic Facilitator" if individual else "",
            status=status,
        )
        if status == AccreditationClaim.Status.VERIFIED:
            offset = rng.randint(20, 900) if rng.random() < 0.7 else -rng.randint(1, 400)
            claim.valid_until = self.today + datetime.timedelta(days=offset)
            verified_on = claim.valid_until - datetime.timedelta(days=365)
            claim.verified_at = min(
                self.now, timezone.make_aware(datetime.datetime.combine(verified_on, datetime.time(12, 0)))
            )
        return claim


def jitter(rng, lat, lng, max_km):
    """A uniformly random point within max_km of (lat, lng)."""
    distance = max_km * math.sqrt(rng.random())
    bearing = rng.uniform(0, 2 * math.pi)
    new_lat = lat + distance * math.cos(bearing) / 111.32
    new_lng = lng + distance * math.sin(bearing) / (111.32 * math.cos(math.radians(lat)))
    return max(-90.0, min(90.0, new_lat)), (new_lng + 180) % 360 - 180
