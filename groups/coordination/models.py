import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groups.core.audit import Decision
from groups.core.models.group import Group


class ModerationDecision(Decision):
    """Every step of a listing's review, kept with who, when, what and why (groups.core.audit)."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted for review")
        APPROVED = "approved", _("Approved")
        CHANGES_REQUESTED = "changes-requested", _("Changes requested")
        REJECTED = "rejected", _("Rejected")
        PAUSED = "paused", _("Paused")
        REOPENED = "reopened", _("Reopened")
        CLOSED = "closed", _("Closed")
        CONFIRMED = "confirmed", _("Confirmed still accurate")

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="decisions")
    action = models.CharField(_("action"), max_length=30, choices=Action.choices)
    is_revision = models.BooleanField(_("about a proposed change"), default=False)

    class Meta(Decision.Meta):
        verbose_name = _("moderation decision")

    def __str__(self):
        return f"{self.group} — {self.get_action_display()}"


class CoordinatorInvitation(models.Model):
    """An invitation to co-coordinate a group: a link that works once and expires.

    It can be cancelled by any coordinator of the group, and sent again: sending again makes a new row with a
    new link and cancels this one (replaced_by), so every email sent is a row, and the rate limit counts rows
    (groups.coordination.invitations). It is void once the person who sent it no longer coordinates the group.
    """

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("email address"))
    # Only a hash is stored: the link itself exists only in the email that was sent.
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    replaced_by = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("coordinator invitation")
        indexes = [
            # The rate limits count recent invitations per inviter and per group.
            models.Index(fields=["invited_by", "created_at"], name="invitation_inviter_recent"),
            models.Index(fields=["group", "created_at"], name="invitation_group_recent"),
        ]

    def __str__(self):
        return f"{self.email} → {self.group}"

    @staticmethod
    def hash_token(token):
        return hashlib.sha256(token.encode()).hexdigest()

    @classmethod
    def new_token(cls):
        return secrets.token_urlsafe(32)

    @property
    def is_expired(self):
        return self.expires_at <= timezone.now()

    @property
    def is_usable(self):
        """Not yet used, cancelled or expired (whether its sender still coordinates is checked apart)."""
        return self.accepted_at is None and self.cancelled_at is None and not self.is_expired

    def inviter_still_coordinates(self):
        return self.invited_by_id is not None and self.group.coordinators.filter(pk=self.invited_by_id).exists()
