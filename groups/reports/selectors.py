"""Reads for the report pages: the staff queue, one report, and what a group's coordinators may see."""

import datetime

from django.conf import settings
from django.db.models import BooleanField, Count, ExpressionWrapper, IntegerField, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from groups.core.models import Group
from groups.reports.models import ListingReport, ReportDecision


def _urgent_count(since):
    """For each report, how many "closed" or "unsafe" reports its listing had since `since` (a subquery)."""
    recent = (
        ListingReport.objects.filter(group=OuterRef("group"), reason__in=ListingReport.URGENT_REASONS,
                                     created_at__gte=since)
        .order_by().values("group").annotate(count=Count("pk")).values("count")
    )
    return Coalesce(Subquery(recent, output_field=IntegerField()), 0)


def open_reports(now=None):
    """Open reports for the staff queue: oldest first, except that a listing with REPORT_URGENT_COUNT or more
    "closed" or "unsafe" reports in the last REPORT_URGENT_WINDOW_DAYS comes first (is_urgent), oldest of those
    first. One query, however many reports wait.
    """
    now = now or timezone.now()
    since = now - datetime.timedelta(days=settings.REPORT_URGENT_WINDOW_DAYS)
    return (
        ListingReport.objects.filter(resolved_at__isnull=True)
        .select_related("group")
        .annotate(urgent_reports=_urgent_count(since))
        .annotate(is_urgent=ExpressionWrapper(Q(urgent_reports__gte=settings.REPORT_URGENT_COUNT),
                                              output_field=BooleanField()))
        .order_by("-is_urgent", "created_at", "pk")
    )


def recently_resolved(limit=20):
    return list(ListingReport.objects.filter(resolved_at__isnull=False).select_related("group", "resolved_by")
                .order_by("-resolved_at", "-pk")[:limit])


def report_for_staff(pk):
    """One report with its listing, its log and the listing's other open reports (raises DoesNotExist)."""
    return (
        ListingReport.objects.select_related("group", "resolved_by")
        .prefetch_related(Prefetch("decisions", ReportDecision.objects.select_related("actor")))
        .get(pk=pk)
    )


def other_open_reports(report):
    return list(ListingReport.objects.filter(group=report.group_id, resolved_at__isnull=True).exclude(pk=report.pk))


def pending_proposed_change(group):
    """The listing's proposed change waiting in the review queue, if any (staff fix a listing through review)."""
    return Group.objects.filter(revision_of=group, status=Group.Status.PENDING).first()


# Staff decisions whose note the coordinators see (the decision form says so).
SHOWN_TO_COORDINATORS = (ReportDecision.Action.ASKED, ReportDecision.Action.PAUSED, ReportDecision.Action.TAKEN_DOWN)


def reports_for_coordinators(group):
    """What a group's coordinators see (ListingReport.shown_to_coordinators), newest first, with staff's notes.

    The reply address is never read (deferred, and never shown); the page shows the reporter's note only when
    report.coordinators_see_note.
    """
    return list(
        ListingReport.objects.filter(ListingReport.shown_to_coordinators(), group=group)
        .defer("reply_email")
        .prefetch_related(Prefetch("decisions", ReportDecision.objects.filter(action__in=SHOWN_TO_COORDINATORS)
                                   .order_by("created_at"), to_attr="staff_notes"))
        .order_by("-created_at", "-pk")
    )
