"""The way to a coordinator's messages from pages of other packages (groups.coordination must not import us)."""

from django import template

from groups.contact.models import ContactMessage

register = template.Library()


@register.inclusion_tag("contact/_inbox_link.html")
def contact_inbox_link(user):
    """A link to /coordinate/messages/ saying how many messages wait unanswered (one query)."""
    unanswered = ContactMessage.objects.for_coordinator(user).filter(answered_at__isnull=True).count()
    return {"unanswered": unanswered}
