"""Print a new one-time two-factor enrolment link for an existing staff account."""

from django.core.management.base import BaseCommand, CommandError

from accounts.enrolment import issue_enrolment_link
from accounts.models import User

from .create_staff import enrolment_instructions


class Command(BaseCommand):
    help = (
        "Print a new one-time link for a staff account to set up two-factor authentication (an earlier "
        "unused link stops working), for a staff member who has none yet or whose app was removed."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No account has the address {email}.")
        if not user.is_staff:
            raise CommandError(f"{user.email} is not staff: other accounts set up two-factor authentication alone.")
        self.stdout.write(enrolment_instructions(issue_enrolment_link(user)))
