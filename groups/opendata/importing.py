"""Writing an import, all or nothing: every imported group goes to the staff review queue.

New groups are written in bulk (a 10,000-row file in well under a minute), each pending review, submitted by
the member of staff who imported it, with a "submitted" decision in its history. A row for an existing group
goes through the coordinators' own save with submit (groups.coordination.services.listing_save): a proposed
change when the group is public (the public keeps seeing the approved version until another member of staff
approves), written onto it otherwise, then submitted like any coordinator's listing.
"""

from types import SimpleNamespace

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.permissions import email_verified
from groups.coordination.listing import CONTENT_FIELDS, PLACE_FIELDS, ListingContent, listing_save
from groups.coordination.models import ModerationDecision
from groups.core.models import Group, MeetingTime, Place
from groups.core.search import REMOTE_FORMATS, build_search_text, refresh_search_vectors
from groups.core.vocabulary import M2M_FIELDS, TAXONOMIES

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
        shim.place = Place(**plan.place)  # unsaved: its public_area() decides whether the town is searchable
    remote = any(term.slug in REMOTE_FORMATS for term in plan.terms["formats"])
    return {"search_text": build_search_text(shim), "meets_remotely": remote}


def new_group(plan, user, now):
    cost = (plan.terms["cost"] or [None])[0]
    group = Group(slug=plan.slug, status=Group.Status.PENDING, submitted_at=now, submitted_by=user, cost=cost,
                  **plan.fields, **search_fields(plan, cost))
    if plan.uuid:
        group.uuid = plan.uuid
    group.refresh_search_words()  # bulk_create does not call save()
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


def listing_content(plan):
    """A row as the cleaned data the coordinators' own save takes (groups.coordination.services.listing_save)."""
    fields = {name: plan.fields.get(name, Group._meta.get_field(name).get_default()) for name in CONTENT_FIELDS}
    fields["cost"] = (plan.terms["cost"] or [None])[0]
    fields |= {name: list(plan.terms[name]) for name in M2M_FIELDS}
    place = None
    if plan.place:
        place = {name: plan.place.get(name, Place._meta.get_field(name).get_default()) for name in PLACE_FIELDS}
    meetings = [{**meeting.fields(), "id": None} for meeting in plan.meetings]
    return ListingContent(fields=fields, place=place, meetings=meetings)


def update_group(plan, user):
    """An existing group through the coordinators' own save and submit: a public one gets a proposed change."""
    target = Group.objects.get(pk=plan.target.pk)
    saved = listing_save(group=target, user=user, content=listing_content(plan),
                         expected_version=None if target.takes_proposed_changes else target.version, submit=True)
    if saved.submit_problem:
        raise ValidationError(saved.submit_problem)
    return saved.target


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
