"""Groups a user may act on. Someone else's group is a 404, never a hint that it exists."""

from django.http import Http404

from groups.core.models import Group


def coordinated_groups(user):
    """The groups this user coordinates (staff see only their own here too)."""
    if not user.is_authenticated:
        return Group.objects.none()
    return Group.objects.filter(coordinators=user, revision_of__isnull=True)


def coordinated_group_or_404(user, slug, queryset=None):
    queryset = queryset if queryset is not None else coordinated_groups(user)
    try:
        return queryset.get(slug=slug)
    except Group.DoesNotExist:
        raise Http404 from None
