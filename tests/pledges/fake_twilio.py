"""A local fake of the parts of Twilio's REST API the Twilio SMS backend uses.

A stdlib HTTP server in a thread: ``POST /2010-04-01/Accounts/{sid}/Messages.json``
(create) and ``GET`` of the same path (list, ``To`` filter, newest first), both behind
HTTP basic auth with the account SID and auth token, answering in Twilio's JSON shapes,
errors included (``{"code": 21211, "message": ..., "more_info": ..., "status": 400}``).
It records what it was sent, and can be told to fail the next requests.

    from .fake_twilio import fake_twilio_fixture, twilio_settings_fixture  # noqa: F401

    def test_something(fake_twilio, twilio_settings):
        ...
        assert fake_twilio.messages[0]["To"] == "+13125550101"
"""

import base64
import json
import re
import threading
import uuid
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

ACCOUNT_SID = "AC" + "0" * 32
AUTH_TOKEN = "fake-twilio-auth-token"
MESSAGING_SERVICE_SID = "MG" + "1" * 32
FROM_NUMBER = "+15005550006"

MESSAGES_PATH = re.compile(r"^/2010-04-01/Accounts/(?P<sid>AC[0-9a-f]{32})/Messages\.json$")


class FakeTwilio:
    def __init__(self, account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN):
        self.account_sid = account_sid
        self.auth_token = auth_token
        #: Messages created, oldest first: Twilio's fields (sid, to, from, body, ...) plus
        #: the raw form posted under "form".
        self.messages = []
        #: Every request: (method, path, query dict, authorized).
        self.requests = []
        self._failures = []
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )

    # -- control -------------------------------------------------------------------

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        """Stop answering (connections are then refused); safe to call twice."""
        if self._thread.is_alive():
            self.server.shutdown()
            self.server.server_close()

    def fail_next(self, count=1, status=500, code=None, message="Internal error"):
        """Answer the next ``count`` requests with ``status`` and Twilio error ``code``
        (None: a bare 5xx with an HTML body, as a load balancer would)."""
        with self._lock:
            self._failures.extend([(status, code, message)] * count)

    def add_message(self, to, body, *, minutes_ago=0, direction="outbound-api"):
        """A message Twilio already has (sent before the test), for ``lookup``."""
        from datetime import timedelta

        created = datetime.now(UTC) - timedelta(minutes=minutes_ago)
        record = self._record({"To": to, "Body": body}, created)
        record["direction"] = direction
        with self._lock:
            self.messages.append(record)
        return record

    # -- Twilio's shapes -------------------------------------------------------------

    def _record(self, form, created=None):
        created = created or datetime.now(UTC)
        sid = "SM" + uuid.uuid4().hex
        return {
            "sid": sid,
            "account_sid": self.account_sid,
            "to": form.get("To"),
            "from": form.get("From"),
            "messaging_service_sid": form.get("MessagingServiceSid"),
            "body": form.get("Body"),
            "status": "accepted" if form.get("MessagingServiceSid") else "queued",
            "direction": "outbound-api",
            "num_segments": "1",
            "date_created": format_datetime(created),
            "date_updated": format_datetime(created),
            "date_sent": None,
            "error_code": None,
            "error_message": None,
            "api_version": "2010-04-01",
            "uri": f"/2010-04-01/Accounts/{self.account_sid}/Messages/{sid}.json",
            "form": form,
        }

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _send(self, status, payload=None, raw=None):
                body = raw if raw is not None else json.dumps(payload).encode()
                self.send_response(status)
                content_type = "text/html" if raw is not None else "application/json"
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _error(self, status, code, message):
                self._send(
                    status,
                    {
                        "code": code,
                        "message": message,
                        "more_info": f"https://www.twilio.com/docs/errors/{code}",
                        "status": status,
                    },
                )

            def _authorized(self):
                header = self.headers.get("Authorization", "")
                expected = base64.b64encode(
                    f"{fake.account_sid}:{fake.auth_token}".encode()
                ).decode()
                return header == f"Basic {expected}"

            def _begin(self, method):
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                authorized = self._authorized()
                with fake._lock:
                    fake.requests.append((method, parts.path, query, authorized))
                    failure = fake._failures.pop(0) if fake._failures else None
                match = MESSAGES_PATH.match(parts.path)
                if failure:
                    status, code, message = failure
                    if code is None:
                        self._send(status, raw=b"<html><body>Bad gateway</body></html>")
                    else:
                        self._error(status, code, message)
                    return None
                if not match:
                    self._error(404, 20404, "The requested resource was not found")
                    return None
                if not authorized or match["sid"] != fake.account_sid:
                    self._error(401, 20003, "Authenticate")
                    return None
                return query

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode()
                if self._begin("POST") is None:
                    return
                form = {k: v[0] for k, v in parse_qs(raw, keep_blank_values=True).items()}
                if not form.get("To"):
                    return self._error(400, 21604, "A 'To' phone number is required.")
                if not form.get("Body"):
                    return self._error(400, 21602, "Message body is required.")
                if not (form.get("From") or form.get("MessagingServiceSid")):
                    return self._error(400, 21603, "A 'From' phone number is required.")
                if not re.fullmatch(r"\+[1-9]\d{6,14}", form["To"]):
                    return self._error(
                        400, 21211, f"The 'To' number {form['To']} is not a valid phone number."
                    )
                record = fake._record(form)
                with fake._lock:
                    fake.messages.append(record)
                self._send(201, {k: v for k, v in record.items() if k != "form"})

            def do_GET(self):
                query = self._begin("GET")
                if query is None:
                    return
                with fake._lock:
                    found = [m for m in reversed(fake.messages) if m["to"] == query.get("To")]
                size = int(query.get("PageSize") or 50)
                page = [{k: v for k, v in m.items() if k != "form"} for m in found[:size]]
                uri = urlsplit(self.path).path
                self._send(
                    200,
                    {
                        "messages": page,
                        "page": 0,
                        "page_size": size,
                        "start": 0,
                        "end": max(len(page) - 1, 0),
                        "uri": uri,
                        "first_page_uri": uri,
                        "next_page_uri": None,
                        "previous_page_uri": None,
                    },
                )

        return Handler


@pytest.fixture(name="fake_twilio")
def fake_twilio_fixture():
    fake = FakeTwilio().start()
    yield fake
    fake.stop()


@pytest.fixture(name="twilio_settings")
def twilio_settings_fixture(settings, fake_twilio):
    """The Twilio backend, pointed at the fake (a Messaging Service as the sender)."""
    settings.HERETOSTAY = {
        **settings.HERETOSTAY,
        "SMS_BACKEND": "heretostay_wagtail.pledges.sms.backends.twilio.SMSBackend",
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "TWILIO_MESSAGING_SERVICE_SID": MESSAGING_SERVICE_SID,
        "TWILIO_API_URL": fake_twilio.url,
    }
    return settings.HERETOSTAY
