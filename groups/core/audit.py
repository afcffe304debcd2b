"""One decision log: every step in the life of something reviewed, kept with who, when, what and why.

ModerationDecision (a listing, groups.coordination) and ClaimDecision (an accreditation claim,
groups.accreditation) are tables of this one shape; each adds what points at its subject and its own actions.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Decision(models.Model):
    """A step a person took: submitted, approved, verified, … Never edited once written."""

    # Each log names its own actions (a TextChoices called Action) by overriding this field with choices.
    action = models.CharField(_("action"), max_length=30)
    reason = models.TextField(_("reason"), blank=True)
    # Field by field, what the decision was about: {"field label": [before, after]} (groups.core.snapshot).
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    # Kept when the account goes: the step still happened.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-pk"]
