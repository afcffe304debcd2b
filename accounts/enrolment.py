"""Staff two-factor enrolment: a one-time link, because the password alone must not be enough.

Staff pages need an authenticator app (accounts.middleware). If staff could set one up with only their
password, anyone who learned that password could enrol an authenticator of their own and reach the
admin. So a staff account without one may open allauth's set-up page only after opening a one-time
enrolment link, made by `manage.py create_staff` / `manage.py staff_enrolment_link` or by another
member of staff in the admin, and handed over by some other route than the password. Only a hash of
the link's token is stored; it works once, for that account, until STAFF_ENROLMENT_LINK_HOURS pass.
"""

import datetime
import hashlib
import secrets
import time

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from .models import StaffEnrolment
from .permissions import user_has_mfa

SESSION_KEY = "staff_mfa_enrolment"
# Once a link is opened, this browser may finish setting up the authenticator app within this time.
SESSION_ALLOWANCE = datetime.timedelta(hours=1)


def _hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


def issue_enrolment_link(user, *, created_by=None):
    """A new one-time link for this staff account (any earlier unused one stops working). Returns its URL."""
    if not user.is_staff:
        raise ValueError("Only staff accounts need an enrolment link.")
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        StaffEnrolment.objects.filter(user=user, used_at__isnull=True).delete()
        StaffEnrolment.objects.create(
            user=user, token_hash=_hash(token), created_by=created_by,
            expires_at=timezone.now() + datetime.timedelta(hours=settings.STAFF_ENROLMENT_LINK_HOURS),
        )
    return settings.SITE_URL.rstrip("/") + reverse("accounts:staff_enrolment_link", args=[token])


def _valid(user, token):
    return StaffEnrolment.objects.filter(
        user=user, token_hash=_hash(token), used_at__isnull=True, expires_at__gt=timezone.now()
    )


def redeem(request, token):
    """Use the link once; on success this browser may set up an authenticator app for a while."""
    if not _valid(request.user, token).update(used_at=timezone.now()):
        return False
    request.session[SESSION_KEY] = {"user": request.user.pk, "until": time.time() + SESSION_ALLOWANCE.total_seconds()}
    return True


def may_enrol(request):
    """True when this staff member opened a valid enrolment link in this browser recently."""
    allowance = request.session.get(SESSION_KEY) or {}
    return allowance.get("user") == request.user.pk and allowance.get("until", 0) > time.time()


def needs_enrolment(user):
    return user.is_authenticated and user.is_staff and not user_has_mfa(user)


@never_cache
def enrolment_needed(request):
    """Where staff without two-factor authentication are sent: how to get set up."""
    if not needs_enrolment(request.user):
        raise Http404
    if may_enrol(request):
        return redirect("mfa_activate_totp")
    return render(request, "account/staff_enrolment.html", {"state": "needed"})


@never_cache
def enrolment_link(request, token):
    """The one-time link: a page with a button (a GET changes nothing, so link previews cannot use it up)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not needs_enrolment(request.user):
        return redirect("mfa_index")
    if not _valid(request.user, token).exists():
        return render(request, "account/staff_enrolment.html", {"state": "invalid"}, status=404)
    if request.method == "POST" and redeem(request, token):
        return redirect("mfa_activate_totp")
    return render(request, "account/staff_enrolment.html", {"state": "link"})
