"""Browser tests: pytest-django's live_server, driven by Debian's Chromium through Playwright.

- Chromium must be at /usr/bin/chromium (Playwright's own browser downloads are not used). When it
  is missing every browser test is skipped with a clear reason, unless REQUIRE_BROWSER_TESTS=1
  (CI), where the same tests fail instead. The end of the run says how many browser tests ran.
- One Playwright and one browser for all the tests of this package (package scope: the browser is
  stopped when the run leaves tests/browser); a fresh context, with no storage, for every test.
- Playwright's sync API keeps an asyncio event loop running in this thread, so Django would refuse
  database access from the test (SynchronousOnlyOperation). DJANGO_ALLOW_ASYNC_UNSAFE is set only
  while this package's browser is running, and restored afterwards.
- The live server answers with the whole site plus a local neutral page (tests/browser/urls.py),
  which is where QUICK_EXIT_URL ("/__neutral__/") leads in tests.
"""

import json
import os
from datetime import time, timedelta
from pathlib import Path

import pytest

from groups.models import GroupType
from tests.browser.support import ARTIFACTS, FIXTURES, GROUP_SLUG, SCREENSHOTS

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]
MISSING = f"Chromium not installed at {CHROMIUM}: browser tests skipped"
REQUIRED = os.environ.get("REQUIRE_BROWSER_TESTS") == "1"
HERE = Path(__file__).resolve().parent

_tally = {"passed": 0, "failed": 0, "skipped": 0, "errors": 0, "missing": False}


# --- reporting ---------------------------------------------------------------------------------


def pytest_collection_modifyitems(config, items):
    """Every test in this folder is a browser test, whether or not its module says so."""
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


def pytest_runtest_logreport(report):
    if "browser" not in report.keywords:
        return
    if report.when == "call":
        _tally["passed" if report.passed else "failed"] += 1
    elif report.when == "setup" and report.skipped:
        _tally["skipped"] += 1
    elif report.when == "setup" and report.failed:
        _tally["errors"] += 1


def pytest_terminal_summary(terminalreporter):
    """Say plainly whether the browser tests ran (a skipped browser run must not look green)."""
    ran = _tally["passed"] + _tally["failed"]
    if not (ran or _tally["skipped"] or _tally["errors"]):
        return
    write = terminalreporter.write_line
    terminalreporter.section("browser tests")
    if _tally["missing"] and REQUIRED:
        write(f"browser tests FAILED: Chromium not found at {CHROMIUM} and REQUIRE_BROWSER_TESTS=1",
              red=True, bold=True)
    elif _tally["missing"]:
        write(f"browser tests SKIPPED: Chromium not found at {CHROMIUM} ({_tally['skipped']} skipped)",
              yellow=True, bold=True)
    else:
        clean = not (_tally["failed"] or _tally["errors"])
        write(f"browser tests: {ran} run ({_tally['passed']} passed, {_tally['failed']} failed, "
              f"{_tally['skipped']} skipped, {_tally['errors']} errors)", green=clean, red=not clean)


# --- browser -----------------------------------------------------------------------------------


@pytest.fixture(scope="package", autouse=True)
def chromium_executable():
    """Skip (or, with REQUIRE_BROWSER_TESTS=1, fail) every browser test when Chromium is missing."""
    if not CHROMIUM.exists():
        _tally["missing"] = True
        if REQUIRED:
            pytest.fail(f"Chromium not installed at {CHROMIUM} and REQUIRE_BROWSER_TESTS=1", pytrace=False)
        pytest.skip(MISSING)
    return str(CHROMIUM)


@pytest.fixture(scope="package")
def _async_unsafe_allowed():
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="package")
def playwright(chromium_executable, _async_unsafe_allowed):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as instance:
        yield instance


@pytest.fixture(scope="package")
def browser(playwright, chromium_executable):
    browser = playwright.chromium.launch(executable_path=chromium_executable, headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def new_context(browser):
    """Make a fresh browser context (no storage state); options as for browser.new_context()."""
    contexts = []

    def make(**options):
        context = browser.new_context(**{"viewport": {"width": 1280, "height": 800}, **options})
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def context(new_context):
    return new_context()


@pytest.fixture
def page(context):
    return context.new_page()


# --- the site ----------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _browser_urls(settings):
    """The site plus the local neutral page; the quick exit leads there."""
    settings.ROOT_URLCONF = "tests.browser.urls"
    settings.QUICK_EXIT_URL = "/__neutral__/"


@pytest.fixture
def server(live_server):
    """The live server's base URL, without a trailing slash."""
    return live_server.url.rstrip("/")


@pytest.fixture
def directory(transactional_db, make_group, accrediting_body, today):
    """A small directory: the five group types with their real explanation texts, and four groups."""
    texts = {
        entry["fields"]["slug"]: entry["fields"]
        for entry in json.loads((FIXTURES / "taxonomies.json").read_text())
        if entry["model"] == "groups.grouptype"
    }
    for group_type in GroupType.objects.all():
        for field, value in texts[group_type.slug].items():
            if field not in {"slug", "order"}:
                setattr(group_type, field, value)
        group_type.save()

    groups = {
        "evening": make_group(
            "Evening Circle", slug=GROUP_SLUG, host_name="Calm Waters Community Trust",
            host_website="https://calm-waters-community-trust-for-survivors.example/groups/evening-circle-leeds",
            summary="A weekly evening group for women recovering from domestic abuse, with time to talk or listen.",
            description="We meet in a quiet room with tea.\n\nTwo trained facilitators lead each session.",
            types=["therapeutic", "educational"], trauma=["domestic-abuse", "stalking"], population=["women"],
            formats=["in-person"], language=["en", "ar"], cost="sliding-scale", cost_details="Pay what you can",
            access=["wheelchair", "hearing-loop"], attendance="registration", accepts_messages=True,
            registration_details="A short phone call first, so we can answer your questions.",
            capacity="waiting-list", facilitation="co-facilitated", age_min=18,
            contact_email="evening-circle@calm-waters.example", contact_url="https://calm-waters.example/contact",
            place={"address_line1": "14 Market Street", "city": "Leeds", "region": "West Yorkshire",
                   "postcode": "LS1 6DT", "latitude": "53.797", "longitude": "-1.543", "address_visibility": "public"},
            meetings=[
                {"frequency": "weekly", "weekday": 1, "start_time": time(18, 30), "end_time": time(20, 0)},
                {"frequency": "monthly", "weekday": 5, "week_of_month": 1, "start_time": time(10, 0),
                 "end_time": time(12, 0)},
            ],
            claims=[{"body": accrediting_body, "status": "verified", "valid_until": today + timedelta(days=300)}],
        ),
        "online": make_group(
            "Cercle en ligne", slug="cercle-en-ligne", summary="Un groupe en ligne pour les survivantes.",
            types=["therapeutic"], formats=["online"], language=["fr"], cost="free",
            meetings=[{"frequency": "weekly", "weekday": 3, "start_time": time(19, 0), "end_time": time(20, 0)}],
            time_zone="Europe/Paris",
        ),
        "court": make_group(
            "Court Companions", slug="court-companions", host_name="Advocacy North",
            summary="Volunteers who sit with you through police interviews and court hearings.",
            types=["legal-advocacy"], trauma=["sexual-violence"], formats=["in-person", "phone"], language=["en"],
            cost="free", attendance="registration",
            place={"city": "York", "region": "North Yorkshire", "address_line1": "2 Hidden Row",
                   "address_visibility": "area-only"},
            claims=[{"body": accrediting_body, "status": "claimed"}],
        ),
        "harbour": make_group(
            "Quiet Harbour", slug="quiet-harbour", status="paused",
            summary="Neighbours who meet for a walk and a cup of tea. Everyone welcome.",
            types=["community-based"], population=["refugees"], formats=["in-person"], language=["en", "ar"],
            cost="donation", place={"city": "Bradford", "address_visibility": "on-request"},
        ),
    }
    return groups


@pytest.fixture(scope="package")
def page_weights():
    """Measured page weights, written to test-artifacts/page-weight.json at the end."""
    weights = {}
    yield weights
    if weights:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        target = ARTIFACTS / "page-weight.json"
        previous = json.loads(target.read_text()) if target.exists() else {}
        target.write_text(json.dumps({**previous, **weights}, indent=2) + "\n")


@pytest.fixture(scope="package")
def screenshots_dir():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
