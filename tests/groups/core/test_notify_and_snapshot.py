"""The one coordinator email and the one snapshot/diff that every decision log uses."""

from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from accounts.models import OutgoingEmail
from groups.core.notify import notify_coordinators
from groups.core.snapshot import diff, display, snapshot
from groups.models import Group

BODY = "News about “%(name)s”: %(link)s (%(extra)s)"


@pytest.fixture
def group(make_group, make_user):
    group = make_group("Harbour Circle", slug="harbour")
    group.coordinators.add(
        make_user("one@example.org"), make_user("two@example.org"), make_user("gone@example.org"),
    )
    group.coordinators.filter(email="gone@example.org").update(is_active=False)
    return group


@pytest.mark.django_db(transaction=True)
class TestNotifyCoordinators:
    def test_each_active_coordinator_gets_their_own_email_after_the_commit(self, group):
        one = group.coordinators.get(email="one@example.org")
        notify_coordinators(group, "Subject", BODY, {"extra": "more"}, path="/coordinate/", exclude=None)
        assert sorted(m.to for m in mail.outbox) == [["one@example.org"], ["two@example.org"]]
        assert "News about “Harbour Circle”: http" in mail.outbox[0].body and "(more)" in mail.outbox[0].body
        mail.outbox.clear()
        notify_coordinators(group, "Subject", BODY, {"extra": ""}, path="/coordinate/", exclude=one)
        assert [m.to for m in mail.outbox] == [["two@example.org"]]

    def test_mail_down_loses_nothing_and_the_next_sender_run_delivers_once(self, group):
        with mock.patch("django.core.mail.backends.locmem.EmailBackend.send_messages", side_effect=OSError):
            queued = notify_coordinators(group, "Subject", BODY, {"extra": ""}, path="/")  # not raised
        assert len(queued) == 2 and mail.outbox == []
        assert OutgoingEmail.objects.filter(pk__in=queued, sent_at__isnull=True).count() == 2
        OutgoingEmail.objects.filter(pk__in=queued).update(next_attempt_at=timezone.now())
        call_command("send_outbox")
        call_command("send_outbox")
        assert sorted(m.to for m in mail.outbox) == [["one@example.org"], ["two@example.org"]]

    def test_nothing_is_queued_when_the_change_is_undone(self, group):
        with pytest.raises(RuntimeError), transaction.atomic():
            notify_coordinators(group, "Subject", BODY, {"extra": ""}, path="/")
            raise RuntimeError
        assert not OutgoingEmail.objects.exists() and mail.outbox == []


@pytest.mark.django_db
def test_a_snapshot_reads_fields_as_people_read_them(make_group):
    group = make_group("Circle", formats=("online", "in-person"), facilitation="peer-led", age_min=None)
    shown = snapshot(Group.objects.get(pk=group.pk), ["name", "facilitation", "formats", "age_min", "cost"])
    assert shown == {"name": "Circle", "facilitation": "Peer-led", "formats": "In person, Online",
                     "minimum age": "", "cost": "Free"}
    assert snapshot(None, ["name"], model=Group) == {"name": ""}


labels = st.sampled_from(["name", "summary", "cost", "formats"])
snapshots = st.dictionaries(labels, st.text(max_size=5))


@settings(max_examples=150, deadline=None)
@given(before=snapshots, after=snapshots)
def test_a_diff_names_exactly_what_changed(before, after):
    changes = diff(before, after)
    for label, value in after.items():
        assert (label in changes) == (before.get(label, "") != value)
        if label in changes:
            assert changes[label] == [before.get(label, ""), value]
    assert set(changes) <= set(after)
    assert diff(after, after) == {}


def test_display_of_nothing_and_lists():
    assert display(None) == display("") == ""
    assert display(["a", 2]) == "a, 2"
