"""Co-coordinators: invite someone by email, cancel or resend an invitation, accept one, remove a coordinator.

The invitation email is ours word for word: it names neither the group nor the person who sent it, so a
coordinator cannot put words of their own (a group named "Your account is locked — …") in someone's inbox.
The invitee sees which group it is once signed in, on the invitation page.

Each email is a row, queued in the outbox (accounts.outbox) in the same transaction as the row, so an
invitation is never shown as waiting with nothing sent. Resending makes a new row and link and cancels the
old one. Invitations are rate-limited per sender and per group by counting those rows over the last hour
(settings INVITATIONS_PER_HOUR_PER_PERSON / _PER_GROUP): the database is shared by every server process,
where a local-memory cache would count per process.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.outbox import queue_email
from accounts.permissions import email_verified
from groups.coordination.models import CoordinatorInvitation
from groups.core.models import Group

RATE_WINDOW = datetime.timedelta(hours=1)


class TooManyInvitations(ValidationError):
    """The sender or the group has sent as many invitations as the hour allows; nothing was sent."""


def invitation_create(*, group, inviter, email):
    """Invite someone by email to co-coordinate: a link that works once and expires. Returns (row, token)."""
    with transaction.atomic():
        group = _lock_group(group)
        _require_coordinator(group, inviter)
        _check_rate(group, inviter)
        return _create_and_queue(group=group, inviter=inviter, email=email.strip().lower())


def invitation_cancel(*, invitation, by):
    """Cancel a waiting invitation: its link stops working. Any coordinator of the group may."""
    with transaction.atomic():
        group = _lock_group(invitation.group)
        _require_coordinator(group, by)
        invitation = CoordinatorInvitation.objects.select_for_update().get(pk=invitation.pk)
        _require_waiting(invitation)
        invitation.cancelled_at = timezone.now()
        invitation.save(update_fields=["cancelled_at"])
    return invitation


def invitation_resend(*, invitation, by):
    """Send an invitation again with a new link (the old one stops working), as sent by `by`.

    Counted by the rate limit like a new invitation. Returns (new row, token).
    """
    with transaction.atomic():
        group = _lock_group(invitation.group)
        _require_coordinator(group, by)
        invitation = CoordinatorInvitation.objects.select_for_update().get(pk=invitation.pk)
        _require_waiting(invitation)
        _check_rate(group, by)
        new, token = _create_and_queue(group=group, inviter=by, email=invitation.email)
        invitation.cancelled_at = timezone.now()
        invitation.replaced_by = new
        invitation.save(update_fields=["cancelled_at", "replaced_by"])
    return new, token


def invitation_by_token(token):
    """The invitation a link stands for, or None (a read: the invitation page's GET)."""
    return (
        CoordinatorInvitation.objects.select_related("group")
        .filter(token_hash=CoordinatorInvitation.hash_token(token)).first()
    )


def invitation_problem(invitation, user):
    """Why `user` cannot accept `invitation` now, in a sentence; None when they can."""
    if invitation is None:
        return _("This invitation link is not valid.")
    if invitation.accepted_at is not None:
        return _("This invitation has already been used. Ask a coordinator of the group for a new one.")
    if invitation.cancelled_at is not None:
        return _("This invitation was cancelled or replaced by a newer one. Use the link in the latest email.")
    if invitation.is_expired:
        return _("This invitation has expired. Ask a coordinator of the group for a new one.")
    if not invitation.inviter_still_coordinates():
        return _("This invitation no longer works: the person who sent it no longer coordinates the group. "
                 "Ask one of its coordinators for a new one.")
    if invitation.email.lower() != user.email.lower() or not email_verified(user):
        return _("This invitation was sent to another email address. Sign in with that address, "
                 "and confirm it if you have not yet.")
    return None


def invitation_accept(*, token, user):
    """Accept an invitation: once, while it is waiting, its sender still coordinates, and the email matches."""
    with transaction.atomic():
        found = invitation_by_token(token)
        if found is None:
            raise ValidationError(invitation_problem(None, user))
        # The group first, then the invitation: the order every service here locks in.
        _lock_group(found.group)
        invitation = CoordinatorInvitation.objects.select_for_update().select_related("group").get(pk=found.pk)
        problem = invitation_problem(invitation, user)
        if problem:
            raise ValidationError(problem)
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        invitation.group.coordinators.add(user)
        for revision in invitation.group.revisions.all():
            revision.coordinators.add(user)
    return invitation.group


def coordinator_remove(*, group, user, by=None):
    """Remove a co-coordinator, or oneself (by=None or by=user); a group always keeps at least one.

    The group's row is locked first, so two coordinators removing each other at the same moment are taken
    one after the other: the second finds they no longer coordinate, or that one is the last.
    """
    by = by or user
    with transaction.atomic():
        group = _lock_group(group)
        current = coordinator_ids(group)
        if by.pk not in current:
            raise ValidationError(_("You no longer coordinate this group."))
        if user.pk not in current:
            raise ValidationError(_("That person no longer coordinates this group."))
        if len(current) <= 1:
            raise ValidationError(_("A group needs at least one coordinator. Invite someone else first, or close it."))
        group.coordinators.remove(user)
        for revision in group.revisions.all():
            revision.coordinators.remove(user)
    return group


def coordinator_ids(group):
    """The ids of the group's coordinators now (read under the group's lock by the services above)."""
    return set(group.coordinators.values_list("pk", flat=True))


def _lock_group(group):
    """Lock the group's row for the rest of the transaction: coordinator changes to one group go one at a time."""
    return Group.objects.select_for_update().get(pk=group.pk)


def _require_coordinator(group, user):
    if user.pk not in coordinator_ids(group):
        raise ValidationError(_("You no longer coordinate this group."))


def _require_waiting(invitation):
    if invitation.accepted_at is not None:
        raise ValidationError(_("This invitation has already been accepted."))
    if invitation.cancelled_at is not None:
        raise ValidationError(_("This invitation was already cancelled or sent again."))


def _check_rate(group, inviter):
    since = timezone.now() - RATE_WINDOW
    recent = CoordinatorInvitation.objects.filter(created_at__gt=since)
    if recent.filter(invited_by=inviter).count() >= settings.INVITATIONS_PER_HOUR_PER_PERSON:
        raise TooManyInvitations(_(
            "You have sent as many invitations as we allow in an hour (%(limit)s). Nothing was sent. "
            "Please try again later."
        ) % {"limit": settings.INVITATIONS_PER_HOUR_PER_PERSON})
    if recent.filter(group=group).count() >= settings.INVITATIONS_PER_HOUR_PER_GROUP:
        raise TooManyInvitations(_(
            "This group's coordinators have sent as many invitations as we allow in an hour (%(limit)s). "
            "Nothing was sent. Please try again later."
        ) % {"limit": settings.INVITATIONS_PER_HOUR_PER_GROUP})


def _create_and_queue(*, group, inviter, email):
    token = CoordinatorInvitation.new_token()
    invitation = CoordinatorInvitation(
        group=group, email=email, invited_by=inviter, token_hash=CoordinatorInvitation.hash_token(token),
        expires_at=timezone.now() + datetime.timedelta(days=settings.INVITATION_VALID_DAYS),
    )
    invitation.full_clean()
    invitation.save()
    queue_email(invitation.email, _("SupportFinder: an invitation"), invitation_email_body(token))
    return invitation, token


def invitation_email_body(token):
    """The whole email: our words and the link only, nothing a coordinator wrote."""
    link = settings.SITE_URL.rstrip("/") + reverse("coordinate:invitation", args=[token])
    return _(
        "You have been invited to help coordinate a listing on SupportFinder. "
        "Sign in or create an account to see which one: %(link)s\n\n"
        "Use this email address. The link works once and expires in %(days)s days.\n\n"
        "If you did not expect this, you can ignore this email."
    ) % {"link": link, "days": settings.INVITATION_VALID_DAYS}
