"""Pledge campaigns through the API: read, pledge, and the staff roster and exports."""

import csv
import io
import json

import pytest
from django.core import mail
from django.http import StreamingHttpResponse
from django.test import override_settings
from wagtail.models.audit_log import ModelLogEntry

from heretostay_wagtail.core import conf
from heretostay_wagtail.models import CampaignCounter, Pledge, Source
from heretostay_wagtail.pledges import services as pledging
from tests.conftest import grant

from .conftest import PLEDGER, token_client

pytestmark = pytest.mark.django_db

LIST = "/api/v1/pledges/"
PLEDGERS = "/api/v1/pledgers/"
CSV = "/api/v1/pledgers/export.csv"
NDJSON = "/api/v1/pledgers/export.ndjson"


def create_url(page):
    return f"/api/v1/pledges/{page.pk}/pledgers/"


def detail_url(page):
    return f"/api/v1/pledges/{page.pk}/"


# -- public reads ------------------------------------------------------------------------


def test_list_and_detail_show_the_campaign_with_its_live_count(api, pledge_page):
    api.post(create_url(pledge_page), PLEDGER, format="json")
    body = api.get(LIST).json()
    assert body["count"] == 1
    item = body["results"][0]
    assert item["id"] == pledge_page.pk
    assert item["statement"] == pledge_page.statement
    assert item["progress"]["count"] == 1
    assert item["goal"] == 50
    assert item["is_open"] is True and item["closed_reason"] is None
    assert item["url"].startswith("http") and item["share"]["url"] == item["url"]
    assert item["pledge_url"].endswith(create_url(pledge_page))
    codes = [r["code"] for r in item["roles"]]
    assert "driver" in codes and "interpreter" in codes
    assert {"code": "es", "name": "Spanish"} in item["languages"]
    detail = api.get(detail_url(pledge_page)).json()
    assert detail == item


def test_spanish_page_lists_roles_in_spanish_and_links_translations(api, pledge_page_es):
    detail = api.get(detail_url(pledge_page_es), HTTP_ACCEPT_LANGUAGE="es").json()
    assert detail["locale"] == "es"
    driver = next(r for r in detail["roles"] if r["code"] == "driver")
    assert driver["name"] == "Conductor/a"
    assert [t["locale"] for t in detail["translations"]] == ["en"]
    english = api.get(LIST, {"locale": "en"}).json()["results"]
    assert [p["id"] for p in english] == [
        pledge_page_es.get_translation_or_none(pledge_page_es.locale.get_default()).pk
    ]


def test_public_responses_hold_no_personal_data(api, pledge_page):
    api.post(create_url(pledge_page), PLEDGER, format="json")
    for url in (LIST, detail_url(pledge_page)):
        text = api.get(url).content.decode()
        for value in ("Ana Responder", "ana.pledger", "555-0199", "62701"):
            assert value not in text


def test_unknown_campaign_and_unknown_parameter(api, pledge_page, petition):
    assert api.get("/api/v1/pledges/999999/").status_code == 404
    assert api.get(f"/api/v1/pledges/{petition.pk}/").status_code == 404  # not a pledge
    response = api.get(LIST, {"colour": "red"})
    assert response.status_code == 400
    assert "colour" in response.json()["errors"]


# -- pledging ----------------------------------------------------------------------------


def test_pledge_records_through_the_pledging_service(
    api, pledge_page, roles, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = api.post(create_url(pledge_page), PLEDGER, format="json")
        assert not mail.outbox  # the manage link leaves after the commit
    assert response.status_code == 202
    assert len(callbacks) == 1
    [email] = mail.outbox
    assert email.to == ["ana.pledger@example.org"] and "/manage/" in email.body
    assert response.json()["status"] == "received"
    pledge = Pledge.objects.get()
    assert pledge.source == Source.API
    assert pledge.area == "62701"
    assert set(pledge.roles.values_list("code", flat=True)) == {"driver", "interpreter"}
    assert pledge.language_list == ["en", "es"]
    assert pledge.alert_sms and pledge.alert_sms_consent_text
    assert pledge.ip_hash and "127.0.0.1" not in pledge.ip_hash
    assert CampaignCounter.totals(pledge_page.campaign_key)["count"] == 1


def test_spanish_pledger_picks_roles_by_the_same_codes(api, pledge_page_es, roles):
    response = api.post(
        create_url(pledge_page_es), PLEDGER, format="json", HTTP_ACCEPT_LANGUAGE="es"
    )
    assert response.status_code == 202
    pledge = Pledge.objects.get()
    assert pledge.language == "es"
    assert {r.translation_key for r in pledge.roles.all()} == {
        roles["driver"].translation_key,
        roles["interpreter"].translation_key,
    }


def test_new_and_repeat_pledgers_get_identical_answers(
    api, pledge_page, pledge_page_es, django_capture_on_commit_callbacks, monkeypatch
):
    # Past the per-record email cooldown (tests/pledges/test_cooldown.py covers it), so
    # the repeat's "you already pledged" email goes out as soon as it is asked for.
    monkeypatch.setitem(conf.DEFAULTS, "EMAIL_COOLDOWN_SECONDS", 0)
    with django_capture_on_commit_callbacks(execute=True):
        first = api.post(create_url(pledge_page), PLEDGER, format="json")
    # The same person again, in the other language and with different details.
    with django_capture_on_commit_callbacks(execute=True):
        again = api.post(
            create_url(pledge_page_es), {**PLEDGER, "name": "Someone Else"}, format="json"
        )
    with django_capture_on_commit_callbacks(execute=True):
        other = api.post(
            create_url(pledge_page), {**PLEDGER, "email": "new@example.org"}, format="json"
        )
    assert first.status_code == again.status_code == other.status_code == 202
    assert first.content == again.content == other.content
    assert Pledge.objects.count() == 2
    assert Pledge.objects.get(email="ana.pledger@example.org").name == "Ana Responder"
    # Only the address's owner learns it was already used: by email, after the commit.
    assert [(m.to, "already" in m.subject) for m in mail.outbox] == [
        (["ana.pledger@example.org"], False),
        (["ana.pledger@example.org"], True),
        (["new@example.org"], False),
    ]


def test_validation_errors_name_each_field(api, pledge_page):
    response = api.post(
        create_url(pledge_page),
        {"email": "not-an-email", "alert_sms": True, "roles": ["astronaut"]},
        format="json",
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert {"name", "email", "area", "roles", "phone"} <= set(errors)
    assert Pledge.objects.count() == 0


def test_validation_errors_in_spanish(api, pledge_page):
    response = api.post(
        create_url(pledge_page),
        {**PLEDGER, "area": "", "phone": "", "alert_sms": True},
        format="json",
        HTTP_ACCEPT_LANGUAGE="es",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["detail"].startswith("Algunos")
    assert body["errors"]["area"][0]["message"] == "Este campo es requerido."
    assert "mensaje de texto" in body["errors"]["phone"][0]["message"]


def test_unknown_fields_and_wrong_types_are_refused(api, pledge_page):
    response = api.post(
        create_url(pledge_page), {**PLEDGER, "immigration_status": "x"}, format="json"
    )
    assert response.status_code == 400
    assert "immigration_status" in response.json()["errors"]
    response = api.post(create_url(pledge_page), {**PLEDGER, "roles": "driver"}, format="json")
    assert response.status_code == 400
    assert "roles" in response.json()["errors"]


def test_closed_campaign_refuses_pledges(api, home, roles):
    from django.utils import timezone

    from tests.pledges.conftest import make_pledge_page

    page = make_pledge_page(home, slug="closed", closes_at=timezone.now())
    response = api.post(create_url(page), PLEDGER, format="json")
    assert response.status_code == 400
    assert response.json()["detail"] == "This campaign is closed."
    assert Pledge.objects.count() == 0


@override_settings(HERETOSTAY={"THROTTLE_RATES": {"pledge": "2/m"}})
def test_pledging_is_throttled_and_shares_the_web_forms_budget(api, pledge_page):
    for i in range(2):
        response = api.post(
            create_url(pledge_page), {**PLEDGER, "email": f"p{i}@example.org"}, format="json"
        )
        assert response.status_code == 202
    response = api.post(
        create_url(pledge_page), {**PLEDGER, "email": "p3@example.org"}, format="json"
    )
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert response.json()["code"] == "throttled"
    assert Pledge.objects.count() == 2


# -- staff: roster and exports -----------------------------------------------------------


@pytest.fixture
def pledged(pledge_page, roles):
    pledging.pledge(pledge_page, {**PLEDGER, "roles": [roles["driver"]]}, notify=False)
    pledging.pledge(
        pledge_page,
        {
            "name": '=HYPERLINK("http://evil")',
            "email": "b@example.org",
            "area": "10001",
            "languages": ["fr"],
            "roles": [roles["interpreter"]],
        },
        notify=False,
    )
    return pledge_page


@pytest.fixture
def roster_viewer(django_user_model):
    user = django_user_model.objects.create_user("rosterview", "rv@example.org", "pw")
    return token_client(grant(user, "heretostay.view_pledge"))


@pytest.fixture
def roster_exporter(django_user_model):
    user = django_user_model.objects.create_user("rosterexp", "re@example.org", "pw")
    return token_client(
        grant(
            user,
            "heretostay.view_pledge",
            "heretostay.view_pledge_contact",
            "heretostay.export_pledge",
        )
    )


def test_roster_needs_the_admins_permission(api, editor_api, roster_viewer, pledged):
    assert api.get(PLEDGERS).status_code == 401
    assert editor_api.get(PLEDGERS).status_code == 403
    response = roster_viewer.get(PLEDGERS)
    assert response.status_code == 200
    assert response.json()["count"] == 2
    entry = ModelLogEntry.objects.get(action="heretostay.view")
    assert entry.data["model"] == "heretostay.Pledge" and entry.data["records"] == 2
    assert entry.data["contacts"] is False


def test_roster_filters_like_the_admin(roster_viewer, pledged):
    def names(**params):
        return [p["name"] for p in roster_viewer.get(PLEDGERS, params).json()["results"]]

    assert names(area="627") == ["Ana Responder"]
    assert names(area="100, 627") and len(names(area="100, 627")) == 2
    assert names(role="driver") == ["Ana Responder"]
    assert names(language="fr") == ['=HYPERLINK("http://evil")']
    assert names(availability="weekends") == ["Ana Responder"]
    assert names(alert_sms="true") == ["Ana Responder"]
    assert names(campaign=pledged.pk) and len(names(campaign=pledged.pk)) == 2
    assert names(withdrawn="true") == []
    assert len(names(trained="false")) == 2
    bad = roster_viewer.get(PLEDGERS, {"role": "astronaut"})
    assert bad.status_code == 400 and "role" in bad.json()["errors"]
    bad = roster_viewer.get(PLEDGERS, {"availability": "never"}, HTTP_ACCEPT_LANGUAGE="es")
    assert bad.status_code == 400
    assert "availability" in bad.json()["errors"]
    assert "válid" in bad.json()["errors"]["availability"][0]["message"]


def test_export_needs_the_export_permission(api, editor_api, roster_viewer, pledged):
    assert api.get(CSV).status_code == 401
    assert editor_api.get(CSV).status_code == 403
    assert roster_viewer.get(CSV).status_code == 403
    assert not ModelLogEntry.objects.filter(action="heretostay.export").exists()


def test_csv_export_streams_neutralized_and_is_audited(roster_exporter, pledged):
    response = roster_exporter.get(CSV, {"role": "interpreter"})
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:4] == ["ID", "Campaign", "Language", "Name"]
    assert len(rows) == 2
    assert rows[1][3].startswith("'=")
    entry = ModelLogEntry.objects.get(action="heretostay.export")
    assert entry.data["model"] == "heretostay.Pledge"
    assert entry.data["filters"] == {"role": "interpreter"}


def test_ndjson_export_streams_one_object_per_line(roster_exporter, pledged):
    response = roster_exporter.get(NDJSON, HTTP_ACCEPT_LANGUAGE="es")
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "application/x-ndjson"
    lines = b"".join(response.streaming_content).decode().splitlines()
    records = [json.loads(line) for line in lines]
    assert {r["email"] for r in records} == {"ana.pledger@example.org", "b@example.org"}
    assert next(r for r in records if r["email"] == "b@example.org")["roles"] == "interpreter"


def test_spanish_csv_headings(roster_exporter, pledged):
    response = roster_exporter.get(CSV, HTTP_ACCEPT_LANGUAGE="es")
    heading = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()[0]
    assert "Nombre" in heading


def test_answers_in_spanish(api, pledge_page):
    response = api.post(create_url(pledge_page), PLEDGER, format="json", HTTP_ACCEPT_LANGUAGE="es")
    assert response.json()["detail"].startswith("¡Gracias! Hemos recibido tu compromiso.")
    missing = api.get("/api/v1/pledges/999999/", HTTP_ACCEPT_LANGUAGE="es")
    assert missing.json()["detail"] == (
        "No hay ninguna campaña de compromiso con este identificador."
    )


@override_settings(HERETOSTAY={"THROTTLE_RATES": {"pledge": "1/m"}})
def test_web_form_and_api_share_the_pledge_budget(api, client, pledge_page):
    from tests.pledges.test_pledge_page import form_data

    assert client.post(pledge_page.url, form_data()).status_code == 302
    response = api.post(create_url(pledge_page), PLEDGER, format="json")
    assert response.status_code == 429
    assert Pledge.objects.count() == 1
