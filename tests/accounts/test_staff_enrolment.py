"""Staff two-factor enrolment needs a one-time link: someone who has only a staff password cannot enrol an
authenticator of their own and reach the admin or the review queues."""

import datetime
import io
from urllib.parse import urlsplit

import pytest
from allauth.mfa.models import Authenticator
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.enrolment import issue_enrolment_link
from accounts.models import StaffEnrolment, User

from .conftest import PASSWORD, activate_totp, current_code, sign_in

pytestmark = pytest.mark.django_db

MFA_SETUP = "/accounts/2fa/totp/activate/"
ENROLMENT_PAGE = "/accounts/staff-enrolment/"
STAFF_PAGES = ["/admin/", "/admin/accounts/user/", "/coordinate/review/"]


def path_of(link):
    return urlsplit(link).path


def try_to_enrol(client):
    """Everything someone with the password can do to add an authenticator; returns the last response."""
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    response = client.get(MFA_SETUP)
    secret = client.session.get("mfa.totp.secret")
    if secret:
        client.post(MFA_SETUP, {"code": current_code(secret)})
    client.post("/accounts/2fa/recovery-codes/generate/")
    return response


def enrol(client):
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    assert client.get(MFA_SETUP).status_code == 200
    response = client.post(MFA_SETUP, {"code": current_code(client.session["mfa.totp.secret"])})
    assert response.status_code == 302


def reaches_staff_pages(client):
    return any(client.get(url).status_code == 200 for url in STAFF_PAGES)


class TestThePasswordAloneIsNotEnough:
    def test_staff_signed_in_with_the_password_cannot_enrol_nor_reach_staff_pages(self, client, staff):
        sign_in(client, staff.email)
        response = try_to_enrol(client)
        assert response.status_code == 302 and response.url == ENROLMENT_PAGE
        assert not Authenticator.objects.filter(user=staff).exists()
        assert not reaches_staff_pages(client)
        page = client.get(ENROLMENT_PAGE).content.decode()
        assert "a password on its own is never enough" in page and "manage.py staff_enrolment_link" in page

    def test_a_staff_page_sends_them_to_the_page_that_explains(self, client, staff):
        sign_in(client, staff.email)
        response = client.get("/admin/", follow=True)
        assert response.redirect_chain[-1][0] == ENROLMENT_PAGE
        assert "Staff pages need two-factor authentication" in response.content.decode()

    def test_accounts_that_are_not_staff_set_it_up_without_a_link(self, client, coordinator):
        sign_in(client, coordinator.email)
        enrol(client)
        assert Authenticator.objects.filter(user=coordinator, type=Authenticator.Type.TOTP).exists()
        assert client.get(ENROLMENT_PAGE).status_code == 404


class TestTheOneTimeLink:
    def test_with_the_link_staff_enrol_and_reach_the_admin_and_the_queues(self, client, staff):
        link = path_of(issue_enrolment_link(staff))
        sign_in(client, staff.email)
        page = client.get(link)
        assert page.status_code == 200 and "Set up two-factor authentication" in page.content.decode()
        assert client.post(link).url == MFA_SETUP
        enrol(client)
        assert Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists()
        for url in ["/admin/", "/coordinate/review/"]:
            assert client.get(url).status_code == 200, url

    def test_after_setting_it_up_the_page_leads_on_to_the_review_queue(self, client, staff, coordinator):
        link = path_of(issue_enrolment_link(staff))
        sign_in(client, staff.email)
        client.post(link)
        client.post("/accounts/reauthenticate/", {"password": PASSWORD})
        client.get(MFA_SETUP)
        response = client.post(MFA_SETUP, {"code": current_code(client.session["mfa.totp.secret"])}, follow=True)
        # Setting it up ends on the recovery codes, which say to keep them, then lead on to the queue.
        assert response.redirect_chain[-1][0] == reverse("mfa_view_recovery_codes")
        page = response.content.decode()
        assert "Next: the review queue" in page and "Keep your recovery codes somewhere safe first" in page
        assert '<a class="button" href="/coordinate/review/">Go to the review queue</a>' in page
        # The two-factor overview says the same; every page's header links to the queue.
        overview = client.get(reverse("mfa_index")).content.decode()
        assert "Go to the review queue" in overview
        assert '<a href="/coordinate/review/">Review queue</a>' in client.get("/").content.decode()
        # Not offered to people who are not staff.
        other = Client()
        other.force_login(coordinator)
        assert "review queue" not in other.get(reverse("mfa_index")).content.decode().lower()
        assert "/coordinate/review/" not in other.get("/").content.decode()

    def test_visitors_are_asked_to_sign_in_first_and_nothing_is_used_up(self, client, staff):
        link = path_of(issue_enrolment_link(staff))
        response = client.get(link)
        assert response.status_code == 302 and response.url.startswith("/accounts/login/")
        assert client.post(link).url.startswith("/accounts/login/")
        assert StaffEnrolment.objects.get().used_at is None

    def test_opening_the_link_changes_nothing_until_the_button_is_pressed(self, client, staff):
        link = path_of(issue_enrolment_link(staff))
        sign_in(client, staff.email)
        client.get(link)
        assert try_to_enrol(client).url == ENROLMENT_PAGE

    def test_the_link_works_once(self, client, staff):
        link = path_of(issue_enrolment_link(staff))
        sign_in(client, staff.email)
        client.post(link)
        # Someone else with the password, in another browser, cannot use it again.
        other = Client()
        sign_in(other, staff.email)
        response = other.post(link)
        assert response.status_code == 404 and "does not work" in response.content.decode()
        assert try_to_enrol(other).url == ENROLMENT_PAGE
        assert not Authenticator.objects.filter(user=staff).exists()

    def test_an_expired_link_does_not_work(self, client, staff, settings):
        link = path_of(issue_enrolment_link(staff))
        StaffEnrolment.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
        sign_in(client, staff.email)
        assert client.post(link).status_code == 404
        assert try_to_enrol(client).url == ENROLMENT_PAGE

    def test_it_lasts_as_long_as_the_setting_says(self, staff, settings):
        settings.STAFF_ENROLMENT_LINK_HOURS = 3
        issue_enrolment_link(staff)
        left = StaffEnrolment.objects.get().expires_at - timezone.now()
        assert datetime.timedelta(hours=2, minutes=59) < left <= datetime.timedelta(hours=3)

    def test_a_link_for_one_account_does_not_work_for_another(self, client, staff, make_user):
        link = path_of(issue_enrolment_link(staff))
        other_staff = make_user("other-staff@example.org", is_staff=True)
        sign_in(client, other_staff.email)
        assert client.post(link).status_code == 404
        assert try_to_enrol(client).url == ENROLMENT_PAGE
        assert StaffEnrolment.objects.get().used_at is None

    def test_a_new_link_replaces_the_old_one(self, client, staff):
        old = path_of(issue_enrolment_link(staff))
        new = path_of(issue_enrolment_link(staff))
        sign_in(client, staff.email)
        assert client.post(old).status_code == 404
        assert client.post(new).url == MFA_SETUP

    def test_only_a_hash_of_the_token_is_stored(self, staff):
        token = path_of(issue_enrolment_link(staff)).rstrip("/").rsplit("/", 1)[-1]
        stored = StaffEnrolment.objects.get()
        assert token not in stored.token_hash and len(stored.token_hash) == 64

    def test_staff_who_already_have_two_factor_need_no_link(self, client, staff):
        link = path_of(issue_enrolment_link(staff))
        activate_totp(staff)
        client.force_login(staff)
        assert client.get(link).url == reverse("mfa_index")


class TestWhereLinksComeFrom:
    def test_create_staff_makes_a_staff_account_and_prints_its_link(self, client, monkeypatch):
        monkeypatch.setenv("STAFF_PASSWORD", PASSWORD)
        out = io.StringIO()
        call_command("create_staff", "Admin@Example.org", "--no-input", stdout=out)
        user = User.objects.get(email="admin@example.org")
        assert user.is_staff and user.is_superuser and user.check_password(PASSWORD)
        link = next(word for word in out.getvalue().split() if "/accounts/staff-enrolment/" in word)

        sign_in(client, user.email)
        assert client.get("/coordinate/").status_code == 200  # the email address counts as confirmed
        assert not reaches_staff_pages(client)
        client.post(path_of(link))
        enrol(client)
        assert client.get("/admin/").status_code == 200

    def test_create_staff_refuses_a_weak_password_and_an_existing_account(self, monkeypatch, staff):
        monkeypatch.setenv("STAFF_PASSWORD", "password")
        with pytest.raises(CommandError):
            call_command("create_staff", "new-staff@example.org", "--no-input", stdout=io.StringIO())
        monkeypatch.setenv("STAFF_PASSWORD", PASSWORD)
        with pytest.raises(CommandError):
            call_command("create_staff", staff.email, "--no-input", stdout=io.StringIO())
        assert not User.objects.filter(email="new-staff@example.org").exists()

    def test_staff_enrolment_link_prints_a_new_link_for_staff_only(self, client, staff, coordinator):
        out = io.StringIO()
        call_command("staff_enrolment_link", staff.email.upper(), stdout=out)
        link = next(word for word in out.getvalue().split() if "/accounts/staff-enrolment/" in word)
        sign_in(client, staff.email)
        assert client.post(path_of(link)).url == MFA_SETUP
        with pytest.raises(CommandError):
            call_command("staff_enrolment_link", coordinator.email, stdout=io.StringIO())

    def test_another_member_of_staff_makes_one_in_the_admin(self, client, staff, make_user):
        colleague = make_user("colleague@example.org", is_staff=True, is_superuser=True)
        activate_totp(colleague)
        admin = Client()
        admin.force_login(colleague)
        chosen = {"action": "issue_enrolment_link", "_selected_action": [staff.pk]}
        response = admin.post("/admin/accounts/user/", chosen, follow=True)
        page = response.content.decode()
        assert "One-time link for staff@example.org" in page
        link = next(word for word in page.split() if "/accounts/staff-enrolment/" in word).split("<")[0]
        assert StaffEnrolment.objects.get(user=staff).created_by == colleague
        sign_in(client, staff.email)
        assert client.post(path_of(link)).url == MFA_SETUP
