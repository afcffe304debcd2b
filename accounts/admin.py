from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import enrolment
from .models import OutgoingEmail, User
from .permissions import user_has_mfa


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "display_name", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_superuser", "is_active"]
    search_fields = ["email", "display_name"]
    fieldsets = [
        (None, {"fields": ["email", "password", "display_name"]}),
        (_("Permissions"), {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]
    actions = ["issue_enrolment_link"]

    @admin.action(description=_("Make a one-time link to set up two-factor authentication (staff)"))
    def issue_enrolment_link(self, request, queryset):
        """Staff without an authenticator app set one up only with such a link (accounts.enrolment).

        The link is shown once, here, to hand over in person or by another route than the password.
        """
        for user in queryset:
            if not user.is_staff or user_has_mfa(user):
                self.message_user(request, _("%(user)s needs no link: only staff without two-factor authentication "
                                             "do.") % {"user": user.email}, messages.WARNING)
                continue
            link = enrolment.issue_enrolment_link(user, created_by=request.user)
            self.message_user(request, _("One-time link for %(user)s: %(link)s") % {"user": user.email, "link": link})


class DeliveryFilter(admin.SimpleListFilter):
    title = _("delivery")
    parameter_name = "delivery"

    def lookups(self, request, model_admin):
        return [("failed", _("Failed, will be tried again")), ("waiting", _("Not tried yet")), ("sent", _("Sent"))]

    def queryset(self, request, queryset):
        if self.value() == "failed":
            return queryset.filter(sent_at__isnull=True, attempts__gt=0)
        if self.value() == "waiting":
            return queryset.filter(sent_at__isnull=True, attempts=0)
        if self.value() == "sent":
            return queryset.filter(sent_at__isnull=False)
        return queryset


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    """What the outbox holds, for staff to see failed deliveries. Read-only, and never the text itself:
    an email may hold a link that signs someone in or resets their password."""

    list_display = ["subject", "recipients", "created_at", "attempts", "last_attempt_at", "sent_at", "short_error"]
    list_filter = [DeliveryFilter]
    search_fields = ["subject", "to"]
    date_hierarchy = "created_at"
    fields = ["to", "subject", "created_at", "attempts", "last_attempt_at", "next_attempt_at", "last_error", "sent_at"]
    readonly_fields = fields
    actions = ["try_again_now"]

    @admin.display(description=_("to"))
    def recipients(self, email):
        return ", ".join(email.to)

    @admin.display(description=_("last error"))
    def short_error(self, email):
        return email.last_error[:80]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Try again at the next send_outbox run"), permissions=["view"])
    def try_again_now(self, request, queryset):
        count = queryset.filter(sent_at__isnull=True).update(next_attempt_at=timezone.now())
        self.message_user(request, _("%(count)s email(s) will be tried again within a minute.") % {"count": count})
