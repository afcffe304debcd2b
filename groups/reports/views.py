"""Report pages: the public form and its thank-you page, the staff queue and decision page, coordinators' "fixed".

The public pages take no account and set no cookie but the CSRF one the form needs (only the form page and its
POST render a token). Nothing about the person is logged or kept beyond what they typed: no IP address, no user
agent, no search terms (the form does not carry the search they came from).
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import coordinator_required, staff_with_mfa_required
from groups.core.abuse import connection_fingerprint
from groups.core.models import Group
from groups.core.permissions import coordinated_group_or_404
from groups.reports import selectors, services
from groups.reports.forms import ReportForm, ResolveForm, looks_automated
from groups.reports.models import ListingReport

REFUSED = {
    "honeypot": _("We could not send this. Please check your report and press “Send the report” again."),
    "too-fast": _("Please check your report, then press “Send the report” again."),
}


def _public_group_or_404(slug):
    return get_object_or_404(Group.objects.published(), slug=slug)


def _retention():
    return {"retention_days": settings.REPORT_RETENTION_DAYS}


def report_form(request, slug):
    """The form: GET shows it; POST stores the report and goes to the thank-you page, or shows it again (400/429)."""
    group = _public_group_or_404(slug)
    if request.method != "POST":
        return render(request, "reports/report_form.html", {"group": group, "form": ReportForm(), **_retention()})
    automated = looks_automated(request.POST)
    form = ReportForm(request.POST)
    problem, status = "", 400
    if automated:
        problem = REFUSED[automated]
    elif form.is_valid():
        data = form.cleaned_data
        try:
            services.report_submit(group=group, reason=data["reason"], note=data["note"],
                                   reply_email=data["reply_email"], connection=connection_fingerprint(request))
        except services.TooManyReports:
            problem, status = _("We have received many reports about this listing, or from this address, in the "
                                "last hour. Your words are still here: please try again later."), 429
        else:
            return redirect("reports:thanks", slug=group.slug)
    return render(request, "reports/report_form.html",
                  {"group": group, "form": form, "problem": problem, **_retention()}, status=status)


def report_thanks(request, slug):
    group = _public_group_or_404(slug)
    return render(request, "reports/report_thanks.html", {"group": group, **_retention()})


@staff_with_mfa_required
def staff_queue(request):
    return render(request, "reports/staff_queue.html", {
        "reports": list(selectors.open_reports()), "resolved": selectors.recently_resolved(),
        "urgent_count": settings.REPORT_URGENT_COUNT, "days": settings.REPORT_URGENT_WINDOW_DAYS,
    })


@staff_with_mfa_required
def staff_report(request, pk):
    try:
        report = selectors.report_for_staff(pk)
    except ListingReport.DoesNotExist:
        raise Http404 from None
    form, status, already = ResolveForm(request.POST or None), 200, None
    if request.method == "POST" and form.is_valid():
        try:
            resolved = services.report_resolve(report=report, staff=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, " ".join(error.messages))
            status = 400
        except PermissionDenied as error:
            messages.error(request, str(error))
            return redirect("reports:staff_report", pk)
        except services.ReportAlreadyResolved as resolved:
            # A second press, or another member of staff decided first: nothing more was done.
            already, status = resolved.report, 409
            report = selectors.report_for_staff(pk)
        else:
            messages.success(request, _("Decision recorded: %(what)s.") % {
                "what": resolved.get_resolution_display()})
            return redirect("reports:staff_queue")
    elif request.method == "POST":
        status = 400
    return render(request, "reports/staff_report.html", {
        "report": report, "form": form, "already": already, "others": selectors.other_open_reports(report),
        "proposed_change": selectors.pending_proposed_change(report.group),
        "conflict": services.resolve_conflict(report, request.user),
    }, status=status)


@coordinator_required
@require_POST
def coordinator_mark_fixed(request, slug, pk):
    group = coordinated_group_or_404(request.user, slug)
    report = get_object_or_404(ListingReport.objects.filter(ListingReport.shown_to_coordinators()), pk=pk, group=group)
    try:
        services.report_mark_fixed(report=report, coordinator=request.user)
    except services.ReportAlreadyResolved:
        messages.info(request, _("This report was already marked as fixed or closed. Nothing more was needed."))
    else:
        messages.success(request, _("Thank you. The report is marked as fixed; staff will see that."))
    return redirect("coordinate:group", group.slug)
