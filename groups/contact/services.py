"""Every write on contact messages: send, mark answered, delete, report as abusive, purge what is due.

A message is stored before anyone is told about it, and the coordinators' email is queued in the same
transaction (accounts.outbox through groups.core.notify): if the mail server is down the message and the email
both stay, and `manage.py send_outbox` sends it later. The email says only that a message is waiting; never
who sent it or what it says. Nothing here logs anything about the sender.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from groups.contact.models import ContactMessage, answered_retention_end, retention_end
from groups.core.models import Group
from groups.core.notify import notify_coordinators, notify_staff

WAITING_SUBJECT = gettext_lazy("SupportFinder: a new message is waiting")
WAITING_BODY = gettext_lazy(
    "Someone has sent a message to “%(name)s” through SupportFinder.\n\n"
    "A new message is waiting. Sign in to read it: %(link)s\n\n"
    "For the sender's safety this email does not say who they are or what they wrote.\n"
)
REPORTED_SUBJECT = gettext_lazy("SupportFinder: a coordinator reported a message as abusive")
REPORTED_BODY = gettext_lazy(
    "A coordinator has reported a message sent through SupportFinder as abusive.\n\nSign in to read it: %(link)s\n"
)


def message_send(*, group, name, reply_by, reply_to, safe_times, may_identify, body="", now=None):
    """Store a visitor's message to `group`, then queue "a message is waiting" to its coordinators.

    Refused (ValidationError) when the group does not take messages now. Returns the stored message, whose
    delete_after is the date the visitor is told.
    """
    now = now or timezone.now()
    with transaction.atomic():
        if not group.takes_messages:
            raise ValidationError(_("This group is not taking messages through SupportFinder at the moment."))
        message = ContactMessage(
            group=group, name=name, reply_by=reply_by, reply_to=reply_to, safe_times=safe_times,
            may_identify=may_identify, body=body, created_at=now, delete_after=retention_end(now),
        )
        message.full_clean()
        message.save()
        notify_coordinators(group, WAITING_SUBJECT, WAITING_BODY, {}, path=reverse("contact:inbox"))
    return message


def _own(message, user):
    """The message, locked, when `user` coordinates its group; PermissionDenied otherwise."""
    locked = ContactMessage.objects.for_coordinator(user).select_for_update(of=("self",)).filter(pk=message.pk)
    found = locked.first()
    if found is None:
        raise PermissionDenied
    return found


def message_mark_answered(*, message, user, now=None):
    """Record that a coordinator replied (outside the site); the message is then kept for the shorter time."""
    now = now or timezone.now()
    with transaction.atomic():
        message = _own(message, user)
        if message.answered_at is None:
            message.answered_at, message.answered_by = now, user
            message.delete_after = answered_retention_end(message.created_at, now)
            message.save(update_fields=["answered_at", "answered_by", "delete_after"])
    return message


def message_delete(*, message, user):
    """A coordinator deletes a message for good."""
    with transaction.atomic():
        _own(message, user).delete()


def message_report(*, message, user, note="", now=None):
    """A coordinator reports a message as abusive: staff may then read it, and are told one is waiting."""
    now = now or timezone.now()
    with transaction.atomic():
        message = _own(message, user)
        if message.reported_at is None:
            message.reported_at, message.reported_by, message.report_note = now, user, note.strip()[:500]
            message.full_clean()
            message.save(update_fields=["reported_at", "reported_by", "report_note"])
            notify_staff(REPORTED_SUBJECT, REPORTED_BODY, {},
                         path=reverse("contact:reported", args=[message.pk]))
    return message


def messages_purge(*, now=None):
    """Delete every message whose time is up; returns how many went. Safe to run twice, or at once on two hosts."""
    return ContactMessage.objects.due_for_deletion(now or timezone.now()).delete()[1].get(
        ContactMessage._meta.label, 0
    )


def messages_of_sole_coordinator_delete(*, user):
    """Delete the messages of the groups `user` coordinates alone: with the account gone nobody may read them."""
    others = Group.coordinators.through.objects.filter(group=OuterRef("group_id")).exclude(user=user)
    return ContactMessage.objects.for_coordinator(user).exclude(Exists(others)).delete()[0]
