"""An email backend that always fails, for benchmarks/attack.py's fault run (the SMTP
server refusing every connection)."""

from django.core.mail.backends.base import BaseEmailBackend


class FailingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError("benchmarks/attack.py: the email backend is down")
