"""Small fixtures and a group factory. Tests build their own data; they never use the demo data."""

import datetime
import itertools
import os

import pytest
from django.utils import timezone
from hypothesis import settings as hypothesis_settings

from groups.core.search import refresh_search_fields
from groups.models import (
    AccessibilityFeature,
    AccreditationClaim,
    AccreditingBody,
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

TERMS = {
    GroupType: ["legal-advocacy", "therapeutic", "educational", "national-international", "community-based"],
    TraumaType: ["sexual-violence", "domestic-abuse", "burn-injury", "stalking"],
    Population: ["women", "men", "refugees", "lgbtq"],
    Format: ["in-person", "online", "hybrid", "phone"],
    Language: ["en", "fr", "ar"],
    Cost: ["free", "donation", "sliding-scale", "fee"],
    AccessibilityFeature: ["wheelchair", "hearing-loop", "quiet-room"],
}
NAMES = {"en": "English", "fr": "French", "ar": "Arabic", "lgbtq": "LGBTQ+ people"}

_sequence = itertools.count(1)

# Property-based tests: each test bounds its own examples. CI runs them derandomized (HYPOTHESIS_PROFILE=ci in
# .ci/run), so a landing run is repeatable; a developer's run explores new examples each time.
hypothesis_settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
hypothesis_settings.register_profile("dev", deadline=None, print_blob=True)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture
def taxonomy(db):
    """A small set of terms for every taxonomy, named after their slugs."""
    created = {}
    for model, slugs in TERMS.items():
        created[model] = {
            slug: model.objects.create(
                slug=slug, name=NAMES.get(slug, slug.replace("-", " ").capitalize()), order=index
            )
            for index, slug in enumerate(slugs)
        }
    return created


@pytest.fixture
def accrediting_body(db):
    return AccreditingBody.objects.create(
        slug="safelives-leading-lights", name="SafeLives", scheme="Leading Lights",
        certifies="Domestic abuse services", applies_to="service", renewal_months=36,
    )


@pytest.fixture
def make_group(taxonomy):
    """Create a group: taxonomy values are given as slugs; place and meetings as dicts."""

    def make(
        name=None, *, summary="A group.", description="", host_name="", status=Group.Status.PUBLISHED,
        types=("community-based",), trauma=(), population=(), formats=("in-person",), language=("en",),
        cost="free", access=(), place=None, meetings=(), claims=(), time_zone="Europe/London", **fields,
    ):
        number = next(_sequence)
        name = name or f"Group {number:05d}"
        group = Group.objects.create(
            name=name, slug=fields.pop("slug", f"group-{number}"), summary=summary, description=description,
            host_name=host_name, status=status, cost=Cost.objects.get(slug=cost),
            facilitation=fields.pop("facilitation", Group.Facilitation.PEER),
            attendance=fields.pop("attendance", Group.Attendance.DROP_IN), time_zone=time_zone, **fields,
        )
        group.types.set(GroupType.objects.filter(slug__in=types))
        group.trauma_types.set(TraumaType.objects.filter(slug__in=trauma))
        group.populations.set(Population.objects.filter(slug__in=population))
        group.formats.set(Format.objects.filter(slug__in=formats))
        group.languages.set(Language.objects.filter(slug__in=language))
        group.access_features.set(AccessibilityFeature.objects.filter(slug__in=access))
        if place:
            Place.objects.create(group=group, **{"country": "GB", "city": "Leeds", **place})
        for meeting in meetings:
            MeetingTime.objects.create(group=group, **meeting)
        for claim in claims:
            AccreditationClaim.objects.create(group=group, **claim)
        refresh_search_fields([Group.objects.prefetch_related(
            "types", "trauma_types", "populations", "formats", "languages", "access_features"
        ).select_related("cost").get(pk=group.pk)])
        return group

    return make


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def tomorrow(today):
    return today + datetime.timedelta(days=1)


@pytest.fixture
def make_user(db):
    """An account: verified email by default; staff and MFA (an authenticator app) on request."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from accounts.models import User

    def make(email, *, staff=False, verified=True, mfa=False, password="a-long-test-password-1"):
        user = User.objects.create_user(email=email, password=password, is_staff=staff)
        EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
        if mfa:
            TOTP.activate(user, generate_totp_secret())
            assert Authenticator.objects.filter(user=user).exists()
        return user

    return make


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits and result cards live in caches: start every test with empty ones."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()
    yield
    for cache in caches.all():
        cache.clear()
