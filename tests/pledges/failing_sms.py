"""SMS backends that fail, to test retries (named in HERETOSTAY["SMS_BACKEND"])."""

from heretostay_wagtail.pledges.sms.backends.locmem import SMSBackend as LocmemBackend

calls = []


class AlwaysFailing(LocmemBackend):
    def send_messages(self, messages):
        calls.extend(messages)
        raise ConnectionError("provider unreachable")


class FailsFirstTwoCalls(LocmemBackend):
    def send_messages(self, messages):
        calls.extend(messages)
        if len(calls) <= 2:
            raise ConnectionError("provider busy")
        return super().send_messages(messages)


class RefusesSilently(LocmemBackend):
    def send_messages(self, messages):
        calls.extend(messages)
        return 0
