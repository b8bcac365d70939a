"""Settings of the example site: a host project installing heretostay-wagtail.

The lines marked "heretostay" are the ones a host project adds (see README).
"""

import os
from pathlib import Path

import dj_database_url
from corsheaders.defaults import default_headers as corsheaders_default_headers
from django.utils.translation import gettext_lazy as _

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

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "demo-only-insecure-key-change-me")
DEBUG = os.environ.get("DJANGO_DEBUG", "1") == "1"
ALLOWED_HOSTS = os.environ.get(
    "DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver"
).split(",")

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
    "corsheaders",
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
]

MIDDLEWARE = [
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Before LocaleMiddleware: /ar/..., /ti/... (languages of the cards, with no pages)
    # go to the same page in the default language.
    "example_site.middleware.ContentLanguageMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
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
        default=f"sqlite:///{PROJECT_DIR / 'example_site.sqlite3'}", conn_max_age=60
    )
}
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
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
    }

# heretostay: background work. The immediate backend runs tasks in-process, which is
# right for the demo; production uses a queue (django-tasks-db or django-tasks-rq).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

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
STATIC_ROOT = PROJECT_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]  # the home page's styles, the favicon
MEDIA_URL = "/media/"
MEDIA_ROOT = PROJECT_DIR / "var" / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

WAGTAIL_SITE_NAME = "Here to Stay demo"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", f"http://localhost:{DEMO_PORT}")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = "Here to Stay demo <campaigns@example.org>"

PHONENUMBER_DEFAULT_REGION = "US"

# heretostay: package settings (all optional; see docs/settings.md).
HERETOSTAY = {
    "DOUBLE_OPT_IN": os.environ.get("HERETOSTAY_DOUBLE_OPT_IN", "0") == "1",
    "PHONE_DEFAULT_REGION": "US",
}

# heretostay: the REST API.
REST_FRAMEWORK = {"DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema"}
SPECTACULAR_SETTINGS = {
    "TITLE": "heretostay-wagtail API",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
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
