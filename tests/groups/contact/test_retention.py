"""Messages go when they are due, and with the group or the account that alone could read them."""

import datetime
import json

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.urls import reverse
from django.utils import timezone

from accounts.services import user_delete
from groups.contact import services
from groups.models import ContactMessage

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
SECOND = datetime.timedelta(seconds=1)


def message(group, *, sent, name="Sam"):
    return services.message_send(group=group, name=name, reply_by="phone", reply_to="07700 900123",
                                 safe_times="Mornings", may_identify=True, body="Hello", now=sent)


def purge(monkeypatch, now):
    monkeypatch.setattr(timezone, "now", lambda: now)
    call_command("purge_contact_messages", stdout=open("/dev/null", "w"))
    return set(ContactMessage.objects.values_list("name", flat=True))


def test_unanswered_messages_go_exactly_ninety_days_after_they_were_sent(group, monkeypatch):
    sent = timezone.now()
    message(group, sent=sent, name="Due")
    message(group, sent=sent + SECOND, name="Not yet")
    assert purge(monkeypatch, sent + 90 * DAY - SECOND) == {"Due", "Not yet"}
    assert purge(monkeypatch, sent + 90 * DAY) == {"Not yet"}
    assert purge(monkeypatch, sent + 90 * DAY + SECOND) == set()


def test_answered_messages_go_thirty_days_after_they_were_marked(group, coordinator, monkeypatch):
    sent = timezone.now() - 10 * DAY
    answered = message(group, sent=sent, name="Answered")
    message(group, sent=sent, name="Waiting")
    answered_at = timezone.now()
    services.message_mark_answered(message=answered, user=coordinator, now=answered_at)
    assert purge(monkeypatch, answered_at + 30 * DAY - SECOND) == {"Answered", "Waiting"}
    assert purge(monkeypatch, answered_at + 30 * DAY) == {"Waiting"}


def test_the_retention_periods_are_settings(group, settings):
    settings.CONTACT_MESSAGE_RETENTION_DAYS = 7
    sent = timezone.now()
    assert message(group, sent=sent).delete_after == sent + 7 * DAY


def test_deleting_a_group_deletes_its_messages(group, make_group, make_user):
    other = make_group("Other", slug="other", accepts_messages=True)
    other.coordinators.add(make_user("other@example.org"))
    message(group, sent=timezone.now())
    message(other, sent=timezone.now(), name="Kept")
    group.delete()
    assert list(ContactMessage.objects.values_list("name", flat=True)) == ["Kept"]


def test_deleting_an_account_deletes_the_messages_only_it_could_read(group, coordinator, make_group, make_user):
    shared = make_group("Shared", slug="shared", accepts_messages=True)
    shared.coordinators.add(coordinator, make_user("partner@example.org"))
    message(group, sent=timezone.now(), name="Alone")
    message(shared, sent=timezone.now(), name="Shared")
    user_delete(user=coordinator)
    assert list(ContactMessage.objects.values_list("name", flat=True)) == ["Shared"]


def test_the_data_download_holds_the_messages_to_the_account_s_groups(client, group, coordinator, make_group,
                                                                      make_user):
    message(group, sent=timezone.now(), name="Sam")
    not_theirs = make_group("Not theirs", slug="not-theirs", accepts_messages=True)
    not_theirs.coordinators.add(make_user("other@example.org"))
    message(not_theirs, sent=timezone.now(), name="Other")
    client.force_login(coordinator)
    data = json.loads(client.get(reverse("accounts:data_export")).content)
    assert [(row["group"], row["name"], row["reply_to"], row["message"]) for row in data["contact_messages"]] == [
        ("evening-circle", "Sam", "07700 900123", "Hello")]


def test_existing_groups_that_join_after_contact_take_messages_after_the_migration(make_group):
    """The data migration's rule, run again on groups made as they were before it."""
    registration = make_group("Register", slug="register", attendance="registration", place={"city": "Leeds",
                                                                                             "address_visibility":
                                                                                                 "public"})
    online = make_group("Online", slug="online")
    private = make_group("Private", slug="private", place={"city": "Leeds", "address_visibility": "on-request"})
    drop_in = make_group("Drop in", slug="drop-in", place={"city": "Leeds", "address_visibility": "public"})
    loader = MigrationLoader(connection)
    # Found by its name, not its number (numbers change when branches are merged).
    [key] = [key for key in loader.disk_migrations if key[0] == "groups" and key[1].endswith("_contact_messages")]
    loader.get_migration(*key).operations[-1].code(django_apps, None)
    taking = {group.slug for group in [registration, online, private, drop_in]
              if type(group).objects.get(pk=group.pk).accepts_messages}
    assert taking == {"register", "online", "private"}
