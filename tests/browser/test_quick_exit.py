"""The quick exit, in a real browser: button, skip link, Shift three times, overlay, history, every page."""

import json
import re

import pytest

from tests.browser.support import NEUTRAL_PATH, PAGE_IDS, PUBLIC_PAGES

pytestmark = [pytest.mark.browser]

NEUTRAL = re.compile(re.escape(NEUTRAL_PATH) + "$")


# Record the overlay, and which of the page's parts are still rendered, the moment it is added
# (before the neutral page arrives). The record is kept in the tab's sessionStorage, which the
# neutral page (same origin in tests) can read back; only this test instrumentation writes it.
WATCH_OVERLAY_JS = """
() => new MutationObserver((mutations, observer) => {
  const overlay = document.querySelector(".quick-exit-overlay");
  if (!overlay) { return; }
  observer.disconnect();
  const r = overlay.getBoundingClientRect();
  const parts = ["header", "main", "footer", ".quick-exit", ".skip-link", "h1"];
  sessionStorage.setItem("quick-exit-state", JSON.stringify({
    url: location.href,
    overlay: {role: overlay.getAttribute("role"), text: overlay.textContent.trim(), visible: overlay.checkVisibility(),
              rect: [r.x, r.y, r.width, r.height]},
    shown: parts.filter(s => Array.from(document.querySelectorAll(s)).some(el => el.checkVisibility())),
  }));
}).observe(document.body, {childList: true})
"""


def watch_overlay(page):
    """Start watching for the overlay on the current page."""
    page.evaluate(WATCH_OVERLAY_JS)


def assert_blanked_before_leaving(page, url, viewport=(1280, 800)):
    """The moment the overlay appeared, the page was still ours, and nothing of it was shown."""
    recorded = page.evaluate("sessionStorage.getItem('quick-exit-state')")
    assert recorded, "no overlay appeared before leaving"
    state = json.loads(recorded)
    assert state["url"] == url
    assert state["overlay"] == {
        "role": "alert", "text": "Loading.", "visible": True, "rect": [0, 0, *viewport],
    }
    assert state["shown"] == [], f"still visible behind the overlay: {state['shown']}"


def assert_not_left(page, url):
    page.wait_for_timeout(300)  # time enough for a navigation to start, if one was wrongly triggered
    assert page.url == url
    assert page.locator(".quick-exit-overlay").count() == 0


class TestButton:
    def test_overlay_hides_the_page_at_once_then_leaves_without_a_way_back(self, page, server, directory):
        first, second = server + "/", server + "/safety/"
        page.goto(first)
        page.goto(second)
        watch_overlay(page)
        page.get_by_role("link", name="Emergency Exit this page").click()
        page.wait_for_url(NEUTRAL)
        assert page.url == server + NEUTRAL_PATH
        assert_blanked_before_leaving(page, second)

        # location.replace(): the page we left is gone from the tab's history; Back goes to the one before.
        page.go_back()
        assert page.url == first
        assert page.locator(".quick-exit-overlay").count() == 0
        assert page.locator("main").is_visible()

    def test_without_javascript_it_is_a_plain_link(self, new_context, server, directory):
        page = new_context(java_script_enabled=False).new_page()
        page.goto(server + "/groups/")
        for link in page.locator("[data-quick-exit]").all():
            assert link.get_attribute("href") == NEUTRAL_PATH
            assert link.get_attribute("rel") == "nofollow noreferrer"
        page.get_by_role("link", name="Emergency Exit this page").click()
        page.wait_for_url(NEUTRAL)
        assert page.url == server + NEUTRAL_PATH


class TestSkipLink:
    def test_exit_link_is_the_second_tab_stop_and_enter_leaves(self, page, server, directory):
        page.goto(server + "/guide/")
        page.goto(server + "/groups/")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to main content"
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "({text: document.activeElement.textContent.trim(), href: document.activeElement.getAttribute('href'),"
            " visible: document.activeElement.getBoundingClientRect().top >= 0})"
        )
        assert focused == {"text": "Exit this page", "href": NEUTRAL_PATH, "visible": True}
        watch_overlay(page)
        page.keyboard.press("Enter")
        page.wait_for_url(NEUTRAL)
        assert_blanked_before_leaving(page, server + "/groups/")
        page.go_back()
        assert page.url == server + "/guide/"  # /groups/ was replaced, not kept


class TestShiftThreeTimes:
    def test_three_shift_presses_leave(self, page, server, directory):
        page.goto(server + "/types/")
        watch_overlay(page)
        page.keyboard.press("Shift")
        status = page.locator("[data-quick-exit-status]")
        assert status.text_content() == "Shift, press 2 more times to exit."
        assert page.locator("[data-quick-exit-indicators] .is-on").count() == 1
        page.keyboard.press("Shift")
        assert status.text_content() == "Shift, press 1 more time to exit."
        page.keyboard.press("Shift")
        page.wait_for_url(NEUTRAL)
        assert_blanked_before_leaving(page, server + "/types/")
        page.go_back()
        assert page.url != server + "/types/"

    def test_shift_with_another_key_does_not_count(self, page, server, directory):
        url = server + "/guide/"
        page.goto(url)
        for _ in range(4):
            page.keyboard.press("Shift+A")
        assert_not_left(page, url)
        assert page.locator("[data-quick-exit-indicators] .is-on").count() == 0

    def test_typing_capitals_in_the_search_box_does_not_leave(self, page, server, directory):
        page.goto(server + "/")
        page.get_by_label("What are you looking for?").press_sequentially("ABC Women")
        assert_not_left(page, server + "/")
        assert page.get_by_label("What are you looking for?").input_value() == "ABC Women"

    def test_another_key_between_presses_resets_the_count(self, page, server, directory):
        url = server + "/safety/"
        page.goto(url)
        page.keyboard.press("Shift")
        page.keyboard.press("Shift")
        page.keyboard.press("a")
        page.keyboard.press("Shift")
        page.keyboard.press("Shift")
        assert_not_left(page, url)  # four presses, but only two since the other key
        page.keyboard.press("Shift")
        page.wait_for_url(NEUTRAL)

    def test_a_pause_of_more_than_five_seconds_resets_the_count(self, page, server, directory):
        page.clock.install()
        url = server + "/safety/"
        page.goto(url)
        page.keyboard.press("Shift")
        page.keyboard.press("Shift")
        page.clock.fast_forward(6_000)
        assert page.locator("[data-quick-exit-status]").text_content() == "Exit this page expired."
        assert page.locator("[data-quick-exit-indicators] .is-on").count() == 0
        page.keyboard.press("Shift")
        page.keyboard.press("Shift")
        assert_not_left(page, url)
        page.keyboard.press("Shift")
        page.wait_for_url(NEUTRAL)

    def test_presses_within_five_seconds_still_count(self, page, server, directory):
        page.clock.install()
        page.goto(server + "/safety/")
        page.keyboard.press("Shift")
        page.clock.fast_forward(4_000)
        page.keyboard.press("Shift")
        page.clock.fast_forward(4_000)
        page.keyboard.press("Shift")
        page.wait_for_url(NEUTRAL)


@pytest.mark.parametrize(("name", "path"), PUBLIC_PAGES, ids=PAGE_IDS)
def test_every_public_page_has_it_on_top_and_not_in_print(new_context, server, directory, name, path):
    page = new_context(viewport={"width": 1024, "height": 500}).new_page()
    response = page.goto(server + path)
    assert response.status == 200
    button = page.get_by_role("link", name="Emergency Exit this page")
    assert button.is_visible()
    assert button.get_attribute("href") == NEUTRAL_PATH
    skip_link = page.locator(".skip-link--exit")
    assert skip_link.get_attribute("href") == NEUTRAL_PATH and skip_link.text_content().strip() == "Exit this page"

    bar = page.locator(".quick-exit")
    assert bar.bounding_box()["y"] == 0
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    page.wait_for_function("window.scrollY > 0 || document.documentElement.scrollHeight <= window.innerHeight")
    assert bar.bounding_box()["y"] == 0, "the quick exit must stay at the top when the page scrolls"
    # Nothing covers the button: the element at its centre is the button itself.
    assert button.evaluate(
        "b => { const r = b.getBoundingClientRect();"
        " return b.contains(document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2)); }"
    )

    page.emulate_media(media="print")
    assert not button.is_visible()
    assert not bar.is_visible()


# The words of an element as laid out, line by line (characters grouped by the top of their box); visually
# hidden words left out.
LINES_JS = """
el => {
  const lines = new Map();
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.parentElement.closest(".visually-hidden")) { continue; }
    for (let i = 0; i < node.length; i++) {
      const range = document.createRange();
      range.setStart(node, i); range.setEnd(node, i + 1);
      const box = range.getBoundingClientRect();
      if (!box.width) { continue; }
      const top = Math.round(box.top);
      lines.set(top, (lines.get(top) || "") + node.data[i]);
    }
  }
  return Array.from(lines.keys()).sort((a, b) => a - b).map(top => lines.get(top).trim());
}
"""


class TestTheBarOnAPhoneAndWithLargeText:
    def test_the_shift_dots_show_only_while_shift_is_being_pressed(self, page, server, directory):
        page.clock.install()
        page.goto(server + "/types/")
        indicators = page.locator("[data-quick-exit-indicators]")
        assert not indicators.is_visible()  # nothing unexplained before Shift is pressed
        page.keyboard.press("Shift")
        assert indicators.is_visible() and indicators.text_content().strip() == "Shift"
        assert page.locator("[data-quick-exit-indicators] .is-on").count() == 1
        page.clock.fast_forward(6_000)
        assert not indicators.is_visible()

    @pytest.mark.parametrize(("width", "height", "text"), [(360, 740, "200%"), (180, 370, "100%")],
                             ids=["360px-text-200", "360px-zoomed-200"])
    def test_a_slim_bar_a_one_line_button_and_the_name_broken_only_between_words(
        self, new_context, server, directory, screenshots_dir, width, height, text
    ):
        page = new_context(viewport={"width": width, "height": height}, has_touch=True, is_mobile=True).new_page()
        page.goto(server + "/")
        page.evaluate(f"() => {{ document.documentElement.style.fontSize = '{text}'; }}")
        page.screenshot(path=screenshots_dir / f"quick-exit-{width}px-text-{text.rstrip('%')}.png")
        bar = page.locator(".quick-exit").bounding_box()
        assert bar["height"] <= 0.14 * height, f"the bar takes {bar['height']} of {height} px"
        assert not page.locator("[data-quick-exit-indicators]").is_visible()  # a phone has no Shift key
        assert page.locator(".quick-exit__button").evaluate(LINES_JS) == ["Exit this page"]
        brand = page.get_by_role("link", name="SupportFinder")
        assert brand.evaluate(LINES_JS) in (["SupportFinder"], ["Support", "Finder"])
