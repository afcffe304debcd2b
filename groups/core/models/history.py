"""Who coordinated a group, and until when: four eyes reaches back past someone stepping down.

A row is written whenever a coordinator leaves a group by any path (the coordinator pages, the admin, a script),
from the coordinators relation's m2m_changed signal, so no caller has to remember it.
"""

from django.conf import settings
from django.db import models
from django.db.models.signals import m2m_changed
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groups.core.models.group import Group


class CoordinatorHistory(models.Model):
    """Someone stopped coordinating a group at `ended_at`."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="past_coordinators")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    ended_at = models.DateTimeField(_("stopped coordinating"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-ended_at"]
        verbose_name = _("past coordinator")

    def __str__(self):
        return f"{self.user} — {self.group} (until {self.ended_at:%Y-%m-%d})"


@receiver(m2m_changed, sender=Group.coordinators.through)
def record_coordinators_leaving(sender, instance, action, reverse, pk_set, **kwargs):
    """Record every coordinator removed from a group (or every group a user is removed from)."""
    if action == "pre_clear":
        # pk_set is not given for a clear: read who is there before they go.
        if reverse:
            pairs = [(group_pk, instance.pk) for group_pk in instance.coordinated_groups.values_list("pk", flat=True)]
        else:
            pairs = [(instance.pk, user_pk) for user_pk in instance.coordinators.values_list("pk", flat=True)]
    elif action == "post_remove":
        pairs = [(pk, instance.pk) for pk in pk_set] if reverse else [(instance.pk, pk) for pk in pk_set]
    else:
        return
    now = timezone.now()
    CoordinatorHistory.objects.bulk_create(
        [CoordinatorHistory(group_id=group_pk, user_id=user_pk, ended_at=now) for group_pk, user_pk in pairs]
    )
