"""Keeps text messages in ``heretostay_wagtail.sms.outbox``: for tests."""

from .base import BaseSMSBackend


class SMSBackend(BaseSMSBackend):
    def send_messages(self, messages):
        from .. import outbox

        outbox.extend(messages)
        return len(messages)
