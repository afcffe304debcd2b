"""A survivor sends a message to a group: no account, only what the group needs, nothing lost, nothing leaked."""

import datetime
import logging
import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from accounts.models import OutgoingEmail
from groups.contact import guard
from groups.contact.guard import shown_at_stamp
from groups.models import ContactMessage

pytestmark = pytest.mark.django_db


def url(group):
    return reverse("contact:form", args=[group.slug])


def send(client, group, data, capture):
    with capture(execute=True):
        return client.post(url(group), data)


class TestTheFormPage:
    def test_it_says_who_reads_it_how_long_it_is_kept_and_that_nobody_else_sees_it(self, client, group):
        response = client.get(url(group))
        page = response.content.decode()
        assert response.status_code == 200
        before_form = page[: page.index("<form")]
        assert "Only the coordinators of Evening Circle will read this" in before_form
        assert "It is deleted 90 days after you send it, or sooner: 30 days after the group marks it answered" \
            in before_form
        assert "SupportFinder never shows it to anyone else" in before_form
        for label in ["Your name, or a name to call you", "One safe way to reply", "When is it safe to reply?",
                      "May the group leave a voicemail", "Anything you would like the group to know (optional)"]:
            assert label in page
        assert 'maxlength="1000"' in page and "Up to 1000 characters" in page

    def test_it_sets_the_csrf_cookie_the_group_page_does_not(self, client, group):
        assert not client.get(group.get_absolute_url()).cookies
        assert "csrftoken" in client.get(url(group)).cookies

    def test_the_group_page_links_to_it_only_when_the_group_takes_messages(self, client, group, make_group):
        assert url(group) in client.get(group.get_absolute_url()).content.decode()
        quiet = make_group("Quiet", slug="quiet", accepts_messages=False)
        assert "/contact/" not in client.get(quiet.get_absolute_url()).content.decode()
        assert client.get(url(quiet)).status_code == 404

    @pytest.mark.parametrize("status", ["paused", "draft", "pending", "closed"])
    def test_a_group_not_taking_people_has_no_form(self, client, make_group, status):
        group = make_group("Not now", slug="not-now", status=status, accepts_messages=True)
        assert client.get(url(group)).status_code == 404
        assert client.post(url(group), {}).status_code == 404


@pytest.mark.usefixtures("fill_time")
class TestSending:
    def test_the_message_is_stored_then_the_coordinators_are_told_only_that_one_is_waiting(
        self, client, group, coordinator, form_data, django_capture_on_commit_callbacks,
    ):
        response = send(client, group, form_data(reply_to="+44 7700 900123"), django_capture_on_commit_callbacks)
        assert response.status_code == 302
        message = ContactMessage.objects.get()
        assert (message.group, message.name, message.reply_by, message.reply_to) == (
            group, "Sam", "phone", "+44 7700 900123")
        assert message.may_identify is False and message.body == "I would like to join on a Tuesday."
        [email] = mail.outbox
        assert email.to == [coordinator.email]
        assert "A new message is waiting. Sign in to read it: http://" in email.body
        assert "/coordinate/messages/" in email.body
        for private in ["Sam", "7700", "Tuesday", "Weekdays"]:
            assert private not in email.body and private not in email.subject

    def test_the_thank_you_page_gives_the_exact_date_it_will_be_deleted(
        self, client, group, form_data, django_capture_on_commit_callbacks,
    ):
        response = send(client, group, form_data(), django_capture_on_commit_callbacks)
        page = client.get(response["Location"]).content.decode()
        deleted_on = timezone.localdate() + datetime.timedelta(days=90)
        assert f"It will be deleted on {deleted_on:%-d %B %Y}" in page
        assert "Only the coordinators of Evening Circle will read it" in page
        assert timezone.localdate(ContactMessage.objects.get().delete_after) == deleted_on

    def test_a_forged_date_in_the_thank_you_link_is_not_shown(self, client, group):
        page = client.get(reverse("contact:sent", args=[group.slug]) + "?until=2099-01-01").content.decode()
        assert "2099" not in page and "deleted on" not in page

    def test_when_mail_fails_the_message_and_the_email_both_wait(
        self, client, group, form_data, settings, django_capture_on_commit_callbacks,
    ):
        settings.EMAIL_BACKEND = "tests.mailbackends.FailingEmailBackend"
        response = send(client, group, form_data(), django_capture_on_commit_callbacks)
        assert response.status_code == 302
        assert ContactMessage.objects.count() == 1
        [waiting] = OutgoingEmail.objects.all()
        assert waiting.sent_at is None and waiting.attempts == 1 and "451" in waiting.last_error
        assert "Sam" not in waiting.body and "Tuesday" not in waiting.body

    def test_nothing_about_the_sender_is_logged_or_kept(
        self, client, group, form_data, caplog, settings, django_capture_on_commit_callbacks,
    ):
        settings.EMAIL_BACKEND = "tests.mailbackends.FailingEmailBackend"  # a warning is logged: it says nothing
        with caplog.at_level(logging.DEBUG):
            send(client, group, form_data(), django_capture_on_commit_callbacks)
        logged = caplog.text
        for private in ["Sam", "sam@example.org", "Tuesday", "127.0.0.1"]:
            assert private not in logged
        stored = " ".join(str(value) for value in ContactMessage.objects.values().get().values())
        assert "127.0.0.1" not in stored


@pytest.mark.usefixtures("fill_time")
class TestMistakes:
    @pytest.mark.parametrize("changes, problem", [
        ({"name": ""}, "Your name, or a name to call you: This field is required."),
        ({"reply_to": "sam@"}, "Enter an email address like name@example.org, or a phone number."),
        ({"reply_to": "call me"}, "Enter a phone number with its area code"),
        ({"reply_to": "12"}, "Enter a phone number with its area code"),
        ({"safe_times": ""}, "When is it safe to reply?: This field is required."),
        ({"may_identify": ""}, "Choose whether a voicemail or a named message is all right."),
        ({"message": "x" * 1001}, "Ensure this value has at most 1000 characters (it has 1001)."),
    ])
    def test_every_word_is_kept_and_the_summary_says_what_to_fix(self, client, group, form_data, changes, problem):
        data = form_data(**changes)
        response = client.post(url(group), data)
        page = response.content.decode()
        assert response.status_code == 400
        assert ContactMessage.objects.count() == 0
        assert 'id="error-summary"' in page and "autofocus" in page
        assert problem in page
        for name in ["name", "reply_to", "safe_times"]:
            if data[name]:
                assert f'value="{data[name]}"' in page
        assert "I would like to join on a Tuesday." in page or "x" * 1001 in page

    def test_nonsense_never_causes_an_error_page(self, client, group):
        for data in [{}, {"may_identify": "perhaps", "shown_at": "forged"}, {"name": "\x00" * 5}]:
            assert client.post(url(group), data).status_code == 400


class TestAbuseResistance:
    def refused_with_words_kept(self, response, status):
        page = response.content.decode()
        assert response.status_code == status
        assert 'value="Sam"' in page and "I would like to join on a Tuesday." in page
        assert ContactMessage.objects.count() == 0
        return page

    @pytest.mark.usefixtures("fill_time")
    def test_the_honeypot_refuses_calmly_and_the_form_then_works(self, client, group, form_data):
        page = self.refused_with_words_kept(client.post(url(group), form_data(website="http://spam.example")), 400)
        assert "your message was not sent" in page
        assert "spam.example" not in page
        # A person who somehow filled it sends the re-shown form (honeypot emptied, new stamp) successfully.
        stamp = re.search(r'name="shown_at" value="([^"]+)"', page).group(1)
        assert client.post(url(group), form_data(shown_at=stamp)).status_code == 302

    def test_a_form_sent_faster_than_a_person_types_is_refused(self, client, group, form_data, settings):
        settings.CONTACT_MINIMUM_FILL_SECONDS = 3
        self.refused_with_words_kept(client.post(url(group), form_data()), 400)
        older = shown_at_stamp(timezone.now().timestamp() - 4)
        assert client.post(url(group), form_data(shown_at=older)).status_code == 302

    @pytest.mark.usefixtures("fill_time")
    def test_a_missing_or_forged_stamp_counts_as_too_fast(self, client, group, form_data):
        self.refused_with_words_kept(client.post(url(group), form_data(shown_at="")), 400)
        self.refused_with_words_kept(client.post(url(group), form_data(shown_at="1700000000")), 400)

    @pytest.mark.usefixtures("fill_time")
    def test_one_address_may_send_only_so_many_an_hour(self, client, group, form_data, settings, make_group,
                                                       coordinator):
        settings.CONTACT_MESSAGES_PER_HOUR_PER_ADDRESS = 2
        for _ in range(2):
            assert client.post(url(group), form_data()).status_code == 302
        page = self.refused_with_words_kept_after(client.post(url(group), form_data()), 2)
        assert "try again in an hour" in page
        other = make_group("Other", slug="other", accepts_messages=True)
        other.coordinators.add(coordinator)
        assert client.post(url(other), form_data()).status_code == 429
        # Another address is not held back.
        assert client.post(url(group), form_data(), REMOTE_ADDR="192.0.2.7").status_code == 302

    @pytest.mark.usefixtures("fill_time")
    def test_one_group_may_receive_only_so_many_an_hour(self, client, group, form_data, settings):
        settings.CONTACT_MESSAGES_PER_HOUR_PER_GROUP = 2
        for number in range(2):
            assert client.post(url(group), form_data(), REMOTE_ADDR=f"192.0.2.{number}").status_code == 302
        self.refused_with_words_kept_after(client.post(url(group), form_data(), REMOTE_ADDR="192.0.2.9"), 2)

    def refused_with_words_kept_after(self, response, already):
        page = response.content.decode()
        assert response.status_code == 429
        assert 'value="Sam"' in page and "I would like to join on a Tuesday." in page
        assert ContactMessage.objects.count() == already
        return page

    @pytest.mark.usefixtures("fill_time")
    def test_the_address_is_counted_only_as_a_keyed_hash_in_the_cache(self, client, group, form_data):
        client.post(url(group), form_data(), REMOTE_ADDR="198.51.100.23")
        keys = list(cache._cache.keys())  # locmem: the only place the count lives
        assert keys and not any("198.51.100.23" in key for key in keys)


def test_the_safety_page_says_what_is_kept_for_how_long_and_who_reads_it(client, taxonomy, settings):
    settings.CONTACT_MESSAGE_RETENTION_DAYS, settings.CONTACT_ANSWERED_RETENTION_DAYS = 60, 14
    page = " ".join(client.get("/safety/").content.decode().split())
    assert "Sending a message through SupportFinder" in page
    assert "only the coordinators of that group" in page
    assert "it is deleted 60 days after you send it, or 14 days after the group marks it answered" in page
    assert "your IP address, your browser, or what you searched for" in page


def test_a_group_nobody_can_read_messages_for_has_no_form(client, make_group, make_user):
    """Taking messages with no active coordinator would send a survivor's words to nobody."""
    group = make_group("Unrun", slug="unrun", accepts_messages=True)
    assert "/contact/" not in client.get(group.get_absolute_url()).content.decode()
    assert client.get(reverse("contact:form", args=[group.slug])).status_code == 404
    group.coordinators.add(make_user("gone@example.org"))
    group.coordinators.update(is_active=False)
    assert client.get(reverse("contact:form", args=[group.slug])).status_code == 404
    group.coordinators.update(is_active=True)
    assert client.get(reverse("contact:form", args=[group.slug])).status_code == 200
    assert reverse("contact:form", args=[group.slug]) in client.get(group.get_absolute_url()).content.decode()


@pytest.mark.usefixtures("fill_time")
def test_a_request_without_an_address_is_still_counted_not_refused(client, group, form_data):
    assert client.post(url(group), form_data(), REMOTE_ADDR="").status_code == 302


def test_each_check_of_the_hourly_limit_counts_so_two_posts_at_once_cannot_both_slip_under(rf, settings, make_group):
    # Two requests that both check before either has sent would each see room for one more; counting as the
    # check is made (one atomic increment in the cache) lets only the first through.
    settings.CONTACT_MESSAGES_PER_HOUR_PER_ADDRESS = 1
    group = make_group("Evening Circle", slug="evening-circle")
    first, second = rf.post("/groups/evening-circle/contact/"), rf.post("/groups/evening-circle/contact/")
    assert guard.over_limit(first, group) is False
    assert guard.over_limit(second, group) is True
