"""Scale-out test of the example site's production profile (docs/deploying.md).

Two gunicorn app servers (A and B) and one task worker (``manage.py db_worker``) share a
PostgreSQL database of their own, a Redis database and one media folder; Varnish
(deploy/varnish.vcl) stands in front of A. Over real HTTP it checks that:

  (a) a signature made on A is counted on B;
  (b) a throttle hit on A applies on B;
  (c) a delivery PDF asked for on A is built by the worker and downloads from A and B;
  (d) a page Varnish caches is purged when a change to it is published;
  (e) Varnish serves a stale copy while the app fails (stale-if-error) and a fresh one
      once it is back, and refuses PURGE through another proxy;
  (f) a petition closed by another process (as through B's admin) is refused at A's next
      POST, though A's workers keep its signing profile in memory (core/signup_cache.py).

Each check prints PASS or FAIL with what it saw; the exit status is non-zero when one
fails. Every process it starts is stopped and the database dropped, also on failure.
Run it with ``make scaleout`` (or the venv's python; .ci/run does after the PostgreSQL
suite). Needs PostgreSQL, Redis, Debian's varnish and gunicorn (the "production" extra).

    SCALEOUT_DATABASE_URL  postgres://postgres@127.0.0.1:5432/scaleout_ci (created, dropped)
    SCALEOUT_REDIS_URL     redis://127.0.0.1:6379/13 (flushed before and after)
"""

import hashlib
import http.client
import http.server
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import psycopg
import redis

PROJECT_DIR = Path(__file__).resolve().parents[2]
VCL = PROJECT_DIR / "deploy" / "varnish.vcl"
DATABASE_URL = os.environ.get(
    "SCALEOUT_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/scaleout_ci"
)
REDIS_URL = os.environ.get("SCALEOUT_REDIS_URL", "redis://127.0.0.1:6379/13")
PASSWORD = secrets.token_urlsafe(16)
STARTED = time.monotonic()
RESULTS = []


def log(message):
    print(f"[{time.monotonic() - STARTED:6.1f}s] {message}", flush=True)


def check(name, ok, saw):
    RESULTS.append((name, ok))
    print(f"{'PASS' if ok else 'FAIL'} {name}: {saw}", flush=True)
    return ok


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# -- HTTP ----------------------------------------------------------------------------


class Response:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    def header(self, name, default=""):
        return self.headers.get(name.lower(), default)

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")


class Client:
    """One visitor: its own cookies; speaks to ``port`` as if through a TLS proxy."""

    def __init__(self, port, host=None):
        self.port = port
        self.host = host or f"127.0.0.1:{port}"
        self.cookies = {}

    def request(self, method, path, *, data=None, headers=None):
        headers = {
            "Host": self.host,
            # The TLS terminator in front says the visitor came over HTTPS
            # (DJANGO_SECURE_PROXY_SSL_HEADER), as in production.
            "X-Forwarded-Proto": "https",
            **(headers or {}),
        }
        body = None
        if data is not None:
            body = urlencode(data, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers.setdefault("Origin", f"https://{self.host}")
            headers.setdefault("Referer", f"https://{self.host}{path}")
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.request(method, path, body=body, headers=headers)
            raw = conn.getresponse()
            content = raw.read()
            found = {}
            for name, value in raw.getheaders():
                if name.lower() == "set-cookie":
                    cookie, _sep, _attrs = value.partition(";")
                    key, _eq, val = cookie.partition("=")
                    self.cookies[key.strip()] = val.strip()
                found[name.lower()] = value
            return Response(raw.status, found, content)
        finally:
            conn.close()

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, data, **kwargs):
        return self.request("POST", path, data=data, **kwargs)


class Forms(HTMLParser):
    """The POST forms of a page: their action and the fields' names and values."""

    def __init__(self, html):
        super().__init__()
        self.forms, self._form, self._select, self._textarea = [], None, None, None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self._form = {"action": attrs.get("action") or "", "fields": {}, "required": set()}
            self.forms.append(self._form)
        if self._form is None:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self._form["fields"][name] = attrs.get("value") or "on"
            elif kind not in ("submit", "button"):
                self._form["fields"][name] = attrs.get("value") or ""
            if "required" in attrs:
                self._form["required"].add(name)
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select:
            if self._select not in self._form["fields"] or "selected" in attrs:
                self._form["fields"][self._select] = attrs.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            self._form["fields"][name] = ""

    def handle_data(self, data):
        if self._form is not None and self._textarea:
            self._form["fields"][self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self._form = None

    def having(self, field):
        return next(form for form in self.forms if field in form["fields"])


# -- processes ------------------------------------------------------------------------


class Processes:
    def __init__(self, workdir):
        self.workdir = workdir
        self.running = []

    def start(self, name, args, env):
        log_file = open(self.workdir / f"{name}.log", "wb")  # noqa: SIM115 - closed in stop()
        proc = subprocess.Popen(
            args,
            cwd=PROJECT_DIR,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stopped with its children
        )
        self.running.append((name, proc, log_file))
        log(f"started {name} (pid {proc.pid})")
        return proc

    def stop(self, name=None):
        for entry in list(self.running):
            label, proc, log_file = entry
            if name is not None and label != name:
                continue
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGTERM)
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait(timeout=5)
                except ProcessLookupError:
                    pass
            log_file.close()
            self.running.remove(entry)

    def tail(self, lines=25):
        for path in sorted(self.workdir.glob("*.log")):
            content = path.read_text(errors="replace").splitlines()[-lines:]
            if content:
                print(f"--- last lines of {path.name}:\n" + "\n".join(content))


def wait_until(what, predicate, timeout, interval=0.3):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            last = predicate()
            if last:
                return last
        except OSError as error:
            last = error
        time.sleep(interval)
    raise TimeoutError(f"{what}: not within {timeout}s (last: {last!r})")


def manage(env, *args, timeout=300):
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def varnish(processes, workdir, name, listen_port, backend_port):
    """varnishd in the foreground on ``listen_port``, with deploy/varnish.vcl pointed at
    ``backend_port`` (the file's only change)."""
    vcl = VCL.read_text()
    assert vcl.count('.port = "8000";') == 1, "deploy/varnish.vcl: the backend's port moved"
    path = workdir / f"{name}.vcl"
    path.write_text(vcl.replace('.port = "8000";', f'.port = "{backend_port}";'))
    state = workdir / f"{name}-state"
    state.mkdir()
    path.chmod(0o644)
    workdir.chmod(0o755)
    return processes.start(
        name,
        [
            shutil.which("varnishd") or "/usr/sbin/varnishd",
            "-F",
            "-n",
            str(state),
            "-a",
            f"127.0.0.1:{listen_port}",
            "-f",
            str(path),
            "-s",
            "malloc,64m",
            "-T",
            "none",
        ],
        os.environ.copy(),
    )


# -- the checks -------------------------------------------------------------------------


#: Sign-up POSTs made so far: each counts against this address's "sign" rate.
POSTED = []


def sign_up_form(client, page_path):
    return Forms(client.get(page_path).text).having("email")


def sign(client, page_path, email, form=None):
    """POST the page's sign-up form (read from the page unless given) as a new signer."""
    POSTED.append(page_path)
    form = form or sign_up_form(client, page_path)
    data = dict(form["fields"])
    data.update(name="Scale Out", email=email)
    if "postal_code" in data:
        data["postal_code"] = "10001"
    if "phone" in form["required"]:
        data["phone"] = "+14155552671"
    data["website"] = ""  # the honeypot stays empty
    return client.post(form["action"] or page_path, data)


def count(client, page_path):
    response = client.get(page_path + "count/")
    assert response.status == 200, (response.status, response.text[:200])
    return json.loads(response.body)["count"]


def check_signature(a, b, petition):
    before = count(b, petition["path"])
    signed = sign(a, petition["path"], f"scaleout-a-{secrets.token_hex(4)}@example.org")
    after = count(b, petition["path"])
    return check(
        "(a) a signature made on A is counted on B",
        signed.status == 302 and after == before + 1,
        f"sign on A -> {signed.status} {signed.header('location')}; count on B {before} -> {after}",
    )


def check_throttle(a, b, petition, rate):
    # The checks before used some of this address's rate; A takes the rest.
    left = rate - len(POSTED)
    statuses_a = [
        sign(a, petition["path"], f"scaleout-t{i}-{secrets.token_hex(4)}@example.org").status
        for i in range(left)
    ]
    over_a = sign(a, petition["path"], f"scaleout-over-{secrets.token_hex(4)}@example.org")
    on_b = sign(b, petition["path"], f"scaleout-b-{secrets.token_hex(4)}@example.org")
    limited = "Too many attempts" in on_b.text
    return check(
        "(b) a throttle hit on A applies on B",
        left > 0
        and statuses_a == [302] * left
        and over_a.status == 429
        and on_b.status == 429
        and limited,
        f"rate sign={rate}/d, {rate - left} used before; sign on A x{left}: 302 "
        f"x{statuses_a.count(302)}, then A "
        f"{over_a.status}; first sign on B -> {on_b.status}"
        f"{' (Too many attempts)' if limited else ''}",
    )


def check_change_seen_everywhere(env, a, b, petition):
    """(f) Signing on A makes A's workers keep the petition's signing profile in memory;
    closing it in another process replaces the shared version in Redis, as any server's
    save does. A's next POSTs must be refused as closed, and nothing counted. (Which of
    A's two workers answers cannot be chosen: four signatures first make it likely that
    both keep the profile, and three POSTs after that reach at least one that does.)"""
    signed = [
        sign(a, petition["path"], f"scaleout-f{i}-{secrets.token_hex(4)}@example.org").status
        for i in range(4)
    ]
    before = count(b, petition["path"])
    form = sign_up_form(a, petition["path"])  # a closed petition shows none: sent as it was
    manage(
        env, "shell", "-c",
        "from heretostay_wagtail.models import PetitionPage; "
        f"p = PetitionPage.objects.get(pk={petition['id']}); p.status = 'closed'; "
        "p.save_revision().publish()",
    )  # fmt: skip
    late = [
        sign(a, petition["path"], f"scaleout-late{i}-{secrets.token_hex(4)}@example.org", form)
        for i in range(3)
    ]
    after = count(b, petition["path"])
    refused = all(r.status == 400 and "closed" in r.text for r in late)
    return check(
        "(f) a petition closed elsewhere is refused at A's next POST",
        signed == [302] * 4 and refused and after == before,
        f"sign on A x4 -> {signed}; closed in another process; POST on A x3 -> "
        f"{[r.status for r in late]}{' (closed)' if refused else ''}; count on B "
        f"{before} -> {after}",
    )


def login(client):
    page = client.get("/admin/login/")
    form = Forms(page.text).having("username")
    data = {**form["fields"], "username": "scaleout", "password": PASSWORD}
    response = client.post("/admin/login/", data)
    if response.status != 302 or "sessionid" not in client.cookies:
        raise RuntimeError(f"admin login on A failed: {response.status} {response.text[:300]}")


def check_delivery(a, b, petition):
    login(a)
    b.cookies = dict(a.cookies)  # the same browser, now talking to B
    base = f"/admin/heretostay/petitions/{petition['id']}/paper/deliver/"
    form = Forms(a.get(base).text).having("group_by")
    asked = a.post(base, {**form["fields"], "group_by": "0"})
    job = re.search(r"/deliver/(\d+)/$", asked.header("location"))
    if asked.status != 302 or not job:
        return check("(c) delivery PDF built by the worker", False, f"asked: {asked.status}")
    download = f"{base}{job.group(1)}/download/"
    started = time.monotonic()

    def ready():
        response = a.get(download)
        return response if response.status == 200 else None

    on_a = wait_until("the delivery PDF", ready, timeout=90, interval=0.5)
    took = time.monotonic() - started
    on_b = b.get(download)
    digest = hashlib.sha256(on_a.body).hexdigest()[:12]
    return check(
        "(c) a delivery PDF asked for on A is built by the worker and downloads from A and B",
        on_a.body.startswith(b"%PDF")
        and on_b.status == 200
        and on_b.body == on_a.body
        and on_a.header("content-type") == "application/pdf",
        f"job {job.group(1)} ready after {took:.1f}s; A 200 {len(on_a.body)} bytes "
        f"sha256 {digest}; B {on_b.status} {len(on_b.body)} bytes "
        f"{'same bytes' if on_b.body == on_a.body else 'DIFFERENT bytes'}",
    )


def check_purge(env, via_varnish, petition, varnish_state):
    path = petition["path"]
    purges_before = varnishstat(varnish_state, "MAIN.n_purges")
    first = via_varnish.get(path)
    second = via_varnish.get(path)
    cached = (
        first.status == 200
        and second.header("x-cache") == "HIT"
        and "set-cookie" not in first.headers
        and petition["title"] in second.text
    )
    # An editor (a session cookie) is never served the shared copy.
    editor = Client(via_varnish.port, host=via_varnish.host)
    editor.cookies["sessionid"] = "not-a-session"
    passed = [editor.get(path).header("x-cache") for _ in range(2)]
    new_title = f"{petition['title']} (updated {secrets.token_hex(3)})"
    published = time.monotonic()
    manage(
        env,
        "shell",
        "-c",
        "from wagtail.models import Page; "
        f"page = Page.objects.get(pk={petition['id']}).specific; "
        f"page.title = {new_title!r}; page.save_revision().publish()",
    )

    def fresh():
        response = via_varnish.get(path)
        return response if new_title in response.text else None

    after = wait_until("the purged page", fresh, timeout=30, interval=0.5)
    took = time.monotonic() - published
    purges = varnishstat(varnish_state, "MAIN.n_purges") - purges_before
    return check(
        "(d) a page Varnish caches is purged on publish",
        cached and passed == ["MISS", "MISS"] and after.header("x-cache") == "MISS" and purges >= 1,
        f"GET x2 via Varnish: {first.header('x-cache')} then {second.header('x-cache')} "
        f"(Cache-Control: {first.header('cache-control')}; "
        f"{'no' if 'set-cookie' not in first.headers else 'a'} cookie); with a session "
        f"cookie: {' then '.join(passed)}; published a new "
        f"title; {took:.1f}s later Varnish served it ({after.header('x-cache')}); "
        f"PURGE requests Varnish took meanwhile: {purges}",
    )


def varnishstat(state, field):
    out = subprocess.run(
        ["varnishstat", "-n", str(state), "-1", "-f", field],
        capture_output=True,
        text=True,
        timeout=30,
    ).stdout
    match = re.search(rf"^{re.escape(field)}\s+(\d+)", out, re.M)
    return int(match.group(1)) if match else -1


class Flaky(http.server.BaseHTTPRequestHandler):
    """A stand-in app whose answers can fail: shows what deploy/varnish.vcl does with
    stale-while-revalidate and stale-if-error (the real app's are minutes long)."""

    failing = False
    served = 0

    def do_GET(self):  # noqa: N802 - http.server's name
        if Flaky.failing:
            self.send_response(500)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        Flaky.served += 1
        body = f"version {Flaky.served}".encode()
        self.send_response(200)
        self.send_header(
            "Cache-Control",
            "public, max-age=0, s-maxage=1, stale-while-revalidate=1, stale-if-error=300",
        )
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def check_stale_if_error(processes, workdir):
    app_port, cache_port = free_port(), free_port()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", app_port), Flaky)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        varnish(processes, workdir, "varnish-stale", cache_port, app_port)
        client = Client(cache_port, host="localhost")
        wait_until("Varnish (stale check)", lambda: client.get("/p").status == 200, 30)
        first = client.get("/p").text
        Flaky.failing = True
        time.sleep(3.5)  # past s-maxage (1 s) and stale-while-revalidate (1 s)
        stale = client.get("/p")
        Flaky.failing = False
        fresh = wait_until("a fresh copy", lambda: (r := client.get("/p")).text != first and r, 10)
        purge_proxied = client.request("PURGE", "/p", headers={"X-Forwarded-For": "203.0.113.9"})
        return check(
            "(e) Varnish: stale-if-error while the app fails, fresh once it is back",
            stale.status == 200
            and stale.text == first
            and stale.header("x-cache") == "STALE"
            and fresh.text != first
            and purge_proxied.status == 405,
            f"cached {first!r}; app answering 500, 3.5s later: {stale.status} "
            f"{stale.text!r} ({stale.header('x-cache')}); app back: {fresh.text!r} "
            f"({fresh.header('x-cache')}); PURGE through a proxy -> {purge_proxied.status}",
        )
    finally:
        processes.stop("varnish-stale")
        server.shutdown()


# -- the run ----------------------------------------------------------------------------


def database_admin():
    parts = urlsplit(DATABASE_URL)
    name = parts.path.lstrip("/")
    if not re.fullmatch(r"[a-z0-9_]+", name):
        raise SystemExit(f"SCALEOUT_DATABASE_URL: unexpected database name {name!r}")
    maintenance = parts._replace(path="/postgres").geturl()
    return name, maintenance


def queued_tasks():
    """Tasks the worker has yet to run (load_demo's publishing queued some; django-tasks-db
    stores "no run_after" as the year 9999)."""
    with psycopg.connect(DATABASE_URL) as conn:
        return conn.execute(
            "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status IN "
            "('READY', 'RUNNING') AND (run_after <= now() OR run_after >= '9999-01-01')"
        ).fetchone()[0]


def recreate_database(drop_only=False):
    name, maintenance = database_admin()
    with psycopg.connect(maintenance, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        if not drop_only:
            conn.execute(f"CREATE DATABASE {name}")


class Stopped(Exception):
    pass


def stopped(signum, _frame):
    raise Stopped(f"signal {signum}")


def main():
    if not shutil.which("varnishd") and not Path("/usr/sbin/varnishd").exists():
        raise SystemExit("varnishd not found: apt-get install varnish")
    workdir = Path(tempfile.mkdtemp(prefix="scaleout-"))
    processes = Processes(workdir)
    cache = redis.Redis.from_url(REDIS_URL)
    port_a, port_b, port_v = free_port(), free_port(), free_port()
    rate = 12  # (f) 7 POSTs, (a) 1, (b) the rest
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "HERETOSTAY_"))},
        "DJANGO_SETTINGS_MODULE": "example_site.settings",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "HERETOSTAY_IP_HASH_SALT": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "localhost,127.0.0.1",
        "DATABASE_URL": DATABASE_URL,
        "REDIS_URL": REDIS_URL,
        "DJANGO_MEDIA_ROOT": str(workdir / "media"),
        "DJANGO_PRIVATE_ROOT": str(workdir / "private"),
        # Behind a TLS terminator, which says X-Forwarded-Proto: https (Client does).
        "DJANGO_SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto",
        "FRONTEND_CACHE_URL": f"http://127.0.0.1:{port_v}",
        # Running counts (not refreshed each minute) and a low sign-up rate, to see both.
        "HERETOSTAY_PUBLIC_COUNT_INTERVAL": "0",
        "HERETOSTAY_THROTTLE_RATES": f"sign={rate}/d",
        # Texts would go through Twilio (none is sent here): check needs the settings.
        "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
        "TWILIO_AUTH_TOKEN": secrets.token_urlsafe(20),
        "TWILIO_MESSAGING_SERVICE_SID": "MG" + "1" * 32,
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "WEB_CONCURRENCY": "2",
        "PYTHONUNBUFFERED": "1",
    }
    ok = False
    # Stopped from outside (a CI timeout): still stop everything and drop the database.
    signal.signal(signal.SIGTERM, stopped)
    try:
        recreate_database()
        cache.flushdb()
        log(f"database {database_admin()[0]}, Redis {REDIS_URL}, media {workdir / 'media'}")
        manage(env, "migrate", "--noinput")
        log("migrated")
        manage(env, "load_demo", "--port", str(port_v))
        found = manage(
            env,
            "shell",
            "-c",
            "import json; from django.contrib.auth import get_user_model; "
            "from heretostay_wagtail.models import PetitionPage; "
            f"get_user_model().objects.create_superuser('scaleout', 'so@example.org', {PASSWORD!r}); "
            "from heretostay_wagtail.models import PetitionTarget; "
            "p = PetitionPage.objects.live().filter(locale__language_code='en').first(); "
            # A second petition, for (f) to close.
            "q = PetitionPage(title='Scale-out: closed elsewhere', slug='scaleout-closed', "
            "ask='Ask', why='<p>Why</p>', scope='national', goal=100); "
            "q.targets = [PetitionTarget(name='Mayor', role='Mayor')]; "
            "p.get_parent().add_child(instance=q); q.save_revision().publish(); "
            "print(json.dumps([{'id': x.pk, 'path': x.get_url(), 'title': x.title} "
            "for x in (p, q)]))",
        )
        petition, other_petition = json.loads(found.strip().splitlines()[-1])
        log(f"demo loaded; petitions {petition}, {other_petition}")

        gunicorn = [sys.executable, "-m", "gunicorn", "-c", "example_site/gunicorn.conf.py"]
        processes.start(
            "worker", [sys.executable, "manage.py", "db_worker", "--interval", "0.2"], env
        )
        processes.start("server-a", [*gunicorn, "-b", f"127.0.0.1:{port_a}"], env)
        processes.start("server-b", [*gunicorn, "-b", f"127.0.0.1:{port_b}"], env)
        varnish(processes, workdir, "varnish", port_v, port_a)
        a, b = Client(port_a), Client(port_b)
        via_varnish = Client(port_v, host=f"localhost:{port_v}")
        for name, client in (("A", a), ("B", b), ("Varnish", via_varnish)):
            wait_until(f"server {name}", lambda c=client: c.get("/favicon.ico").status == 200, 90)
        log(f"up: A :{port_a}, B :{port_b}, Varnish :{port_v} -> A, one worker")
        wait_until("the worker to run the demo's queued tasks", lambda: queued_tasks() == 0, 120)
        log("task queue drained")

        # Fixed-window throttles: not across midnight UTC, where the day's count restarts.
        left = 86400 - time.time() % 86400
        if left < 120:
            log(f"waiting {left:.0f}s for the next day's throttle window")
            time.sleep(left + 1)
        check_change_seen_everywhere(env, a, b, other_petition)
        check_signature(a, b, petition)
        check_throttle(a, b, petition, rate)
        check_delivery(Client(port_a), Client(port_b), petition)
        check_purge(env, via_varnish, petition, workdir / "varnish-state")
        check_stale_if_error(processes, workdir)
        ok = bool(RESULTS) and all(passed for _name, passed in RESULTS)
    except Exception as error:  # noqa: BLE001 - reported, then the run fails
        check("the scale-out run", False, f"stopped: {type(error).__name__}: {error}")
    finally:
        if not ok:
            processes.tail()
        processes.stop()
        try:
            recreate_database(drop_only=True)
            cache.flushdb()
        except Exception as error:  # noqa: BLE001
            print(f"cleanup: {error}")
        shutil.rmtree(workdir, ignore_errors=True)
    passed = sum(1 for _name, p in RESULTS if p)
    log("done")
    print(f"scaleout: {passed} passed, {len(RESULTS) - passed} failed")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
