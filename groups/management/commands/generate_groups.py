"""`manage.py generate_groups --count N --seed S [--clear]`: synthetic groups for benchmarks.

The same count and seed always give the same groups (names, slugs, terms, places, meetings and
claims; only timestamps and dates relative to today differ). Names start "Synthetic group" and
slugs are `synthetic-<seed>-<n>`; all are `is_demo=True`. `--clear` first deletes every earlier
synthetic group (demo groups whose name starts "Synthetic group"), whatever its seed.

Written for speed: rows are built in Python and written with bulk_create in batches (groups,
places, meeting times, each many-to-many table, claims), `search_text` is filled in Python with the
same content as `groups.core.search.build_search_text`, and the PostgreSQL tsvectors are rebuilt at
the end in id-range batches. Place.search_latitude/longitude are set with compute_search_point(),
since bulk_create does not call Place.save(). Everything runs in one transaction.
"""

import datetime
import math
import random
import time
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from groups.accreditation.models import AccreditationClaim, AccreditingBody
from groups.core.models import (
    AccessibilityFeature,
    Cost,
    Format,
    Group,
    GroupType,
    Language,
    MeetingTime,
    Place,
    Population,
    TraumaType,
)
from groups.core.search import REMOTE_FORMATS, refresh_search_vectors

NAME_PREFIX = "Synthetic group"
VECTOR_BATCH = 20_000
JITTER_KM = 30.0

# (city, region, country, latitude, longitude, IANA time zone): real city centres.
CITY_CENTRES = [
    ("London", "Greater London", "GB", 51.5074, -0.1278, "Europe/London"),
    ("Birmingham", "West Midlands", "GB", 52.4862, -1.8904, "Europe/London"),
    ("Manchester", "Greater Manchester", "GB", 53.4808, -2.2426, "Europe/London"),
    ("Leeds", "West Yorkshire", "GB", 53.8008, -1.5491, "Europe/London"),
    ("Glasgow", "Scotland", "GB", 55.8642, -4.2518, "Europe/London"),
    ("Edinburgh", "Scotland", "GB", 55.9533, -3.1883, "Europe/London"),
    ("Liverpool", "Merseyside", "GB", 53.4084, -2.9916, "Europe/London"),
    ("Bristol", "South West England", "GB", 51.4545, -2.5879, "Europe/London"),
    ("Cardiff", "Wales", "GB", 51.4816, -3.1791, "Europe/London"),
    ("Belfast", "Northern Ireland", "GB", 54.5973, -5.9301, "Europe/London"),
    ("Newcastle upon Tyne", "Tyne and Wear", "GB", 54.9783, -1.6178, "Europe/London"),
    ("Sheffield", "South Yorkshire", "GB", 53.3811, -1.4701, "Europe/London"),
    ("Nottingham", "Nottinghamshire", "GB", 52.9548, -1.1581, "Europe/London"),
    ("Dublin", "County Dublin", "IE", 53.3498, -6.2603, "Europe/Dublin"),
    ("Cork", "County Cork", "IE", 51.8985, -8.4756, "Europe/Dublin"),
    ("New York", "New York", "US", 40.7128, -74.0060, "America/New_York"),
    ("Los Angeles", "California", "US", 34.0522, -118.2437, "America/Los_Angeles"),
    ("Chicago", "Illinois", "US", 41.8781, -87.6298, "America/Chicago"),
    ("Houston", "Texas", "US", 29.7604, -95.3698, "America/Chicago"),
    ("Phoenix", "Arizona", "US", 33.4484, -112.0740, "America/Phoenix"),
    ("Philadelphia", "Pennsylvania", "US", 39.9526, -75.1652, "America/New_York"),
    ("San Francisco", "California", "US", 37.7749, -122.4194, "America/Los_Angeles"),
    ("Seattle", "Washington", "US", 47.6062, -122.3321, "America/Los_Angeles"),
    ("Denver", "Colorado", "US", 39.7392, -104.9903, "America/Denver"),
    ("Atlanta", "Georgia", "US", 33.7490, -84.3880, "America/New_York"),
    ("Boston", "Massachusetts", "US", 42.3601, -71.0589, "America/New_York"),
    ("Miami", "Florida", "US", 25.7617, -80.1918, "America/New_York"),
    ("Washington", "District of Columbia", "US", 38.9072, -77.0369, "America/New_York"),
    ("Toronto", "Ontario", "CA", 43.6532, -79.3832, "America/Toronto"),
    ("Montreal", "Quebec", "CA", 45.5017, -73.5673, "America/Toronto"),
    ("Vancouver", "British Columbia", "CA", 49.2827, -123.1207, "America/Vancouver"),
    ("Calgary", "Alberta", "CA", 51.0447, -114.0719, "America/Edmonton"),
    ("Ottawa", "Ontario", "CA", 45.4215, -75.6972, "America/Toronto"),
    ("Sydney", "New South Wales", "AU", -33.8688, 151.2093, "Australia/Sydney"),
    ("Melbourne", "Victoria", "AU", -37.8136, 144.9631, "Australia/Melbourne"),
    ("Brisbane", "Queensland", "AU", -27.4698, 153.0251, "Australia/Brisbane"),
    ("Perth", "Western Australia", "AU", -31.9505, 115.8605, "Australia/Perth"),
    ("Adelaide", "South Australia", "AU", -34.9285, 138.6007, "Australia/Adelaide"),
    ("Auckland", "Auckland", "NZ", -36.8485, 174.7633, "Pacific/Auckland"),
    ("Wellington", "Wellington", "NZ", -41.2866, 174.7756, "Pacific/Auckland"),
    ("Berlin", "Berlin", "DE", 52.5200, 13.4050, "Europe/Berlin"),
    ("Hamburg", "Hamburg", "DE", 53.5511, 9.9937, "Europe/Berlin"),
    ("Munich", "Bavaria", "DE", 48.1351, 11.5820, "Europe/Berlin"),
    ("Amsterdam", "North Holland", "NL", 52.3676, 4.9041, "Europe/Amsterdam"),
    ("Rotterdam", "South Holland", "NL", 51.9244, 4.4777, "Europe/Amsterdam"),
    ("Paris", "Île-de-France", "FR", 48.8566, 2.3522, "Europe/Paris"),
    ("Madrid", "Community of Madrid", "ES", 40.4168, -3.7038, "Europe/Madrid"),
    ("Johannesburg", "Gauteng", "ZA", -26.2041, 28.0473, "Africa/Johannesburg"),
    ("Cape Town", "Western Cape", "ZA", -33.9249, 18.4241, "Africa/Johannesburg"),
    ("Mumbai", "Maharashtra", "IN", 19.0760, 72.8777, "Asia/Kolkata"),
    ("Delhi", "Delhi", "IN", 28.6139, 77.2090, "Asia/Kolkata"),
    ("Nairobi", "Nairobi County", "KE", -1.2921, 36.8219, "Africa/Nairobi"),
    ("Singapore", "Singapore", "SG", 1.3521, 103.8198, "Asia/Singapore"),
]

SENTENCES = [
    "A small, confidential group that meets regularly.",
    "Newcomers are welcome at any point and can simply listen.",
    "Sessions combine peer support with practical information.",
    "Facilitators are trained in trauma-informed practice.",
    "We talk about coping, sleep, anxiety and rebuilding trust.",
    "There is time for a hot drink and a chat before each session.",
    "Members share resources about housing, money and legal rights.",
    "Quiet participation is always fine; nobody is asked to speak.",
    "The group follows a twelve-week programme with a break in summer.",
    "We can help you find one-to-one counselling if you want it.",
    "Grounding exercises and creative activities are part of most sessions.",
    "A volunteer advocate can explain court and police processes.",
    "The group is run by survivors, for survivors.",
    "We keep numbers small so everyone has space.",
    "Partners and family members have their own separate session.",
    "Our volunteers have all completed safeguarding training.",
]
TIMES = [(9, 30), (10, 0), (11, 0), (13, 0), (14, 0), (15, 30), (17, 0), (18, 0), (18, 30), (19, 0), (19, 30)]
STATUS_OTHERS = [Group.Status.PAUSED, Group.Status.DRAFT, Group.Status.PENDING, Group.Status.CLOSED]
ANCHOR = datetime.date(2026, 1, 5)  # a Monday

# The many-to-many fields and the search_text order of build_search_text().
M2M = [
    ("types", GroupType),
    ("trauma_types", TraumaType),
    ("populations", Population),
    ("formats", Format),
    ("languages", Language),
    ("access_features", AccessibilityFeature),
]


class Terms:
    """A taxonomy held in memory: ids and names, chosen by slug order, listed in the model's order."""

    def __init__(self, model):
        ordered = list(model.objects.all())  # the model's own ordering, as prefetching gives it
        self.rank = {term.pk: position for position, term in enumerate(ordered)}
        self.name = {term.pk: term.name for term in ordered}
        self.slug = {term.pk: term.slug for term in ordered}
        self.ids = sorted(self.rank, key=lambda pk: self.slug[pk])
        self.by_slug = {term.slug: term.pk for term in ordered}

    def sample(self, rng, low, high):
        count = min(len(self.ids), rng.randint(low, high))
        return sorted(rng.sample(self.ids, count), key=self.rank.__getitem__)

    def names(self, ids):
        return [self.name[pk] for pk in ids]


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
        taxonomies = {name: Terms(model) for name, model in M2M}
        costs = Terms(Cost)
        if not all(taxonomies[name].ids for name in ("types", "formats", "languages")) or not costs.ids:
            raise CommandError("Load the taxonomies first: manage.py loaddata fixtures/taxonomies.json")
        bodies = list(AccreditingBody.objects.order_by("slug").values_list("pk", "applies_to"))

        with transaction.atomic():
            if clear:
                deleted, _ = Group.objects.filter(is_demo=True, name__startswith=NAME_PREFIX).delete()
                self.stdout.write(
                    f"Deleted earlier synthetic groups ({deleted} rows in all) in {time.monotonic() - started:.1f}s."
                )
            elif Group.objects.filter(slug__startswith=f"synthetic-{seed}-").exists():
                raise CommandError(f"Synthetic groups with seed {seed} exist already; use --clear or another seed.")
            generator = Generator(seed, taxonomies, costs, bodies)
            totals = {"groups": 0, "places": 0, "meetings": 0, "links": 0, "claims": 0}
            first_id = last_id = None
            for start in range(1, count + 1, batch_size):
                numbers = range(start, min(start + batch_size, count + 1))
                batch_totals, ids = generator.write_batch(numbers, batch_size)
                for key, value in batch_totals.items():
                    totals[key] += value
                if ids:
                    first_id = ids[0] if first_id is None else min(first_id, ids[0])
                    last_id = ids[-1] if last_id is None else max(last_id, ids[-1])
            written = time.monotonic()
            if first_id is not None:
                for low in range(first_id, last_id + 1, VECTOR_BATCH):
                    refresh_search_vectors(
                        Group.objects.filter(pk__gte=low, pk__lt=low + VECTOR_BATCH, slug__startswith="synthetic-")
                    )
        # As autovacuum would in a steady state: reclaim the rows the search-vector update replaced
        # and refresh the statistics, so the planner sees 100,000 rows rather than none.
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # VACUUM cannot run inside a transaction (as in tests); ANALYZE alone can.
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
        finished = time.monotonic()
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {totals['groups']} synthetic groups (seed {seed}): {totals['places']} places, "
                f"{totals['meetings']} meeting times, {totals['links']} taxonomy links, {totals['claims']} "
                f"accreditation claims in {finished - started:.1f}s "
                f"(rows {written - started:.1f}s, search vectors {finished - written:.1f}s)."
            )
        )


class Generator:
    def __init__(self, seed, taxonomies, costs, bodies):
        self.seed = seed
        self.rng = random.Random(seed)
        self.taxonomies = taxonomies
        self.costs = costs
        self.bodies = bodies
        self.now = timezone.now()
        self.today = timezone.localdate()
        formats = taxonomies["formats"].by_slug
        self.place_formats = [[formats[s]] for s in ("in-person", "hybrid") if s in formats] or [
            taxonomies["formats"].ids[:1]
        ]
        self.remote_formats = [
            [formats[s] for s in combo if s in formats]
            for combo in (("online",), ("phone",), ("online", "phone"))
            if all(s in formats for s in combo)
        ] or [taxonomies["formats"].ids[:1]]
        self.phone_format = formats.get("phone")
        self.m2m = []
        for name, _model in M2M:
            field = Group._meta.get_field(name)
            source, target = f"{field.m2m_field_name()}_id", f"{field.m2m_reverse_field_name()}_id"
            self.m2m.append((name, field.remote_field.through, source, target))

    def write_batch(self, numbers, batch_size):
        groups, places, meetings, links, claims = [], [], [], [], []
        for n in numbers:
            group, place, group_meetings, group_links, claim = self.make(n)
            groups.append(group)
            places.append(place)
            meetings.append(group_meetings)
            links.append(group_links)
            claims.append(claim)
        # PostgreSQL takes at most 65,535 parameters a statement; stay under it however wide Group grows.
        group_batch = max(1, min(batch_size, 60_000 // len(Group._meta.concrete_fields)))
        Group.objects.bulk_create(groups, batch_size=group_batch)
        place_rows, meeting_rows, claim_rows = [], [], []
        through_rows = {name: [] for name, *_ in self.m2m}
        for group, place, group_meetings, group_links, claim in zip(
            groups, places, meetings, links, claims, strict=True
        ):
            if place is not None:
                place.group_id = group.pk
                place_rows.append(place)
            for meeting in group_meetings:
                meeting.group_id = group.pk
                meeting_rows.append(meeting)
            if claim is not None:
                claim.group_id = group.pk
                claim_rows.append(claim)
            for name, through, source, target in self.m2m:
                rows = through_rows[name]
                for term_id in group_links[name]:
                    rows.append(through(**{source: group.pk, target: term_id}))
        Place.objects.bulk_create(place_rows, batch_size=batch_size)
        MeetingTime.objects.bulk_create(meeting_rows, batch_size=batch_size)
        AccreditationClaim.objects.bulk_create(claim_rows, batch_size=batch_size)
        link_count = 0
        for name, through, _source, _target in self.m2m:
            through.objects.bulk_create(through_rows[name], batch_size=batch_size)
            link_count += len(through_rows[name])
        totals = {
            "groups": len(groups),
            "places": len(place_rows),
            "meetings": len(meeting_rows),
            "links": link_count,
            "claims": len(claim_rows),
        }
        return totals, [group.pk for group in groups]

    def make(self, n):
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
        cost_id = rng.choice(self.costs.ids)
        city = rng.choice(CITY_CENTRES) if rng.random() < 0.8 else None
        if city is not None:
            formats = list(rng.choice(self.place_formats))
            if self.phone_format and rng.random() < 0.1:
                formats.append(self.phone_format)
        else:
            formats = list(rng.choice(self.remote_formats))
        chosen["formats"] = sorted(set(formats), key=tax["formats"].rank.__getitem__)

        type_words = ", ".join(tax["types"].names(chosen["types"]))
        name = f"{NAME_PREFIX} {n:06d} — {type_words}"
        description = " ".join(rng.sample(SENTENCES, rng.randint(2, 4)))
        host_name = f"Synthetic Host {rng.randint(1, 5000):04d}" if rng.random() < 0.8 else ""
        time_zone = city[5] if city else rng.choice(CITY_CENTRES)[5]

        place = None
        if city is not None:
            lat, lng = jitter(rng, city[3], city[4], JITTER_KM)
            place = Place(
                address_line1=f"{rng.randint(1, 200)} Synthetic Street",
                city=city[0],
                region=city[1],
                country=city[2],
                latitude=Decimal(f"{lat:.6f}"),
                longitude=Decimal(f"{lng:.6f}"),
                address_visibility=rng.choice(
                    [Place.Visibility.PUBLIC, Place.Visibility.PUBLIC, Place.Visibility.AREA_ONLY,
                     Place.Visibility.ON_REQUEST]
                ),
            )
            place.search_latitude, place.search_longitude = place.compute_search_point()

        parts = [description, host_name]
        for relation, _model in M2M:
            parts.extend(tax[relation].names(chosen[relation]))
        parts.append(self.costs.name[cost_id])
        if place is not None and place.public_area():  # as build_search_text: no town given only on request
            parts.extend([place.city, place.region])

        attendance = rng.choice([Group.Attendance.DROP_IN, Group.Attendance.REGISTRATION])
        group = Group(
            name=name,
            slug=f"synthetic-{self.seed}-{n}",
            summary=f"Synthetic benchmark listing {n}: support for survivors, {type_words.lower()}.",
            description=description,
            host_name=host_name,
            host_website=f"https://example.org/synthetic/host-{n}" if host_name else "",
            cost_id=cost_id,
            facilitation=rng.choice(Group.Facilitation.values),
            attendance=attendance,
            registration_details="A short call before the first session." if attendance == "registration" else "",
            capacity=rng.choice(Group.Capacity.values),
            contact_email=f"group{n}@example.org",
            time_zone=time_zone,
            status=status,
            is_demo=True,
            last_confirmed_at=self.now - datetime.timedelta(days=rng.randint(0, 425)),
            search_text=" ".join(part for part in parts if part),
            meets_remotely=any(tax["formats"].slug[pk] in REMOTE_FORMATS for pk in chosen["formats"]),
        )
        return group, place, self.make_meetings(), chosen, self.make_claim()

    def make_meetings(self):
        rng = self.rng
        meetings = []
        for _ in range(rng.randint(1, 2)):
            frequency = rng.choice(MeetingTime.Frequency.values)
            if frequency == MeetingTime.Frequency.BY_ARRANGEMENT:
                meetings.append(MeetingTime(frequency=frequency))
                continue
            weekday = rng.randrange(7)
            hour, minute = rng.choice(TIMES)
            length = rng.choice((60, 90, 120))
            end = hour * 60 + minute + length
            meeting = MeetingTime(
                frequency=frequency,
                weekday=weekday,
                start_time=datetime.time(hour, minute),
                end_time=datetime.time(end // 60, end % 60),
            )
            if frequency == MeetingTime.Frequency.MONTHLY:
                meeting.week_of_month = rng.choice((1, 2, 3, 4, -1))
            elif frequency == MeetingTime.Frequency.EVERY_N_WEEKS:
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
            [AccreditationClaim.Status.VERIFIED, AccreditationClaim.Status.CLAIMED, AccreditationClaim.Status.REJECTED],
            weights=[50, 35, 15],
        )[0]
        individual = applies_to == AccreditingBody.AppliesTo.INDIVIDUAL
        claim = AccreditationClaim(
            body_id=body_id,
            reference=f"SYN-{rng.randint(0, 999_999):06d}",
            scope=AccreditationClaim.Scope.FACILITATOR if individual else rng.choice(
                [AccreditationClaim.Scope.ORGANISATION, AccreditationClaim.Scope.GROUP]
            ),
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
