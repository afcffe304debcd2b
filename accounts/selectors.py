"""Reads the account pages share: what an account holds, and what deleting it would do."""

from typing import NamedTuple

from django.db.models import Exists, OuterRef
from django.utils import timezone


class GroupsAfterDeletion(NamedTuple):
    closing: list  # coordinated by this user alone: closed with the account
    continuing: list  # other coordinators stay in charge


def coordinated_groups_after_deletion(*, user):
    """The user's groups (not already closed) split by what deleting the account would do to them."""
    from groups.core.models import Group
    from groups.core.permissions import coordinated_groups

    others = Group.coordinators.through.objects.filter(group=OuterRef("pk")).exclude(user=user)
    groups = (
        coordinated_groups(user)
        .exclude(status=Group.Status.CLOSED)
        .annotate(has_other_coordinators=Exists(others))
        .order_by("name", "pk")
    )
    result = GroupsAfterDeletion(closing=[], continuing=[])
    for group in groups:
        (result.continuing if group.has_other_coordinators else result.closing).append(group)
    return result


def user_data_export(*, user):
    """Everything kept about an account and the groups it coordinates, for its holder to download.

    Never a secret: no password hash, authenticator secret, recovery code or session key. The
    sessions list carries the IP address and browser of each sign-in, as the Sessions page shows.
    """
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.usersessions.models import UserSession

    from groups.core.permissions import coordinated_groups

    authenticator_types = set(Authenticator.objects.filter(user=user).values_list("type", flat=True))
    groups = coordinated_groups(user).select_related("cost").prefetch_related("types").order_by("name", "pk")
    return {
        "exported_at": timezone.now(),
        "account": {
            "email": user.email,
            "display_name": user.display_name,
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
        "coordinated_groups": [
            {
                "name": group.name,
                "slug": group.slug,
                "status": group.status,
                "url": group.get_absolute_url(),
                "summary": group.summary,
                "description": group.description,
                "types": [group_type.slug for group_type in group.types.all()],
                "cost": group.cost.slug if group.cost else None,
                "host_name": group.host_name,
                "host_website": group.host_website,
                "contact_email": group.contact_email,
                "contact_phone": group.contact_phone,
                "contact_url": group.contact_url,
                "created_at": group.created_at,
                "updated_at": group.updated_at,
                "last_confirmed_at": group.last_confirmed_at,
            }
            for group in groups
        ],
    }
