"""One transition table says what a listing allows; services refuse the rest, pages offer only what it allows."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from groups.coordination import services
from groups.core.models import Group
from groups.core.models.group import LISTING_WORKFLOW, PROPOSED_CHANGE_WORKFLOW

pytestmark = pytest.mark.django_db

# The coordinator's buttons on the listing page, and the status each listing must show them in.
BUTTONS = {
    # A closed listing is reopened for review instead (its own button, below).
    "Submit for review": {"draft"},
    "Reopen the listing for review": {"closed"},
    "Still accurate: confirm without changes": {"published", "paused"},
    "Pause: not taking new members": {"published"},
    "Reopen to new members": {"paused"},
    # A link to the confirmation page (groups.coordination.views.group_close), apart from the other buttons.
    "Close the listing…": {"draft", "pending", "published", "paused"},
}



def test_every_status_is_in_a_table_and_every_target_is_a_status():
    statuses = set(Group.Status.values) | {"merged", "discarded"}
    for workflow in (LISTING_WORKFLOW, PROPOSED_CHANGE_WORKFLOW):
        for transition in workflow.transitions():
            assert transition.source in statuses and transition.target in statuses, transition


@pytest.mark.parametrize("status", ["draft", "pending", "published", "paused", "closed"])
def test_the_listing_page_offers_exactly_what_the_table_allows(make_group, coordinator, status):
    group = make_group("Listing", slug="listing", status=status)
    group.coordinators.add(coordinator)
    client = Client()
    client.force_login(coordinator)
    page = client.get("/coordinate/groups/listing/").content.decode()
    for label, statuses in BUTTONS.items():
        assert (label in page) == (status in statuses), (status, label)


@pytest.mark.parametrize("status, action", [
    ("draft", "pause"), ("draft", "reopen"), ("paused", "pause"), ("published", "reopen"), ("closed", "close"),
])
def test_a_status_change_the_table_does_not_allow_is_refused_and_recorded_nowhere(
        make_group, coordinator, status, action):
    group = make_group("Listing", status=status)
    with pytest.raises(ValidationError):
        services.group_set_status(group=group, user=coordinator, action=action)
    group.refresh_from_db()
    assert group.status == status and not group.decisions.exists()


@pytest.mark.parametrize("status", ["draft", "pending", "closed"])
def test_only_a_public_listing_can_be_confirmed_as_still_accurate(make_group, coordinator, status):
    group = make_group("Listing", status=status)
    with pytest.raises(ValidationError):
        services.group_confirm(group=group, user=coordinator)
    assert not group.decisions.exists()


def test_staff_cannot_decide_on_what_is_not_waiting(make_group, make_user):
    group = make_group("Listing", status="draft")
    reviewer = make_user("reviewer@example.org", staff=True, mfa=True)
    for action in ["approve", "request-changes", "reject"]:
        with pytest.raises(ValidationError):
            services.review_decide(group=group, reviewer=reviewer, action=action, reason="A reason.",
                                   seen=services.seen_token(group))
    group.refresh_from_db()
    assert group.status == "draft" and not group.decisions.exists()
