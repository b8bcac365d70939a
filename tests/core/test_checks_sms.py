"""System checks on the text-message settings (heretostay.E030-E033) and the throttle
cache (heretostay.W030), run as ``manage.py check`` and ``check --deploy`` run them."""

import pytest
from django.core import checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings

CONSOLE = "heretostay_wagtail.pledges.sms.backends.console.SMSBackend"
LOCMEM = "heretostay_wagtail.pledges.sms.backends.locmem.SMSBackend"
TWILIO = "heretostay_wagtail.pledges.sms.backends.twilio.SMSBackend"
CUSTOM = "tests.pledges.failing_sms.AlwaysFailing"  # a provider's backend, signing with HMAC

TWILIO_READY = {
    "SMS_BACKEND": TWILIO,
    "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
    "TWILIO_AUTH_TOKEN": "token",
    "TWILIO_MESSAGING_SERVICE_SID": "MG" + "1" * 32,
}
REDIS = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache"}}
LOCMEM_CACHE = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def ids(deploy=True):
    found = checks.run_checks(include_deployment_checks=deploy)
    return sorted(
        m.id for m in found if m.id and m.id.startswith(("heretostay.E03", "heretostay.W03"))
    )


@pytest.mark.parametrize("backend", [CONSOLE, LOCMEM])
def test_development_backend_is_an_error_with_debug_off(backend):
    with override_settings(DEBUG=False, HERETOSTAY={"SMS_BACKEND": backend}, CACHES=REDIS):
        assert ids() == ["heretostay.E030"]
        assert ids(deploy=True) == ["heretostay.E030"]
    with override_settings(DEBUG=True, HERETOSTAY={"SMS_BACKEND": backend}, CACHES=REDIS):
        assert ids(deploy=True) == []


def test_the_default_backend_is_the_console():
    with override_settings(DEBUG=False, HERETOSTAY={}, CACHES=REDIS):
        assert ids() == ["heretostay.E030"]
        # A deployment check: `migrate` and the worker still run on a site that sends no
        # texts; `check --deploy` (the deployment's gate) refuses.
        assert ids(deploy=False) == []


def test_check_command_fails_on_the_console_backend_in_production():
    with override_settings(DEBUG=False, HERETOSTAY={"SMS_BACKEND": CONSOLE}, CACHES=REDIS):
        with pytest.raises(SystemCheckError, match="heretostay.E030"):
            call_command("check", "--deploy")


def test_a_configured_twilio_backend_passes():
    with override_settings(DEBUG=False, HERETOSTAY=TWILIO_READY, CACHES=REDIS):
        assert ids(deploy=True) == []


def test_twilio_without_an_auth_token_cannot_verify_webhooks():
    settings = {**TWILIO_READY, "TWILIO_AUTH_TOKEN": None, "SMS_WEBHOOK_SECRET": "not used"}
    with override_settings(DEBUG=False, HERETOSTAY=settings, CACHES=REDIS):
        assert ids() == ["heretostay.E031", "heretostay.E032"]
        [missing] = [
            m
            for m in checks.run_checks(include_deployment_checks=True)
            if m.id == "heretostay.E032"
        ]
        assert "TWILIO_AUTH_TOKEN" in missing.msg
    with override_settings(DEBUG=True, HERETOSTAY=settings, CACHES=REDIS):
        assert ids() == ["heretostay.E032"]  # it cannot send at all, even in development


@pytest.mark.parametrize(
    "missing, named",
    [
        ({"TWILIO_ACCOUNT_SID": None}, "TWILIO_ACCOUNT_SID"),
        ({"TWILIO_MESSAGING_SERVICE_SID": None}, "TWILIO_FROM_NUMBER"),
    ],
)
def test_twilio_needs_an_account_and_a_sender(missing, named):
    with override_settings(DEBUG=True, HERETOSTAY={**TWILIO_READY, **missing}):
        found = [
            m
            for m in checks.run_checks(include_deployment_checks=True)
            if m.id == "heretostay.E032"
        ]
        assert len(found) == 1 and named in found[0].msg
    sender = {**TWILIO_READY, "TWILIO_MESSAGING_SERVICE_SID": None, "TWILIO_FROM_NUMBER": "+1555"}
    with override_settings(DEBUG=True, HERETOSTAY=sender):
        assert ids() == []


def test_another_provider_needs_the_webhook_secret():
    with override_settings(DEBUG=False, HERETOSTAY={"SMS_BACKEND": CUSTOM}, CACHES=REDIS):
        assert ids() == ["heretostay.E031"]
        [error] = [
            m
            for m in checks.run_checks(include_deployment_checks=True)
            if m.id == "heretostay.E031"
        ]
        assert "SMS_WEBHOOK_SECRET" in error.msg
    configured = {"SMS_BACKEND": CUSTOM, "SMS_WEBHOOK_SECRET": "s3cret"}
    with override_settings(DEBUG=False, HERETOSTAY=configured, CACHES=REDIS):
        assert ids(deploy=True) == []
    with override_settings(DEBUG=True, HERETOSTAY={"SMS_BACKEND": CUSTOM}):
        assert ids() == []


def test_a_backend_that_cannot_be_imported():
    with override_settings(HERETOSTAY={"SMS_BACKEND": "no.such.Backend"}, DEBUG=True):
        assert ids() == ["heretostay.E033"]


def test_per_process_throttle_cache_is_a_deploy_warning():
    production = dict(DEBUG=False, HERETOSTAY=TWILIO_READY)
    with override_settings(CACHES=LOCMEM_CACHE, **production):
        assert ids(deploy=False) == []  # only with --deploy
        assert ids(deploy=True) == ["heretostay.W030"]
    dummy = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    with override_settings(CACHES=dummy, **production):
        assert ids(deploy=True) == ["heretostay.W030"]
    # THROTTLE_CACHE names the alias that matters.
    caches = {**REDIS, "local": LOCMEM_CACHE["default"]}
    with override_settings(
        CACHES=caches, DEBUG=False, HERETOSTAY={**TWILIO_READY, "THROTTLE_CACHE": "local"}
    ):
        assert ids(deploy=True) == ["heretostay.W030"]
    with override_settings(CACHES=REDIS, **production):
        assert ids(deploy=True) == []
    with override_settings(CACHES=LOCMEM_CACHE, DEBUG=True, HERETOSTAY=TWILIO_READY):
        assert ids(deploy=True) == []


def test_campaign_form_middleware_check(settings):
    from heretostay_wagtail.core.checks import check_cacheable_campaign_pages

    assert check_cacheable_campaign_pages() == []  # the test settings install it first
    csrf = "django.middleware.csrf.CsrfViewMiddleware"
    ours = "heretostay_wagtail.core.middleware.CampaignFormMiddleware"
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != ours]
    assert [w.id for w in check_cacheable_campaign_pages()] == ["heretostay.W040"]
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, ours]  # after CSRF: too late
    warning = check_cacheable_campaign_pages()[0]
    assert warning.id == "heretostay.W040" and "after CsrfViewMiddleware" in warning.msg
    assert csrf in settings.MIDDLEWARE
