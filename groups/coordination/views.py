"""Coordinators' pages: their groups, the group form (draft, preview, submit), status and co-coordinators.

Each view parses the request, calls one service (groups.coordination.services) or reads what the page shows
(selectors, presenters), and renders. A GET writes nothing.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.permissions import coordinator_required, email_verified
from groups.accreditation.forms import ClaimForm
from groups.coordination import presenters, selectors, services
from groups.coordination.forms import (
    GroupForm,
    InvitationForm,
    MeetingTimeFormSet,
    PlaceForm,
    listing_content,
    without_foreign_meetings,
)
from groups.core.models import Group, Place
from groups.core.models.group import CLOSE, PAUSE, REOPEN
from groups.core.permissions import coordinated_group_or_404
from groups.directory.presenters import group_page
from groups.directory.selectors import for_detail_page

STATUS_DONE = {
    PAUSE: gettext_lazy("Paused: the listing stays up and says the group is not taking new members."),
    REOPEN: gettext_lazy("Reopened: the listing says the group is taking new members again."),
    CLOSE: gettext_lazy("Closed: the listing is no longer shown to anyone. You can reopen it from this page."),
}
LEAVE_QUEUE = gettext_lazy(
    "This listing is waiting for review. Saving it as a draft takes it out of the review queue until you submit "
    "it again. Tick “I understand this takes it out of the review queue” to save anyway, or choose “Save and "
    "submit for review” to keep it in the queue."
)

PLACE_NOT_FOUND = gettext_lazy(
    "We could not find “%(city)s” in the country you chose, so people searching near a place will not see the "
    "group yet. Check the spelling of the town, or give its latitude and longitude in “Where it meets in person”."
)


@coordinator_required
def dashboard(request):
    rows = [(group, presenters.waiting_on_coordinator(group, latest))
            for group, latest in selectors.dashboard_groups(request.user)]
    return render(request, "coordinate/dashboard.html", {
        "rows": rows, "email_verified": email_verified(request.user),
    })


def _forms(request, group=None, *, version=None, with_claim=False):
    """The listing's forms: bound to the POST, or showing `group` (and `version`, for the edit conflict check)."""
    data = without_foreign_meetings(request.POST, group) if request.method == "POST" else None
    place = Place.objects.filter(group=group).first() if group else None
    forms = {
        "form": GroupForm(data, instance=group, initial={"version": version}),
        "place_form": PlaceForm(data, instance=place, prefix="place"),
        "meetings": MeetingTimeFormSet(data, instance=group or Group(), prefix="meetings"),
    }
    if with_claim:
        files = request.FILES if request.method == "POST" else None
        claim_form = ClaimForm(data, files, prefix="claim")
        claim_form.fields["body"].required = False
        claim_form.fields["body"].empty_label = _("No accreditation to claim")
        claim_form.fields["scope"].required = False
        forms["claim_form"] = claim_form
    return forms


def _valid_content(request, forms):
    """The cleaned content when every form is valid (complete, to submit or preview), else None."""
    if request.POST.get("action", "save") in ("submit", "preview"):
        forms["form"].require_everything_for_review()
    if not all(form.is_valid() for form in forms.values()):
        return None
    return listing_content(forms["form"], forms["place_form"], forms["meetings"])


def _claim_data(claim_form):
    """The optional accreditation claim of a new listing, as claim_submit takes it; None when no body is chosen."""
    if not claim_form.cleaned_data.get("body"):
        return None
    return {"evidence": claim_form.cleaned_data.get("evidence") or [], **claim_form.service_fields()}


@coordinator_required
def group_create(request):
    forms = _forms(request, with_claim=True)
    if request.method == "POST":
        content = _valid_content(request, forms)
        if content is not None:
            action = request.POST.get("action", "save")
            saved = services.listing_create(user=request.user, content=content, submit=action == "submit",
                                            claim=_claim_data(forms["claim_form"]))
            if saved.claim_problem:
                messages.error(request, _("The listing was saved, but the accreditation claim was not: %(error)s")
                               % {"error": saved.claim_problem})
            return _after_save(request, saved, action, forms["place_form"])
    return render(request, "coordinate/group_form.html", {**forms, "creating": True})


def _after_save(request, saved, action, place_form):
    if place_form.not_found:
        messages.warning(request, PLACE_NOT_FOUND % {"city": place_form.not_found})
    if action == "preview":
        return redirect("coordinate:preview", saved.group.slug)
    if saved.submit_problem:
        messages.error(request, saved.submit_problem)
    elif saved.submitted:
        messages.success(
            request, _("Thank you. Your listing was sent for review; we will email you when there is news.")
        )
    else:
        messages.success(request, _("Saved. Nothing is public until staff have reviewed it."))
    return redirect("coordinate:group", saved.group.slug)


@coordinator_required
def group_edit(request, slug):
    group = coordinated_group_or_404(request.user, slug)
    base, version = selectors.edit_base(group)
    forms = _forms(request, base, version=version)
    under_review = presenters.under_review(group)
    conflict = False
    if request.method == "POST":
        action = request.POST.get("action", "save")
        if action != "submit" and under_review and request.POST.get("leave_queue") != "yes":
            # Nothing is saved until the coordinator says they know it leaves the queue; every value is kept.
            _valid_content(request, forms)
            forms["form"].add_error(None, LEAVE_QUEUE)
            content = None
        else:
            content = _valid_content(request, forms)
        if content is not None:
            try:
                saved = services.listing_save(group=group, user=request.user, content=content,
                                              expected_version=forms["form"].cleaned_data.get("version"),
                                              submit=action == "submit")
            except services.ConcurrentEditError:
                conflict = True
                # Shown again with what was typed; saving again, knowingly, keeps it.
                forms["form"].data = forms["form"].data.copy()
                forms["form"].data["version"] = selectors.edit_base(group)[1] or ""
            except ValidationError as error:
                forms["form"].add_error(None, " ".join(error.messages))
            else:
                return _after_save(request, saved, action, forms["place_form"])
    elif group.status == Group.Status.CLOSED:
        messages.info(request, _("This listing is closed. You can edit it and submit it for review to list it again."))
    return render(request, "coordinate/group_form.html", {
        **forms, "group": group, "conflict": conflict, "is_revision": group.takes_proposed_changes,
        "under_review": under_review, "leave_queue": request.POST.get("leave_queue") == "yes",
    })


@coordinator_required
def group_manage(request, slug):
    group = coordinated_group_or_404(request.user, slug)
    revision = presenters.proposed_change(group)
    decisions = selectors.group_decisions(group)
    return render(request, "coordinate/group_manage.html", {
        "group": group, "revision": revision, "decisions": decisions,
        "still_needed": presenters.still_needed(group, revision),
        "waiting": presenters.waiting_on_coordinator(group, decisions[0] if decisions else None),
        **_coordinators_context(group, request.user),
        "email_verified": email_verified(request.user),
    })


@coordinator_required
def group_preview(request, slug):
    """Exactly the public page, for the version being edited."""
    group = coordinated_group_or_404(request.user, slug)
    target = presenters.proposed_change(group) or group
    shown = for_detail_page(Group.objects.all()).get(pk=target.pk)
    return render(request, "groups/group_detail.html", {
        "group": shown, "page": group_page(shown), "preview_of": group, "can_submit": target.can_be_submitted,
    })


@coordinator_required
@require_POST
def group_submit(request, slug):
    group = coordinated_group_or_404(request.user, slug)
    target = presenters.proposed_change(group) or group
    try:
        services.group_submit(group=target, user=request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(
            request, _("Thank you. Your listing was sent for review; we will email you when there is news.")
        )
    return redirect("coordinate:group", slug)


@coordinator_required
@require_POST
def group_status(request, slug):
    group = coordinated_group_or_404(request.user, slug)
    action = request.POST.get("action")
    if action == CLOSE:
        # Closing is never one tap: it is asked for, and explained, on its own page (group_close).
        return redirect("coordinate:close", slug)
    try:
        services.group_set_status(group=group, user=request.user, action=action)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, STATUS_DONE[action])
    return redirect("coordinate:group", slug)


@coordinator_required
def group_close(request, slug):
    """Close a listing: the page says what happens; only a POST that ticks the confirmation closes it."""
    group = coordinated_group_or_404(request.user, slug)
    problem = ""
    if request.method == "POST":
        if request.POST.get("confirm") != "close":
            problem = _("Tick the box to confirm you want to close this listing. Nothing has changed yet.")
        else:
            try:
                services.group_set_status(group=group, user=request.user, action=CLOSE)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, STATUS_DONE[CLOSE])
            return redirect("coordinate:group", slug)
    return render(request, "coordinate/group_close.html", {
        "group": group, "problem": problem, "revision": presenters.proposed_change(group),
    }, status=400 if problem else 200)


@coordinator_required
@require_POST
def group_relist(request, slug):
    group = coordinated_group_or_404(request.user, slug)
    try:
        saved = services.group_relist(group=group, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if saved.submitted:
            messages.success(request, _("Reopened and sent for review. It is not public until staff approve it; we "
                                        "will email you when there is news."))
        else:
            messages.warning(request, _("Reopened as a draft. It is not public until staff approve it. It could not "
                                        "be sent for review yet: %(problem)s") % {"problem": saved.submit_problem})
    return redirect("coordinate:group", slug)


@coordinator_required
@require_POST
def group_confirm(request, slug):
    group = coordinated_group_or_404(request.user, slug)
    try:
        services.group_confirm(group=group, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Thank you: the listing now shows it was confirmed today."))
    return redirect("coordinate:group", slug)


def _coordinators_context(group, viewer):
    """The group page's coordinators section: who, with what they agreed to show, and invitations waiting."""
    coordinators = list(group.coordinators.all())
    ids = {person.pk for person in coordinators}
    return {
        "coordinators": presenters.coordinator_rows(coordinators, viewer), "invitation_form": InvitationForm(),
        "invitations": presenters.invitation_rows(selectors.waiting_invitations(group), ids),
    }


def _invitation_refused(request, group, error):
    """Nothing was sent: say why, with the way back (429 for the rate limit, else 400)."""
    status = 429 if isinstance(error, services.TooManyInvitations) else 400
    return render(request, "coordinate/invitation.html",
                  {"error": " ".join(error.messages), "back_to": group}, status=status)


@coordinator_required
@require_POST
def coordinator_invite(request, slug):
    group = coordinated_group_or_404(request.user, slug)
    form = InvitationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please give a valid email address."))
        return redirect("coordinate:group", slug)
    try:
        services.invitation_create(group=group, inviter=request.user, email=form.cleaned_data["email"])
    except ValidationError as error:
        return _invitation_refused(request, group, error)
    messages.success(request, _("Invitation sent. The link works once and expires in %(days)s days.")
                     % {"days": settings.INVITATION_VALID_DAYS})
    return redirect("coordinate:group", slug)


# A waiting invitation's actions: the service that does it, and what the coordinator is told after.
INVITATION_ACTIONS = {
    "cancel": (services.invitation_cancel, gettext_lazy("Invitation cancelled: its link no longer works.")),
    "resend": (services.invitation_resend,
               gettext_lazy("Invitation sent again with a new link; the earlier link no longer works.")),
}


def _invitation_action(request, slug, pk, action):
    group = coordinated_group_or_404(request.user, slug)
    invitation = get_object_or_404(group.invitations, pk=pk)
    service, done = INVITATION_ACTIONS[action]
    try:
        service(invitation=invitation, by=request.user)
    except ValidationError as error:
        return _invitation_refused(request, group, error)
    messages.success(request, done)
    return redirect("coordinate:group", slug)


@coordinator_required
@require_POST
def invitation_cancel(request, slug, pk):
    return _invitation_action(request, slug, pk, "cancel")


@coordinator_required
@require_POST
def invitation_resend(request, slug, pk):
    return _invitation_action(request, slug, pk, "resend")


@coordinator_required
@require_POST
def coordinator_remove(request, slug, user_id):
    group = coordinated_group_or_404(request.user, slug)
    user = get_object_or_404(group.coordinators, pk=user_id)
    try:
        services.coordinator_remove(group=group, user=user, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("coordinate:group", slug)
    if user == request.user:
        messages.success(request, _("You no longer coordinate this group."))
        return redirect("coordinate:dashboard")
    messages.success(request, _("Removed."))
    return redirect("coordinate:group", slug)


@coordinator_required
def invitation_accept(request, token):
    """The invitee, signed in, sees which group it is and accepts; a GET only reads."""
    if request.method == "POST":
        try:
            group = services.invitation_accept(token=token, user=request.user)
        except ValidationError as error:
            return render(request, "coordinate/invitation.html", {"error": " ".join(error.messages)}, status=400)
        messages.success(request, _("You now help coordinate %(name)s.") % {"name": group.name})
        return redirect("coordinate:group", group.slug)
    invitation = services.invitation_by_token(token)
    problem = services.invitation_problem(invitation, request.user)
    if problem:
        return render(request, "coordinate/invitation.html", {"error": problem}, status=400)
    return render(request, "coordinate/invitation.html", {"token": token, "group": invitation.group})
