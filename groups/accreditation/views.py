"""Accreditation pages: coordinators claim, change and renew; staff verify or reject; evidence served privately.

URL names live in the "accreditation" namespace inside "coordinate" (groups.accreditation.urls).
"""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from accounts.permissions import coordinator_required, staff_with_mfa_required, user_has_mfa
from groups.accreditation import presenters, services
from groups.accreditation.evidence import download_name
from groups.accreditation.forms import ClaimForm, RejectForm, VerifyForm
from groups.accreditation.models import AccreditationClaim, ClaimEvidence
from groups.accreditation.seen import StaleClaim, claim_seen_token
from groups.core.permissions import coordinated_group_or_404, coordinated_groups

Status = AccreditationClaim.Status


def _group_for_claims(user, slug):
    """The coordinator's own listing; never a proposed change (claims belong to the listing itself)."""
    return coordinated_group_or_404(user, slug, queryset=coordinated_groups(user).filter(revision_of__isnull=True))


def _add_service_errors(form, error):
    """Show a service's ValidationError beside the form's fields, or for the whole form when it has no such field."""
    if hasattr(error, "error_dict"):
        for field, field_errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, field_errors)
    else:
        form.add_error(None, error)


def _claims_for_page(group):
    return (
        group.accreditation_claims.select_related("body", "renewal_of__body")
        .prefetch_related("evidence", Prefetch("renewals", queryset=AccreditationClaim.objects.only("pk", "status",
                                                                                                    "renewal_of")))
        .order_by("-submitted_at", "-pk")
    )


@coordinator_required
def claim_list(request, slug):
    """A group's claims with their state (and the reason when rejected); add a claim; renew one before it lapses."""
    group = _group_for_claims(request.user, slug)
    form = ClaimForm(group=group, instance=AccreditationClaim(group=group))
    if request.method == "POST" and request.POST.get("action") == "renew":
        return _renew(request, group)
    if request.method == "POST":
        form = ClaimForm(request.POST, request.FILES, group=group, instance=AccreditationClaim(group=group))
        if form.is_valid():
            try:
                services.claim_submit(
                    group=group, user=request.user, evidence=form.cleaned_data["evidence"], **form.service_fields()
                )
            except ValidationError as error:
                _add_service_errors(form, error)
            else:
                messages.success(request, _("Thank you. Your claim is waiting for our staff to check it. Until then "
                                            "the listing says “Accreditation claimed, not yet verified”."))
                return redirect("coordinate:accreditation:claims", group.slug)
    today = timezone.localdate()
    claims = [presenters.summarise(claim, today) for claim in _claims_for_page(group)]
    return render(request, "accreditation/claim_list.html", {
        "group": group, "claims": claims, "form": form, "today": today,
    }, status=400 if form.errors else 200)


def _renew(request, group):
    try:
        claim = group.accreditation_claims.get(pk=int(request.POST.get("claim", "")))
    except (ValueError, AccreditationClaim.DoesNotExist):
        raise Http404 from None
    try:
        renewal = services.claim_renew(claim=claim, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("coordinate:accreditation:claims", group.slug)
    messages.success(request, _("Renewal sent for review. The current badge stays until its date. If you have a new "
                                "certificate or reference, add it here."))
    return redirect("coordinate:accreditation:edit", group.slug, renewal.pk)


@coordinator_required
def claim_edit(request, slug, pk):
    """Change a claim. Changing what a verified claim says sends it back for review (the form says so)."""
    group = _group_for_claims(request.user, slug)
    claim = get_object_or_404(group.accreditation_claims.select_related("body"), pk=pk)
    # The form writes into its instance as it validates; the service compares with the stored claim.
    editable = AccreditationClaim.objects.select_related("body").get(pk=claim.pk)
    form = ClaimForm(request.POST or None, request.FILES or None, group=group, instance=editable)
    if request.method == "POST" and form.is_valid():
        try:
            updated = services.claim_update(
                claim=claim, user=request.user, evidence=form.cleaned_data["evidence"],
                remove_evidence=form.cleaned_data.get("remove_evidence") or [], **form.service_fields(),
            )
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            if updated.status == Status.CLAIMED and claim.status != Status.CLAIMED:
                messages.success(request, _("Saved and sent back for review: our staff will check it again."))
            else:
                messages.success(request, _("Saved."))
            return redirect("coordinate:accreditation:claims", group.slug)
    return render(request, "accreditation/claim_edit.html", {
        "group": group, "claim": claim, "state": claim.state_on(timezone.localdate()), "form": form,
        "evidence": claim.evidence.all(),
    }, status=400 if form.errors else 200)


@require_safe
def evidence_download(request, pk):
    """An evidence file, to staff (with MFA) and to the group's coordinators only; anyone else gets a 404.

    Always a download (never shown inline), never cached, never sniffed as another type.
    """
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    # Staff see removed files too (the audit trail); coordinators only what is still part of the claim.
    evidence = ClaimEvidence.all_objects.select_related("claim__group").filter(pk=pk).first()
    if evidence is None:
        raise Http404
    is_staff = user.is_staff and user_has_mfa(user)
    is_coordinator = evidence.removed_at is None and evidence.claim.group.coordinators.filter(pk=user.pk).exists()
    if not is_coordinator and not is_staff:
        raise Http404
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=download_name(evidence), content_type=evidence.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@staff_with_mfa_required
def review_queue(request):
    """Claims waiting for staff, oldest first; and verified ones lapsing soon (what the reminder digest links to)."""
    waiting = (
        AccreditationClaim.objects.filter(status=Status.CLAIMED)
        .select_related("group", "body", "renewal_of")
        .order_by("submitted_at", "pk")
    )
    mine = set(coordinated_groups(request.user).values_list("pk", flat=True))
    lapsing = services.expiring_claims()
    return render(request, "accreditation/review_queue.html", {
        "waiting": waiting, "lapsing": lapsing, "mine": mine, "reminder_days": services.REMINDER_DAYS,
    })


@staff_with_mfa_required
def review_claim(request, pk):
    """Check one claim: the register and evidence, then verify (how, reference, last valid day) or reject."""
    claim = get_object_or_404(
        AccreditationClaim.objects.select_related("group", "body", "renewal_of__body", "submitted_by", "verified_by"),
        pk=pk,
    )
    verify_form = VerifyForm(prefix="verify", body=claim.body, initial={
        "confirmed_reference": claim.reference, "valid_until": services.proposed_valid_until(claim),
    })
    reject_form = RejectForm(prefix="reject")
    refusal = since_seen = None
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "verify":
            verify_form = VerifyForm(request.POST, prefix="verify", body=claim.body)
            form, service = verify_form, services.claim_verify
            done = _("Verified. The badge shows on the listing until the end of %(date)s.")
        elif action == "reject":
            reject_form = RejectForm(request.POST, prefix="reject")
            form, service = reject_form, services.claim_reject
            done = _("Rejected. The group's coordinators can see your reason.")
        else:
            raise Http404
        if form.is_valid():
            try:
                decided = service(claim=claim, reviewer=request.user, seen=request.POST.get("seen", ""),
                                  **form.cleaned_data)
            except PermissionDenied as error:
                refusal = str(error)
            except StaleClaim as stale:
                # Nothing decided: show the claim as it is now, with what changed since the page was opened.
                since_seen = stale.changes
                claim.refresh_from_db()
            except ValidationError as error:
                _add_service_errors(form, error)
            else:
                date = date_format(decided.valid_until, "j F Y") if decided.valid_until else ""
                messages.success(request, done % {"date": date})
                return redirect("coordinate:accreditation:queue")
    today = timezone.localdate()
    conflict = refusal or services.review_conflict(claim, request.user)
    status = 403 if refusal else 409 if since_seen is not None else (
        400 if verify_form.errors or reject_form.errors else 200)
    return render(request, "accreditation/review_claim.html", {
        "claim": claim, "verify_form": verify_form, "reject_form": reject_form, "conflict": conflict,
        "refused": bool(refusal), "decisions": claim.decisions.select_related("actor")[:50],
        "evidence": claim.evidence.all(), "since_seen": since_seen, "seen": claim_seen_token(claim),
        "removed_evidence": ClaimEvidence.all_objects.filter(claim=claim, removed_at__isnull=False),
        "previous_evidence": claim.renewal_of.evidence.all() if claim.renewal_of_id else [],
        "state": claim.state_on(today), "today": today,
    }, status=status)

