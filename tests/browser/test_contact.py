"""Contact this group, in a real browser: a survivor sends a message on a phone, the coordinator reads it.

The group page with its link, the form, the form with errors, the thank-you page and the inbox pass axe (WCAG 2.2
AA) and are photographed at 360 and 1280 px. Only the form's page sets a cookie (CSRF); the group page that links
to it sets none.
"""

import pytest
from django.test import Client
from playwright.sync_api import expect

from groups.contact import services
from groups.models import ContactMessage, Group
from tests.browser.support import audit

pytestmark = [pytest.mark.browser]

PASSWORD = "a-long-test-password-1"
PHONE = {"width": 360, "height": 740}


@pytest.fixture
def coordinator(transactional_db, make_user, make_group, settings):
    settings.CONTACT_MINIMUM_FILL_SECONDS = 0  # the browser types faster than a person
    user = make_user("coordinator@example.org", password=PASSWORD)
    make_group("Evening Circle", slug="evening-circle", attendance="registration", accepts_messages=True,
               summary="A weekly evening group.").coordinators.add(user)
    return user




def test_a_message_sent_on_a_phone_is_read_and_answered_by_the_coordinator(new_context, server, coordinator):
    page = new_context(bypass_csp=True, viewport=PHONE).new_page()
    page.goto(server + "/groups/evening-circle/")
    assert page.context.cookies() == []
    audit(page, "contact-group-page")
    page.get_by_role("link", name="Contact this group").click()
    page.wait_for_url("**/groups/evening-circle/contact/")
    assert [cookie["name"] for cookie in page.context.cookies()] == ["csrftoken"]
    assert page.get_by_text("Only the coordinators of Evening Circle will read this").is_visible()
    audit(page, "contact-form")

    # A mistake first: every word stays, the summary has the focus and links to the field.
    page.get_by_label("Your name, or a name to call you").fill("Sam")
    page.get_by_label("One safe way to reply").fill("sam@")
    page.get_by_label("When is it safe to reply?").fill("Weekdays 10am to 2pm")
    page.get_by_label("No: reply without saying who it is from").check()
    page.get_by_label("Anything you would like the group to know (optional)").fill("Is there space on Tuesdays?")
    assert page.get_by_text("973 characters left").is_visible()  # counted down as they type (enhance.js)
    with page.expect_navigation():
        page.get_by_role("button", name="Send message").click()
    expect(page.locator("#error-summary")).to_be_focused(timeout=2000)  # autofocus runs at the next rendering
    assert page.get_by_label("Your name, or a name to call you").input_value() == "Sam"
    assert page.get_by_label("Anything you would like the group to know (optional)").input_value() \
        == "Is there space on Tuesdays?"
    assert page.get_by_label("No: reply without saying who it is from").is_checked()
    audit(page, "contact-form-errors")
    page.locator("#error-summary a").first.click()
    assert page.evaluate("document.activeElement.name") == "reply_to"

    page.get_by_label("One safe way to reply").fill("sam@example.org")
    with page.expect_navigation():
        page.get_by_role("button", name="Send message").click()
    assert page.get_by_role("heading", name="Thank you: your message has been sent").is_visible()
    deleted_on = ContactMessage.objects.get().delete_after
    assert page.get_by_text(f"It will be deleted on {deleted_on:%-d %B %Y}").is_visible()
    audit(page, "contact-sent")

    # The coordinator signs in on their phone, reads it and marks it answered.
    page = new_context(bypass_csp=True, viewport=PHONE).new_page()
    page.goto(server + "/accounts/login/")
    page.get_by_label("Email").fill("coordinator@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_label("Password").press("Enter")
    page.get_by_role("link", name="Messages to your groups").click()
    page.wait_for_url("**/coordinate/messages/")
    message = page.get_by_role("article")
    assert "Is there space on Tuesdays?" in message.inner_text()
    assert "sam@example.org" in message.inner_text() and "Weekdays 10am to 2pm" in message.inner_text()
    assert page.get_by_role("heading", name="Not yet answered: Sam").is_visible()
    audit(page, "contact-inbox")
    with page.expect_navigation():
        page.get_by_role("button", name="Mark answered").click()
    assert page.get_by_role("heading", name="Answered: Sam").is_visible()
    assert page.get_by_text("Marked as answered. It will be deleted on").is_visible()
    assert ContactMessage.objects.get().answered_at is not None
    audit(page, "contact-inbox-answered")


def signed_in_page(new_context, server, user):
    """A page signed in as `user` (staff with two-factor authentication cannot type a code here)."""
    client = Client()
    client.force_login(user)
    context = new_context(bypass_csp=True)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": server}])
    return context.new_page()


def test_reporting_a_message_lets_staff_read_that_one(new_context, server, coordinator, make_user):
    group = Group.objects.get(slug="evening-circle")
    send = {"group": group, "reply_by": "phone", "reply_to": "07700 900123", "safe_times": "Mornings",
            "may_identify": True}
    abusive = services.message_send(name="Troll", body="Abusive words", **send)
    services.message_send(name="Sam", body="May I join?", **send)

    page = signed_in_page(new_context, server, coordinator)
    page.goto(server + "/coordinate/messages/")
    page.get_by_role("link", name="Delete the message from Sam").click()
    audit(page, "contact-delete-confirm")
    page.get_by_role("link", name="Keep it").click()
    page.get_by_role("link", name="Report as abusive the message from Troll").click()
    audit(page, "contact-report-confirm")
    page.get_by_label("What is wrong with this message?").fill("Threatening the group")
    with page.expect_navigation():
        page.get_by_role("button", name="Report to SupportFinder staff").click()
    assert page.get_by_text("SupportFinder staff can now read this message").is_visible()

    page = signed_in_page(new_context, server, make_user("staff@example.org", staff=True, mfa=True))
    page.goto(server + "/coordinate/review/messages/")
    audit(page, "contact-reported-list")
    page.get_by_role("link", name="Read the reported message").click()
    assert page.get_by_text("Abusive words").is_visible() and page.get_by_text("Threatening the group").is_visible()
    audit(page, "contact-reported-message")
    assert "May I join?" not in page.content()
    assert page.goto(server + f"/coordinate/review/messages/{abusive.pk + 1}/").status == 404
