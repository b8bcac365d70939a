"""Prints text messages to stdout: for development and the example site's demo.

Nothing is delivered: each message is printed under a banner saying so, and the system
check ``heretostay.E030`` (``check --deploy``) refuses this backend with DEBUG off (it would mark alerts sent
while writing phone numbers into the server's logs).
"""

import sys
import threading

from heretostay_wagtail.pledges.sms.backends.base import BaseSMSBackend

BANNER = "[DEVELOPMENT CONSOLE SMS BACKEND: printed here, NOT sent to any phone]"


class SMSBackend(BaseSMSBackend):
    def __init__(self, *args, stream=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.stream = stream or sys.stdout
        self._lock = threading.RLock()

    def send_messages(self, messages):
        sent = 0
        with self._lock:
            for message in messages:
                self.stream.write(f"{BANNER}\nSMS to {message.to}\n{message.body}\n{'-' * 40}\n")
                sent += 1
            self.stream.flush()
        return sent
