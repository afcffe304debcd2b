"""What the browser tests share: the public pages, and small scripts evaluated in the page.

The scripts only read the page (apart from blur/focus to compare a focused element's styles
with its unfocused ones); nothing here is page code, so the page's CSP does not apply to them.
"""

from pathlib import Path

import axe_playwright_python

from groups.directory.pages import GUIDE_PAGES

NEUTRAL_PATH = "/__neutral__/"
GROUP_SLUG = "evening-circle"
TYPE_SLUGS = ["legal-advocacy", "therapeutic", "educational", "national-international", "community-based"]
GUIDE_SLUGS = [slug for slug, _title, _description in GUIDE_PAGES]
AXE_SCRIPT = Path(axe_playwright_python.__file__).with_name("axe.min.js")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
SCREENSHOTS = ARTIFACTS / "screenshots"

# Every public page: (name used in test ids and screenshot files, path).
PUBLIC_PAGES = [
    ("home", "/"),
    ("search", "/groups/"),
    ("search-filtered", "/groups/?type=therapeutic&language=en"),
    ("search-no-results", "/groups/?type=legal-advocacy&language=fr"),
    ("search-unknown-place", "/groups/?near=Leds&format=online"),  # the place not used, spellings as links
    ("group", f"/groups/{GROUP_SLUG}/"),
    ("types", "/types/"),
    *[(f"type-{slug}", f"/types/{slug}/") for slug in TYPE_SLUGS],
    ("guide", "/guide/"),
    *[(f"guide-{slug}", f"/guide/{slug}/") for slug in GUIDE_SLUGS],
    ("safety", "/safety/"),
]
PAGE_IDS = [name for name, _path in PUBLIC_PAGES]

# The WCAG 2.x A and AA rules of axe-core, up to WCAG 2.2.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

# Describe the focused element, and how it looks focused and unfocused.
FOCUS_STATE_JS = """
() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) { return null; }
  const props = ["outlineStyle", "outlineWidth", "outlineColor", "boxShadow", "backgroundColor", "color",
                 "textDecorationLine", "borderColor"];
  const snap = () => { const s = getComputedStyle(el); return Object.fromEntries(props.map(p => [p, s[p]])); };
  const focused = snap();
  const focusVisible = el.matches(":focus-visible");
  el.blur();
  const unfocused = snap();
  el.focus();
  // Covered: at the centre of each of its boxes (a wrapped link has one per line), something else is on top.
  const r = el.getBoundingClientRect();
  const boxes = Array.from(el.getClientRects()).filter(b => b.width > 0 && b.height > 0);
  const hits = boxes.map(b => document.elementFromPoint(b.x + b.width / 2, b.y + b.height / 2));
  const ours = hit => hit && (el.contains(hit) || hit.contains(el) || hit.control === el);
  const covered = boxes.length > 0 && !hits.some(ours);
  const hit = hits.find(h => !ours(h));
  const label = (el.getAttribute("aria-label") || el.innerText || el.value || "").trim().slice(0, 60);
  return {
    tag: el.tagName.toLowerCase(), id: el.id, type: el.getAttribute("type"), classes: el.className,
    name: el.getAttribute("name"), value: el.getAttribute("value"),
    href: el.getAttribute("href"), text: label, checked: el.checked === undefined ? null : el.checked,
    focused, unfocused, focusVisible, refocused: document.activeElement === el,
    inViewport: r.bottom > 0 && r.top < window.innerHeight && r.right > 0 && r.left < window.innerWidth, covered,
    coveredBy: covered && hit ? hit.tagName.toLowerCase() + "." + String(hit.className) : null,
  };
}
"""

HEADINGS_JS = """
() => Array.from(document.querySelectorAll("h1, h2, h3, h4, h5, h6")).map(
  h => ({level: Number(h.tagName[1]), text: h.textContent.trim().slice(0, 60)}))
"""

# Violations, and the results axe could not decide ("incomplete": to be reviewed by a person).
AXE_RUN_JS = """
(tags) => axe.run(document, {runOnly: {type: "tag", values: tags}}).then(results => {
  const brief = list => list.map(v => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map(n => ({target: n.target.join(" "), html: n.html.slice(0, 200), summary: n.failureSummary})),
  }));
  return {violations: brief(results.violations), incomplete: brief(results.incomplete),
          version: results.testEngine.version};
})
"""


def _alpha(colour):
    """The alpha of a computed CSS colour: 'rgba(0, 0, 0, 0)' is 0, 'rgb(...)' is 1."""
    if colour.startswith("rgba("):
        return float(colour.rstrip(")").split(",")[-1])
    return 0.0 if colour == "transparent" else 1.0


def focus_indicator(state):
    """Why the focused element visibly differs from its unfocused self, or None if it does not."""
    focused, unfocused = state["focused"], state["unfocused"]
    outline_width = float(focused["outlineWidth"].removesuffix("px") or 0)
    if (
        focused["outlineStyle"] != "none" and outline_width >= 2 and _alpha(focused["outlineColor"]) > 0
        and (focused["outlineStyle"], focused["outlineWidth"], focused["outlineColor"])
        != (unfocused["outlineStyle"], unfocused["outlineWidth"], unfocused["outlineColor"])
    ):
        return f"outline {focused['outlineWidth']} {focused['outlineStyle']} {focused['outlineColor']}"
    if focused["boxShadow"] != "none" and focused["boxShadow"] != unfocused["boxShadow"]:
        return f"box-shadow {focused['boxShadow']}"
    if _alpha(focused["backgroundColor"]) > 0 and focused["backgroundColor"] != unfocused["backgroundColor"]:
        return f"background {focused['backgroundColor']}"
    return None


def format_violations(violations):
    lines = []
    for violation in violations:
        lines.append(f"[{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})")
        for node in violation["nodes"][:10]:
            lines.append(f"    at {node['target']}\n      {node['html']}")
            for summary_line in (node["summary"] or "").splitlines():
                lines.append(f"      | {summary_line}")
    return "\n".join(lines)


def audit(page, name):
    """axe finds nothing on the page as it is; screenshots at 360 and 1280 px, then the page's own size again."""
    page.add_script_tag(path=str(AXE_SCRIPT))
    violations = page.evaluate(AXE_RUN_JS, AXE_TAGS)["violations"]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    for width in (360, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size(size)
    assert not violations, f"{name}: {format_violations(violations)}"
