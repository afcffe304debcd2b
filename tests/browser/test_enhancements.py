"""The two JavaScript enhancements: "Use my location" asks only when pressed; online meetings in the visitor's time."""

import re

import pytest

pytestmark = [pytest.mark.browser]

# Runs before any page script, so a request made while the page loads would be counted too.
COUNT_LOCATION_REQUESTS = """
window.__locationRequests = 0;
const original = navigator.geolocation.getCurrentPosition.bind(navigator.geolocation);
navigator.geolocation.getCurrentPosition = (...args) => { window.__locationRequests += 1; return original(...args); };
"""


def test_use_my_location_asks_only_when_pressed_and_sends_a_rounded_position(new_context, server, directory):
    context = new_context(permissions=["geolocation"], geolocation={"latitude": 53.796481, "longitude": -1.547853})
    context.add_init_script(COUNT_LOCATION_REQUESTS)
    page = context.new_page()
    page.goto(server + "/groups/")
    button = page.get_by_role("button", name="Use my location")
    assert button.is_visible()
    page.wait_for_timeout(300)
    assert page.evaluate("window.__locationRequests") == 0
    with page.expect_navigation():
        button.click()
    # Rounded to two decimals (about 1 km) before it left the browser.
    assert "lat=53.80" in page.url and "lng=-1.55" in page.url
    assert "53.7964" not in page.url
    assert page.get_by_text("Showing groups within 25 km of your location").is_visible()


@pytest.mark.parametrize("width", [360, 1280])
def test_use_my_location_keeps_a_gap_from_the_place_field(new_context, server, directory, width):
    page = new_context(viewport={"width": width, "height": 800}).new_page()
    page.goto(server + "/groups/")
    field = page.get_by_label("Near a town or city").bounding_box()
    button = page.get_by_role("button", name="Use my location").bounding_box()
    beside = button["x"] - (field["x"] + field["width"])
    below = button["y"] - (field["y"] + field["height"])
    assert max(beside, below) >= 8, f"{beside=} {below=} px"


def test_without_javascript_there_is_no_location_button(new_context, server, directory):
    page = new_context(java_script_enabled=False).new_page()
    page.goto(server + "/groups/")
    assert not page.get_by_role("button", name="Use my location").is_visible()
    assert page.get_by_label("Near a town or city").is_visible()


def test_online_meetings_also_show_the_visitors_own_time(new_context, server, directory):
    page = new_context(timezone_id="America/New_York", locale="en-US").new_page()
    page.goto(server + "/groups/cercle-en-ligne/")
    note = page.locator(".local-time")
    assert note.count() == 1 and "Your time:" in note.inner_text()
    # On its own line, in the page's conventions (en-GB: day month year, 24-hour clock) whatever the browser's.
    assert re.fullmatch(r"Your time: [A-Z][a-z]+day \d{1,2} [A-Z][a-z]+ \d{4}, \d{2}:\d{2} \(New York\)",
                        note.inner_text()), note.inner_text()
    group_time = page.locator("time[data-local-time]").bounding_box()
    assert note.bounding_box()["y"] >= group_time["y"] + group_time["height"] - 1
    # An in-person group's time is shown in its own zone only.
    page.goto(server + "/groups/evening-circle/")
    assert page.locator(".local-time").count() == 0


def test_the_visitors_time_is_not_repeated_when_it_is_the_same(new_context, server, directory):
    # Brussels keeps the same clock as Paris all year.
    page = new_context(timezone_id="Europe/Brussels", locale="en-US").new_page()
    page.goto(server + "/groups/cercle-en-ligne/")
    assert page.locator("time[data-local-time]").count() == 1
    assert page.locator(".local-time").count() == 0
    assert "(Paris time)" in page.locator("main").inner_text()
