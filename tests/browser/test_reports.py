"""Reporting a wrong listing in a real browser: sent at phone width, resolved by staff, gone from the search.

Also: only the report form and its POST set a cookie (the CSRF one), and every report page passes axe.
"""

import pytest

from groups.models import Group, ListingReport
from tests.browser.support import GROUP_SLUG, audit
from tests.browser.test_accounts_and_coordinators import signed_in_context

pytestmark = [pytest.mark.browser]

PHONE = {"width": 360, "height": 740}
NOTE = "The group stopped meeting in the spring; the hall is closed."


@pytest.fixture(autouse=True)
def _fill_time(settings):
    # A browser driven by a test types faster than any person (groups.core.abuse): the minimum fill time is
    # tested in tests/groups/reports/test_abuse.py.
    settings.REPORT_MIN_FILL_SECONDS = 0




def cookie_names(context):
    return sorted(cookie["name"] for cookie in context.cookies())


def test_only_the_report_form_and_its_post_set_a_cookie(new_context, server, directory):
    context = new_context()
    page = context.new_page()
    responses = []
    page.on("response", lambda response: responses.append(response))
    page.goto(f"{server}/groups/{GROUP_SLUG}/")
    assert context.cookies() == []
    page.get_by_role("link", name="Report a problem with this listing").click()
    page.wait_for_url(f"**/groups/{GROUP_SLUG}/report/")
    assert cookie_names(context) == ["csrftoken"]
    page.get_by_label("The meeting day or time is wrong").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Send the report").click()
    assert page.get_by_role("heading", name="Thank you for your report").is_visible()
    assert cookie_names(context) == ["csrftoken"]
    # Response.headers leaves out Set-Cookie; all_headers() has it.
    set_cookie = [response.url.removeprefix(server) for response in responses if "set-cookie" in response.all_headers()]
    assert set_cookie == [f"/groups/{GROUP_SLUG}/report/"]


def test_a_report_sent_at_phone_width_is_resolved_by_staff(new_context, server, directory, make_user):
    page = new_context(viewport=PHONE, bypass_csp=True).new_page()
    page.goto(f"{server}/groups/{GROUP_SLUG}/")
    page.get_by_role("link", name="Report a problem with this listing").click()
    page.wait_for_url(f"**/groups/{GROUP_SLUG}/report/")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    audit(page, "report-form")

    # A mistake first: the note is kept and the summary links to the question.
    page.get_by_label("Tell us more (optional)").fill(NOTE)
    page.get_by_label("Email address for a reply (optional)").fill("safe-address@example.org")
    with page.expect_navigation():
        page.get_by_role("button", name="Send the report").click()
    assert page.get_by_role("heading", name="Your report has not been sent yet").is_visible()
    assert page.get_by_label("Tell us more (optional)").input_value() == NOTE
    target = page.locator("#error-summary a").first.get_attribute("href")
    assert page.locator(target).count() == 1
    audit(page, "report-form-errors")

    page.get_by_label("The group has closed or no longer meets").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Send the report").click()
    assert page.get_by_role("heading", name="Thank you for your report").is_visible()
    audit(page, "report-thanks")
    report = ListingReport.objects.get()
    assert (report.reason, report.note, report.reply_email) == ("closed", NOTE, "safe-address@example.org")

    staff = make_user("staff@example.org", staff=True, mfa=True)
    staff_page = signed_in_context(new_context, server, staff).new_page()
    staff_page.goto(server + "/coordinate/review/")
    staff_page.get_by_role("link", name="Reports from the public about listings").click()
    staff_page.wait_for_url("**/coordinate/review/reports/")
    audit(staff_page, "report-staff-queue")
    staff_page.get_by_role("link", name="Evening Circle").click()
    staff_page.wait_for_url(f"**/coordinate/review/reports/{report.pk}/")
    assert staff_page.get_by_text("safe-address@example.org").is_visible()
    audit(staff_page, "report-staff-decision")
    staff_page.get_by_label("Took the listing down").check()
    staff_page.get_by_label("Why").fill("The host confirmed the group has closed.")
    with staff_page.expect_navigation():
        staff_page.get_by_role("button", name="Record the decision").click()
    assert staff_page.get_by_text("Decision recorded").is_visible()
    assert staff_page.get_by_text("No reports are waiting.").is_visible()

    assert Group.objects.get(slug=GROUP_SLUG).status == "closed"
    page.goto(f"{server}/groups/?q=evening")
    assert page.get_by_role("link", name="Evening Circle").count() == 0
    assert page.goto(f"{server}/groups/{GROUP_SLUG}/").status == 404


def test_coordinators_see_reports_about_their_listing_and_mark_one_fixed(new_context, server, directory, make_user):
    coordinator = make_user("coordinator@example.org")
    group = Group.objects.get(slug=GROUP_SLUG)
    group.coordinators.add(coordinator)
    ListingReport.objects.create(group=group, reason="wrong-time", note="It starts at 7pm now, not 6:30.",
                                 reply_email="hidden@example.org")
    ListingReport.objects.create(group=group, reason="unsafe", note="Only staff read this.")
    page = signed_in_context(new_context, server, coordinator).new_page()
    page.goto(f"{server}/coordinate/groups/{GROUP_SLUG}/")
    assert page.get_by_text("It starts at 7pm now, not 6:30.").is_visible()
    assert page.get_by_text("Only staff read this.").count() == 0
    assert page.get_by_text("hidden@example.org").count() == 0
    audit(page, "report-coordinator-group")
    with page.expect_navigation():
        page.get_by_role("button", name="Mark as fixed").click()
    assert page.get_by_text("The report is marked as fixed").is_visible()
    assert page.get_by_text("You marked this fixed").is_visible()
