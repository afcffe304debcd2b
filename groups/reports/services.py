"""Every write on a listing report: a visitor sends one, staff resolve it, coordinators mark it fixed, time deletes it.

A report is stored before anyone is told (the outbox email is written in the same transaction, groups.core.notify),
and emails say only that something is waiting: never the note, never the reply address.

A report is resolved once. Resolving claims it with a conditional UPDATE (... WHERE resolved_at IS NULL) inside the
transaction that does what was decided, so a second press of the button, a page left open while another member of
staff resolved it, or two requests at once (PostgreSQL re-checks the condition after the first commits) all end
in ReportAlreadyResolved with nothing done twice.
"""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from groups.coordination.listing import group_set_status, notify_news
from groups.core import abuse
from groups.core.models.group import CLOSE, PAUSE
from groups.core.notify import notify_coordinators, notify_staff
from groups.core.permissions import coordinates_or_did_recently
from groups.reports.models import ListingReport, ReportDecision

Reason = ListingReport.Reason
Resolution = ListingReport.Resolution
Action = ReportDecision.Action
HOUR = 60 * 60

UNSAFE_SUBJECT = gettext_lazy("SupportFinder: a listing was reported as unsafe")
UNSAFE_BODY = gettext_lazy(
    "Someone reported a listing as unsafe or inappropriate. Please look at it soon.\n\nSign in to read the report: "
    "%(link)s\n"
)
ASK_SUBJECT = gettext_lazy("SupportFinder: please check your listing")
# The reason is one of our fixed phrases; the staff note and the report's own note stay on the page (notify.py:
# an email says that there is news, never what somebody wrote).
ASK_BODY = gettext_lazy(
    "Someone told us that your listing “%(name)s” on SupportFinder may need a change: %(reason)s.\n\n"
    "Sign in to see the report and our note, and to mark it fixed: %(link)s\n"
)
# Each resolution's decision, and what it does to the listing (a status action of groups.coordination.listing).
ACTIONS = {
    Resolution.FIXED: Action.FIXED, Resolution.ASKED: Action.ASKED, Resolution.PAUSED: Action.PAUSED,
    Resolution.TAKEN_DOWN: Action.TAKEN_DOWN, Resolution.DISMISSED: Action.DISMISSED,
}
STATUS_ACTIONS = {Resolution.PAUSED: PAUSE, Resolution.TAKEN_DOWN: CLOSE}


class TooManyReports(Exception):
    """The rate limit for this reply address or this group was reached; nothing was stored."""


class ReportAlreadyResolved(Exception):
    """Someone resolved (or marked fixed) this report before this request: nothing was done."""

    def __init__(self, report):
        super().__init__("The report was already resolved.")
        self.report = report


def report_submit(*, group, reason, note="", reply_email="", connection=""):
    """Store a report about a public listing; "unsafe" ones email every member of staff at once (outbox).

    connection: a keyed hash of the sender's address (groups.core.abuse.connection_fingerprint), counted in
    the cache only, so one connection cannot send reports about many listings (each "unsafe" one emails staff).
    Raises TooManyReports (counted in the cache, groups.core.abuse) before anything is stored.
    """
    if not group.is_public:
        raise ValidationError(_("This listing is not public, so it cannot be reported."))
    limited = abuse.over_limit("report-group", group.pk, limit=settings.REPORTS_PER_HOUR_PER_GROUP,
                               window_seconds=HOUR)
    if reply_email:
        limited |= abuse.over_limit("report-address", reply_email, limit=settings.REPORTS_PER_HOUR_PER_ADDRESS,
                                    window_seconds=HOUR)
    if connection:
        limited |= abuse.over_limit("report-connection", connection,
                                    limit=settings.REPORTS_PER_HOUR_PER_CONNECTION, window_seconds=HOUR)
    if limited:
        raise TooManyReports
    report = ListingReport(group=group, reason=reason, note=note.strip(), reply_email=reply_email.strip())
    report.full_clean()
    with transaction.atomic():
        report.save()
        if reason == Reason.UNSAFE:
            notify_staff(UNSAFE_SUBJECT, UNSAFE_BODY, {}, path=reverse("reports:staff_report", args=[report.pk]))
    return report


def resolve_conflict(report, staff):
    """Why this member of staff may not resolve this report, or None (four eyes, as for reviews)."""
    if coordinates_or_did_recently(staff, report.group):
        return _("You coordinate this group, or did in the last %(days)s days, so another member of staff must "
                 "decide on this report.") % {"days": settings.FOUR_EYES_COOLDOWN_DAYS}
    return None


def _claim(report, values):
    """Mark the report as decided only if it is still open; raises ReportAlreadyResolved otherwise."""
    if not ListingReport.objects.filter(pk=report.pk, resolved_at__isnull=True).update(**values):
        raise ReportAlreadyResolved(ListingReport.objects.select_related("resolved_by").get(pk=report.pk))


def report_resolve(*, report, staff, resolution, note):
    """Decide on an open report: fix, ask the coordinators, pause or take down the listing, or dismiss.

    `note` (why) is required and logged; the coordinators see it when they are asked or their listing is paused
    or taken down. Raises ValidationError (nothing done), PermissionDenied (four eyes) or ReportAlreadyResolved.
    """
    if resolution not in ACTIONS:
        raise ValidationError(_("Choose what to do about this report."))
    if not note.strip():
        raise ValidationError(_("Please say why: it is kept with the decision."))
    conflict = resolve_conflict(report, staff)
    if conflict:
        raise PermissionDenied(conflict)
    now = timezone.now()
    with transaction.atomic():
        _claim(report, {"resolved_at": now, "resolved_by": staff, "resolution": resolution})
        group = report.group
        if resolution in STATUS_ACTIONS:
            group_set_status(group=group, user=staff, action=STATUS_ACTIONS[resolution], reason=note.strip())
            notify_news(group)
        elif resolution == Resolution.ASKED:
            notify_coordinators(group, ASK_SUBJECT, ASK_BODY, {"reason": report.get_reason_display().lower()},
                                path=reverse("coordinate:group", args=[group.slug]))
        ReportDecision.objects.create(report=report, action=ACTIONS[resolution], actor=staff, reason=note.strip(),
                                      created_at=now)
    report.refresh_from_db()
    return report


def report_mark_fixed(*, report, coordinator):
    """A coordinator says the listing is fixed: a report they may see, open or sent to them. Nobody is emailed.

    An open report stays in the staff queue (staff check and resolve it); one staff sent to the coordinators is
    done. Raises PermissionDenied for a report they may not see, ReportAlreadyResolved when it is already done.
    """
    if not report.coordinators_may_see or not report.group.coordinators.filter(pk=coordinator.pk).exists():
        raise PermissionDenied
    now = timezone.now()
    with transaction.atomic():
        marked = ListingReport.objects.filter(
            pk=report.pk, coordinators_fixed_at__isnull=True, resolution__in=["", Resolution.ASKED],
        ).update(coordinators_fixed_at=now)
        if not marked:
            raise ReportAlreadyResolved(ListingReport.objects.get(pk=report.pk))
        ReportDecision.objects.create(report=report, action=Action.COORDINATORS_FIXED, actor=coordinator,
                                      created_at=now)
    report.refresh_from_db()
    return report


def purge_listing_reports(*, now=None):
    """Delete reports resolved more than REPORT_RETENTION_DAYS ago, with their reply address and log.

    Open reports stay until they are resolved. Returns how many reports were deleted.
    """
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.REPORT_RETENTION_DAYS)
    _total, by_model = ListingReport.objects.filter(resolved_at__isnull=False, resolved_at__lte=cutoff).delete()
    return by_model.get(ListingReport._meta.label, 0)
