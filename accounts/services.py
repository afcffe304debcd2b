"""Writes on accounts that touch several records."""

from allauth.usersessions.models import UserSession
from django.db import transaction

from .hooks import account_deleting


def user_delete(*, user):
    """Delete an account without leaving anything it was in charge of unattended.

    Other apps deal first with what the account leaves behind (accounts.hooks.account_deleting: groups
    closes the groups this user coordinates alone and takes them off the others, see
    groups.coordination.account_hooks). Every session of theirs ends, then the account goes with its email
    addresses, authenticators and session list. One transaction: if any step fails, nothing is deleted.
    """
    with transaction.atomic():
        account_deleting.send(sender=type(user), user=user)
        for session in UserSession.objects.filter(user=user):
            session.end()
        user.delete()
