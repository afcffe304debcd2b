"""The one way a group's coordinators (and staff) are emailed: there is news, sign in to see it.

Every coordinator email goes through notify_coordinators, so there is one place that decides who is written
to, how, and what may be said. Bodies say only that there is news and give a link: never what a reviewer or a
survivor wrote. Emails go through the outbox (accounts.outbox): stored in the caller's transaction, so they
exist exactly when the change does, sent on commit and retried by `manage.py send_outbox` until they go.
"""

from django.conf import settings
from django.contrib.auth import get_user_model

from accounts.outbox import queue_email


def notify_coordinators(group, subject, body_template, context, *, path, exclude=None, deliver=True):
    """Queue an email to each active coordinator of `group` with an address, one each (no one sees another's).

    body_template is a translated text with %(name)s (the group's name), %(link)s (the site address plus `path`)
    and any other keys of `context`. `exclude`: a user not to write to (who made the decision). With
    deliver=False the emails wait for the caller (a daily command sends what it queued at the end).
    Returns the outbox row ids.
    """
    recipients = [
        user.email for user in group.coordinators.all()
        if user.email and user.is_active and (exclude is None or user.pk != exclude.pk)
    ]
    body = body_template % {"name": group.name, "link": site_link(path), **context}
    return [queue_email(address, str(subject), body, deliver=deliver).pk for address in recipients]


def notify_staff(subject, body_template, context, *, path, deliver=True):
    """Queue an email to every active staff member with an address; returns the outbox row ids."""
    staff = get_user_model().objects.filter(is_staff=True, is_active=True).exclude(email="")
    body = body_template % {"link": site_link(path), **context}
    return [queue_email(user.email, str(subject), body, deliver=deliver).pk for user in staff]


def site_link(path):
    return settings.SITE_URL.rstrip("/") + path
