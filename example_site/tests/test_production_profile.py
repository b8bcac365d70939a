"""The example site's production profile (docs/deploying.md, "Production profile"):
gunicorn, PostgreSQL, Redis, the task worker, generated files in storage and purges to
Varnish, all from the environment; ``check --deploy`` clean with all of it set.

Settings are read at import, so each case runs Python in a subprocess with the
environment a server would have (``run`` from test_production_settings). The processes
themselves run together in tests/scaleout/run.py (``make scaleout``, in .ci/run).
"""

import json
import runpy

import pytest
from django.conf import settings

from example_site.tests.test_production_settings import PRODUCTION_ENV, run

PROJECT_DIR = settings.BASE_DIR.parent

#: Everything docs/deploying.md's production profile sets, behind Varnish and a TLS proxy.
PROFILE_ENV = {
    **PRODUCTION_ENV,
    # Not connected to by `check` (a database that does not exist shows it if it were).
    "DATABASE_URL": "postgres://heretostay:secret@127.0.0.1:5432/no_such_database_for_check",
    "REDIS_URL": "redis://127.0.0.1:6379/3",
    "FRONTEND_CACHE_URL": "http://127.0.0.1:6081",
    "DJANGO_MEDIA_ROOT": "/srv/heretostay/media",
    "DJANGO_STATIC_ROOT": "/srv/heretostay/static",
    # HTTPS ends at the proxy, which says so; Django still redirects plain HTTP.
    "DJANGO_SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto",
    "HERETOSTAY_NUM_PROXIES": "2",
    "HERETOSTAY_THROTTLE_RATES": "sign=30/m,pledge=30/m",
}

SHOW = """
import json
from example_site import settings as s
print(json.dumps({
    "apps": s.INSTALLED_APPS,
    "frontend_cache": getattr(s, "WAGTAILFRONTENDCACHE", None),
    "frontend_cache_languages": getattr(s, "WAGTAILFRONTENDCACHE_LANGUAGES", None),
    "caches": s.CACHES if hasattr(s, "CACHES") else None,
    "database": {k: s.DATABASES["default"][k] for k in ("ENGINE", "NAME", "CONN_HEALTH_CHECKS")},
    "tasks": s.TASKS["default"]["BACKEND"],
    "media_root": str(s.MEDIA_ROOT),
    "static_root": str(s.STATIC_ROOT),
    "storages": s.STORAGES,
    "throttle_rates": s.HERETOSTAY["THROTTLE_RATES"],
}))
"""


def profile(env):
    result = run(["-c", SHOW], env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_check_deploy_is_clean_with_the_production_profile():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], PROFILE_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (1 silenced)." in result.stdout, result.stdout


def test_the_profile_is_postgresql_redis_the_task_queue_and_shared_storage():
    found = profile(PROFILE_ENV)
    assert found["database"] == {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "no_such_database_for_check",
        "CONN_HEALTH_CHECKS": True,
    }
    # Redis, answering as a miss when unreachable (heretostay_wagtail/core/cache.py).
    assert found["caches"]["default"] == {
        "BACKEND": "heretostay_wagtail.core.cache.FailSafeRedisCache",
        "LOCATION": "redis://127.0.0.1:6379/3",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
    # Wagtail's PostgreSQL search index needs it (Django 6 checks: postgres.E005).
    assert "django.contrib.postgres" in found["apps"]
    assert found["tasks"] == "django_tasks_db.DatabaseBackend"
    assert found["media_root"] == "/srv/heretostay/media"
    assert found["static_root"] == "/srv/heretostay/static"
    assert found["storages"]["default"]["BACKEND"] == (
        "django.core.files.storage.FileSystemStorage"
    )


def test_without_redis_check_deploy_warns_about_per_process_throttles():
    """Two app servers with a per-process cache would each allow the full rate."""
    env = {k: v for k, v in PROFILE_ENV.items() if k != "REDIS_URL"}
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)
    assert result.returncode != 0
    assert "heretostay.W030" in result.stdout + result.stderr


def test_frontend_cache_is_configured_only_from_the_environment():
    found = profile(PROFILE_ENV)
    assert "wagtail.contrib.frontend_cache" in found["apps"]
    assert found["frontend_cache"] == {
        "default": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": "http://127.0.0.1:6081",
        }
    }
    # Pages exist in English and Spanish only: one PURGE per language and path.
    assert found["frontend_cache_languages"] == ["en", "es"]

    unset = profile({k: v for k, v in PROFILE_ENV.items() if k != "FRONTEND_CACHE_URL"})
    assert "wagtail.contrib.frontend_cache" not in unset["apps"]
    assert unset["frontend_cache"] is None


def test_generated_files_can_go_to_a_private_s3_bucket():
    found = profile(
        {
            **PROFILE_ENV,
            "AWS_STORAGE_BUCKET_NAME": "heretostay-files",
            "AWS_S3_ENDPOINT_URL": "https://objects.example.net",
            "AWS_S3_REGION_NAME": "eu-1",
        }
    )
    storage = found["storages"]["default"]
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert storage["OPTIONS"]["bucket_name"] == "heretostay-files"
    assert storage["OPTIONS"]["endpoint_url"] == "https://objects.example.net"
    assert storage["OPTIONS"]["region_name"] == "eu-1"
    # Delivery PDFs list supporters' names: no public ACL, signed expiring URLs, and a
    # new file never replaces another of the same name.
    assert storage["OPTIONS"]["default_acl"] is None
    assert storage["OPTIONS"]["querystring_auth"] is True
    assert storage["OPTIONS"]["file_overwrite"] is False
    # Static files stay where collectstatic puts them.
    assert found["storages"]["staticfiles"]["BACKEND"].startswith("django.contrib.staticfiles")


def test_throttle_rates_from_the_environment():
    assert profile(PROFILE_ENV)["throttle_rates"] == {"sign": "30/m", "pledge": "30/m"}
    assert profile(PRODUCTION_ENV)["throttle_rates"] == {}  # the package's defaults


@pytest.mark.parametrize("rates", ["sign", "sign=lots", "sign=10", "=10/m", "sign=10/w"])
def test_malformed_throttle_rates_refuse_to_start(rates):
    """A typo must not switch a limit off (an unparsable rate would mean no limit)."""
    result = run(["-c", SHOW], {**PRODUCTION_ENV, "HERETOSTAY_THROTTLE_RATES": rates})
    assert result.returncode != 0
    assert "HERETOSTAY_THROTTLE_RATES" in result.stderr and "ImproperlyConfigured" in result.stderr


def gunicorn_config(monkeypatch, **env):
    for name in ("GUNICORN_BIND", "WEB_CONCURRENCY", "GUNICORN_TIMEOUT", "GUNICORN_ACCESS_LOG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(PROJECT_DIR / "example_site" / "gunicorn.conf.py"))


def test_gunicorn_config(monkeypatch):
    config = gunicorn_config(monkeypatch)
    assert config["wsgi_app"] == "example_site.wsgi:application"
    assert config["bind"] == ["127.0.0.1:8000"]  # behind the proxy, on loopback
    assert config["workers"] >= 2 and config["timeout"] == 30
    # No access log unless asked for: it would keep every supporter's IP address.
    assert config["accesslog"] is None

    config = gunicorn_config(
        monkeypatch,
        GUNICORN_BIND="0.0.0.0:8080",
        WEB_CONCURRENCY="3",
        GUNICORN_TIMEOUT="60",
        GUNICORN_ACCESS_LOG="-",
    )
    assert config["bind"] == ["0.0.0.0:8080"]
    assert (config["workers"], config["timeout"], config["accesslog"]) == (3, 60, "-")
