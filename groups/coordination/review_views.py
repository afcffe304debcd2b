"""Staff review: every new listing and every change, oldest first, before anything goes public."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from accounts.permissions import staff_with_mfa_required
from groups.coordination import services
from groups.coordination.forms import ReasonForm
from groups.core.models import Group
from groups.directory.selectors import for_detail_page
from groups.directory.views import decorate_for_detail


@staff_with_mfa_required
def queue(request):
    pending = (
        Group.objects.filter(status=Group.Status.PENDING)
        .select_related("revision_of", "submitted_by")
        .order_by(F("submitted_at").asc(nulls_first=True), "pk")
    )
    return render(request, "coordinate/review_queue.html", {"pending": pending})


@staff_with_mfa_required
def review(request, pk):
    group = get_object_or_404(Group.objects.select_related("revision_of", "submitted_by"), pk=pk)
    original = group.revision_of or group
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and group.status == Group.Status.PENDING:
        action = request.POST.get("action")
        reason = request.POST.get("reason", "")
        try:
            if action == "approve":
                services.review_approve(group=group, reviewer=request.user)
                messages.success(request, _("Approved and published."))
            elif action == "request-changes":
                services.review_request_changes(group=group, reviewer=request.user, reason=reason)
                messages.success(request, _("Sent back to the coordinators with your reason."))
            elif action == "reject":
                services.review_reject(group=group, reviewer=request.user, reason=reason)
                messages.success(request, _("Rejected. The coordinators can see your reason."))
            else:
                raise ValidationError(_("Choose approve, request changes or reject."))
        except ValidationError as error:
            form.add_error("reason", " ".join(error.messages))
        except PermissionDenied as error:
            messages.error(request, str(error))
            return redirect("coordinate:review", pk)
        else:
            return redirect("coordinate:review_queue")
    changes = services.group_changes(original, group) if group.revision_of_id else None
    snapshot = services.group_snapshot(group)
    return render(request, "coordinate/review_detail.html", {
        "group": group, "original": original, "changes": changes, "snapshot": snapshot, "form": form,
        "decisions": original.decisions.select_related("actor")[:50],
        "own_submission": group.submitted_by_id == request.user.pk,
    }, status=400 if form.errors else 200)


@staff_with_mfa_required
def review_preview(request, pk):
    group = get_object_or_404(Group, pk=pk)
    shown = for_detail_page(Group.objects.all()).get(pk=group.pk)
    decorate_for_detail(shown)
    return render(request, "groups/group_detail.html", {"group": shown, "preview_of": group.revision_of or group})
