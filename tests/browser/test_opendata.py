"""The Open data page and the staff import page (with a preview of problems) pass axe in a real browser."""

import pytest

from tests.browser.support import audit
from tests.browser.test_accounts_and_coordinators import signed_in_context

pytestmark = [pytest.mark.browser]

BAD_CSV = "name,summary\nA,B\n"


def test_open_data_page_passes_axe(new_context, server, transactional_db, make_group):
    make_group("Evening Circle", slug="evening-circle")
    page = new_context(bypass_csp=True).new_page()
    page.goto(server + "/")
    with page.expect_navigation():
        page.get_by_role("link", name="Open data").click()
    assert page.get_by_role("heading", name="Open data", level=1).is_visible()
    audit(page, "open-data")


def test_import_page_and_its_problem_list_pass_axe(new_context, server, transactional_db, make_user, make_group,
                                                  tmp_path):
    staff = make_user("staff@example.org", staff=True, mfa=True)
    page = signed_in_context(new_context, server, staff).new_page()
    page.goto(server + "/coordinate/review/import/")
    audit(page, "import")
    bad = tmp_path / "groups.csv"
    bad.write_text(BAD_CSV)
    page.get_by_label("CSV file (UTF-8)").set_input_files(str(bad))
    with page.expect_navigation():
        page.get_by_role("button", name="Check the file").click()
    assert page.get_by_role("alert").filter(has_text="missing columns").is_visible()
    audit(page, "import-problems")
