"""Signing up, in and out by email; verification, password reset, email change, rate limits, cookies."""

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from accounts.models import User

from .conftest import PASSWORD, link_in_last_email, sign_in

# Emails go out when the transaction commits (accounts.outbox), as in production.
pytestmark = pytest.mark.django_db(transaction=True)


class TestSignUpAndSignIn:
    def test_a_visitor_signs_up_with_an_email_address_and_a_password_and_no_username(self, client):
        response = client.post(
            "/accounts/signup/", {"email": "new@example.org", "password1": PASSWORD, "password2": PASSWORD}
        )
        assert response.status_code == 302
        assert response.url == reverse("account_email_verification_sent")
        user = User.objects.get(email="new@example.org")
        assert user.username is None and User.USERNAME_FIELD == "email"
        assert not EmailAddress.objects.get(user=user).verified

    def test_the_verification_email_carries_the_subject_prefix_and_a_link(self, client):
        client.post("/accounts/signup/", {"email": "new@example.org", "password1": PASSWORD, "password2": PASSWORD})
        assert len(mail.outbox) == 1
        assert mail.outbox[0].subject.startswith("SupportFinder: ")
        assert mail.outbox[0].to == ["new@example.org"]
        assert link_in_last_email("/accounts/confirm-email/")

    def test_nobody_signs_in_before_verifying_their_email_address(self, client, make_user):
        make_user("unverified@example.org", verified=False)
        response = sign_in(client, "unverified@example.org")
        assert response.status_code == 302
        assert response.url == reverse("account_email_verification_sent")
        assert "_auth_user_id" not in client.session

    def test_following_the_link_verifies_the_address_and_then_signing_in_works(self, client):
        client.post("/accounts/signup/", {"email": "new@example.org", "password1": PASSWORD, "password2": PASSWORD})
        confirm_path = link_in_last_email("/accounts/confirm-email/")
        assert client.get(confirm_path).status_code == 200  # a page with a button: a GET changes nothing
        client.post(confirm_path)
        assert EmailAddress.objects.get(email="new@example.org").verified

        response = sign_in(client, "new@example.org")
        assert response.status_code == 302
        assert response.url == "/coordinate/"
        assert client.session["_auth_user_id"] == str(User.objects.get(email="new@example.org").pk)

    def test_a_wrong_password_is_refused_with_an_error_above_the_form(self, client, coordinator):
        response = sign_in(client, coordinator.email, "not the password")
        assert response.status_code == 200
        page = response.content.decode()
        assert 'class="error-summary" role="alert"' in page
        assert "_auth_user_id" not in client.session

    def test_signing_out_asks_for_confirmation_and_then_signs_out(self, client, coordinator):
        client.force_login(coordinator)
        assert client.get("/accounts/logout/").status_code == 200
        response = client.post("/accounts/logout/")
        assert response.status_code == 302
        assert "_auth_user_id" not in client.session


class TestRateLimits:
    def test_five_failed_attempts_for_one_address_stop_even_the_right_password_for_a_while(self, client, coordinator):
        for _ in range(5):
            response = sign_in(client, coordinator.email, "wrong guess")
            assert "Too many failed login attempts" not in response.content.decode()
        response = sign_in(client, coordinator.email, PASSWORD)
        assert response.status_code == 200
        assert "Too many failed login attempts" in response.content.decode()
        assert "_auth_user_id" not in client.session

    def test_many_attempts_from_one_address_get_a_429_page_that_keeps_the_quick_exit(self, client, settings):
        for number in range(30):
            sign_in(client, f"someone{number}@example.org", "guess")
        response = sign_in(client, "someone-else@example.org", "guess")
        assert response.status_code == 429
        page = response.content.decode()
        assert "Too many attempts" in page
        assert page.count(f'href="{settings.QUICK_EXIT_URL}"') == 2

    def test_the_limits_live_in_the_cache_so_clearing_it_lifts_them(self, client, coordinator):
        from django.core.cache import cache

        for _ in range(6):
            sign_in(client, coordinator.email, "wrong guess")
        cache.clear()
        assert sign_in(client, coordinator.email, PASSWORD).status_code == 302


class TestPasswordReset:
    def test_a_reset_link_lets_the_account_holder_choose_a_new_password(self, client, coordinator):
        response = client.post("/accounts/password/reset/", {"email": coordinator.email})
        assert response.status_code == 302
        assert mail.outbox[-1].subject.startswith("SupportFinder: ")
        reset_path = link_in_last_email("/accounts/password/reset/key/")

        # allauth moves the key from the address into the session, then shows the form.
        form_page = client.get(reset_path, follow=True)
        assert form_page.status_code == 200
        form_path = form_page.redirect_chain[-1][0]
        assert "set-password" in form_path
        new_password = "another long passphrase 77"
        response = client.post(form_path, {"password1": new_password, "password2": new_password})
        assert response.status_code == 302
        coordinator.refresh_from_db()
        assert coordinator.check_password(new_password)

    def test_asking_for_an_unknown_address_looks_the_same_as_for_a_known_one(self, client, coordinator):
        known = client.post("/accounts/password/reset/", {"email": coordinator.email})
        unknown = client.post("/accounts/password/reset/", {"email": "nobody@example.org"})
        assert known.status_code == unknown.status_code == 302
        assert known.url == unknown.url


class TestChangeOfEmail:
    def test_a_new_address_replaces_the_old_one_only_once_it_is_verified(self, client, coordinator):
        client.force_login(coordinator)
        response = client.post("/accounts/email/", {"action_add": "", "email": "moved@example.org"})
        assert response.status_code == 302
        coordinator.refresh_from_db()
        assert coordinator.email == "coordinator@example.org"
        assert mail.outbox[-1].to == ["moved@example.org"]

        page = client.get("/accounts/email/").content.decode()
        assert "moved@example.org" in page and "Changing to" in page
        assert " style=" not in page  # allauth's hidden form uses the hidden attribute here

        client.post(link_in_last_email("/accounts/confirm-email/"))
        coordinator.refresh_from_db()
        assert coordinator.email == "moved@example.org"
        assert list(EmailAddress.objects.filter(user=coordinator).values_list("email", "verified", "primary")) == [
            ("moved@example.org", True, True)
        ]

    def test_the_old_address_is_told_about_the_change(self, client, coordinator):
        client.force_login(coordinator)
        client.post("/accounts/email/", {"action_add": "", "email": "moved@example.org"})
        client.post(link_in_last_email("/accounts/confirm-email/"))
        assert any(message.to == ["coordinator@example.org"] for message in mail.outbox)

    def test_an_invalid_address_shows_an_error_beside_the_field(self, client, coordinator):
        client.force_login(coordinator)
        page = client.post("/accounts/email/", {"action_add": "", "email": "not-an-address"}).content.decode()
        assert 'id="id_email_error"' in page
        assert 'aria-describedby="id_email_error"' in page
        assert 'aria-invalid="true"' in page


class TestAccountPagesLookLikeTheSite:
    @pytest.mark.parametrize("url", ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"])
    def test_entrance_pages_keep_the_quick_exit_and_carry_no_inline_code(self, client, url, settings):
        response = client.get(url)
        assert response.status_code == 200
        page = response.content.decode()
        assert page.count(f'href="{settings.QUICK_EXIT_URL}"') == 2
        assert "Skip to main content" in page
        assert "<script>" not in page and " style=" not in page and "data-allauth-onload" not in page
        assert '<meta name="robots" content="noindex, nofollow">' in page
        assert 'href="/static/css/accounts.css"' in page
        assert 'class="button"' in page

    def test_the_login_form_puts_labels_above_inputs_and_links_hints(self, client):
        page = client.get("/accounts/login/").content.decode()
        assert '<label for="id_login">' in page
        assert '<label for="id_password">' in page
        # allauth's "Forgot your password?" link is the password's hint, read out with the field.
        assert 'id="id_password_helptext"' in page
        assert 'aria-describedby="id_password_helptext"' in page

    def test_empty_fields_get_their_errors_beside_them(self, client):
        page = client.post("/accounts/login/", {"login": "", "password": ""}).content.decode()
        assert 'id="id_login_error"' in page
        assert 'aria-describedby="id_login_error"' in page
        assert page.index('id="id_login_error"') < page.index('id="id_login"')

    @pytest.mark.parametrize(
        "url", ["/accounts/email/", "/accounts/password/change/", "/accounts/2fa/", "/accounts/sessions/",
                "/accounts/profile/", "/accounts/delete/", "/accounts/logout/"],
    )
    def test_signed_in_pages_keep_the_quick_exit_and_lead_back_to_the_account(self, client, coordinator, url, settings):
        client.force_login(coordinator)
        response = client.get(url)
        assert response.status_code == 200
        page = response.content.decode()
        assert page.count(f'href="{settings.QUICK_EXIT_URL}"') == 2
        assert "<script>" not in page and " style=" not in page and "data-allauth-onload" not in page
        if url != "/accounts/profile/":
            assert '<p class="breadcrumbs"><a href="/accounts/profile/">Your account</a></p>' in page


class TestCookies:
    def test_the_sign_in_form_sets_a_csrf_cookie_because_it_is_a_form(self, client):
        response = client.get("/accounts/login/")
        assert "csrftoken" in response.cookies
        assert "sessionid" not in response.cookies

    def test_the_home_page_sets_no_cookie(self, client, make_group):
        response = client.get("/")
        assert response.status_code == 200
        assert not response.cookies

    def test_signing_in_sets_the_session_cookie(self, client, coordinator):
        response = sign_in(client, coordinator.email)
        assert "sessionid" in response.cookies
