"""Staff pages need two-factor authentication: staff without it are sent to set it up first."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from .permissions import user_has_mfa


class StaffMfaMiddleware:
    """Send signed-in staff without an authenticator app to set one up before any staff page.

    Staff pages are the paths under settings.STAFF_MFA_PATH_PREFIXES (the admin and the review
    pages). Everything else stays open to them, so the account and MFA pages, signing out and
    static files always work; the admin's own logout is let through as well. Anyone else passes
    untouched: the pages themselves decide what visitors and non-staff may see.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The path is checked first, so browsing never touches the session (and never sets a cookie).
        if self.is_staff_page(request.path_info) and self.needs_mfa(request.user):
            messages.warning(request, _("Staff pages need two-factor authentication. Please set it up first."))
            return redirect("mfa_activate_totp")
        return self.get_response(request)

    @staticmethod
    def is_staff_page(path):
        if path == reverse("admin:logout"):
            return False
        return path.startswith(tuple(settings.STAFF_MFA_PATH_PREFIXES))

    @staticmethod
    def needs_mfa(user):
        return user.is_authenticated and user.is_staff and not user_has_mfa(user)
