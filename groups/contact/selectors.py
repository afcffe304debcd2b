"""Reads of contact messages: a coordinator's inbox, one message, and what staff may see.

A coordinator reads only the messages of the groups they coordinate; anyone else gets a 404, never a hint that
the message exists. Staff read a message only once a coordinator has reported it as abusive.
"""

from itertools import groupby

from django.http import Http404

from groups.contact.models import ContactMessage
from groups.core.permissions import coordinated_groups


def inbox(user):
    """[(group, [messages])] for every group the user coordinates that takes or has messages.

    Per group, unanswered first and newest first. Two queries, however many groups and messages.
    """
    messages = list(ContactMessage.objects.for_coordinator(user).for_inbox())
    by_group = {group_id: list(rows) for group_id, rows in groupby(messages, key=lambda message: message.group_id)}
    groups = coordinated_groups(user).order_by("name", "pk")
    return [(group, by_group.get(group.pk, [])) for group in groups if group.accepts_messages or group.pk in by_group]


def own_message_or_404(user, pk):
    try:
        return ContactMessage.objects.for_coordinator(user).select_related("group").get(pk=pk)
    except ContactMessage.DoesNotExist:
        raise Http404 from None


def reported_message_or_404(pk):
    """A message staff may read: only one a coordinator reported as abusive."""
    try:
        return ContactMessage.objects.reported().select_related("group", "reported_by").get(pk=pk)
    except ContactMessage.DoesNotExist:
        raise Http404 from None


def reported_messages():
    return ContactMessage.objects.reported().select_related("group").order_by("reported_at", "pk")


def messages_for_download(user):
    """The messages to the user's groups, for their data download (accounts.hooks.data_export)."""
    return ContactMessage.objects.for_coordinator(user).select_related("group").order_by("group__name", "created_at")
