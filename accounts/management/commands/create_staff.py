"""Create a staff account and print its one-time two-factor enrolment link (use instead of createsuperuser)."""

import getpass
import os

from allauth.account.models import EmailAddress
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.enrolment import issue_enrolment_link
from accounts.models import User

PASSWORD_VARIABLE = "STAFF_PASSWORD"


class Command(BaseCommand):
    help = (
        "Create a staff account (a superuser unless --not-superuser) and print a one-time link for setting up "
        "its two-factor authentication; staff pages stay closed to it until that is done. Hand the link "
        f"over in person or by another route than the password. With --no-input the password comes from "
        f"{PASSWORD_VARIABLE}."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--not-superuser", action="store_true", help="staff, without every permission")
        parser.add_argument("--no-input", action="store_true", help=f"read the password from {PASSWORD_VARIABLE}")

    def handle(self, *args, email, not_superuser, no_input, **options):
        # Lower case, as allauth stores and looks up addresses.
        email = email.strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise CommandError(f"{email} already has an account: use staff_enrolment_link for it.")
        password = os.environ.get(PASSWORD_VARIABLE, "") if no_input else self.ask_password()
        if not password:
            raise CommandError(f"A password is needed (set {PASSWORD_VARIABLE} with --no-input).")
        try:
            validate_password(password, User(email=email))
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        with transaction.atomic():
            user = User.objects.create_user(
                email=email, password=password, is_staff=True, is_superuser=not not_superuser
            )
            # The address is the operator's word, so it counts as confirmed.
            EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
            link = issue_enrolment_link(user)
        self.stdout.write(f"Created staff account {email}.")
        self.stdout.write(enrolment_instructions(link))

    def ask_password(self):
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Password (again): "):
            raise CommandError("The two passwords differ.")
        return first


def enrolment_instructions(link):
    from django.conf import settings

    return (
        "Sign in with the account, then open this link to set up two-factor authentication. It works once, "
        f"for this account only, for {settings.STAFF_ENROLMENT_LINK_HOURS} hours:\n{link}"
    )
