"""A message a survivor sent a group through SupportFinder's own form, kept only until it is due to go.

What is kept is only what the group needs to reply safely: a name or alias, one way to reply, when it is safe
to reply, whether a voicemail or a message that says where it is from is all right, and an optional short
message. Never an IP address, a user agent or what was searched for. Only the group's coordinators read it;
staff read one only after a coordinator reports it as abusive.

`delete_after` is decided when the message is stored (CONTACT_MESSAGE_RETENTION_DAYS) and brought forward
when it is answered (CONTACT_ANSWERED_RETENTION_DAYS): the visitor is told that exact date, and
`manage.py purge_contact_messages` deletes exactly what is past it.
"""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groups.core.models import Group

NAME_MAX = 80
REPLY_TO_MAX = 254
SAFE_TIMES_MAX = 200
BODY_MAX = 1000


class ContactMessageQuerySet(models.QuerySet):
    def for_coordinator(self, user):
        """Messages to the groups this user coordinates: the only ones they may read."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(group__coordinators=user, group__revision_of__isnull=True)

    def for_inbox(self):
        """Per group, unanswered first, newest first; the group read in the same query."""
        return self.select_related("group").order_by(
            "group__name", "group_id", models.F("answered_at").asc(nulls_first=True), "-created_at", "-pk",
        )

    def reported(self):
        """Messages a coordinator reported as abusive: the only ones staff may read."""
        return self.filter(reported_at__isnull=False)

    def due_for_deletion(self, now):
        return self.filter(delete_after__lte=now)


class ContactMessage(models.Model):
    class ReplyBy(models.TextChoices):
        EMAIL = "email", _("Email")
        PHONE = "phone", _("Phone")

    # Deleting the group deletes its messages: nobody else may read them.
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="contact_messages",
                              verbose_name=_("group"))
    name = models.CharField(_("name or alias"), max_length=NAME_MAX)
    reply_by = models.CharField(_("reply by"), max_length=10, choices=ReplyBy.choices)
    reply_to = models.CharField(_("email or phone to reply to"), max_length=REPLY_TO_MAX)
    safe_times = models.CharField(_("when it is safe to reply"), max_length=SAFE_TIMES_MAX)
    may_identify = models.BooleanField(
        _("a voicemail or a message that says where it is from is all right"), default=False,
    )
    body = models.TextField(_("message"), max_length=BODY_MAX, blank=True)

    created_at = models.DateTimeField(_("sent"), default=timezone.now, db_index=True)
    delete_after = models.DateTimeField(_("deleted after"), db_index=True)
    answered_at = models.DateTimeField(_("marked answered"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
    )
    reported_at = models.DateTimeField(_("reported as abusive"), null=True, blank=True, db_index=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
    )
    report_note = models.CharField(_("why it was reported"), max_length=500, blank=True)

    objects = ContactMessageQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("contact message")

    def __str__(self):
        return f"Message to {self.group} ({self.created_at:%Y-%m-%d})"

    @property
    def is_answered(self):
        return self.answered_at is not None

    @property
    def is_reported(self):
        return self.reported_at is not None


def retention_end(sent_at):
    """When a message sent at `sent_at` is deleted if nobody answers it."""
    return sent_at + datetime.timedelta(days=settings.CONTACT_MESSAGE_RETENTION_DAYS)


def answered_retention_end(sent_at, answered_at):
    """When an answered message is deleted: after the shorter wait, never later than first promised."""
    return min(retention_end(sent_at), answered_at + datetime.timedelta(days=settings.CONTACT_ANSWERED_RETENTION_DAYS))
