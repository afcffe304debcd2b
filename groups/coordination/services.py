"""Writes that touch several rows: listing, submitting, reviewing and keeping groups current.

Each service validates, runs in one transaction and records who did what (ModerationDecision).
A proposed change to a published group is a copy of it (status "revision", revision_of set): the
public keeps seeing the original until staff approve the copy, which is then copied onto it.
"""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from groups.coordination.models import CoordinatorInvitation, ModerationDecision
from groups.core.models import Group, MeetingTime, Place
from groups.core.search import refresh_search_fields

Status = Group.Status
Action = ModerationDecision.Action

# What a coordinator edits, in the order the review shows it.
CONTENT_FIELDS = [
    "name", "summary", "description", "host_name", "host_website", "cost", "cost_details", "facilitation",
    "attendance", "registration_details", "capacity", "age_min", "age_max", "contact_email", "contact_phone",
    "contact_url", "join_link", "time_zone",
]
M2M_FIELDS = ["types", "trauma_types", "populations", "formats", "languages", "access_features"]
PLACE_FIELDS = ["address_line1", "address_line2", "city", "region", "postcode", "country", "latitude", "longitude",
                "address_visibility"]
MEETING_FIELDS = ["frequency", "weekday", "interval_weeks", "week_of_month", "starts_on", "start_time", "end_time"]
# Needed before a listing can go to review; a draft may be saved without them.
REQUIRED_TO_SUBMIT = ["name", "summary", "cost", "facilitation", "attendance"]
REQUIRED_M2M_TO_SUBMIT = ["types", "formats", "languages"]


class ConcurrentEditError(Exception):
    """Someone else saved the listing after this form was opened."""


def unique_slug(name, exclude_pk=None):
    base = slugify(name)[:140] or "group"
    slug, n = base, 2
    while Group.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def record(group, action, actor, *, reason="", changes=None, is_revision=False):
    return ModerationDecision.objects.create(
        group=group, action=action, actor=actor, reason=reason, changes=changes or {}, is_revision=is_revision
    )


def notify_coordinators(group, subject):
    """Tell the coordinators there is news: never what a reviewer or a survivor wrote."""
    recipients = [user.email for user in group.coordinators.all() if user.email]
    if not recipients:
        return
    link = settings.SITE_URL.rstrip("/") + reverse("coordinate:group", args=[group.slug])
    body = _(
        "There is news about your listing “%(name)s” on SupportFinder.\n\nSign in to see it: %(link)s\n"
    ) % {"name": group.name, "link": link}
    # A failed email must not undo the decision; the news is on the coordinator's page either way.
    transaction.on_commit(lambda: send_mail(subject, body, None, recipients, fail_silently=True))


def group_save_edit(*, group, expected_version, save):
    """Save an edit only if nobody else saved the listing since the form was opened.

    `save` does the writing (forms, formsets); the version check and bump happen in the same transaction.
    """
    with transaction.atomic():
        bumped = Group.objects.filter(pk=group.pk, version=expected_version).update(version=F("version") + 1)
        if not bumped:
            raise ConcurrentEditError
        group.version = expected_version + 1  # the form saves the whole row: keep the new version in it
        save()
        refresh_search_fields([group])
    return group


def group_create(*, user, save):
    """A new draft listing, coordinated by its creator."""
    with transaction.atomic():
        group = save()
        group.coordinators.add(user)
        refresh_search_fields([group])
    return group


def missing_for_submission(group):
    """Labels of what a listing still needs before it can be reviewed."""
    missing = [Group._meta.get_field(name).verbose_name for name in REQUIRED_TO_SUBMIT
               if not getattr(group, name if name != "cost" else "cost_id")]
    missing += [Group._meta.get_field(name).verbose_name for name in REQUIRED_M2M_TO_SUBMIT
                if not getattr(group, name).exists()]
    return [str(label) for label in missing]


def group_submit(*, group, user):
    """Send a draft, or a proposed change, to the staff review queue."""
    from accounts.permissions import email_verified

    if not email_verified(user):
        raise PermissionDenied(_("Please confirm your email address before submitting a listing."))
    missing = missing_for_submission(group)
    if missing:
        raise ValidationError(_("Before submitting, please fill in: %(fields)s.") % {"fields": ", ".join(missing)})
    if group.status not in (Status.DRAFT, Status.REVISION, Status.CLOSED):
        raise ValidationError(_("This listing is not waiting to be submitted."))
    with transaction.atomic():
        group.status = Status.PENDING
        group.submitted_at = timezone.now()
        group.submitted_by = user
        group.save(update_fields=["status", "submitted_at", "submitted_by", "updated_at"])
        original = group.revision_of or group
        record(original, Action.SUBMITTED, user, is_revision=group.revision_of_id is not None,
               changes=group_changes(original, group) if group.revision_of_id else {})
    return group


def _copy_content(source, target):
    """Copy what a coordinator edits from one group to another (fields, terms, place, meetings)."""
    for name in CONTENT_FIELDS:
        setattr(target, name, getattr(source, name))
    target.save()
    for name in M2M_FIELDS:
        getattr(target, name).set(getattr(source, name).all())
    Place.objects.filter(group=target).delete()
    source_place = Place.objects.filter(group=source).first()
    if source_place:
        Place.objects.create(group=target, **{name: getattr(source_place, name) for name in PLACE_FIELDS})
    target.meeting_times.all().delete()
    MeetingTime.objects.bulk_create(
        [MeetingTime(group=target, **{name: getattr(m, name) for name in MEETING_FIELDS})
         for m in source.meeting_times.all()]
    )


def revision_for(*, group, user):
    """The proposed change a coordinator edits for a published group: the existing one, or a new copy."""
    existing = group.revisions.first()
    if existing:
        return existing
    with transaction.atomic():
        copy = Group.objects.create(
            name=group.name, slug=unique_slug(f"{group.slug}-proposed-change"), status=Status.REVISION,
            revision_of=group, is_demo=group.is_demo, last_confirmed_at=group.last_confirmed_at,
        )
        _copy_content(group, copy)
        copy.coordinators.set(group.coordinators.all())
    return copy


def _display(value):
    if value is None or value == "":
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(str(item) for item in value)
    return str(value)


def group_snapshot(group):
    """Everything a reviewer compares, as labelled display strings."""
    data = {}
    for name in CONTENT_FIELDS:
        field = Group._meta.get_field(name)
        value = getattr(group, name)
        if field.choices and value:
            value = getattr(group, f"get_{name}_display")()
        data[str(field.verbose_name)] = _display(value)
    for name in M2M_FIELDS:
        terms = sorted(term.name for term in getattr(group, name).all())
        data[str(Group._meta.get_field(name).verbose_name)] = _display(terms)
    place = Place.objects.filter(group=group).first()
    for name in PLACE_FIELDS:
        label = str(Place._meta.get_field(name).verbose_name)
        value = getattr(place, name) if place else ""
        if name == "address_visibility" and place:
            value = place.get_address_visibility_display()
        data[label] = _display(value)
    from groups.core.schedule import describe

    data[str(_("meeting times"))] = _display([describe(m) for m in group.meeting_times.all()])
    return data


def group_changes(before, after):
    """Field by field, what differs: {label: [before, after]}."""
    old, new = group_snapshot(before), group_snapshot(after)
    return {label: [old[label], new[label]] for label in new if old.get(label) != new[label]}


def _ensure_not_own_submission(group, reviewer):
    if group.submitted_by_id == reviewer.pk:
        raise PermissionDenied(_("You submitted this yourself, so another member of staff must review it."))


def review_approve(*, group, reviewer):
    """Publish a new listing, or copy an approved change onto the published group."""
    _ensure_not_own_submission(group, reviewer)
    if group.status != Status.PENDING:
        raise ValidationError(_("This is not waiting for review."))
    with transaction.atomic():
        if group.revision_of_id:
            original = group.revision_of
            changes = group_changes(original, group)
            _copy_content(group, original)
            original.last_confirmed_at = timezone.now()
            original.stale_reminder_sent_at = None
            original.save(update_fields=["last_confirmed_at", "stale_reminder_sent_at"])
            Group.objects.filter(pk=original.pk).update(version=F("version") + 1)
            record(original, Action.APPROVED, reviewer, changes=changes, is_revision=True)
            group.delete()
            refresh_search_fields([original])
            notify_coordinators(original, _("SupportFinder: news about your listing"))
            return original
        group.status = Status.PUBLISHED
        group.last_confirmed_at = timezone.now()
        group.save(update_fields=["status", "last_confirmed_at", "updated_at"])
        record(group, Action.APPROVED, reviewer)
        refresh_search_fields([group])
        notify_coordinators(group, _("SupportFinder: news about your listing"))
    return group


def review_request_changes(*, group, reviewer, reason):
    """Send a submission back to its coordinators with a reason they will see."""
    if not reason.strip():
        raise ValidationError(_("Please say what needs to change: the coordinator will see it."))
    _ensure_not_own_submission(group, reviewer)
    with transaction.atomic():
        group.status = Status.REVISION if group.revision_of_id else Status.DRAFT
        group.save(update_fields=["status", "updated_at"])
        original = group.revision_of or group
        record(original, Action.CHANGES_REQUESTED, reviewer, reason=reason.strip(),
               is_revision=group.revision_of_id is not None)
        notify_coordinators(original, _("SupportFinder: news about your listing"))
    return group


def review_reject(*, group, reviewer, reason):
    """Refuse a new listing (it is closed) or a proposed change (it is discarded), with a reason."""
    if not reason.strip():
        raise ValidationError(_("Please give a reason: the coordinator will see it."))
    _ensure_not_own_submission(group, reviewer)
    with transaction.atomic():
        if group.revision_of_id:
            original = group.revision_of
            record(original, Action.REJECTED, reviewer, reason=reason.strip(), is_revision=True,
                   changes=group_changes(original, group))
            group.delete()
        else:
            original = group
            group.status = Status.CLOSED
            group.save(update_fields=["status", "updated_at"])
            record(group, Action.REJECTED, reviewer, reason=reason.strip())
        notify_coordinators(original, _("SupportFinder: news about your listing"))
    return original


STATUS_ACTIONS = {
    # action: (statuses it applies to, new status, decision)
    "pause": ((Status.PUBLISHED,), Status.PAUSED, Action.PAUSED),
    "reopen": ((Status.PAUSED,), Status.PUBLISHED, Action.REOPENED),
    "close": ((Status.PUBLISHED, Status.PAUSED, Status.DRAFT, Status.PENDING), Status.CLOSED, Action.CLOSED),
}


def group_set_status(*, group, user, action):
    """Pause (not taking new members), reopen or close a listing. None of these needs review."""
    allowed_from, new_status, decision = STATUS_ACTIONS[action]
    if group.status not in allowed_from:
        raise ValidationError(_("That cannot be done to a listing that is %(status)s.")
                              % {"status": group.get_status_display().lower()})
    with transaction.atomic():
        group.status = new_status
        group.save(update_fields=["status", "updated_at"])
        record(group, decision, user)
        if new_status == Status.CLOSED:
            group.revisions.all().delete()
    return group


def group_confirm(*, group, user):
    """"Still accurate": the listing is confirmed without changes."""
    with transaction.atomic():
        group.last_confirmed_at = timezone.now()
        group.stale_reminder_sent_at = None
        group.save(update_fields=["last_confirmed_at", "stale_reminder_sent_at"])
        record(group, Action.CONFIRMED, user)
    return group


def invitation_create(*, group, inviter, email, request=None):
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
    from accounts.permissions import email_verified

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


def coordinator_remove(*, group, user, remover):
    """Remove a co-coordinator; a group always keeps at least one."""
    if group.coordinators.count() <= 1:
        raise ValidationError(_("A group needs at least one coordinator. Invite someone else first, or close it."))
    with transaction.atomic():
        group.coordinators.remove(user)
        for revision in group.revisions.all():
            revision.coordinators.remove(user)
    return group


def remind_stale_listings(*, now=None):
    """Remind coordinators of public listings not confirmed for STALE_REMINDER_DAYS; once per period."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.STALE_REMINDER_DAYS)
    due = (
        Group.objects.published().filter(last_confirmed_at__lt=cutoff, stale_reminder_sent_at__isnull=True)
        .prefetch_related("coordinators")
    )
    reminded = 0
    for group in due:
        with transaction.atomic():
            # Claim the reminder first, so two runs at once cannot both send it.
            if not Group.objects.filter(pk=group.pk, stale_reminder_sent_at__isnull=True).update(
                stale_reminder_sent_at=now
            ):
                continue
            notify_coordinators(group, _("SupportFinder: is your listing still accurate?"))
            reminded += 1
    return reminded
