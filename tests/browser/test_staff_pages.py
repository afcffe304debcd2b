"""Every staff page in a real browser: axe finds nothing, nothing scrolls sideways at 360 px, even with text at
200 %, and screenshots at 360 and 1280 px go to test-artifacts/screenshots/ (staff-*.png).

The data is made long on purpose (an address, a web address, a body's name), as real listings are."""

import pytest
from django.utils import timezone

from tests.browser.support import audit
from tests.browser.test_accounts_and_coordinators import signed_in_context
from tests.browser.test_layout import assert_no_sideways_scroll

pytestmark = [pytest.mark.browser]

LONG_EMAIL = "evening-circle-coordinator.for-the-whole-of-west-yorkshire@calm-waters-community-trust.example"
LONG_URL = "https://register.example.org/accredited-services/domestic-abuse/west-yorkshire/calm-waters-community-trust"


@pytest.fixture
def staff_pages(transactional_db, make_user, make_group, accrediting_body):
    """The staff pages, by name, with something waiting on each."""
    from groups.models import AccreditationClaim

    coordinator = make_user(LONG_EMAIL)
    now = timezone.now()
    new = make_group("Waiting Circle for survivors of domestic abuse in West Yorkshire", slug="waiting",
                     status="pending", submitted_at=now, submitted_by=coordinator, contact_email=LONG_EMAIL,
                     host_website=LONG_URL)
    claim = AccreditationClaim.objects.create(group=new, body=accrediting_body, reference="LL-2026-0001",
                                              register_entry_url=LONG_URL, submitted_at=now, submitted_by=coordinator)
    public = make_group("Quay Circle", slug="quay", summary="A short summary.")
    change = make_group("Quay Circle", slug="quay-change", status="pending", revision_of=public, submitted_at=now,
                        submitted_by=coordinator, summary=f"A longer summary, with a link: {LONG_URL}",
                        contact_email=LONG_EMAIL)
    return {
        "review-queue": "/coordinate/review/",
        "review-listing": f"/coordinate/review/{new.pk}/",
        "review-change": f"/coordinate/review/{change.pk}/",
        "review-preview": f"/coordinate/review/{new.pk}/preview/",
        "review-claims": "/coordinate/review/accreditation/",
        "review-claim": f"/coordinate/review/accreditation/{claim.pk}/",
        "import": "/coordinate/review/import/",
    }


PAGE_NAMES = ["review-queue", "review-listing", "review-change", "review-preview", "review-claims", "review-claim",
              "import"]


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_staff_page_fits_a_phone_with_large_text_and_passes_axe(new_context, server, make_user, staff_pages, name):
    staff = make_user("staff@example.org", staff=True, mfa=True)
    page = signed_in_context(new_context, server, staff).new_page()
    page.set_viewport_size({"width": 360, "height": 740})
    assert page.goto(server + staff_pages[name]).status == 200
    assert_no_sideways_scroll(page, f"{name} at 360 px")
    page.evaluate("() => { document.documentElement.style.fontSize = '200%'; }")
    assert_no_sideways_scroll(page, f"{name} at 360 px with text at 200 %")
    page.evaluate("() => { document.documentElement.style.fontSize = ''; }")
    audit(page, f"staff-{name}")  # axe, and screenshots at 360 and 1280 px


def test_on_a_phone_the_queue_is_a_list_of_cards_not_a_table(new_context, server, make_user, staff_pages):
    staff = make_user("staff@example.org", staff=True, mfa=True)
    page = signed_in_context(new_context, server, staff).new_page()
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(server + "/coordinate/review/")
    items = page.get_by_role("list", name="Waiting for review").get_by_role("listitem")
    assert items.count() == 2
    first = items.first
    assert first.get_by_role("heading", level=3).text_content().startswith("Waiting Circle")
    # Each card fits the screen, its facts wrapped inside it.
    box = first.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360
    assert first.get_by_text(LONG_EMAIL).is_visible()


def test_the_listing_review_page_points_to_the_waiting_claim(new_context, server, make_user, staff_pages):
    staff = make_user("staff@example.org", staff=True, mfa=True)
    page = signed_in_context(new_context, server, staff).new_page()
    page.goto(server + staff_pages["review-listing"])
    notice = page.get_by_role("region", name="An accreditation claim for this group is waiting")
    assert notice.is_visible()
    with page.expect_navigation():
        notice.get_by_role("link", name="Check the claim: SafeLives — Leading Lights").click()
    assert page.url == server + staff_pages["review-claim"]
