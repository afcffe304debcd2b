"""The demo data (manage.py load_demo) and the benchmark generator (manage.py generate_groups)."""

import io
import json
import re
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from groups.accreditation.selectors import accredited
from groups.core.search import build_search_text
from groups.management.demo import FICTIONAL_NOTE, read_fixture
from groups.models import (
    AccessibilityFeature,
    AccreditationClaim,
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

pytestmark = pytest.mark.django_db

REQUIRED = {
    GroupType: ["legal-advocacy", "therapeutic", "educational", "national-international", "community-based"],
    TraumaType: [
        "sexual-violence", "child-abuse", "domestic-abuse", "stalking", "trafficking", "violent-crime",
        "homicide-bereavement", "war-and-displacement", "burn-injury", "online-abuse", "hate-crime",
        "disaster-and-accident",
    ],
    Population: [
        "women", "men", "lgbtq", "trans-nonbinary", "children", "young-people", "parents-carers", "older-people",
        "refugees", "first-responders", "veterans", "disabled-people", "deaf", "black-minoritised",
    ],
    Format: ["in-person", "online", "hybrid", "phone"],
    Cost: ["free", "donation", "sliding-scale", "fee"],
    AccessibilityFeature: [
        "wheelchair", "step-free", "hearing-loop", "sign-language", "childcare", "interpreters", "quiet-room",
    ],
}
RELATION = {
    GroupType: "types",
    TraumaType: "trauma_types",
    Population: "populations",
    Format: "formats",
    AccessibilityFeature: "access_features",
    Cost: "cost",
}
ALLOWED_URL_HOSTS = re.compile(r"^(?:[a-z0-9-]+\.)*(?:example\.org|example)$")
URL_OR_EMAIL = re.compile(r"https?://[^\s)>\"']+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def load_demo(*args):
    out = io.StringIO()
    call_command("load_demo", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def demo():
    load_demo()


def demo_groups():
    return Group.objects.filter(is_demo=True)


def test_creates_enough_demo_groups(demo):
    assert demo_groups().count() >= 120
    assert demo_groups().filter(status=Group.Status.PUBLISHED).count() >= 100


@pytest.mark.parametrize("model", list(REQUIRED), ids=lambda model: model.__name__)
def test_every_required_term_is_used_by_published_groups(demo, model):
    published = Group.objects.filter(status=Group.Status.PUBLISHED)
    for slug in REQUIRED[model]:
        count = published.filter(**{f"{RELATION[model]}__slug": slug}).distinct().count()
        assert count >= 2, f"{model.__name__} {slug!r} is used by {count} published groups"


def test_several_languages_are_used(demo):
    used = Language.objects.filter(groups__status=Group.Status.PUBLISHED).distinct().count()
    assert used >= 8


def test_places_span_cities_and_countries(demo):
    places = Place.objects.filter(group__status=Group.Status.PUBLISHED, group__is_demo=True)
    assert places.values("city").distinct().count() >= 12
    assert places.values("country").distinct().count() >= 5
    visibilities = set(places.values_list("address_visibility", flat=True))
    assert visibilities == {Place.Visibility.PUBLIC, Place.Visibility.AREA_ONLY, Place.Visibility.ON_REQUEST}
    for place in places:
        assert place.latitude is not None and place.longitude is not None
        assert place.search_latitude is not None and place.search_longitude is not None
        assert place.postcode == ""


def test_online_only_groups_have_no_place(demo):
    remote = {"online", "phone"}
    for group in demo_groups().prefetch_related("formats").select_related("place"):
        formats = {f.slug for f in group.formats.all()}
        if formats and formats <= remote:
            assert not hasattr(group, "place"), group.name
        else:
            assert hasattr(group, "place"), group.name


def test_accreditation_claims_cover_every_state(demo):
    today = timezone.localdate()
    claims = AccreditationClaim.objects.filter(group__is_demo=True)
    verified = claims.filter(status=AccreditationClaim.Status.VERIFIED)
    assert verified.filter(valid_until__gte=today).exists()
    assert verified.filter(valid_until__lt=today).exists()
    assert claims.filter(status=AccreditationClaim.Status.CLAIMED).exists()
    assert claims.filter(status=AccreditationClaim.Status.REJECTED).exists()
    facilitator = claims.filter(scope=AccreditationClaim.Scope.FACILITATOR)
    assert facilitator.count() >= 2
    assert not facilitator.filter(facilitator_name="").exists()
    assert accredited(Group.objects.filter(is_demo=True, status=Group.Status.PUBLISHED)).exists()


def test_hidden_statuses_exist_and_are_not_public(demo):
    for status in (Group.Status.DRAFT, Group.Status.PENDING, Group.Status.CLOSED):
        assert demo_groups().filter(status=status).count() >= 3
        assert not Group.objects.published().filter(status=status).exists()
    assert demo_groups().filter(status=Group.Status.PAUSED).exists()


def test_meeting_times_are_varied_and_valid(demo):
    meetings = MeetingTime.objects.filter(group__is_demo=True)
    assert set(meetings.values_list("frequency", flat=True)) == set(MeetingTime.Frequency.values)
    assert {1, 2, 3, 4, -1} <= set(meetings.exclude(week_of_month=None).values_list("week_of_month", flat=True))
    for meeting in meetings:
        meeting.full_clean()
    hours = {m.start_time.hour for m in meetings if m.start_time}
    assert min(hours) < 12 and any(12 <= h < 17 for h in hours) and max(hours) >= 17


def test_running_twice_changes_nothing(demo):
    counts = (Group.objects.count(), Place.objects.count(), MeetingTime.objects.count(),
              AccreditationClaim.objects.count())
    output = load_demo()
    assert "nothing changed" in output
    assert counts == (Group.objects.count(), Place.objects.count(), MeetingTime.objects.count(),
                      AccreditationClaim.objects.count())


def test_reset_recreates_the_same_groups(demo):
    before = sorted(demo_groups().values_list("slug", flat=True))
    load_demo("--reset")
    assert sorted(demo_groups().values_list("slug", flat=True)) == before


def test_every_demo_description_says_it_is_fictional(demo):
    for group in demo_groups():
        assert group.description.startswith(FICTIONAL_NOTE) or group.description.endswith(FICTIONAL_NOTE), group.name


def test_demo_contact_details_use_reserved_domains_only(demo):
    for group in demo_groups().select_related("place"):
        assert group.contact_phone == ""
        if group.contact_email:
            assert group.contact_email.endswith("@example.org"), group.contact_email
        for url in (group.host_website, group.contact_url, group.join_link):
            if url:
                assert ALLOWED_URL_HOSTS.match(urlsplit(url).hostname), url
        text = " ".join([group.summary, group.description, group.registration_details, group.cost_details])
        for found in URL_OR_EMAIL.findall(text):
            host = found.rsplit("@", 1)[1] if "@" in found and "://" not in found else urlsplit(found).hostname
            assert ALLOWED_URL_HOSTS.match(host), found


def test_real_services_have_a_website_and_nothing_else(demo):
    real = Group.objects.filter(is_demo=False)
    assert set(real.values_list("slug", flat=True)) == {"rainn", "national-centre-for-domestic-violence"}
    for group in real:
        assert group.status == Group.Status.PUBLISHED
        assert group.host_website.startswith("https://")
        assert not hasattr(group, "place")
        assert not group.meeting_times.exists()
        assert not group.accreditation_claims.exists()
        assert group.contact_phone == "" and group.contact_email == "" and group.join_link == ""
        assert group.types.filter(slug="national-international").exists()


def test_search_text_is_filled_like_build_search_text(demo):
    groups = Group.objects.select_related("cost", "place").prefetch_related(
        "types", "trauma_types", "populations", "formats", "languages", "access_features"
    )
    for group in groups:
        assert group.search_text == build_search_text(group), group.name
    if connection.vendor == "postgresql":
        assert not Group.objects.filter(Q(fulltext__isnull=True) | Q(fulltext__vector__isnull=True)).exists()


def test_every_profile_in_the_fixture_becomes_published_demo_groups(demo):
    published = demo_groups().filter(status=Group.Status.PUBLISHED)
    for profile in read_fixture("profiles.yaml"):
        assert published.filter(name__endswith=" " + profile["name"]).exists(), profile["name"]


def test_every_slug_in_the_demo_fixtures_names_a_real_term():
    """A mistyped slug in fixtures/demo/ would silently drop a term from every group of that kind."""
    known = {}
    for row in json.loads((settings.BASE_DIR / "fixtures" / "taxonomies.json").read_text()):
        known.setdefault(row["model"].split(".")[1], set()).add(row["fields"]["slug"])
    details = read_fixture("details.yaml")
    used = {
        "grouptype": [p["types"] for p in read_fixture("profiles.yaml")],
        "traumatype": [p["trauma"] for p in read_fixture("profiles.yaml")],
        "population": [p["populations"] for p in read_fixture("profiles.yaml")],
        "format": [p.get("formats", []) for p in read_fixture("profiles.yaml")],
        "language": [p.get("extra_languages", []) for p in read_fixture("profiles.yaml")]
        + [c["languages"] for c in read_fixture("cities.yaml")["cities"]],
        "accessibilityfeature": [p.get("access", []) for p in read_fixture("profiles.yaml")]
        + [details["access_in_person"], details["access_online"]],
    }
    for service in read_fixture("national_services.yaml"):
        used["grouptype"].append(service["types"])
        used["traumatype"].append(service["trauma"])
        used["format"].append(service["formats"])
    for model, lists in used.items():
        unknown = {slug for slugs in lists for slug in slugs} - known[model]
        assert not unknown, f"{model}: {sorted(unknown)}"


def test_the_national_services_are_listed_as_the_fixture_gives_them(demo):
    for service in read_fixture("national_services.yaml"):
        group = Group.objects.get(slug=service["slug"])
        assert (group.name, group.host_website, group.summary) == (
            service["name"], service["host_website"], service["summary"]
        )


# ----- generate_groups ------------------------------------------------------------------------------


def generate(**options):
    call_command("generate_groups", stdout=io.StringIO(), **options)
    return list(
        Group.objects.filter(name__startswith="Synthetic group").order_by("slug").values_list("slug", "name")
    )


def test_clear_deletes_the_synthetic_groups_and_their_rows_and_leaves_the_demo_alone(demo):
    def rows():
        return (Group.objects.count(), Place.objects.count(), MeetingTime.objects.count(),
                Group.types.through.objects.count(), Group.formats.through.objects.count())

    before = rows()
    generate(count=50, seed=3)
    assert rows() > before
    generate(count=0, seed=4, clear=True)
    assert rows() == before
    assert not Group.objects.filter(name__startswith="Synthetic group").exists()


def demo_listing():
    """What a visitor sees of the demo groups: every group with its place, meeting times, terms and claims."""
    groups = demo_groups().exclude(name__startswith="Synthetic group").order_by("slug").prefetch_related(
        "types", "formats", "languages", "meeting_times", "accreditation_claims")
    return [
        (group.slug, group.name, group.search_text, getattr(getattr(group, "place", None), "city", None),
         sorted((m.frequency, m.weekday, str(m.start_time)) for m in group.meeting_times.all()),
         sorted(t.slug for t in [*group.types.all(), *group.formats.all(), *group.languages.all()]),
         sorted(c.reference for c in group.accreditation_claims.all()))
        for group in groups.select_related("place")
    ]


def test_clearing_more_synthetic_groups_than_demo_ones_keeps_every_demo_row(demo):
    # More synthetic rows than demo ones: on PostgreSQL the tables are emptied and the demo rows put back.
    before, listing = (Group.objects.count(), Place.objects.count(), MeetingTime.objects.count(),
                       AccreditationClaim.objects.count(), Group.types.through.objects.count()), demo_listing()
    generate(count=400, seed=5)
    assert Group.objects.count() == before[0] + 400
    generate(count=0, seed=6, clear=True)
    assert (Group.objects.count(), Place.objects.count(), MeetingTime.objects.count(),
            AccreditationClaim.objects.count(), Group.types.through.objects.count()) == before
    assert demo_listing() == listing


def test_generate_groups_is_exact_and_deterministic(demo):
    first = generate(count=200, seed=1)
    assert len(first) == 200
    assert generate(count=200, seed=1, clear=True) == first
    assert generate(count=200, seed=1, clear=True) == first
    assert Group.objects.filter(slug__startswith="synthetic-").count() == 200
    # The demo groups are left alone.
    assert demo_groups().exclude(name__startswith="Synthetic group").count() >= 120


def test_generated_groups_have_search_text_and_valid_rows(demo):
    generate(count=200, seed=1)
    groups = (
        Group.objects.filter(slug__startswith="synthetic-1-")
        .select_related("cost", "place")
        .prefetch_related("types", "trauma_types", "populations", "formats", "languages", "access_features")
    )
    assert len(groups) == 200
    for group in groups:
        assert group.search_text
        assert group.types.all() and group.formats.all() and group.languages.all()
        if hasattr(group, "place"):
            assert (group.place.search_latitude, group.place.search_longitude) == group.place.compute_search_point()
    for meeting in MeetingTime.objects.filter(group__slug__startswith="synthetic-1-"):
        meeting.full_clean()
    statuses = set(groups.values_list("status", flat=True))
    assert Group.Status.PUBLISHED in statuses
    if connection.vendor == "postgresql":
        assert not Group.objects.filter(Q(fulltext__isnull=True) | Q(fulltext__vector__isnull=True)).exists()


def test_generate_groups_refuses_to_duplicate_a_seed():
    from django.core.management.base import CommandError

    load_demo()
    generate(count=10, seed=7)
    with pytest.raises(CommandError):
        generate(count=10, seed=7)
