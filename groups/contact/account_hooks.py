"""What deleting an account or downloading its data does to the messages sent to its groups.

Connected in groups.apps.GroupsConfig.ready beside groups.coordination.account_hooks. Messages of a group the
account coordinates alone are deleted with it (nobody else may read them, and the group closes); messages of a
group with other coordinators stay with them. The download holds every message to the account's groups, since
the coordinator may read them all.
"""

from django.dispatch import receiver

from accounts.hooks import account_deleting, data_export
from groups.contact.selectors import messages_for_download
from groups.contact.services import messages_of_sole_coordinator_delete


@receiver(account_deleting, dispatch_uid="groups.contact.account_deleting")
def delete_messages_nobody_else_may_read(sender, *, user, **kwargs):
    return messages_of_sole_coordinator_delete(user=user)


@receiver(data_export, dispatch_uid="groups.contact.data_export")
def messages_export(sender, *, user, **kwargs):
    return {
        "contact_messages": [
            {
                "group": message.group.slug,
                "sent_at": message.created_at,
                "name": message.name,
                "reply_by": message.reply_by,
                "reply_to": message.reply_to,
                "safe_times": message.safe_times,
                "voicemail_or_named_message_ok": message.may_identify,
                "message": message.body,
                "answered_at": message.answered_at,
                "reported_at": message.reported_at,
                "delete_after": message.delete_after,
            }
            for message in messages_for_download(user)
        ],
    }
