"""The profile page, downloading one's data, and deleting an account without orphaning a group."""

import json

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.contrib.sessions.models import Session
from django.urls import reverse

from accounts.models import User
from accounts.services import user_delete
from groups.models import Group, ModerationDecision

from .conftest import PASSWORD, activate_totp, sign_in

pytestmark = pytest.mark.django_db


class TestProfile:
    def test_the_profile_links_to_everything_an_account_holder_can_do(self, client, coordinator):
        client.force_login(coordinator)
        response = client.get(reverse("accounts:profile"))
        assert response.status_code == 200
        page = response.content.decode()
        assert coordinator.email in page and "Verified" in page
        for name in ["account_email", "account_change_password", "mfa_index", "usersessions_list",
                     "accounts:data_export", "accounts:delete", "account_logout"]:
            assert f'href="{reverse(name)}"' in page, name

    def test_visitors_are_asked_to_sign_in(self, client):
        response = client.get(reverse("accounts:profile"))
        assert response.status_code == 302
        assert response.url == "/accounts/login/?next=/accounts/profile/"

    def test_the_display_name_is_saved(self, client, coordinator):
        client.force_login(coordinator)
        response = client.post(reverse("accounts:profile"), {"display_name": "Sam R."})
        assert response.status_code == 302
        coordinator.refresh_from_db()
        assert coordinator.display_name == "Sam R."

    def test_it_says_whether_two_factor_authentication_is_on(self, client, coordinator):
        client.force_login(coordinator)
        assert "Set up two-factor authentication" in client.get(reverse("accounts:profile")).content.decode()
        activate_totp(coordinator)
        assert "Manage two-factor authentication" in client.get(reverse("accounts:profile")).content.decode()


class TestDownloadMyData:
    def test_visitors_are_asked_to_sign_in(self, client):
        response = client.get(reverse("accounts:data_export"))
        assert response.status_code == 302
        assert response.url.startswith("/accounts/login/")

    def test_the_download_is_a_json_attachment_with_the_account_and_its_groups(self, client, coordinator, make_group):
        group = make_group("Leeds Women's Circle", slug="leeds-womens-circle", description="Tuesdays.")
        group.coordinators.add(coordinator)
        make_group("Someone else's group")
        activate_totp(coordinator)
        client.force_login(coordinator)

        response = client.get(reverse("accounts:data_export"))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/json"
        assert response["Content-Disposition"].startswith('attachment; filename="supportfinder-my-data-')
        assert "no-store" in response["Cache-Control"]
        data = json.loads(response.content)

        account = data["account"]
        assert account["email"] == "coordinator@example.org"
        assert account["display_name"] == "Sam"
        assert account["date_joined"] and "last_login" in account
        assert account["email_addresses"] == [{"email": "coordinator@example.org", "verified": True, "primary": True}]
        assert account["two_factor_authentication"]["enabled"] is True
        assert [g["slug"] for g in data["coordinated_groups"]] == ["leeds-womens-circle"]
        exported = data["coordinated_groups"][0]
        assert exported["name"] == "Leeds Women's Circle"
        assert exported["status"] == "published"
        assert exported["description"] == "Tuesdays."
        assert exported["created_at"] and exported["updated_at"]

    def test_it_never_contains_a_secret(self, client, coordinator, make_group):
        make_group("Private", join_link="https://meet.example/secret-room").coordinators.add(coordinator)
        secret = activate_totp(coordinator)
        client.force_login(coordinator)
        content = client.get(reverse("accounts:data_export")).content.decode()
        coordinator.refresh_from_db()
        assert coordinator.password not in content
        assert "password" not in content
        assert secret not in content
        assert client.session.session_key not in content
        assert "secret-room" not in content


@pytest.fixture
def groups(coordinator, make_user, make_group):
    """A group the coordinator runs alone, one they share, and one already closed."""
    partner = make_user("partner@example.org")
    alone = make_group("Run alone", slug="run-alone")
    shared = make_group("Shared", slug="shared")
    closed = make_group("Closed long ago", slug="closed-long-ago", status=Group.Status.CLOSED)
    alone.coordinators.add(coordinator)
    shared.coordinators.add(coordinator, partner)
    closed.coordinators.add(coordinator)
    return {"alone": alone, "shared": shared, "closed": closed, "partner": partner}


class TestDeleteMyAccount:
    def test_the_page_says_what_will_happen_to_each_group(self, client, coordinator, groups):
        client.force_login(coordinator)
        response = client.get(reverse("accounts:delete"))
        assert response.status_code == 200
        page = response.content.decode()
        assert "This cannot be undone" in page
        closing = page[page.index("Groups that will close"):page.index("Groups that carry on")]
        assert "Run alone" in closing and "Shared" not in closing
        assert "Shared" in page[page.index("Groups that carry on"):]
        assert "Closed long ago" not in page
        assert 'type="password"' in page and 'autocomplete="current-password"' in page

    def test_a_wrong_password_deletes_nothing(self, client, coordinator, groups):
        client.force_login(coordinator)
        response = client.post(reverse("accounts:delete"), {"password": "not mine"})
        assert response.status_code == 200
        page = response.content.decode()
        assert 'id="id_password_error"' in page and 'aria-describedby="id_password_error"' in page
        assert User.objects.filter(pk=coordinator.pk).exists()
        assert Group.objects.get(slug="run-alone").status == Group.Status.PUBLISHED

    def test_the_right_password_deletes_the_account_closes_its_own_groups_and_signs_out(
        self, client, coordinator, groups
    ):
        client.force_login(coordinator)
        response = client.post(reverse("accounts:delete"), {"password": PASSWORD})
        assert response.status_code == 302
        assert response.url == reverse("groups:home")
        assert not User.objects.filter(email="coordinator@example.org").exists()
        assert "_auth_user_id" not in client.session
        assert "Your account has been deleted." in client.get(response.url).content.decode()

        alone = Group.objects.get(slug="run-alone")
        assert alone.status == Group.Status.CLOSED
        assert not alone.coordinators.exists()
        decision = ModerationDecision.objects.get(group=alone)
        assert decision.action == ModerationDecision.Action.CLOSED and decision.actor is None

        shared = Group.objects.get(slug="shared")
        assert shared.status == Group.Status.PUBLISHED
        assert list(shared.coordinators.all()) == [groups["partner"]]
        assert not ModerationDecision.objects.filter(group=shared).exists()

    def test_visitors_are_asked_to_sign_in(self, client):
        response = client.post(reverse("accounts:delete"), {"password": PASSWORD})
        assert response.status_code == 302
        assert response.url.startswith("/accounts/login/")

    def test_guessing_the_password_is_rate_limited(self, client, coordinator):
        client.force_login(coordinator)
        for _ in range(10):
            client.post(reverse("accounts:delete"), {"password": "guess"})
        response = client.post(reverse("accounts:delete"), {"password": PASSWORD})
        assert response.status_code == 429
        assert User.objects.filter(pk=coordinator.pk).exists()


class TestUserDeleteService:
    def test_two_co_coordinators_leaving_one_after_the_other_close_the_group(self, coordinator, groups):
        user_delete(user=coordinator)
        assert Group.objects.get(slug="shared").status == Group.Status.PUBLISHED
        user_delete(user=groups["partner"])
        assert Group.objects.get(slug="shared").status == Group.Status.CLOSED

    def test_it_removes_what_belongs_to_the_account(self, client, other_browser, coordinator):
        for browser in (client, other_browser):
            sign_in(browser, coordinator.email)
        activate_totp(coordinator)
        assert UserSession.objects.filter(user=coordinator).count() == 2

        user_delete(user=coordinator)
        assert not UserSession.objects.exists()
        assert not Authenticator.objects.exists()
        assert not EmailAddress.objects.exists()
        assert not User.objects.filter(pk=coordinator.pk).exists()

    def test_sessions_on_other_devices_end(self, client, other_browser, make_user):
        user = make_user("leaving@example.org")
        sign_in(other_browser, user.email)
        assert UserSession.objects.filter(user=user).count() == 1
        session_key = other_browser.session.session_key

        user_delete(user=user)
        assert not Session.objects.filter(session_key=session_key).exists()
        assert other_browser.get("/accounts/profile/").status_code == 302
