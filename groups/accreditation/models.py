import uuid

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.db.models import Manager
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from groups.accreditation.storage import private_storage
from groups.core.audit import Decision
from groups.core.models.group import Group
from groups.core.workflow import Workflow


class AccreditingBody(models.Model):
    """A body and its scheme, e.g. SafeLives — Leading Lights."""

    class AppliesTo(models.TextChoices):
        ORGANISATION = "organisation", _("an organisation")
        SERVICE = "service", _("a service")
        INDIVIDUAL = "individual", _("an individual practitioner")

    # The body a coordinator picks when theirs is not listed; they then name it and link to it.
    OTHER_SLUG = "other"

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("body"), max_length=150)
    scheme = models.CharField(_("scheme"), max_length=150)
    certifies = models.TextField(_("what it certifies"))
    applies_to = models.CharField(_("applies to"), max_length=20, choices=AppliesTo.choices)
    website = models.URLField(_("website"), blank=True)
    register_url = models.URLField(_("public register"), blank=True)
    renewal_months = models.PositiveSmallIntegerField(_("renewal period in months"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("accrediting body")
        verbose_name_plural = _("accrediting bodies")

    def __str__(self):
        return f"{self.name} — {self.scheme}"

    @property
    def is_other(self):
        return self.slug == self.OTHER_SLUG

    @property
    def renewal_label(self):
        """"every 3 years", "every 18 months", or "" when the period is not known."""
        months = self.renewal_months
        if not months:
            return ""
        if months % 12 == 0:
            years = months // 12
            return ngettext("every year", "every %(count)s years", years) % {"count": years}
        return ngettext("every month", "every %(count)s months", months) % {"count": months}


class AccreditationClaim(models.Model):
    """A group's claim to an accreditation. A badge shows only while verified and unexpired.

    Coordinators make and change claims; staff verify or reject them (groups.accreditation.services).
    Every step is kept in ClaimDecision.
    """

    class Status(models.TextChoices):
        CLAIMED = "claimed", _("Claimed, not yet verified")
        VERIFIED = "verified", _("Verified")
        REJECTED = "rejected", _("Rejected")

    class Scope(models.TextChoices):
        ORGANISATION = "organisation", _("The host organisation")
        GROUP = "group", _("This group")
        FACILITATOR = "facilitator", _("A named facilitator's own credential")

    class CheckedHow(models.TextChoices):
        REGISTER = "register", _("The body's public register")
        DOCUMENT = "document", _("A document, such as a certificate")
        BODY_CONTACT = "body-contact", _("Contact with the body itself")

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="accreditation_claims")
    body = models.ForeignKey(AccreditingBody, on_delete=models.PROTECT, related_name="claims")
    # Only for the "another body" choice: the coordinator names the body and links to it.
    other_body_name = models.CharField(_("name of the body and scheme"), max_length=150, blank=True)
    other_body_url = models.URLField(_("the body's website"), blank=True)
    reference = models.CharField(_("reference or membership number"), max_length=100, blank=True)
    scope = models.CharField(_("what it covers"), max_length=20, choices=Scope.choices, default=Scope.ORGANISATION)
    facilitator_name = models.CharField(_("facilitator's name"), max_length=150, blank=True)
    register_entry_url = models.URLField(_("link to the register entry"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.CLAIMED, db_index=True)
    # A renewal is a new claim in the queue; the claim it renews stays valid until its own date.
    renewal_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="renewals", verbose_name=_("renews")
    )
    # When the claim (last) joined the review queue: the queue is oldest first.
    submitted_at = models.DateTimeField(_("sent for review"), default=timezone.now, db_index=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("sent by"),
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    checked_how = models.CharField(_("how it was checked"), max_length=20, choices=CheckedHow.choices, blank=True)
    confirmed_reference = models.CharField(_("reference confirmed"), max_length=100, blank=True)
    # The last day on which the accreditation is valid, in the site's time zone.
    valid_until = models.DateField(_("valid until"), null=True, blank=True, db_index=True)
    # Shown to the group's coordinators; never emailed.
    rejection_reason = models.TextField(_("reason for rejecting"), blank=True)
    # Staff's own note; never shown to coordinators or the public, never emailed.
    note = models.TextField(_("staff note"), blank=True)
    # The expiry reminder, once per valid_until: a claim verified again with a new date is reminded again.
    reminder_sent_at = models.DateTimeField(_("expiry reminder sent"), null=True, blank=True, editable=False)
    reminder_valid_until = models.DateField(null=True, blank=True, editable=False)
    # Raised by every change a coordinator makes to the claim or its evidence: a decision names the version the
    # reviewer was shown (groups.accreditation.services.claim_seen_token) and is refused for any other.
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-valid_until"]
        verbose_name = _("accreditation claim")

    def __str__(self):
        return f"{self.group} — {self.body_label} ({self.get_status_display()})"

    def full_clean(self, exclude=None, *args, **kwargs):
        # clean() needs to know which fields a form leaves out (see below).
        self._excluded_from_clean = set(exclude or ())
        try:
            super().full_clean(exclude, *args, **kwargs)
        finally:
            del self._excluded_from_clean

    def clean(self):
        """Cross-field rules. An error about a field the form does not show is reported for the whole form."""
        errors = {}
        body = self.body if self.body_id else None
        if body is not None and body.is_other:
            if not self.other_body_name.strip():
                errors["other_body_name"] = _("Please give the name of the body and its scheme.")
            if not self.other_body_url:
                errors["other_body_url"] = _("Please give a link to the body's website, so we can check with it.")
        if self.scope == self.Scope.FACILITATOR and not self.facilitator_name.strip():
            errors["facilitator_name"] = _("Please give the name of the facilitator whose credential this is.")
        if body is not None and not body.is_other:
            individual = body.applies_to == AccreditingBody.AppliesTo.INDIVIDUAL
            if individual and self.scope != self.Scope.FACILITATOR:
                errors["scope"] = _("%(scheme)s is a credential for individual people: choose a named facilitator.") % {
                    "scheme": body.scheme}
            if not individual and self.scope == self.Scope.FACILITATOR:
                errors["scope"] = _("%(scheme)s accredits organisations or services, not individual people.") % {
                    "scheme": body.scheme}
        if self.status == self.Status.VERIFIED and not self.valid_until:
            errors["valid_until"] = _("A verified accreditation needs the last day it is valid.")
        if self.status == self.Status.REJECTED and not self.rejection_reason.strip():
            errors["rejection_reason"] = _("Please give a reason: the coordinator will see it.")
        if errors:
            excluded = getattr(self, "_excluded_from_clean", set())
            by_field = {}
            for field, message in errors.items():
                by_field.setdefault(NON_FIELD_ERRORS if field in excluded else field, []).append(message)
            raise ValidationError(by_field)

    @property
    def body_label(self):
        """The body and scheme as the coordinator named it, for "another body" too."""
        if self.body.is_other and self.other_body_name:
            return self.other_body_name
        return str(self.body)

    @property
    def scheme_label(self):
        """The scheme as the public badge names it; for "another body", the name the coordinator gave."""
        if self.body.is_other and self.other_body_name:
            return self.other_body_name
        return self.body.scheme

    def is_current(self, today):
        return self.status == self.Status.VERIFIED and self.valid_until is not None and self.valid_until >= today

    def state_on(self, today):
        """Where the claim stands on `today`, as coordinators and staff are told it (ClaimState)."""
        if self.status == self.Status.CLAIMED:
            return ClaimState.WAITING
        if self.status == self.Status.REJECTED:
            return ClaimState.REJECTED
        return ClaimState.VERIFIED if self.is_current(today) else ClaimState.LAPSED

    @property
    def is_facilitator_credential(self):
        return self.scope == self.Scope.FACILITATOR

    @property
    def has_verification(self):
        """Verified by staff, whether or not it has lapsed since: rejecting it now withdraws the verification."""
        return self.status == self.Status.VERIFIED

    @property
    def is_reminded_for_this_date(self):
        """The expiry reminder went for the current valid_until (a claim verified again is reminded again)."""
        return self.reminder_valid_until is not None and self.reminder_valid_until == self.valid_until

    # What the claim allows now, from CLAIM_WORKFLOW below: services ensure, templates ask these.

    def ensure_allows(self, action):
        CLAIM_WORKFLOW.ensure(action, self.status, self.get_status_display().lower())

    @property
    def can_be_verified(self):
        return CLAIM_WORKFLOW.allows(VERIFY, self.status)

    @property
    def can_be_rejected(self):
        return CLAIM_WORKFLOW.allows(REJECT, self.status)


class ClaimState(models.TextChoices):
    """A claim as people are told it: the status, with a verified claim past its last day shown as lapsed."""

    WAITING = "waiting", _("Waiting for review")
    VERIFIED = "verified", _("Verified")
    LAPSED = "lapsed", _("Lapsed")
    REJECTED = "rejected", _("Rejected")

    @property
    def is_waiting(self):
        return self is ClaimState.WAITING

    @property
    def is_verified(self):
        return self is ClaimState.VERIFIED

    @property
    def is_lapsed(self):
        return self is ClaimState.LAPSED

    @property
    def is_rejected(self):
        return self is ClaimState.REJECTED


# Actions on a claim. Staff verify or reject what waits; rejecting a verified claim withdraws it (the badge goes at
# once). A coordinator's change to what a verified or rejected claim says sends it back to the queue (RESUBMIT).
VERIFY, REJECT, RESUBMIT = "verify", "reject", "resubmit"
_S = AccreditationClaim.Status
CLAIM_WORKFLOW = Workflow([
    (VERIFY, _S.CLAIMED, _S.VERIFIED),
    (REJECT, _S.CLAIMED, _S.REJECTED), (REJECT, _S.VERIFIED, _S.REJECTED),
    (RESUBMIT, _S.VERIFIED, _S.CLAIMED), (RESUBMIT, _S.REJECTED, _S.CLAIMED),
], refusal=_("This claim is not waiting for review (it is %(state)s)."))
del _S


class ClaimDecision(Decision):
    """Every step of a claim's life, kept with who, when, what and why (groups.core.audit)."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", _("Claimed")
        RENEWAL = "renewal", _("Renewal requested")
        UPDATED = "updated", _("Details or files changed")
        RESUBMITTED = "resubmitted", _("Changed and sent back for review")
        VERIFIED = "verified", _("Verified")
        REJECTED = "rejected", _("Rejected")

    claim = models.ForeignKey(AccreditationClaim, on_delete=models.CASCADE, related_name="decisions")
    action = models.CharField(_("action"), max_length=30, choices=Action.choices)
    checked_how = models.CharField(
        _("how it was checked"), max_length=20, choices=AccreditationClaim.CheckedHow.choices, blank=True
    )
    reference = models.CharField(_("reference confirmed"), max_length=100, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta(Decision.Meta):
        verbose_name = _("accreditation decision")

    def __str__(self):
        return f"{self.claim_id} — {self.get_action_display()}"


class PresentEvidenceManager(models.Manager):
    """Evidence as coordinators and new decisions see it: what has not been removed."""

    def get_queryset(self):
        return super().get_queryset().filter(removed_at__isnull=True)


def evidence_upload_to(instance, filename):
    # A random name: the original name, which can say a lot, is kept only in the database.
    extension = ClaimEvidence.EXTENSIONS.get(instance.content_type, "")
    return f"accreditation/{uuid.uuid4().hex}{extension}"


class ClaimEvidence(models.Model):
    """A private file backing a claim (a certificate, a letter). Only staff and the group's coordinators see it."""

    EXTENSIONS = {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg"}

    claim = models.ForeignKey(AccreditationClaim, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("file"), upload_to=evidence_upload_to, storage=private_storage, max_length=200)
    original_name = models.CharField(_("original name"), max_length=255)
    # Found from the file's content, not from its name or what the browser said.
    content_type = models.CharField(_("type"), max_length=50)
    size = models.PositiveIntegerField(_("size in bytes"))
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Removed by a coordinator: no longer part of the claim, but kept (file and row) so the audit trail holds what
    # a reviewer looked at, until the claim's next decision plus EVIDENCE_RETENTION_DAYS (purge_removed_evidence).
    removed_at = models.DateTimeField(_("removed"), null=True, blank=True, editable=False, db_index=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )

    # The default (and so `claim.evidence`) leaves removed files out; all_objects has them, for staff and purging.
    all_objects = Manager()
    objects = PresentEvidenceManager()

    class Meta:
        default_manager_name = "objects"
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("accreditation evidence")
        verbose_name_plural = _("accreditation evidence")

    def __str__(self):
        return self.original_name


@receiver(post_delete, sender=ClaimEvidence)
def delete_evidence_file(sender, instance, **kwargs):
    """Evidence is personal enough not to outlive its record (a claim or group deleted takes its files too)."""
    name, storage = instance.file.name, instance.file.storage
    if name:
        transaction.on_commit(lambda: storage.delete(name))
