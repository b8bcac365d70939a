"""Start and stop the example site for the browser tests and the screenshots.

A fresh temporary SQLite database is migrated and loaded with the demo content
(``manage.py load_demo``), then ``manage.py runserver --noreload`` serves it on a free
port of 127.0.0.1. The server's output goes to a log file: the demo sends email with
Django's console backend, so the emails the tests need (confirmation links, pledge
manage links) are read back from that log.
"""

import email
import email.policy
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

ROOT = Path(__file__).resolve().parents[2]
PYTHON = os.environ.get("BROWSER_TESTS_PYTHON") or sys.executable
#: The console email backend writes this line (79 dashes) after each message.
EMAIL_SEPARATOR = "-" * 79


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
