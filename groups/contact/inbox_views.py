"""Coordinators read their groups' messages; staff read only those a coordinator reported as abusive.

A message of a group the user does not coordinate is a 404 for every page and action. Answering happens
outside the site (by the route and at the times the sender gave); here it is only marked. Deleting and
reporting ask first, on their own page, and act only on a POST.
"""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.permissions import coordinator_required, staff_with_mfa_required
from groups.contact import selectors, services
from groups.contact.forms import ReportForm


@never_cache
@coordinator_required
def inbox(request):
    return render(request, "contact/inbox.html", {
        "groups": selectors.inbox(request.user),
        "retention_days": settings.CONTACT_MESSAGE_RETENTION_DAYS,
        "answered_days": settings.CONTACT_ANSWERED_RETENTION_DAYS,
    })


@coordinator_required
@require_POST
def message_answered(request, pk):
    message = selectors.own_message_or_404(request.user, pk)
    message = services.message_mark_answered(message=message, user=request.user)
    messages.success(request, _("Marked as answered. It will be deleted on %(date)s.")
                     % {"date": date_format(timezone.localdate(message.delete_after), "j F Y")})
    return redirect("contact:inbox")


@never_cache
@coordinator_required
def message_delete(request, pk):
    message = selectors.own_message_or_404(request.user, pk)
    if request.method == "POST":
        services.message_delete(message=message, user=request.user)
        messages.success(request, _("The message was deleted."))
        return redirect("contact:inbox")
    return render(request, "contact/message_delete.html", {"message": message})


@never_cache
@coordinator_required
def message_report(request, pk):
    message = selectors.own_message_or_404(request.user, pk)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.message_report(message=message, user=request.user, note=form.cleaned_data["note"])
        messages.success(request, _("Thank you. SupportFinder staff can now read this message and will look into it."))
        return redirect("contact:inbox")
    return render(request, "contact/message_report.html", {"message": message, "form": form},
                  status=400 if form.errors else 200)


@never_cache
@staff_with_mfa_required
def reported_list(request):
    return render(request, "contact/reported_list.html", {"reported": selectors.reported_messages()})


@never_cache
@staff_with_mfa_required
def reported_message(request, pk):
    return render(request, "contact/reported_message.html", {"message": selectors.reported_message_or_404(pk)})
