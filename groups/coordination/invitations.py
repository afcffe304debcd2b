"""Co-coordinators: invite someone by email, accept an invitation, remove a coordinator."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import email_verified
from groups.coordination.models import CoordinatorInvitation


def invitation_create(*, group, inviter, email):
    """Invite someone by email to co-coordinate: a link that works once and expires."""
    token = CoordinatorInvitation.new_token()
    invitation = CoordinatorInvitation(
        group=group, email=email.strip().lower(), invited_by=inviter,
        token_hash=CoordinatorInvitation.hash_token(token),
        expires_at=timezone.now() + datetime.timedelta(days=settings.INVITATION_VALID_DAYS),
    )
    invitation.full_clean()
    invitation.save()
    link = settings.SITE_URL.rstrip("/") + reverse("coordinate:invitation", args=[token])
    body = _(
        "You have been invited to help coordinate the listing “%(name)s” on SupportFinder.\n\n"
        "To accept, sign in or create an account with this email address and open this link within %(days)s days. "
        "It works once.\n\n%(link)s\n\nIf you did not expect this, you can ignore this email."
    ) % {"name": group.name, "days": settings.INVITATION_VALID_DAYS, "link": link}
    transaction.on_commit(lambda: send_mail(_("SupportFinder: an invitation"), body, None, [invitation.email]))
    return invitation, token


def invitation_accept(*, token, user):
    """Accept an invitation: the signed-in user's verified email must be the one invited."""
    try:
        invitation = CoordinatorInvitation.objects.select_related("group").get(
            token_hash=CoordinatorInvitation.hash_token(token)
        )
    except CoordinatorInvitation.DoesNotExist:
        raise ValidationError(_("This invitation link is not valid.")) from None
    if not invitation.is_usable:
        raise ValidationError(_("This invitation has already been used or has expired. Ask for a new one."))
    if invitation.email.lower() != user.email.lower() or not email_verified(user):
        raise ValidationError(_("This invitation was sent to another email address. Sign in with that address."))
    with transaction.atomic():
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        invitation.group.coordinators.add(user)
        for revision in invitation.group.revisions.all():
            revision.coordinators.add(user)
    return invitation.group


def coordinator_remove(*, group, user):
    """Remove a co-coordinator (or oneself); a group always keeps at least one."""
    if group.coordinators.count() <= 1:
        raise ValidationError(_("A group needs at least one coordinator. Invite someone else first, or close it."))
    with transaction.atomic():
        group.coordinators.remove(user)
        for revision in group.revisions.all():
            revision.coordinators.remove(user)
    return group
