"""The outbox: with the mail server down nothing is lost, people are told, and the next sender run delivers;
nothing is delivered twice, even by two senders at once."""

import datetime
import io
import threading

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.db import close_old_connections, connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import OutgoingEmail, User
from accounts.outbox import queue_email, send_due
from tests.mailbackends import SlowEmailBackend

from .conftest import PASSWORD, link_in_last_email, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

FAILING = "tests.mailbackends.FailingEmailBackend"
WORKING = "django.core.mail.backends.locmem.EmailBackend"


def send_outbox(*, later=True):
    """One `manage.py send_outbox` run; with later=True, as if the wait before retrying has passed."""
    if later:
        OutgoingEmail.objects.filter(sent_at__isnull=True).update(next_attempt_at=timezone.now())
    out = io.StringIO()
    call_command("send_outbox", stdout=out)
    return out.getvalue()


def sign_up(client, email="new@example.org"):
    return client.post("/accounts/signup/", {"email": email, "password1": PASSWORD, "password2": PASSWORD},
                       follow=True)


class TestWhenTheMailServerIsDown:
    def test_signing_up_completes_tells_the_person_and_the_next_run_delivers(self, client, settings):
        settings.EMAIL_BACKEND = FAILING
        response = sign_up(client)
        assert response.status_code == 200
        assert response.redirect_chain[-1][0] == reverse("account_email_verification_sent")
        page = response.content.decode()
        assert "We could not send the email just now" in page
        assert f'href="{reverse("account_login")}"' in page  # how to ask for a new link
        assert User.objects.filter(email="new@example.org").exists()
        [queued] = OutgoingEmail.objects.all()
        assert queued.sent_at is None and queued.attempts == 1 and "SMTPException" in queued.last_error
        assert mail.outbox == []

        settings.EMAIL_BACKEND = WORKING
        assert "Sent 1 email(s)" in send_outbox()
        assert mail.outbox[0].to == ["new@example.org"]
        client.post(link_in_last_email("/accounts/confirm-email/"))
        assert EmailAddress.objects.get(email="new@example.org").verified

        send_outbox()
        assert len(mail.outbox) == 1

    def test_signing_in_before_the_email_came_asks_for_a_new_one(self, client, settings):
        settings.EMAIL_BACKEND = FAILING
        sign_up(client)
        cache.clear()  # as if allauth's few minutes between verification emails have passed
        settings.EMAIL_BACKEND = WORKING
        response = sign_in(Client(), "new@example.org")
        assert response.url == reverse("account_email_verification_sent")
        assert OutgoingEmail.objects.count() == 2 and len(mail.outbox) == 1
        assert "/accounts/confirm-email/" in mail.outbox[0].body

    def test_a_password_reset_completes_tells_the_person_and_the_next_run_delivers(self, client, settings):
        user = User.objects.create_user("coordinator@example.org", password=PASSWORD)
        EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
        settings.EMAIL_BACKEND = FAILING
        response = client.post("/accounts/password/reset/", {"email": user.email}, follow=True)
        assert response.status_code == 200
        assert response.redirect_chain[-1][0] == reverse("account_reset_password_done")
        page = response.content.decode()
        assert "We could not send the email just now" in page
        assert f'href="{reverse("account_reset_password")}"' in page

        settings.EMAIL_BACKEND = WORKING
        send_outbox()
        send_outbox()
        assert len(mail.outbox) == 1
        reset_path = client.get(link_in_last_email("/accounts/password/reset/key/")).url
        client.post(reset_path, {"password1": "a new unusual passphrase 7", "password2": "a new unusual passphrase 7"})
        assert sign_in(Client(), user.email, "a new unusual passphrase 7").status_code == 302

    def test_a_failed_email_waits_before_the_next_try_and_keeps_the_error(self, settings):
        settings.EMAIL_BACKEND = FAILING
        queue_email("someone@example.org", "Hello", "There is news.")
        queued = OutgoingEmail.objects.get()
        assert queued.attempts == 1
        send_outbox(later=False)  # a minute has not passed: not tried again yet
        assert OutgoingEmail.objects.get().attempts == 1
        assert "1 could not be sent" in send_outbox()
        queued = OutgoingEmail.objects.get()
        assert queued.attempts == 2 and queued.next_attempt_at > timezone.now() + datetime.timedelta(seconds=90)

    def test_staff_see_failed_deliveries_in_the_admin_without_the_text(self, settings, make_user):
        from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

        settings.EMAIL_BACKEND = FAILING
        queue_email("someone@example.org", "Your sign-in link", "SECRET-LINK")
        settings.EMAIL_BACKEND = WORKING
        queue_email("other@example.org", "Delivered fine", "text")
        staff = User.objects.create_user("staff@example.org", password=PASSWORD, is_staff=True, is_superuser=True)
        TOTP.activate(staff, generate_totp_secret())
        client = Client()
        client.force_login(staff)
        page = client.get("/admin/accounts/outgoingemail/?delivery=failed").content.decode()
        assert "Your sign-in link" in page and "someone@example.org" in page and "SMTPException" in page
        assert "Delivered fine" not in page
        failed = OutgoingEmail.objects.get(subject="Your sign-in link")
        assert "SECRET-LINK" not in client.get(f"/admin/accounts/outgoingemail/{failed.pk}/change/").content.decode()


class TestNothingGoesTwice:
    def test_when_mail_works_an_email_goes_on_commit_once_and_its_text_is_not_kept(self, client):
        sign_up(client)
        assert len(mail.outbox) == 1
        queued = OutgoingEmail.objects.get()
        assert queued.sent_at is not None and queued.body == "" and queued.attempts == 1
        send_outbox()
        send_outbox()
        assert len(mail.outbox) == 1

    def test_rows_of_emails_sent_long_ago_are_deleted(self):
        queue_email("old@example.org", "Old", "text")
        queue_email("recent@example.org", "Recent", "text")
        OutgoingEmail.objects.filter(subject="Old").update(sent_at=timezone.now() - datetime.timedelta(days=31))
        send_outbox()
        assert list(OutgoingEmail.objects.values_list("subject", flat=True)) == ["Recent"]

    def test_nothing_is_said_about_email_when_it_went(self, client):
        assert "We could not send" not in sign_up(client).content.decode()

    def test_an_email_queued_in_a_transaction_that_fails_is_never_sent(self):
        from django.db import transaction

        with pytest.raises(RuntimeError), transaction.atomic():
            queue_email("someone@example.org", "Never", "This change was undone.")
            raise RuntimeError
        send_outbox()
        assert mail.outbox == [] and not OutgoingEmail.objects.exists()

    @pytest.mark.postgres
    @pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
    def test_two_senders_at_once_deliver_each_email_exactly_once(self, settings):
        settings.EMAIL_BACKEND = "tests.mailbackends.SlowEmailBackend"
        SlowEmailBackend.delivered.clear()
        for number in range(30):
            queue_email(f"person{number}@example.org", f"Message {number}", "There is news.", deliver=False)
        start = threading.Barrier(2)

        def sender():
            start.wait()
            try:
                send_due(limit=5)
            finally:
                close_old_connections()

        threads = [threading.Thread(target=sender) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(SlowEmailBackend.delivered) == sorted(f"Message {number}" for number in range(30))
        assert not OutgoingEmail.objects.filter(sent_at__isnull=True).exists()


class TestTheMessageSaysNothingAboutWhoHasAnAccount:
    def test_a_reset_for_an_unknown_address_reads_the_same_as_for_an_account(self, client, settings):
        user = User.objects.create_user("coordinator@example.org", password=PASSWORD)
        EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
        settings.EMAIL_BACKEND = FAILING

        def warning(email):
            page = Client().post("/accounts/password/reset/", {"email": email}, follow=True).content.decode()
            return page[page.index("We could not send"):].split("</", 1)[0]

        assert warning("coordinator@example.org") == warning("nobody@example.org")

    def test_signing_up_with_a_taken_address_reads_the_same_as_a_new_one(self, client, settings):
        user = User.objects.create_user("coordinator@example.org", password=PASSWORD)
        EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
        settings.EMAIL_BACKEND = FAILING

        def warning(email):
            page = sign_up(Client(), email).content.decode()
            return page[page.index("We could not send"):].split("</", 1)[0]

        assert warning("coordinator@example.org") == warning("new@example.org")
