"""System checks on a host's settings that would make the package unsafe in production.

Run by ``manage.py check`` (and ``check --deploy``), and before ``runserver`` and
``migrate``. IDs: ``heretostay.W0xx`` warnings, ``heretostay.E0xx`` errors; W010 lives
in ``core/messages.py``. Text messages (E030-E033), the throttle cache (W030) and
cacheable pages (W040) are deployment checks (``check --deploy``).
"""

from django.conf import settings
from django.core import checks
from django.utils.module_loading import import_string

from heretostay_wagtail.core.conf import get_setting

#: Task backends that run a task inside the call that enqueues it.
IN_PROCESS_TASK_BACKENDS = (
    "django_tasks.backends.immediate.ImmediateBackend",
    "django.tasks.backends.immediate.ImmediateBackend",
)


@checks.register(checks.Tags.security, deploy=True)
def check_tasks_backend(app_configs=None, **kwargs):
    """Warn when emails would be sent inside requests in production.

    With an in-process task backend, the confirmation or "you already signed" email is
    sent while the supporter waits: sign-ups slow down with the mail server, a mail
    outage slows every sign-up, and the answer's timing can differ between a new and a
    repeat email. A queue (e.g. django-tasks-db and its ``db_worker``) fixes all three.
    """
    backend = getattr(settings, "TASKS", {}).get("default", {}).get("BACKEND", "")
    if settings.DEBUG or backend not in IN_PROCESS_TASK_BACKENDS:
        return []
    return [
        checks.Warning(
            "The default task backend runs tasks inside the request "
            f"({backend}): emails are sent while supporters wait, and alerts and "
            "delivery PDFs are made in the request.",
            hint=(
                "Use a queue, e.g. TASKS = {'default': {'BACKEND': "
                "'django_tasks_db.DatabaseBackend'}} with 'django_tasks_db' in "
                "INSTALLED_APPS and `manage.py db_worker` running (docs/deploying.md)."
            ),
            id="heretostay.W020",
        )
    ]


# -- Text messages (rapid-response alerts) ----------------------------------------------

#: SMS backends that deliver nothing: they print or keep messages in memory.
DEVELOPMENT_SMS_BACKENDS = (
    "heretostay_wagtail.pledges.sms.backends.console.SMSBackend",
    "heretostay_wagtail.pledges.sms.backends.locmem.SMSBackend",
)
#: Cache backends that keep their data in each process (or nowhere).
PER_PROCESS_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


@checks.register(checks.Tags.security, deploy=True)
def check_sms_backend(app_configs=None, **kwargs):
    """The text-message backend must deliver (E030), be importable (E033), have its
    credentials and sender (E032), and let the webhooks be verified (E031).

    The backend is imported by its dotted path (the setting), to read its
    ``webhook_signature``; core imports no feature module by name.
    """
    path = get_setting("SMS_BACKEND") or ""
    errors = []
    if path in DEVELOPMENT_SMS_BACKENDS:
        if not settings.DEBUG:
            errors.append(
                checks.Error(
                    f"HERETOSTAY['SMS_BACKEND'] is a development backend ({path}) and "
                    "DEBUG is off: text alerts would be marked sent while no phone gets "
                    "them (the console backend also prints phone numbers into the logs).",
                    hint=(
                        "Configure a real provider, e.g. 'heretostay_wagtail.pledges.sms."
                        "backends.twilio.SMSBackend' with the TWILIO_* settings "
                        "(docs/deploying.md, Text messages)."
                    ),
                    id="heretostay.E030",
                )
            )
        return errors
    try:
        backend = import_string(path)
    except ImportError as exc:
        return [
            checks.Error(
                f"HERETOSTAY['SMS_BACKEND'] cannot be imported ({path}): {exc}.",
                hint=(
                    "Check the dotted path; the Twilio backend needs the 'twilio' extra "
                    "(pip install 'heretostay-wagtail[twilio]')."
                ),
                id="heretostay.E033",
            )
        ]
    signature = getattr(backend, "webhook_signature", "hmac")
    if signature == "twilio":
        missing = [
            name for name in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN") if not get_setting(name)
        ]
        if not (get_setting("TWILIO_MESSAGING_SERVICE_SID") or get_setting("TWILIO_FROM_NUMBER")):
            missing.append("TWILIO_MESSAGING_SERVICE_SID or TWILIO_FROM_NUMBER")
        if missing:
            errors.append(
                checks.Error(
                    "The Twilio SMS backend is missing HERETOSTAY settings: "
                    + ", ".join(missing)
                    + ".",
                    hint=(
                        "Set the account SID and auth token, and a sender: a Messaging "
                        "Service SID (recommended: it handles STOP/START) or a phone number."
                    ),
                    id="heretostay.E032",
                )
            )
        verifiable = bool(get_setting("TWILIO_AUTH_TOKEN"))
        how = "TWILIO_AUTH_TOKEN (Twilio signs its webhooks with it)"
    else:
        verifiable = bool(get_setting("SMS_WEBHOOK_SECRET"))
        how = "SMS_WEBHOOK_SECRET (the key of the X-Heretostay-Signature HMAC)"
    if not verifiable and not settings.DEBUG:
        errors.append(
            checks.Error(
                "The SMS webhooks (STOP/START replies, delivery receipts) cannot be "
                f"verified: {how} is not set, so every call would be refused and STOP "
                "replies would be lost.",
                hint=f"Set HERETOSTAY['{how.split()[0]}'] (docs/deploying.md, Text messages).",
                id="heretostay.E031",
            )
        )
    return errors


@checks.register(checks.Tags.caches, deploy=True)
def check_throttle_cache(app_configs=None, **kwargs):
    """Warn when throttling counts in each process only (W030)."""
    if settings.DEBUG:
        return []
    alias = get_setting("THROTTLE_CACHE")
    backend = getattr(settings, "CACHES", {}).get(alias, {}).get("BACKEND", "")
    if backend not in PER_PROCESS_CACHES:
        return []
    return [
        checks.Warning(
            f"The throttle cache '{alias}' ({backend}) is per-process: rate limits on "
            "sign-ups, phone codes and emails count separately in each worker process and "
            "server, so they allow several times the configured rates.",
            hint=(
                "Point HERETOSTAY['THROTTLE_CACHE'] at a shared cache, e.g. Redis "
                "(django.core.cache.backends.redis.RedisCache) or the database cache."
            ),
            id="heretostay.W030",
        )
    ]


CAMPAIGN_FORM_MIDDLEWARE = "heretostay_wagtail.core.middleware.CampaignFormMiddleware"
CSRF_MIDDLEWARE = "django.middleware.csrf.CsrfViewMiddleware"


@checks.register(checks.Tags.caches, deploy=True)
def check_cacheable_campaign_pages(app_configs=None, **kwargs):
    """Warn when campaign pages cannot be cached by a shared cache or CDN.

    Without ``CampaignFormMiddleware`` (before ``CsrfViewMiddleware``) their sign-up
    forms carry a CSRF token, so every anonymous visitor gets a cookie and a page of
    their own: nothing in front of the site can absorb the viral day (docs/security.md).
    """
    middleware = list(getattr(settings, "MIDDLEWARE", []))
    if CAMPAIGN_FORM_MIDDLEWARE not in middleware:
        problem = "is not installed"
    elif CSRF_MIDDLEWARE in middleware and middleware.index(
        CAMPAIGN_FORM_MIDDLEWARE
    ) > middleware.index(CSRF_MIDDLEWARE):
        problem = "comes after CsrfViewMiddleware"
    else:
        return []
    return [
        checks.Warning(
            f"{CAMPAIGN_FORM_MIDDLEWARE} {problem}: campaign pages set a CSRF cookie for "
            "every visitor, so no shared cache or CDN can keep them.",
            hint=f"Add '{CAMPAIGN_FORM_MIDDLEWARE}' to MIDDLEWARE just before "
            f"'{CSRF_MIDDLEWARE}' (docs/deploying.md).",
            id="heretostay.W040",
        )
    ]


@checks.register(checks.Tags.security, deploy=True)
def check_private_storage(app_configs=None, **kwargs):
    """Warn when files listing supporters would share the storage of public files.

    Delivery PDFs and export files are read back only through checked, audited views;
    in the public storage (``MEDIA_ROOT`` served at ``MEDIA_URL``, or a public bucket)
    anyone who learns a name could fetch them.
    """
    from heretostay_wagtail.core import storage

    if storage.private_alias() != storage.public_alias():
        return []
    return [
        checks.Warning(
            "Delivery PDFs and export files (lists of supporters) are saved in the same "
            f"storage as public files ({storage.public_alias()!r}).",
            hint=f"Define STORAGES[{storage.PRIVATE_ALIAS!r}] (a folder no web server serves, "
            "or a private bucket) or set HERETOSTAY['PRIVATE_STORAGE'] "
            "(docs/deploying.md).",
            id="heretostay.W050",
        )
    ]
