"""Inviting co-coordinators: limited, in our words only, cancellable, sent again, void once the sender leaves;
removing a coordinator never leaves a group with nobody in charge; co-coordinators see what each agreed to."""

import re
import threading
import time

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import close_old_connections, connection
from django.test import Client

from accounts.models import OutgoingEmail
from groups.coordination import invitations
from groups.coordination.models import CoordinatorInvitation

# Emails are sent when the transaction commits, as in production.
pytestmark = pytest.mark.django_db(transaction=True)

FAILING = "tests.mailbackends.FailingEmailBackend"
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"
LINK = re.compile(r"/coordinate/invitations/[^\s]+/")


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client



@pytest.fixture
def group(make_group, coordinator):
    # A name a coordinator could use to put words of their own in someone's inbox.
    group = make_group("Your account is locked - reset it at https://evil.example/", slug="shared")
    group.coordinators.add(coordinator)
    return group


def invite(user, email, slug="shared"):
    return logged_in(user).post(f"/coordinate/groups/{slug}/coordinators/invite/", {"email": email})


def link_in(message):
    return LINK.search(message.body).group(0)


class TestRateLimits:
    def test_forty_invitations_in_a_row_send_only_the_hourly_limit(self, group, coordinator, settings):
        settings.INVITATIONS_PER_HOUR_PER_PERSON = 10
        statuses = [invite(coordinator, f"person{number}@example.org").status_code for number in range(40)]
        assert statuses == [302] * 10 + [429] * 30
        refused = invite(coordinator, "one-more@example.org").content.decode()
        assert "You have sent as many invitations as we allow in an hour (10). Nothing was sent." in refused
        assert len(mail.outbox) == 10
        assert OutgoingEmail.objects.count() == 10 and CoordinatorInvitation.objects.count() == 10

    def test_the_limit_counts_one_sender_across_groups(self, group, coordinator, make_group, settings):
        settings.INVITATIONS_PER_HOUR_PER_PERSON, settings.INVITATIONS_PER_HOUR_PER_GROUP = 3, 100
        make_group("Other", slug="other").coordinators.add(coordinator)
        for number in range(3):
            assert invite(coordinator, f"person{number}@example.org").status_code == 302
        assert invite(coordinator, "next@example.org", slug="other").status_code == 429
        assert len(mail.outbox) == 3

    def test_the_limit_counts_a_groups_coordinators_together(self, group, coordinator, make_user, settings):
        settings.INVITATIONS_PER_HOUR_PER_PERSON, settings.INVITATIONS_PER_HOUR_PER_GROUP = 100, 3
        colleague = make_user("colleague@example.org")
        group.coordinators.add(colleague)
        for number in range(3):
            assert invite(coordinator, f"person{number}@example.org").status_code == 302
        response = invite(colleague, "next@example.org")
        assert response.status_code == 429
        assert "This group&#x27;s coordinators have sent as many invitations" in response.content.decode()
        assert len(mail.outbox) == 3

    def test_sending_again_counts_too(self, group, coordinator, settings):
        settings.INVITATIONS_PER_HOUR_PER_PERSON = 2
        invite(coordinator, "friend@example.org")
        invitation = CoordinatorInvitation.objects.get()
        assert logged_in(coordinator).post(resend_url(invitation)).status_code == 302
        again = CoordinatorInvitation.objects.get(cancelled_at__isnull=True)
        assert logged_in(coordinator).post(resend_url(again)).status_code == 429
        assert len(mail.outbox) == 2 and CoordinatorInvitation.objects.count() == 2


class TestTheEmail:
    def test_the_email_is_ours_and_the_invitee_sees_the_group_once_signed_in(self, group, coordinator,
                                                                              make_user):
        coordinator.display_name = "Sam from the helpline"
        coordinator.save()
        invite(coordinator, "friend@example.org")
        (message,) = mail.outbox
        assert message.to == ["friend@example.org"]
        assert message.body.startswith(
            "You have been invited to help coordinate a listing on SupportFinder. "
            "Sign in or create an account to see which one: http"
        )
        for coordinator_words in ["locked", "evil.example", "Sam", "coordinator@example.org"]:
            assert coordinator_words not in message.body and coordinator_words not in message.subject
        friend = make_user("friend@example.org")
        page = logged_in(friend).get(link_in(message))
        assert page.status_code == 200
        assert "Your account is locked - reset it at https://evil.example/" in page.content.decode()
        # Someone else who has the link does not learn which group it is.
        stranger = logged_in(make_user("stranger@example.org")).get(link_in(message))
        assert stranger.status_code == 400 and "evil.example" not in stranger.content.decode()

    def test_with_the_mail_server_down_nothing_is_lost_and_the_next_run_sends_it_once(self, group, coordinator,
                                                                                     make_user, settings):
        settings.EMAIL_BACKEND = FAILING
        assert invite(coordinator, "friend@example.org").status_code == 302
        assert mail.outbox == []
        (queued,) = OutgoingEmail.objects.all()
        assert queued.sent_at is None and "451" in queued.last_error
        assert CoordinatorInvitation.objects.filter(email="friend@example.org").exists()
        settings.EMAIL_BACKEND = LOCMEM
        OutgoingEmail.objects.update(next_attempt_at=queued.created_at)
        call_command("send_outbox")
        call_command("send_outbox")
        assert len(mail.outbox) == 1
        friend = make_user("friend@example.org")
        assert logged_in(friend).post(link_in(mail.outbox[0])).status_code == 302
        assert group.coordinators.filter(pk=friend.pk).exists()


def resend_url(invitation):
    return f"/coordinate/groups/{invitation.group.slug}/invitations/{invitation.pk}/resend/"


def cancel_url(invitation):
    return f"/coordinate/groups/{invitation.group.slug}/invitations/{invitation.pk}/cancel/"


class TestOneUseCancelResend:
    def test_a_used_invitation_does_not_let_the_same_person_back_in(self, group, coordinator, make_user):
        invite(coordinator, "friend@example.org")
        link = link_in(mail.outbox[-1])
        friend = make_user("friend@example.org")
        assert logged_in(friend).post(link).status_code == 302
        logged_in(coordinator).post(f"/coordinate/groups/shared/coordinators/{friend.pk}/remove/")
        assert not group.coordinators.filter(pk=friend.pk).exists()
        # The right person, signed in with the invited address: refused only because the link was used.
        again = logged_in(friend).post(link)
        assert again.status_code == 400
        assert "This invitation has already been used." in again.content.decode()
        assert not group.coordinators.filter(pk=friend.pk).exists()

    def test_a_cancelled_invitation_no_longer_works(self, group, coordinator, make_user):
        invite(coordinator, "friend@example.org")
        invitation = CoordinatorInvitation.objects.get()
        page = logged_in(coordinator).get("/coordinate/groups/shared/").content.decode()
        assert "friend@example.org" in page and cancel_url(invitation) in page
        assert logged_in(coordinator).post(cancel_url(invitation)).status_code == 302
        assert "friend@example.org" not in logged_in(coordinator).get("/coordinate/groups/shared/").content.decode()
        friend = make_user("friend@example.org")
        response = logged_in(friend).post(link_in(mail.outbox[-1]))
        assert response.status_code == 400 and "cancelled" in response.content.decode()
        assert not group.coordinators.filter(pk=friend.pk).exists()
        # Cancelling twice says so rather than failing.
        assert logged_in(coordinator).post(cancel_url(invitation)).status_code == 400

    def test_sending_again_gives_a_new_link_and_the_old_one_stops_working(self, group, coordinator, make_user):
        invite(coordinator, "friend@example.org")
        invitation = CoordinatorInvitation.objects.get()
        assert logged_in(coordinator).post(resend_url(invitation)).status_code == 302
        first, second = mail.outbox
        assert second.to == ["friend@example.org"] and link_in(first) != link_in(second)
        friend = make_user("friend@example.org")
        assert logged_in(friend).post(link_in(first)).status_code == 400
        assert logged_in(friend).post(link_in(second)).status_code == 302
        assert group.coordinators.filter(pk=friend.pk).exists()

    def test_another_groups_invitation_cannot_be_cancelled_or_sent_again(self, group, coordinator, make_user,
                                                                         make_group):
        invite(coordinator, "friend@example.org")
        invitation = CoordinatorInvitation.objects.get()
        outsider = make_user("outsider@example.org")
        make_group("Theirs", slug="theirs").coordinators.add(outsider)
        for url in [cancel_url(invitation), resend_url(invitation),
                    f"/coordinate/groups/theirs/invitations/{invitation.pk}/cancel/",
                    f"/coordinate/groups/theirs/invitations/{invitation.pk}/resend/"]:
            assert logged_in(outsider).post(url).status_code == 404, url
        invitation.refresh_from_db()
        assert invitation.cancelled_at is None and len(mail.outbox) == 1


class TestWhenTheSenderLeaves:
    def test_an_invitation_from_a_removed_coordinator_is_refused(self, group, coordinator, make_user):
        colleague = make_user("colleague@example.org")
        group.coordinators.add(colleague)
        invite(coordinator, "friend@example.org")
        logged_in(colleague).post(f"/coordinate/groups/shared/coordinators/{coordinator.pk}/remove/")
        page = logged_in(colleague).get("/coordinate/groups/shared/").content.decode()
        assert "No longer works: the person who sent it no longer coordinates this group." in page
        friend = make_user("friend@example.org")
        response = logged_in(friend).post(link_in(mail.outbox[-1]))
        assert response.status_code == 400
        assert "the person who sent it no longer coordinates the group" in response.content.decode()
        assert not group.coordinators.filter(pk=friend.pk).exists()
        # A coordinator still in charge can send it again, and that one works.
        assert logged_in(colleague).post(resend_url(CoordinatorInvitation.objects.get())).status_code == 302
        assert logged_in(friend).post(link_in(mail.outbox[-1])).status_code == 302


class TestWhatCoCoordinatorsSee:
    def test_the_name_always_and_the_email_only_with_consent(self, group, coordinator, make_user):
        colleague = make_user("colleague@example.org")
        group.coordinators.add(colleague)
        logged_in(colleague).post("/accounts/profile/", {"display_name": "Robin"})
        page = logged_in(coordinator).get("/coordinate/groups/shared/").content.decode()
        assert "Robin" in page and "colleague@example.org" not in page
        logged_in(colleague).post("/accounts/profile/", {"display_name": "Robin",
                                                         "share_email_with_coordinators": "on"})
        page = logged_in(coordinator).get("/coordinate/groups/shared/").content.decode()
        assert "Robin (colleague@example.org)" in page

    def test_someone_without_a_name_is_shown_as_the_profile_page_says(self, group, coordinator, make_user):
        colleague = make_user("colleague@example.org")
        group.coordinators.add(colleague)
        profile = logged_in(colleague).get("/accounts/profile/").content.decode()
        assert "they see “Coordinator without a name”" in profile
        page = logged_in(coordinator).get("/coordinate/groups/shared/").content.decode()
        assert "Coordinator without a name" in page and "colleague@example.org" not in page


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_two_coordinators_removing_each_other_at_once_leave_one_in_charge(group, coordinator, make_user,
                                                                          monkeypatch):
    colleague = make_user("colleague@example.org")
    group.coordinators.add(colleague)
    counted = invitations.coordinator_ids

    def slow_count(group):
        # Both have counted two coordinators before either removes, unless the second waits on a lock.
        ids = counted(group)
        time.sleep(0.3)
        return ids

    monkeypatch.setattr(invitations, "coordinator_ids", slow_count)
    start = threading.Barrier(2)
    refused = []

    def remove(user, by):
        start.wait()
        try:
            invitations.coordinator_remove(group=group, user=user, by=by)
        except Exception as error:  # noqa: BLE001 - the refusal is what is checked below
            refused.append(error)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=remove, args=(colleague, coordinator)),
               threading.Thread(target=remove, args=(coordinator, colleague))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert group.coordinators.count() == 1
    assert len(refused) == 1 and "You no longer coordinate this group." in refused[0].messages


def test_the_group_page_asks_the_same_number_of_queries_however_many_people(group, coordinator, make_user):
    from django.test.utils import CaptureQueriesContext

    from groups.coordination.invitations import invitation_create

    def queries():
        client = logged_in(coordinator)
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/coordinate/groups/shared/").status_code == 200
        return len(captured)

    invitation_create(group=group, inviter=coordinator, email="first@example.org")
    few = queries()
    for number in range(4):
        group.coordinators.add(make_user(f"colleague{number}@example.org"))
        invitation_create(group=group, inviter=coordinator, email=f"person{number}@example.org")
    assert queries() == few
