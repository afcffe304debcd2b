"""Phone first (issue 11, item 8) in Chromium: the results come first, filters behind "Filters (n)".

Screenshots of the phone results page and of a group page in a non-UK zone go to
test-artifacts/screenshots/ (phone-*.png).
"""

from datetime import time

import pytest

from tests.browser.support import AXE_RUN_JS, AXE_SCRIPT, AXE_TAGS, format_violations

pytestmark = [pytest.mark.browser]

PHONE = {"width": 360, "height": 740}
IN_VIEWPORT_JS = """
(selector) => { const r = document.querySelector(selector).getBoundingClientRect();
  return r.top >= 0 && r.bottom <= window.innerHeight; }
"""


@pytest.fixture
def new_york_group(directory, make_group):
    return make_group(
        "Brooklyn Survivors Circle", slug="brooklyn-circle", host_name="Harbour Street Community Centre",
        summary="A weekly circle for survivors of domestic abuse, with time to talk or simply listen.",
        description="We meet in a quiet upstairs room.\n\n" + "Two trained facilitators lead each session. " * 30,
        types=["therapeutic"], trauma=["domestic-abuse"], formats=["in-person", "online"], language=["en"],
        cost="free", attendance="registration", contact_phone="+1 (212) 555-0100",
        contact_email="circle@example.org", time_zone="America/New_York",
        place={"city": "New York", "region": "New York", "country": "US", "address_visibility": "area-only"},
        meetings=[{"frequency": "weekly", "weekday": 2, "start_time": time(10, 0), "end_time": time(12, 0)}],
    )


@pytest.fixture
def page_of_results(directory, make_group):
    for number in range(20):
        make_group(
            f"Therapeutic group number {number:02d} for survivors", types=["therapeutic"], language=["en", "fr"],
            trauma=["domestic-abuse", "sexual-violence"], population=["women"], formats=["in-person", "online"],
            summary="A friendly group that meets every week to share, listen and learn ways of coping together. " * 2,
            host_name="A host organisation with a fairly long name",
            place={"city": "Manchester", "region": "Greater Manchester", "address_visibility": "area-only"},
            meetings=[{"frequency": "weekly", "weekday": number % 7, "start_time": "18:00", "end_time": "19:30"}],
        )


def test_on_a_phone_searching_lands_on_the_results(new_context, server, page_of_results, screenshots_dir):
    page = new_context(viewport=PHONE).new_page()
    page.goto(f"{server}/groups/")
    page.get_by_label("Search by words").fill("therapeutic")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_load_state()
    assert page.url.endswith("#results")
    assert page.evaluate(IN_VIEWPORT_JS, "#results-heading"), "the results heading is not on the first screen"
    assert page.get_by_role("heading", name="Filters (0)").is_visible()
    assert not page.get_by_role("button", name="Show groups").is_visible()  # the filters are closed
    page.screenshot(path=screenshots_dir / "phone-results-360.png")
    # Twenty results: about 8,000 px with compact cards (14,700 px before; issue 11 measured 15,800 on demo data).
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 9000, f"twenty results make the page {height} px tall at 360 px"


def test_home_page_help_is_on_the_first_screens_of_a_phone(new_context, server, directory, screenshots_dir):
    page = new_context(viewport=PHONE).new_page()
    page.goto(server + "/")
    call = page.locator(".help-now a[href='tel:999']")
    assert call.is_visible()
    top = call.evaluate("el => el.getBoundingClientRect().top")
    assert top < 2 * PHONE["height"], f"the emergency number is at {top} px"
    helpline = page.locator(".help-now a[href='tel:08082000247']")
    assert helpline.inner_text() == "Call 0808 2000 247" and helpline.is_visible()
    box = page.locator(".help-now").bounding_box()
    assert box["x"] + box["width"] <= PHONE["width"], "the help box is wider than the phone"
    page.locator(".help-now").screenshot(path=screenshots_dir / "phone-home-help-now-360.png")


def test_a_search_with_no_results_offers_one_tap_help_on_a_phone(new_context, server, directory, screenshots_dir):
    page = new_context(viewport=PHONE).new_page()
    page.goto(server + "/groups/?q=zzqqxx")
    assert page.get_by_text("No group matches").first.is_visible()
    for href, text in [("tel:08082000247", "Call 0808 2000 247"), ("tel:116123", "Call 116 123"),
                       ("sms:60777", "Text NCDV to 60777")]:
        link = page.locator(f".help-now a[href='{href}']")
        assert link.inner_text() == text
        link.scroll_into_view_if_needed()
        assert link.bounding_box()["height"] >= 44, f"{text} is too small to tap"
    page.locator(".help-now").screenshot(path=screenshots_dir / "phone-no-results-help-now-360.png")


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_filters_toggle_on_a_phone_and_count_what_is_ticked(new_context, server, directory, javascript):
    page = new_context(viewport=PHONE, java_script_enabled=javascript).new_page()
    page.goto(f"{server}/groups/")
    checkbox = page.get_by_role("checkbox", name="Verified accreditation only")
    assert not checkbox.is_visible()
    page.locator("summary.filters__toggle").click()
    assert checkbox.is_visible()
    checkbox.check()
    page.get_by_role("button", name="Show groups").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Filters (1)").is_visible()
    assert page.evaluate(IN_VIEWPORT_JS, "#results-heading")
    page.locator("summary.filters__toggle").click()
    assert page.get_by_role("checkbox", name="Verified accreditation only").is_checked()


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_filters_are_shown_beside_the_results_on_a_wide_screen(new_context, server, directory, javascript):
    page = new_context(java_script_enabled=javascript).new_page()
    page.goto(f"{server}/groups/")
    assert page.get_by_role("checkbox", name="Verified accreditation only").is_visible()
    assert page.get_by_role("button", name="Show groups").is_visible()
    if javascript:
        assert page.locator("details.filters__panel").evaluate("el => el.open")


@pytest.mark.parametrize("width", [360, 1280])
def test_group_page_in_another_zone_says_how_to_join_near_the_top(
    new_context, server, new_york_group, screenshots_dir, width
):
    context = new_context(viewport={"width": width, "height": 740 if width == 360 else 800}, bypass_csp=True)
    page = context.new_page()
    page.goto(f"{server}/groups/brooklyn-circle/")
    summary = page.locator(".join-summary")
    assert summary.get_by_text("Registration needed").is_visible()
    assert summary.locator("a[href='tel:+12125550100']").inner_text() == "+1 (212) 555-0100"
    assert summary.get_by_text("10:00").is_visible()  # the group's own time, not the site's
    top = summary.evaluate("el => el.getBoundingClientRect().top")
    assert top < 740, f"'Joining at a glance' starts at {top} px"
    assert page.locator(".help-now a[href='tel:911']").is_visible()
    # The country's helplines as one tap: call, and text where the service takes texts (fixtures/helplines.json).
    assert page.locator(".help-now a[href='tel:8006564673']").inner_text() == "Call 800-656-4673"
    assert page.locator(".help-now a[href='sms:88788']").inner_text() == "Text START to 88788"
    website = page.locator(".help-now").get_by_role("link", name="RAINN National Sexual Assault Hotline website")
    assert website.is_visible()
    page.screenshot(path=screenshots_dir / f"phone-group-new-york-{width}.png", full_page=True)
    summary.screenshot(path=screenshots_dir / f"phone-group-join-summary-{width}.png")
    page.locator(".help-now").screenshot(path=screenshots_dir / f"phone-group-help-now-{width}.png")
    page.add_script_tag(path=str(AXE_SCRIPT))
    violations = page.evaluate(AXE_RUN_JS, AXE_TAGS)["violations"]
    assert not violations, format_violations(violations)
