"""Template helpers for accreditation pages: the list of bodies, for the public guide."""

from django import template

from groups.accreditation.models import AccreditingBody

register = template.Library()


@register.simple_tag
def accrediting_bodies():
    """The bodies coordinators choose from, as staff keep them in the admin ("another body" last)."""
    return AccreditingBody.objects.order_by("order", "name")
