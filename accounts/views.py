"""Account pages of our own (allauth provides sign-in, email, password, MFA and sessions)."""

from allauth.decorators import rate_limit
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .forms import AccountDeleteForm, DisplayNameForm
from .permissions import email_verified, user_has_mfa
from .selectors import account_deletion_preview, user_data_export
from .services import user_delete


@login_required
def profile(request):
    form = DisplayNameForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Saved. This is what the other coordinators of your groups see."))
        return redirect("accounts:profile")
    context = {"form": form, "has_mfa": user_has_mfa(request.user), "email_verified": email_verified(request.user)}
    return render(request, "account/profile.html", context)


@require_GET
@never_cache
@login_required
def data_export(request):
    """The account's data as a JSON file to keep: see accounts.selectors.user_data_export."""
    filename = f"supportfinder-my-data-{timezone.localdate():%Y-%m-%d}.json"
    response = JsonResponse(user_data_export(user=request.user), json_dumps_params={"indent": 2})
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@never_cache
@login_required
# Password attempts here count against the same limit as allauth's "confirm your password" page.
@rate_limit(action="reauthenticate")
def delete(request):
    form = AccountDeleteForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        user_delete(user=request.user)
        logout(request)
        messages.success(request, _("Your account has been deleted."))
        return redirect("groups:home")
    context = {**account_deletion_preview(user=request.user), "form": form}
    return render(request, "account/delete.html", context)


def rate_limited(request, exception=None):
    """allauth's answer when a rate limit is reached (settings.ROOT_URLCONF.handler429)."""
    return render(request, "account/rate_limited.html", status=429)
