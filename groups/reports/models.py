"""Reports from the public that a listing is wrong, closed or unsafe, and what staff decided about each.

What a report keeps is only what the person chose to tell us: the reason, a short note and, if they want an
answer, a reply address. No IP address, user agent, search terms, referrer or account is stored with it (there is
no field for them). The reply address is shown only to staff. A resolved report, its reply address and its log
are deleted REPORT_RETENTION_DAYS after it was resolved (`manage.py purge_listing_reports`); a group's reports go
when the group is deleted (on_delete=CASCADE: a report about a listing that no longer exists has nothing left to
act on, and keeping it would only keep what someone wrote).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groups.core.audit import Decision
from groups.core.models import Group

NOTE_MAX_LENGTH = 1000


class ListingReport(models.Model):
    class Reason(models.TextChoices):
        CLOSED = "closed", _("The group has closed or no longer meets")
        WRONG_DETAILS = "wrong-details", _("Some details are wrong (contact, place, who it is for)")
        WRONG_TIME = "wrong-time", _("The meeting day or time is wrong")
        UNSAFE = "unsafe", _("Something about this group or listing is unsafe or inappropriate")
        OTHER = "other", _("Something else")

    class Resolution(models.TextChoices):
        FIXED = "fixed", _("Fixed the listing")
        ASKED = "asked-coordinators", _("Asked the coordinators to check")
        PAUSED = "paused", _("Paused the listing (still listed, not taking new members)")
        TAKEN_DOWN = "taken-down", _("Took the listing down (closed; public again only after review)")
        DISMISSED = "dismissed", _("Dismissed: nothing needs to change")

    # The group's coordinators see reports of these reasons (reason and note, never the reply address); reports of
    # "unsafe" or "other" may be about the coordinators themselves, so only staff see those, unless staff ask the
    # coordinators about one: they then see the reason and staff's note, never the reporter's note.
    COORDINATOR_REASONS = (Reason.CLOSED, Reason.WRONG_DETAILS, Reason.WRONG_TIME)
    # Several of these about one listing in a short time bring it to the top of the staff queue.
    URGENT_REASONS = (Reason.CLOSED, Reason.UNSAFE)

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="reports", verbose_name=_("group"))
    reason = models.CharField(_("what is wrong"), max_length=20, choices=Reason.choices)
    note = models.TextField(_("note"), max_length=NOTE_MAX_LENGTH, blank=True)
    # Only for staff to answer; deleted with the report.
    reply_email = models.EmailField(_("reply address"), blank=True)
    created_at = models.DateTimeField(_("received"), default=timezone.now, db_index=True)

    resolution = models.CharField(_("resolution"), max_length=30, choices=Resolution.choices, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True, db_index=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("resolved by"),
    )
    # The coordinators said they fixed it (a report of a reason they see); staff still decide an open one.
    coordinators_fixed_at = models.DateTimeField(_("coordinators marked it fixed"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("listing report")
        indexes = [
            # The queue's urgency counts recent reports per group and reason.
            models.Index(fields=["group", "reason", "created_at"], name="report_group_reason_recent"),
        ]

    def __str__(self):
        return f"{self.group} — {self.get_reason_display()}"

    @property
    def is_resolved(self):
        return self.resolved_at is not None

    @classmethod
    def shown_to_coordinators(cls):
        """The condition (a Q) of reports a group's coordinators see on their page: not dismissed, and of a reason
        they see or one staff asked them about."""
        return (models.Q(reason__in=cls.COORDINATOR_REASONS) | models.Q(resolution=cls.Resolution.ASKED)) & ~models.Q(
            resolution=cls.Resolution.DISMISSED)

    @property
    def coordinators_may_see(self):
        return self.reason in self.COORDINATOR_REASONS or self.resolution == self.Resolution.ASKED

    @property
    def coordinators_see_note(self):
        """The reporter's own words go to coordinators only for the reasons they see (COORDINATOR_REASONS)."""
        return self.reason in self.COORDINATOR_REASONS

    @property
    def coordinators_can_mark_fixed(self):
        """Seen by coordinators, not yet marked fixed by them, and still open or sent to them by staff."""
        return (self.coordinators_may_see and self.coordinators_fixed_at is None
                and self.resolution in ("", self.Resolution.ASKED))


class ReportDecision(Decision):
    """Every step taken on a report, with who, when and why (groups.core.audit); deleted with its report."""

    class Action(models.TextChoices):
        FIXED = "fixed", _("Fixed the listing")
        ASKED = "asked-coordinators", _("Asked the coordinators to check")
        PAUSED = "paused", _("Paused the listing")
        TAKEN_DOWN = "taken-down", _("Took the listing down")
        DISMISSED = "dismissed", _("Dismissed")
        COORDINATORS_FIXED = "coordinators-fixed", _("Coordinators marked it fixed")

    report = models.ForeignKey(ListingReport, on_delete=models.CASCADE, related_name="decisions")
    action = models.CharField(_("action"), max_length=30, choices=Action.choices)

    class Meta(Decision.Meta):
        verbose_name = _("report decision")

    def __str__(self):
        return f"{self.report} — {self.get_action_display()}"
