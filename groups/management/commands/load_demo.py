"""`manage.py load_demo`: taxonomies, accrediting bodies and a fictional demonstration directory.

What it does, in order:

1. Loads `fixtures/taxonomies.json` and `fixtures/accrediting_bodies.json` when their tables are
   empty (an admin's later edits are never overwritten).
2. Adds two real national services named in our seed research, with name, a one-line summary in
   our own words and their public website only (no address, phone, meeting times or
   accreditation): RAINN and the National Centre for Domestic Violence. They are created with
   get_or_create by slug, so an admin's later edits are kept.
3. Creates about 140 fictional demonstration groups (`is_demo=True`, slugs starting `demo-`),
   deterministically from `random.Random(2026)`. Every description ends with FICTIONAL_NOTE; hosts,
   streets and people are invented; web addresses use only example.org and the reserved
   `.example` top-level domain; e-mail addresses are on example.org; no phone numbers at all.
   Coordinates are real city centres jittered by up to 3 km, so distance search is realistic.

Idempotent: when demo groups already exist the command leaves them alone and says so; `--reset`
deletes the demo groups (only those: `is_demo=True` and a `demo-` slug) and creates them again.
Dates that must stay meaningful (accreditation validity, last confirmed) are relative to the day
the command runs.
"""

import datetime
import math
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

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
from groups.core.search import refresh_search_fields

SEED = 2026
DEMO_SLUG_PREFIX = "demo-"
FICTIONAL_NOTE = (
    "This is a fictional demonstration listing: the group, its host, its address and its contact "
    "details are invented."
)
# The only domains demo data may point at (RFC 2606 / RFC 6761 reserved names).
DEMO_URL_BASE = "https://example.org/demo"
DEMO_EMAIL_DOMAIN = "example.org"
JOIN_LINK_BASE = "https://meet.example"

TAXONOMY_FIXTURE = "taxonomies.json"
BODIES_FIXTURE = "accrediting_bodies.json"


@dataclass(frozen=True)
class City:
    name: str
    region: str
    country: str
    lat: float
    lng: float
    tz: str
    languages: tuple  # ISO 639-1; the first is the main language, the rest are sometimes offered too
    currency: str
    fee: int
    sliding: tuple
    in_person: int  # how many in-person demo groups meet here


# Real city-centre coordinates and IANA time zones.
CITIES = [
    City("London", "Greater London", "GB", 51.507351, -0.127758, "Europe/London",
         ("en", "pl", "ur", "bn", "so", "ar", "pa", "gu", "ta", "hi", "pt", "ro"), "£", 10, (3, 15), 10),
    City("Manchester", "Greater Manchester", "GB", 53.480759, -2.242631, "Europe/London",
         ("en", "ur", "pl", "ar", "ku", "fa"), "£", 8, (3, 12), 7),
    City("Glasgow", "Scotland", "GB", 55.864237, -4.251806, "Europe/London",
         ("en", "pl", "ar"), "£", 8, (3, 12), 6),
    City("Cardiff", "Wales", "GB", 51.481581, -3.179090, "Europe/London",
         ("en", "cy", "ar"), "£", 8, (3, 12), 6),
    City("Bristol", "South West England", "GB", 51.454513, -2.587910, "Europe/London",
         ("en", "so", "pl"), "£", 8, (3, 12), 5),
    City("Belfast", "Northern Ireland", "GB", 54.597285, -5.930120, "Europe/London",
         ("en", "pl", "pt"), "£", 8, (3, 12), 5),
    City("Dublin", "County Dublin", "IE", 53.349805, -6.260310, "Europe/Dublin",
         ("en", "pl", "pt", "ro"), "€", 12, (5, 20), 6),
    City("New York", "New York", "US", 40.712776, -74.005974, "America/New_York",
         ("en", "es", "zh", "ru"), "$", 20, (5, 40), 7),
    City("Chicago", "Illinois", "US", 41.878114, -87.629798, "America/Chicago",
         ("en", "es", "pl"), "$", 20, (5, 35), 6),
    City("Los Angeles", "California", "US", 34.052234, -118.243685, "America/Los_Angeles",
         ("en", "es", "tl", "vi"), "$", 25, (5, 40), 6),
    City("Toronto", "Ontario", "CA", 43.653226, -79.383184, "America/Toronto",
         ("en", "fr", "zh", "pa", "ta"), "C$", 20, (5, 35), 6),
    City("Vancouver", "British Columbia", "CA", 49.282729, -123.120738, "America/Vancouver",
         ("en", "zh", "pa", "fr", "tl"), "C$", 20, (5, 35), 5),
    City("Sydney", "New South Wales", "AU", -33.868820, 151.209296, "Australia/Sydney",
         ("en", "zh", "ar", "vi", "hi"), "A$", 20, (5, 35), 6),
    City("Melbourne", "Victoria", "AU", -37.813628, 144.963058, "Australia/Melbourne",
         ("en", "vi", "it", "zh"), "A$", 20, (5, 35), 5),
    City("Auckland", "Auckland", "NZ", -36.848460, 174.763332, "Pacific/Auckland",
         ("en", "hi", "zh"), "NZ$", 20, (5, 30), 5),
    City("Berlin", "Berlin", "DE", 52.520008, 13.404954, "Europe/Berlin",
         ("de", "en", "tr", "ar", "uk", "ku"), "€", 12, (5, 20), 5),
    City("Amsterdam", "North Holland", "NL", 52.367573, 4.904139, "Europe/Amsterdam",
         ("nl", "en", "ar", "tr"), "€", 12, (5, 20), 5),
]
ONLINE_GROUPS = 38
# Where the accrediting bodies in fixtures/accrediting_bodies.json work (England, Wales, Scotland, US).
CLAIM_CITIES = {"London", "Manchester", "Glasgow", "Cardiff", "Bristol", "New York", "Chicago", "Los Angeles"}

# Invented first words for names and hosts. Combined with the kind of group they read like a
# real listing without copying one.
NAME_PREFIXES = [
    "Riverside", "Willow", "Lantern", "Harbour Light", "Oakfield", "Bramble", "Meadowbank", "Kestrel",
    "Cedar", "Juniper", "Larkspur", "Silver Birch", "Tidewater", "Hollybank", "Foxglove", "Heron",
    "Marigold", "Stillwater", "Thistle", "Rowan", "Hazelwood", "Beacon", "Sparrow", "Clearwater",
    "Fernhill", "Wren", "Aspen", "Bluebell", "Lighthouse", "Evergreen", "Moorland", "Poppy",
    "Primrose", "Saltmarsh", "Starling", "Larch", "Orchard", "Greenway", "Brookside", "Calm Harbour",
    "Morning Star", "Open Door", "Safe Passage", "Northgate", "Southbank", "Eastbrook", "Westmere",
    "Linden", "Hawthorn", "Quiet Waters", "Little Acorn", "Kingfisher", "Maple", "Sunflower",
    "Dovecote", "Copper Beech", "Heather", "Skylark", "Ivybridge", "Bridgewater", "Seaglass",
]
HOST_SUFFIXES = [
    "Community Trust", "Survivors' Network", "Wellbeing Collective", "Support Project",
    "Community Foundation", "Women's Project", "Neighbourhood Trust", "Recovery Service",
]
VENUES = [
    "Demo Community Hall", "Example Neighbourhood Centre", "Sample Library, Room 2",
    "Placeholder Wellbeing Centre", "Demo Family Centre", "Example Arts Centre, Studio 3",
]
STREETS = ["Example Lane", "Sample Street", "Placeholder Road", "Demo Avenue", "Fictional Way", "Specimen Row"]
FACILITATOR_NAMES = ["Sam Example", "Alex Placeholder", "Jordan Sample", "Robin Demo"]

REGISTRATION_DETAILS = [
    "A short, confidential phone call with a facilitator before your first session, to talk about "
    "what you hope for and check the group suits you.",
    "Fill in a short form on our contact page; we reply within a week to arrange a friendly chat.",
    "Meet one of the facilitators once, in person or by video, before you join. You can bring someone "
    "with you.",
    "Send us an e-mail with a first name and a safe way to reach you; we will call back at a time you "
    "choose.",
]
ONLINE_NOTES = [
    "Meetings are online by video; you can keep your camera off and use any name you like.",
    "We meet online; the link is sent to you privately after a short introductory chat.",
]
PHONE_NOTES = [
    "The group meets by phone conference; dial-in details are shared privately once you have joined.",
]
IN_PERSON_NOTES = {
    Place.Visibility.PUBLIC: "We meet in person in {city}, and someone will greet you at the door.",
    Place.Visibility.AREA_ONLY: "We meet in person in {city}; the exact venue is shared when you get in touch.",
    Place.Visibility.ON_REQUEST: "We meet in person at a confidential venue; we share the address after a first "
    "conversation, to keep everyone safe.",
}
HYBRID_NOTE = "You can join in the room or online; both are equally welcome."


@dataclass(frozen=True)
class Profile:
    """A kind of group: its name, its terms, and how it is written up."""

    key: str
    name: str
    types: tuple
    trauma: tuple
    populations: tuple
    summary: str
    body: str
    facilitation: tuple = (Group.Facilitation.PEER, Group.Facilitation.CO_FACILITATED)
    ages: tuple | None = None  # (min, max); max may be None
    online_only: bool = False
    access: tuple = field(default_factory=tuple)  # always offered
    extra_languages: tuple = field(default_factory=tuple)
    formats: tuple | None = None  # for online-only profiles: the formats to use


PROFILES = [
    Profile(
        "women", "Women's Circle", ("community-based",), ("sexual-violence", "domestic-abuse"), ("women",),
        "A warm, confidential circle for women who have lived through sexual violence or domestic abuse.",
        "Each meeting starts with a cup of tea and a check-in, and you can say as much or as little as you "
        "like. Members support one another with kindness and without judgement, and nobody is asked to "
        "tell their story.",
    ),
    Profile(
        "men", "Men's Peer Support Group", ("community-based", "therapeutic"), ("sexual-violence", "child-abuse"),
        ("men",),
        "A peer support group for men who were sexually abused, as children or as adults.",
        "Many men carry this alone for years. Here you can meet others who understand, at your own pace, "
        "in a group that is steady, respectful and confidential.",
    ),
    Profile(
        "lgbtq", "LGBTQ+ Survivors' Space", ("community-based",), ("domestic-abuse", "sexual-violence", "hate-crime"),
        ("lgbtq", "trans-nonbinary"),
        "A friendly space for LGBTQ+ people who have experienced abuse, violence or hate.",
        "You will be with people who get it, and you will not have to explain or defend who you are. We "
        "talk, share practical tips and look out for each other.",
    ),
    Profile(
        "trans", "Trans and Non-Binary Survivors' Group", ("therapeutic",),
        ("sexual-violence", "hate-crime", "online-abuse"), ("trans-nonbinary", "lgbtq"),
        "A gentle, facilitated group for trans and non-binary survivors of sexual violence, harassment or hate.",
        "Sessions are co-led by trained facilitators with lived experience, with time to talk and simple "
        "grounding exercises for the harder days.",
        facilitation=(Group.Facilitation.CO_FACILITATED, Group.Facilitation.PROFESSIONAL),
    ),
    Profile(
        "children", "Children's Group", ("therapeutic",), ("child-abuse", "domestic-abuse"),
        ("children", "parents-carers"),
        "Play-based sessions for children aged 7 to 11 who have lived with domestic abuse or been harmed.",
        "Children meet with two trained practitioners to play, draw and talk about feelings in a safe, "
        "predictable way. A parent or carer meets the team first, and a session for grown-ups runs at the "
        "same time next door.",
        facilitation=(Group.Facilitation.PROFESSIONAL,), ages=(7, 11),
    ),
    Profile(
        "young-people", "Young People's Group", ("therapeutic", "educational"),
        ("child-abuse", "sexual-violence", "online-abuse"), ("young-people",),
        "A relaxed group for young people who have experienced abuse, including abuse online.",
        "We talk about feelings, friendships, staying safe online and getting through the tough days. "
        "Youth workers run each session and you never have to share anything you do not want to.",
        facilitation=(Group.Facilitation.PROFESSIONAL, Group.Facilitation.CO_FACILITATED), ages=(13, 18),
    ),
    Profile(
        "parents", "Parents and Carers Group", ("educational", "community-based"), ("child-abuse", "sexual-violence"),
        ("parents-carers",),
        "Support for parents and carers whose child has been abused, as you find your way through what "
        "comes next.",
        "We share what helps, learn how children recover, and make room for your own feelings too. Many "
        "parents say the biggest relief is meeting others who truly understand.",
        access=("childcare",),
    ),
    Profile(
        "older", "Over-60s Survivors' Group", ("community-based",), ("domestic-abuse", "violent-crime"),
        ("older-people",),
        "A friendly group for people over 60 affected by abuse, including abuse by a partner or a family member.",
        "It is never too late to get support. Meetings are unhurried, with tea and time to talk, and we can "
        "help you think about next steps if and when you want to.",
        ages=(60, None),
    ),
    Profile(
        "refugees", "New Neighbours Support Circle", ("community-based",),
        ("war-and-displacement", "trafficking", "sexual-violence"), ("refugees",),
        "A welcoming group for refugees and people seeking asylum who have lived through war, violence or "
        "exploitation.",
        "Interpreters can join us, and there is no need to talk about the past unless you want to. We share "
        "food, practical help and company, and we can point you to legal and health services.",
        access=("interpreters",), extra_languages=("ar", "fa", "uk", "so", "ti", "ps", "ku", "sw"),
    ),
    Profile(
        "trafficking", "Trafficking Survivors' Advocacy Group", ("legal-advocacy",), ("trafficking",),
        ("refugees", "women"),
        "Advocacy and peer support for survivors of trafficking and modern slavery, including help with "
        "legal processes.",
        "An advocate explains your rights in plain words and can help with immigration, housing and "
        "compensation questions. The second half of each session is a calm space to be with others who "
        "understand.",
        facilitation=(Group.Facilitation.PROFESSIONAL,), access=("interpreters",),
        extra_languages=("ro", "vi", "es", "sw", "tl"),
    ),
    Profile(
        "first-responders", "First Responders' Peer Group", ("therapeutic", "community-based"),
        ("violent-crime", "disaster-and-accident", "burn-injury"), ("first-responders",),
        "Peer support for paramedics, firefighters, police officers and other first responders affected by "
        "what they have seen and lived through.",
        "Run by former responders alongside a trauma therapist. What is said in the room stays in the room, "
        "and nothing is reported back to employers.",
        facilitation=(Group.Facilitation.CO_FACILITATED,),
    ),
    Profile(
        "veterans", "Veterans' Circle", ("community-based", "therapeutic"),
        ("war-and-displacement", "sexual-violence", "violent-crime"), ("veterans",),
        "A steady, confidential group for veterans living with the effects of trauma, including sexual "
        "trauma during service.",
        "We meet as equals, whatever your rank or service. Some members come to talk and some mostly "
        "listen; both are welcome.",
    ),
    Profile(
        "disabled", "Disabled Survivors' Network", ("community-based",),
        ("domestic-abuse", "hate-crime", "sexual-violence"), ("disabled-people",),
        "A peer group run by and for disabled people who have experienced abuse or hate crime.",
        "We plan every meeting around access: tell us what you need and we will do our best to arrange it. "
        "Personal assistants are welcome to come with you.",
        access=("step-free", "quiet-room"),
    ),
    Profile(
        "deaf", "Deaf Survivors' Group", ("community-based", "therapeutic"), ("domestic-abuse", "sexual-violence"),
        ("deaf",),
        "A group for Deaf survivors of abuse, held in sign language with a Deaf facilitator.",
        "There are no interpreters in the room unless you ask for one, so conversations stay direct and "
        "private. Everyone in the group is Deaf.",
        access=("sign-language",),
    ),
    Profile(
        "sisters", "Sisters' Circle", ("community-based",), ("domestic-abuse", "hate-crime", "sexual-violence"),
        ("black-minoritised", "women"),
        "A circle for Black and minoritised women who have experienced abuse or racism, led by women who "
        "share that experience.",
        "Here you do not have to explain your culture, your faith or your family. We talk, we rest, and we "
        "build each other up.",
    ),
    Profile(
        "homicide", "Families Bereaved by Homicide Group", ("therapeutic", "community-based"),
        ("homicide-bereavement",), ("parents-carers", "older-people"),
        "A group for people whose loved one was killed, offering understanding through grief, trials and "
        "the years after.",
        "Grief after a killing is like no other. Members meet to remember, to share what has helped, and to "
        "be with others who know how it feels.",
    ),
    Profile(
        "stalking", "Stalking Survivors' Group", ("legal-advocacy", "educational"), ("stalking", "online-abuse"),
        ("women", "men"),
        "Support and practical advice for anyone being stalked or harassed, in person or online.",
        "An advocate explains how to record what is happening, how protective orders work and how to plan "
        "for safety. Time at the end of each session lets you talk with others in the same situation.",
        facilitation=(Group.Facilitation.PROFESSIONAL, Group.Facilitation.CO_FACILITATED),
    ),
    Profile(
        "online-abuse", "Online Abuse Recovery Workshop", ("educational",), ("online-abuse",),
        ("young-people", "women"),
        "A short course on recovering from online abuse, including image-based abuse and harassment.",
        "We cover taking back control of your accounts, getting images removed, and coping with how it "
        "feels. The tone is practical and kind; nobody will blame you for what someone else did.",
        facilitation=(Group.Facilitation.PROFESSIONAL,), ages=(16, None),
    ),
    Profile(
        "burns", "Burn Survivors' Circle", ("community-based", "therapeutic"), ("burn-injury", "disaster-and-accident"),
        (),
        "A friendly circle for people living with burn injuries, and for the people close to them.",
        "We talk about scars, stares, confidence and getting back to everyday life. Some members are years "
        "on and some are just starting out.",
    ),
    Profile(
        "accident", "After the Accident Group", ("community-based",), ("disaster-and-accident", "violent-crime"), (),
        "Peer support for people affected by serious accidents, fires, floods and other disasters.",
        "Whether you were hurt, saw it happen or lost someone, you are welcome. We go at your pace and share "
        "practical ways of coping with anniversaries, noise and sleep.",
    ),
    Profile(
        "violent-crime", "Victims of Crime Peer Group", ("community-based", "legal-advocacy"), ("violent-crime",), (),
        "A peer group for people recovering from assault, robbery or other violent crime.",
        "We share how to cope with fear, with the police and court process, and with getting back out and "
        "about. A volunteer who has been through the justice system is there to answer questions.",
    ),
    Profile(
        "court", "Court Support and Advocacy Group", ("legal-advocacy",), ("domestic-abuse", "stalking"), ("women",),
        "Help for survivors of domestic abuse who are going through court, from protective orders to family court.",
        "An independent advocate explains each stage, helps you prepare and, where possible, goes with you "
        "on the day. Between hearings the group is a place to share worries and be reassured.",
        facilitation=(Group.Facilitation.PROFESSIONAL,),
    ),
    Profile(
        "course", "Understanding Abuse Course", ("educational",), ("domestic-abuse",), ("women",),
        "A twelve-week course for women to understand abusive relationships and rebuild confidence.",
        "Each week looks at one part of how control works and how to recognise it. The course is gentle and "
        "practical, and you can bring a friend to the first session.",
        facilitation=(Group.Facilitation.PROFESSIONAL, Group.Facilitation.CO_FACILITATED),
        access=("childcare",),
    ),
    Profile(
        "hate-crime", "Hate Crime Survivors' Forum", ("legal-advocacy", "community-based"), ("hate-crime",),
        ("black-minoritised", "lgbtq", "disabled-people"),
        "A forum for people targeted because of who they are, with peer support and help to report.",
        "We listen first. Then, if you want, a caseworker can help you report what happened and follow it "
        "up. Members also work together on making their neighbourhood safer.",
    ),
    Profile(
        "therapy", "Trauma Recovery Group", ("therapeutic",), ("sexual-violence", "child-abuse"), (),
        "A structured therapy group for adults recovering from rape, sexual assault or childhood sexual abuse.",
        "Two therapists guide the group through ten weekly sessions on grounding, coping with flashbacks "
        "and self-compassion. You meet a therapist one-to-one first, to make sure the timing is right for you.",
        facilitation=(Group.Facilitation.PROFESSIONAL,), ages=(18, None),
    ),
    Profile(
        "national", "National Survivors' Network", ("national-international", "community-based"),
        ("sexual-violence", "domestic-abuse", "child-abuse"), (),
        "An online peer network for adult survivors across the country, with small groups at different times "
        "of day.",
        "Join from wherever you are, with your camera off if you prefer. Trained volunteers host every group "
        "and can point you to local services.",
        online_only=True, formats=("online",), ages=(18, None),
    ),
    Profile(
        "phone", "Listening Circle by Phone", ("national-international", "community-based"),
        ("domestic-abuse", "stalking", "violent-crime"), ("older-people", "disabled-people"),
        "A small group that meets by phone, for survivors who prefer not to go online or travel.",
        "Dial in from a landline or a mobile; nobody sees you and you can use a first name only. It suits "
        "people who are housebound, live far from services or are simply more comfortable on the phone.",
        online_only=True, formats=("phone",),
    ),
]

# Real services named in the seed research, with only what we can state from their own public sites.
REAL_SERVICES = [
    {
        "slug": "rainn",
        "name": "RAINN",
        "summary": "A US national anti-sexual-violence organisation that runs the National Sexual Assault Hotline.",
        "host_name": "RAINN",
        "host_website": "https://www.rainn.org",
        "types": ("national-international",),
        "trauma": ("sexual-violence",),
        "formats": ("phone", "online"),
        "time_zone": "America/New_York",
    },
    {
        "slug": "national-centre-for-domestic-violence",
        "name": "National Centre for Domestic Violence",
        "summary": "A UK service that helps survivors of domestic abuse obtain protective injunctions.",
        "host_name": "National Centre for Domestic Violence",
        "host_website": "https://www.ncdv.org.uk",
        "types": ("national-international", "legal-advocacy"),
        "trauma": ("domestic-abuse",),
        "formats": ("phone", "online"),
        "time_zone": "Europe/London",
    },
]

M2M_FIELDS = {
    "types": GroupType,
    "trauma_types": TraumaType,
    "populations": Population,
    "formats": Format,
    "languages": Language,
    "access_features": AccessibilityFeature,
}
IN_PERSON_ACCESS = ("wheelchair", "step-free", "hearing-loop", "childcare", "quiet-room", "interpreters")
ONLINE_ACCESS = ("sign-language", "interpreters", "captions")
MORNING = [(9, 30), (10, 0), (10, 30), (11, 0)]
AFTERNOON = [(13, 0), (13, 30), (14, 0), (15, 0), (16, 0)]
EVENING = [(18, 0), (18, 30), (19, 0), (19, 30)]
# A Monday, so a weekday's first meeting is ANCHOR + weekday.
ANCHOR = datetime.date(2026, 1, 5)


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
            stats = DemoBuilder(self.stdout, self.style).build()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data: {stats['groups']} groups ({stats['published']} published, {stats['paused']} paused, "
                f"{stats['hidden']} draft/pending/closed), {stats['places']} places in {stats['cities']} cities "
                f"and {stats['countries']} countries, {stats['meetings']} meeting times, {stats['claims']} "
                f"accreditation claims; {real} real services added."
            )
        )

    def load_fixtures(self):
        fixtures_dir = settings.BASE_DIR / "fixtures"
        for models, filename in (
            ((GroupType, TraumaType, Population, Format, Language, Cost, AccessibilityFeature), TAXONOMY_FIXTURE),
            ((AccreditingBody,), BODIES_FIXTURE),
        ):
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
        terms = {name: {term.slug: term for term in model.objects.all()} for name, model in M2M_FIELDS.items()}
        costs = {cost.slug: cost for cost in Cost.objects.all()}
        created_groups = []
        for service in REAL_SERVICES:
            group, created = Group.objects.get_or_create(
                slug=service["slug"],
                defaults={
                    "name": service["name"],
                    "summary": service["summary"],
                    "description": "",
                    "host_name": service["host_name"],
                    "host_website": service["host_website"],
                    # The hotline and the injunction service are free to the people who use them.
                    "cost": costs.get("free") or Cost.objects.first(),
                    # Not ours to assert: left blank rather than guessed.
                    "facilitation": "",
                    "attendance": "",
                    "time_zone": service["time_zone"],
                    "status": Group.Status.PUBLISHED,
                    "is_demo": False,
                },
            )
            if not created:
                continue
            group.types.set(pick(terms["types"], service["types"]))
            group.trauma_types.set(pick(terms["trauma_types"], service["trauma"]))
            group.formats.set(pick(terms["formats"], service["formats"]))
            group.languages.set(pick(terms["languages"], ("en",)))
            created_groups.append(group.pk)
        if created_groups:
            refresh_search_fields(list(prefetched(Group.objects.filter(pk__in=created_groups))))
        return len(created_groups)


def pick(terms_by_slug, slugs):
    return [terms_by_slug[slug] for slug in slugs if slug in terms_by_slug]


def prefetched(queryset):
    return queryset.select_related("cost", "place").prefetch_related(*M2M_FIELDS)


class DemoBuilder:
    """Builds the fictional groups; every random choice comes from one seeded generator, in order."""

    def __init__(self, stdout, style):
        self.stdout = stdout
        self.style = style
        self.rng = random.Random(SEED)
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.terms = {name: {t.slug: t for t in model.objects.order_by("slug")} for name, model in M2M_FIELDS.items()}
        self.costs = {cost.slug: cost for cost in Cost.objects.order_by("slug")}
        if not self.terms["types"] or not self.costs or not self.terms["formats"] or not self.terms["languages"]:
            raise CommandError("Group types, formats, languages and costs must be loaded first.")
        self.bodies = list(AccreditingBody.objects.order_by("order", "slug"))
        self.used_names = set()

    # ----- plan -----------------------------------------------------------------------------------

    def plan(self):
        """(profile, city or None, home city) for every group, spreading the kinds evenly.

        In-person groups cycle through the kinds city by city. Online groups take a "home" city for
        their time zone, language and currency; every third one is an online-only kind (a national
        network or a phone circle), the rest are online versions of the other kinds.
        """
        in_person_kinds = [p for p in PROFILES if not p.online_only]
        online_only_kinds = [p for p in PROFILES if p.online_only]
        online_kinds = [p for p in in_person_kinds if p.key != "children"]
        slots = []
        for city in CITIES:
            for _ in range(city.in_person):
                slots.append((in_person_kinds[len(slots) % len(in_person_kinds)], city, city))
        for number in range(ONLINE_GROUPS):
            if number % 3 == 0:
                profile = online_only_kinds[(number // 3) % len(online_only_kinds)]
            else:
                profile = online_kinds[(number * 7) % len(online_kinds)]
            slots.append((profile, None, CITIES[(number * 5) % len(CITIES)]))
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

    # ----- build ----------------------------------------------------------------------------------

    def build(self):
        plan = self.plan()
        statuses = self.statuses(len(plan))
        groups, relations, places, meetings = [], [], [], []
        for number, ((profile, city, home), status) in enumerate(zip(plan, statuses, strict=True)):
            group, terms, place, times = self.make_group(number, profile, city, home, status)
            groups.append(group)
            relations.append(terms)
            places.append(place)
            meetings.append(times)
        self.top_up_coverage(groups, relations, places)

        Group.objects.bulk_create(groups)
        for group, place in zip(groups, places, strict=True):
            if place is not None:
                place.group = group
                place.search_latitude, place.search_longitude = place.compute_search_point()
        Place.objects.bulk_create([p for p in places if p is not None])
        meeting_rows = []
        for group, times in zip(groups, meetings, strict=True):
            for meeting in times:
                meeting.group = group
                meeting_rows.append(meeting)
        MeetingTime.objects.bulk_create(meeting_rows)
        for name in M2M_FIELDS:
            through = getattr(Group, name).through
            source = Group._meta.get_field(name).m2m_field_name()
            target = Group._meta.get_field(name).m2m_reverse_field_name()
            through.objects.bulk_create(
                [
                    through(**{f"{source}_id": group.pk, f"{target}_id": term.pk})
                    for group, terms in zip(groups, relations, strict=True)
                    for term in terms[name]
                ]
            )
        homes = [home for _, _, home in plan]
        claims = self.make_claims(groups, relations, homes)
        AccreditationClaim.objects.bulk_create(claims)

        ids = [group.pk for group in groups]
        refresh_search_fields(list(prefetched(Group.objects.filter(pk__in=ids))))
        real_places = [p for p in places if p is not None]
        return {
            "groups": len(groups),
            "published": sum(g.status == Group.Status.PUBLISHED for g in groups),
            "paused": sum(g.status == Group.Status.PAUSED for g in groups),
            "hidden": sum(g.status not in Group.PUBLIC_STATUSES for g in groups),
            "places": len(real_places),
            "cities": len({p.city for p in real_places}),
            "countries": len({p.country for p in real_places}),
            "meetings": len(meeting_rows),
            "claims": len(claims),
        }

    def unique_name(self, profile):
        rng = self.rng
        for _ in range(50):
            name = f"{rng.choice(NAME_PREFIXES)} {profile.name}"
            if name not in self.used_names:
                break
        else:  # pragma: no cover - only with far more groups than prefixes
            name = f"{profile.name} {len(self.used_names) + 1}"
        self.used_names.add(name)
        return name

    def make_group(self, number, profile, city, home, status):
        rng = self.rng
        name = self.unique_name(profile)
        slug = DEMO_SLUG_PREFIX + slugify(name)
        prefix = name[: -len(profile.name) - 1]

        # Formats and place.
        if city is None:
            ways = [("online",), ("online",), ("phone",), ("online", "phone")]
            format_slugs = list(profile.formats or rng.choice(ways))
        else:
            format_slugs = ["hybrid"] if rng.random() < 0.25 else ["in-person"]
            if rng.random() < 0.1:
                format_slugs.append("phone")
        place = self.make_place(city, profile) if city is not None else None

        # Terms.
        type_slugs = list(profile.types)
        if city is None and "national-international" not in type_slugs and rng.random() < 0.4:
            type_slugs.append("national-international")
        trauma_slugs = list(profile.trauma)
        population_slugs = list(profile.populations)
        languages = [home.languages[0]]
        if rng.random() < 0.35:
            languages.append(rng.choice(home.languages[1:]))
        if profile.extra_languages and rng.random() < 0.8:
            languages.append(rng.choice(profile.extra_languages))
        access = set(profile.access)
        pool = IN_PERSON_ACCESS if city is not None else ONLINE_ACCESS
        access.update(rng.sample(pool, rng.randint(0, 3 if city is not None else 1)))
        if city is not None and "wheelchair" in access:
            access.add("step-free")
        terms = {
            "types": pick(self.terms["types"], type_slugs),
            "trauma_types": pick(self.terms["trauma_types"], trauma_slugs),
            "populations": pick(self.terms["populations"], population_slugs),
            "formats": pick(self.terms["formats"], format_slugs),
            "languages": pick(self.terms["languages"], dict.fromkeys(languages))
            or pick(self.terms["languages"], ("en",))
            or list(self.terms["languages"].values())[:1],
            "access_features": pick(self.terms["access_features"], sorted(access)),
        }
        if not terms["types"]:
            terms["types"] = [rng.choice(list(self.terms["types"].values()))]

        # Cost.
        cost_slug = rng.choices(["free", "donation", "sliding-scale", "fee"], weights=[55, 15, 15, 15])[0]
        if profile.key in ("children", "refugees", "trafficking", "court") and cost_slug == "fee":
            cost_slug = "free"
        cost = self.costs.get(cost_slug) or next(iter(self.costs.values()))
        cost_details = ""
        if cost.slug == "fee":
            cost_details = f"{home.currency}{home.fee} a session; ask us about free places."
        elif cost.slug == "sliding-scale":
            low, high = home.sliding
            cost_details = (
                f"{home.currency}{low}–{home.currency}{high} a session, as you can afford; nobody is turned away."
            )
        elif cost.slug == "donation" and rng.random() < 0.6:
            cost_details = "Donations welcome, never expected."

        attendance = rng.choice([Group.Attendance.DROP_IN, Group.Attendance.REGISTRATION])
        if profile.key in ("children", "young-people", "therapy", "course", "trafficking"):
            attendance = Group.Attendance.REGISTRATION
        capacity = rng.choices(
            [Group.Capacity.OPEN, Group.Capacity.WAITING_LIST, Group.Capacity.FULL], weights=[70, 20, 10]
        )[0]
        if attendance == Group.Attendance.DROP_IN:
            capacity = Group.Capacity.OPEN if capacity == Group.Capacity.FULL else capacity

        host_name = "" if rng.random() < 0.12 else f"{prefix} {rng.choice(HOST_SUFFIXES)}"
        host_website = f"{DEMO_URL_BASE}/{slugify(host_name)}" if host_name and rng.random() < 0.85 else ""
        contact_email = f"{slugify(prefix)}.{profile.key}@{DEMO_EMAIL_DOMAIN}" if rng.random() < 0.85 else ""
        if not contact_email or rng.random() < 0.4:
            if rng.random() < 0.5:
                contact_url = f"https://{slugify(prefix)}.example/contact"
            else:
                contact_url = f"{DEMO_URL_BASE}/{slug}/contact"
        else:
            contact_url = ""
        online = bool({"online", "hybrid"} & set(format_slugs))
        join_link = f"{JOIN_LINK_BASE}/{self.token()}" if online and rng.random() < 0.6 else ""

        # Description: the profile, how and where, then the fictional note.
        sentences = [profile.body]
        if city is None:
            sentences.append(rng.choice(PHONE_NOTES if format_slugs == ["phone"] else ONLINE_NOTES))
        else:
            sentences.append(IN_PERSON_NOTES[place.address_visibility].format(city=city.name))
            if "hybrid" in format_slugs:
                sentences.append(HYBRID_NOTE)
        description = " ".join(sentences) + "\n\n" + FICTIONAL_NOTE

        ages = profile.ages
        group = Group(
            name=name,
            slug=slug,
            summary=profile.summary,
            description=description,
            host_name=host_name,
            host_website=host_website,
            cost=cost,
            cost_details=cost_details,
            facilitation=rng.choice(profile.facilitation),
            attendance=attendance,
            registration_details=(
                rng.choice(REGISTRATION_DETAILS) if attendance == Group.Attendance.REGISTRATION else ""
            ),
            capacity=capacity,
            age_min=ages[0] if ages else None,
            age_max=ages[1] if ages else None,
            contact_email=contact_email,
            contact_phone="",
            contact_url=contact_url,
            join_link=join_link,
            time_zone=home.tz,
            status=status,
            is_demo=True,
            last_confirmed_at=self.now - datetime.timedelta(days=rng.randint(0, 425), hours=rng.randint(0, 23)),
        )
        return group, terms, place, self.make_meetings(profile)

    def token(self):
        alphabet = "abcdefghijkmnpqrstuvwxyz23456789"
        return "-".join("".join(self.rng.choice(alphabet) for _ in range(4)) for _ in range(3))

    def make_place(self, city, profile):
        rng = self.rng
        # A uniform point within 3 km of the centre.
        distance = 3.0 * math.sqrt(rng.random())
        bearing = rng.uniform(0, 2 * math.pi)
        lat = city.lat + distance * math.cos(bearing) / 111.32
        lng = city.lng + distance * math.sin(bearing) / (111.32 * math.cos(math.radians(city.lat)))
        weights = [50, 30, 20]
        if profile.key in ("women", "sisters", "court", "refugees", "trafficking", "lgbtq"):
            weights = [15, 35, 50]  # safety first: refuge-like groups rarely publish a street
        visibility = rng.choices(
            [Place.Visibility.PUBLIC, Place.Visibility.AREA_ONLY, Place.Visibility.ON_REQUEST], weights=weights
        )[0]
        return Place(
            address_line1=rng.choice(VENUES),
            address_line2=f"{rng.randint(1, 99)} {rng.choice(STREETS)}",
            city=city.name,
            region=city.region,
            postcode="",
            country=city.country,
            latitude=Decimal(f"{lat:.6f}"),
            longitude=Decimal(f"{lng:.6f}"),
            address_visibility=visibility,
        )

    def make_meetings(self, profile):
        rng = self.rng
        frequency = rng.choices(
            [
                MeetingTime.Frequency.WEEKLY,
                MeetingTime.Frequency.EVERY_N_WEEKS,
                MeetingTime.Frequency.MONTHLY,
                MeetingTime.Frequency.BY_ARRANGEMENT,
            ],
            weights=[45, 17, 28, 10],
        )[0]
        if frequency == MeetingTime.Frequency.BY_ARRANGEMENT:
            return [MeetingTime(frequency=frequency)]
        count = 2 if rng.random() < 0.2 else 1
        weekdays = rng.sample(range(7) if profile.key != "children" else range(5), count)
        if profile.key == "children":
            periods = [[(16, 0), (16, 30)]]
        else:
            periods = [MORNING, AFTERNOON, EVENING]
        meetings = []
        week_of_month = rng.choice([1, 2, 3, 4, -1])
        interval = rng.choice([2, 2, 3, 4])
        for weekday in sorted(weekdays):
            hour, minute = rng.choice(rng.choice(periods))
            start = datetime.time(hour, minute)
            end_minutes = hour * 60 + minute + rng.choice([60, 90, 90, 120])
            meeting = MeetingTime(
                frequency=frequency,
                weekday=weekday,
                start_time=start,
                end_time=datetime.time(end_minutes // 60, end_minutes % 60),
            )
            if frequency == MeetingTime.Frequency.MONTHLY:
                meeting.week_of_month = week_of_month
                week_of_month = -1 if week_of_month != -1 else 2  # a second monthly meeting in another week
            elif frequency == MeetingTime.Frequency.EVERY_N_WEEKS:
                meeting.interval_weeks = interval
                meeting.starts_on = ANCHOR + datetime.timedelta(days=weekday + 7 * rng.randint(0, 8))
            meetings.append(meeting)
        return meetings

    def top_up_coverage(self, groups, relations, places, minimum=3):
        """Make sure every term of every taxonomy (including any beyond the profiles) is on several
        published groups. Terms added here go to general-purpose groups so listings stay coherent."""
        rng = self.rng
        published = [i for i, g in enumerate(groups) if g.status == Group.Status.PUBLISHED]
        general = [i for i in published if not relations[i]["populations"]] or published
        in_person = [i for i in published if places[i] is not None]
        for name in M2M_FIELDS:
            if name in ("formats", "languages"):
                continue  # formats follow from how each group meets; languages from where it is
            candidates = {"populations": general, "trauma_types": general, "access_features": in_person}.get(
                name, published
            )
            for term in self.terms[name].values():
                used = sum(term in relations[i][name] for i in published)
                if used >= minimum:
                    continue
                for i in rng.sample(candidates, min(len(candidates), minimum - used + 2)):
                    if term not in relations[i][name]:
                        relations[i][name].append(term)
        for cost in self.costs.values():
            used = sum(groups[i].cost_id == cost.pk for i in published)
            for i in rng.sample(published, max(0, minimum - used)):
                groups[i].cost = cost
                groups[i].cost_details = "Ask us about the cost; nobody is turned away." if cost.slug != "free" else ""

    def make_claims(self, groups, relations, homes):
        """Verified-current, verified-expired, claimed-only and rejected claims, some for facilitators.

        Claims go to groups based in the UK or the US, against a body that works there and fits what
        the group does; references are invented (DEMO-…). Bodies are looked up by slug when the
        fixture has them, otherwise taken from whatever bodies exist.
        """
        if not self.bodies:
            return []
        rng = self.rng
        plan = (
            [("verified", "current", "organisation")] * 8
            + [("verified", "current", "group")] * 4
            + [("verified", "current", "facilitator")] * 2
            + [("verified", "expired", "organisation")] * 3
            + [("verified", "expired", "group")] * 1
            + [("claimed", None, "organisation")] * 3
            + [("claimed", None, "facilitator")] * 1
            + [("rejected", None, "organisation")] * 2
        )
        published = [i for i, g in enumerate(groups) if g.status == Group.Status.PUBLISHED]
        rng.shuffle(published)

        def fits(i):
            """Based where the bodies work, and doing the kind of work they accredit."""
            trauma = {term.slug for term in relations[i]["trauma_types"]}
            return homes[i].name in CLAIM_CITIES and bool(trauma & {"domestic-abuse", "sexual-violence"})

        us = [i for i in published if homes[i].country == "US"]
        uk_us = [i for i in published if fits(i)]
        targets, taken = [], set()
        for item in plan:
            pool = us if item[2] == "facilitator" and self.body_by_slug("nova-nacp") else uk_us
            index = next((i for i in pool + published if i not in taken), None)
            if index is None:
                break
            taken.add(index)
            targets.append((index, item))
        # A paused group keeps its badge; a group awaiting review can already have a claim waiting;
        # one group has a current badge and a second claim still waiting for review.
        paused = [i for i, g in enumerate(groups) if g.status == Group.Status.PAUSED and fits(i)]
        hidden = [i for i, g in enumerate(groups) if g.status in (Group.Status.DRAFT, Group.Status.PENDING) and fits(i)]
        targets += [(i, ("verified", "current", "group")) for i in paused[:1]]
        targets += [(i, ("claimed", None, "organisation")) for i in hidden[:1]]
        if targets:
            targets.append((targets[0][0], ("claimed", None, "group")))

        claims = []
        for number, (index, (status, validity, scope)) in enumerate(targets, start=1):
            group, home = groups[index], homes[index]
            trauma = {term.slug for term in relations[index]["trauma_types"]}
            populations = {term.slug for term in relations[index]["populations"]}
            body = self.choose_body(home, trauma, populations, scope)
            note = "Demonstration claim; the reference is invented."
            if body.slug == "us-state-coalition":
                note = f"State: {home.region}. " + note
            claim = AccreditationClaim(
                group=group,
                body=body,
                reference=f"DEMO-{1000 + number}",
                scope=scope,
                facilitator_name=FACILITATOR_NAMES[number % len(FACILITATOR_NAMES)] if scope == "facilitator" else "",
                status=status,
                note=note,
            )
            if status == "verified":
                renewal_days = round((body.renewal_months or 12) * 30.4)
                if validity == "current":
                    claim.valid_until = self.today + datetime.timedelta(days=rng.randint(20, renewal_days))
                else:
                    claim.valid_until = self.today - datetime.timedelta(days=rng.randint(5, 300))
                verified_on = claim.valid_until - datetime.timedelta(days=renewal_days)
                claim.verified_at = min(
                    self.now, timezone.make_aware(datetime.datetime.combine(verified_on, datetime.time(11, 0)))
                )
            elif status == "rejected":
                claim.rejection_reason = "Demonstration: the reference did not match the body's public register."
                claim.note = claim.rejection_reason
            claims.append(claim)
        return claims

    def body_by_slug(self, slug):
        return next((body for body in self.bodies if body.slug == slug), None)

    def choose_body(self, home, trauma, populations, scope):
        """A body that plausibly accredits this kind of group where it is based."""
        if scope == "facilitator":
            preferred = ["nova-nacp"]
        elif home.country == "US":
            preferred = ["us-state-coalition"]
        elif "sexual-violence" in trauma and "men" in populations:
            preferred = ["limeculture"]
        elif "sexual-violence" in trauma:
            preferred = ["rape-crisis-scotland" if home.region == "Scotland" else "rape-crisis-england-wales"]
        else:
            preferred = ["safelives-leading-lights"]
        for slug in preferred:
            body = self.body_by_slug(slug)
            if body is not None:
                return body
        wanted_individual = scope == "facilitator"
        fitting = [
            body for body in self.bodies
            if (body.applies_to == AccreditingBody.AppliesTo.INDIVIDUAL) == wanted_individual and body.slug != "other"
        ]
        return self.rng.choice(fitting or self.bodies)
