"""Rapid-response alerts through the API: the admin's permissions, the two-person rule
enforced by the same service, reach, and a send that never messages anyone twice."""

import pytest
from django.test import override_settings
from django.utils import timezone
from wagtail.models.audit_log import ModelLogEntry

from heretostay_wagtail.models import Alert, AlertDelivery, Pledge
from heretostay_wagtail.pledges import services as pledging
from heretostay_wagtail.pledges import sms
from tests.conftest import grant

from .conftest import token_client

pytestmark = pytest.mark.django_db

ALL = (
    "heretostay.add_alert",
    "heretostay.change_alert",
    "heretostay.view_alert",
    "heretostay.verify_alert",
    "heretostay.send_alert",
)


@pytest.fixture(autouse=True)
def _sms():
    sms.outbox.clear()
    with override_settings(
        HERETOSTAY={
            "PHONE_DEFAULT_REGION": "US",
            "SMS_BACKEND": "heretostay_wagtail.pledges.sms.backends.locmem.SMSBackend",
        }
    ):
        yield
    sms.outbox.clear()


def user_client(django_user_model, name, *perms):
    user = django_user_model.objects.create_user(name, f"{name}@example.org", "pw")
    return user, token_client(grant(user, *perms))


@pytest.fixture
def author(django_user_model):
    return user_client(django_user_model, "author", *ALL)


@pytest.fixture
def second(django_user_model):
    return user_client(django_user_model, "second", *ALL)


@pytest.fixture
def network(pledge_page, roles):
    for i, (area, role) in enumerate((("60608", "driver"), ("60623", "interpreter"))):
        pledging.pledge(
            pledge_page,
            {
                "name": f"Volunteer {i}",
                "email": f"v{i}@example.org",
                "phone": f"+1312555010{i}",
                "area": area,
                "roles": [roles[role]],
                "alert_sms": True,
            },
            notify=False,
        )
    # Their phones are verified (the code texted to them, typed back).
    Pledge.objects.update(phone_verified_at=timezone.now())
    return pledge_page


def create(client, page, **kwargs):
    body = {
        "campaign": page.pk,
        "message": "Checkpoint reported at 26th and Pulaski.",
        "areas": "606",
        **kwargs,
    }
    return client.post("/api/v1/alerts/", body, format="json")


def test_create_preview_verify_send_with_two_people(
    author, second, network, django_capture_on_commit_callbacks
):
    (author_user, author_api), (second_user, second_api) = author, second
    response = create(author_api, network, roles=["driver"])
    assert response.status_code == 201
    alert = response.json()
    assert alert["status"] == "draft" and alert["roles"] == ["driver"]
    assert alert["reach"] == {"channels": {"sms": 1}, "people": 1, "unverified": {"sms": 0}}
    assert response["Location"] == alert["url"]
    assert author_api.get(alert["url"]).json()["reach"]["people"] == 1
    assert ModelLogEntry.objects.filter(action="heretostay.alert.create").count() == 1

    # The author cannot verify their own alert, nor send it unverified.
    seen = {"fingerprint": alert["fingerprint"]}
    refused = author_api.post(alert["url"] + "verify/", seen, format="json")
    assert refused.status_code == 409
    assert refused.json()["detail"] == "Another person must verify an alert you created."
    assert author_api.post(alert["url"] + "send/").status_code == 409
    assert Alert.objects.get().status == "draft"

    verified = second_api.post(alert["url"] + "verify/", seen, format="json")
    assert verified.status_code == 200 and verified.json()["status"] == "verified"
    assert verified.json()["verified_by"] == second_user.pk
    assert second_api.post(alert["url"] + "verify/", seen, format="json").status_code == 409

    with django_capture_on_commit_callbacks(execute=True):
        sent = author_api.post(alert["url"] + "send/")
    assert sent.status_code == 200 and sent.json()["status"] == "sent"
    assert [m.to for m in sms.outbox] == ["+13125550100"]

    # Sending again (a retry, or the other person) answers the same and sends nothing.
    with django_capture_on_commit_callbacks(execute=True):
        again = second_api.post(alert["url"] + "send/")
    assert again.status_code == 200 and again.json()["sent_by"] == author_user.pk
    assert len(sms.outbox) == 1 and AlertDelivery.objects.count() == 1
    actions = set(ModelLogEntry.objects.values_list("action", flat=True))
    assert {"heretostay.alert.verify", "heretostay.alert.send"} <= actions
    assert ModelLogEntry.objects.filter(action="heretostay.alert.send").count() == 1


def test_validation_errors_name_the_field_in_spanish(author, network):
    _user, client = author
    response = client.post(
        "/api/v1/alerts/",
        {"campaign": network.pk, "message": "x", "areas": "60608 <script>", "roles": ["nope"]},
        format="json",
        HTTP_ACCEPT_LANGUAGE="es",
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"areas", "roles"}
    assert "código postal" in errors["areas"][0]["message"]
    response = create(client, network, campaign=999999)
    assert response.status_code == 400 and "campaign" in response.json()["errors"]
    assert not Alert.objects.exists()


def test_permissions(api, editor_api, django_user_model, network, author):
    _user, author_api = author
    url = create(author_api, network).json()["url"]
    _v, viewer = user_client(django_user_model, "alertviewer", "heretostay.view_alert")
    for client, code in ((api, 401), (editor_api, 403), (viewer, 403)):
        assert create(client, network).status_code == code
        assert client.post(url + "verify/", {"fingerprint": "0" * 64}).status_code == code
        assert client.post(url + "send/").status_code == code
    assert api.get(url).status_code == 401
    assert editor_api.get(url).status_code == 403
    assert viewer.get(url).status_code == 200
    assert Alert.objects.count() == 1 and Alert.objects.get().status == "draft"
