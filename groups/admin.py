"""The admin, where staff read and correct the directory and manage the taxonomies' terms.

Listings and claims change through the coordinator and review pages, which validate and keep a record;
here the records of decisions are read-only, and so is everything on a claim but staff's note.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .core.forms import HTTPS_BY_DEFAULT
from .core.search import refresh_search_fields
from .core.vocabulary import M2M_FIELDS, TAXONOMIES
from .models import (
    AccreditationClaim,
    AccreditingBody,
    ClaimDecision,
    ClaimEvidence,
    ContactMessage,
    Group,
    MeetingTime,
    ModerationDecision,
    Place,
)


class TermAdmin(admin.ModelAdmin):
    """The terms of every taxonomy (groups.core.vocabulary.TAXONOMIES): names, descriptions and their order."""

    list_display = ["name", "slug", "order"]
    list_editable = ["order"]
    search_fields = ["name", "slug", "description"]
    ordering = ["order", "name"]

    def get_readonly_fields(self, request, obj=None):
        # Slugs never change once published: links and the API depend on them.
        return ["slug"] if obj else []


for taxonomy in TAXONOMIES:
    admin.site.register(taxonomy.model, TermAdmin)


class PlaceInline(admin.StackedInline):
    model = Place
    extra = 0
    max_num = 1


class MeetingTimeInline(admin.TabularInline):
    model = MeetingTime
    extra = 0


class AccreditationClaimInline(admin.TabularInline):
    """Shown, not edited: claims change through the coordinator's and the review pages, which keep a record."""

    formfield_overrides = HTTPS_BY_DEFAULT
    model = AccreditationClaim
    fk_name = "group"
    extra = 0
    fields = ["body", "reference", "scope", "facilitator_name", "status", "valid_until"]
    readonly_fields = fields
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class ModerationDecisionInline(admin.TabularInline):
    """Every review decision on the group, for staff: who, when, what and why. Never edited."""

    model = ModerationDecision
    extra = 0
    fields = ["created_at", "action", "is_revision", "actor", "reason", "changes"]
    readonly_fields = fields
    can_delete = False
    ordering = ["-created_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Group)
class GroupAdmin(admin.ModelAdmin):
    formfield_overrides = HTTPS_BY_DEFAULT
    list_display = ["name", "status", "host_name", "cost", "is_demo", "last_confirmed_at"]
    list_filter = ["status", "is_demo", ("revision_of", admin.EmptyFieldListFilter), "types", "formats", "cost",
                   "facilitation", "capacity", "place__country"]
    search_fields = ["name", "slug", "summary", "host_name", "place__city"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = [*M2M_FIELDS, "coordinators"]
    date_hierarchy = "created_at"
    inlines = [PlaceInline, MeetingTimeInline, AccreditationClaimInline, ModerationDecisionInline]
    show_facets = admin.ShowFacets.ALWAYS
    list_select_related = ["cost"]
    # Publication happens only through the review pages, which record a decision (groups.coordination.review):
    # here the status and what says who submitted it are shown, never edited.
    readonly_fields = ["status", "submitted_at", "submitted_by", "revision_of"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "summary", "description", "status", "is_demo"]}),
        (_("Review"), {"fields": ["revision_of", "submitted_at", "submitted_by"]}),
        (_("Host"), {"fields": ["host_name", "host_website", "coordinators"]}),
        (_("Who it is for"), {"fields": ["types", "trauma_types", "populations", "age_min", "age_max"]}),
        (_("How it meets"), {"fields": ["formats", "languages", "access_features", "time_zone", "facilitation"]}),
        (_("Joining"), {"fields": ["attendance", "registration_details", "capacity", "cost", "cost_details"]}),
        (_("Contact"), {"fields": ["contact_email", "contact_phone", "contact_url", "join_link"]}),
        (_("Freshness"), {"fields": ["last_confirmed_at"]}),
    ]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        refresh_search_fields([form.instance])


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    list_display = ["group", "city", "region", "country", "address_visibility"]
    list_filter = ["address_visibility", "country"]
    search_fields = ["group__name", "city", "region", "postcode"]
    autocomplete_fields = ["group"]
    show_facets = admin.ShowFacets.ALWAYS


@admin.register(MeetingTime)
class MeetingTimeAdmin(admin.ModelAdmin):
    list_display = ["group", "frequency", "weekday", "start_time", "end_time"]
    list_filter = ["frequency", "weekday"]
    search_fields = ["group__name"]
    autocomplete_fields = ["group"]


@admin.register(AccreditingBody)
class AccreditingBodyAdmin(admin.ModelAdmin):
    formfield_overrides = HTTPS_BY_DEFAULT
    list_display = ["name", "scheme", "applies_to", "renewal_months", "register_url"]
    list_filter = ["applies_to"]
    search_fields = ["name", "scheme", "certifies"]
    prepopulated_fields = {"slug": ["name", "scheme"]}

    def get_readonly_fields(self, request, obj=None):
        # Slugs never change once published ("other" in particular is what asks coordinators to name a body).
        return ["slug"] if obj else []

    def get_prepopulated_fields(self, request, obj=None):
        return {} if obj else self.prepopulated_fields


class ClaimDecisionInline(admin.TabularInline):
    model = ClaimDecision
    extra = 0
    fields = ["created_at", "action", "actor", "checked_how", "reference", "valid_until", "reason", "changes"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class ClaimEvidenceInline(admin.TabularInline):
    """Names only: the files themselves open through the review page, which checks who is asking."""

    model = ClaimEvidence
    extra = 0
    fields = ["original_name", "content_type", "size", "uploaded_at", "uploaded_by", "removed_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        # Removed files too: staff see everything the claim was checked with.
        return ClaimEvidence.all_objects.select_related("uploaded_by")


@admin.register(AccreditationClaim)
class AccreditationClaimAdmin(admin.ModelAdmin):
    """Claims are verified or rejected on the review page (/coordinate/review/accreditation/), which keeps a record;
    here staff can read everything and keep a note."""

    formfield_overrides = HTTPS_BY_DEFAULT
    list_display = ["group", "body", "scope", "status", "valid_until", "verified_by"]
    list_filter = ["status", "scope", "body"]
    search_fields = ["group__name", "reference", "facilitator_name", "other_body_name"]
    readonly_fields = [
        "group", "body", "other_body_name", "other_body_url", "reference", "scope", "facilitator_name",
        "register_entry_url", "status", "renewal_of", "submitted_at", "submitted_by", "verified_by", "verified_at",
        "checked_how", "confirmed_reference", "valid_until", "rejection_reason", "reminder_sent_at", "created_at",
        "updated_at",
    ]
    fields = readonly_fields[:-2] + ["note"] + readonly_fields[-2:]
    inlines = [ClaimEvidenceInline, ClaimDecisionInline]
    date_hierarchy = "valid_until"
    show_facets = admin.ShowFacets.ALWAYS
    list_select_related = ["group", "body", "verified_by"]

    def has_add_permission(self, request):
        return False


@admin.register(ModerationDecision)
class ModerationDecisionAdmin(admin.ModelAdmin):
    list_display = ["group", "action", "is_revision", "actor", "created_at"]
    list_filter = ["action", "is_revision"]
    search_fields = ["group__name", "reason", "actor__email"]
    date_hierarchy = "created_at"
    readonly_fields = ["group", "action", "is_revision", "reason", "changes", "actor", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ContactMessage)
class ContactMessageAdmin(admin.ModelAdmin):
    """How many messages each group has and when they go, never what they say or who sent them.

    Only a group's coordinators read its messages (/coordinate/messages/); staff read one only after a coordinator
    reports it as abusive (/coordinate/review/messages/). So no field written by the sender is shown, searched or
    filtered here, and nothing can be added or changed; staff may delete one (for example when asked to).
    """

    list_display = ["group", "created_at", "delete_after", "answered_at", "reported_at"]
    list_filter = [("answered_at", admin.EmptyFieldListFilter), ("reported_at", admin.EmptyFieldListFilter)]
    search_fields = ["group__name"]
    fields = list_display
    readonly_fields = list_display
    list_select_related = ["group"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
