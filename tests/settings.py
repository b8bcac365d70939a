"""Test settings: the example site's, with fast and observable backends.

DATABASE_URL=postgres://postgres@127.0.0.1:5432/test runs the suite on PostgreSQL.
"""

import os

from example_site.settings import *  # noqa: F401,F403

DEBUG = False
SECRET_KEY = "tests-only-secret"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
    }
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
HERETOSTAY = {"PHONE_DEFAULT_REGION": "US"}
WAGTAILADMIN_BASE_URL = "http://testserver"
MEDIA_ROOT = os.environ.get("HERETOSTAY_TEST_MEDIA", "/tmp/heretostay-test-media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
