"""The staff CSV import: a preview that lists every problem by row and column, all or nothing, into the
review queue, and a round trip (export, then import, gives the same listings)."""

import csv
import io
import tempfile

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from groups.coordination.models import ModerationDecision
from groups.coordination.services import review_approve, seen_token
from groups.core.models import Group
from groups.core.search import build_search_text
from groups.opendata.csv_import import ImportFileError, preview
from groups.opendata.export import write_groups_csv
from groups.opendata.spreadsheet import HEADER

from .branches import branches  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

GOOD = {
    "name": "Thursday Circle", "summary": "A peer group for survivors.", "type": "community-based",
    "format": "in-person|online", "language": "en", "cost": "free", "facilitation": "peer-led",
    "attendance": "drop-in", "meetings": "every Thu 18:30-20:00; first Sat 10:00-12:00",
    "address_visibility": "area-only", "address_line1": "3 Quiet Street", "city": "York", "country": "GB",
}


def csv_bytes(*rows, header=HEADER):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header)
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return out.getvalue().encode("utf-8")


@pytest.fixture
def staff(make_user):
    return make_user("importer@example.org", staff=True, mfa=True)


@pytest.fixture
def staff_client(staff):
    client = Client()
    client.force_login(staff)
    return client


def upload(client, data, name="groups.csv"):
    return client.post("/coordinate/review/import/", {"action": "check", "file": named(data, name)})


def named(data, name):
    handle = io.BytesIO(data)
    handle.name = name
    return handle


def test_preview_lists_every_problem_by_row_and_column_and_writes_nothing(staff_client, taxonomy, make_group):
    make_group("Taken", slug="taken", status="draft")
    rows = [
        GOOD,
        {**GOOD, "name": "", "cost": "priceless", "meetings": "every Funday 19:00"},
        {**GOOD, "slug": "dup", "age_min": "twelve", "contact_email": "not-an-email"},
        {**GOOD, "slug": "dup", "meetings": "every 2 weeks Tue 19:00 from 2026-13-45", "country": "Britain"},
        {**GOOD, "id": "not-a-uuid", "latitude": "91", "longitude": "", "address_visibility": "nearby"},
    ]
    before = Group.objects.count()
    page = upload(staff_client, csv_bytes(*rows)).content.decode()
    found = {(error.row, error.column) for error in preview(csv_bytes(*rows)).errors}
    assert {(3, "name"), (3, "cost"), (3, "meetings"), (4, "age_min"), (4, "contact_email"), (5, "slug"),
            (5, "meetings"), (5, "country"), (6, "id"), (6, "address_visibility")} <= found
    assert (2, "name") not in found
    assert "problems to correct. Nothing was imported." in page and "“Funday” is not a day of the week" in page
    assert "is not a date (use YYYY-MM-DD)" in page and "The same group is in row 4 too" in page
    assert 'value="import"' not in page
    assert Group.objects.count() == before


@pytest.mark.parametrize("data, message", [
    (b"name,summary\nA,B\n", "missing columns: id, slug"),
    (csv_bytes(GOOD).replace(b"York", "Åre".encode("latin-1")), "not UTF-8 text"),
    (b"", "The file is empty"),
    (csv_bytes(), "no groups in it"),
    (csv_bytes(GOOD, header=HEADER + ["colour"]), "columns we do not know: colour"),
])
def test_a_broken_file_gets_a_clear_message_and_changes_nothing(staff_client, taxonomy, data, message):
    response = upload(staff_client, data)
    assert response.status_code == 400
    assert message in response.content.decode() and "Nothing was changed." in response.content.decode()
    assert not Group.objects.exists()


def test_a_file_over_the_limit_is_refused_before_it_is_read(staff_client, taxonomy, settings):
    with pytest.raises(ImportFileError, match="50.0 MB; files of up to 20 MB"):
        preview(b"x" * (50 * 10**6))
    settings.IMPORT_MAX_BYTES = 1000
    response = upload(staff_client, csv_bytes(*[GOOD] * 20))
    assert response.status_code == 400 and "files of up to 0.001 MB" in response.content.decode()
    assert "Split it into smaller files" in response.content.decode()


def test_import_enters_the_review_queue_credited_to_the_importer(staff_client, staff, make_user, taxonomy, client):
    response = upload(staff_client, csv_bytes(GOOD, {**GOOD, "name": "Second Circle", "slug": "second"}))
    page = response.content.decode()
    assert "Ready: 2 new groups and 0 changes" in page and "3 Quiet Street" not in page
    token = page.split('name="token" value="')[1].split('"')[0]
    response = staff_client.post("/coordinate/review/import/", {"action": "import", "token": token}, follow=True)
    assert "Imported 2 new groups and 0 changes" in response.content.decode()
    imported = Group.objects.get(slug="thursday-circle")
    assert (imported.status, imported.submitted_by) == ("pending", staff)
    assert imported.decisions.get().action == ModerationDecision.Action.SUBMITTED
    assert [m.frequency for m in imported.meeting_times.all()] == ["weekly", "monthly"]
    assert imported.place.address_line1 == "3 Quiet Street" and imported.place.search_latitude is not None
    assert sorted(imported.formats.values_list("slug", flat=True)) == ["in-person", "online"]
    assert imported.search_text == build_search_text(imported) and "York" in imported.search_text
    assert imported.meets_remotely is True
    assert client.get("/api/hsds/services").json()["total_items"] == 0, "nothing public before review"
    assert "Thursday Circle" in staff_client.get("/coordinate/review/").content.decode()
    # The token is used up: importing twice is refused.
    again = staff_client.post("/coordinate/review/import/", {"action": "import", "token": token}, follow=True)
    assert "no longer kept" in again.content.decode() and Group.objects.count() == 2
    with pytest.raises(Exception, match="another member of staff"):
        review_approve(group=imported, reviewer=staff, seen=seen_token(imported))
    review_approve(group=imported, reviewer=make_user("reviewer@example.org", staff=True), seen=seen_token(imported))
    assert client.get("/api/hsds/services").json()["total_items"] == 1


def exported_rows():
    out = io.StringIO()
    write_groups_csv(out)
    return list(csv.DictReader(io.StringIO(out.getvalue())))


def services_by_id(client):
    ignored = {"last_modified", "accreditations", "assured_date", "status", "alert"}
    services = client.get("/api/hsds/services", {"full": "true", "per_page": 500}).json()["contents"]
    return {s["id"]: {key: value for key, value in s.items() if key not in ignored} for s in services}


def approve_all(reviewer):
    for group in Group.objects.filter(status="pending").exclude(slug="hidden-pending"):
        review_approve(group=group, reviewer=reviewer, seen=seen_token(group))


def test_round_trip_export_then_import_into_an_empty_directory(client, branches, staff, make_user):  # noqa: F811
    before = services_by_id(client)
    rows = exported_rows()
    Group.objects.filter(status__in=Group.PUBLIC_STATUSES).delete()
    call_command("import_groups", named_file(rows), user=staff.email, stdout=io.StringIO())
    approve_all(make_user("reviewer@example.org", staff=True))
    assert services_by_id(client) == before


def test_round_trip_onto_the_same_groups_changes_nothing_public(client, branches, staff, make_user):  # noqa: F811
    before = services_by_id(client)
    call_command("import_groups", named_file(exported_rows()), user=staff.email, stdout=io.StringIO())
    assert services_by_id(client) == before, "changes wait for review"
    assert Group.objects.filter(status="pending", revision_of__isnull=False).count() == 5
    approve_all(make_user("reviewer@example.org", staff=True))
    assert services_by_id(client) == before
    assert Group.objects.get(slug="paused").status == "paused"


def named_file(rows):
    handle = tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False, encoding="utf-8", newline="")
    writer = csv.DictWriter(handle, fieldnames=HEADER)
    writer.writeheader()
    writer.writerows(rows)
    handle.close()
    return handle.name


def test_command_reports_problems_and_writes_nothing(tmp_path, staff, taxonomy):
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_bytes({**GOOD, "cost": "priceless"}))
    errors = io.StringIO()
    with pytest.raises(CommandError, match="1 problem"):
        call_command("import_groups", str(path), user=staff.email, stderr=errors)
    assert "row 2, column cost: Unknown cost slug(s): priceless" in errors.getvalue()
    with pytest.raises(CommandError, match="No active member of staff"):
        call_command("import_groups", str(path), user="nobody@example.org")
    assert not Group.objects.exists()
