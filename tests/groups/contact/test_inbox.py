"""Coordinators read, answer, delete and report their groups' messages; nobody else reads them."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from groups.contact import services
from groups.coordination.listing import group_snapshot
from groups.models import ContactMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def message_to(group):
    def make(target=None, *, name="Sam", sent=None, **fields):
        now = sent or timezone.now()
        return services.message_send(
            group=target or group, name=name, reply_by="email", reply_to=f"{name.lower()}@example.org",
            safe_times="Evenings", may_identify=False, body=f"Hello from {name}", now=now, **fields,
        )

    return make


def signed_in(client, user):
    client.force_login(user)
    return client


class TestTheInbox:
    def test_per_group_unanswered_first_then_newest(self, client, coordinator, group, message_to, make_group):
        second = make_group("Another Circle", slug="another", accepts_messages=True)
        second.coordinators.add(coordinator)
        now = timezone.now()
        old = message_to(name="Old", sent=now - datetime.timedelta(days=3))
        message_to(name="New", sent=now - datetime.timedelta(days=1))
        answered = message_to(name="Answered", sent=now)
        services.message_mark_answered(message=answered, user=coordinator)
        message_to(second, name="Elsewhere")
        page = signed_in(client, coordinator).get(reverse("contact:inbox")).content.decode()
        order = [page.index(text) for text in ["Another Circle", "Hello from Elsewhere", "Evening Circle",
                                               "Hello from New", "Hello from Old", "Hello from Answered"]]
        assert order == sorted(order)
        assert "old@example.org" in page and "Evenings" in page
        assert "do not leave a voicemail" in page
        assert f"{timezone.localdate(old.delete_after):%-d %B %Y}" in page

    def test_the_query_count_does_not_grow_with_messages(self, client, coordinator, group, message_to,
                                                         django_assert_num_queries):
        client = signed_in(client, coordinator)
        message_to()
        with django_assert_num_queries(4):  # session, user, messages with their groups, groups
            client.get(reverse("contact:inbox"))
        for number in range(10):
            message_to(name=f"Person{number}")
        with django_assert_num_queries(4):
            client.get(reverse("contact:inbox"))

    def test_the_dashboard_links_to_it_with_the_number_waiting(self, client, coordinator, message_to):
        message_to()
        page = signed_in(client, coordinator).get(reverse("coordinate:dashboard")).content.decode()
        assert reverse("contact:inbox") in page and "(1 not yet answered)" in page

    def test_another_coordinator_sees_none_of_them(self, client, group, message_to, make_user):
        message = message_to()
        other = signed_in(client, make_user("other@example.org"))
        assert "Hello from Sam" not in other.get(reverse("contact:inbox")).content.decode()
        for name in ["delete", "report"]:
            assert other.get(reverse(f"contact:{name}", args=[message.pk])).status_code == 404
            assert other.post(reverse(f"contact:{name}", args=[message.pk])).status_code == 404
        assert other.post(reverse("contact:answered", args=[message.pk])).status_code == 404
        message.refresh_from_db()
        assert message.answered_at is None and message.reported_at is None


class TestActions:
    def test_marking_answered_brings_the_deletion_forward(self, client, coordinator, message_to):
        message = message_to()
        response = signed_in(client, coordinator).post(reverse("contact:answered", args=[message.pk]))
        assert response.status_code == 302
        message.refresh_from_db()
        assert message.answered_by == coordinator
        assert message.delete_after == message.answered_at + datetime.timedelta(days=30)
        page = client.get(reverse("contact:inbox")).content.decode()
        assert "Marked as answered. It will be deleted on" in page and "Answered:" in page

    def test_answering_late_never_keeps_it_longer_than_first_promised(self, coordinator, message_to):
        sent = timezone.now() - datetime.timedelta(days=80)
        message = message_to(sent=sent)
        services.message_mark_answered(message=message, user=coordinator)
        message.refresh_from_db()
        assert message.delete_after == sent + datetime.timedelta(days=90)

    def test_deleting_asks_first_then_deletes_for_good(self, client, coordinator, message_to):
        message = message_to()
        client = signed_in(client, coordinator)
        page = client.get(reverse("contact:delete", args=[message.pk])).content.decode()
        assert "is deleted for good" in page and ContactMessage.objects.exists()
        assert client.post(reverse("contact:delete", args=[message.pk])).status_code == 302
        assert not ContactMessage.objects.exists()

    def test_reporting_lets_staff_read_that_message_only(self, client, coordinator, message_to, make_user,
                                                         django_capture_on_commit_callbacks):
        staff = make_user("staff@example.org", staff=True, mfa=True)
        reported, kept_private = message_to(name="Troll"), message_to(name="Sam")
        staff_client = type(client)()
        staff_client.force_login(staff)
        assert staff_client.get(reverse("contact:reported", args=[reported.pk])).status_code == 404
        with django_capture_on_commit_callbacks(execute=True):
            response = signed_in(client, coordinator).post(reverse("contact:report", args=[reported.pk]),
                                                           {"note": "Threats"})
        assert response.status_code == 302
        [email] = [email for email in mail.outbox if email.to == [staff.email]]
        assert "Troll" not in email.body and "Threats" not in email.body
        page = staff_client.get(reverse("contact:reported", args=[reported.pk])).content.decode()
        assert "Hello from Troll" in page and "Threats" in page
        assert staff_client.get(reverse("contact:reported", args=[kept_private.pk])).status_code == 404
        listing = staff_client.get(reverse("contact:reported_list")).content.decode()
        assert reverse("contact:reported", args=[reported.pk]) in listing
        assert "Hello from" not in listing


class TestTheListingSetting:
    def test_coordinators_turn_it_on_and_staff_see_the_change(self, client, coordinator, make_group):
        group = make_group("Drop-in", slug="drop-in", accepts_messages=False)
        changed = make_group("Drop-in, proposed", slug="drop-in-proposed", status="revision", revision_of=group,
                             accepts_messages=True)
        snapshot_before, snapshot_after = group_snapshot(group), group_snapshot(changed)
        label = "accept messages through SupportFinder"
        assert (snapshot_before[label], snapshot_after[label]) == ("no", "yes")

    def test_a_new_listing_form_starts_with_messages_on(self, client, coordinator):
        page = signed_in(client, coordinator).get(reverse("coordinate:create")).content.decode()
        assert 'id="id_accepts_messages" checked' in page


def test_the_admin_shows_staff_when_messages_go_never_what_they_say(client, coordinator, message_to, make_user):
    message = message_to(name="Secretname")
    services.message_report(message=message, user=coordinator, note="Threats")
    superuser = make_user("admin@example.org", staff=True, mfa=True)
    superuser.is_superuser = True
    superuser.save()
    client = signed_in(client, superuser)
    for url in ["/admin/groups/contactmessage/", f"/admin/groups/contactmessage/{message.pk}/change/"]:
        response = client.get(url)
        page = response.content.decode()
        assert response.status_code == 200, url
        assert "Evening Circle" in page
        for private in ["Secretname", "secretname@example.org", "Hello from", "Evenings"]:
            assert private not in page, (url, private)
    assert client.get("/admin/groups/contactmessage/add/").status_code == 403
    # Searched by the group's name only: what the sender wrote finds nothing.
    assert client.get("/admin/groups/contactmessage/", {"q": "Secretname"}).context["cl"].result_count == 0
    assert client.get("/admin/groups/contactmessage/", {"q": "Evening"}).context["cl"].result_count == 1
