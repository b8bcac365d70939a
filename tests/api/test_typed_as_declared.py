"""The sign API's typing shortcut (issue 15): a body plainly of the declared types goes
straight to the form, and it must be exactly what DRF's typing would have made of it.

``typed_as_declared`` either answers what DRF answers or declines (None), in which case
DRF types the body and reports its errors as before. Hypothesis looks for a body where
the shortcut accepts something DRF refuses or changes.
"""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework import serializers

from heretostay_wagtail.api.base import StrictSerializer
from heretostay_wagtail.api.fields import (
    StrictBooleanField,
    StrictCharField,
    SupporterTextField,
    type_only_fields,
    typed_as_declared,
)
from heretostay_wagtail.api.signatures import SignatureCreate, SignatureCreateSerializer

SPEC = type_only_fields(SignatureCreateSerializer)
NAMES = list(SignatureCreateSerializer._declared_fields)

tricky_text = st.text(st.sampled_from(["a", " ", "\x00", "\ud800", "\udfff", "é", "\n", "\u202e"]))
values = st.one_of(
    st.text(),
    tricky_text,
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.none(),
    st.lists(st.text(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.text(max_size=3), max_size=2),
)
bodies = st.one_of(
    st.dictionaries(st.sampled_from([*NAMES, "website", "Name", ""]), values, max_size=8),
    st.lists(st.text(), max_size=2),
    st.text(max_size=5),
    st.none(),
)


def drf_typing(data):
    """What DRF's own typing makes of ``data`` (the serializer's ``to_internal_value``
    with DRF's field checks), or the error it raises."""
    serializer = SignatureCreateSerializer(data=data)
    try:
        return dict(StrictSerializer.to_internal_value(serializer, data))
    except serializers.ValidationError as error:
        return error


def test_only_the_sign_requests_types_are_eligible():
    assert SPEC == {
        "name": (str, serializers.empty),
        "email": (str, serializers.empty),
        "postal_code": (str, serializers.empty),
        "phone": (str, serializers.empty),
        "comment": (str, serializers.empty),
        "opt_in": (bool, False),
    }
    # The documented request checks lengths and patterns: DRF types it.
    assert type_only_fields(SignatureCreate) is None


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(bodies)
def test_the_shortcut_answers_as_drf_or_declines(data):
    typed = typed_as_declared(SPEC, data)
    if typed is None:
        return
    assert drf_typing(data) == typed


@pytest.mark.parametrize(
    "data",
    [
        {"name": "Ana\x00"},  # DRF refuses NUL characters
        {"name": "Ana\ud800"},  # and lone surrogates
        {"name": 5},  # a number is not a string here
        {"opt_in": "true"},  # nor a string a boolean
        {"opt_in": 1},
        {"name": None},
        {"nombre": "Ana"},  # unknown field
        ["Ana"],
        "Ana",
    ],
)
def test_what_drf_refuses_is_left_to_drf(data):
    assert typed_as_declared(SPEC, data) is None
    assert isinstance(drf_typing(data), serializers.ValidationError)


def test_a_missing_boolean_gets_its_default_and_text_is_kept_as_sent():
    assert typed_as_declared(SPEC, {"name": "  Ana  ", "email": ""}) == {
        "name": "  Ana  ",
        "email": "",
        "opt_in": False,
    }


@pytest.mark.parametrize(
    "field",
    [
        StrictCharField(max_length=5, required=False),
        StrictCharField(required=False),  # trims whitespace
        StrictCharField(required=False, allow_blank=True, trim_whitespace=False, source="x"),
        StrictCharField(allow_blank=True, trim_whitespace=False),  # required
        SupporterTextField(required=False, allow_blank=True, trim_whitespace=False),
        StrictBooleanField(required=False, default=list),
        serializers.CharField(required=False, allow_blank=True, trim_whitespace=False),
    ],
)
def test_a_field_that_checks_more_than_its_type_makes_drf_type_the_body(field):
    serializer_class = type("Checked", (StrictSerializer,), {"value": field})
    assert type_only_fields(serializer_class) is None
