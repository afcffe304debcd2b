"""Forms that post, in a real browser: signing in works, and the account and coordinator pages pass axe."""

import pytest

from tests.browser.support import audit

pytestmark = [pytest.mark.browser]

PASSWORD = "a-long-test-password-1"


@pytest.fixture
def coordinator(transactional_db, make_user, make_group):
    user = make_user("coordinator@example.org", password=PASSWORD)
    make_group("Evening Circle", slug="evening-circle").coordinators.add(user)
    return user




def sign_in(page, server):
    page.goto(server + "/accounts/login/")
    page.get_by_label("Email").fill("coordinator@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_label("Password").press("Enter")


def test_signing_in_through_the_form_works(new_context, server, coordinator):
    # Under a no-referrer policy Chromium sends "Origin: null" with a form post, which CSRF refuses:
    # the sign-in page must use same-origin for its own forms.
    page = new_context().new_page()
    sign_in(page, server)
    assert page.url == server + "/coordinate/"
    assert page.get_by_role("heading", name="Your groups").is_visible()


def test_account_pages_pass_axe(new_context, server, coordinator):
    page = new_context(bypass_csp=True).new_page()
    page.goto(server + "/accounts/login/")
    audit(page, "account-login")
    page.goto(server + "/accounts/signup/")
    audit(page, "account-signup")
    # The sign-up form with its errors shown.
    page.get_by_label("Email").fill("not-an-email")
    with page.expect_navigation():
        page.locator("form button[type=submit]").last.click()
    audit(page, "account-signup-errors")


def test_coordinator_pages_pass_axe_including_the_form_with_errors(new_context, server, coordinator):
    page = new_context(bypass_csp=True).new_page()
    sign_in(page, server)
    audit(page, "coordinate-dashboard")
    page.goto(server + "/coordinate/groups/evening-circle/")
    audit(page, "coordinate-group")
    page.goto(server + "/coordinate/groups/new/")
    audit(page, "coordinate-new")
    page.get_by_label("Name").first.fill("Half-filled group")
    with page.expect_navigation():
        page.get_by_role("button", name="Save and submit for review").click()
    assert page.get_by_role("heading", name="Please check the form").is_visible()
    # Every error in the summary links to its field, and the typed name is kept.
    assert page.get_by_label("Name").first.input_value() == "Half-filled group"
    links = page.locator("#error-summary a")
    assert links.count() >= 1
    for index in range(links.count()):
        target = links.nth(index).get_attribute("href")
        assert page.locator(target).count() == 1, target
    audit(page, "coordinate-form-errors")


def signed_in_context(new_context, server, user):
    """A browser signed in as `user` (staff with two-factor authentication cannot type a code here)."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    context = new_context(bypass_csp=True)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": server}])
    return context


def test_accreditation_and_review_pages_pass_axe(new_context, server, coordinator, make_user, make_group,
                                                 accrediting_body):
    from django.utils import timezone

    from groups.models import AccreditationClaim, Group

    group = Group.objects.get(slug="evening-circle")
    claim = AccreditationClaim.objects.create(group=group, body=accrediting_body, reference="LL-1",
                                              submitted_at=timezone.now(), submitted_by=coordinator)
    pending = make_group("Waiting Circle", slug="waiting", status="pending", submitted_at=timezone.now())
    page = signed_in_context(new_context, server, coordinator).new_page()
    page.goto(server + "/coordinate/groups/evening-circle/accreditation/")
    audit(page, "coordinate-accreditation")

    staff = make_user("staff@example.org", staff=True, mfa=True)
    page = signed_in_context(new_context, server, staff).new_page()
    for name, path in [("review-queue", "/coordinate/review/"), ("review-listing", f"/coordinate/review/{pending.pk}/"),
                       ("review-claims", "/coordinate/review/accreditation/"),
                       ("review-claim", f"/coordinate/review/accreditation/{claim.pk}/")]:
        response = page.goto(server + path)
        assert response.status == 200, path
        audit(page, name)

    # Changed while staff read it: the decision is refused and the page shows what changed (issue 10).
    page.goto(server + f"/coordinate/review/{pending.pk}/")
    Group.objects.filter(pk=pending.pk).update(summary="A different summary.", version=pending.version + 1)
    page.get_by_role("button", name="Approve").click()
    assert page.get_by_text("This changed after you opened it. Nothing was decided.").is_visible()
    audit(page, "review-listing-changed")
    page.goto(server + f"/coordinate/review/accreditation/{claim.pk}/")
    AccreditationClaim.objects.filter(pk=claim.pk).update(reference="LL-2", version=claim.version + 1)
    page.locator("#id_reject-reason").fill("Which reference is it?")
    page.get_by_role("button", name="Reject").click()
    assert page.get_by_text("This claim changed after you opened it. Nothing was decided.").is_visible()
    audit(page, "review-claim-changed")

def test_close_confirm_reopen_and_the_header_links(new_context, server, coordinator):
    """A coordinator closes a listing only after confirming, reopens it for review, then uses the header links."""
    from groups.models import Group

    page = new_context(bypass_csp=True).new_page()
    sign_in(page, server)
    page.goto(server + "/coordinate/groups/evening-circle/")
    with page.expect_navigation():
        page.get_by_role("link", name="Close the listing…").click()
    assert page.get_by_role("heading", name="What happens when you close it").is_visible()
    audit(page, "coordinate-close")
    # Pressing the button without ticking the box closes nothing.
    with page.expect_navigation():
        page.get_by_role("button", name="Close the listing").click()
    assert page.get_by_text("Nothing has changed yet").is_visible()
    assert Group.objects.get(slug="evening-circle").status == "published"
    audit(page, "coordinate-close-unconfirmed")
    page.get_by_label("I understand: close this listing").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Close the listing").click()
    assert Group.objects.get(slug="evening-circle").status == "closed"
    audit(page, "coordinate-group-closed")
    with page.expect_navigation():
        page.get_by_role("button", name="Reopen the listing for review").click()
    assert page.get_by_text("Reopened and sent for review").is_visible()
    assert Group.objects.get(slug="evening-circle").status == "pending"
    # The address visibility choice, and its help, read as full-width blocks on a wide screen: no columns.
    page.goto(server + "/coordinate/groups/new/")
    for selector in ["#id_place-address_visibility", "#id_place-address_visibility_helptext"]:
        assert page.locator(selector).evaluate("e => getComputedStyle(e).columnCount") == "auto", selector
    # The header: the account page, then signing out (a POST with its CSRF token).
    with page.expect_navigation():
        page.get_by_role("navigation", name="Your account").get_by_role("link", name="Your account").click()
    assert page.url == server + "/accounts/profile/"
    with page.expect_navigation():
        page.get_by_role("navigation", name="Your account").get_by_role("button", name="Sign out").click()
    page.goto(server + "/coordinate/")
    assert "/accounts/login/" in page.url
    assert page.get_by_role("button", name="Sign out").count() == 0
