"""Hostile testing of the example site on PostgreSQL and Redis (issue 14's figures, again).

Not part of the test suite, nor of ``benchmarks/run_all.py``: run it by hand,

    .venv/bin/python benchmarks/attack.py            # 5 to 8 minutes on 2 busy cores
    .venv/bin/python benchmarks/attack.py --examples 40 --skip matrix
    .venv/bin/python benchmarks/attack.py --skip schemathesis --skip matrix --keep-db

and read the summary table at the end (exit status 1 when a figure that must be zero is
not; a 5xx prints the server's traceback). ``--skip`` leaves a part out (schemathesis,
http-schemathesis, matrix, hostile, concurrency, faults); ``--keep-db`` leaves the
database for looking into a finding. Helpers: ``_attack_plugin.py`` (pytest counting),
``_attack_email.py`` (an email backend that always fails). What it measures:

1. **schemathesis**: the suite's ``tests/api/test_schemathesis.py`` (every operation of the
   served schema, every check, anonymous and as a superuser with a token, ids pinned to
   fixtures, plus the stateful run) through pytest on PostgreSQL and Redis, with
   ``HTS_ATTACK_EXAMPLES`` raising the examples per operation (``--examples``; the suite
   uses 8). The plugin ``benchmarks/_attack_plugin.py`` counts every request and its
   status. In-process through the WSGI app of the test project (the package's API is the
   same; the fixtures the ids are pinned to are the suite's).
   Then schemathesis's own command line (``st run``, every check) over HTTP against the
   served example site, anonymous and as staff (``--http-examples``, default 10): ids
   are not pinned there, so positive_data_acceptance meets 400s for references that do
   not exist (listed, with the fields the answers named); 5xx and every other check must
   be clean.
2. **roles x endpoints**: ``tests/test_permission_matrix.py`` through pytest (the matrix
   runs on SQLite only, by design: see its ``sqlite_only``); the plugin counts the
   (caller, endpoint) calls it makes.
3. **hostile inputs**: over real HTTP against the example site (gunicorn,
   ``example_site/gunicorn.conf.py``, DEBUG off, production-like environment as in
   ``tests/scaleout/run.py``, whose helpers this reuses): nested JSON 999 deep, Unicode
   digits in ids and pages, CR/LF, bidi, NUL, markup, very long strings, huge bodies, wrong
   content types and invalid UTF-8 against the petition and pledge page forms, the API's
   sign, pledge and OSDI endpoints and the admin's paper CSV upload. Counts requests, 5xx
   and HTML answers that echo markup unescaped.
4. **concurrency and faults**: 400 concurrent submissions (200 distinct emails, each sent
   twice, once through the API and once through the page form, 32 threads against 2
   gunicorn processes x 8 threads) with (a) everything up, (b) the email backend failing
   (double opt-in on, the task worker sending the confirmations through a backend that
   raises), (c) Redis unreachable with the default rate limits (which must fail open),
   and (d) the database down (every answer a clean error page: no traceback, no settings).
   Rows stored against distinct emails, the campaign counter against the rows.

Its own database and Redis database, created and dropped / flushed:

    ATTACK_DATABASE_URL  postgres://postgres@127.0.0.1:5432/attack_h6
                         (pytest's run uses test_attack_h6, also dropped)
    ATTACK_REDIS_URL     redis://127.0.0.1:6379/12
"""

import argparse
import concurrent.futures
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import psycopg
import redis

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.scaleout import run as scaleout  # noqa: E402 - after the path is set
from tests.scaleout.run import (  # noqa: E402
    Client,
    Forms,
    Processes,
    Response,
    free_port,
    log,
    manage,
    wait_until,
)

DATABASE_URL = os.environ.get("ATTACK_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/attack_h6")
REDIS_URL = os.environ.get("ATTACK_REDIS_URL", "redis://127.0.0.1:6379/12")
UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"
UNREACHABLE_DATABASE = "postgres://postgres@127.0.0.1:1/attack_down"
NO_LIMITS = ",".join(
    f"{scope}=1000000/m" for scope in ("sign", "pledge", "confirm", "api_public", "api_staff")
)
PYTHON = sys.executable
ROWS = []  # the summary: (part, figure, value, must)


def figure(part, name, value, must=None):
    """One line of the summary; ``must`` is the value it has to have (else a failure)."""
    ROWS.append((part, name, value, must))
    flag = "" if must is None else ("  ok" if value == must else f"  FAIL (must be {must})")
    print(f"  {part}: {name} = {value}{flag}", flush=True)


# -- HTTP -------------------------------------------------------------------------------


class Attacker(Client):
    """scaleout's visitor, able to send any bytes with any content type."""

    def send(self, method, path, body=b"", content_type=None, headers=None):
        import http.client

        headers = {
            "Host": self.host,
            "X-Forwarded-Proto": "https",
            "Origin": f"https://{self.host}",
            **(headers or {}),
        }
        if content_type:
            headers["Content-Type"] = content_type
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            try:
                conn.request(method, path, body=body, headers=headers)
            except (BrokenPipeError, ConnectionResetError):
                # The server answered (a 413) and closed before the whole body was sent:
                # its answer is still there to read.
                pass
            raw = conn.getresponse()
            content = raw.read()
            found = {}
            for name, value in raw.getheaders():
                if name.lower() == "set-cookie":
                    key, _eq, val = value.partition(";")[0].partition("=")
                    self.cookies[key.strip()] = val.strip()
                found[name.lower()] = value
            return Response(raw.status, found, content)
        except (OSError, http.client.HTTPException) as error:
            return Response(599, {}, f"connection error: {error!r}".encode())
        finally:
            conn.close()

    def json(self, method, path, payload, **kwargs):
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        return self.send(method, path, body, "application/json", **kwargs)

    def form(self, path, data, **kwargs):
        body = data if isinstance(data, bytes) else urlencode(data, doseq=True).encode()
        return self.send("POST", path, body, "application/x-www-form-urlencoded", **kwargs)


def multipart(fields, files):
    boundary = "attack" + secrets.token_hex(8)
    out = []
    for name, value in fields.items():
        out.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
            + value.encode()
            + b"\r\n"
        )
    for name, (filename, content, kind) in files.items():
        out.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: {kind}\r\n\r\n'.encode()
            + content
            + b"\r\n"
        )
    out.append(f"--{boundary}--\r\n".encode())
    return b"".join(out), f"multipart/form-data; boundary={boundary}"


# -- the site ---------------------------------------------------------------------------


def database_name():
    name = urlsplit(DATABASE_URL).path.lstrip("/")
    if not re.fullmatch(r"[a-z0-9_]+", name):
        raise SystemExit(f"ATTACK_DATABASE_URL: unexpected database name {name!r}")
    return name


def drop_databases(create=False):
    parts = urlsplit(DATABASE_URL)
    maintenance = parts._replace(path="/postgres").geturl()
    name = database_name()
    with psycopg.connect(maintenance, autocommit=True) as conn:
        for db in (name, f"test_{name}"):
            conn.execute(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")
        if create:
            conn.execute(f"CREATE DATABASE {name}")


def sql(query, *args):
    with psycopg.connect(DATABASE_URL) as conn:
        return conn.execute(query, args).fetchall()


def site_env(workdir, **overrides):
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "HERETOSTAY_"))},
        "DJANGO_SETTINGS_MODULE": "example_site.settings",
        "DJANGO_SECRET_KEY": SECRET_KEY,
        "HERETOSTAY_IP_HASH_SALT": IP_SALT,
        "DJANGO_ALLOWED_HOSTS": "localhost,127.0.0.1",
        "DATABASE_URL": DATABASE_URL,
        "REDIS_URL": REDIS_URL,
        "DJANGO_MEDIA_ROOT": str(workdir / "media"),
        "DJANGO_PRIVATE_ROOT": str(workdir / "private"),
        "DJANGO_SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto",
        "HERETOSTAY_PUBLIC_COUNT_INTERVAL": "0",
        "HERETOSTAY_THROTTLE_RATES": NO_LIMITS,
        "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
        "TWILIO_AUTH_TOKEN": "attack-" + "x" * 20,
        "TWILIO_MESSAGING_SERVICE_SID": "MG" + "1" * 32,
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "WEB_CONCURRENCY": "2",
        "GUNICORN_THREADS": "8",
        "PYTHONUNBUFFERED": "1",
    }
    env.update(overrides)
    return env


SECRET_KEY = secrets.token_urlsafe(50)
IP_SALT = secrets.token_urlsafe(50)


class Site:
    """One gunicorn server of the example site, started with ``env`` (and optionally a
    task worker), stopped by ``stop``."""

    def __init__(self, processes, name, env, worker=False):
        self.processes, self.name = processes, name
        self.port = free_port()
        self.names = [name]
        if worker:
            processes.start(
                f"{name}-worker", [PYTHON, "manage.py", "db_worker", "--interval", "0.2"], env
            )
            self.names.append(f"{name}-worker")
        processes.start(
            name,
            [PYTHON, "-m", "gunicorn", "-c", "example_site/gunicorn.conf.py"]
            + ["-b", f"127.0.0.1:{self.port}"],
            env,
        )
        probe = Attacker(self.port)
        wait_until(f"server {name}", lambda: probe.send("GET", "/favicon.ico").status < 599, 120)

    def client(self):
        return Attacker(self.port)

    def last_traceback(self, lines=40):
        """The server's last logged traceback: what a 5xx came from."""
        text = (self.processes.workdir / f"{self.name}.log").read_text(errors="replace")
        start = text.rfind("Traceback (most recent call last)")
        if start < 0:
            return "    (no traceback in the server's log)"
        block = text[start:].splitlines()[:lines]
        return "\n".join(f"    | {line}" for line in block)

    def stop(self):
        for name in self.names:
            self.processes.stop(name)


def setup_site(workdir):
    env = site_env(workdir)
    manage(env, "migrate", "--noinput")
    log("migrated")
    manage(env, "load_demo", "--port", "8000")
    found = manage(
        env,
        "shell",
        "-c",
        "import json; from django.contrib.auth import get_user_model; "
        # Nothing cached while the demo was built (Wagtail's site root paths) outlives it.
        "from django.core.cache import cache; cache.clear(); "
        "from rest_framework.authtoken.models import Token; "
        "from heretostay_wagtail.models import PetitionPage, PledgePage; "
        "from heretostay_wagtail.paper.models import PaperSheet; "
        f"u = get_user_model().objects.create_superuser('scaleout', 'so@example.org', "
        f"{scaleout.PASSWORD!r}); t = Token.objects.create(user=u); "
        "p = PetitionPage.objects.live().filter(locale__language_code='en').first(); "
        "q = PledgePage.objects.live().filter(locale__language_code='en').first(); "
        "print(json.dumps({'petition': p.pk, 'petition_path': p.get_url(), "
        "'campaign_key': str(p.campaign_key), 'pledge': q.pk, 'pledge_path': q.get_url(), "
        "'token': t.key}))",
    )
    site = json.loads(found.strip().splitlines()[-1])
    site["form"] = None
    if not site["petition_path"] or not site["pledge_path"]:
        raise RuntimeError(f"the demo's pages have no URL: {site}")
    shown = {k: v for k, v in site.items() if k != "token"}
    log(f"demo loaded: {shown}")
    return env, site


# -- 3. hostile inputs ------------------------------------------------------------------

MARKUP = ("<script>alert(1)</script>", '"><img src=x onerror=alert(1)>')
HOSTILE_TEXT = [
    *MARKUP,
    "<svg/onload=alert(1)>",
    '=HYPERLINK("http://evil.example","x")',
    "x\r\nBcc: evil@example.org",
    "x\nSubject: hi",
    "\u202eevil\u202c",
    "\u2066isolated\u2069 \u200f",
    "a\x00b",
    "\x07\x1b[31m",
    "Ｒｏｓａ ³²¹ ٣",
    "李小龙 فاطمة 👩🏽‍🦱🇲🇽",
    "a" * 5000,
    "é" * 100_000,
    "   ",
    "",
]
UNICODE_DIGITS = ["³", "٣", "१२", "²⁵", "Ⅻ", "①", "0x10", "-1", "1e3", "99999999999999999999"]


def nested(depth=999):
    return ("[" * depth + "]" * depth).encode()


def nested_object(depth=999):
    return ('{"a":' * depth + "1" + "}" * depth).encode()


def malformed_bodies():
    """(label, body, content type) for JSON endpoints."""
    return [
        ("nested array 999", nested(), "application/json"),
        ("nested object 999", nested_object(), "application/json"),
        ("nested 100000", nested(100_000), "application/json"),
        (
            "invalid UTF-8",
            b'{"name": "\xff\xfe\xc3", "email": "a@example.org"}',
            "application/json",
        ),
        ("lone surrogate", b'{"name": "\\ud800", "email": "s@example.org"}', "application/json"),
        ("NUL escape", b'{"name": "a\\u0000b", "email": "n@example.org"}', "application/json"),
        ("not JSON", b"{name: 1,", "application/json"),
        ("empty", b"", "application/json"),
        ("null", b"null", "application/json"),
        ("list", b"[]", "application/json"),
        ("string", b'"x"', "application/json"),
        ("number", b"1e999999", "application/json"),
        ("NaN", b'{"name": NaN}', "application/json"),
        (
            "duplicate keys",
            b'{"name": "a", "name": "b", "email": "d@example.org"}',
            "application/json",
        ),
        ("5 MB body", b'{"name": "' + b"a" * 5_000_000 + b'"}', "application/json"),
        ("6 MB body", b'{"name": "' + b"a" * 6_000_000 + b'"}', "application/json"),
        ("text/plain", b'{"name": "a"}', "text/plain"),
        ("xml", b"<?xml version='1.0'?><a>&xxe;</a>", "application/xml"),
        ("form to JSON API", b"name=a&email=b%40example.org", "application/x-www-form-urlencoded"),
        ("multipart garbage", b"--x\r\n\r\n", "multipart/form-data; boundary=x"),
        ("multipart no boundary", b"abc", "multipart/form-data"),
        ("charset bogus", b'{"name": "a"}', "application/json; charset=x-bogus"),
        ("utf-16", '{"name": "a"}'.encode("utf-16"), "application/json; charset=utf-16"),
        (
            "10000 form fields",
            "&".join(f"f{i}=1" for i in range(10_000)).encode(),
            "application/x-www-form-urlencoded",
        ),
    ]


def api_payloads(kind):
    base = {"name": "Ada Hostile", "email": "hostile@example.org"}
    if kind == "sign":
        base.update(postal_code="62701", phone="+14155552671", comment="ok")
    else:
        base.update(area="62701", phone="+14155552671")
    payloads = []
    for text in HOSTILE_TEXT:
        for field in ("name", "comment" if kind == "sign" else "area", "email"):
            payloads.append({**base, field: text})
    for wrong in (123, 1.5, True, None, [], {}, ["a"], {"a": "b"}):
        payloads.append({**base, "name": wrong})
        payloads.append({**base, "email": wrong})
    payloads.append({**base, "unknown": "x"})
    if kind == "pledge":
        payloads += [
            {**base, "roles": ["<script>", "driver" * 100]},
            {**base, "roles": list(range(60))},
            {**base, "alert_sms": "yes"},
        ]
    return payloads


def form_payloads(fields):
    base = {**fields, "name": "Ada Hostile", "email": "hostile-form@example.org", "website": ""}
    out = []
    for text in HOSTILE_TEXT:
        for field in ("name", "email", "comment", "postal_code", "area"):
            if field in fields or field in ("name", "email"):
                out.append({**base, field: text})
    out.append({**base, "page": "³"})
    out.append({**base, "website": "i am a bot"})
    return out


def echoes_markup(response):
    kind = response.header("content-type")
    return "html" in kind and any(marker in response.text for marker in MARKUP)


def hostile(site, info, outcome):
    attacker = site.client()
    staff = {"Authorization": f"Token {info['token']}"}
    seen = []

    def record(label, response):
        seen.append((label, response))
        if response.status >= 500:
            print(f"    5xx {response.status}: {label}: {response.text[:200]!r}", flush=True)

    petition, pledge = info["petition"], info["pledge"]
    sign_url = f"/api/v1/petitions/{petition}/signatures/"
    pledge_url = f"/api/v1/pledges/{pledge}/pledgers/"
    osdi_url = f"/api/v1/osdi/petitions/{petition}/signatures/"
    for url in (sign_url, pledge_url, osdi_url):
        for label, body, kind in malformed_bodies():
            record(f"POST {url} {label}", attacker.send("POST", url, body, kind))
    for payload in api_payloads("sign"):
        record(f"POST {sign_url} {str(payload)[:80]}", attacker.json("POST", sign_url, payload))
    for payload in api_payloads("pledge"):
        record(f"POST {pledge_url} {str(payload)[:80]}", attacker.json("POST", pledge_url, payload))
    osdi = {
        "person": {
            "given_name": "<script>alert(1)</script>",
            "family_name": "\u202eevil",
            "email_addresses": [{"address": "osdi@example.org"}],
            "postal_addresses": [{"postal_code": "a\x00b"}],
        },
        "comments": "x\r\nBcc: evil@example.org",
    }
    record(f"POST {osdi_url} hostile person", attacker.json("POST", osdi_url, osdi))
    for bad in ([], "x", {"email_addresses": "x"}, {"email_addresses": [None]}):
        record(f"POST {osdi_url} person={bad!r}", attacker.json("POST", osdi_url, {"person": bad}))
    # Ids and pages: Unicode digits and other non-ids.
    for digit in UNICODE_DIGITS:
        for path in (
            f"/api/v1/petitions/{digit}/",
            f"/api/v1/petitions/{digit}/signatures/",
            f"/api/v1/pledges/{digit}/",
            f"/api/v1/osdi/petitions/{digit}/",
            f"/api/v1/cards/{digit}/",
            f"/api/v1/petitions/?page={digit}",
            f"/api/v1/petitions/?page_size={digit}",
            f"/api/v1/pledges/?page={digit}",
            f"/api/v1/osdi/petitions/?page={digit}",
        ):
            method = "POST" if path.endswith("signatures/") else "GET"
            record(
                f"{method} {path}", attacker.send(method, quote(path), b"{}", "application/json")
            )
        for path in (
            f"/api/v1/signatures/?page={digit}",
            f"/api/v1/signatures/?petition={digit}",
            f"/api/v1/pledgers/?page_size={digit}",
            f"/api/v1/alerts/{digit}/",
            f"/api/v1/deliveries/{digit}/",
            f"/admin/heretostay/petitions/{digit}/paper/upload/",
        ):
            record(f"GET {path} (staff)", attacker.send("GET", quote(path), headers=staff))
    # The page forms (petition and pledge): form-encoded hostile values.
    for path in (info["petition_path"], info["pledge_path"]):
        page = attacker.get(path)
        fields = Forms(page.text).having("email")
        action = fields["action"] or path
        for data in form_payloads(fields["fields"]):
            record(f"POST {path} form {str(data)[:80]}", attacker.form(action, data))
        for label, body, kind in (
            ("invalid UTF-8", b"name=%FF%FE&email=x%40example.org", None),
            ("raw invalid UTF-8", b"name=\xff\xfe&email=x@example.org", None),
            ("NUL", b"name=a%00b&email=x%40example.org", None),
            ("JSON to the form", b'{"name": "a"}', "application/json"),
            ("nested JSON to the form", nested(), "application/json"),
            ("5 MB form", b"name=" + b"a" * 5_000_000, None),
            ("10000 fields", "&".join(f"f{i}=1" for i in range(10_000)).encode(), None),
            ("multipart garbage", b"--x\r\n\r\n", "multipart/form-data; boundary=x"),
        ):
            record(
                f"POST {path} {label}",
                attacker.send("POST", action, body, kind or "application/x-www-form-urlencoded"),
            )
        record(f"GET {path}?page=³", attacker.send("GET", quote(path + "?page=³")))
    # The admin's paper CSV upload, logged in as a superuser.
    admin = site.client()
    scaleout.login(admin)
    upload = f"/admin/heretostay/petitions/{petition}/paper/upload/"
    token = Forms(admin.get(upload).text).having("csrfmiddlewaretoken")["fields"][
        "csrfmiddlewaretoken"
    ]
    header = "Name,Email,Postal code,Comment,Phone\r\n"
    files = [
        (
            "markup",
            header
            + '"<script>alert(1)</script>",m@example.org,62701,"<img src=x onerror=alert(1)>",\r\n',
        ),
        ("formula", header + '=HYPERLINK("http://evil"),f@example.org,62701,@SUM(1+1),+1\r\n'),
        ("CRLF in a cell", header + '"x\r\nBcc: evil@example.org",c@example.org,62701,,\r\n'),
        ("bidi", header + "\u202eevil,b@example.org,62701,\u2066x\u2069,\r\n"),
        ("NUL", header + "a\x00b,n@example.org,62701,,\r\n"),
        ("unicode digits", header + "Ana,u@example.org,³²¹,,٣٣٣\r\n"),
        ("long cell", header + "a" * 200_000 + ",l@example.org,62701,,\r\n"),
        ("many columns", ",".join(f"c{i}" for i in range(5000)) + "\r\n" + "1," * 5000 + "\r\n"),
        ("no header", "just one line"),
        ("only header", header),
        ("unbalanced quote", header + '"abc,d@example.org\r\n'),
        ("5001 rows", header + "".join(f"P {i},p{i}@example.org,62701,,\r\n" for i in range(5001))),
    ]
    uploads = [(label, text.encode("utf-8")) for label, text in files]
    uploads += [
        ("invalid UTF-8", header.encode() + b"\xff\xfe\xc3(,x@example.org,62701,,\r\n"),
        ("UTF-16", (header + "Ana,a16@example.org,62701,,\r\n").encode("utf-16")),
        ("binary", b"\x89PNG\r\n\x1a\n" + secrets.token_bytes(2000)),
        ("empty", b""),
        ("6 MB", header.encode() + b"a" * 6_000_000),
        ("nested JSON", nested()),
    ]
    for label, content in uploads:
        for sheet_code in ("", "³", "<script>alert(1)</script>"):
            body, kind = multipart(
                {"csrfmiddlewaretoken": token, "sheet_code": sheet_code},
                {"file": ("sheet.csv", content, "text/csv")},
            )
            headers = {"Referer": f"https://{admin.host}{upload}"}
            record(
                f"POST upload {label} code={sheet_code!r}",
                admin.send("POST", upload, body, kind, headers),
            )
    body, kind = multipart({"csrfmiddlewaretoken": token, "sheet_code": ""}, {})
    record("POST upload without a file", admin.send("POST", upload, body, kind))

    statuses = Counter(response.status for _label, response in seen)
    outcome["hostile"] = seen
    figure("hostile", "requests", len(seen))
    figure("hostile", "statuses", dict(sorted(statuses.items())))
    figure("hostile", "5xx", sum(1 for _l, r in seen if r.status >= 500), must=0)
    echoed = [label for label, r in seen if echoes_markup(r)]
    for label in echoed[:10]:
        print(f"    echoed markup: {label}")
    figure("hostile", "HTML answers echoing markup unescaped", len(echoed), must=0)


def quote(path):
    from urllib.parse import quote as q

    return q(path, safe="/?=&")


# -- 4. concurrency and faults ----------------------------------------------------------


def rows_for(campaign_key, prefix):
    return sql(
        "SELECT count(*), count(DISTINCT email_normalized), "
        "count(*) FILTER (WHERE confirmed_at IS NOT NULL) FROM heretostay_signature "
        "WHERE campaign_key = %s AND email_normalized LIKE %s",
        campaign_key,
        f"{prefix}%",
    )[0]


def counter(campaign_key):
    found = sql(
        "SELECT count FROM heretostay_campaigncounter WHERE campaign_key = %s", campaign_key
    )
    return found[0][0] if found else 0


def total_rows(campaign_key):
    return sql(
        "SELECT count(*), count(*) FILTER (WHERE confirmed_at IS NOT NULL) "
        "FROM heretostay_signature WHERE campaign_key = %s",
        campaign_key,
    )[0]


def storm(site, info, prefix, distinct=200, threads=32):
    """Each of ``distinct`` emails sent twice, through the API and through the page form,
    all at once. Returns the answers' statuses."""
    path = info["petition_path"]
    page = site.client().get(path)
    if page.status != 200:
        print(f"    GET {path}: {page.status} {page.text[:300]!r}")
    if info["form"] is None:
        info["form"] = Forms(page.text).having("email")
    form = info["form"]  # read from the page while the cache was up
    fields = {**form["fields"], "website": ""}
    action = form["action"] or path
    api_url = f"/api/v1/petitions/{info['petition']}/signatures/"

    def submit(job):
        n, channel = job
        email = f"{prefix}{n}@example.org"
        client = site.client()
        if channel == "api":
            payload = {"name": f"Person {n}", "email": email.upper() if n % 3 else email}
            payload.update(postal_code="62701")
            if "phone" in form["required"]:
                payload["phone"] = "+14155552671"
            return channel, client.json("POST", api_url, payload)
        data = {**fields, "name": f"Person {n}", "email": email}
        if "postal_code" in data:
            data["postal_code"] = "62701"
        if "phone" in form["required"]:
            data["phone"] = "+14155552671"
        return channel, client.form(action, data)

    jobs = [(n, c) for n in range(distinct) for c in ("api", "form")]
    rng = __import__("random").Random(14)
    rng.shuffle(jobs)
    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        answers = list(pool.map(submit, jobs))
    took = time.monotonic() - started
    statuses = Counter(f"{channel} {response.status}" for channel, response in answers)
    errors = [r for _c, r in answers if r.status >= 500]
    if errors:
        print(f"    5xx: {errors[0].status} {errors[0].text[:200]!r}")
        print(site.last_traceback())
    return answers, statuses, took


def concurrency(site, info, label, prefix, *, confirmed_count=True):
    key = info["campaign_key"]
    before_counter = counter(key)
    answers, statuses, took = storm(site, info, prefix)
    rows, distinct, confirmed = rows_for(key, prefix)
    after_counter = counter(key)
    all_rows, all_confirmed = total_rows(key)
    part = f"concurrency ({label})"
    figure(part, "submissions", f"{len(answers)} in {took:.1f}s, {dict(sorted(statuses.items()))}")
    figure(part, "5xx", sum(1 for _c, r in answers if r.status >= 500), must=0)
    figure(part, "rows stored / distinct emails", f"{rows}/{200}")
    figure(part, "duplicate rows", rows - distinct, must=0)
    figure(part, "rows lost", 200 - distinct, must=0)
    counted = confirmed if confirmed_count else rows
    figure(part, "counter moved / rows counted", f"{after_counter - before_counter}/{counted}")
    figure(
        part,
        "counter == counted rows of the campaign",
        after_counter == (all_confirmed if confirmed_count else all_rows),
        must=True,
    )
    return answers


def email_failing(processes, workdir, info):
    env = site_env(
        workdir,
        HERETOSTAY_DOUBLE_OPT_IN="1",
        EMAIL_BACKEND="benchmarks._attack_email.FailingBackend",
    )
    site = Site(processes, "email-failing", env, worker=True)
    started = sql("SELECT now()")[0][0]
    try:
        concurrency(site, info, "email backend failing", "mailfail")

        # The worker tries the confirmation emails; wait for it to get through them.
        def settled():
            left = sql(
                "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status "
                "IN ('READY', 'RUNNING') AND (run_after <= now() OR run_after >= '9999-01-01')"
            )[0][0]
            return left == 0

        try:
            wait_until("the worker", settled, timeout=120, interval=1)
        except TimeoutError as error:
            print(f"    {error}")
        tasks = sql(
            "SELECT status || CASE WHEN status = 'READY' AND run_after > now() AND run_after "
            "< '9999-01-01' THEN ' (a retry, later)' ELSE '' END, count(*) "
            "FROM django_tasks_database_dbtaskresult "
            "WHERE task_path LIKE %s AND enqueued_at >= %s GROUP BY 1",
            "%send_signature_confirmation",
            started,
        )
        figure("concurrency (email backend failing)", "confirmation email tasks", dict(tasks))
        rows, distinct, confirmed = rows_for(info["campaign_key"], "mailfail")
        figure(
            "concurrency (email backend failing)",
            "signatures kept after emails failed",
            f"{distinct}/200",
            must="200/200",
        )
    finally:
        site.stop()


def redis_down(processes, workdir, info):
    # The package's default rate limits (sign 10/m per IP): 400 submissions from one
    # address go through only if throttling fails open.
    env = site_env(workdir, REDIS_URL=UNREACHABLE_REDIS)
    del env["HERETOSTAY_THROTTLE_RATES"]
    site = Site(processes, "redis-down", env)
    try:
        concurrency(site, info, "Redis unreachable, default rate limits", "redisdown")
        logged = (processes.workdir / "redis-down.log").read_text(errors="replace")
        figure(
            "concurrency (Redis unreachable, default rate limits)",
            "warnings logged: rate limit not applied / cache call skipped",
            f"{logged.count('not applied: the cache is unreachable')} / "
            f"{logged.count('skipped: Redis is unreachable (')}",
        )
    finally:
        site.stop()


def database_down(processes, workdir, info):
    env = site_env(workdir, DATABASE_URL=UNREACHABLE_DATABASE)
    site = Site(processes, "db-down", env)
    client = site.client()
    leaks = re.compile(
        r"Traceback|OperationalError|psycopg|SECRET_KEY|DATABASES|settings\.py|"
        r"File \"/|127\.0\.0\.1:1|connection to server",
        re.I,
    )
    try:
        requests = [
            ("GET page", client.get(info["petition_path"])),
            ("GET home", client.get("/")),
            (
                "POST page form",
                client.form(info["petition_path"], {"name": "A", "email": "a@example.org"}),
            ),
            ("GET API", client.send("GET", "/api/v1/petitions/")),
            ("GET API detail", client.send("GET", f"/api/v1/petitions/{info['petition']}/")),
            (
                "POST API sign",
                client.json(
                    "POST",
                    f"/api/v1/petitions/{info['petition']}/signatures/",
                    {"name": "A", "email": "a@example.org"},
                ),
            ),
            ("GET count", client.get(info["petition_path"] + "count/")),
            ("GET admin", client.get("/admin/")),
            ("GET admin login", client.get("/admin/login/")),
        ]
    finally:
        site.stop()
    part = "database down"
    clean = 0
    for label, response in requests:
        leaked = leaks.findall(response.text)
        kind = response.header("content-type")
        ok = not leaked and (
            (response.status in (500, 502, 503) and response.body)
            or (response.status == 302 and "/login/" in response.header("location"))
        )
        clean += bool(ok)
        print(
            f"    {label}: {response.status} {kind} {len(response.body)} bytes"
            f"{' LEAKS ' + str(sorted(set(leaked))) if leaked else ''}"
        )
    figure(
        part,
        "requests answered with a clean error page",
        f"{clean}/{len(requests)}",
        must=f"{len(requests)}/{len(requests)}",
    )
    api_json = sum(
        1
        for label, r in requests
        if "API" in label and r.header("content-type").startswith("application/json")
    )
    figure(part, "API errors as JSON", f"{api_json}/3", must="3/3")


# -- 1b. schemathesis over HTTP against the example site -----------------------------------


def schemathesis_http(site, info, examples):
    """schemathesis's own command line against the served example site, anonymous and
    with a staff token: every check, ids not pinned (most by-id cases meet a 404), so
    only ``not_a_server_error`` is held to zero here; the other checks' failures are
    listed for reading."""
    st = Path(PYTHON).with_name("st")
    origin = f"http://127.0.0.1:{site.port}"
    for role, headers in (
        ("anonymous", []),
        ("staff", ["-H", f"Authorization: Token {info['token']}"]),
    ):
        report = Path(tempfile.mkdtemp(prefix="attack-st-"))
        started = time.monotonic()
        result = subprocess.run(
            [str(st), "run", f"{origin}/api/v1/schema/?format=json", "--checks", "all"]
            + ["-n", str(examples), "--workers", "2", "--continue-on-failure"]
            + ["--generation-deterministic", "--no-shrink", "--warnings", "off"]
            + ["-H", "X-Forwarded-Proto: https", *headers]
            + ["--report", "ndjson", "--report-dir", str(report)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=900,
        )
        took = time.monotonic() - started
        found = read_st_report(report)
        shutil.rmtree(report, ignore_errors=True)
        if not found["cases"]:
            print(result.stdout[-3000:], result.stderr[-3000:])
        part = f"schemathesis over HTTP ({role})"
        figure(part, "operations, cases", f"{found['operations']}, {found['cases']} in {took:.0f}s")
        figure(part, "statuses", dict(sorted(found["statuses"].items())))
        figure(part, "5xx", sum(n for code, n in found["statuses"].items() if code >= 500), must=0)
        other = {k: n for k, n in found["failures"].items() if k[0] != "positive_data_acceptance"}
        grouped = {}
        for (check, label, why), n in found["failures"].items():
            count, reasons = grouped.get((check, label), (0, set()))
            status, _sep, fields = why.partition(" ")
            reasons |= set(fields.split(", ")) if fields else {status}
            grouped[(check, label)] = (count + n, reasons)
        for (check, label), (n, reasons) in sorted(grouped.items()):
            print(f"    {check}: {label}: {n} x 400 on {', '.join(sorted(reasons))}")
        figure(part, "failed checks other than positive_data_acceptance", len(other), must=0)


def read_st_report(folder):
    """Cases, statuses and failed checks (with the fields a 400 named) from st's NDJSON."""
    import base64

    found = {"cases": 0, "operations": 0, "statuses": Counter(), "failures": Counter()}
    for path in folder.glob("*.ndjson"):
        for line in path.read_text().splitlines():
            event = json.loads(line)
            if "LoadingFinished" in event:
                stats = event["LoadingFinished"].get("statistic", {})
                found["operations"] = stats.get("operations", {}).get("selected", 0)
            if "ScenarioFinished" not in event:
                continue
            recorder = event["ScenarioFinished"]["recorder"]
            found["cases"] += len(recorder.get("cases", {}))
            for interaction in recorder.get("interactions", {}).values():
                response = interaction.get("response")
                found["statuses"][response["status_code"] if response else 0] += 1
            for case_id, checks in recorder.get("checks", {}).items():
                for check in checks:
                    if check.get("status") != "failure":
                        continue
                    response = (recorder["interactions"].get(case_id) or {}).get("response") or {}
                    why = str(response.get("status_code", "no answer"))
                    try:
                        content = base64.b64decode(response["content"]["$base64"])
                        errors = json.loads(content).get("errors") or {}
                        fields = sorted(
                            {f"{f}({e['code']})" for f, es in errors.items() for e in es}
                        )
                        why += f" {', '.join(fields)}" if fields else ""
                    except (KeyError, TypeError, ValueError, AttributeError):
                        pass
                    found["failures"][(check["name"], recorder["label"], why)] += 1
    return found


# -- 1 and 2: the suite's attack tests through pytest ---------------------------------------


def pytest_run(label, args, env, timeout):
    report = Path(tempfile.mkstemp(prefix="attack-", suffix=".json")[1])
    env = {**env, "HTS_ATTACK_REPORT": str(report)}
    started = time.monotonic()
    result = subprocess.run(
        [
            PYTHON,
            "-m",
            "pytest",
            *args,
            "-p",
            "no:cacheprovider",
            "-p",
            "benchmarks._attack_plugin",
            "-q",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    took = time.monotonic() - started
    tail = result.stdout.strip().splitlines()[-1:] if result.stdout.strip() else []
    log(f"{label}: pytest {' '.join(tail)} ({took:.0f}s)")
    try:
        data = json.loads(report.read_text())
    except ValueError:
        print(result.stdout[-3000:], result.stderr[-3000:])
        raise
    finally:
        report.unlink(missing_ok=True)
    data["took"] = took
    return data


def schemathesis_run(examples):
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "HERETOSTAY_"))},
        "DATABASE_URL": DATABASE_URL,
        "REDIS_URL": REDIS_URL,
        "HTS_ATTACK_EXAMPLES": str(examples),
    }
    data = pytest_run(
        "schemathesis", ["tests/api/test_schemathesis.py", "--create-db"], env, timeout=1800
    )
    operations = {op for op, _status, _n in data["calls"]}
    cases = sum(n for _op, _status, n in data["calls"])
    server_errors = sum(n for _op, status, n in data["calls"] if status >= 500)
    part = "schemathesis"
    figure(part, "examples per operation (suite: 8)", examples)
    figure(part, "operations fuzzed", len(operations))
    figure(part, "requests (cases, both roles, stateful steps)", f"{cases} in {data['took']:.0f}s")
    statuses = Counter()
    for _op, status, n in data["calls"]:
        statuses[f"{status // 100}xx"] += n
    figure(part, "statuses", dict(sorted(statuses.items())))
    figure(part, "5xx", server_errors, must=0)
    for error in data["server_errors"][:10]:
        print(f"    5xx: {error}")
    failed = data["failures"]
    for failure in failed:
        text = failure["text"]
        checks = sorted(set(re.findall(r"(?m)^[\s|]*- ((?:ST\d+ )?[A-Z][^\n]+)$", text)))
        curls = re.findall(r"(?m)^[\s|]*(curl [^\n]+)$", text)
        print(f"    FAILED {failure['test']}: {'; '.join(checks) or text[-300:]}")
        for curl in curls[:3]:
            print(f"      {curl}")
    figure(part, "failing tests (schema mismatches and other check failures)", len(failed), must=0)
    return data


def matrix_run():
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")},
    }
    data = pytest_run("permission matrix", ["tests/test_permission_matrix.py"], env, timeout=1200)
    part = "roles x endpoints"
    figure(part, "endpoints", data["endpoints"])
    figure(part, "callers (roles)", data["callers"])
    figure(part, "(caller, endpoint) pairs checked", data["pairs"])
    passed = sum(
        n for when, outcome, n in data["outcomes"] if when == "call" and outcome == "passed"
    )
    failed = len(data["failures"])
    figure(part, "tests passed / failed", f"{passed}/{failed}")
    figure(part, "failed", failed, must=0)
    for failure in data["failures"]:
        print(f"    FAILED {failure['test']}: {failure['text'][-400:]}")
    return data


# -- the run ----------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--examples", type=int, default=25, help="schemathesis examples per operation"
    )
    parser.add_argument(
        "--skip",
        action="append",
        default=[],
        choices=("schemathesis", "http-schemathesis", "matrix", "hostile", "concurrency", "faults"),
    )
    parser.add_argument(
        "--http-examples", type=int, default=10, help="examples per operation over HTTP"
    )
    parser.add_argument(
        "--keep-db",
        action="store_true",
        help="leave the example site's database in place afterwards (to look into a finding)",
    )
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="attack-"))
    processes = Processes(workdir)
    cache = redis.Redis.from_url(REDIS_URL)
    ok = False
    try:
        drop_databases(create=True)
        cache.flushdb()
        log(f"database {database_name()}, Redis {REDIS_URL}, work folder {workdir}")
        env, info = setup_site(workdir)
        if not {"hostile", "http-schemathesis", "concurrency"} <= set(args.skip):
            site = Site(processes, "site", env)
            info["form"] = Forms(site.client().get(info["petition_path"]).text).having("email")
            log(f"example site up on :{site.port} (2 processes x 8 threads, DEBUG off)")
            try:
                if "hostile" not in args.skip:
                    log("3. hostile inputs")
                    hostile(site, info, {})
                if "http-schemathesis" not in args.skip:
                    log("1b. schemathesis over HTTP")
                    schemathesis_http(site, info, args.http_examples)
                if "concurrency" not in args.skip:
                    log("4. concurrency")
                    concurrency(site, info, "all up", "storm", confirmed_count=True)
            finally:
                site.stop()
        if "faults" not in args.skip:
            log("4. faults: email backend failing")
            email_failing(processes, workdir, info)
            cache.flushdb()
            log("4. faults: Redis unreachable")
            redis_down(processes, workdir, info)
            log("4. faults: database down")
            database_down(processes, workdir, info)
        processes.stop()
        if "schemathesis" not in args.skip:
            log(f"1. schemathesis, {args.examples} examples per operation")
            cache.flushdb()
            schemathesis_run(args.examples)
        if "matrix" not in args.skip:
            log("2. permission matrix")
            matrix_run()
        ok = True
    except Exception as error:  # noqa: BLE001 - reported, then the run fails
        import traceback

        traceback.print_exc()
        figure("run", "stopped", f"{type(error).__name__}: {error}", must="")
        processes.tail()
    finally:
        processes.stop()
        try:
            if not args.keep_db:
                drop_databases()
            cache.flushdb()
        except Exception as error:  # noqa: BLE001
            print(f"cleanup: {error}")
        shutil.rmtree(workdir, ignore_errors=True)
    print("\nSummary (issue 14, example site on PostgreSQL and Redis)\n")
    width = max(len(f"{part}: {name}") for part, name, _v, _m in ROWS) if ROWS else 10
    failures = 0
    for part, name, value, must in ROWS:
        verdict = "" if must is None else ("ok" if value == must else f"FAIL, must be {must}")
        failures += bool(must is not None and value != must)
        print(f"  {f'{part}: {name}':<{width}}  {value!s:<40} {verdict}")
    print(f"\n{failures} figure(s) off")
    return 0 if ok and not failures else 1


if __name__ == "__main__":
    sys.exit(main())
