"""Who may do what: every coordinator and staff URL, walked as six kinds of visitor."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from groups.contact import services as contact_services
from groups.contact.guard import shown_at_stamp
from groups.coordination import services
from groups.coordination.invitations import invitation_create
from groups.coordination.models import CoordinatorInvitation
from groups.models import ContactMessage
from groups.reports.models import ListingReport

pytestmark = pytest.mark.django_db

PERSONAS = ["visitor", "unverified", "coordinator_a", "coordinator_b", "staff_without_mfa", "staff_with_mfa"]

LOGIN = "login"  # redirected to log in
MFA = "mfa"  # redirected to set up two-factor authentication
OK = 200
MOVED = 302  # the action was done, then a redirect
NOT_FOUND = 404


@pytest.fixture
def world(make_user, make_group):
    users = {
        "unverified": make_user("unverified@example.org", verified=False),
        "coordinator_a": make_user("a@example.org"),
        "coordinator_b": make_user("b@example.org"),
        "staff_without_mfa": make_user("staff@example.org", staff=True),
        "staff_with_mfa": make_user("mfa-staff@example.org", staff=True, mfa=True),
    }
    own = make_group("A's group", slug="a-group")
    # A second coordinator, so that removing one is allowed; not a persona.
    users["helper"] = make_user("helper@example.org")
    own.coordinators.add(users["coordinator_a"], users["helper"])
    # Waiting invitations of A's group: one for the actions on it, one for coordinator B to accept.
    invitation_create(group=own, inviter=users["coordinator_a"], email="new@example.org")
    _invitation, users["token_for_b"] = invitation_create(group=own, inviter=users["coordinator_a"],
                                                         email="b@example.org")
    make_group("B's group", slug="b-group").coordinators.add(users["coordinator_b"])
    pending = make_group("Waiting", slug="waiting", status="pending", submitted_at=timezone.now(),
                         submitted_by=users["coordinator_b"])
    return users, own, pending


def client_for(persona, users):
    client = Client()
    if persona != "visitor":
        client.force_login(users[persona])
    return client


def outcome(response):
    if response.status_code == 302:
        location = response["Location"]
        if "/accounts/login/" in location or "/admin/login/" in location:
            return LOGIN
        # Staff without two-factor authentication are sent to set it up (with a one-time link).
        if location == "/accounts/staff-enrolment/":
            return MFA
        return MOVED
    return response.status_code


def expected(persona, *, public_to_accounts=False, coordinator_only=False, staff_only=False, action=False):
    if persona == "visitor":
        return LOGIN
    if staff_only:
        if persona == "staff_with_mfa":
            return MOVED if action else OK
        return MFA if persona == "staff_without_mfa" else NOT_FOUND
    if coordinator_only:
        if persona == "coordinator_a":
            return MOVED if action else OK
        return NOT_FOUND
    assert public_to_accounts
    return OK


GET_PAGES = [
    ("/coordinate/", {"public_to_accounts": True}),
    ("/coordinate/groups/new/", {"public_to_accounts": True}),
    ("/coordinate/groups/a-group/", {"coordinator_only": True}),
    ("/coordinate/groups/a-group/edit/", {"coordinator_only": True}),
    ("/coordinate/groups/a-group/preview/", {"coordinator_only": True}),
    ("/coordinate/groups/a-group/close/", {"coordinator_only": True}),
    ("/coordinate/review/", {"staff_only": True}),
    ("/coordinate/review/{pending}/", {"staff_only": True}),
    ("/coordinate/review/{pending}/preview/", {"staff_only": True}),
    ("/coordinate/review/import/", {"staff_only": True}),
    ("/coordinate/review/import/template.csv", {"staff_only": True}),
    ("/coordinate/review/reports/", {"staff_only": True}),
    ("/coordinate/review/reports/{report}/", {"staff_only": True}),
]

POST_ACTIONS = [
    ("/coordinate/groups/a-group/confirm/", {}),
    ("/coordinate/groups/a-group/status/", {"action": "pause"}),
    ("/coordinate/groups/a-group/close/", {"confirm": "close"}),
    ("/coordinate/groups/a-group/reopen/", {}),
    ("/coordinate/groups/a-group/coordinators/invite/", {"email": "new@example.org"}),
    ("/coordinate/groups/a-group/coordinators/{helper}/remove/", {}),
    ("/coordinate/groups/a-group/invitations/{invitation}/cancel/", {}),
    ("/coordinate/groups/a-group/invitations/{invitation}/resend/", {}),
    ("/coordinate/groups/a-group/submit/", {}),
]


def coordination_state(own):
    """What the invitation and coordinator actions change, to check a refused one changed nothing."""
    return (
        sorted(own.coordinators.values_list("email", flat=True)),
        sorted(CoordinatorInvitation.objects.values_list("email", "cancelled_at")),
    )


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("url, rule", GET_PAGES)
def test_pages(world, persona, url, rule):
    users, own, pending = world
    report = ListingReport.objects.create(group=own, reason="unsafe", reply_email="reporter@example.org")
    response = client_for(persona, users).get(url.format(pending=pending.pk, report=report.pk))
    assert outcome(response) == expected(persona, **rule), (persona, url)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("url, data", POST_ACTIONS)
def test_coordinator_actions(world, persona, url, data):
    users, own, _pending = world
    invitation = own.invitations.get(email="new@example.org")
    before = coordination_state(own)
    response = client_for(persona, users).post(url.format(helper=users["helper"].pk, invitation=invitation.pk), data)
    assert outcome(response) == expected(persona, coordinator_only=True, action=True), (persona, url)
    if persona != "coordinator_a":
        assert coordination_state(own) == before, (persona, url)


@pytest.mark.parametrize("persona", PERSONAS)
def test_invitation_page(world, persona):
    """Only the invited address (coordinator B's) sees which group it is and can accept; others are told no."""
    users, own, _pending = world
    url = f"/coordinate/invitations/{users['token_for_b']}/"
    page, accept = client_for(persona, users).get(url), client_for(persona, users).post(url)
    rule = {"visitor": LOGIN, "coordinator_b": OK}.get(persona, 400)
    assert outcome(page) == rule, persona
    assert outcome(accept) == (MOVED if rule == OK else rule), persona
    assert own.coordinators.filter(pk=users["coordinator_b"].pk).exists() == (persona == "coordinator_b")


@pytest.mark.parametrize("persona", PERSONAS)
def test_removing_a_co_coordinator(world, persona):
    users, own, _pending = world
    helper = users["helper"]
    response = client_for(persona, users).post(f"/coordinate/groups/a-group/coordinators/{helper.pk}/remove/")
    assert outcome(response) == expected(persona, coordinator_only=True, action=True), persona
    still_there = own.coordinators.filter(pk=helper.pk).exists()
    assert still_there == (persona != "coordinator_a"), persona


@pytest.mark.parametrize("persona", PERSONAS)
def test_review_decision(world, persona):
    users, _own, pending = world
    # The token the review page would carry (tests.groups.coordination.support reads it from the page itself).
    seen = services.seen_token(pending)
    response = client_for(persona, users).post(f"/coordinate/review/{pending.pk}/", {"action": "approve",
                                                                                     "seen": seen})
    assert outcome(response) == expected(persona, staff_only=True, action=True), persona
    pending.refresh_from_db()
    assert pending.status == ("published" if persona == "staff_with_mfa" else "pending")


@pytest.mark.parametrize("persona", PERSONAS)
def test_import_check(world, persona):
    """Checking a file is staff only; anyone else gets the same answer as for the page, and nothing is read."""
    users, _own, _pending = world
    data = SimpleUploadedFile("groups.csv", b"name\nA\n", content_type="text/csv")
    response = client_for(persona, users).post("/coordinate/review/import/", {"action": "check", "file": data})
    rule = {"visitor": LOGIN, "staff_without_mfa": MFA, "staff_with_mfa": 400}
    assert outcome(response) == rule.get(persona, NOT_FOUND), persona


@pytest.mark.parametrize("persona", PERSONAS)
def test_admin(world, persona):
    response = client_for(persona, world[0]).get("/admin/")
    rule = {"visitor": LOGIN, "unverified": LOGIN, "coordinator_a": LOGIN, "coordinator_b": LOGIN,
            "staff_without_mfa": MFA, "staff_with_mfa": OK}
    assert outcome(response) == rule[persona], persona


@pytest.mark.parametrize("persona", PERSONAS[1:])
def test_someone_elses_group_is_a_404_for_every_action(world, persona):
    users, _own, _pending = world
    client = client_for(persona, users)
    for path in ["", "edit/", "preview/"]:
        expected_status = 200 if persona == "coordinator_b" else 404
        assert client.get(f"/coordinate/groups/b-group/{path}").status_code == expected_status


@pytest.mark.parametrize("persona", PERSONAS)
def test_reporting_a_listing_needs_no_account(world, persona):
    users, _own, _pending = world
    client = client_for(persona, users)
    assert outcome(client.get("/groups/a-group/report/")) == OK
    assert outcome(client.get("/groups/a-group/report/thanks/")) == OK
    # A POST with mistakes is shown again to anyone (no account asked for); none is stored.
    assert outcome(client.post("/groups/a-group/report/", {"reason": ""})) == 400
    assert not ListingReport.objects.exists()


@pytest.mark.parametrize("persona", PERSONAS)
def test_resolving_a_report(world, persona):
    users, own, _pending = world
    report = ListingReport.objects.create(group=own, reason="closed")
    response = client_for(persona, users).post(f"/coordinate/review/reports/{report.pk}/",
                                               {"resolution": "taken-down", "note": "Closed."})
    assert outcome(response) == expected(persona, staff_only=True, action=True), persona
    report.refresh_from_db()
    own.refresh_from_db()
    assert report.is_resolved == (persona == "staff_with_mfa")
    assert own.status == ("closed" if persona == "staff_with_mfa" else "published")


@pytest.mark.parametrize("persona", PERSONAS)
def test_marking_a_report_fixed(world, persona):
    """Only the group's own coordinators; the reply address is shown to staff alone."""
    users, own, _pending = world
    report = ListingReport.objects.create(group=own, reason="wrong-time", reply_email="reporter@example.org")
    client = client_for(persona, users)
    response = client.post(f"/coordinate/groups/a-group/reports/{report.pk}/fixed/")
    assert outcome(response) == expected(persona, coordinator_only=True, action=True), persona
    report.refresh_from_db()
    assert (report.coordinators_fixed_at is not None) == (persona == "coordinator_a")
    shows_address = "reporter@example.org" in client.get(f"/coordinate/review/reports/{report.pk}/").content.decode()
    assert shows_address == (persona == "staff_with_mfa")
    assert "reporter@example.org" not in client.get("/coordinate/groups/a-group/").content.decode()
# --- Messages sent through "Contact this group" (groups.contact) -----------------------------------------------


@pytest.fixture
def messages(world):
    """A message to A's group, and one its coordinator reported as abusive (only that one staff may read)."""
    users, own, _pending = world
    own.accepts_messages = True
    own.save(update_fields=["accepts_messages"])
    send = {"group": own, "reply_by": "email", "reply_to": "sam@example.org", "safe_times": "Evenings",
            "may_identify": False, "body": "Hello"}
    private = contact_services.message_send(name="Private", **send)
    reported = contact_services.message_send(name="Reported", **send)
    contact_services.message_report(message=reported, user=users["coordinator_a"], note="Threats")
    return {"message": private.pk, "reported": reported.pk}


MESSAGE_PAGES = [
    ("/coordinate/messages/", {"public_to_accounts": True}),
    ("/coordinate/messages/{message}/delete/", {"coordinator_only": True}),
    ("/coordinate/messages/{message}/report/", {"coordinator_only": True}),
    ("/coordinate/messages/{reported}/delete/", {"coordinator_only": True}),
    ("/coordinate/review/messages/", {"staff_only": True}),
    ("/coordinate/review/messages/{reported}/", {"staff_only": True}),
]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("url, rule", MESSAGE_PAGES)
def test_message_pages(world, messages, persona, url, rule):
    response = client_for(persona, world[0]).get(url.format(**messages))
    assert outcome(response) == expected(persona, **rule), (persona, url)


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_group_s_coordinators_read_the_messages(world, messages, persona):
    page = client_for(persona, world[0]).get("/coordinate/messages/").content.decode()
    assert ("Hello" in page) == (persona == "coordinator_a"), persona


@pytest.mark.parametrize("persona", PERSONAS)
def test_staff_never_read_an_unreported_message(world, messages, persona):
    response = client_for(persona, world[0]).get(f"/coordinate/review/messages/{messages['message']}/")
    assert outcome(response) == {"visitor": LOGIN, "staff_without_mfa": MFA}.get(persona, NOT_FOUND), persona


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("action, data", [("answered", {}), ("report", {"note": "Spam"}), ("delete", {})])
def test_message_actions(world, messages, persona, action, data):
    response = client_for(persona, world[0]).post(f"/coordinate/messages/{messages['message']}/{action}/", data)
    assert outcome(response) == expected(persona, coordinator_only=True, action=True), (persona, action)
    message = ContactMessage.objects.filter(pk=messages["message"]).first()
    unchanged = message is not None and message.answered_at is None and message.reported_at is None
    assert unchanged == (persona != "coordinator_a"), (persona, action)


@pytest.mark.parametrize("persona", PERSONAS)
def test_anyone_may_send_a_message_without_an_account(world, messages, persona, settings):
    settings.CONTACT_MINIMUM_FILL_SECONDS = 0
    client = client_for(persona, world[0])
    assert client.get("/groups/a-group/contact/").status_code == OK
    response = client.post("/groups/a-group/contact/", {
        "name": "Sam", "reply_to": "sam@example.org", "safe_times": "Evenings", "may_identify": "yes",
        "shown_at": shown_at_stamp(),
    })
    assert outcome(response) == MOVED and response["Location"].startswith("/groups/a-group/contact/sent/")
    assert client.get(response["Location"]).status_code == OK
