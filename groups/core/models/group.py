import uuid
import zoneinfo

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groups.core import lexicon
from groups.core.models.querysets import GroupQuerySet
from groups.core.models.taxonomy import AccessibilityFeature, Cost, Format, GroupType, Language, Population, TraumaType
from groups.core.workflow import Workflow


def validate_time_zone(value):
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("“%(value)s” is not a time zone name such as Europe/London."), params={"value": value})


class Group(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PENDING = "pending", _("Pending review")
        PUBLISHED = "published", _("Published")
        PAUSED = "paused", _("Paused (not taking new members)")
        CLOSED = "closed", _("Closed")
        # A coordinator's proposed change to a published group, being edited (never public).
        REVISION = "revision", _("Proposed change, not yet submitted")

    # Statuses the public may see. A paused group stays listed, saying it is not taking new members.
    PUBLIC_STATUSES = (Status.PUBLISHED, Status.PAUSED)

    class Facilitation(models.TextChoices):
        PEER = "peer-led", _("Peer-led")
        PROFESSIONAL = "professional", _("Led by a professional")
        CO_FACILITATED = "co-facilitated", _("Co-facilitated by a peer and a professional")

    class Attendance(models.TextChoices):
        DROP_IN = "drop-in", _("Drop in, no need to register")
        REGISTRATION = "registration", _("Registration needed")

    class Capacity(models.TextChoices):
        OPEN = "open", _("Taking new members")
        WAITING_LIST = "waiting-list", _("Waiting list")
        FULL = "full", _("Full for now")

    # The group's id in open data (HSDS service id), kept across edits; never reused.
    uuid = models.UUIDField(_("open data id"), default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(_("slug"), max_length=160, unique=True)
    summary = models.CharField(_("summary"), max_length=300, blank=True, help_text=_("One or two sentences."))
    description = models.TextField(_("description"), blank=True)
    host_name = models.CharField(_("host organisation"), max_length=150, blank=True)
    host_website = models.URLField(_("host organisation website"), blank=True)

    types = models.ManyToManyField(GroupType, related_name="groups", blank=True, verbose_name=_("group types"))
    trauma_types = models.ManyToManyField(TraumaType, related_name="groups", blank=True, verbose_name=_("trauma types"))
    populations = models.ManyToManyField(Population, related_name="groups", blank=True, verbose_name=_("who it is for"))
    formats = models.ManyToManyField(Format, related_name="groups", blank=True, verbose_name=_("formats"))
    languages = models.ManyToManyField(Language, related_name="groups", blank=True, verbose_name=_("languages"))
    # Optional while a listing is a draft; required before it can be submitted (groups.coordination.services).
    cost = models.ForeignKey(
        Cost, on_delete=models.PROTECT, related_name="groups", verbose_name=_("cost"), null=True, blank=True
    )
    cost_details = models.CharField(_("cost details"), max_length=200, blank=True)
    access_features = models.ManyToManyField(
        AccessibilityFeature, related_name="groups", blank=True, verbose_name=_("accessibility")
    )

    facilitation = models.CharField(_("facilitation"), max_length=20, choices=Facilitation.choices, blank=True)
    attendance = models.CharField(_("attendance"), max_length=20, choices=Attendance.choices, blank=True)
    registration_details = models.TextField(_("what registering involves"), blank=True)
    capacity = models.CharField(_("capacity"), max_length=20, choices=Capacity.choices, default=Capacity.OPEN)
    age_min = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    age_max = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)

    # Contact routes the group chooses to publish.
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    contact_url = models.URLField(_("contact page"), blank=True)
    # Given to members after contact; never published anywhere.
    join_link = models.URLField(_("online join link (private)"), blank=True)
    # The coordinators' choice to take messages through SupportFinder's own form (groups.contact): on by
    # default where joining starts with getting in touch (registration, a private address, online only).
    accepts_messages = models.BooleanField(
        _("accept messages through SupportFinder"), default=False,
        help_text=_("People can send the group a short message without an account or email of their own; "
                    "coordinators read it after signing in."),
    )

    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Europe/London", validators=[validate_time_zone]
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)
    is_demo = models.BooleanField(_("demo listing"), default=False, help_text=_("Fictional, for demonstration."))
    coordinators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="coordinated_groups", blank=True, verbose_name=_("coordinators")
    )

    # Moderation: a proposed change to a published group is a copy of it pointing at the original;
    # the public keeps seeing the original until staff approve the copy (see groups.coordination.services).
    revision_of = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="revisions",
        verbose_name=_("proposed change to"),
    )
    submitted_at = models.DateTimeField(_("submitted for review"), null=True, blank=True, db_index=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("submitted by"),
    )
    # Raised by every saved edit, so two people editing at once cannot overwrite each other silently.
    version = models.PositiveIntegerField(default=1, editable=False)
    stale_reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    last_confirmed_at = models.DateTimeField(_("last confirmed accurate"), default=timezone.now)

    # Denormalised text for keyword search: description, host and taxonomy names.
    # Kept current by groups.core.search.refresh_search_fields(); on PostgreSQL it feeds search_vector.
    search_text = models.TextField(editable=False, blank=True, default="")
    # The distinct words of name, summary and search_text (lexicon.index_words), kept by save() and every bulk
    # write: SQLite's keyword search matches whole words on it with LIKE '% word %' (groups.core.search).
    search_words = models.TextField(editable=False, blank=True, default="")
    # Whether the group can be joined without travel (online, phone or hybrid): kept with search_text,
    # so a place search can keep these groups without a subquery per row.
    meets_remotely = models.BooleanField(default=False, editable=False)
    # A tsvector on PostgreSQL (GIN-indexed by a migration there); unused and empty on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)
    # perf (issue 12): the next meeting in UTC, None when no date can be computed; kept by
    # groups.core.next_meetings so "sort by next meeting" is an ordered read of this index.
    next_meeting_at = models.DateTimeField(null=True, blank=True, editable=False, db_index=True)

    objects = GroupQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("group")
        # Name order is the default listing: an index lets a page of it be read without sorting every row.
        # (status, id) lets the facet counts read the public groups' ids from the index alone.
        indexes = [
            models.Index(fields=["status", "name"]),
            models.Index(fields=["name", "id"]),
            models.Index(fields=["status", "id"]),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # Every saved edit of the name or summary is searchable at once on SQLite, whichever path saved it.
        self.refresh_search_words()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"name", "summary", "search_text"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "search_words"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("groups:detail", args=[self.slug])

    def refresh_search_words(self):
        """search_words from name, summary and search_text: call before a bulk write (save() does it itself)."""
        self.search_words = lexicon.index_words(self.name, self.summary, self.search_text)

    @property
    def is_public(self):
        return self.status in self.PUBLIC_STATUSES

    @property
    def joins_after_contact(self):
        """Whether joining starts with getting in touch: registration, an address given only after contact (area
        only or on request), or online only (no place: the joining details come after contact). Such groups
        accept messages by default (the migration that added accepts_messages, and the demo)."""
        place = getattr(self, "place", None) if self.pk else None
        return (self.attendance == self.Attendance.REGISTRATION or place is None
                or place.address_visibility != "public")

    @property
    def takes_messages(self):
        """The public contact form is open: the coordinators chose it, the listing is taking people, and someone can
        read what is sent (an active coordinator: `has_coordinator` where the page annotated it, else asked)."""
        if not (self.accepts_messages and self.status == self.Status.PUBLISHED):
            return False
        known = getattr(self, "has_coordinator", None)
        return known if known is not None else self.coordinators.filter(is_active=True).exists()

    @property
    def is_paused(self):
        """Listed, but not taking new members: the page and card say so."""
        return self.status == self.Status.PAUSED

    def clean(self):
        if self.age_min is not None and self.age_max is not None and self.age_min > self.age_max:
            raise ValidationError({"age_max": _("The maximum age must not be below the minimum age.")})

    # What the listing allows now, from its transition table (LISTING_WORKFLOW or PROPOSED_CHANGE_WORKFLOW
    # below). Services ensure, templates ask these.

    @property
    def workflow(self):
        return PROPOSED_CHANGE_WORKFLOW if self.revision_of_id else LISTING_WORKFLOW

    def allows(self, action):
        return self.workflow.allows(action, self.status)

    def ensure_allows(self, action):
        """Raise a ValidationError naming the status when `action` is not allowed now."""
        self.workflow.ensure(action, self.status, self.get_status_display().lower())

    def status_after(self, action):
        return self.workflow.target(action, self.status)

    @property
    def can_be_submitted(self):
        return self.allows(SUBMIT)

    @property
    def can_be_reviewed(self):
        return self.allows(APPROVE)

    @property
    def can_be_paused(self):
        return self.allows(PAUSE)

    @property
    def can_be_reopened(self):
        return self.allows(REOPEN)

    @property
    def can_be_relisted(self):
        """Closed: its coordinators may open it again, as a draft that goes back through review."""
        return self.allows(RELIST)

    @property
    def can_be_closed(self):
        return self.allows(CLOSE)

    @property
    def can_be_confirmed(self):
        return self.allows(CONFIRM)

    @property
    def takes_proposed_changes(self):
        """Public: edits become a proposed change that staff review, while the public keeps this version."""
        return self.allows(PROPOSE_CHANGE)


# Actions on a listing (the names the coordinator and review forms post).
EDIT, SUBMIT, PROPOSE_CHANGE, CONFIRM = "edit", "submit", "propose-change", "confirm"
PAUSE, REOPEN, CLOSE = "pause", "reopen", "close"
# A closed listing opened again by its coordinators: it becomes a draft and is public again only once approved.
RELIST = "relist"
APPROVE, REQUEST_CHANGES, REJECT = "approve", "request-changes", "reject"
# What happens to an approved or rejected proposed change: copied onto its listing, or thrown away.
MERGED, DISCARDED = "merged", "discarded"

_S = Group.Status
LISTING_WORKFLOW = Workflow([
    # Coordinators. Editing a listing in the queue takes it out until it is submitted again.
    (EDIT, _S.DRAFT, _S.DRAFT), (EDIT, _S.PENDING, _S.DRAFT), (EDIT, _S.CLOSED, _S.CLOSED),
    (SUBMIT, _S.DRAFT, _S.PENDING), (SUBMIT, _S.CLOSED, _S.PENDING),
    # A public listing is not edited itself: the edit is a proposed change (PROPOSED_CHANGE_WORKFLOW).
    (PROPOSE_CHANGE, _S.PUBLISHED, _S.PUBLISHED), (PROPOSE_CHANGE, _S.PAUSED, _S.PAUSED),
    (CONFIRM, _S.PUBLISHED, _S.PUBLISHED), (CONFIRM, _S.PAUSED, _S.PAUSED),
    # Pausing, reopening and closing need no review.
    (PAUSE, _S.PUBLISHED, _S.PAUSED), (REOPEN, _S.PAUSED, _S.PUBLISHED),
    (CLOSE, _S.PUBLISHED, _S.CLOSED), (CLOSE, _S.PAUSED, _S.CLOSED), (CLOSE, _S.DRAFT, _S.CLOSED),
    (CLOSE, _S.PENDING, _S.CLOSED), (RELIST, _S.CLOSED, _S.DRAFT),
    # Staff.
    (APPROVE, _S.PENDING, _S.PUBLISHED), (REQUEST_CHANGES, _S.PENDING, _S.DRAFT), (REJECT, _S.PENDING, _S.CLOSED),
], refusal=_("That cannot be done to a listing that is %(state)s."))

PROPOSED_CHANGE_WORKFLOW = Workflow([
    (EDIT, _S.REVISION, _S.REVISION), (EDIT, _S.PENDING, _S.REVISION),
    (SUBMIT, _S.REVISION, _S.PENDING),
    (APPROVE, _S.PENDING, MERGED), (REQUEST_CHANGES, _S.PENDING, _S.REVISION), (REJECT, _S.PENDING, DISCARDED),
], refusal=_("That cannot be done to a proposed change that is %(state)s."))
del _S
