"""Writes on accounts that touch several records."""

from django.db import transaction


def user_delete(*, user):
    """Delete an account without leaving any group with nobody in charge.

    A group the user coordinates with others just loses them; a group they coordinate alone is
    closed, recorded as their own decision (groups.coordination.services.group_set_status). Every session of
    theirs ends, then the account goes with its email addresses, authenticators and session list.
    One transaction; the groups are locked first, so two co-coordinators deleting their accounts at
    the same moment cannot each leave the group to the other.
    """
    from allauth.usersessions.models import UserSession

    from groups.coordination.services import coordinator_remove, group_set_status
    from groups.core.permissions import coordinated_groups

    from .selectors import coordinated_groups_after_deletion

    with transaction.atomic():
        list(coordinated_groups(user).select_for_update(of=("self",)).order_by("pk").values_list("pk", flat=True))
        # Read after the lock: another account deleted meanwhile is no longer counted.
        groups = coordinated_groups_after_deletion(user=user)
        for group in groups.closing:
            group_set_status(group=group, user=user, action="close")
        for group in groups.continuing:
            coordinator_remove(group=group, user=user)
        for session in UserSession.objects.filter(user=user):
            session.end()
        user.delete()
    return groups
