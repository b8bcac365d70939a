"""The example site's production settings (issue 14): DEBUG off unless asked for, its
secrets required, secure cookies and HSTS, a Content-Security-Policy on public pages,
`check --deploy` clean, and error pages that never show a traceback nor need the database.

Settings are read at import, so the tests that change the environment run Python in a
subprocess, as a server would start (the test run itself gets throwaway keys).
"""

import json
import os
import re
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import Client

from heretostay_wagtail.api.docs import SCHEMA_SETTINGS

PROJECT_DIR = settings.BASE_DIR.parent

#: What a production server is given (docs/deploying.md).
PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "HERETOSTAY_IP_HASH_SALT": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "act.example.org,testserver",
    # Texts go through Twilio (check refuses the console backend with DEBUG off), and
    # throttles live in Redis (shared by every app server; check does not connect).
    "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
    "TWILIO_AUTH_TOKEN": secrets.token_urlsafe(20),
    "TWILIO_MESSAGING_SERVICE_SID": "MG" + "1" * 32,
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}

SHOW_SETTINGS = """
import json
from example_site import settings as s
print(json.dumps({
    name: getattr(s, name, None)
    for name in (
        "DEBUG", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD",
        "SECURE_PROXY_SSL_HEADER", "X_FRAME_OPTIONS", "SECURE_CONTENT_TYPE_NOSNIFF",
        "SECURE_REFERRER_POLICY", "SECRET_KEY", "HERETOSTAY", "ALLOWED_HOSTS",
        "CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY",
    )
}, default=lambda value: list(value) if isinstance(value, (tuple, set)) else repr(value)))
"""


#: Other variables the example's settings read, which only ``env`` may set (CI runs the
#: suite with REDIS_URL, say: inherited, it would hide what a case leaves out).
SETTINGS_VARIABLES = (
    "REDIS_URL",
    "FRONTEND_CACHE_URL",
    "EMAIL_BACKEND",
    "WAGTAILADMIN_BASE_URL",
    "CORS_ALLOWED_ORIGINS",
)


def run(args, env):
    """Run Python in the project with only ``env`` of the DJANGO_/HERETOSTAY_ variables
    and of ``SETTINGS_VARIABLES`` (AWS_ and TWILIO_ ones too)."""
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "HERETOSTAY_", "AWS_", "TWILIO_"))
        and key not in SETTINGS_VARIABLES
    }
    clean.update(env, PYTHONPATH=str(PROJECT_DIR), DJANGO_SETTINGS_MODULE="example_site.settings")
    return subprocess.run(
        [sys.executable, *args],
        cwd=PROJECT_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=300,
    )


def settings_under(env):
    result = run(["-c", SHOW_SETTINGS], env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_debug_is_off_unless_asked_for():
    assert settings_under(PRODUCTION_ENV)["DEBUG"] is False
    assert settings_under({**PRODUCTION_ENV, "DJANGO_DEBUG": "0"})["DEBUG"] is False
    # make demo (and the browser tests' demo server) ask for it, and need no secrets.
    demo = settings_under({"DJANGO_DEBUG": "1"})
    assert demo["DEBUG"] is True and demo["SECURE_SSL_REDIRECT"] is False
    assert demo["CONTENT_SECURITY_POLICY"] is None  # reported only, in the demo
    assert demo["CONTENT_SECURITY_POLICY_REPORT_ONLY"]["DIRECTIVES"]


def test_make_demo_turns_debug_on():
    makefile = (PROJECT_DIR / "Makefile").read_text()
    assert "demo: export DJANGO_DEBUG = 1" in makefile


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "HERETOSTAY_IP_HASH_SALT"])
def test_refuses_to_start_without_its_secrets(missing):
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != missing}
    result = run(["-c", "import example_site.settings"], env)
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("django.core.exceptions.ImproperlyConfigured: ")
    assert f"Set the environment variable {missing}" in last_line


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"DJANGO_SECRET_KEY": "demo-only-insecure-key-change-me"},
            "DJANGO_SECRET_KEY is the demo's published key",
        ),
        (
            {"HERETOSTAY_IP_HASH_SALT": PRODUCTION_ENV["DJANGO_SECRET_KEY"]},
            "HERETOSTAY_IP_HASH_SALT must differ from DJANGO_SECRET_KEY",
        ),
    ],
)
def test_refuses_known_or_shared_secrets(env, message):
    result = run(["-c", "import example_site.settings"], {**PRODUCTION_ENV, **env})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and message in result.stderr


def test_production_security_settings():
    found = settings_under(PRODUCTION_ENV)
    assert found["SECRET_KEY"] == PRODUCTION_ENV["DJANGO_SECRET_KEY"]
    # The IP hash has its own key (HERETOSTAY IP_HASH_SALT, core/privacy.py).
    assert found["HERETOSTAY"]["IP_HASH_SALT"] == PRODUCTION_ENV["HERETOSTAY_IP_HASH_SALT"]
    assert found["ALLOWED_HOSTS"] == ["act.example.org", "testserver"]
    assert found["SESSION_COOKIE_SECURE"] is True and found["CSRF_COOKIE_SECURE"] is True
    assert found["SECURE_SSL_REDIRECT"] is True
    assert found["SECURE_HSTS_SECONDS"] >= 31536000
    assert found["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert found["SECURE_HSTS_PRELOAD"] is False  # opt-in only
    assert found["SECURE_PROXY_SSL_HEADER"] is None  # only when a proxy is declared
    assert found["X_FRAME_OPTIONS"] == "DENY"
    assert found["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert found["SECURE_REFERRER_POLICY"] == "same-origin"
    assert found["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["script-src"] == ["'self'"]
    assert found["CONTENT_SECURITY_POLICY_REPORT_ONLY"] is None


def test_deployment_options():
    found = settings_under(
        {
            **PRODUCTION_ENV,
            "DJANGO_SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_SECURE_HSTS_SECONDS": "300",
            "DJANGO_SECURE_HSTS_PRELOAD": "1",
            "HERETOSTAY_NUM_PROXIES": "1",
        }
    )
    assert found["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert found["SECURE_SSL_REDIRECT"] is False
    assert found["SECURE_HSTS_SECONDS"] == 300 and found["SECURE_HSTS_PRELOAD"] is True
    assert found["HERETOSTAY"]["NUM_PROXIES"] == 1
    found = settings_under({**PRODUCTION_ENV, "DJANGO_SECURE_PROXY_SSL_HEADER": "X-Scheme: on"})
    assert found["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_SCHEME", "on"]


def test_check_deploy_is_clean(tmp_path):
    """No security warning, and none from drf-spectacular's schema check."""
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        {**PRODUCTION_ENV, "DATABASE_URL": f"sqlite:///{tmp_path / 'check.sqlite3'}"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout


def test_production_queues_tasks_and_the_check_says_when_not(tmp_path):
    """Emails leave through the task queue (django-tasks-db), never inside a request; a
    site that runs tasks in-process is warned by check --deploy (heretostay.W020)."""
    database = {"DATABASE_URL": f"sqlite:///{tmp_path / 'check.sqlite3'}"}
    shown = run(
        ["-c", "from example_site import settings as s; print(s.TASKS['default']['BACKEND'])"],
        PRODUCTION_ENV,
    )
    assert shown.stdout.strip() == "django_tasks_db.DatabaseBackend", shown.stderr
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        {**PRODUCTION_ENV, **database, "HERETOSTAY_TASKS": "immediate"},
    )
    assert result.returncode != 0
    assert "heretostay.W020" in result.stdout + result.stderr


def test_schema_settings_follow_the_package():
    """check --deploy builds the schema with SPECTACULAR_SETTINGS: the same as the
    package's own schema view, so it checks the schema the site serves."""
    for key in ("PREPROCESSING_HOOKS", "ENUM_NAME_OVERRIDES"):
        assert settings.SPECTACULAR_SETTINGS[key] == SCHEMA_SETTINGS[key], key


# -- Content-Security-Policy -------------------------------------------------------------


def csp_directives(response):
    header = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part.strip())
    }


def test_public_pages_have_a_strict_policy(client, petition, pledge, guide):
    for url in ("/en/", "/es/", petition.url, pledge.url, guide.url, "/headless/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Content-Security-Policy-Report-Only" not in response
        directives = csp_directives(response)
        assert directives["default-src"] == ["'self'"], url
        assert directives["script-src"] == ["'self'"], url
        assert directives["object-src"] == ["'none'"]
        assert directives["frame-ancestors"] == ["'none'"]
        if response.streaming:
            html = b"".join(response.streaming_content).decode()
        else:
            html = response.content.decode()
        # Only scripts from files, and no style attributes.
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), url
        assert not re.search(r"<[a-z][^>]*\sstyle=", html), url
        # The branding's inline <style> is allowed by 'unsafe-inline' (styles only), with
        # no nonce in the header (it would make browsers ignore 'unsafe-inline') nor in
        # the page (a nonce per request would make the page differ per visitor).
        style_src = directives["style-src"]
        assert "'unsafe-inline'" in style_src, url
        assert not any(value.startswith("'nonce-") for value in style_src), url
        assert "nonce=" not in html, url


def test_admin_and_api_docs_have_no_policy_from_the_site(client, db):
    """Wagtail's admin and Swagger UI run inline scripts and styles of their own."""
    for url in ("/admin/login/", "/api/v1/docs/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Content-Security-Policy" not in response, url
    # The API's JSON gets the site's policy (it runs nothing).
    assert "Content-Security-Policy" in client.get("/api/v1/petitions/")


def test_secure_headers(client, petition, settings):
    response = client.get(petition.url, secure=True)
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    # Production redirects plain HTTP (the other tests turn that off).
    settings.SECURE_SSL_REDIRECT = True
    response = Client().get(petition.url)
    assert response.status_code == 301
    assert response["Location"] == f"https://testserver{petition.url}"


# -- error pages -------------------------------------------------------------------------

DATABASE_DOWN = """
from django.test import Client
import django, json
django.setup()
client = Client(raise_request_exception=False)
pages = {}
for path in ("/en/", "/es/", "/es/sanctuary-city/"):
    response = client.get(path, secure=True)
    pages[path] = [response.status_code, response.content.decode(),
                   response.get("Content-Security-Policy", "")]
print(json.dumps(pages))
"""


def test_database_down_gives_the_error_page():
    """With the database unreachable (DEBUG off) a visitor gets the 500 page, in the
    address's language, with no traceback and no setting; rendering it queries nothing
    (a query would fail again and the request would raise instead)."""
    result = run(
        ["-c", DATABASE_DOWN],
        {**PRODUCTION_ENV, "DATABASE_URL": "sqlite:////nonexistent-directory/db.sqlite3"},
    )
    assert result.returncode == 0, result.stderr
    pages = json.loads(result.stdout)
    # The error is logged for the operator (stderr), not shown to the visitor.
    assert "OperationalError" in result.stderr
    for path, (status, html, csp) in pages.items():
        assert status == 500, path
        for leak in ("Traceback", "OperationalError", "sqlite", "SECRET", "DEBUG"):
            assert leak not in html, (path, leak)
        assert "default-src 'self'" in csp
        if path.startswith("/es/"):
            assert '<html lang="es"' in html and "<h1>Algo salió mal</h1>" in html
        else:
            assert '<html lang="en"' in html and "<h1>Something went wrong</h1>" in html
        assert 'href="/static/heretostay/css/heretostay.css"' in html


def test_500_page_without_the_database():
    """In-process too: no database access is allowed in this test, so the page fails
    (and the error page is rendered) without one."""
    client = Client(raise_request_exception=False)
    response = client.get("/es/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "<h1>Algo salió mal</h1>" in html and 'lang="es"' in html
    assert "Ir a la página de inicio" in html


def test_404_page(client, demo):
    for url, lang, heading in (
        ("/en/no-such-page/", "en", "Page not found"),
        ("/es/no-such-page/", "es", "Página no encontrada"),
    ):
        response = client.get(url)
        assert response.status_code == 404
        html = response.content.decode()
        assert f'<html lang="{lang}"' in html and f"<h1>{heading}</h1>" in html
        assert '<a href="/">' in html
