"""Package settings, read from ``settings.HERETOSTAY`` with documented defaults.

One dict keeps a host project's settings file tidy; every key is optional.
See docs/settings.md for what each one does.
"""

from django.conf import settings
from django.core.signals import setting_changed

#: Settings already merged (``get_setting``): a sign-up reads a dozen, and each read of
#: ``settings.HERETOSTAY`` goes through Django's lazy settings object. Emptied when the
#: settings change (``setting_changed``: tests) and when ``DEFAULTS`` is changed.
_MERGED = {}


class _Defaults(dict):
    """The defaults; changing one (tests patch them) forgets the merged settings."""

    def __setitem__(self, name, value):
        super().__setitem__(name, value)
        _MERGED.clear()

    def __delitem__(self, name):
        super().__delitem__(name)
        _MERGED.clear()


DEFAULTS = {
    # Require supporters to confirm their email before a signature counts.
    "DOUBLE_OPT_IN": False,
    # How long a confirmation link stays valid, in seconds.
    "CONFIRMATION_MAX_AGE": 60 * 60 * 24 * 14,
    # Region used to parse phone numbers typed without a country code.
    "PHONE_DEFAULT_REGION": "US",
    # Per-IP rates, "<number>/<s|m|h|d>", enforced through Django's cache.
    "THROTTLE_RATES": {
        "sign": "10/m",
        "pledge": "10/m",
        "confirm": "20/m",
        "api_public": "60/m",
        "api_staff": "600/m",
        # Grassroots campaigns: reports of a campaign per IP, campaigns started per account.
        "report": "5/h",
        "start_campaign": "5/d",
        # Invitations to co-administer a campaign, per account (My Campaigns).
        "campaign_invite": "10/h",
    },
    # Cache alias used for throttling (must be shared by every app server).
    "THROTTLE_CACHE": "default",
    # Secret mixed into IP address hashes; falls back to SECRET_KEY.
    "IP_HASH_SALT": None,
    # Trust X-Forwarded-For from this many proxies in front of Django (0 = use REMOTE_ADDR).
    "NUM_PROXIES": 0,
    # How many times a failing email or text message is retried.
    "MAX_SEND_ATTEMPTS": 5,
    # Field limits.
    "MAX_NAME_LENGTH": 200,
    "MAX_COMMENT_LENGTH": 2000,
    "MAX_UPLOAD_SIZE": 5 * 1024 * 1024,
    # Most rows accepted in one CSV upload of paper signatures.
    "PAPER_MAX_ROWS": 5000,
    # Signers per WeasyPrint document when building a delivery PDF (bounded memory).
    "DELIVERY_CHUNK_ROWS": 1500,
    # Signers per part drawn in columns (ReportLab: fast, small); larger parts, fewer breaks.
    "DELIVERY_COLUMNS_ROWS": 5000,
    # (regular, bold) TrueType files for the columns; None finds fontconfig's sans-serif,
    # False sends every row through WeasyPrint.
    "DELIVERY_LIST_FONTS": None,
    # Processes rendering delivery PDF chunks in parallel (1 = in the task's own process).
    "PDF_PROCESSES": 2,
    # Days a finished delivery PDF (names of signers) is kept in storage before
    # heretostay_purge_deliveries / the purge_deliveries task deletes it; None keeps it.
    "DELIVERY_RETENTION_DAYS": 30,
    # Storage alias (Django STORAGES) for generated public files: card images and PDFs.
    "STORAGE": "default",
    # Storage alias for generated files that list supporters (delivery PDFs, exports):
    # None uses STORAGES["heretostay_private"] when the project defines it, else STORAGE
    # (check --deploy warns, heretostay.W050). Its files must not be served by URL.
    "PRIVATE_STORAGE": None,
    # Exports of more rows than this are written by a background task to a file in the
    # private storage (progress in the admin, an audited download); smaller ones stream.
    # None streams every export.
    "EXPORT_INLINE_MAX_ROWS": 50_000,
    # Hours an export's file can be downloaded before it is deleted.
    "EXPORT_EXPIRY_HOURS": 24,
    # How defense card downloads are answered once generated: "serve" (Django sends the
    # file) or "redirect" (to the storage's URL, where the web server, a bucket or a CDN
    # serves it as a static file: the storage's URLs must be public).
    "CARD_DOWNLOADS": "serve",
    # Seconds between refreshes of the public counts (pages, count endpoint, API): one
    # signature or pledge cannot be seen to move the count, unless nobody else signed in
    # the interval (docs/settings.md). 0 shows the running count (the demo does).
    "PUBLIC_COUNT_INTERVAL": 60,
    # Cache-Control of the public count endpoint (``<page>/count/``), for a shared cache
    # or CDN in front of the site: "max_age" None follows PUBLIC_COUNT_INTERVAL (at least
    # 5 s); a stale count may be served while it is refreshed, or while the site is down.
    "COUNT_CACHE_CONTROL": {
        "max_age": None,
        "stale_while_revalidate": 60,
        "stale_if_error": 24 * 60 * 60,
    },
    # Cache-Control of campaign pages (the page with its form, the thank-you page) for
    # anonymous visitors, when the pages carry nothing per visitor (CampaignFormMiddleware
    # installed: docs/deploying.md). A shared cache or CDN keeps them "s_maxage" seconds
    # (publishing purges them: wagtail.contrib.frontend_cache); browsers ask again each
    # time (max_age 0), so a supporter who just signed sees the page as it is now.
    # s_maxage 0 keeps them private.
    "PAGE_CACHE_CONTROL": {
        "s_maxage": 60,
        "max_age": 0,
        "stale_while_revalidate": 60,
        "stale_if_error": 24 * 60 * 60,
    },
    # Milestones shown once a goal is passed are the goal times these factors.
    "MILESTONE_FACTORS": (1.5, 2, 3, 5, 10),
    # REST API: largest request body accepted, in bytes, and page sizes of lists.
    "API_MAX_REQUEST_SIZE": 64 * 1024,
    "API_PAGE_SIZE": 20,
    "API_MAX_PAGE_SIZE": 100,
    # Dotted path of the SMS backend used for rapid-response alerts.
    "SMS_BACKEND": "heretostay_wagtail.pledges.sms.backends.console.SMSBackend",
    # Shared secret the SMS provider sends to the STOP webhook (None disables it).
    "SMS_WEBHOOK_SECRET": None,
    # How many alert messages one dispatch task sends.
    "ALERT_BATCH_SIZE": 500,
    # An alert not sent within this many hours of its creation is never sent.
    "ALERT_EXPIRY_HOURS": 12,
    # A delivery still "sending" this many seconds after a worker claimed it was left by
    # a crashed worker: the recovery task asks the provider whether it went out.
    "ALERT_SENDING_TIMEOUT": 300,
    # First wait before retrying a failed alert message; doubles with each attempt.
    "ALERT_RETRY_BASE_SECONDS": 30,
    # At most one confirmation or "you already signed/pledged" email per record in this
    # many seconds, whatever the number of repeat sign-ups (on top of the per-IP limit).
    "EMAIL_COOLDOWN_SECONDS": 60 * 60,
    # Phone verification codes: digits, lifetime, wrong tries before the code is void,
    # and how many codes one number may be sent per hour.
    "PHONE_CODE_LENGTH": 6,
    "PHONE_CODE_TTL_SECONDS": 15 * 60,
    "PHONE_CODE_MAX_TRIES": 5,
    "PHONE_CODES_PER_HOUR": 3,
    # Seconds the link that verifies a pledger's email stays valid.
    "EMAIL_VERIFY_MAX_AGE": 7 * 24 * 60 * 60,
    # Days an invitation to co-administer a campaign (My Campaigns) stays valid.
    "CAMPAIGN_INVITATION_DAYS": 7,
    # Twilio (SMS_BACKEND "heretostay_wagtail.pledges.sms.backends.twilio.SMSBackend"):
    # account, auth token (also verifies its webhooks' signatures), and the sender: a
    # Messaging Service SID or a phone number. TWILIO_API_URL points the backend at a
    # local fake in tests (None: Twilio's own API).
    "TWILIO_ACCOUNT_SID": None,
    "TWILIO_AUTH_TOKEN": None,
    "TWILIO_MESSAGING_SERVICE_SID": None,
    "TWILIO_FROM_NUMBER": None,
    "TWILIO_API_URL": None,
}


DEFAULTS = _Defaults(DEFAULTS)


def get_setting(name):
    """Return a package setting, merging dict defaults with the host's overrides.

    A dict setting comes as a new dict each time, so a caller may change its copy."""
    try:
        value = _MERGED[name]
    except KeyError:
        user = getattr(settings, "HERETOSTAY", {})
        default = DEFAULTS[name]
        value = user.get(name, default)
        if isinstance(default, dict) and isinstance(value, dict):
            value = {**default, **value}
        _MERGED[name] = value
    return dict(value) if type(value) is dict else value


def _forget(setting, **kwargs):
    if setting in ("HERETOSTAY", "SECRET_KEY"):
        _MERGED.clear()


setting_changed.connect(_forget, dispatch_uid="heretostay_conf_forget")
