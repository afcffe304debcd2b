"""Two-factor authentication: open to everyone, required for staff pages; the admin signs in through allauth."""

from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from .conftest import PASSWORD, activate_totp, current_code, sign_in

pytestmark = pytest.mark.django_db

MFA_SETUP = "/accounts/2fa/totp/activate/"


class TestStaffNeedAnAuthenticatorApp:
    @pytest.mark.parametrize("url", ["/admin/", "/admin/accounts/user/", "/coordinate/review/"])
    def test_staff_without_one_are_sent_to_set_it_up_before_any_staff_page(self, client, staff, url):
        client.force_login(staff)
        response = client.get(url)
        assert response.status_code == 302
        # Where they learn how to get a one-time enrolment link (tests/accounts/test_staff_enrolment.py).
        assert response.url == reverse("accounts:staff_enrolment")

    def test_they_are_told_why(self, client, staff):
        client.force_login(staff)
        response = client.get("/admin/", follow=True)
        assert "Staff pages need two-factor authentication" in response.content.decode()

    @pytest.mark.parametrize("url", ["/accounts/profile/", "/accounts/2fa/", "/accounts/email/", "/accounts/logout/",
                                     "/coordinate/", "/"])
    def test_account_pages_and_everything_else_stay_open_to_them(self, client, staff, url):
        client.force_login(staff)
        assert client.get(url).status_code == 200

    def test_they_can_still_sign_out_of_the_admin(self, client, staff):
        client.force_login(staff)
        response = client.post("/admin/logout/")
        assert response.status_code == 200
        assert "_auth_user_id" not in client.session

    @pytest.mark.parametrize("url", ["/admin/", "/coordinate/review/"])
    def test_staff_with_one_open_staff_pages(self, client, staff, url):
        activate_totp(staff)
        client.force_login(staff)
        assert client.get(url).status_code == 200

    def test_staff_set_it_up_with_an_enrolment_link_and_then_open_the_admin(self, client, staff):
        from accounts.enrolment import issue_enrolment_link

        link = issue_enrolment_link(staff).removeprefix("http://127.0.0.1:8000")
        sign_in(client, staff.email)
        assert client.get("/admin/").url == reverse("accounts:staff_enrolment")
        assert client.post(link).url == MFA_SETUP
        client.post("/accounts/reauthenticate/", {"password": PASSWORD})
        assert client.get(MFA_SETUP).status_code == 200
        client.post(MFA_SETUP, {"code": current_code(client.session["mfa.totp.secret"])})
        assert client.get("/admin/").status_code == 200

    def test_non_staff_get_no_admin(self, client, coordinator):
        client.force_login(coordinator)
        response = client.get("/admin/")
        assert response.status_code == 302
        assert response.url.startswith("/admin/login/")
        assert client.get(response.url).status_code == 403

    def test_non_staff_are_not_asked_for_an_authenticator_app(self, client, coordinator):
        client.force_login(coordinator)
        assert client.get("/admin/").url != MFA_SETUP


class TestTheAdminSignsInThroughAllauth:
    def test_the_admin_login_sends_visitors_to_the_sign_in_page(self, client):
        response = client.get("/admin/login/", {"next": "/admin/"})
        assert response.status_code == 302
        assert response.url == "/accounts/login/?next=%2Fadmin%2F"
        assert client.get(response.url).status_code == 200

    def test_the_admin_sends_visitors_to_the_sign_in_page_and_back(self, client):
        response = client.get("/admin/accounts/user/", follow=True)
        assert response.redirect_chain[-1][0] == "/accounts/login/?next=%2Fadmin%2Faccounts%2Fuser%2F"

    def test_an_outside_next_address_is_not_followed(self, client):
        response = client.get("/admin/login/", {"next": "https://elsewhere.example/"})
        # Only a path on this site is kept: back to the admin's login, which then goes to the admin.
        next_url = parse_qs(urlsplit(response.url).query)["next"][0]
        assert next_url.startswith("/admin/login/")

    def test_signed_in_staff_go_on_to_the_admin(self, client, staff):
        activate_totp(staff)
        client.force_login(staff)
        response = client.get("/admin/login/")
        assert response.status_code == 302
        assert response.url == "/admin/"

    def test_staff_with_an_authenticator_app_are_asked_for_a_code_when_signing_in(self, client, staff):
        secret = activate_totp(staff)
        response = client.post("/accounts/login/?next=/admin/", {"login": staff.email, "password": PASSWORD})
        assert response.status_code == 302
        assert response.url == reverse("mfa_authenticate")
        assert "_auth_user_id" not in client.session

        response = client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})
        assert response.status_code == 302
        assert response.url == "/admin/"
        assert client.get("/admin/").status_code == 200

    def test_a_wrong_code_does_not_sign_in(self, client, staff):
        activate_totp(staff)
        sign_in(client, staff.email)
        response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
        assert response.status_code == 200
        assert "_auth_user_id" not in client.session

    def test_the_admin_password_change_is_allauths(self, client, staff):
        activate_totp(staff)
        client.force_login(staff)
        response = client.get("/admin/password_change/")
        assert response.status_code == 302
        assert response.url == reverse("account_change_password")


def confirm_password(client):
    """allauth asks for the password again before two-factor authentication can be changed."""
    response = client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    assert response.status_code == 302


class TestEveryAccountMaySetUpTwoFactorAuthentication:
    def test_setting_it_up_asks_for_the_password_again(self, client, coordinator):
        sign_in(client, coordinator.email)
        response = client.get(MFA_SETUP)
        assert response.status_code == 302
        assert response.url.startswith("/accounts/reauthenticate/")
        page = client.get(response.url).content.decode()
        assert '<label for="id_password">' in page

    def test_the_setup_page_shows_the_qr_code_inline_without_loosening_the_csp(self, client, coordinator):
        client.force_login(coordinator)
        confirm_password(client)
        response = client.get(MFA_SETUP)
        assert response.status_code == 200
        page = response.content.decode()
        assert '<div class="qr-code" role="img"' in page and "<svg" in page
        assert "data:image" not in page and "<?xml" not in page
        assert "data:" not in response.headers["Content-Security-Policy"]
        assert 'id="authenticator_secret"' in page

    def test_a_coordinator_activates_an_authenticator_app_and_gets_recovery_codes(self, client, coordinator):
        client.force_login(coordinator)
        confirm_password(client)
        client.get(MFA_SETUP)
        secret = client.session["mfa.totp.secret"]
        response = client.post(MFA_SETUP, {"code": current_code(secret)})
        assert response.status_code == 302
        assert response.url == reverse("mfa_view_recovery_codes")
        types = set(Authenticator.objects.filter(user=coordinator).values_list("type", flat=True))
        assert types == {Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES}
        page = client.get(response.url).content.decode()
        assert 'id="recovery_codes"' in page and "readonly" in page

    def test_a_wrong_code_shows_an_error_beside_the_field(self, client, coordinator):
        client.force_login(coordinator)
        confirm_password(client)
        client.get(MFA_SETUP)
        page = client.post(MFA_SETUP, {"code": "123"}).content.decode()
        assert 'id="id_code_error"' in page
        assert 'aria-describedby="id_code_error"' in page
        assert not Authenticator.objects.filter(user=coordinator).exists()

    def test_the_overview_offers_only_an_app_and_recovery_codes(self, client, coordinator):
        client.force_login(coordinator)
        page = client.get("/accounts/2fa/").content.decode()
        assert "Authenticator app" in page and "Recovery codes" in page
        assert "Security Keys" not in page


class TestSessions:
    def test_the_sessions_page_lists_each_sign_in_with_its_address_and_browser(self, client, coordinator):
        client.post("/accounts/login/", {"login": coordinator.email, "password": PASSWORD},
                    HTTP_USER_AGENT="Firefox on a laptop", REMOTE_ADDR="192.0.2.7")
        page = client.get("/accounts/sessions/").content.decode()
        assert "Where you are signed in" in page
        assert "This browser" in page and "192.0.2.7" in page and "Firefox on a laptop" in page
        assert "Sign out everywhere else" not in page  # only one session

    def test_a_user_ends_their_other_sessions(self, client, other_browser, coordinator):
        sign_in(other_browser, coordinator.email)
        sign_in(client, coordinator.email)
        assert other_browser.get("/accounts/profile/").status_code == 200

        response = client.post("/accounts/sessions/")
        assert response.status_code == 302
        assert client.get("/accounts/profile/").status_code == 200
        assert other_browser.get("/accounts/profile/").status_code == 302  # back to signing in

    def test_browsing_anonymously_still_sets_no_cookie(self, client, make_group):
        make_group("Quiet", slug="quiet")
        for url in ["/", "/groups/", "/groups/quiet/", "/safety/"]:
            response = client.get(url)
            assert response.status_code == 200
            assert not response.cookies, url

