"""Stale-listing reminders count as sent only once they are safely queued: with the mail server down none is
lost, the next outbox run delivers each once, and running the reminder again sends none twice."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from accounts.models import OutgoingEmail
from groups.models import Group

pytestmark = pytest.mark.django_db


def run(command):
    call_command(command, stdout=io.StringIO())


def test_stale_reminders_survive_a_mail_server_that_is_down(make_group, make_user, settings):
    long_ago = timezone.now() - datetime.timedelta(days=settings.STALE_REMINDER_DAYS + 1)
    for number in range(3):
        group = make_group(f"Circle {number}", slug=f"circle-{number}")
        group.coordinators.add(make_user(f"coordinator{number}@example.org"))
    Group.objects.update(last_confirmed_at=long_ago)

    settings.EMAIL_BACKEND = "tests.mailbackends.FailingEmailBackend"
    run("remind_stale_listings")
    assert mail.outbox == []
    assert OutgoingEmail.objects.filter(sent_at__isnull=True, attempts=1).count() == 3

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    run("remind_stale_listings")  # already queued: nothing new
    OutgoingEmail.objects.update(next_attempt_at=timezone.now())  # as if the wait before retrying is over
    run("send_outbox")
    run("send_outbox")
    assert sorted(message.to[0] for message in mail.outbox) == [f"coordinator{n}@example.org" for n in range(3)]
    assert all("still accurate" in message.subject for message in mail.outbox)
    assert all("/coordinate/groups/circle-" in message.body for message in mail.outbox)
