"""The fictional demonstration directory: groups made from the profiles, cities and details in fixtures/demo/.

Every random choice comes from one generator seeded with SEED, in a fixed order, so the same fixture files
always give the same groups (only dates relative to today differ). The content lives in the YAML files
(a non-programmer can edit them); this module only decides how it is combined. Rows are written with the
shared bulk writer (groups.core.bulk).
"""

import datetime
import math
import random
from dataclasses import dataclass
from decimal import Decimal

import yaml
from django.conf import settings
from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.text import slugify

from groups.accreditation.models import AccreditingBody
from groups.core.bulk import NewGroup
from groups.core.models import Cost, Group, MeetingTime, Place
from groups.core.vocabulary import BY_ARRANGEMENT, EVERY_N_WEEKS, M2M_FIELDS, MONTHLY, TAXONOMY_BY_FIELD, WEEKLY
from groups.management.demo_claims import ClaimPlanner

SEED = 2026
DEMO_SLUG_PREFIX = "demo-"
FIXTURES = settings.BASE_DIR / "fixtures" / "demo"
# The only domains demo data may point at (RFC 2606 / RFC 6761 reserved names).
DEMO_URL_BASE = "https://example.org/demo"
DEMO_EMAIL_DOMAIN = "example.org"
JOIN_LINK_BASE = "https://meet.example"
# A Monday, so a weekday's first meeting is ANCHOR + weekday.
ANCHOR = datetime.date(2026, 1, 5)


def read_fixture(name):
    with open(FIXTURES / name, encoding="utf-8") as file:
        return yaml.safe_load(file)


def clock(text):
    hour, minute = text.split(":")
    return int(hour), int(minute)


@dataclass(frozen=True)
class City:
    name: str
    region: str
    country: str
    latitude: float
    longitude: float
    time_zone: str
    languages: tuple  # the first is the main language
    currency: str
    fee: int
    sliding_scale: dict
    in_person_groups: int
    accrediting_bodies_work_here: bool = False


@dataclass(frozen=True)
class Profile:
    """A kind of group: its name, its terms and how it is written up (fixtures/demo/profiles.yaml)."""

    key: str
    name: str
    types: tuple
    trauma: tuple
    populations: tuple
    summary: str
    description: str
    facilitation: tuple
    ages: dict | None = None
    online_only: bool = False
    formats: tuple = ()
    access: tuple = ()
    extra_languages: tuple = ()
    never_charges: bool = False
    registration_required: bool = False
    keeps_address_private: bool = False
    after_school: bool = False


def load_content():
    cities = read_fixture("cities.yaml")
    details = read_fixture("details.yaml")
    details["start_times"] = {period: [clock(t) for t in times] for period, times in details["start_times"].items()}
    return (
        [Profile(**profile) for profile in read_fixture("profiles.yaml")],
        [City(**city) for city in cities["cities"]],
        cities["online_groups"],
        details,
    )


FICTIONAL_NOTE = read_fixture("details.yaml")["fictional_note"]


def terms_by_slug():
    """Every term of every many-to-many taxonomy, by field name and slug, in slug order."""
    return {name: {t.slug: t for t in TAXONOMY_BY_FIELD[name].model.objects.order_by("slug")} for name in M2M_FIELDS}


def pick(terms, slugs):
    return [terms[slug] for slug in slugs if slug in terms]


class DemoBuilder:
    """Plans the demo groups and returns them as NewGroups, with their places, meetings and claims."""

    def __init__(self):
        self.profiles, self.cities, self.online_groups, self.text = load_content()
        self.rng = random.Random(SEED)
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.terms = terms_by_slug()
        self.costs = {cost.slug: cost for cost in Cost.objects.order_by("slug")}
        if not self.terms["types"] or not self.costs or not self.terms["formats"] or not self.terms["languages"]:
            raise CommandError("Group types, formats, languages and costs must be loaded first.")
        self.bodies = list(AccreditingBody.objects.order_by("order", "slug"))
        self.used_names = set()

    def plan(self):
        """(profile, city or None, home city) for every group, spreading the kinds evenly.

        In-person groups cycle through the kinds city by city. Online groups take a "home" city for
        their time zone, language and currency; every third one is an online-only kind (a national
        network or a phone circle), the rest are online versions of the other kinds.
        """
        in_person_kinds = [p for p in self.profiles if not p.online_only]
        online_only_kinds = [p for p in self.profiles if p.online_only]
        online_kinds = [p for p in in_person_kinds if not p.after_school]
        slots = []
        for city in self.cities:
            for _ in range(city.in_person_groups):
                slots.append((in_person_kinds[len(slots) % len(in_person_kinds)], city, city))
        for number in range(self.online_groups):
            if number % 3 == 0:
                profile = online_only_kinds[(number // 3) % len(online_only_kinds)]
            else:
                profile = online_kinds[(number * 7) % len(online_kinds)]
            slots.append((profile, None, self.cities[(number * 5) % len(self.cities)]))
        return slots

    def statuses(self, count):
        order = list(range(count))
        self.rng.shuffle(order)
        statuses = [Group.Status.PUBLISHED] * count
        special = (
            [Group.Status.DRAFT] * 4 + [Group.Status.PENDING] * 4 + [Group.Status.CLOSED] * 4
            + [Group.Status.PAUSED] * 6
        )
        for position, status in zip(order, special, strict=False):
            statuses[position] = status
        return statuses

    def build(self):
        """The demo groups as NewGroups, and the home city of each (for the summary)."""
        plan = self.plan()
        statuses = self.statuses(len(plan))
        new_groups = [
            self.make_group(profile, city, home, status)
            for (profile, city, home), status in zip(plan, statuses, strict=True)
        ]
        self.top_up_coverage(new_groups)
        homes = [home for _, _, home in plan]
        for index, claim in self.claim_planner().claims(new_groups, homes):
            new_groups[index].related.append(claim)
        return new_groups

    def claim_planner(self):
        return ClaimPlanner(self.rng, self.bodies, self.today, self.now, self.text["facilitator_names"])

    def unique_name(self, profile):
        for _ in range(50):
            name = f"{self.rng.choice(self.text['name_prefixes'])} {profile.name}"
            if name not in self.used_names:
                break
        else:  # pragma: no cover - only with far more groups than prefixes
            name = f"{profile.name} {len(self.used_names) + 1}"
        self.used_names.add(name)
        return name

    def make_group(self, profile, city, home, status):
        """One group. The order of the random choices below decides every group: keep it.

        Long because those choices are one sequence: split across helpers, their order (and so every demo
        group) would be easy to change by accident.
        """
        rng, text = self.rng, self.text
        name = self.unique_name(profile)
        slug = DEMO_SLUG_PREFIX + slugify(name)
        prefix = name[: -len(profile.name) - 1]
        if city is None:
            ways = [("online",), ("online",), ("phone",), ("online", "phone")]
            format_slugs = list(profile.formats or rng.choice(ways))
        else:
            format_slugs = ["hybrid"] if rng.random() < 0.25 else ["in-person"]
            if rng.random() < 0.1:
                format_slugs.append("phone")
        place = self.make_place(city, profile) if city is not None else None
        terms = self.make_terms(profile, city, home, format_slugs)
        cost, cost_details = self.make_cost(profile, home)

        attendance = rng.choice([Group.Attendance.DROP_IN, Group.Attendance.REGISTRATION])
        if profile.registration_required:
            attendance = Group.Attendance.REGISTRATION
        capacity = rng.choices(
            [Group.Capacity.OPEN, Group.Capacity.WAITING_LIST, Group.Capacity.FULL], weights=[70, 20, 10]
        )[0]
        if attendance == Group.Attendance.DROP_IN:
            capacity = Group.Capacity.OPEN if capacity == Group.Capacity.FULL else capacity

        host_name = "" if rng.random() < 0.12 else f"{prefix} {rng.choice(text['host_suffixes'])}"
        host_website = f"{DEMO_URL_BASE}/{slugify(host_name)}" if host_name and rng.random() < 0.85 else ""
        contact_email = f"{slugify(prefix)}.{profile.key}@{DEMO_EMAIL_DOMAIN}" if rng.random() < 0.85 else ""
        contact_url = ""
        if not contact_email or rng.random() < 0.4:
            if rng.random() < 0.5:
                contact_url = f"https://{slugify(prefix)}.example/contact"
            else:
                contact_url = f"{DEMO_URL_BASE}/{slug}/contact"
        online = bool({"online", "hybrid"} & set(format_slugs))
        join_link = f"{JOIN_LINK_BASE}/{self.token()}" if online and rng.random() < 0.6 else ""

        # Description: the profile, how and where, then the fictional note.
        sentences = [profile.description]
        if city is None:
            sentences.append(rng.choice(text["phone_notes"] if format_slugs == ["phone"] else text["online_notes"]))
        else:
            sentences.append(text["in_person_notes"][place.address_visibility].format(city=city.name))
            if "hybrid" in format_slugs:
                sentences.append(text["hybrid_note"])
        ages = profile.ages or {}
        group = Group(
            name=name,
            slug=slug,
            summary=profile.summary,
            description=" ".join(sentences) + "\n\n" + FICTIONAL_NOTE,
            host_name=host_name,
            host_website=host_website,
            cost=cost,
            cost_details=cost_details,
            facilitation=rng.choice(profile.facilitation),
            attendance=attendance,
            registration_details=(
                rng.choice(text["registration_details"]) if attendance == Group.Attendance.REGISTRATION else ""
            ),
            capacity=capacity,
            age_min=ages.get("min"),
            age_max=ages.get("max"),
            contact_email=contact_email,
            contact_url=contact_url,
            join_link=join_link,
            # "Contact this group" where joining starts with getting in touch (as Group.joins_after_contact).
            accepts_messages=attendance == "registration" or getattr(place, "address_visibility", "") != "public",
            time_zone=home.time_zone,
            status=status,
            is_demo=True,
            last_confirmed_at=self.now - datetime.timedelta(days=rng.randint(0, 425), hours=rng.randint(0, 23)),
        )
        related = ([place] if place is not None else []) + self.make_meetings(profile)
        return NewGroup(group, terms, related)

    def make_terms(self, profile, city, home, format_slugs):
        rng = self.rng
        type_slugs = list(profile.types)
        if city is None and "national-international" not in type_slugs and rng.random() < 0.4:
            type_slugs.append("national-international")
        languages = [home.languages[0]]
        if rng.random() < 0.35:
            languages.append(rng.choice(home.languages[1:]))
        if profile.extra_languages and rng.random() < 0.8:
            languages.append(rng.choice(profile.extra_languages))
        access = set(profile.access)
        pool = self.text["access_in_person"] if city is not None else self.text["access_online"]
        access.update(rng.sample(pool, rng.randint(0, 3 if city is not None else 1)))
        if city is not None and "wheelchair" in access:
            access.add("step-free")
        terms = {
            "types": pick(self.terms["types"], type_slugs),
            "trauma_types": pick(self.terms["trauma_types"], profile.trauma),
            "populations": pick(self.terms["populations"], profile.populations),
            "formats": pick(self.terms["formats"], format_slugs),
            "languages": pick(self.terms["languages"], dict.fromkeys(languages))
            or pick(self.terms["languages"], ("en",))
            or list(self.terms["languages"].values())[:1],
            "access_features": pick(self.terms["access_features"], sorted(access)),
        }
        if not terms["types"]:
            terms["types"] = [rng.choice(list(self.terms["types"].values()))]
        return terms

    def make_cost(self, profile, home):
        rng = self.rng
        cost_slug = rng.choices(["free", "donation", "sliding-scale", "fee"], weights=[55, 15, 15, 15])[0]
        if profile.never_charges and cost_slug == "fee":
            cost_slug = "free"
        cost = self.costs.get(cost_slug) or next(iter(self.costs.values()))
        details = ""
        if cost.slug == "fee":
            details = f"{home.currency}{home.fee} a session; ask us about free places."
        elif cost.slug == "sliding-scale":
            low, high = home.sliding_scale["low"], home.sliding_scale["high"]
            details = f"{home.currency}{low}–{home.currency}{high} a session, as you can afford; nobody is turned away."
        elif cost.slug == "donation" and rng.random() < 0.6:
            details = "Donations welcome, never expected."
        return cost, details

    def token(self):
        alphabet = "abcdefghijkmnpqrstuvwxyz23456789"
        return "-".join("".join(self.rng.choice(alphabet) for _ in range(4)) for _ in range(3))

    def make_place(self, city, profile):
        rng = self.rng
        # A uniform point within 3 km of the centre.
        distance = 3.0 * math.sqrt(rng.random())
        bearing = rng.uniform(0, 2 * math.pi)
        lat = city.latitude + distance * math.cos(bearing) / 111.32
        lng = city.longitude + distance * math.sin(bearing) / (111.32 * math.cos(math.radians(city.latitude)))
        # Safety first: refuge-like groups rarely publish a street.
        weights = [15, 35, 50] if profile.keeps_address_private else [50, 30, 20]
        visibility = rng.choices(
            [Place.Visibility.PUBLIC, Place.Visibility.AREA_ONLY, Place.Visibility.ON_REQUEST], weights=weights
        )[0]
        return Place(
            address_line1=rng.choice(self.text["venues"]),
            address_line2=f"{rng.randint(1, 99)} {rng.choice(self.text['streets'])}",
            city=city.name,
            region=city.region,
            country=city.country,
            latitude=round_coordinate(lat),
            longitude=round_coordinate(lng),
            address_visibility=visibility,
        )

    def make_meetings(self, profile):
        rng = self.rng
        frequency = rng.choices([WEEKLY, EVERY_N_WEEKS, MONTHLY, BY_ARRANGEMENT], weights=[45, 17, 28, 10])[0]
        if frequency == BY_ARRANGEMENT:
            return [MeetingTime(frequency=frequency)]
        count = 2 if rng.random() < 0.2 else 1
        weekdays = rng.sample(range(5) if profile.after_school else range(7), count)
        starts = self.text["start_times"]
        periods = [starts["after_school"]] if profile.after_school else [
            starts["morning"], starts["afternoon"], starts["evening"]
        ]
        meetings = []
        week_of_month = rng.choice([1, 2, 3, 4, -1])
        interval = rng.choice([2, 2, 3, 4])
        for weekday in sorted(weekdays):
            hour, minute = rng.choice(rng.choice(periods))
            end_minutes = hour * 60 + minute + rng.choice([60, 90, 90, 120])
            meeting = MeetingTime(
                frequency=frequency,
                weekday=weekday,
                start_time=datetime.time(hour, minute),
                end_time=datetime.time(end_minutes // 60, end_minutes % 60),
            )
            if frequency == MONTHLY:
                meeting.week_of_month = week_of_month
                week_of_month = -1 if week_of_month != -1 else 2  # a second monthly meeting in another week
            elif frequency == EVERY_N_WEEKS:
                meeting.interval_weeks = interval
                meeting.starts_on = ANCHOR + datetime.timedelta(days=weekday + 7 * rng.randint(0, 8))
            meetings.append(meeting)
        return meetings

    def top_up_coverage(self, new_groups, minimum=3):
        """Make sure every term of every taxonomy (including any beyond the profiles) is on several
        published groups. Terms added here go to general-purpose groups so listings stay coherent."""
        rng = self.rng
        published = [new for new in new_groups if new.group.status == Group.Status.PUBLISHED]
        general = [new for new in published if not new.terms["populations"]] or published
        in_person = [new for new in published if new.place is not None]
        for name in M2M_FIELDS:
            if name in ("formats", "languages"):
                continue  # formats follow from how each group meets; languages from where it is
            candidates = {"populations": general, "trauma_types": general, "access_features": in_person}.get(
                name, published
            )
            for term in self.terms[name].values():
                used = sum(term in new.terms[name] for new in published)
                if used >= minimum:
                    continue
                for new in rng.sample(candidates, min(len(candidates), minimum - used + 2)):
                    if term not in new.terms[name]:
                        new.terms[name].append(term)
        for cost in self.costs.values():
            used = sum(new.group.cost_id == cost.pk for new in published)
            for new in rng.sample(published, max(0, minimum - used)):
                new.group.cost = cost
                new.group.cost_details = "Ask us about the cost; nobody is turned away." if cost.slug != "free" else ""


def round_coordinate(value):
    return Decimal(f"{value:.6f}")
