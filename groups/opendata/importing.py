"""Writing an import, all or nothing: every imported group goes to the staff review queue.

New groups are written in bulk (a 10,000-row file in well under a minute), each pending review, submitted by
the member of staff who imported it, with a "submitted" decision in its history. A row for an existing group
becomes a proposed change to it when it is public (the public keeps seeing the approved version until another
member of staff approves), or is written onto it when it is a draft or closed; either is then submitted
through groups.coordination.services.group_submit, like any coordinator's listing.
"""

from types import SimpleNamespace

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.permissions import email_verified
from groups.coordination.models import ModerationDecision
from groups.coordination.services import group_submit, revision_for
from groups.core.models import Group, MeetingTime, Place
from groups.core.search import REMOTE_FORMATS, build_search_text, refresh_search_fields, refresh_search_vectors
from groups.core.vocabulary import TAXONOMIES

BATCH = 500


class ImportRefused(Exception):
    """The import cannot be written (a file with errors, or a person who may not submit); nothing was."""


class Terms(list):
    """A list that answers .all(), as a related manager does."""

    def all(self):
        return self


def search_fields(plan, cost):
    """search_text and meets_remotely from the row itself (core's own function), so no second pass is needed."""
    shim = SimpleNamespace(description=plan.fields["description"], host_name=plan.fields["host_name"],
                           cost_id=cost.pk if cost else None, cost=cost,
                           **{field: Terms(terms) for field, terms in plan.terms.items() if field != "cost"})
    if plan.place:
        shim.place = SimpleNamespace(city=plan.place["city"], region=plan.place["region"])
    remote = any(term.slug in REMOTE_FORMATS for term in plan.terms["formats"])
    return {"search_text": build_search_text(shim), "meets_remotely": remote}


def new_group(plan, user, now):
    cost = (plan.terms["cost"] or [None])[0]
    group = Group(slug=plan.slug, status=Group.Status.PENDING, submitted_at=now, submitted_by=user, cost=cost,
                  **plan.fields, **search_fields(plan, cost))
    if plan.uuid:
        group.uuid = plan.uuid
    return group


def new_place(group, values):
    place = Place(group=group, **values)
    place.search_latitude, place.search_longitude = place.compute_search_point()
    return place


def create_groups(plans, user, now):
    """Every new group in bulk: rows, terms, places, meetings, decisions and search text."""
    groups = Group.objects.bulk_create([new_group(plan, user, now) for plan in plans], batch_size=BATCH)
    pairs = list(zip(groups, plans, strict=True))
    for taxonomy in TAXONOMIES:
        if not taxonomy.is_many:
            continue
        through = getattr(Group, taxonomy.field).through
        column = f"{taxonomy.model._meta.model_name}_id"
        through.objects.bulk_create(
            [through(group_id=group.pk, **{column: term.pk})
             for group, plan in pairs for term in plan.terms[taxonomy.field]], batch_size=BATCH)
    Place.objects.bulk_create([new_place(group, plan.place) for group, plan in pairs if plan.place], batch_size=BATCH)
    MeetingTime.objects.bulk_create(
        [MeetingTime(group=group, **meeting.fields()) for group, plan in pairs
         for meeting in plan.meetings], batch_size=BATCH)
    ModerationDecision.objects.bulk_create(
        [ModerationDecision(group=group, action=ModerationDecision.Action.SUBMITTED, actor=user, created_at=now,
                            reason="Imported from a CSV file.") for group in groups], batch_size=BATCH)
    refresh_search_vectors(Group.objects.filter(status=Group.Status.PENDING, submitted_at=now, submitted_by=user))
    return groups


def write_content(group, plan):
    """Put a row's values onto a group (a draft, a closed group or a proposed change)."""
    for name, value in plan.fields.items():
        setattr(group, name, value)
    group.slug = group.slug if group.revision_of_id else plan.slug
    group.cost = (plan.terms["cost"] or [None])[0]
    group.save()
    for taxonomy in TAXONOMIES:
        if taxonomy.is_many:
            getattr(group, taxonomy.field).set(plan.terms[taxonomy.field])
    Place.objects.filter(group=group).delete()
    if plan.place:
        Place.objects.create(group=group, **plan.place)
    group.meeting_times.all().delete()
    MeetingTime.objects.bulk_create([MeetingTime(group=group, **meeting.fields()) for meeting in plan.meetings])
    refresh_search_fields([group])


def update_group(plan, user):
    target = plan.target
    editable = revision_for(group=target, user=user) if target.is_public else target
    write_content(editable, plan)
    group_submit(group=editable, user=user)
    return editable


def import_preview(preview, user):
    """Write a checked file, all or nothing. Returns (created, updated) counts."""
    if not preview.ok:
        raise ImportRefused("The file has problems: nothing was imported. Correct them and check it again.")
    if not email_verified(user):
        raise ImportRefused("Please confirm your email address before importing: imports are submitted in your name.")
    now = timezone.now()
    new = [plan for plan in preview.plans if plan.target is None]
    changed = [plan for plan in preview.plans if plan.target is not None]
    try:
        with transaction.atomic():
            create_groups(new, user, now)
            for plan in changed:
                update_group(plan, user)
    except (ValidationError, PermissionDenied) as error:
        messages = getattr(error, "messages", None) or [str(error)]
        raise ImportRefused("Nothing was imported: " + " ".join(messages)) from None
    return len(new), len(changed)
