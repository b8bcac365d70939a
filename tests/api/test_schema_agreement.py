"""Where the OpenAPI schema and the server disagreed (issue 14), each fixed on the side
that was wrong. Found by schemathesis (test_schemathesis.py); pinned down here one by
one, so a regression names itself."""

import re
import sys

import jsonschema_rs
import pytest
from django import forms

from heretostay_wagtail.api import fields
from heretostay_wagtail.api.base import MAX_PAGE_NUMBER
from heretostay_wagtail.core import fields as form_fields

from .conftest import token_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(api):
    response = api.get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    return response.json()


@pytest.fixture
def staff_api(superuser):
    return token_client(superuser)


def component(schema, name):
    return schema["components"]["schemas"][name]


# -- pages --------------------------------------------------------------------------------


def test_page_numbers_stop_where_the_server_stops_reading_them(schema, api, petition):
    """``page=10**12`` was schema-valid (no maximum) but a 400."""
    for operations in schema["paths"].values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter["name"] in ("page", "page_size"):
                    assert parameter["schema"]["maximum"] == MAX_PAGE_NUMBER
    # The largest page is read (and is past the last one); one more is refused.
    assert api.get("/api/v1/petitions/", {"page": MAX_PAGE_NUMBER}).status_code == 404
    assert api.get("/api/v1/petitions/", {"page_size": MAX_PAGE_NUMBER}).status_code == 200
    response = api.get("/api/v1/petitions/", {"page": MAX_PAGE_NUMBER + 1})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["page"]


# -- unknown fields -------------------------------------------------------------------------

STRICT_REQUESTS = (
    "AlertCreateRequest",
    "ConfirmRequest",
    "DeliveryRequestRequest",
    "ErasureRequestRequest",
    "PaperBatchRequest",
    "PaperRowRequest",
    "PledgeCreateRequest",
    "SignatureCreateRequest",
)


def test_requests_that_refuse_unknown_fields_say_so(schema):
    """Unknown fields were schema-valid (no ``additionalProperties``) but a 400."""
    for name in STRICT_REQUESTS:
        assert component(schema, name)["additionalProperties"] is False, name
    # OSDI's helper takes the other OSDI keys clients send (add_tags, triggers...).
    assert "additionalProperties" not in component(schema, "RecordSignatureHelperRequest")
    assert "additionalProperties" not in component(schema, "PersonInRequest")


def test_unknown_field_refused(api, petition):
    response = api.post(
        f"/api/v1/petitions/{petition.pk}/signatures/",
        {"name": "Ana", "email": "ana@example.org", "postal_code": "62701", "nickname": "A"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"]["nickname"][0]["message"] == "Unknown field."


# -- nested lists ---------------------------------------------------------------------------


def test_nested_lists_state_their_bounds(schema):
    """``email_addresses: []`` and ``rows: []`` were schema-valid but a 400, and so were more
    items than the server takes."""
    person = component(schema, "PersonInRequest")["properties"]
    assert person["email_addresses"]["minItems"] == 1
    assert person["email_addresses"]["maxItems"] == 5
    for name in ("phone_numbers", "postal_addresses"):
        assert person[name]["maxItems"] == 5
        assert "minItems" not in person[name]
    rows = component(schema, "PaperBatchRequest")["properties"]["rows"]
    assert (rows["minItems"], rows["maxItems"]) == (1, 500)


def test_empty_and_long_nested_lists_refused(api, staff_api, petition):
    person = {"given_name": "Ana", "email_addresses": []}
    response = api.post(
        f"/api/v1/osdi/petitions/{petition.pk}/record_signature_helper/",
        {"person": person},
        format="json",
    )
    assert response.status_code == 400
    assert "person.email_addresses" in response.json()["errors"]
    response = staff_api.post(
        f"/api/v1/petitions/{petition.pk}/paper-signatures/",
        {"rows": [{"name": "Ana"}] * 501},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["rows"]


# -- booleans -------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [0, 1, "true", "yes", "on"])
def test_booleans_are_json_true_or_false(staff_api, petition, value):
    """``"only_confirmed": 0`` was schema-invalid (``type: boolean``) but accepted."""
    requests = [
        ("/api/v1/erasure/", {"email": "ana@example.org", "dry_run": value}, "dry_run"),
        (
            f"/api/v1/petitions/{petition.pk}/deliveries/",
            {"only_confirmed": value},
            "only_confirmed",
        ),
        (
            f"/api/v1/petitions/{petition.pk}/paper-signatures/",
            {"rows": [{"name": "Ana", "opt_in": value}]},
            "rows.0.opt_in",
        ),
    ]
    for url, body, field in requests:
        response = staff_api.post(url, body, format="json")
        assert response.status_code == 400, url
        assert response.json()["errors"][field] == [
            {"message": "Must be a valid boolean.", "code": "invalid"}
        ]


@pytest.mark.parametrize(
    "url, body, field",
    [
        (
            "/api/v1/petitions/{pk}/signatures/",
            {"name": "Ana", "email": "ana@example.org", "postal_code": "62701"},
            "opt_in",
        ),
        (
            "/api/v1/pledges/{pledge}/pledgers/",
            {"name": "Ana", "email": "ana@example.org", "area": "62701"},
            "alert_email",
        ),
    ],
)
def test_public_booleans_are_json_true_or_false(api, petition, pledge_page, url, body, field):
    url = url.format(pk=petition.pk, pledge=pledge_page.pk)
    response = api.post(url, {**body, field: 1}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][field][0]["message"] == "Must be a valid boolean."
    assert api.post(url, {**body, field: True}, format="json").status_code == 202


def test_json_booleans_still_accepted(staff_api):
    response = staff_api.post(
        "/api/v1/erasure/", {"email": "ana@example.org", "dry_run": True}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["dry_run"] is True


# -- text -----------------------------------------------------------------------------------


def test_text_patterns_in_requests_only(schema):
    """NUL characters, and whitespace alone where a value is required, were schema-valid
    but a 400: request text says so; responses, which the server writes, say nothing."""
    alert = component(schema, "AlertCreateRequest")["properties"]
    assert alert["message"]["pattern"] == alert["areas"]["pattern"] == fields.NOT_BLANK
    regions = component(schema, "DeliveryRequestRequest")["properties"]["regions"]
    assert regions["pattern"] == fields.NO_NUL
    cards = schema["paths"]["/api/v1/cards/"]["get"]["parameters"]
    assert next(p for p in cards if p["name"] == "language")["schema"]["pattern"] == (
        fields.NOT_BLANK
    )
    # Email addresses have their format instead.
    assert "pattern" not in component(schema, "SignatureCreateRequest")["properties"]["email"]
    for name, body in schema["components"]["schemas"].items():
        if not name.endswith("Request"):
            for field in body.get("properties", {}).values():
                assert "pattern" not in field, name


def test_supporter_text_states_the_form_rules(schema):
    """Control characters, bidirectional overrides and line breaks were schema-valid but
    refused by the supporter forms."""
    person = component(schema, "PersonInRequest")["properties"]
    one_line = fields.form_text(fields.FORM_REFUSED_ONE_LINE, required=False)
    assert person["given_name"]["pattern"] == person["family_name"]["pattern"] == one_line
    helper = component(schema, "RecordSignatureHelperRequest")["properties"]
    assert helper["comments"]["pattern"] == fields.form_text(fields.FORM_REFUSED, required=False)
    postal = component(schema, "PostalAddressInRequest")["properties"]["postal_code"]
    assert postal["pattern"] == fields.PostalCodeField(allow_blank=True).schema_pattern
    signature = component(schema, "SignatureCreateRequest")["properties"]
    assert signature["name"]["pattern"] == fields.form_text(
        fields.FORM_REFUSED_ONE_LINE, required=True
    )
    pledge = component(schema, "PledgeCreateRequest")["properties"]
    assert pledge["area"]["pattern"] == signature["name"]["pattern"]


def test_nul_and_blank_text_refused(staff_api, pledge_page):
    for body, field in (
        ({"message": "Checkpoint\x00", "areas": "606"}, "message"),
        ({"message": "Checkpoint", "areas": " \t "}, "areas"),
    ):
        response = staff_api.post(
            "/api/v1/alerts/", {"campaign": pledge_page.pk, **body}, format="json"
        )
        assert response.status_code == 400
        assert field in response.json()["errors"]


SAMPLES = [
    "",
    " ",
    "\t\n",
    "\x1c",
    "Ana",
    "  Ana María \n",
    "Ana\nMaría",
    "Ana\tMaría",
    "Ana\x00",
    "Ana\x1cMaría",
    "\x1cAna\x1f",
    "Ana\u202eairaM",
    "Ana\u200fMaría",
    "Ana\u2028María",
    "Ana\x85",
    "\u00a0Ana\u3000",
    "62701",
    " 62701-1234 ",
    "SW1A 1AA",
    "-62701",
    "627011234567890123456",
    "６２７０１",
]


def accepts(field, value):
    try:
        field.clean(value)
    except forms.ValidationError:
        return False
    return True


def engines(pattern):
    """The pattern as Python (DRF's validators, hypothesis) and Rust (jsonschema-rs,
    schemathesis's validator) read it."""
    rust = jsonschema_rs.validator_for({"type": "string", "pattern": pattern})
    return (lambda value: re.search(pattern, value) is not None), rust.is_valid


@pytest.mark.parametrize("required", [True, False])
@pytest.mark.parametrize("one_line", [True, False])
def test_supporter_text_pattern_is_the_form_rule(required, one_line):
    form_field = form_fields.CleanCharField(
        required=required, widget=forms.TextInput if one_line else forms.Textarea
    )
    pattern = fields.SupporterTextField(one_line=one_line, allow_blank=not required)
    for matches in engines(pattern.schema_pattern):
        for value in SAMPLES:
            assert matches(value) == accepts(form_field, value), repr(value)


@pytest.mark.parametrize("required", [True, False])
def test_postal_code_pattern_is_the_form_rule(required):
    form_field = form_fields.postal_code_field(required=required)
    for matches in engines(fields.PostalCodeField(allow_blank=not required).schema_pattern):
        for value in SAMPLES:
            assert matches(value) == accepts(form_field, value), repr(value)


def test_space_is_what_python_strips():
    """Patterns spell out whitespace (``\\s`` differs between regex engines)."""
    spaces = [c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace()]
    for matches in engines(f"^[{fields.SPACE}]+$"):
        assert matches("".join(spaces))
        assert not any(matches(c) for c in "\u0000\u0008\u180e\u200b\ufeffa")


@pytest.mark.parametrize("required", [True, False])
def test_text_pattern_is_what_drf_accepts(required):
    field = fields.StrictCharField(allow_blank=not required)
    for matches in engines(field.schema_pattern):
        for value in SAMPLES:
            try:
                field.run_validation(value)
                accepted = True
            except Exception:  # noqa: BLE001 - DRF's ValidationError
                accepted = False
            assert matches(value) == accepted, repr(value)


# -- erasure ----------------------------------------------------------------------------------


def test_erasure_needs_an_email_or_a_phone_as_the_schema_says(schema, staff_api):
    """``{}`` (and no body at all) was schema-valid but a 400."""
    operation = schema["paths"]["/api/v1/erasure/"]["post"]
    assert operation["requestBody"]["required"] is True
    alternatives = component(schema, "ErasureRequestRequest")["anyOf"]
    assert [a["required"] for a in alternatives] == [["email"], ["phone"]]
    for body in ({}, {"email": "", "phone": " "}, None):
        response = staff_api.post("/api/v1/erasure/", body, format="json")
        assert response.status_code == 400
        assert response.json()["detail"] == "Enter an email address or a phone number."


def test_erasure_email_is_an_email_address(schema, staff_api):
    email = component(schema, "ErasureRequestRequest")["properties"]["email"]
    assert {"type": "string", "format": "email", "maxLength": 254} in email["oneOf"]
    for value, message in (
        ("nobody", "Enter a valid email address."),
        (12, "Not a valid string."),
    ):
        response = staff_api.post("/api/v1/erasure/", {"email": value}, format="json")
        assert response.status_code == 400
        assert response.json()["errors"]["email"] == [{"message": message, "code": "invalid"}]
