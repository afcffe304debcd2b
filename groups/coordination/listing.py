"""Writes on a listing by its coordinators: create, edit, submit, pause, reopen, close, confirm; stale reminders.

Each service takes cleaned data (ListingContent), checks the listing's transition table (Group.ensure_allows),
validates the rows it writes (full_clean), runs in one transaction and records the decision (ModerationDecision).
A public listing is never edited itself: the first save makes a proposed change (a copy with status "revision"
and revision_of set) that staff review while the public keeps seeing the original (groups.coordination.review).
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.permissions import email_verified
from groups.accreditation.services import claim_submit
from groups.coordination.models import ModerationDecision
from groups.core import snapshot
from groups.core.models import Group, MeetingTime, Place
from groups.core.models.group import CLOSE, CONFIRM, EDIT, PAUSE, RELIST, REOPEN, SUBMIT
from groups.core.notify import notify_coordinators
from groups.core.schedule import describe
from groups.core.search import refresh_search_fields
from groups.core.vocabulary import M2M_FIELDS

Status = Group.Status
Action = ModerationDecision.Action

# What a coordinator edits, in the order the review shows it.
CONTENT_FIELDS = [
    "name", "summary", "description", "host_name", "host_website", "cost", "cost_details", "facilitation",
    "attendance", "registration_details", "capacity", "age_min", "age_max", "contact_email", "contact_phone",
    "contact_url", "join_link", "accepts_messages", "time_zone",
]
PLACE_FIELDS = ["address_line1", "address_line2", "city", "region", "postcode", "country", "latitude", "longitude",
                "address_visibility"]
MEETING_FIELDS = ["frequency", "weekday", "interval_weeks", "week_of_month", "starts_on", "start_time", "end_time"]
# When a meeting recurs. A meeting written without naming its row keeps the row (and so its calendar UID,
# groups.directory.ical) of a meeting with the same pattern: subscribers see it updated, not duplicated.
MEETING_PATTERN_FIELDS = [name for name in MEETING_FIELDS if name != "end_time"]
# Needed before a listing can go to review; a draft may be saved without them.
REQUIRED_TO_SUBMIT = ["name", "summary", "cost", "facilitation", "attendance"]
REQUIRED_M2M_TO_SUBMIT = ["types", "formats", "languages"]

NEWS_SUBJECT = gettext_lazy("SupportFinder: news about your listing")
NEWS_BODY = gettext_lazy(
    "There is news about your listing “%(name)s” on SupportFinder.\n\nSign in to see it: %(link)s\n"
)


class ConcurrentEditError(Exception):
    """Someone else saved the listing (or started or finished its proposed change) after this form was opened."""


@dataclass
class ListingContent:
    """What a coordinator wrote, as cleaned data (groups.coordination.forms.listing_content).

    fields: CONTENT_FIELDS and the taxonomy relations (M2M_FIELDS, lists of terms);
    place: PLACE_FIELDS, or None for a group that meets only online or by phone;
    meetings: MEETING_FIELDS for each meeting, with "id": the meeting row it replaces, or None for a new one.
    """

    fields: dict
    place: dict | None
    meetings: list = field(default_factory=list)


@dataclass
class Saved:
    """What a save did: the listing, the row written (itself or its proposed change), and what did not happen."""

    group: Group
    target: Group
    submitted: bool = False
    submit_problem: str = ""
    claim_problem: str = ""


def record(group, action, actor, *, reason="", changes=None, is_revision=False):
    return ModerationDecision.objects.create(
        group=group, action=action, actor=actor, reason=reason, changes=changes or {}, is_revision=is_revision
    )


def notify_news(group, subject=NEWS_SUBJECT, body=NEWS_BODY):
    """Tell the group's coordinators there is news on their page (groups.core.notify)."""
    notify_coordinators(group, subject, body, {}, path=reverse("coordinate:group", args=[group.slug]))


def unique_slug(name, exclude_pk=None):
    base = slugify(name)[:140] or "group"
    slug, n = base, 2
    while Group.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


# Snapshots: what a reviewer compares ------------------------------------------------------------------------

def group_snapshot(group):
    """Everything a reviewer compares, as labelled display strings."""
    data = snapshot.snapshot(group, CONTENT_FIELDS + list(M2M_FIELDS))
    data |= snapshot.snapshot(Place.objects.filter(group=group).first(), PLACE_FIELDS, model=Place)
    data[str(_("meeting times"))] = snapshot.display([describe(m) for m in group.meeting_times.all()])
    return data


def group_changes(before, after):
    """Field by field, what differs: {label: [before, after]}."""
    return snapshot.diff(group_snapshot(before), group_snapshot(after))


# Writing content ----------------------------------------------------------------------------------------------

def _write_content(group, content):
    """Write the listing's fields, terms, place and meetings from cleaned data; every row validated first."""
    for name in CONTENT_FIELDS:
        setattr(group, name, content.fields[name])
    group.full_clean()
    group.save()
    for name in M2M_FIELDS:
        getattr(group, name).set(content.fields[name])
    _write_place(group, content.place)
    _write_meetings(group, content.meetings)
    refresh_search_fields([group])


def _write_place(group, data):
    place = Place.objects.filter(group=group).first()
    if data is None:
        if place:
            place.delete()
        return
    place = place or Place(group=group)
    for name in PLACE_FIELDS:
        setattr(place, name, data[name])
    place.full_clean(exclude=["group"])
    place.save()


def _meeting_pattern(meeting):
    return tuple(meeting[name] if isinstance(meeting, dict) else getattr(meeting, name)
                 for name in MEETING_PATTERN_FIELDS)


def _write_meetings(group, meetings):
    """The group's meetings become exactly `meetings`; a meeting keeps its row (and id) while it is listed.

    A meeting that names no row of this group (a new one, or one copied from a proposed change on approval) takes
    over a row nobody named whose pattern is the same, so its calendar UID does not change.
    """
    existing = {meeting.pk: meeting for meeting in group.meeting_times.all()}
    named = {data.get("id") for data in meetings} & set(existing)
    unnamed = {}
    for meeting in existing.values():
        if meeting.pk not in named:
            unnamed.setdefault(_meeting_pattern(meeting), []).append(meeting)
    kept = []
    for data in meetings:
        meeting = existing.get(data.get("id"))
        if meeting is None:
            same = unnamed.get(_meeting_pattern(data))
            meeting = same.pop(0) if same else MeetingTime(group=group)
        for name in MEETING_FIELDS:
            setattr(meeting, name, data[name])
        meeting.full_clean(exclude=["group"])
        meeting.save()
        kept.append(meeting.pk)
    group.meeting_times.exclude(pk__in=kept).delete()


def copy_content(source, target):
    """Copy what a coordinator edits from one group to another (fields, terms, place, meetings)."""
    place = Place.objects.filter(group=source).first()
    _write_content(target, ListingContent(
        fields={name: getattr(source, name) for name in CONTENT_FIELDS}
        | {name: list(getattr(source, name).all()) for name in M2M_FIELDS},
        place={name: getattr(place, name) for name in PLACE_FIELDS} if place else None,
        # Rows of the source: the target keeps its own rows for meetings of the same pattern (_write_meetings).
        meetings=[{name: getattr(m, name) for name in MEETING_FIELDS} for m in source.meeting_times.all()],
    ))


# Coordinators' services ---------------------------------------------------------------------------------------

def listing_create(*, user, content, claim=None, submit=False):
    """A new draft listing, coordinated by its creator; with an accreditation claim and submitted, if asked.

    `claim`: the claim's fields and "evidence" (groups.accreditation.services.claim_submit), or None. A claim or a
    submission that fails does not undo the draft: Saved says what did not happen.
    """
    with transaction.atomic():
        group = Group(name=content.fields["name"], slug=unique_slug(content.fields["name"]), status=Status.DRAFT)
        _write_content(group, content)
        group.coordinators.add(user)
    saved = Saved(group=group, target=group)
    if claim:
        try:
            claim_submit(group=group, user=user, **claim)
        except ValidationError as error:
            saved.claim_problem = " ".join(error.messages)
    return _then_submit(saved, user, submit)


def listing_save(*, group, user, content, expected_version, submit=False):
    """Save a coordinator's edit, only if nobody else saved it since the form was opened.

    `group` is the listing itself. While it is public, the edit goes to its proposed change, made now if there is
    none: the form then carried no version (expected_version None). An edit of something waiting for review takes
    it out of the queue until it is submitted again. Raises ConcurrentEditError when the form is out of date.
    """
    with transaction.atomic():
        # One proposed change per listing: two first saves at once must not make two.
        group = Group.objects.select_for_update().get(pk=group.pk)
        target = group.revisions.first() if group.takes_proposed_changes else group
        if target is None:
            if expected_version is not None:
                raise ConcurrentEditError  # the proposed change the form showed was decided on meanwhile
            target = _start_proposed_change(group)
        else:
            target.ensure_allows(EDIT)
            bumped = Group.objects.filter(pk=target.pk, version=expected_version).update(version=F("version") + 1)
            if not bumped:
                raise ConcurrentEditError
            target.version = expected_version + 1
        target.status = target.status_after(EDIT)
        _write_content(target, content)
    return _then_submit(Saved(group=group, target=target), user, submit)


def _start_proposed_change(group):
    copy = Group.objects.create(
        name=group.name, slug=unique_slug(f"{group.slug}-proposed-change"), status=Status.REVISION,
        revision_of=group, is_demo=group.is_demo, last_confirmed_at=group.last_confirmed_at,
    )
    copy.coordinators.set(group.coordinators.all())
    return copy


def _then_submit(saved, user, submit):
    if submit:
        try:
            group_submit(group=saved.target, user=user)
        except (ValidationError, PermissionDenied) as error:
            saved.submit_problem = " ".join(getattr(error, "messages", [str(error)]))
        else:
            saved.submitted = True
    return saved


def missing_for_submission(group):
    """Labels of what a listing still needs before it can be reviewed."""
    missing = [Group._meta.get_field(name).verbose_name for name in REQUIRED_TO_SUBMIT
               if not getattr(group, name if name != "cost" else "cost_id")]
    missing += [Group._meta.get_field(name).verbose_name for name in REQUIRED_M2M_TO_SUBMIT
                if not getattr(group, name).exists()]
    return [str(label) for label in missing]


def group_submit(*, group, user):
    """Send a draft, a closed listing or a proposed change to the staff review queue."""
    if not email_verified(user):
        raise PermissionDenied(_("Please confirm your email address before submitting a listing."))
    missing = missing_for_submission(group)
    if missing:
        raise ValidationError(_("Before submitting, please fill in: %(fields)s.") % {"fields": ", ".join(missing)})
    if not group.can_be_submitted:
        raise ValidationError(_("This listing is not waiting to be submitted."))
    with transaction.atomic():
        group.status = group.status_after(SUBMIT)
        group.submitted_at = timezone.now()
        group.submitted_by = user
        group.save(update_fields=["status", "submitted_at", "submitted_by", "updated_at"])
        original = group.revision_of or group
        record(original, Action.SUBMITTED, user, is_revision=group.revision_of_id is not None,
               changes=group_changes(original, group) if group.revision_of_id else {})
    return group


STATUS_DECISIONS = {PAUSE: Action.PAUSED, REOPEN: Action.REOPENED, CLOSE: Action.CLOSED}


def group_set_status(*, group, user, action, reason=""):
    """Pause (not taking new members), reopen or close a listing (STATUS_DECISIONS). None of these needs review.

    `reason`: why, for the coordinators' log (staff acting on a report say why; coordinators need not).
    """
    if action not in STATUS_DECISIONS:
        raise ValidationError(_("That action is not available."))
    group.ensure_allows(action)
    with transaction.atomic():
        group.status = group.status_after(action)
        group.save(update_fields=["status", "updated_at"])
        record(group, STATUS_DECISIONS[action], user, reason=reason)
        if action == CLOSE:
            group.revisions.all().delete()
    return group


def group_relist(*, group, user):
    """Open a closed listing again: it becomes a draft, and is sent for review at once if it is complete.

    It is never public again without a staff decision. Returns Saved: submit_problem says why it stayed a draft.
    """
    with transaction.atomic():
        group = Group.objects.select_for_update().get(pk=group.pk)
        group.ensure_allows(RELIST)
        group.status = group.status_after(RELIST)
        group.save(update_fields=["status", "updated_at"])
        record(group, Action.REOPENED, user)
    return _then_submit(Saved(group=group, target=group), user, submit=True)


def group_confirm(*, group, user):
    """"Still accurate": a public listing is confirmed without changes."""
    group.ensure_allows(CONFIRM)
    with transaction.atomic():
        group.last_confirmed_at = timezone.now()
        group.stale_reminder_sent_at = None
        group.save(update_fields=["last_confirmed_at", "stale_reminder_sent_at"])
        record(group, Action.CONFIRMED, user)
    return group


def remind_stale_listings(*, now=None):
    """Remind coordinators of public listings not confirmed for STALE_REMINDER_DAYS; once per period.

    Marking a listing and queueing its reminders happen in one transaction, so a listing counts as reminded
    exactly when its emails are safely in the outbox, and two runs at once cannot both remind. The emails wait
    for the caller to send them (the daily command sends all it queued at the end). Returns (listings reminded,
    outbox ids).
    """
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.STALE_REMINDER_DAYS)
    due = (
        Group.objects.published().filter(last_confirmed_at__lt=cutoff, stale_reminder_sent_at__isnull=True)
        .prefetch_related("coordinators")
    )
    reminded, queued = 0, []
    for group in due:
        with transaction.atomic():
            if not Group.objects.filter(pk=group.pk, stale_reminder_sent_at__isnull=True).update(
                stale_reminder_sent_at=now
            ):
                continue
            queued += notify_coordinators(
                group, _("SupportFinder: is your listing still accurate?"),
                _("Is your listing “%(name)s” on SupportFinder still accurate? Survivors rely on it being current."
                  "\n\nSign in to confirm it or update it: %(link)s\n"),
                {}, path=reverse("coordinate:group", args=[group.slug]), deliver=False,
            )
            reminded += 1
    return reminded, queued
