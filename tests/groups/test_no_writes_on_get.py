"""Opening a page writes nothing: every coordinator, staff and account page, walked with GET.

Every URL name of groups/coordination/urls.py, groups/accreditation/urls.py and groups/reports/urls.py, and every
/accounts/ page that takes no secret key, is opened as a coordinator and as staff with two-factor, for a listing in
each status (and a public one with a proposed change, in both its states), a claim and a report in each state (and
the public report pages as a visitor). The database's statements are captured: any INSERT, UPDATE or DELETE fails
the test. The only exception is the session table, which Django writes when a page leaves a message or signs a
form in the session; no page here is expected to, but it is bookkeeping about the visit, not about the listing.
Every URL name of groups/coordination/urls.py, groups/accreditation/urls.py and groups/contact/urls.py, and
every /accounts/ page that takes no secret key, is opened as a coordinator and as staff with two-factor, for a
listing in each status (and a public one with a proposed change, in both its states), a claim in each state and
a message (reported or not). The database's statements are captured: any INSERT, UPDATE or DELETE fails the
test. The only exception is the session table, which Django writes when a page leaves a message or signs a form
in the session; no page here is expected to, but it is bookkeeping about the visit, not about the listing.
"""

import datetime
import re

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from groups.accreditation import urls as accreditation_urls
from groups.contact import services as contact_services
from groups.contact import urls as contact_urls
from groups.coordination import urls as coordination_urls
from groups.coordination.models import CoordinatorInvitation
from groups.models import AccreditationClaim, ClaimEvidence, Group, ListingReport
from groups.reports import urls as reports_urls

pytestmark = pytest.mark.django_db

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)
BOOKKEEPING_TABLES = ("django_session",)


def writes(queries):
    return [
        query["sql"] for query in queries
        if WRITE.match(query["sql"]) and not any(table in query["sql"] for table in BOOKKEEPING_TABLES)
    ]


def url_names(module):
    names = []
    for pattern in module.urlpatterns:
        if isinstance(pattern, URLPattern):
            names.append(pattern.name)
    return names


@pytest.fixture
def world(make_user, make_group, accrediting_body, settings, tmp_path, today):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private-media"
    coordinator = make_user("coordinator@example.org")
    staff = make_user("staff@example.org", staff=True, mfa=True)
    groups = {
        status: make_group(f"A {status} listing", slug=f"listing-{status}", status=status,
                           submitted_at=timezone.now(), submitted_by=coordinator)
        for status in ["draft", "pending", "published", "paused", "closed"]
    }
    for status in ["revision", "pending"]:
        original = make_group(f"Public with a change {status}", slug=f"changed-{status}")
        groups[f"changed-{status}"] = original
        make_group(f"Public with a change {status}, proposed", slug=f"changed-{status}-proposed",
                   status=status, revision_of=original, submitted_at=timezone.now(), submitted_by=coordinator)
    for group in Group.objects.all():
        # Staff coordinate too, so every coordinator page opens for them rather than being a 404.
        group.coordinators.add(coordinator, staff)
    public = groups["published"]
    day = datetime.timedelta(days=1)
    claims = [
        AccreditationClaim.objects.create(group=public, body=accrediting_body, scope="group", **fields)
        for fields in [
            {"status": "claimed"},
            {"status": "verified", "valid_until": today + 100 * day},
            {"status": "verified", "valid_until": today - day},
            {"status": "rejected", "rejection_reason": "Not found on the register."},
        ]
    ]
    AccreditationClaim.objects.create(group=public, body=accrediting_body, scope="group", status="claimed",
                                      renewal_of=claims[1])
    evidence = ClaimEvidence(claim=claims[0], original_name="letter.pdf", content_type="application/pdf", size=10)
    evidence.file.save("evidence", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=True)
    token = CoordinatorInvitation.new_token()
    invitation = CoordinatorInvitation.objects.create(
        group=public, email="friend@example.org", invited_by=coordinator,
        token_hash=CoordinatorInvitation.hash_token(token), expires_at=timezone.now() + 7 * day,
    )
    reports = [
        ListingReport.objects.create(group=public, reason=reason, note="A note.", reply_email="r@example.org", **state)
        for reason, state in [
            ("unsafe", {}), ("wrong-time", {}), ("wrong-time", {"coordinators_fixed_at": timezone.now()}),
            ("closed", {"resolution": "asked-coordinators", "resolved_at": timezone.now(), "resolved_by": staff}),
            ("wrong-details", {"resolution": "dismissed", "resolved_at": timezone.now(), "resolved_by": staff}),
        ]
    ]
    Group.objects.filter(pk=public.pk).update(accepts_messages=True)
    public.refresh_from_db()
    contact = {"reply_by": "email", "reply_to": "sam@example.org", "safe_times": "Evenings", "may_identify": False}
    messages = [contact_services.message_send(group=public, name=name, **contact) for name in ["Sam", "Alex"]]
    contact_services.message_report(message=messages[1], user=coordinator)
    return {"users": [coordinator, staff], "groups": groups, "claims": claims, "evidence": evidence,
            "token": token, "invitation": invitation, "messages": messages, "public": public, "reports": reports}


def contact_urls_for(world):
    """Every URL name of groups/contact/urls.py: the public form and thank-you page, the inbox, each message."""
    args_for = {
        "form": [(world["public"].slug,)], "sent": [(world["public"].slug,)], "inbox": [()],
        "reported_list": [()],
    }
    messages = [(message.pk,) for message in world["messages"]]
    return [reverse(f"contact:{name}", args=args)
            for name in url_names(contact_urls) for args in args_for.get(name, messages)]


def coordination_urls_for(world):
    """Every coordination URL name, with each listing, proposed change and claim it can take."""
    groups = world["groups"]
    reviewable = list(Group.objects.values_list("pk", flat=True))
    someone = world["users"][0].pk
    args_for = {
        "dashboard": [()], "create": [()], "review_queue": [()],
        "invitation": [(world["token"],), ("not-a-token",)],
        "review": [(pk,) for pk in reviewable], "review_preview": [(pk,) for pk in reviewable],
        "remove_coordinator": [(group.slug, someone) for group in groups.values()],
        "cancel_invitation": [(world["invitation"].group.slug, world["invitation"].pk)],
        "resend_invitation": [(world["invitation"].group.slug, world["invitation"].pk)],
    }
    names = url_names(coordination_urls)
    urls = []
    for name in names:
        for args in args_for.get(name, [(group.slug,) for group in groups.values()]):
            urls.append(reverse(f"coordinate:{name}", args=args))
    accreditation_args = {
        "claims": [(group.slug,) for group in groups.values()],
        "edit": [(claim.group.slug, claim.pk) for claim in AccreditationClaim.objects.select_related("group")],
        "evidence": [(world["evidence"].pk,)],
        "queue": [()],
        "review": [(claim.pk,) for claim in AccreditationClaim.objects.all()],
    }
    for name in url_names(accreditation_urls):
        assert name in accreditation_args, f"coordinate:accreditation:{name} is not walked: add it here"
        urls.extend(reverse(f"coordinate:accreditation:{name}", args=args) for args in accreditation_args[name])
    return urls + report_urls_for(world)


def report_urls_for(world):
    """Every report URL name: the public form of each listing, the staff pages and coordinators' action per report."""
    slugs = [(group.slug,) for group in world["groups"].values()]
    report_args = {
        "report": slugs, "thanks": slugs, "staff_queue": [()],
        "staff_report": [(report.pk,) for report in world["reports"]],
        "mark_fixed": [(report.group.slug, report.pk) for report in world["reports"]],
    }
    urls = []
    for name in url_names(reports_urls):
        assert name in report_args, f"reports:{name} is not walked: add it here"
        urls.extend(reverse(f"reports:{name}", args=args) for args in report_args[name])
    return urls


def account_urls():
    """Every /accounts/ page that takes no argument (those with one need a secret key sent by email)."""
    found = []

    def walk(patterns, prefix):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif route.startswith("accounts/") and "<" not in route and "(?P" not in route:
                found.append("/" + route.lstrip("^").rstrip("$"))

    walk(get_resolver().url_patterns, "")
    return sorted(set(found))


def test_the_walk_reaches_every_kind_of_page(world):
    urls = coordination_urls_for(world)
    assert any("/edit/" in url for url in urls) and any("/review/accreditation/" in url for url in urls)
    assert any("/review/reports/" in url for url in urls) and any(url.endswith("/report/") for url in urls)
    contact = contact_urls_for(world)
    assert "/coordinate/messages/" in contact and any(url.endswith("/contact/") for url in contact)
    accounts = account_urls()
    assert {"/accounts/profile/", "/accounts/data/", "/accounts/email/", "/accounts/2fa/"} <= set(accounts)


@pytest.mark.parametrize("who", ["coordinator", "staff with two-factor"])
def test_no_page_writes_on_get(world, who):
    user = world["users"][0 if who == "coordinator" else 1]
    client = Client()
    client.force_login(user)
    statuses = {}
    for url in coordination_urls_for(world) + contact_urls_for(world) + account_urls():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code < 500, url
        assert writes(captured.captured_queries) == [], url
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
    # The walk really opens the pages: coordinators every page of their listings and claims, staff the review
    # pages too (POST-only addresses answer 405; a coordinator gets a 404 for staff pages).
    assert statuses[200] >= (50 if who == "coordinator" else 85), statuses


def test_the_public_report_pages_write_nothing_for_a_visitor(world):
    client = Client()
    for url in report_urls_for(world):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code < 500, url
        assert writes(captured.captured_queries) == [], url


def test_the_edit_page_of_a_public_listing_leaves_nothing_waiting(make_user, make_group):
    """Only looking at the form must not leave "changes saved but not submitted" on the dashboard."""
    coordinator = make_user("coordinator@example.org")
    published = make_group("Public", slug="public")
    published.coordinators.add(coordinator)
    client = Client()
    client.force_login(coordinator)
    assert client.get(reverse("coordinate:edit", args=["public"])).status_code == 200
    assert not published.revisions.exists()
    dashboard = client.get(reverse("coordinate:dashboard")).content.decode()
    assert "Public" in dashboard and "saved but not yet submitted" not in dashboard
