"""Pledging through the page, as a supporter on a phone would."""

import pytest
from django.core import mail

from heretostay_wagtail.core import conf
from heretostay_wagtail.models import CampaignCounter, Pledge

pytestmark = pytest.mark.django_db


def form_data(roles=(), **kwargs):
    data = {
        "name": "Ana Flores",
        "email": "Ana@Example.org",
        "phone": "(312) 555-0101",
        "area": " 60608 ",
        "roles": [r.pk for r in roles],
        "languages": ["es"],
        "availability": ["weekends", "on_call"],
        "alert_sms": "on",
        "alert_email": "on",
    }
    data.update(kwargs)
    return {k: v for k, v in data.items() if v is not None}


def test_page_shows_statement_and_unticked_consents(client, pledge_page):
    response = client.get(pledge_page.url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "I pledge to physically show up for immigrants" in html
    assert "Rapid responder / legal observer" in html
    assert 'name="alert_sms"' in html and 'name="alert_email"' in html
    assert "checked" not in html.split('name="alert_sms"')[1].split(">")[0]
    for forbidden in ("immigration status</label", "country of origin</label", "citizenship"):
        assert forbidden not in html.lower()


def test_pledge_in_english_records_everything_and_counts(
    client, pledge_page, roles, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(
            pledge_page.url, form_data(roles=[roles["driver"], roles["interpreter"]])
        )
        assert not mail.outbox  # the manage link is emailed after the commit
    assert len(callbacks) == 1
    assert response.status_code == 302
    assert response["Location"].endswith("/thanks/")
    pledge = Pledge.objects.get()
    assert pledge.email_normalized == "ana@example.org"
    assert pledge.area_normalized == "60608" and pledge.phone.as_e164 == "+13125550101"
    assert {r.code for r in pledge.roles.all()} == {"driver", "interpreter"}
    assert pledge.language_list == ["es"] and pledge.availability_list == ["weekends", "on_call"]
    assert pledge.alert_sms_consent_text == str(pledge_page.get_sms_consent_text())
    assert pledge.alert_sms_consent_at and pledge.alert_email_consent_at
    assert pledge.ip_hash and pledge.language == "en"
    assert CampaignCounter.totals(pledge_page.campaign_key)["count"] == 1
    # The manage link is emailed to the pledger.
    assert len(mail.outbox) == 1 and "/manage/" in mail.outbox[0].body
    thanks = client.get(response["Location"])
    assert "Thank you for pledging" in thanks.content.decode()


def test_pledge_in_spanish_counts_on_the_same_campaign(
    client, pledge_page, pledge_page_es, roles_es, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(pledge_page.url, form_data(email="uno@example.org"))
    page = client.get(pledge_page_es.url)
    html = page.content.decode()
    assert "Me comprometo a presentarme" in html
    assert "Conductor" in html  # the role names in Spanish
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            pledge_page_es.url, form_data(email="dos@example.org", roles=[roles_es["driver"]])
        )
    assert response.status_code == 302
    assert len(mail.outbox) == 2
    spanish = Pledge.objects.get(email_normalized="dos@example.org")
    assert spanish.language == "es" and spanish.campaign_key == pledge_page.campaign_key
    assert "Tu compromiso" in mail.outbox[-1].subject
    thanks = client.get(response["Location"])
    assert "¡Gracias por comprometerte!" in thanks.content.decode()
    assert CampaignCounter.totals(pledge_page.campaign_key)["count"] == 2


def test_consent_is_opt_in(client, pledge_page):
    client.post(pledge_page.url, form_data(alert_sms=None, alert_email=None, phone=""))
    pledge = Pledge.objects.get()
    assert not pledge.alert_sms and not pledge.alert_email
    assert pledge.alert_sms_consent_text == "" and pledge.alert_sms_consent_at is None


def test_repeat_email_same_response_no_change(
    client, pledge_page, pledge_page_es, django_capture_on_commit_callbacks, monkeypatch
):
    # Past the per-record email cooldown (tests/pledges/test_cooldown.py covers it), so
    # the repeat's "you already pledged" email goes out as soon as it is asked for.
    monkeypatch.setitem(conf.DEFAULTS, "EMAIL_COOLDOWN_SECONDS", 0)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(pledge_page.url, form_data(area="60608"))
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(
            pledge_page_es.url, form_data(email=" ana@EXAMPLE.org", area="99999", name="Someone")
        )
    assert first.status_code == again.status_code == 302
    assert first["Location"].rsplit("/", 2)[-2] == again["Location"].rsplit("/", 2)[-2]
    pledge = Pledge.objects.get()
    assert pledge.area == "60608" and pledge.name == "Ana Flores"  # not overwritten
    assert CampaignCounter.totals(pledge_page.campaign_key)["count"] == 1
    # Only the address's owner learns it was already used (with their link again).
    assert len(mail.outbox) == 2 and "already" in mail.outbox[1].subject


def test_field_errors_are_clear_and_keep_input(client, pledge_page):
    response = client.post(
        pledge_page.url,
        form_data(email="not-an-email", phone="12", area="", name="Ana\x07"),
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Please correct the following" in html
    assert "Enter a valid email address" in html
    assert "Enter a valid phone number" in html
    assert "Postal code or neighborhood" in html and "This field is required" in html
    assert "characters that are not allowed" in html
    assert 'value="not-an-email"' in html
    assert Pledge.objects.count() == 0


def test_text_alerts_need_a_phone(client, pledge_page):
    response = client.post(pledge_page.url, form_data(phone=""))
    assert response.status_code == 400
    assert (
        "Enter a mobile phone number to receive alerts by text message" in response.content.decode()
    )


def test_spanish_errors(client, pledge_page_es):
    response = client.post(pledge_page_es.url, form_data(phone="", email="x"))
    html = response.content.decode()
    assert response.status_code == 400
    assert "Introduce un número de teléfono móvil" in html


def test_overlong_area_rejected(client, pledge_page):
    response = client.post(pledge_page.url, form_data(area="x" * 101))
    assert response.status_code == 400
    assert Pledge.objects.count() == 0


def test_honeypot_is_ignored_quietly(client, pledge_page, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(pledge_page.url, form_data(website="http://spam.example"))
    assert response.status_code == 302
    assert not callbacks  # nothing queued for after the commit either
    assert Pledge.objects.count() == 0 and len(mail.outbox) == 0


def test_throttled_after_rate(client, pledge_page, settings):
    settings.HERETOSTAY = {**settings.HERETOSTAY, "THROTTLE_RATES": {"pledge": "2/m"}}
    for n in range(2):
        assert client.post(pledge_page.url, form_data(email=f"p{n}@example.org")).status_code == 302
    response = client.post(pledge_page.url, form_data(email="p9@example.org"))
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert Pledge.objects.count() == 2


def test_deleting_a_pledge_uncounts_it_and_recount_agrees(pledge_page):
    from django.core.management import call_command

    from .helpers import make_pledge

    keep = make_pledge(pledge_page, email="keep@example.org")
    gone = make_pledge(pledge_page, email="gone@example.org")
    from heretostay_wagtail.pledges import services as pledging

    withdrawn = make_pledge(pledge_page, email="withdrawn@example.org")
    pledging.withdraw(withdrawn)
    gone.delete()
    assert CampaignCounter.totals(pledge_page.campaign_key)["count"] == 1
    CampaignCounter.objects.all().update(count=99)
    call_command("heretostay_recount", stdout=open("/dev/null", "w"))
    assert CampaignCounter.totals(pledge_page.campaign_key)["count"] == 1
    assert keep.pk


def test_form_posts_back_to_its_error_summary(client, pledge_page):
    """A failed pledge without JavaScript reloads at the form's error summary, focused
    (a fragment naming a focusable element moves the focus there), not at the top of the
    page with the errors a phone screen or two below."""
    html = client.get(pledge_page.url).content.decode()
    assert f'action="{pledge_page.url}#error-summary"' in html
    assert 'id="hts-pledge-heading"' in html
    response = client.post(pledge_page.url, form_data(email="x"))
    assert response.status_code == 400
    html = response.content.decode()
    assert f'action="{pledge_page.url}#error-summary"' in html
    # The summary comes right after the heading the form returns to, and takes the focus
    # on load (with or without JavaScript), so a screen reader starts there.
    assert html.index('id="hts-pledge-heading"') < html.index('id="error-summary"')
    assert 'id="error-summary" autofocus>' in html


def test_share_email_speaks_of_a_pledge_in_the_page_language(client, pledge_page_es):
    from urllib.parse import unquote

    with_english_browser = client.get(pledge_page_es.url, HTTP_ACCEPT_LANGUAGE="en")
    html = unquote(with_english_browser.content.decode())
    assert "Acabo de hacer este compromiso" in html
    assert "I just signed" not in html and "Acabo de firmar" not in html


def test_pledging_only_queues_one_email_new_or_repeat(
    client, pledge_page, settings, django_capture_on_commit_callbacks
):
    """With a real queue, the request sends nothing itself: a new and a repeat pledge each
    queue the one manage-link email (so they cost the same), and no reference-index
    update is queued (a pledger is not a "usage" of the page)."""
    from django_tasks import default_task_backend
    from wagtail.models import ReferenceIndex

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}

    def pledge(**fields):
        default_task_backend.clear()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(pledge_page.url, form_data(**fields))
        assert response.status_code == 302
        return [result.task.name for result in default_task_backend.results]

    assert pledge(area="60608") == ["send_manage_link"]
    assert pledge(email="ANA@example.org", area="60608") == ["send_manage_link"]
    assert mail.outbox == []
    assert not ReferenceIndex.objects.filter(content_type__model="pledge").exists()
