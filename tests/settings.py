"""Settings of the test project: the package installed in a minimal host site.

Independent of example_site (which has its own smoke tests in example_site/tests): the
only host app is ``tests.testapp`` (a home page), with fast and observable backends.

DATABASE_URL=postgres://postgres@127.0.0.1:5432/test runs the suite on PostgreSQL;
REDIS_URL=redis://127.0.0.1:6379/0 puts the cache on Redis.
"""

import os
import tempfile
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

DEBUG = False
SECRET_KEY = "tests-only-secret"
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]

INSTALLED_APPS = [
    "tests.testapp",
    "heretostay_wagtail",
    "wagtail_localize",
    "wagtail_localize.locales",  # replaces wagtail.locales
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.frontend_cache",  # purge on publish (tests/petitions/test_live_count.py)
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "phonenumber_field",
    "django_tasks",
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
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
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

ROOT_URLCONF = "tests.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
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

# SQLite by default (pytest-django tests in memory; benchmarks pass their own file).
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{Path(tempfile.gettempdir()) / 'heretostay-tests.sqlite3'}",
        conn_max_age=60,
    )
}

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # As the example site's production profile: psycopg may prepare statements, so the
    # package's sign-up statement is prepared (core/recording.py).
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 5

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
    }

TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LANGUAGE_CODE = "en"
TIME_ZONE = "America/New_York"
USE_I18N = True
USE_TZ = True
WAGTAIL_I18N_ENABLED = True
# The languages of the sample defense cards (heretostay_wagtail/guides/samples.py).
LANGUAGES = WAGTAIL_CONTENT_LANGUAGES = [
    ("en", _("English")),
    ("es", _("Spanish")),
    ("ar", "العربية"),
    ("zh-hans", "简体中文"),
    ("ko", "한국어"),
    ("pa", "ਪੰਜਾਬੀ"),
    ("ti", "ትግርኛ"),
    ("fa", "فارسی"),
]

STATIC_URL = "/static/"
STATIC_ROOT = Path(tempfile.gettempdir()) / "heretostay-test-static"
MEDIA_URL = "/media/"
MEDIA_ROOT = os.environ.get("HERETOSTAY_TEST_MEDIA", "/tmp/heretostay-test-media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "heretostay_private": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

WAGTAIL_SITE_NAME = "Here to Stay tests"
WAGTAILADMIN_BASE_URL = "http://testserver"
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
DEFAULT_FROM_EMAIL = "Here to Stay tests <campaigns@example.org>"

PHONENUMBER_DEFAULT_REGION = "US"

HERETOSTAY = {"PHONE_DEFAULT_REGION": "US"}

REST_FRAMEWORK = {"DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema"}
SPECTACULAR_SETTINGS = {
    "TITLE": "heretostay-wagtail API",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
}

DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Accounts of campaign starters (django-allauth; docs/grassroots.md).
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
