"""Schemathesis against the served schema, through the Django WSGI app.

Every documented operation gets generated requests, anonymous and as a permitted
staff user: no 5xx and nothing the schema does not describe (status codes, content
types, bodies, headers). Examples are bounded so this runs in CI on SQLite and
PostgreSQL alike.
"""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token

from heretostay_wagtail.models import Source
from heretostay_wagtail.petitions import services as signing

from .conftest import SIGNER

CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_schema_conformance,
    schemathesis.checks.response_headers_conformance,
    schemathesis.checks.negative_data_rejection,
]
EXAMPLES = settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)


# Loaded when the module is collected: serving the schema needs no database.
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", get_wsgi_application())


@pytest.fixture
def wsgi_requests_keep_the_test_connection():
    """Like Django's test client: a raw WSGI request must not close the connection that
    holds the test's transaction (PostgreSQL would then fail every later query)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def data(wsgi_requests_keep_the_test_connection, petition_es, petition, pledge_page, settings):
    # Generated traffic would otherwise be throttled after a few requests (429s are
    # documented and tested separately in test_throttling.py).
    settings.HERETOSTAY = {
        "THROTTLE_RATES": dict.fromkeys(("sign", "pledge", "confirm", "api_public", "api_staff"))
    }
    signing.sign(petition, SIGNER, source=Source.API)
    return petition


@pytest.fixture
def staff_headers(superuser):
    token, _ = Token.objects.get_or_create(user=superuser)
    return {"Authorization": f"Token {token.key}"}


@schema.parametrize()
@EXAMPLES
def test_anonymous(case, data):
    case.call_and_validate(checks=CHECKS)


@schema.parametrize()
@EXAMPLES
def test_staff(case, data, staff_headers):
    case.call_and_validate(headers=staff_headers, checks=CHECKS)
