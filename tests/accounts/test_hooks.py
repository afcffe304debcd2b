"""accounts never imports groups: other apps join in deleting an account and downloading its data
through the signals in accounts.hooks. Here a stand-in app shows what any receiver can count on."""

import json

import pytest
from django.urls import reverse

from accounts.hooks import account_deleting, data_export
from accounts.models import User
from accounts.services import user_delete
from groups.models import Group

pytestmark = pytest.mark.django_db


@pytest.fixture
def connected():
    """Connect a receiver for the length of one test."""
    connections = []

    def connect(signal, receiver):
        signal.connect(receiver, weak=False, dispatch_uid=f"test-{id(receiver)}")
        connections.append((signal, receiver))

    yield connect
    for signal, receiver in connections:
        signal.disconnect(receiver, dispatch_uid=f"test-{id(receiver)}")


def test_if_any_part_of_a_deletion_fails_nothing_is_deleted(connected, coordinator, make_group):
    group = make_group("Run alone", slug="run-alone")
    group.coordinators.add(coordinator)

    def fails(sender, user, **kwargs):
        raise RuntimeError("the other app could not let go")

    connected(account_deleting, fails)  # runs after groups' receiver has closed the group
    with pytest.raises(RuntimeError):
        user_delete(user=coordinator)
    assert User.objects.filter(pk=coordinator.pk).exists()
    group.refresh_from_db()
    assert group.status == Group.Status.PUBLISHED
    assert list(group.coordinators.all()) == [coordinator]


def test_the_account_is_still_there_while_other_apps_clear_up(connected, coordinator):
    seen = []
    connected(account_deleting, lambda sender, user, **kwargs: seen.append(User.objects.filter(pk=user.pk).exists()))
    user_delete(user=coordinator)
    assert seen == [True]
    assert not User.objects.filter(pk=coordinator.pk).exists()


def test_other_apps_add_their_sections_to_the_download(client, connected, coordinator):
    connected(data_export, lambda sender, user, **kwargs: {"messages_sent": [f"to {user.display_name}"]})
    client.force_login(coordinator)
    data = json.loads(client.get(reverse("accounts:data_export")).content)
    assert list(data) == ["exported_at", "account", "sessions", "coordinated_groups", "contact_messages",
                          "messages_sent"]
    assert data["messages_sent"] == ["to Sam"]
