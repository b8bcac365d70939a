"""Prints text messages to stdout: for development and the example site."""

import sys
import threading

from heretostay_wagtail.pledges.sms.backends.base import BaseSMSBackend


class SMSBackend(BaseSMSBackend):
    def __init__(self, *args, stream=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.stream = stream or sys.stdout
        self._lock = threading.RLock()

    def send_messages(self, messages):
        sent = 0
        with self._lock:
            for message in messages:
                self.stream.write(f"SMS to {message.to}\n{message.body}\n{'-' * 40}\n")
                sent += 1
            self.stream.flush()
        return sent
