"""Reads the account pages share: what an account holds, and what deleting it would do."""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.utils import timezone

from .hooks import collect, data_export, deletion_preview


def account_deletion_preview(*, user):
    """What deleting the account would do, as names for the "Delete your account" page.

    Other apps add what concerns them (accounts.hooks.deletion_preview): groups adds "groups", the
    groups that would close and those that would carry on.
    """
    return collect(deletion_preview, user=user)


def user_data_export(*, user):
    """Everything kept about an account, and what other apps keep for it, for its holder to download.

    Never a secret: no password hash, authenticator secret, recovery code or session key. The
    sessions list carries the IP address and browser of each sign-in, as the Sessions page shows.
    Other apps add their sections after these (accounts.hooks.data_export): groups adds
    "coordinated_groups".
    """
    authenticator_types = set(Authenticator.objects.filter(user=user).values_list("type", flat=True))
    return {
        "exported_at": timezone.now(),
        "account": {
            "email": user.email,
            "display_name": user.display_name,
            "share_email_with_coordinators": user.share_email_with_coordinators,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
            "is_staff": user.is_staff,
            "email_addresses": [
                {"email": address.email, "verified": address.verified, "primary": address.primary}
                for address in EmailAddress.objects.filter(user=user).order_by("-primary", "email")
            ],
            "two_factor_authentication": {
                "enabled": Authenticator.Type.TOTP in authenticator_types,
                "authenticator_app": Authenticator.Type.TOTP in authenticator_types,
                "recovery_codes": Authenticator.Type.RECOVERY_CODES in authenticator_types,
            },
        },
        "sessions": [
            {
                "started_at": session.created_at,
                "last_seen_at": session.last_seen_at,
                "ip_address": session.ip,
                "browser": session.user_agent,
            }
            for session in UserSession.objects.filter(user=user).order_by("created_at")
        ],
        **collect(data_export, user=user),
    }
