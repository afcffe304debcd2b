"""axe-core (pinned through axe-playwright-python) finds no WCAG 2.2 A or AA violation on any public page.

What axe cannot decide by itself ("incomplete") does not fail a test; it is written to
test-artifacts/axe-needs-review.json for a person to look at.
"""

import json

import pytest

from tests.browser.support import (
    ARTIFACTS,
    AXE_RUN_JS,
    AXE_SCRIPT,
    AXE_TAGS,
    GROUP_SLUG,
    PAGE_IDS,
    PUBLIC_PAGES,
    format_violations,
)

pytestmark = [pytest.mark.browser]


@pytest.fixture(scope="module")
def needs_review():
    found = {}
    yield found
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "axe-needs-review.json").write_text(json.dumps(found, indent=2) + "\n")


@pytest.fixture
def audit(new_context, needs_review):
    # axe is injected as an inline script, which the site's CSP rightly refuses: bypass it for the audit only.
    page = new_context(bypass_csp=True).new_page()

    def run(name):
        page.add_script_tag(path=str(AXE_SCRIPT))
        results = page.evaluate(AXE_RUN_JS, AXE_TAGS)
        assert results["version"] == "4.12.1"
        if results["incomplete"]:
            needs_review[name] = results["incomplete"]
        return results["violations"]

    run.page = page
    return run


@pytest.mark.parametrize(("name", "path"), PUBLIC_PAGES, ids=PAGE_IDS)
def test_no_wcag_violations(audit, server, directory, name, path):
    response = audit.page.goto(server + path)
    assert response.status == 200
    violations = audit(name)
    assert not violations, f"axe found {len(violations)} violation(s) on {path}:\n{format_violations(violations)}"


@pytest.mark.parametrize("width", [360, 1280])
def test_no_violations_with_every_filter_open_and_focus_on_a_result(audit, server, directory, width):
    page = audit.page
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(server + "/groups/?q=circle&type=therapeutic&accredited=1")
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    page.get_by_role("link", name="Evening Circle").focus()
    violations = audit(f"search-all-filters-open-{width}")
    assert not violations, format_violations(violations)


def test_no_violations_at_360_px_on_the_group_page(audit, server, directory):
    audit.page.set_viewport_size({"width": 360, "height": 740})
    audit.page.goto(f"{server}/groups/{GROUP_SLUG}/")
    violations = audit("group-360")
    assert not violations, format_violations(violations)
