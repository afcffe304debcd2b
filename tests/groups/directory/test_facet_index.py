"""The search index follows the directory: every decision the public can see reaches the next search.

Each worker keeps its index (groups.directory.facet_index) for one directory version; these tests search in
the same process before and after a decision, so a missed version bump shows as a stale result.
"""

import datetime
from unittest import mock

import pytest
from django.db import transaction

from groups.coordination.services import group_set_status, review_approve, seen_token
from groups.core import directory_version
from groups.core.models import Group, Place
from groups.directory import facet_index

pytestmark = pytest.mark.django_db


def names(client, query=""):
    return [group["name"] for group in client.get(f"/api/v1/groups/?{query}").json()["results"]]


def test_an_approved_listing_appears_in_the_next_search_and_a_closed_one_leaves_it(client, make_group, make_user):
    make_group("Already Listed")
    waiting = make_group("Newly Approved", status=Group.Status.PENDING)
    assert names(client) == ["Already Listed"]
    review_approve(group=waiting, reviewer=make_user("reviewer@example.org", staff=True), seen=seen_token(waiting))
    assert names(client) == ["Already Listed", "Newly Approved"]

    group_set_status(group=Group.objects.get(name="Newly Approved"), user=make_user("c@example.org"), action="pause")
    page = client.get("/api/v1/groups/").json()
    assert [(group["name"], group["status"]) for group in page["results"]][1] == (
        "Newly Approved", "not-taking-new-members")  # a paused listing stays listed, as it says
    group_set_status(group=Group.objects.get(name="Newly Approved"), user=make_user("d@example.org"), action="close")
    assert names(client) == ["Already Listed"]


def test_new_terms_places_and_meetings_reach_the_filters(client, make_group):
    group = make_group("Circle", formats=["in-person"])
    assert names(client, "format=online") == []
    group.formats.add(*group.formats.model.objects.filter(slug="online"))
    assert names(client, "format=online") == ["Circle"]
    assert names(client, "day=tue") == []
    group.meeting_times.create(frequency="weekly", weekday=1, start_time=datetime.time(19))
    assert names(client, "day=tue&time=evening") == ["Circle"]
    assert names(client, "near=York&radius=5") == []
    Place.objects.create(group=group, city="York", country="GB", address_visibility="area-only")
    assert names(client, "near=York&radius=5") == ["Circle"]
    group.delete()
    assert names(client) == []


def test_a_badge_leaves_the_accredited_filter_the_day_after_its_last_valid_day(client, make_group, accrediting_body,
                                                                               today):
    make_group("Badge", claims=[{"body": accrediting_body, "status": "verified", "valid_until": today}])
    assert names(client, "accredited=1") == ["Badge"]
    with mock.patch("django.utils.timezone.localdate", return_value=today + datetime.timedelta(days=1)):
        assert names(client, "accredited=1") == []  # no write: the date is part of the index's version


def test_a_rolled_back_change_leaves_the_index_as_it_was(client, make_group):
    make_group("Kept")
    assert names(client) == ["Kept"]
    built = facet_index.current_index()
    with pytest.raises(RuntimeError), transaction.atomic():
        make_group("Never Committed")
        raise RuntimeError
    assert names(client) == ["Kept"]
    assert facet_index.current_index() is built  # the token went back with the transaction: no rebuild


def test_bulk_writes_announce_themselves(make_group):
    before = directory_version.key()
    Group.objects.bulk_create([Group(name="Quiet", slug="quiet", status="published")])
    assert directory_version.key() == before  # what bulk_create alone does: hence the explicit bump() calls
    directory_version.bump()
    assert directory_version.key() != before


def test_a_group_unpublished_after_the_version_was_read_is_left_out_of_the_page(client, make_group):
    make_group("Stays")
    leaving = make_group("Leaves")
    assert names(client) == ["Leaves", "Stays"]
    with mock.patch("groups.core.directory_version.key", return_value=facet_index.current_index().key):
        Group.objects.filter(pk=leaving.pk).update(status=Group.Status.CLOSED)  # as if between two reads
        assert names(client) == ["Stays"]


def test_a_proposed_change_leaves_every_index_alone_until_it_is_approved(client, make_group, make_user):
    original = make_group("Evening Circle", slug="evening-circle")
    assert names(client) == ["Evening Circle"]
    coordinator = make_user("c@example.org")
    before = directory_version.key()
    revision = make_group("Evening Circle, renamed", slug="evening-circle-proposed", status=Group.Status.PENDING,
                          revision_of=original, submitted_by=coordinator,
                          meetings=[{"frequency": "weekly", "weekday": 1, "start_time": datetime.time(18)}],
                          place={"city": "Leeds"})
    revision.save()
    # Nothing public changed: no worker rebuilds its index for a change still in review.
    assert directory_version.key() == before
    assert names(client) == ["Evening Circle"]
    review_approve(group=revision, reviewer=make_user("reviewer@example.org", staff=True), seen=seen_token(revision))
    assert directory_version.key() != before
    assert names(client) == ["Evening Circle, renamed"]


def test_a_busy_worker_reads_the_version_at_most_every_interval_but_its_own_writes_at_once(
        client, make_group, settings, django_assert_num_queries):
    """Production reads the version at most every SEARCH_VERSION_CHECK_SECONDS: another server's approval shows
    within that interval, this process's own writes and a new day at once."""
    settings.SEARCH_VERSION_CHECK_SECONDS = 30
    make_group("First")
    clock = [1000.0]
    with mock.patch("groups.directory.facet_index.time.monotonic", side_effect=lambda: clock[0]):
        assert names(client) == ["First"]
        built = facet_index.current_index()
        # Another server approves a listing: the rows and the token change, but not through this process.
        other = make_group("From Elsewhere")
        facet_index._current["written"] = directory_version.written_here()
        with django_assert_num_queries(0):
            assert facet_index.current_index() is built  # within the interval: not read, the index as it was
        assert names(client) == ["First"]
        clock[0] += 31
        assert names(client) == ["First", "From Elsewhere"]  # the interval passed: read, rebuilt
        # This process's own write: seen by the very next search, whatever the interval (the count comes from the
        # index; the page's groups are read from the database, so a closed one would drop off the page anyway).
        Group.objects.filter(pk=other.pk).update(status=Group.Status.CLOSED)
        directory_version.bump()
        assert client.get("/api/v1/groups/").json()["count"] == 1
        # A new day: the version is read again (a badge may have lapsed), however recent the last read.
        tomorrow = facet_index.timezone.localdate() + datetime.timedelta(days=1)
        with mock.patch("django.utils.timezone.localdate", return_value=tomorrow):
            assert facet_index.current_index().key[1] == tomorrow
