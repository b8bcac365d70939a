"""Settings of the example site: a host project installing heretostay-wagtail.

The lines marked "heretostay" are the ones a host project adds (see README).
Production runs with DEBUG off, the default: it then needs its secrets in the
environment and sends secure cookies, HSTS and a Content-Security-Policy
(docs/deploying.md). ``make demo`` turns DEBUG on (DJANGO_DEBUG=1).
"""

import os
import re
import sys
from pathlib import Path

import dj_database_url
from corsheaders.defaults import default_headers as corsheaders_default_headers
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _


def env_flag(name, default):
    """A yes/no environment variable: "1", "true", "yes", "on" (any case) are yes."""
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def env_list(name, default):
    """A comma-separated environment variable, without empty items."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def required_secret(name, what, *, testing_value):
    """A secret from the environment; refuses to start without it (DEBUG off)."""
    value = os.environ.get(name, "").strip()
    if value:
        return value
    if TESTING:
        return testing_value
    raise ImproperlyConfigured(
        f"Set the environment variable {name}: {what} With DEBUG off (the default) the "
        "example site does not start without it. Make one with: python -c "
        '"import secrets; print(secrets.token_urlsafe(50))" (see docs/deploying.md). '
        "For the demo, run `make demo` or set DJANGO_DEBUG=1."
    )


BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent
# The port `make demo` serves on (PORT=8123 make demo); the headless example's own port
# when it is served on its own (python -m http.server 8001 -d example_site/headless).
DEMO_PORT = os.environ.get("PORT", "8000")
HEADLESS_PORT = os.environ.get("HEADLESS_PORT", "8001")

#: What the demo's SQLite database needs for concurrent requests (Django 5.1+).
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}

# Off unless asked for: `make demo` (and the browser tests' demo server) set DJANGO_DEBUG=1.
DEBUG = env_flag("DJANGO_DEBUG", False)
#: The test suite (make test) imports these settings as production does, DEBUG off, but
#: without production secrets: it gets throwaway keys instead of a refusal to start.
TESTING = "pytest" in sys.modules
DEMO_SECRET_KEY = "demo-only-insecure-key-change-me"
if DEBUG:
    SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or DEMO_SECRET_KEY
    # heretostay: None hashes IP addresses with SECRET_KEY (docs/settings.md, IP_HASH_SALT).
    IP_HASH_SALT = os.environ.get("HERETOSTAY_IP_HASH_SALT") or None
else:
    SECRET_KEY = required_secret(
        "DJANGO_SECRET_KEY",
        "a long random secret that signs sessions, CSRF tokens and emailed links.",
        testing_value="tests-only-" + "x" * 50,
    )
    if SECRET_KEY == DEMO_SECRET_KEY:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is the demo's published key: set a secret of your own."
        )
    IP_HASH_SALT = required_secret(
        "HERETOSTAY_IP_HASH_SALT",
        "the key of the hash that replaces supporters' IP addresses (HERETOSTAY "
        "IP_HASH_SALT), different from DJANGO_SECRET_KEY, so that rotating one "
        "leaves the other alone.",
        testing_value="tests-only-ip-hash-key",
    )
    if IP_HASH_SALT == SECRET_KEY:
        raise ImproperlyConfigured(
            "HERETOSTAY_IP_HASH_SALT must differ from DJANGO_SECRET_KEY: set a separate secret."
        )
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")

# Security headers and cookies. With DEBUG off (production) the site is HTTPS only:
# cookies are sent over HTTPS only, plain HTTP is redirected, and browsers are told by
# HSTS to use HTTPS for SECURE_HSTS_SECONDS (docs/deploying.md: start small).
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = not DEBUG
SECURE_SSL_REDIRECT = env_flag("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = 0 if DEBUG else int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_flag("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
# Preloading asks browser makers to hard-code HTTPS for the domain and every subdomain,
# which takes months to undo: opt in with DJANGO_SECURE_HSTS_PRELOAD=1. While it is off,
# `check --deploy` is told so (security.W021 is silenced).
SECURE_HSTS_PRELOAD = env_flag("DJANGO_SECURE_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
# Behind a reverse proxy that ends TLS: the header it sets on HTTPS requests, e.g.
# DJANGO_SECURE_PROXY_SSL_HEADER=X-Forwarded-Proto (value "https"), or "Name: value".
# Only set it when the proxy always sets or overwrites that header.
if os.environ.get("DJANGO_SECURE_PROXY_SSL_HEADER", "").strip():
    _header, _sep, _value = os.environ["DJANGO_SECURE_PROXY_SSL_HEADER"].partition(":")
    _header = _header.strip().upper().replace("-", "_")
    SECURE_PROXY_SSL_HEADER = (
        _header if _header.startswith("HTTP_") else f"HTTP_{_header}",
        _value.strip() or "https",
    )
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# Supporters' pages say what they care about: other sites they follow a link to are not
# told which page they came from.
SECURE_REFERRER_POLICY = "same-origin"

INSTALLED_APPS = [
    "example_site.home",
    "example_site.demo",
    # heretostay
    "heretostay_wagtail",
    "wagtail_localize",
    "wagtail_localize.locales",  # replaces wagtail.locales
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI served locally (no CDN)
    "phonenumber_field",
    "django_tasks",
    "django_tasks_db",  # the task queue (TASKS below; manage.py db_worker runs it)
    "corsheaders",
    "csp",  # the Content-Security-Policy (below)
    # Wagtail
    "wagtail.api.v2",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # heretostay: accounts of campaign starters (docs/grassroots.md), after the package,
    # whose templates restyle allauth's.
    "allauth",
    "allauth.account",
]

MIDDLEWARE = [
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Before LocaleMiddleware: /ar/..., /ti/... (languages of the cards, with no pages)
    # go to the same page in the default language.
    "example_site.middleware.ContentLanguageMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Campaign sign-up forms without a CSRF cookie, so campaign pages are cacheable
    # (before CsrfViewMiddleware; docs/security.md).
    "heretostay_wagtail.core.middleware.CampaignFormMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "example_site.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

WSGI_APPLICATION = "example_site.wsgi.application"

# SQLite by default; DATABASE_URL=postgres://... switches to PostgreSQL.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{PROJECT_DIR / 'example_site.sqlite3'}",
        conn_max_age=60,
        # A connection kept between requests is checked before reuse (a restarted
        # PostgreSQL would otherwise fail the next request of every worker).
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Wagtail's search index uses PostgreSQL's full-text fields there, which need the app
    # (Django 6 refuses to start without it: postgres.E005).
    INSTALLED_APPS.append("django.contrib.postgres")
    # psycopg prepares a statement run this many times on one connection; the package
    # then prepares its sign-up statement (core/recording.py), saving PostgreSQL a parse
    # and plan per signature. Django's own queries bind on the client and are unchanged.
    # Behind a pooler in transaction mode that cannot keep prepared statements (PgBouncer
    # before 1.21), set DATABASE_PREPARE_THRESHOLD=off.
    _prepare = os.environ.get("DATABASE_PREPARE_THRESHOLD", "5")
    if _prepare.lower() not in ("off", "none", ""):
        DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = int(_prepare)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The admin writes from several requests at once (autosave while publishing): WAL lets
    # readers and one writer work together, IMMEDIATE takes the write lock when a
    # transaction starts (a deferred one that reads, then writes, fails at once with
    # "database is locked" when another request holds the lock), and the timeout is how
    # long a request waits for that lock, in seconds.
    DATABASES["default"]["OPTIONS"] = {
        **DATABASES["default"].get("OPTIONS", {}),
        **SQLITE_OPTIONS,
    }

# Throttling and generated-file bookkeeping use the cache: with more than one app
# server, point it at Redis (REDIS_URL=redis://127.0.0.1:6379/0).
# The fail-safe backend answers as a miss when Redis cannot be reached, so pages and
# sign-ups keep working (Wagtail reads its site lookup from this cache on every request).
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "heretostay_wagtail.core.cache.FailSafeRedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }

# heretostay: background work (emails, PDFs, alerts) is queued in the database and run by
# a worker, `manage.py db_worker` (`make demo` starts one beside the web server), so no
# email is ever sent inside a request: a sign-up answers as fast for a repeat email as
# for a new one. The tests run tasks in-process (HERETOSTAY_TASKS=immediate).
TASKS_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
TASKS = {
    "default": {
        "BACKEND": TASKS_BACKENDS[
            os.environ.get("HERETOSTAY_TASKS", "immediate" if TESTING else "database")
        ]
    }
}

# heretostay: accounts of campaign starters (django-allauth; docs/grassroots.md): email
# and password, no username; the email is verified with a code sent to it (the demo prints
# it on the console), so the browser that started a campaign keeps it; failed logins are
# rate-limited by allauth in the cache (ACCOUNT_RATE_LIMITS: its defaults).
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
ACCOUNT_ADAPTER = "heretostay_wagtail.grassroots.accounts.AccountAdapter"
LOGIN_URL = "account_login"
# After logging in (outside the start flow, which returns to its own step): My Campaigns.
LOGIN_REDIRECT_URL = "heretostay:heretostay_mycampaigns_index"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

# Internationalization: English and Spanish ship with the package.
LANGUAGE_CODE = "en"
TIME_ZONE = "America/New_York"
USE_I18N = True
USE_TZ = True
WAGTAIL_I18N_ENABLED = True
LANGUAGES = WAGTAIL_CONTENT_LANGUAGES = [
    ("en", _("English")),
    ("es", _("Spanish")),
]
#: The languages the site's pages (and its error pages) are written in.
PAGE_LANGUAGES = [code for code, _name in LANGUAGES]
# The example site's own strings (home page); the package ships its catalogue itself.
LOCALE_PATHS = [BASE_DIR / "locale"]
# heretostay: languages the demo's defense cards are published in (see docs/cards.md).
LANGUAGES = WAGTAIL_CONTENT_LANGUAGES = LANGUAGES + [
    ("ar", "العربية"),
    ("zh-hans", "简体中文"),
    ("ko", "한국어"),
    ("pa", "ਪੰਜਾਬੀ"),
    ("ti", "ትግርኛ"),
    ("fa", "فارسی"),
]

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT") or PROJECT_DIR / "var" / "static")
STATICFILES_DIRS = [BASE_DIR / "static"]  # the home page's styles, the favicon
MEDIA_URL = "/media/"
# Uploaded and generated files (delivery PDFs, card files, images): one folder that every
# app server and worker shares (DJANGO_MEDIA_ROOT), or an S3-compatible bucket below.
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT") or PROJECT_DIR / "var" / "media")
# Files that list supporters (delivery PDFs, exports) go to a folder no web server serves
# (DJANGO_PRIVATE_ROOT, shared like MEDIA_ROOT); the package reads them back only through
# views that check permissions and write the audit log (HERETOSTAY PRIVATE_STORAGE).
PRIVATE_ROOT = Path(os.environ.get("DJANGO_PRIVATE_ROOT") or PROJECT_DIR / "var" / "private")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "heretostay_private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_ROOT), "base_url": None},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if os.environ.get("AWS_STORAGE_BUCKET_NAME", "").strip():
    # pip install "heretostay-wagtail[s3]" (django-storages); boto3 takes the credentials
    # from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY. Files stay private: their URLs are
    # signed and expire (delivery PDFs list supporters' names), none is overwritten.
    _s3 = {
        "bucket_name": os.environ["AWS_STORAGE_BUCKET_NAME"].strip(),
        "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
        "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
        "default_acl": None,
        "querystring_auth": True,
        "file_overwrite": False,
    }
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": _s3}
    STORAGES["heretostay_private"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {**_s3, "location": "private"},
    }

WAGTAIL_SITE_NAME = "Here to Stay demo"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", f"http://localhost:{DEMO_PORT}")
# A front-end cache (Varnish with deploy/varnish.vcl, or another that takes HTTP PURGE):
# publishing a page purges its URLs there (Wagtail's frontend_cache, by a task the worker
# runs). FRONTEND_CACHE_URL is where the PURGE requests go, e.g. http://127.0.0.1:6081.
if os.environ.get("FRONTEND_CACHE_URL", "").strip():
    INSTALLED_APPS.append("wagtail.contrib.frontend_cache")
    WAGTAILFRONTENDCACHE = {
        "default": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": os.environ["FRONTEND_CACHE_URL"].strip(),
        }
    }
    # Pages exist in these languages only (other prefixes redirect): purge those.
    WAGTAILFRONTENDCACHE_LANGUAGES = PAGE_LANGUAGES
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = "Here to Stay demo <campaigns@example.org>"

PHONENUMBER_DEFAULT_REGION = "US"


def env_rates(name):
    """Per-IP rates over the package's defaults: "sign=30/m,pledge=30/m" (THROTTLE_RATES)."""
    rates = {}
    for item in env_list(name, ""):
        scope, _sep, rate = item.partition("=")
        if not re.fullmatch(r"\w+", scope.strip()) or not re.fullmatch(
            r"\d+/[smhd]\w*", rate.strip()
        ):
            raise ImproperlyConfigured(
                f"{name}: {item!r} is not scope=rate, e.g. sign=30/m (docs/deploying.md)."
            )
        rates[scope.strip()] = rate.strip()
    return rates


# heretostay: package settings (all optional; see docs/settings.md).
HERETOSTAY = {
    "DOUBLE_OPT_IN": os.environ.get("HERETOSTAY_DOUBLE_OPT_IN", "0") == "1",
    "PHONE_DEFAULT_REGION": "US",
    "IP_HASH_SALT": IP_HASH_SALT,  # a separate key in production (above)
    # Reverse proxies in front of Django whose X-Forwarded-For is trusted (client IPs
    # for throttling and IP hashes).
    "NUM_PROXIES": int(os.environ.get("HERETOSTAY_NUM_PROXIES", "0")),
    # Per-IP rates, e.g. raised where many supporters share one address (a school, a
    # carrier's NAT): HERETOSTAY_THROTTLE_RATES="sign=30/m,pledge=30/m".
    "THROTTLE_RATES": env_rates("HERETOSTAY_THROTTLE_RATES"),
    # Public counts refresh every minute in production, so one submission cannot be seen
    # to move them; the demo (and its tests) show the running count, so a newcomer sees it
    # move.
    "PUBLIC_COUNT_INTERVAL": int(
        os.environ.get("HERETOSTAY_PUBLIC_COUNT_INTERVAL", "0" if DEBUG or TESTING else "60")
    ),
    # Text messages (docs/sms.md): the demo prints them (the console backend, refused by
    # `check` with DEBUG off); production sends them through Twilio, configured by these
    # variables (the auth token also verifies Twilio's webhooks).
    "SMS_BACKEND": os.environ.get(
        "HERETOSTAY_SMS_BACKEND",
        "heretostay_wagtail.pledges.sms.backends.console.SMSBackend"
        if DEBUG or TESTING
        else "heretostay_wagtail.pledges.sms.backends.twilio.SMSBackend",
    ),
    "TWILIO_ACCOUNT_SID": os.environ.get("TWILIO_ACCOUNT_SID"),
    "TWILIO_AUTH_TOKEN": os.environ.get("TWILIO_AUTH_TOKEN"),
    "TWILIO_MESSAGING_SERVICE_SID": os.environ.get("TWILIO_MESSAGING_SERVICE_SID"),
    "TWILIO_FROM_NUMBER": os.environ.get("TWILIO_FROM_NUMBER"),
}

# heretostay: the REST API.
REST_FRAMEWORK = {"DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema"}
SPECTACULAR_SETTINGS = {
    "TITLE": "heretostay-wagtail API",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The package's schema view uses its own settings (heretostay_wagtail/api/docs.py,
    # SCHEMA_SETTINGS); `check --deploy` builds a schema with these: the same hook and
    # enum names keep it to the package's API (not Wagtail's admin and v2 APIs).
    "PREPROCESSING_HOOKS": ["heretostay_wagtail.api.docs.only_this_api"],
    "ENUM_NAME_OVERRIDES": {
        "PetitionStatusEnum": "heretostay_wagtail.petitions.models.PetitionStatus",
        "SignerFieldEnum": "heretostay_wagtail.petitions.models.FieldChoice",
        "EmailStatusEnum": ["subscribed", "unsubscribed"],
        "ReceivedStatusEnum": ["received"],
        "ConfirmedStatusEnum": ["confirmed"],
    },
}

# The demo serves the headless example itself at /headless/ (same origin: no CORS needed).
# Served on its own it is another origin: allow its port, and the demo's own port under
# its other name (a page on localhost calling the API on 127.0.0.1 is cross-origin).
CORS_ALLOWED_ORIGINS = os.environ.get(
    "CORS_ALLOWED_ORIGINS",
    ",".join(
        f"http://{host}:{port}"
        for port in dict.fromkeys([HEADLESS_PORT, DEMO_PORT])
        for host in ("localhost", "127.0.0.1")
    ),
).split(",")
CORS_URLS_REGEX = r"^/api/.*$"
# The headless example sends Accept-Language to get answers in the chosen language.
CORS_ALLOW_HEADERS = (*corsheaders_default_headers, "accept-language")

DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Content-Security-Policy (django-csp 4) of the public pages: scripts, styles, images and
# API calls from this site only, no plugins, no framing. The inline <style> that carries
# the site's branding colours (heretostay/base.html) is allowed by 'unsafe-inline' for
# styles only (scripts stay strict): a per-request nonce would make every page differ
# per visitor, and public pages must be cacheable as they are. The Wagtail admin (inline scripts and styles of its own) and Swagger UI (an inline
# script) get no policy from here. With DEBUG on (the demo) the policy is only reported
# (Content-Security-Policy-Report-Only, in the browser's console), never enforced.
_CSP = {
    "EXCLUDE_URL_PREFIXES": ("/admin/", "/api/v1/docs/"),
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}
if DEBUG:
    CONTENT_SECURITY_POLICY_REPORT_ONLY = _CSP
else:
    CONTENT_SECURITY_POLICY = _CSP

# Errors go to the server's log (stderr), never to the page: with DEBUG off a visitor
# gets templates/500.html. (With DEBUG on, Django's own console logging shows them.)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"debug_off": {"()": "django.utils.log.RequireDebugFalse"}},
    "handlers": {
        "stderr": {"class": "logging.StreamHandler", "filters": ["debug_off"]},
    },
    "root": {"handlers": ["stderr"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}
