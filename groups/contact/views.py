"""The public "Contact this group" page and its thank-you page.

The form lives on its own page so that only this page (and its POST) sets the CSRF cookie: the group page
links here and stays cookie-free like every browsing page. A refusal of any kind (a mistake in the form, the
honeypot, too fast, too many messages) shows the form again with every word the visitor typed, a calm message
and a 4xx status; never a 500. Nothing about the sender is logged.
"""

import datetime

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from groups.contact import guard, services
from groups.contact.forms import ContactForm
from groups.directory.selectors import published_group_or_404

SENT_SALT = "groups.contact.sent"
TOO_FAST = gettext_lazy("Sorry, your message was not sent. Please check it and press “Send message” again.")
TOO_MANY = gettext_lazy(
    "Sorry, your message could not be sent just now: a lot of messages have come from this connection or to this "
    "group in the last hour. Your words are still here: please try again in an hour, or use one of the group's "
    "other contact routes if it has them."
)


def _group_taking_messages(slug):
    group = published_group_or_404(slug)
    if not group.takes_messages:
        raise Http404(_("This group is not taking messages through SupportFinder."))
    return group


def _page(request, group, form, status=200):
    return render(request, "contact/contact_form.html", {
        "group": group, "form": form, "retention_days": settings.CONTACT_MESSAGE_RETENTION_DAYS,
        "answered_days": settings.CONTACT_ANSWERED_RETENTION_DAYS,
    }, status=status)


def _refuse(request, group, form, message, status):
    """Show the form again with the visitor's words, a fresh stamp, an empty honeypot and a calm message."""
    data = request.POST.copy()
    data["shown_at"], data["website"] = guard.shown_at_stamp(), ""
    again = ContactForm(data)
    again.is_valid()
    again.add_error(None, str(message))
    return _page(request, group, again, status)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def contact_form(request, slug):
    group = _group_taking_messages(slug)
    if request.method != "POST":
        return _page(request, group, ContactForm(initial={"shown_at": guard.shown_at_stamp()}))
    form = ContactForm(request.POST)
    if not form.is_valid():
        return _page(request, group, form, status=400)
    if form.cleaned_data["website"] or guard.filled_too_fast(form.cleaned_data["shown_at"]):
        return _refuse(request, group, form, TOO_FAST, 400)
    if guard.over_limit(request, group):
        return _refuse(request, group, form, TOO_MANY, 429)
    try:
        message = services.message_send(group=group, **form.message_fields())
    except ValidationError as error:
        return _refuse(request, group, form, " ".join(error.messages), 400)
    until = signing.dumps(timezone.localdate(message.delete_after).isoformat(), salt=SENT_SALT)
    return redirect(reverse("contact:sent", args=[group.slug]) + "?" + urlencode({"until": until}))


@never_cache
@require_safe
def contact_sent(request, slug):
    """Thank you: who will read the message and the date it will be deleted (carried, signed, in the link)."""
    group = published_group_or_404(slug)
    try:
        until = datetime.date.fromisoformat(signing.loads(request.GET.get("until", ""), salt=SENT_SALT))
    except (signing.BadSignature, TypeError, ValueError):
        until = None
    return render(request, "contact/contact_sent.html", {
        "group": group, "until": until, "answered_days": settings.CONTACT_ANSWERED_RETENTION_DAYS,
    })
