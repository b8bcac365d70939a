"""Start and stop the example site for the browser tests and the screenshots.

A fresh temporary SQLite database is migrated and loaded with the demo content
(``manage.py load_demo``), then ``manage.py runserver --noreload`` serves it on a free
port of 127.0.0.1. The server's output goes to a log file: the demo sends email with
Django's console backend, so the emails the tests need (confirmation links, pledge
manage links) are read back from that log.
"""

import email
import email.policy
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parents[2]
PYTHON = os.environ.get("BROWSER_TESTS_PYTHON") or sys.executable
#: The console email backend writes this line (79 dashes) after each message.
EMAIL_SEPARATOR = "-" * 79
#: The console SMS backend (``pledges/sms/backends/console.py``) prints each text message
#: under this banner, then ``SMS to <number>``, the body, and a line of 40 dashes.
SMS_BANNER = "[DEVELOPMENT CONSOLE SMS BACKEND: printed here, NOT sent to any phone]"
SMS_SEPARATOR = "-" * 40


class Text(NamedTuple):
    """A text message printed by the console SMS backend."""

    to: str
    body: str


def _digits(number):
    """A phone number as ``+`` and digits (``+1 312 555-0142`` -> ``+13125550142``)."""
    return re.sub(r"[^\d+]", "", number)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class DemoServer:
    """The demo site on ``http://127.0.0.1:<port>``, with its admin login and mailbox."""

    def __init__(self, *, double_opt_in=True):
        self.double_opt_in = double_opt_in
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.workdir = Path(tempfile.mkdtemp(prefix="hts-browser-"))
        self.db_path = self.workdir / "demo.sqlite3"
        self.log_path = self.workdir / "server.log"
        self.username = "admin"
        self.password = "browser-" + secrets.token_urlsafe(12)
        self.process = None
        self.worker = None
        self._log = None

    @property
    def env(self):
        env = dict(os.environ)
        # The test project's settings (pyproject) must not leak into the example site.
        env.pop("DJANGO_SETTINGS_MODULE", None)
        env.update(
            DATABASE_URL=f"sqlite:///{self.db_path}",
            DEMO_ADMIN_PASSWORD=self.password,
            HERETOSTAY_DOUBLE_OPT_IN="1" if self.double_opt_in else "0",
            EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend",
            WAGTAILADMIN_BASE_URL=self.base_url,
            DJANGO_DEBUG="1",
            PORT=str(self.port),
            PYTHONUNBUFFERED="1",
            PYTHONIOENCODING="utf-8",
        )
        return env

    def manage(self, *args, timeout=600):
        result = subprocess.run(
            [PYTHON, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if result.returncode != 0:
            raise RuntimeError(
                f"manage.py {' '.join(args)} failed ({result.returncode}):\n"
                f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
            )
        return result.stdout

    def start(self):
        self.manage("migrate", "--noinput")
        out = self.manage("load_demo", "--port", str(self.port))
        match = re.search(r"Login:\s+(\S+)\s*/\s*(\S+)", out)
        if not match:
            raise RuntimeError(f"load_demo printed no admin login:\n{out}")
        self.username, self.password = match.groups()
        self._log = open(self.log_path, "w", encoding="utf-8")  # noqa: SIM115
        # As `make demo` does: the task worker sends the emails (printed to the same log).
        self.worker = subprocess.Popen(
            [PYTHON, "manage.py", "db_worker", "--interval", "0.2", "--no-startup-delay"],
            cwd=ROOT,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        self.process = subprocess.Popen(
            [PYTHON, "manage.py", "runserver", f"127.0.0.1:{self.port}", "--noreload"],
            cwd=ROOT,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"runserver exited early:\n{self.log()[-3000:]}")
            try:
                with urllib.request.urlopen(self.base_url + "/en/", timeout=5) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"runserver did not answer in 60s:\n{self.log()[-3000:]}")
            time.sleep(0.3)
        return self

    def stop(self):
        for process in (self.process, self.worker):
            if process and process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        if self._log:
            self._log.close()
            self._log = None

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.cleanup()

    def url(self, path):
        return self.base_url + path

    def log(self):
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return ""

    # Email, as printed by the console backend.

    def emails(self):
        """Every email sent so far, as ``email.message.EmailMessage`` objects."""
        messages = []
        for chunk in self.log().split(EMAIL_SEPARATOR):
            start = chunk.find("Content-Type:")
            if start == -1 or "\nSubject:" not in chunk:
                continue
            # Skip runserver's request lines printed before the message.
            text = chunk[chunk.rfind("\n", 0, start) + 1 :]
            messages.append(email.message_from_string(text, policy=email.policy.default))
        return messages

    def emails_to(self, address):
        return [m for m in self.emails() if address in str(m.get("To", ""))]

    def wait_for_email(self, address, *, count=1, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.emails_to(address)
            if len(found) >= count:
                return found[count - 1]
            time.sleep(0.2)
        raise AssertionError(f"no email #{count} to {address} within {timeout}s")

    @staticmethod
    def body_text(message):
        part = message.get_body(preferencelist=("plain", "html"))
        return part.get_content() if part is not None else message.get_content()

    def links_in(self, message):
        """Links of this site in an email, as paths (the demo site's hostname is localhost)."""
        paths = []
        for url in re.findall(r"https?://[^\s<>\"']+", self.body_text(message)):
            match = re.match(r"https?://(?:localhost|127\.0\.0\.1)(?::\d+)?(/.*)", url)
            if match:
                paths.append(match.group(1))
        return paths

    # Text messages, as printed by the console SMS backend (the task worker sends them).

    def texts(self):
        """Every text message printed so far, oldest first, as ``Text(to, body)``."""
        messages = []
        for chunk in self.log().split(SMS_BANNER)[1:]:
            header, _, rest = chunk.lstrip("\n").partition("\n")
            body, separator, _ = ("\n" + rest).partition(f"\n{SMS_SEPARATOR}\n")
            if not header.startswith("SMS to ") or not separator:
                continue  # not a message, or one still being written
            messages.append(Text(to=header.removeprefix("SMS to ").strip(), body=body[1:]))
        return messages

    def texts_to(self, number, *, containing=None):
        """The text messages sent to ``number`` (any spacing), optionally only those whose
        body contains ``containing``."""
        wanted = _digits(number)
        return [
            t
            for t in self.texts()
            if _digits(t.to) == wanted and (containing is None or containing in t.body)
        ]

    def wait_for_text(self, number, count=1, timeout=30, *, containing=None):
        """The ``count``-th text message to ``number`` (optionally containing a marker),
        once it is printed; an AssertionError after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.texts_to(number, containing=containing)
            if len(found) >= count:
                return found[count - 1]
            time.sleep(0.2)
        what = f" containing {containing!r}" if containing else ""
        raise AssertionError(f"no text message #{count} to {number}{what} within {timeout}s")

    # Users.

    def create_user(self, username, password, *, groups=(), permissions=()):
        """A staff user who can log in to the admin with ``password``, in the named
        ``groups`` (created when missing) and with ``permissions`` given as
        ``"app_label.codename"`` (e.g. ``"wagtailadmin.access_admin"``)."""
        spec = json.dumps(
            {
                "username": username,
                "password": password,
                "groups": list(groups),
                "permissions": list(permissions),
            }
        )
        code = f"""
import json
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
spec = json.loads({spec!r})
user, _ = get_user_model().objects.get_or_create(
    username=spec["username"], defaults={{"email": spec["username"] + "@example.org"}}
)
user.is_staff = True
user.set_password(spec["password"])
user.save()
for name in spec["groups"]:
    user.groups.add(Group.objects.get_or_create(name=name)[0])
for name in spec["permissions"]:
    app_label, codename = name.split(".", 1)
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label=app_label, codename=codename)
    )
print("created", user.pk)
"""
        out = self.manage("shell", "-c", code, timeout=120)
        if "created" not in out:
            raise RuntimeError(f"create_user({username!r}) printed: {out}")
        return username


if __name__ == "__main__":  # a quick manual check: python tests/browser/demo_server.py
    import signal

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with DemoServer() as server:
        print(server.base_url, server.username, server.password, flush=True)
        try:
            while True:
                time.sleep(3600)
        except (KeyboardInterrupt, SystemExit):
            pass
