"""Staff two-factor enrolment pages in a real browser: the explanation and the one-time link's page pass axe,
and the link's button leads on to setting up the authenticator app."""

import pytest

from tests.browser.test_accounts_and_coordinators import audit, signed_in_context

pytestmark = [pytest.mark.browser]


def test_enrolment_pages_pass_axe_and_the_button_leads_on(new_context, server, transactional_db, make_user):
    from accounts.enrolment import issue_enrolment_link

    staff = make_user("staff@example.org", staff=True)
    page = signed_in_context(new_context, server, staff).new_page()
    response = page.goto(server + "/admin/")
    assert response.url.endswith("/accounts/staff-enrolment/")
    audit(page, "staff-enrolment-needed")

    link = issue_enrolment_link(staff).split("/accounts/", 1)[1]
    page.goto(f"{server}/accounts/{link}")
    audit(page, "staff-enrolment-link")
    with page.expect_navigation():
        page.get_by_role("button", name="Set up two-factor authentication").click()
    # allauth asks for the password again before the authenticator app can be added.
    assert "/accounts/reauthenticate/" in page.url and "2fa%2Ftotp%2Factivate" in page.url

    page.goto(f"{server}/accounts/{link}")
    audit(page, "staff-enrolment-used")
    assert "does not work" in page.content()
