"""Schemathesis against the served schema, through the Django WSGI app.

Every documented operation gets generated requests (examples, coverage and fuzzing
phases, positive and negative data), anonymous and as a superuser, with every check
schemathesis has: no 5xx, nothing the schema does not describe (status codes, content
types, bodies, headers), invalid data refused, schema-valid data accepted, credentials
enforced, unsupported methods answered 405. A stateful run follows the links that
schemathesis infers (an alert created, then read, verified and sent; a delivery PDF
requested, then polled) as staff.

Schema-valid data must get a 2xx. The few other answers that are legitimate for
schema-valid data are listed per operation in ``ACCEPTABLE``, each with its reason
(schemathesis's ``positive_data_acceptance`` ``expected-statuses``); a 400 is legitimate
only for the fields listed in ``UNSTATABLE``, rules JSON Schema cannot express, and the
``refused_only_for_unstatable_rules`` check holds the server to that list.

Ids in paths and references in queries and bodies point at the fixtures' objects
(``pin``), since a generated id almost never exists: otherwise schema-valid bodies
would only ever meet a 404, and never the serializer. Examples are bounded so this runs
in CI on SQLite and PostgreSQL alike: 29 operations, about 2,550 requests per role (most
from the coverage phase), and about 100 stateful steps; a few minutes in all.
"""

import os

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.config import SchemathesisConfig
from schemathesis.core.parameters import ParameterLocation

from heretostay_wagtail.core import tokens
from heretostay_wagtail.models import Alert, DeliveryJob, ExportJob, Signature, Source
from heretostay_wagtail.petitions import services as signing
from heretostay_wagtail.pledges import alerts

from .conftest import SIGNER

SCHEMA_URL = "/api/v1/schema/?format=json"
#: benchmarks/attack.py raises the examples per operation (and stateful runs) with
#: HTS_ATTACK_EXAMPLES; unset, the suite's bounded run is unchanged.
ATTACK_EXAMPLES = int(os.environ.get("HTS_ATTACK_EXAMPLES") or 0)
EXAMPLES = settings(
    max_examples=ATTACK_EXAMPLES or 8,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
STATEFUL = settings(
    max_examples=ATTACK_EXAMPLES or 15,
    stateful_step_count=8,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)

LISTS = (
    "petitions_list",
    "pledges_list",
    "cards_list",
    "osdi_petitions_list",
    "signatures_list",
    "pledgers_list",
    "osdi_signatures_list",
)
PAGE_PAST_THE_END = (
    "a page past the last one is not found (DRF's pagination); the schema cannot know "
    "how many pages there are"
)

#: Answers other than 2xx that are legitimate for schema-valid data, per operation.
ACCEPTABLE = {
    **{operation: {404: PAGE_PAST_THE_END} for operation in LISTS},
    "alerts_verify": {
        409: "only a draft can be verified, by someone other than its author: the first call "
        "verifies the fixture's draft, the next ones, and the author's own, are conflicts"
    },
    "alerts_send": {
        409: "only a verified alert can be sent: the alerts the stateful run creates are drafts"
    },
    "alerts_partial_update": {
        409: "a sent alert cannot change: the fixture's verified alert is sent by the first "
        "send call, and the stateful run links its updates to it"
    },
    "deliveries_file": {409: "the fixture's delivery PDF is still being built"},
    "exports_file": {409: "the fixture's large export is still waiting for the worker"},
}

PER_PETITION = "each petition asks for it or not, optionally or required (its signer_fields)"
DIALABLE = "a phone number that exists, read in PHONE_DEFAULT_REGION (phonenumbers)"
FIRST_ADDRESS = (
    "only the first address is read, and must be an email address: OpenAPI 3.0 cannot "
    "constrain one item of an array"
)

#: Fields a schema-valid request may still be refused on (400), per operation: the error
#: codes, and the rule that the schema cannot state (anything else is a disagreement).
UNSTATABLE = {
    "petitions_sign": {
        "postal_code": ({"required"}, PER_PETITION),
        "phone": ({"required", "invalid"}, f"{PER_PETITION}; {DIALABLE}"),
        "comment": ({"required"}, PER_PETITION),
    },
    "osdi_record_signature_helper": {
        "person.given_name": (
            {"required", "max_length"},
            "a name in given_name or family_name, both together at most MAX_NAME_LENGTH",
        ),
        "person.email_addresses.0.address": ({"required", "invalid"}, FIRST_ADDRESS),
        "person.postal_addresses.0.postal_code": ({"required"}, PER_PETITION),
        "person.phone_numbers.0.number": ({"required", "invalid"}, f"{PER_PETITION}; {DIALABLE}"),
        "comments": ({"required"}, PER_PETITION),
    },
    "pledges_create": {
        "phone": ({"invalid"}, f"needed for text alerts (alert_sms); {DIALABLE}"),
    },
    **{
        operation: {
            "areas": (
                {"invalid"},
                "each of the postal codes or prefixes in the text has at most 20 letters (of "
                "any script), digits or dashes: no regular expression portable to OpenAPI "
                "clients",
            ),
            "expires_at": (
                {"past", "too_far"},
                "in the future and at most 7 days ahead: relative to the moment of the "
                "request, which a schema cannot state",
            ),
        }
        for operation in ("alerts_create", "alerts_partial_update")
    },
    "petitions_deliveries_create": {
        "regions": (
            {"regions", "invalid"},
            "its own syntax of lines, with limits (at most 50 regions, 100 codes each), and "
            "either regions or group_by (OpenAPI 3.0 has no if/then): described in the field",
        ),
    },
    "erasure_create": {"phone": ({"invalid"}, DIALABLE)},
}

#: Operations staff call; anonymous callers get a 401 before their input is read.
STAFF_ONLY_WHY = "anonymous: staff operations answer 401 before reading any input"


def acceptable_statuses(operation_id, *, anonymous, staff_only):
    if anonymous and staff_only:
        return {401: STAFF_ONLY_WHY}
    statuses = dict(ACCEPTABLE.get(operation_id, {}))
    if operation_id in UNSTATABLE:
        statuses[400] = "a rule JSON Schema cannot state (see UNSTATABLE)"
    return statuses


def is_staff_only(operation):
    return any(requirement for requirement in operation.get("security", [{}]))


def load(anonymous, tags=None):
    """The served schema, with the statuses acceptable for valid data for one role (and
    only the operations with one of ``tags``, if given)."""
    operations = []
    for item in RAW["paths"].values():
        for operation in item.values():
            staff_only = is_staff_only(operation)
            statuses = acceptable_statuses(
                operation["operationId"], anonymous=anonymous, staff_only=staff_only
            )
            expected = ["401"] if anonymous and staff_only else ["2xx"]
            expected += [str(code) for code in statuses if code != 401]
            operations.append(
                {
                    "include-operation-id": operation["operationId"],
                    "enabled": tags is None or bool(set(tags) & set(operation["tags"])),
                    "checks": {"positive_data_acceptance": {"expected-statuses": expected}},
                }
            )
    config = SchemathesisConfig.from_dict({"operations": operations})
    return schemathesis.openapi.from_wsgi(SCHEMA_URL, APP, config=config)


# Loaded when the module is collected: serving the schema needs no database.
APP = get_wsgi_application()
RAW = schemathesis.openapi.from_wsgi(SCHEMA_URL, APP).raw_schema
anonymous_schema = load(anonymous=True)
staff_schema = load(anonymous=False)
#: What the stateful run follows: petitions to their paper tools, alerts and delivery PDFs
#: from their creation on. (Its dependency analysis also links pledgers, whose ids are
#: UUIDs, to pledge campaigns, whose ids are page ids: a false link, so pledges stay out.)
workflows_schema = load(anonymous=False, tags=("petitions", "paper", "alerts"))


@schemathesis.check
def refused_only_for_unstatable_rules(ctx, response, case):
    """Schema-valid data refused with a 400 names only fields and codes in ``UNSTATABLE``."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or response.status_code != 400:
        return None
    allowed = UNSTATABLE.get(case.operation.definition.raw.get("operationId"), {})
    errors = response.json().get("errors") or {"(no field)": [{"code": "(none)"}]}
    unexpected = sorted(
        f"{field} ({error['code']})"
        for field, messages in errors.items()
        for error in messages
        if error["code"] not in allowed.get(field, ((), ""))[0]
    )
    if unexpected:
        raise AssertionError(f"Schema-valid data refused: {', '.join(unexpected)}")
    return None


# -- fixtures --------------------------------------------------------------------------


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
def data(
    wsgi_requests_keep_the_test_connection,
    petition_es,
    petition,
    pledge_page,
    roles,
    card,
    settings,
    django_user_model,
    superuser,
):
    """One object of every kind the API addresses, and what ``pin`` puts in requests."""
    # Generated traffic would otherwise be throttled after a few requests (429s are
    # documented and tested separately in test_throttling.py).
    settings.HERETOSTAY = {
        "THROTTLE_RATES": dict.fromkeys(("sign", "pledge", "confirm", "api_public", "api_staff"))
    }
    signing.sign(petition, SIGNER, source=Source.API)
    signature = Signature.objects.get(email=SIGNER["email"])
    author = django_user_model.objects.create_user("author", "author@example.org", "pw")
    draft, verified = (
        Alert.objects.create(
            page=pledge_page, message="Checkpoint reported.", areas="606", created_by=author
        )
        for _ in range(2)
    )
    alerts.verify(verified, superuser, alerts.fingerprint(verified))
    job = DeliveryJob.objects.create(page=petition)
    export = ExportJob.objects.create(
        user=superuser,
        model="heretostay.Signature",
        columns="heretostay_wagtail.petitions.exports.COLUMNS",
        format="csv",
        permission="heretostay.export_signature",
        filename="signatures",
    )
    return {
        "paths": {
            "/api/v1/petitions/{id}/": petition.pk,
            "/api/v1/osdi/petitions/{id}/": petition.pk,
            "/api/v1/pledges/{id}/": pledge_page.pk,
            "/api/v1/cards/{id}/": str(card.translation_key),
            "/api/v1/alerts/{id}/": draft.pk,  # verified by the first call, then a 409
            "/api/v1/alerts/{id}/send/": verified.pk,  # sent by the first call, then again 200
            "/api/v1/deliveries/{id}/": job.pk,
            "/api/v1/exports/{id}/": export.pk,
        },
        "query": {
            "/api/v1/signatures/": {
                "petition": petition.pk,
                "campaign": str(petition.translation_key),
            },
            "/api/v1/pledgers/": {"campaign": pledge_page.pk, "role": "driver"},
        },
        "body": {
            "/api/v1/alerts/": {"campaign": pledge_page.pk},
            "/api/v1/alerts/{id}/": {"campaign": pledge_page.pk},
            "/api/v1/signatures/confirm/": {"token": tokens.make("confirm", signature.public_id)},
            "/api/v1/petitions/{id}/paper-signatures/": {"sheet_code": ""},
        },
        "roles": sorted(roles),
    }


@pytest.fixture
def staff_headers(superuser):
    token, _ = Token.objects.get_or_create(user=superuser)
    return {"Authorization": f"Token {token.key}"}


def pin(case, data, linked=()):
    """Point the case's references at existing objects, where they are schema-valid.

    Path ids are replaced unless the path itself is the invalid part; query and body
    references only in valid queries and bodies, so invalid data stays invalid. Values a
    stateful link put in (``linked``: location and name) are the link's to choose.
    """
    meta = case.meta
    path = case.operation.path
    valid = {
        location: not meta.is_negative_at(location)
        for location in (ParameterLocation.PATH, ParameterLocation.QUERY, ParameterLocation.BODY)
    }
    if case.path_parameters and valid[ParameterLocation.PATH]:
        if (ParameterLocation.PATH, "id") not in linked:
            for prefix, value in data["paths"].items():
                if path.startswith(prefix):
                    case.path_parameters["id"] = value
    if case.query and valid[ParameterLocation.QUERY]:
        for prefix, values in data["query"].items():
            if path.startswith(prefix):
                case.query.update({k: v for k, v in values.items() if k in case.query})
    body = case.body
    if isinstance(body, dict) and valid[ParameterLocation.BODY]:
        pins = dict(data["body"].get(path, {}))
        if isinstance(body.get("roles"), list):
            known = data["roles"]
            pins["roles"] = [known[i % len(known)] for i in range(len(body["roles"]))]
        taken = {name for location, name in linked if location == ParameterLocation.BODY}
        for key, value in pins.items():
            if key in body and not {key, None} & taken:
                body[key] = value


# -- tests ------------------------------------------------------------------------------


def test_every_check_is_enabled():
    """Nothing is left out: every check schemathesis registers runs on every case."""
    load_all_checks()
    for schema in (anonymous_schema, staff_schema):
        config = schema.config.checks_config_for()
        names = CHECKS.get_all_names()
        assert [name for name in names if not config.get_by_name(name=name).enabled] == []
        assert "positive_data_acceptance" in names and "ignored_auth" in names


@anonymous_schema.parametrize()
@EXAMPLES
def test_anonymous(case, data):
    pin(case, data)
    case.call_and_validate()


@staff_schema.parametrize()
@EXAMPLES
def test_staff(case, data, staff_headers):
    pin(case, data)
    case.call_and_validate(headers=staff_headers)


def test_stateful_staff(data, staff_headers):
    """Links between operations: what one creates, the next can read and act on."""

    class Workflow(workflows_schema.as_state_machine()):
        def step(self, input):
            pin(input.case, data, linked=input.applied_parameters)
            return super().step(input)

        def get_call_kwargs(self, case):
            return {"headers": staff_headers}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            # The headers are the caller's own credentials (checked by ignored_auth).
            case.validate_response(
                response, headers=staff_headers, transport_kwargs=kwargs, recorder=self.recorder
            )

    Workflow.run(settings=STATEFUL)
