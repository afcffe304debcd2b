"""The one way a group's coordinators are emailed: there is news, sign in to see it.

Every coordinator email goes through notify_coordinators, so there is one place that decides who is written
to, how, and what may be said. Bodies say only that there is news and give a link: never what a reviewer or a
survivor wrote.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction

logger = logging.getLogger(__name__)


def notify_coordinators(group, subject, body_template, context, *, path, exclude=None, at_once=False):
    """Email each active coordinator of `group` with an address, one message each (no one sees another's address).

    body_template is a translated text with %(name)s (the group's name), %(link)s (the site address plus `path`)
    and any other keys of `context`. `exclude`: a user not to write to (who made the decision).

    By default the emails go when the transaction commits, and a failed email undoes nothing: the news is on the
    coordinator's page either way. With at_once=True they go now and a failure raises, so the caller's
    transaction (a reminder marked as sent) is undone and the next run tries again.
    Returns how many emails there are to send.
    """
    recipients = [
        user.email for user in group.coordinators.all()
        if user.email and user.is_active and (exclude is None or user.pk != exclude.pk)
    ]
    if not recipients:
        return 0
    link = settings.SITE_URL.rstrip("/") + path
    body = body_template % {"name": group.name, "link": link, **context}
    messages = [EmailMessage(str(subject), body, None, [address]) for address in recipients]
    if at_once:
        get_connection().send_messages(messages)
    else:
        transaction.on_commit(lambda: _send_quietly(messages, group))
    return len(messages)


def _send_quietly(messages, group):
    try:
        get_connection().send_messages(messages)
    except Exception:
        logger.exception("Email to the coordinators of group %s failed", group.pk)
