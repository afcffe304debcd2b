"""allauth adapters: where SupportFinder differs from allauth's defaults."""

from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.mfa.adapter import DefaultMFAAdapter
from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from .outbox import is_sent, queue_message


class EmailSite:
    """What allauth's emails call `current_site`: the site's name and address from settings (SITE_NAME, SITE_URL).

    Without the Sites framework allauth names the site after the request's host ("Hello from 127.0.0.1:8830!").
    """

    name = property(lambda self: settings.SITE_NAME)
    domain = property(lambda self: urlsplit(settings.SITE_URL).netloc)


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        """Every account email goes through the outbox, so a mail server that is down loses nothing.

        Signing up or asking for a password reset then always completes; the email is tried when the
        transaction commits and, if that fails, the person is told it is on its way later and how to ask
        for a new one, while `manage.py send_outbox` keeps trying.
        """
        request = allauth_context.request
        full_context = {"request": request, "email": email, **context, "current_site": EmailSite(),
                        "site_url": settings.SITE_URL}
        queued = queue_message(self.render_mail(template_prefix, email, full_context))
        if request is not None:
            # Registered after the outbox's own delivery, so it runs once that attempt is over.
            transaction.on_commit(lambda: _tell_if_not_sent(request, queued, template_prefix))


def _tell_if_not_sent(request, queued, template_prefix):
    if is_sent(queued):
        return
    messages.warning(request, _not_sent_message(request, template_prefix))


def _not_sent_message(request, template_prefix):
    """What to say, chosen by the page asked from rather than the email's kind.

    Signing up with an address that has an account, or asking to reset a password for one that has none,
    sends a different email (so nobody learns which addresses have accounts): the page must say the same.
    """
    message = _("We could not send the email just now. It is saved and we will keep trying, so it may still arrive.")
    if request.path == reverse("account_reset_password"):
        again = format_html('<a href="{}">{}</a>', reverse("account_reset_password"), _("ask for a new link"))
    elif request.path in (reverse("account_signup"), reverse("account_login")):
        again = format_html('<a href="{}">{}</a>', reverse("account_login"), _("sign in and we will send a new link"))
    elif "email_confirmation" in template_prefix and request.user.is_authenticated:
        again = format_html('<a href="{}">{}</a>', reverse("account_email"), _("ask for a new link"))
    else:
        return message
    return format_html("{} {}", message, format_html(_("If nothing has come within an hour, {}."), again))


class MFAAdapter(DefaultMFAAdapter):
    def build_totp_svg(self, url):
        """The QR code as bare SVG, drawn inline in the page (templates/allauth/elements/img.html).

        An <img> with a data: URI would need `img-src data:` in the Content-Security-Policy; inline
        SVG needs nothing, and the XML declaration is dropped because it has no place inside HTML.
        """
        svg = super().build_totp_svg(url)
        return svg[svg.index("<svg"):]
