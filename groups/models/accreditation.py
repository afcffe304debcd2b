from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .group import Group


class AccreditingBody(models.Model):
    """A body and its scheme, e.g. SafeLives — Leading Lights."""

    class AppliesTo(models.TextChoices):
        ORGANISATION = "organisation", _("an organisation")
        SERVICE = "service", _("a service")
        INDIVIDUAL = "individual", _("an individual practitioner")

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


class AccreditationClaim(models.Model):
    """A group's claim to an accreditation. A badge shows only while verified and unexpired."""

    class Status(models.TextChoices):
        CLAIMED = "claimed", _("Claimed, not yet verified")
        VERIFIED = "verified", _("Verified")
        REJECTED = "rejected", _("Rejected")

    class Scope(models.TextChoices):
        ORGANISATION = "organisation", _("The host organisation")
        GROUP = "group", _("This group")
        FACILITATOR = "facilitator", _("A named facilitator's own credential")

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="accreditation_claims")
    body = models.ForeignKey(AccreditingBody, on_delete=models.PROTECT, related_name="claims")
    reference = models.CharField(_("reference or membership number"), max_length=100, blank=True)
    scope = models.CharField(_("what it covers"), max_length=20, choices=Scope.choices, default=Scope.ORGANISATION)
    facilitator_name = models.CharField(_("facilitator's name"), max_length=150, blank=True)
    register_entry_url = models.URLField(_("link to the register entry"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.CLAIMED, db_index=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    # The last day on which the accreditation is valid, in the site's time zone.
    valid_until = models.DateField(_("valid until"), null=True, blank=True, db_index=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-valid_until"]
        verbose_name = _("accreditation claim")

    def __str__(self):
        return f"{self.group} — {self.body} ({self.get_status_display()})"

    def is_current(self, today):
        return self.status == self.Status.VERIFIED and self.valid_until is not None and self.valid_until >= today
