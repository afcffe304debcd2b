"""Coordinators' pages: their groups, the group form (draft, preview, submit), status and co-coordinators."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import coordinator_required, email_verified
from groups.accreditation.forms import ClaimForm
from groups.accreditation.services import claim_submit
from groups.coordination import services
from groups.coordination.forms import GroupForm, InvitationForm, MeetingTimeFormSet, PlaceForm
from groups.coordination.models import ModerationDecision
from groups.core.models import Group, Place
from groups.core.permissions import coordinated_group_or_404, coordinated_groups
from groups.directory.selectors import for_detail_page
from groups.directory.views import decorate_for_detail

Status = Group.Status


@coordinator_required
def dashboard(request):
    groups = coordinated_groups(request.user).select_related("cost").prefetch_related("revisions").order_by("name")
    latest = {}
    for decision in ModerationDecision.objects.filter(group__in=groups).order_by("created_at"):
        latest[decision.group_id] = decision
    rows = [(group, waiting_on_coordinator(group, latest.get(group.pk))) for group in groups]
    return render(request, "coordinate/dashboard.html", {
        "rows": rows, "email_verified": email_verified(request.user),
    })


def waiting_on_coordinator(group, last_decision):
    """What, if anything, is waiting on the coordinator, in a line."""
    revision = next(iter(group.revisions.all()), None)
    if last_decision and last_decision.action == ModerationDecision.Action.CHANGES_REQUESTED and (
        group.status == Status.DRAFT or (revision and revision.status == Status.REVISION)
    ):
        return _("Staff asked for changes: see the reason and edit.")
    if group.status == Status.DRAFT:
        return _("Draft: finish it and submit it for review.")
    if revision and revision.status == Status.REVISION:
        return _("Your changes are saved but not yet submitted for review.")
    if revision and revision.status == Status.PENDING:
        return _("Your changes are waiting for review. The public sees the approved version.")
    if group.status == Status.PENDING:
        return _("Waiting for review.")
    return ""


def _forms(request, group=None, *, with_claim=False):
    data = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None
    place = Place.objects.filter(group=group).first() if group else None
    forms = {
        "form": GroupForm(data, instance=group),
        "place_form": PlaceForm(data, instance=place, prefix="place"),
        "meetings": MeetingTimeFormSet(data, instance=group or Group(), prefix="meetings"),
    }
    if with_claim:
        claim_form = ClaimForm(data, files, prefix="claim")
        claim_form.fields["body"].required = False
        claim_form.fields["body"].empty_label = _("No accreditation to claim")
        claim_form.fields["scope"].required = False
        forms["claim_form"] = claim_form
    return forms


def _require_complete(forms):
    for name in services.REQUIRED_TO_SUBMIT + services.REQUIRED_M2M_TO_SUBMIT:
        forms["form"].fields[name].required = True


def _forms_valid(forms):
    return all(form.is_valid() for form in forms.values())


def _save_forms(forms, group=None):
    """Write the group, its place and meetings from valid forms; returns the group."""
    group = forms["form"].save()
    place_form = forms["place_form"]
    if place_form.has_place():
        place = place_form.save(commit=False)
        place.group = group
        place.save()
    else:
        Place.objects.filter(group=group).delete()
    meetings = forms["meetings"]
    meetings.instance = group
    meetings.save()
    return group


def _submit_claim(request, group, claim_form):
    """The optional accreditation claim of a new listing joins the staff's accreditation queue."""
    if not claim_form.cleaned_data.get("body"):
        return
    try:
        claim_submit(group=group, user=request.user, evidence=claim_form.cleaned_data.get("evidence") or [],
                     **claim_form.service_fields())
    except ValidationError as error:
        messages.error(request, _("The listing was saved, but the accreditation claim was not: %(error)s")
                       % {"error": " ".join(error.messages)})


@coordinator_required
def group_create(request):
    forms = _forms(request, with_claim=True)
    if request.method == "POST":
        action = request.POST.get("action", "save")
        if action in ("submit", "preview"):
            _require_complete(forms)
        if _forms_valid(forms):
            def save():
                group = forms["form"].save(commit=False)
                group.slug = services.unique_slug(group.name)
                group.status = Status.DRAFT
                group.save()
                forms["form"].save_m2m()
                forms["form"].instance = group
                return _save_forms(forms)

            group = services.group_create(user=request.user, save=save)
            _submit_claim(request, group, forms["claim_form"])
            return _after_save(request, group, group, action)
    return render(request, "coordinate/group_form.html", {**forms, "creating": True})


def _after_save(request, group, target, action):
    if action == "preview":
        return redirect("coordinate:preview", group.slug)
    if action == "submit":
        try:
            services.group_submit(group=target, user=request.user)
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
            return redirect("coordinate:group", group.slug)
        messages.success(
            request, _("Thank you. Your listing was sent for review; we will email you when there is news.")
        )
        return redirect("coordinate:group", group.slug)
    messages.success(request, _("Saved. Nothing is public until staff have reviewed it."))
    return redirect("coordinate:group", group.slug)


def _edit_target(request, group):
    """What the form edits: the listing itself while unpublished, or a proposed change once public."""
    if group.status in Group.PUBLIC_STATUSES:
        return services.revision_for(group=group, user=request.user)
    return group


@coordinator_required
def group_edit(request, slug):
    group = coordinated_group_or_404(request.user, slug)
    if group.status == Status.CLOSED and not request.GET.get("reopen") and request.method == "GET":
        messages.info(request, _("This listing is closed. You can edit it and submit it for review to list it again."))
    target = _edit_target(request, group)
    forms = _forms(request, target)
    conflict = False
    if request.method == "POST":
        action = request.POST.get("action", "save")
        if action in ("submit", "preview"):
            _require_complete(forms)
        if _forms_valid(forms):
            expected = forms["form"].cleaned_data.get("version") or target.version
            try:
                with transaction.atomic():
                    services.group_save_edit(group=target, expected_version=expected, save=lambda: _save_forms(forms))
                    if target.status == Status.PENDING:
                        # Editing something in the queue takes it out until it is submitted again.
                        target.status = Status.REVISION if target.revision_of_id else Status.DRAFT
                        target.save(update_fields=["status"])
            except services.ConcurrentEditError:
                conflict = True
                target.refresh_from_db()
                forms["form"].data = forms["form"].data.copy()
                forms["form"].data["version"] = target.version
            else:
                return _after_save(request, group, target, action)
    return render(request, "coordinate/group_form.html", {
        **forms, "group": group, "target": target, "conflict": conflict,
        "is_revision": target.revision_of_id is not None,
    })


@coordinator_required
def group_manage(request, slug):
    group = coordinated_group_or_404(request.user, slug)
    revision = group.revisions.first()
    decisions = group.decisions.select_related("actor")[:20]
    return render(request, "coordinate/group_manage.html", {
        "group": group, "revision": revision, "decisions": decisions,
        "missing": services.missing_for_submission(revision or group),
        "waiting": waiting_on_coordinator(group, decisions[0] if decisions else None),
        "coordinators": group.coordinators.all(), "invitation_form": InvitationForm(),
        "invitations": group.invitations.filter(accepted_at__isnull=True),
        "email_verified": email_verified(request.user),
    })


@coordinator_required
def group_preview(request, slug):
    """Exactly the public page, for the version being edited."""
    group = coordinated_group_or_404(request.user, slug)
    target = group.revisions.first() or group
    shown = for_detail_page(Group.objects.all()).get(pk=target.pk)
    decorate_for_detail(shown)
    return render(request, "groups/group_detail.html", {"group": shown, "preview_of": group})


@coordinator_required
@require_POST
def group_submit(request, slug):
    group = coordinated_group_or_404(request.user, slug)
    target = group.revisions.first() or group
    return _after_save(request, group, target, "submit")


@coordinator_required
@require_POST
def group_status(request, slug):
    group = coordinated_group_or_404(request.user, slug)
    action = request.POST.get("action")
    if action not in services.STATUS_ACTIONS:
        messages.error(request, _("That action is not available."))
        return redirect("coordinate:group", slug)
    try:
        services.group_set_status(group=group, user=request.user, action=action)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, {
            "pause": _("Paused: the listing stays up and says the group is not taking new members."),
            "reopen": _("Reopened: the listing says the group is taking new members again."),
            "close": _("Closed: the listing is no longer shown to anyone."),
        }[action])
    return redirect("coordinate:group", slug)


@coordinator_required
@require_POST
def group_confirm(request, slug):
    group = coordinated_group_or_404(request.user, slug)
    services.group_confirm(group=group, user=request.user)
    messages.success(request, _("Thank you: the listing now shows it was confirmed today."))
    return redirect("coordinate:group", slug)


@coordinator_required
@require_POST
def coordinator_invite(request, slug):
    group = coordinated_group_or_404(request.user, slug)
    form = InvitationForm(request.POST)
    if form.is_valid():
        services.invitation_create(group=group, inviter=request.user, email=form.cleaned_data["email"])
        messages.success(request, _("Invitation sent. The link works once and expires in a week."))
    else:
        messages.error(request, _("Please give a valid email address."))
    return redirect("coordinate:group", slug)


@coordinator_required
@require_POST
def coordinator_remove(request, slug, user_id):
    group = coordinated_group_or_404(request.user, slug)
    user = get_object_or_404(group.coordinators, pk=user_id)
    try:
        services.coordinator_remove(group=group, user=user, remover=request.user)
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
    if request.method == "POST":
        try:
            group = services.invitation_accept(token=token, user=request.user)
        except ValidationError as error:
            return render(request, "coordinate/invitation.html", {"error": " ".join(error.messages)}, status=400)
        messages.success(request, _("You now help coordinate %(name)s.") % {"name": group.name})
        return redirect("coordinate:group", group.slug)
    return render(request, "coordinate/invitation.html", {"token": token})
