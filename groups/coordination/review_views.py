"""Staff review: every new listing and every change, oldest first, before anything goes public."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy

from accounts.permissions import staff_with_mfa_required
from groups.accreditation.selectors import waiting_claims_for
from groups.coordination import selectors, services
from groups.coordination.forms import ReasonForm
from groups.core.models import Group
from groups.core.models.group import APPROVE, REJECT, REQUEST_CHANGES
from groups.directory.presenters import group_page
from groups.directory.selectors import for_detail_page

DONE = {
    APPROVE: gettext_lazy("Approved and published."),
    REQUEST_CHANGES: gettext_lazy("Sent back to the coordinators with your reason."),
    REJECT: gettext_lazy("Rejected. The coordinators can see your reason."),
}


def _review_item_or_404(pk):
    try:
        return selectors.review_item(pk)
    except Group.DoesNotExist:
        raise Http404 from None


@staff_with_mfa_required
def queue(request):
    return render(request, "coordinate/review_queue.html", {"pending": selectors.pending_reviews()})


@staff_with_mfa_required
def review(request, pk):
    group = _review_item_or_404(pk)
    original = group.revision_of or group
    form = ReasonForm(request.POST or None)
    since_seen, status = None, 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            services.review_decide(group=group, reviewer=request.user, action=action,
                                   reason=request.POST.get("reason", ""), seen=request.POST.get("seen", ""))
        except ValidationError as error:
            form.add_error("reason", " ".join(error.messages))
            status = 400
        except PermissionDenied as error:
            messages.error(request, str(error))
            return redirect("coordinate:review", pk)
        except services.StaleReview as stale:
            # Nothing decided: the page shows the listing as it is now, with what changed since it was opened.
            since_seen, status = stale.changes, 409
            group = _review_item_or_404(pk)
        else:
            messages.success(request, DONE[action])
            return redirect("coordinate:review_queue")
    changes, snapshot = selectors.review_comparison(group)
    return render(request, "coordinate/review_detail.html", {
        "group": group, "original": original, "changes": changes, "snapshot": snapshot, "form": form,
        "decisions": selectors.group_decisions(original, limit=50), "since_seen": since_seen,
        "conflict": services.decision_conflict(group, request.user), "seen": services.seen_token(group),
        # Claims belong to the listing itself, never to its proposed change; they are checked on their own page.
        "waiting_claims": waiting_claims_for(original),
    }, status=status)


@staff_with_mfa_required
def review_preview(request, pk):
    group = _review_item_or_404(pk)
    shown = for_detail_page(Group.objects.all()).get(pk=group.pk)
    return render(request, "groups/group_detail.html",
                  {"group": shown, "page": group_page(shown), "preview_of": group.revision_of or group})
