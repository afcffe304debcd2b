"""Who may do what: coordinators act on their own groups; staff pages need staff with MFA."""

from functools import wraps

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _


def user_has_mfa(user):
    """True when the user has an authenticator app (TOTP) set up through allauth.mfa."""
    if not user.is_authenticated:
        return False
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def email_verified(user):
    if not user.is_authenticated:
        return False
    return EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists()


def staff_with_mfa_required(view):
    """Staff pages: visitors go to log in, non-staff get a 404, staff without MFA go to set it up."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not user.is_staff:
            raise Http404
        if not user_has_mfa(user):
            messages.warning(request, _("Staff pages need two-factor authentication. Please set it up first."))
            # Set up through a one-time enrolment link (accounts.enrolment), never the password alone.
            return redirect("accounts:staff_enrolment")
        return view(request, *args, **kwargs)

    return wrapper


def coordinator_required(view):
    """Coordinator pages: a signed-in account (groups are then checked one by one)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper
