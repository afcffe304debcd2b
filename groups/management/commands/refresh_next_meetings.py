"""Recompute the stored next meeting of groups whose next meeting has passed (run every few minutes)."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from groups.core import next_meetings
from groups.core.models import Group


class Command(BaseCommand):
    help = "Recompute each group's stored next meeting once it has passed (--all: every group)."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="Recompute every group, not only passed ones.")
        parser.add_argument("--batch-size", type=int, default=2000)

    def handle(self, *args, all=False, batch_size=2000, **options):
        now = timezone.now()
        groups = Group.objects.all() if all else Group.objects.filter(next_meeting_at__lt=now)
        ids = list(groups.order_by("pk").values_list("pk", flat=True))
        changed = 0
        for start in range(0, len(ids), batch_size):
            changed += next_meetings.store(Group.objects.filter(pk__in=ids[start:start + batch_size]), now)
        self.stdout.write(f"Looked at {len(ids)} groups; {changed} next meetings changed.")
