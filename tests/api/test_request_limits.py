"""Bodies over Django's own upload limits get the API's 4xx, not a 500 (issue 14).

Found by benchmarks/attack.py: DRF reads the whole body (``request.body``) before
``LimitedJSONParser`` sees its size, so a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (5 MB
on the example site) raised Django's ``RequestDataTooBig`` inside the view, which the
API answered as an unexpected error (500).
"""

import pytest
from django.core.exceptions import (
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)

from heretostay_wagtail.api import errors

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_uploads(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10


def test_a_body_over_djangos_limit_is_a_413(client, petition, pledge_page, small_uploads):
    body = b'{"name": "' + b"a" * 2000 + b'", "email": "big@example.org"}'
    for url in (
        f"/api/v1/petitions/{petition.pk}/signatures/",
        f"/api/v1/pledges/{pledge_page.pk}/pledgers/",
    ):
        response = client.generic("POST", url, body, content_type="application/json")
        assert response.status_code == 413, (url, response.content[:200])
        assert response.json()["code"] == "too_large"


def test_too_many_form_fields_is_a_4xx(client, petition, small_uploads):
    body = "&".join(f"f{i}=1" for i in range(50))
    response = client.generic(
        "POST",
        f"/api/v1/petitions/{petition.pk}/signatures/",
        body,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code in (400, 415)
    assert response.json()["status"] == response.status_code


@pytest.mark.parametrize(
    "error, status",
    [
        (RequestDataTooBig(), 413),
        (TooManyFieldsSent(), 413),
        (TooManyFilesSent(), 413),
        (SuspiciousOperation(), 400),
    ],
)
def test_djangos_refusals_keep_their_4xx(error, status):
    response = errors.exception_handler(error, {"request": None, "view": None})
    assert response.status_code == status
    assert response.data["status"] == status
