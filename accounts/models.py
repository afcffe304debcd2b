from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager):
    """Users are found by email; there is no username."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """An account holder: a coordinator or a member of staff. Email is the login."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("email address"), unique=True)
    display_name = models.CharField(
        _("name shown to other coordinators"), max_length=100, blank=True
    )
    # Co-coordinators see each other's email address only with that person's consent.
    share_email_with_coordinators = models.BooleanField(
        _("show my email address to the other coordinators of my groups"), default=False,
        help_text=_("Off: they see only your name. On: they also see your email address, so they can write to you."),
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.display_name or self.email


class OutgoingEmail(models.Model):
    """One email waiting in the outbox, written in the same transaction as the change that causes it.

    accounts.outbox delivers it once that transaction commits and `manage.py send_outbox` retries what
    failed; a sender claims rows for a short lease before sending, so two senders never send the same one.
    The body is erased once sent: it may hold a sign-in or reset link, and is needed only until delivery.
    """

    to = models.JSONField(_("to"), default=list)
    from_email = models.CharField(_("from"), max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=998)
    body = models.TextField(_("text"), blank=True)
    html_body = models.TextField(_("HTML text"), blank=True)
    headers = models.JSONField(_("headers"), default=dict, blank=True)
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), db_index=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_attempt_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True, db_index=True)
    # The sender that claimed this row, and until when; another sender leaves it alone until then.
    claim_token = models.UUIDField(null=True, blank=True, editable=False)
    claimed_until = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing emails")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.subject

    @property
    def failed(self):
        return self.sent_at is None and self.attempts > 0


class StaffEnrolment(models.Model):
    """A one-time link that lets a member of staff set up two-factor authentication.

    Staff cannot set it up with the password alone (accounts.middleware), so someone who has only the
    password cannot enrol an authenticator of their own. Only a hash of the link's token is kept.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="staff_enrolments")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        help_text=_("The member of staff who issued it; empty when it came from manage.py."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("staff two-factor enrolment link")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.user} ({self.created_at:%Y-%m-%d %H:%M})"
