"""Keeps text messages in ``heretostay_wagtail.pledges.sms.outbox``: for tests."""

import itertools

from heretostay_wagtail.pledges.sms.backends.base import BaseSMSBackend

_ids = itertools.count(1)


class SMSBackend(BaseSMSBackend):
    def send_messages(self, messages):
        from heretostay_wagtail.pledges.sms import outbox

        for message in messages:
            message.provider_id = message.provider_id or f"locmem-{next(_ids)}"
        outbox.extend(messages)
        return len(messages)

    def lookup(self, message):
        from heretostay_wagtail.pledges.sms import outbox

        if not message.idempotency_key:
            return super().lookup(message)
        for sent in outbox:
            if sent.idempotency_key == message.idempotency_key and sent.to == message.to:
                return sent.provider_id
        return None
