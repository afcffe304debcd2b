"""Staff two-factor enrolment pages in a real browser: the explanation and the one-time link's page pass axe,
and the link's button leads on to setting up the authenticator app, which ends with a way on to the review queue."""

import time

import pytest

from tests.browser.support import audit
from tests.browser.test_accounts_and_coordinators import signed_in_context

pytestmark = [pytest.mark.browser]


def test_enrolment_pages_pass_axe_and_the_button_leads_on(new_context, server, transactional_db, make_user):
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

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
    audit(page, "staff-enrolment-password")
    page.goto(f"{server}/accounts/{link}")
    audit(page, "staff-enrolment-used")
    assert "does not work" in page.content()

    # The link was opened in this browser, so setting up the app goes on from here.
    page.goto(server + "/accounts/2fa/totp/activate/")

    # The password, then a code from the app (worked out here from the secret the page shows).
    page.locator("main input[type=password]").fill("a-long-test-password-1")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.url.endswith("/accounts/2fa/totp/activate/")
    audit(page, "staff-enrolment-app")
    secret = page.locator("#authenticator_secret").input_value()
    page.locator("main input[name=code]").fill(format_hotp_value(hotp_value(secret, int(time.time()) // 30)))
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    # It ends on the recovery codes, with the way on to the work two-factor authentication opens.
    assert page.url.endswith("/accounts/2fa/recovery-codes/")
    next_step = page.get_by_role("region", name="Next: the review queue")
    assert next_step.get_by_text("Keep your recovery codes somewhere safe first").is_visible()
    audit(page, "staff-enrolment-done")
    with page.expect_navigation():
        next_step.get_by_role("link", name="Go to the review queue").click()
    assert page.url == server + "/coordinate/review/"
    assert page.get_by_role("heading", level=1, name="Review queue").is_visible()
    page.goto(server + "/accounts/2fa/")
    audit(page, "staff-two-factor")
