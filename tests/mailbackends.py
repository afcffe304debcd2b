"""Email backends for tests: a mail server that is down, and one that is slow (for senders racing)."""

import smtplib
import threading
import time

from django.core.mail.backends.locmem import EmailBackend as LocmemBackend


class FailingEmailBackend(LocmemBackend):
    """As if the mail server refused every message."""

    def send_messages(self, messages):
        raise smtplib.SMTPException("451 mail server unavailable (test)")


class SlowEmailBackend(LocmemBackend):
    """Takes a while per message, so two senders run at the same time; records every delivery."""

    delivered = []
    lock = threading.Lock()

    def send_messages(self, messages):
        time.sleep(0.05)
        with self.lock:
            self.delivered.extend(message.subject for message in messages)
        return len(messages)
