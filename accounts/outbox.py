"""The outbox: every email is stored first, in the same transaction as the change that causes it, then sent.

    queue_email(to, subject, body)      # inside the transaction that makes the news
    send_due()                          # `manage.py send_outbox`, every minute: what failed or was left behind

A queued email is tried as soon as its transaction commits. If the mail server does not answer, the row
keeps the error and is tried again by the next `send_outbox` run, later and later (up to an hour apart)
until it goes. Nothing is lost when mail fails, and nothing goes twice: a sender first claims the rows it
will send (a lease in claim_token / claimed_until, taken with SELECT … FOR UPDATE SKIP LOCKED on
PostgreSQL), so two senders at once never pick the same row. Only a sender that dies between handing an
email to the server and recording it can leave one to go again, after the lease ends.
"""

import datetime
import logging
import uuid

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from .models import OutgoingEmail

logger = logging.getLogger(__name__)

# How long a sender may take to send what it claimed before another sender may try it.
LEASE = datetime.timedelta(minutes=10)
# Waits between attempts grow from a minute and stop growing at an hour.
FIRST_RETRY = datetime.timedelta(minutes=1)
LONGEST_RETRY = datetime.timedelta(hours=1)
BATCH = 100
# A sent email's row (address, subject, when) is kept this long for staff to check, then deleted.
KEEP_SENT = datetime.timedelta(days=30)


def queue_email(to, subject, body, *, html_body="", from_email="", headers=None, deliver=True):
    """Store an email to send once the current transaction commits; returns the stored row.

    `to` is one address or a list. Call it inside the transaction that makes the news, so the email is
    kept exactly when the change is. With deliver=False it waits for the next `send_outbox` run (a
    command that queues many and sends them itself at the end).
    """
    recipients = [to] if isinstance(to, str) else list(to)
    email = OutgoingEmail.objects.create(
        to=recipients, subject=subject, body=body, html_body=html_body, from_email=from_email or "",
        headers=headers or {}, next_attempt_at=timezone.now(),
    )
    if deliver:
        transaction.on_commit(lambda: send_queued([email.pk]))
    return email


def queue_message(message, **options):
    """Queue a rendered django EmailMessage (as allauth builds them)."""
    html_body = next((content for content, kind in getattr(message, "alternatives", []) if kind == "text/html"), "")
    return queue_email(
        message.to, message.subject, message.body, html_body=html_body, from_email=message.from_email or "",
        headers=dict(message.extra_headers or {}), **options,
    )


def send_queued(ids):
    """Send these rows now if they are still waiting and no other sender has them. Returns how many went."""
    return _send(_claim(OutgoingEmail.objects.filter(pk__in=list(ids))))


def send_due(limit=BATCH):
    """Send what is due (new, or failed and waited long enough), oldest first. Returns (sent, failed)."""
    sent = failed = 0
    while True:
        claimed = _claim(OutgoingEmail.objects.all(), limit=limit)
        if not claimed:
            return sent, failed
        went = _send(claimed)
        sent, failed = sent + went, failed + len(claimed) - went
        if went < len(claimed):
            # Something failed: stop for this run rather than hammer a mail server that is down.
            return sent, failed


def forget_sent(older_than=KEEP_SENT):
    """Delete the rows of emails sent long ago: an address is kept only as long as it may be needed."""
    return OutgoingEmail.objects.filter(sent_at__lt=timezone.now() - older_than).delete()[0]


def _due(queryset, now):
    return queryset.filter(sent_at__isnull=True, next_attempt_at__lte=now).filter(
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    )


def _claim(queryset, limit=BATCH):
    """Take a lease on up to `limit` due rows for this sender; returns them."""
    now = timezone.now()
    token = uuid.uuid4()
    with transaction.atomic():
        candidates = _due(queryset, now).order_by("next_attempt_at", "pk")
        if connection.features.has_select_for_update_skip_locked:
            # Rows another sender is claiming right now are passed over, not waited for.
            candidates = candidates.select_for_update(skip_locked=True)
        ids = list(candidates.values_list("pk", flat=True)[:limit])
        if not ids:
            return []
        # The due condition again, so without row locks (SQLite) a row claimed meanwhile is left alone.
        _due(OutgoingEmail.objects.filter(pk__in=ids), now).update(
            claim_token=token, claimed_until=now + LEASE, attempts=F("attempts") + 1, last_attempt_at=now
        )
    return list(OutgoingEmail.objects.filter(claim_token=token).order_by("next_attempt_at", "pk"))


def _send(claimed):
    if not claimed:
        return 0
    went = 0
    backend = get_connection(fail_silently=False)
    for email in claimed:
        try:
            backend.send_messages([_message(email)])
        except Exception as error:  # any failure of the backend: keep the email and try again later
            _failed(email, error)
            continue
        OutgoingEmail.objects.filter(pk=email.pk, claim_token=email.claim_token).update(
            sent_at=timezone.now(), body="", html_body="", last_error="", claim_token=None, claimed_until=None,
        )
        went += 1
    return went


def _message(email):
    message = EmailMultiAlternatives(
        email.subject, email.body, email.from_email or settings.DEFAULT_FROM_EMAIL, email.to, headers=email.headers,
    )
    if email.html_body:
        message.attach_alternative(email.html_body, "text/html")
    return message


def _failed(email, error):
    wait = min(FIRST_RETRY * 2 ** min(max(email.attempts - 1, 0), 10), LONGEST_RETRY)
    # The error's type and text only: never the message, which may hold a link that signs someone in.
    description = f"{type(error).__name__}: {error}"[:1000]
    logger.warning("Outgoing email %s not sent (attempt %s): %s", email.pk, email.attempts, type(error).__name__)
    OutgoingEmail.objects.filter(pk=email.pk, claim_token=email.claim_token).update(
        last_error=description, next_attempt_at=timezone.now() + wait, claim_token=None, claimed_until=None,
    )


def is_sent(email):
    return OutgoingEmail.objects.filter(pk=email.pk, sent_at__isnull=False).exists()
