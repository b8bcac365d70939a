"""Settings of the intake and page-cache benchmarks (``bench_intake.py``,
``bench_page_cache.py``): the test project with DEBUG off, PostgreSQL and Redis, plus the
baselines (``benchmarks/baseline``) mounted beside the package. Not for production.

DATABASE_URL and REDIS_URL come from the benchmark; ``BENCH_THROTTLE_RATE`` raises the
package's per-IP rates, since every request of a benchmark comes from one address (the
throttles still run: one cache increment per request, as in production).
"""

import os

from tests.settings import *  # noqa: F403
from tests.settings import HERETOSTAY, INSTALLED_APPS

DEBUG = False
ROOT_URLCONF = "benchmarks.intake_urls"
INSTALLED_APPS = ["benchmarks.baseline", *INSTALLED_APPS]

if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "heretostay_wagtail.core.cache.FailSafeRedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": os.environ.get("BENCH_CACHE_PREFIX", "bench"),
        }
    }

_rate = os.environ.get("BENCH_THROTTLE_RATE", "1000000/m")
HERETOSTAY = {
    **HERETOSTAY,
    "THROTTLE_RATES": {
        "sign": _rate,
        "pledge": _rate,
        "confirm": _rate,
        "api_public": _rate,
        "api_staff": _rate,
    },
}

# Generated files (defense cards, delivery PDFs, exports) in folders every gunicorn
# worker shares, as in production (the test project keeps them in each process's memory).
if os.environ.get("BENCH_FILES_ROOT"):
    MEDIA_ROOT = os.path.join(os.environ["BENCH_FILES_ROOT"], "media")
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "heretostay_private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {
                "location": os.path.join(os.environ["BENCH_FILES_ROOT"], "private"),
                "base_url": None,
            },
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }

#: The page-cache benchmark's static file (a file of the petition page's size).
BENCH_STATIC_ROOT = os.environ.get("BENCH_STATIC_ROOT", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
