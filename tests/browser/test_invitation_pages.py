"""Co-coordinators in a real browser: the group page with coordinators and invitations, the profile page with
the consent box, and the invitation page the invitee sees pass axe; cancelling and sending again work."""

import pytest

from tests.browser.support import audit
from tests.browser.test_accounts_and_coordinators import signed_in_context

pytestmark = [pytest.mark.browser]


def test_coordinator_and_invitation_pages_pass_axe(new_context, server, transactional_db, make_user, make_group):
    from groups.coordination.invitations import invitation_create
    from groups.coordination.models import CoordinatorInvitation

    coordinator = make_user("coordinator@example.org")
    colleague = make_user("colleague@example.org")
    colleague.display_name = "Robin"
    colleague.save()
    group = make_group("Evening Circle", slug="evening-circle")
    group.coordinators.add(coordinator, colleague)
    invitation_create(group=group, inviter=coordinator, email="someone@example.org")
    _invitation, token = invitation_create(group=group, inviter=coordinator, email="friend@example.org")

    page = signed_in_context(new_context, server, coordinator).new_page()
    page.goto(server + "/coordinate/groups/evening-circle/")
    assert "Robin" in page.content()
    assert "colleague@example.org" not in page.content()
    audit(page, "coordinate-group-invitations")
    with page.expect_navigation():
        page.get_by_role("button", name="Cancel someone@example.org").click()
    assert CoordinatorInvitation.objects.get(email="someone@example.org").cancelled_at is not None
    with page.expect_navigation():
        page.get_by_role("button", name="Send again friend@example.org").click()
    assert CoordinatorInvitation.objects.filter(email="friend@example.org").count() == 2
    page.goto(server + "/accounts/profile/")
    audit(page, "account-profile")

    friend = make_user("friend@example.org")
    invitee = signed_in_context(new_context, server, friend).new_page()
    invitee.goto(f"{server}/coordinate/invitations/{token}/")
    # The first link was replaced by the one sent again: the page says so, and passes axe.
    assert "replaced by a newer one" in invitee.content()
    audit(invitee, "coordinate-invitation-replaced")
    _new, fresh = invitation_create(group=group, inviter=coordinator, email="friend@example.org")
    invitee.goto(f"{server}/coordinate/invitations/{fresh}/")
    assert "Evening Circle" in invitee.content()
    audit(invitee, "coordinate-invitation")
