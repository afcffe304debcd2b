"""Keyboard only: skip link, a whole search journey with visible focus at every stop, headings and landmarks."""

import re

import pytest

from tests.browser.support import FOCUS_STATE_JS, GROUP_SLUG, NEUTRAL_PATH, PAGE_IDS, PUBLIC_PAGES, focus_indicator

pytestmark = [pytest.mark.browser]


def describe(state):
    return f"<{state['tag']} id={state['id']!r} href={state['href']!r}> {state['text']!r}"


def check_focus(page):
    """The focused element shows it is focused, is on screen and is not hidden under the quick exit."""
    state = page.evaluate(FOCUS_STATE_JS)
    assert state is not None, "focus went to the page itself"
    assert state["refocused"]
    assert focus_indicator(state), f"no visible focus indicator on {describe(state)}: {state}"
    assert state["inViewport"], f"focused element is off screen: {describe(state)}"
    assert not state["covered"], f"focused element is covered by {state['coveredBy']}: {describe(state)}"
    return state


def tab_to(page, matches, limit=80, key="Tab"):
    """Press Tab until `matches(state)`, checking focus at every stop on the way."""
    for _ in range(limit):
        page.keyboard.press(key)
        state = check_focus(page)
        if matches(state):
            return state
    raise AssertionError(f"never reached the element with {limit} presses of {key}")


def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(page, server, directory):
    page.goto(server + "/groups/")
    page.keyboard.press("Tab")
    state = check_focus(page)
    assert (state["tag"], state["text"], state["href"]) == ("a", "Skip to main content", "#main")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    assert page.url.endswith("/groups/#main")
    page.keyboard.press("Tab")
    state = check_focus(page)
    assert page.evaluate("document.getElementById('main').contains(document.activeElement)")
    assert state["id"] == "id_q"  # the first thing in main: the search field


def test_search_journey_with_the_keyboard_alone(page, server, directory):
    page.goto(server + "/")
    tab_to(page, lambda s: s["id"] == "home-q")
    page.keyboard.type("circle")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/groups/\?q=circle#results$"))  # lands on the results (issue 11)
    assert page.get_by_role("heading", level=2, name=re.compile("groups? found")).is_visible()

    state = tab_to(page, lambda s: s["type"] == "checkbox" and (s["name"], s["value"]) == ("type", "therapeutic"))
    assert state["checked"] is False
    page.keyboard.press("Space")
    assert page.evaluate("document.activeElement.checked") is True
    check_focus(page)
    tab_to(page, lambda s: s["tag"] == "button" and s["text"] == "Show groups")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/groups/\?.*type=therapeutic"))
    assert "q=circle" in page.url
    assert page.get_by_role("heading", level=2, name="1 group found").is_visible()

    tab_to(page, lambda s: s["href"] == f"/groups/{GROUP_SLUG}/")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/groups/{GROUP_SLUG}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Evening Circle"

    for _ in range(3):
        page.keyboard.press("Shift")
    page.wait_for_url(f"**{NEUTRAL_PATH}")


FOCUS_VARIANTS = {
    "360": {"width": 360}, "1280": {"width": 1280},
    "360-text200": {"width": 360, "text": "200%"}, "1280-text200": {"width": 1280, "text": "200%"},
    "360-nojs": {"width": 360, "javascript": False}, "1280-nojs": {"width": 1280, "javascript": False},
}


@pytest.mark.parametrize("variant", FOCUS_VARIANTS.values(), ids=FOCUS_VARIANTS.keys())
@pytest.mark.parametrize("path", ["/groups/", f"/groups/{GROUP_SLUG}/", "/guide/accreditation/", "/safety/"])
def test_focus_is_never_hidden_going_forwards_or_backwards(new_context, server, directory, path, variant):
    """Every tab stop, then back again with Shift+Tab: the sticky quick exit never covers the focus.

    Also with text at 200 % (the bar grows) and without JavaScript (the CSS fallback alone).
    """
    page = new_context(
        viewport={"width": variant["width"], "height": 740}, java_script_enabled=variant.get("javascript", True)
    ).new_page()
    page.goto(server + path)
    if "text" in variant:
        page.evaluate("size => { document.documentElement.style.fontSize = size; }", variant["text"])
    stops = []
    for _ in range(200):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement === document.body"):
            break
        stops.append(describe(check_focus(page)))
    else:
        raise AssertionError("too many tab stops")
    assert len(stops) > 5
    page.keyboard.press("Shift+Tab")  # back from the end of the page
    for _ in range(len(stops) - 1):
        page.keyboard.press("Shift+Tab")
        check_focus(page)


@pytest.mark.parametrize(("name", "path"), PUBLIC_PAGES, ids=PAGE_IDS)
def test_one_h1_no_skipped_heading_level_and_landmarks(page, server, directory, name, path):
    page.goto(server + path)
    headings = page.evaluate("""
      () => Array.from(document.querySelectorAll("h1, h2, h3, h4, h5, h6")).map(
        h => ({level: Number(h.tagName[1]), text: h.textContent.trim().slice(0, 60)}))
    """)
    assert [h["level"] for h in headings].count(1) == 1, headings
    assert headings[0]["level"] == 1, f"the first heading is not the h1: {headings[0]}"
    for before, after in zip(headings, headings[1:], strict=False):
        assert after["level"] <= before["level"] + 1, f"heading level skipped: {before} then {after}"

    assert page.get_by_role("banner").count() == 1
    assert page.get_by_role("navigation", name="Main").count() == 1
    assert page.get_by_role("main").count() == 1
    assert page.get_by_role("contentinfo").count() == 1
    # The quick exit and skip links come before the banner; everything else is inside a landmark.
    outside = page.evaluate("""
      () => Array.from(document.body.children).filter(el =>
        !["HEADER", "MAIN", "FOOTER", "SCRIPT"].includes(el.tagName)
        && !el.matches(".skip-link, .quick-exit")).map(el => el.outerHTML.slice(0, 80))
    """)
    assert outside == []
