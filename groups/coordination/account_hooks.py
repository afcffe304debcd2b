"""What deleting an account or downloading its data does to the groups it coordinates.

accounts never imports groups (see accounts.hooks); these receivers answer its signals and are connected
in groups.apps.GroupsConfig.ready. A group is never left with nobody in charge: one its coordinator runs
alone closes with the account, one run with others just loses them.
"""

from typing import NamedTuple

from django.db.models import Exists, OuterRef
from django.dispatch import receiver

from accounts.hooks import account_deleting, data_export, deletion_preview
from groups.coordination.services import coordinator_remove, group_set_status
from groups.core.models import Group
from groups.core.permissions import coordinated_groups


class GroupsAfterDeletion(NamedTuple):
    closing: list  # coordinated by this user alone: closed with the account
    continuing: list  # other coordinators stay in charge


def coordinated_groups_after_deletion(*, user):
    """The user's groups (not already closed) split by what deleting the account would do to them."""
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


@receiver(deletion_preview, dispatch_uid="groups.deletion_preview")
def groups_in_deletion_preview(sender, *, user, **kwargs):
    """The "Delete your account" page lists the groups that will close and those that carry on."""
    return {"groups": coordinated_groups_after_deletion(user=user)}


@receiver(account_deleting, dispatch_uid="groups.account_deleting")
def leave_groups(sender, *, user, **kwargs):
    """Close the groups the user coordinates alone, recorded as their own decision; leave the others.

    Runs inside the deletion's transaction. The groups are locked first, so two co-coordinators deleting
    their accounts at the same moment cannot each leave the group to the other.
    """
    list(coordinated_groups(user).select_for_update(of=("self",)).order_by("pk").values_list("pk", flat=True))
    # Read after the lock: another account deleted meanwhile is no longer counted.
    groups = coordinated_groups_after_deletion(user=user)
    for group in groups.closing:
        group_set_status(group=group, user=user, action="close")
    for group in groups.continuing:
        coordinator_remove(group=group, user=user)
    return groups


@receiver(data_export, dispatch_uid="groups.data_export")
def coordinated_groups_export(sender, *, user, **kwargs):
    """The download lists every group the user coordinates, as they entered it (never a join link)."""
    groups = coordinated_groups(user).select_related("cost").prefetch_related("types").order_by("name", "pk")
    return {
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
