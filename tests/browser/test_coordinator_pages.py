"""Every coordinator page in a real browser (issue 15): axe finds nothing, nothing scrolls sideways at 360 px or
with text at 200 %, and each page is photographed at 360 and 1280 px (test-artifacts/screenshots/coordinator-*).
The group form's behaviour is measured where only a browser shows it: the error summary takes focus, each
frequency shows only its fields without JavaScript, and every control is big enough to tap.
"""

from datetime import time

import pytest
from django.test import Client
from playwright.sync_api import expect

from tests.browser.support import AXE_RUN_JS, AXE_SCRIPT, AXE_TAGS, SCREENSHOTS, format_violations
from tests.browser.test_layout import assert_no_sideways_scroll

pytestmark = [pytest.mark.browser]

PUBLISHED, DRAFT = "evening-circle", "morning-circle"
SIGNED_OUT_PAGES = [("login", "/accounts/login/"), ("signup", "/accounts/signup/"),
                    ("password-reset", "/accounts/password/reset/")]
SIGNED_IN_PAGES = [
    ("dashboard", "/coordinate/"), ("manage", f"/coordinate/groups/{PUBLISHED}/"),
    ("manage-draft", f"/coordinate/groups/{DRAFT}/"), ("new", "/coordinate/groups/new/"),
    ("edit", f"/coordinate/groups/{PUBLISHED}/edit/"), ("edit-draft", f"/coordinate/groups/{DRAFT}/edit/"),
    ("preview-draft", f"/coordinate/groups/{DRAFT}/preview/"), ("close", f"/coordinate/groups/{PUBLISHED}/close/"),
    ("accreditation", f"/coordinate/groups/{PUBLISHED}/accreditation/"), ("profile", "/accounts/profile/"),
]
# Every control of the form a person taps: its size, and its label's, at the current width.
CONTROL_SIZES_JS = """
() => Array.from(document.querySelectorAll(
    ".group-form input, .group-form select, .group-form textarea, .group-form button"))
  .filter(el => el.type !== "hidden" && el.checkVisibility())
  .map(el => { const r = el.getBoundingClientRect(); const label = el.closest("label");
    const l = label ? label.getBoundingClientRect() : r;
    return {name: el.name + (el.value && (el.type === "radio" || el.type === "checkbox") ? "=" + el.value : ""),
            type: el.type, width: r.width, height: r.height, labelHeight: l.height}; })
"""


@pytest.fixture
def coordinator(transactional_db, make_user, make_group):
    user = make_user("coordinator@example.org")
    meetings = [{"frequency": "weekly", "weekday": 1, "start_time": time(18, 30), "end_time": time(20, 0)}]
    place = {"city": "Leeds", "address_visibility": "area-only"}
    make_group("Evening Circle", slug=PUBLISHED, meetings=meetings, place=place).coordinators.add(user)
    make_group("Morning Circle", slug=DRAFT, status="draft", meetings=meetings).coordinators.add(user)
    return user


def signed_in_context(new_context, server, user, **options):
    client = Client()
    client.force_login(user)
    context = new_context(bypass_csp=True, **options)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": server}])
    return context


def check(page, name):
    """axe finds nothing; nothing scrolls sideways at 360 px, even with text at 200 %; screenshots at both widths."""
    page.add_script_tag(path=str(AXE_SCRIPT))
    violations = page.evaluate(AXE_RUN_JS, AXE_TAGS)["violations"]
    assert not violations, f"{name}: {format_violations(violations)}"
    page.set_viewport_size({"width": 360, "height": 740})
    assert_no_sideways_scroll(page, f"{name} at 360 px")
    page.screenshot(path=SCREENSHOTS / f"coordinator-{name}-360.png", full_page=True)
    page.evaluate("() => { document.documentElement.style.fontSize = '200%'; }")
    assert_no_sideways_scroll(page, f"{name} at 360 px with text at 200 %")
    page.evaluate("() => { document.documentElement.style.fontSize = ''; }")
    page.set_viewport_size({"width": 1280, "height": 800})
    assert_no_sideways_scroll(page, f"{name} at 1280 px")
    page.screenshot(path=SCREENSHOTS / f"coordinator-{name}-1280.png", full_page=True)


def fail_to_submit(page, server):
    page.goto(server + "/coordinate/groups/new/")
    page.get_by_label("Name").first.fill("Half-filled group")
    with page.expect_navigation():
        page.get_by_role("button", name="Save and submit for review").click()


def test_every_coordinator_page_passes_axe_and_fits_a_phone(new_context, server, coordinator, screenshots_dir):
    page = new_context(bypass_csp=True).new_page()
    for name, path in SIGNED_OUT_PAGES:
        assert page.goto(server + path).status == 200, path
        check(page, name)
    page = signed_in_context(new_context, server, coordinator).new_page()
    for name, path in SIGNED_IN_PAGES:
        assert page.goto(server + path).status == 200, path
        check(page, name)
    fail_to_submit(page, server)
    check(page, "form-errors")


def test_after_a_failed_submit_the_error_summary_has_focus(new_context, server, coordinator):
    for javascript in (True, False):
        page = signed_in_context(new_context, server, coordinator, java_script_enabled=javascript).new_page()
        fail_to_submit(page, server)
        # Playwright's assertion waits for the focus: a browser applies autofocus at the page's next rendering, which
        # on a busy machine can come after the load event that expect_navigation waits for.
        expect(page.locator("#error-summary"), f"JavaScript {javascript}").to_be_focused(timeout=2000)
        assert "Please check the form" in page.evaluate("() => document.activeElement.innerText")
        # Closing a listing without ticking the box: the message saying so has focus too.
        page.goto(server + f"/coordinate/groups/{PUBLISHED}/close/")
        with page.expect_navigation():
            page.get_by_role("button", name="Close the listing").click()
        expect(page.locator("#error-summary"), f"JavaScript {javascript}").to_be_focused(timeout=2000)


def visible_meeting_fields(page, number):
    meeting = page.locator("fieldset.meeting").nth(number)
    return [name.rsplit("-", 1)[-1] for name in meeting.locator("input, select").evaluate_all(
        "els => els.filter(el => el.type !== 'hidden' && el.type !== 'radio' && el.checkVisibility())"
        ".map(el => el.name)")]


@pytest.mark.parametrize("javascript", [False, True], ids=["without-javascript", "with-javascript"])
def test_each_frequency_shows_only_the_fields_it_needs(new_context, server, coordinator, javascript):
    page = signed_in_context(new_context, server, coordinator, java_script_enabled=javascript).new_page()
    page.goto(server + f"/coordinate/groups/{DRAFT}/edit/")
    # The saved weekly meeting: its day and times, and a box to remove it; a blank row asks only how often.
    assert visible_meeting_fields(page, 0) == ["weekday", "start_time", "end_time", "DELETE"]
    assert visible_meeting_fields(page, 1) == []
    second = page.locator("fieldset.meeting").nth(1)
    expected = {
        "Monthly, on a given weekday": ["week_of_month", "weekday", "start_time", "end_time"],
        "Every few weeks": ["weekday", "interval_weeks", "starts_on", "start_time", "end_time"],
        "By arrangement": [],
        "Every week": ["weekday", "start_time", "end_time"],
    }
    for choice, fields in expected.items():
        second.get_by_label(choice).check()
        assert visible_meeting_fields(page, 1) == fields, choice
    # What a browser without :has() shows instead: every field, saying which meetings it is for.
    assert second.get_by_text("For monthly meetings only.").count() == 1


def test_every_control_on_the_form_is_big_enough_to_tap_on_a_phone(new_context, server, coordinator):
    page = signed_in_context(new_context, server, coordinator).new_page()
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(server + f"/coordinate/groups/{PUBLISHED}/edit/")
    for frequency in ["Every few weeks", "Monthly, on a given weekday"]:  # open the fields a frequency hides
        page.locator("fieldset.meeting").nth(1 if frequency == "Every few weeks" else 2).get_by_label(frequency).check()
    controls = page.evaluate(CONTROL_SIZES_JS)
    kinds = {control["type"] for control in controls}
    assert {"text", "date", "time", "checkbox", "radio", "select-one", "submit"} <= kinds, kinds
    small = [control for control in controls if min(control["width"], control["height"]) < 24]
    assert not small, f"smaller than 24 px: {small}"
    # Text, date and time fields and lists are 44 px tall, and so is the row of each box's label.
    short = [control for control in controls
             if control["type"] in {"text", "date", "time", "select-one", "number", "email", "url"}
             and control["height"] < 44 or control["labelHeight"] < 44]
    assert not short, f"shorter than 44 px: {short}"
