"""Groups a user may act on. Someone else's group is a 404, never a hint that it exists."""

import datetime

from django.conf import settings
from django.http import Http404
from django.utils import timezone

from groups.core.models import CoordinatorHistory, Group


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


def coordinates_or_did_recently(user, group):
    """Whether `user` coordinates `group` (or the listing it proposes a change to), or did within
    FOUR_EYES_COOLDOWN_DAYS: such a person may not decide on its review or its accreditation."""
    pks = {group.pk, group.revision_of_id} - {None}
    if Group.objects.filter(pk__in=pks, coordinators=user).exists():
        return True
    since = timezone.now() - datetime.timedelta(days=settings.FOUR_EYES_COOLDOWN_DAYS)
    return CoordinatorHistory.objects.filter(group__in=pks, user=user, ended_at__gte=since).exists()
