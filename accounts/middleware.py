"""Staff pages need two-factor authentication, and staff set it up only with a one-time enrolment link."""

import functools

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import get_resolver, get_script_prefix, get_urlconf, reverse
from django.utils.translation import gettext as _

from .enrolment import may_enrol
from .permissions import user_has_mfa

# allauth's pages that add a way to pass two-factor authentication to an account.
ENROLMENT_URL_NAMES = ["mfa_activate_totp", "mfa_generate_recovery_codes"]


class StaffMfaMiddleware:
    """Keep staff without an authenticator app away from staff pages, and from setting one up on their own.

    Staff pages are the paths under settings.STAFF_MFA_PATH_PREFIXES (the admin and the review pages);
    staff without an authenticator app are sent to accounts.enrolment's page, which explains how to get
    a one-time enrolment link. allauth's set-up pages open to them only after such a link was opened in
    this browser (accounts.enrolment.may_enrol), so the password alone is not enough to enrol.
    Everything else stays open to them, so account pages, signing out and static files always work; the
    admin's own logout is let through as well. Anyone else passes untouched: non-staff set up two-factor
    authentication freely, and the pages themselves decide what visitors and non-staff may see.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The path is checked first, so browsing never touches the session (and never sets a cookie).
        path = request.path_info
        if self.is_staff_page(path) and self.needs_mfa(request.user):
            messages.warning(request, _("Staff pages need two-factor authentication. Please set it up first."))
            return redirect("accounts:staff_enrolment")
        if self.is_enrolment_page(path) and self.needs_mfa(request.user):
            if not may_enrol(request):
                return redirect("accounts:staff_enrolment")
        return self.get_response(request)

    @staticmethod
    def is_staff_page(path):
        # The prefixes first: reversing a URL costs tens of microseconds, and a visitor's pages are not under them.
        if not path.startswith(tuple(settings.STAFF_MFA_PATH_PREFIXES)):
            return False
        return path != reverse("admin:logout")

    @staticmethod
    def is_enrolment_page(path):
        return path in enrolment_paths(get_resolver(get_urlconf()), get_script_prefix())

    @staticmethod
    def needs_mfa(user):
        return user.is_authenticated and user.is_staff and not user_has_mfa(user)


@functools.lru_cache(maxsize=8)
def enrolment_paths(resolver, script_prefix):
    """The set-up pages' paths, reversed once per URL configuration (its resolver, which Django replaces when
    ROOT_URLCONF changes) and script prefix rather than three times a request."""
    return frozenset(reverse(name, urlconf=resolver.urlconf_name) for name in ENROLMENT_URL_NAMES)
