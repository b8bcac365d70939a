"""Fields of the API that take what the OpenAPI schema says, and nothing else.

DRF's ``CharField`` turns a number into text (``{"name": 123}`` is read as ``"123"``)
and its ``BooleanField`` reads ``0``, ``"yes"`` or ``"on"`` as booleans, while the
schema says ``type: string`` and ``type: boolean``: the schema and the server disagreed
(issue 14). These refuse anything but a JSON string (with DRF's own "Not a valid
string.") or a JSON ``true``/``false`` (with DRF's own "Must be a valid boolean.").

Text fields also tell the schema what the server refuses beyond their type and length,
as a ``pattern`` (``schema_pattern``, added to requests by ``base.APISchema``): NUL
characters, which DRF refuses in any text; text that is only whitespace where a value
is required; and, for what supporters type, the rules of the supporter forms
(``core.fields.CleanCharField``: no control characters or bidirectional overrides, one
line where the form has one line, postal codes as ``core.fields.POSTAL_CODE``).
"""

import re

from django.core.validators import ProhibitNullCharactersValidator
from rest_framework import serializers
from rest_framework.fields import empty
from rest_framework.validators import ProhibitSurrogateCharactersValidator

from heretostay_wagtail.core import fields as form_fields


def _escape(char):
    return char if " " < char <= "~" and char not in "\\]^-" else f"\\u{ord(char):04x}"


def _ranges(chars):
    """A regex class body for ``chars``, with ranges and ECMA ``\\uXXXX`` escapes."""
    codes, parts = sorted(ord(c) for c in chars), []
    while codes:
        first = last = codes.pop(0)
        while codes and codes[0] == last + 1:
            last = codes.pop(0)
        parts.append(_escape(chr(first)) + (f"-{_escape(chr(last))}" if last > first else ""))
    return "".join(parts)


#: What Python's ``str.strip`` (DRF's and Django's trimming) removes, spelled out:
#: ``\\s`` differs between Python, ECMA and Rust regular expressions (U+001C to U+001F,
#: U+0085, U+FEFF), and a pattern must read the same for the server, OpenAPI clients and
#: schemathesis.
SPACE = _ranges(c for c in map(chr, range(0x3001)) if c.isspace())  # the last is U+3000
#: Any text without NUL characters (DRF refuses them in every text field) ...
NO_NUL = "^[^\\u0000]*$"
#: ... and with more than whitespace.
NOT_BLANK = f"^[^\\u0000]*[^{SPACE}\\u0000][^\\u0000]*$"


def _class_body(regex):
    """The inside of a one-class regular expression, with ECMA ``\\uXXXX`` escapes."""
    body = "".join(c if " " <= c <= "~" else f"\\u{ord(c):04x}" for c in regex.pattern[1:-1])
    return body.replace("\\x", "\\u00")


def trimmed(value, *, required):
    """``value`` (a regular expression) with whitespace around it, as a whole pattern:
    what the forms read once they trimmed it. Blank is fine unless ``required``."""
    return f"^[{SPACE}]*(?:{value}){'' if required else '?'}[{SPACE}]*$"


def form_text(refused, *, required):
    """Text without the ``refused`` characters (a regex class body) once trimmed."""
    solid = f"[^{SPACE}{refused}]"
    return trimmed(f"{solid}(?:[^{refused}]*{solid})?", required=required)


#: What ``CleanCharField`` refuses in any text, and in one-line text.
FORM_REFUSED = _class_body(form_fields.CONTROL_CHARS) + _class_body(form_fields.BIDI_CONTROLS)
FORM_REFUSED_ONE_LINE = FORM_REFUSED + _class_body(form_fields.LINE_BREAKS)


class StrictStringMixin:
    default_error_messages = {
        "not_a_string": serializers.CharField.default_error_messages["invalid"]
    }

    def to_internal_value(self, data):
        if not isinstance(data, str):
            # The code stays "invalid", as for DRF's own "Not a valid string.".
            raise serializers.ValidationError(self.error_messages["not_a_string"], code="invalid")
        return super().to_internal_value(data)

    @property
    def schema_pattern(self):
        """What this field accepts beyond its type and lengths, as a JSON Schema pattern.
        Without ``trim_whitespace`` the value goes to a Django form, which trims it."""
        return NO_NUL if self.allow_blank else NOT_BLANK


class StrictCharField(StrictStringMixin, serializers.CharField):
    pass


class StrictEmailField(StrictStringMixin, serializers.EmailField):
    """An email address; its format (``format: email``) already rules out blanks and NUL."""

    schema_pattern = None


class SupporterTextField(StrictCharField):
    """What a supporter types (a name, a comment), passed as it is to a supporter form
    (``core.fields.CleanCharField``), whose rules the schema states. ``one_line``: the
    form refuses line breaks too (every field but a comment)."""

    def __init__(self, *, one_line=True, **kwargs):
        self.one_line = one_line
        super().__init__(**kwargs)

    @property
    def schema_pattern(self):
        refused = FORM_REFUSED_ONE_LINE if self.one_line else FORM_REFUSED
        return form_text(refused, required=not self.allow_blank)


class PostalCodeField(StrictCharField):
    """A postal code, passed as it is to ``core.fields.postal_code_field``: once trimmed,
    ``POSTAL_CODE`` (letters, digits, spaces and dashes), or blank where it may be."""

    @property
    def schema_pattern(self):
        code = form_fields.POSTAL_CODE.regex.pattern.removeprefix("^").removesuffix("$")
        return trimmed(code, required=not self.allow_blank)


class StrictBooleanField(serializers.BooleanField):
    """JSON ``true`` or ``false`` only: DRF's ``BooleanField`` also reads ``1``, ``"0"``,
    ``"yes"`` or ``"off"``, which the schema (``type: boolean``) does not allow."""

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


#: What DRF's text fields refuse in any text (``ProhibitNullCharactersValidator``,
#: ``ProhibitSurrogateCharactersValidator``).
REFUSED_IN_ANY_TEXT = re.compile("[\x00\ud800-\udfff]")


def _checks_only_type(field):
    """The field's default (``empty`` if none) when it checks no more than its JSON type:
    a ``StrictCharField`` that takes any string as it is (blank allowed, not trimmed, no
    lengths) or a ``StrictBooleanField``, optional, with no validators of its own beyond
    DRF's text ones. Else None."""
    if field.required or field.read_only or field.allow_null:
        return None
    if field.default is not empty and callable(field.default):
        return None
    if field.source is not None:  # set only when it differs from the field's name
        return None
    if type(field) is StrictCharField:
        plain = (
            field.allow_blank
            and not field.trim_whitespace
            and field.max_length is None
            and field.min_length is None
            and [type(v) for v in field.validators]
            == [ProhibitNullCharactersValidator, ProhibitSurrogateCharactersValidator]
        )
    else:
        plain = type(field) is StrictBooleanField and not field.validators
    return field.default if plain else None


def type_only_fields(serializer_class):
    """``{name: (kind, default)}`` of a serializer whose every field checks only its JSON
    type (``_checks_only_type``), kind being ``str`` or ``bool``; None for any other
    serializer. Kept on the class."""
    cached = serializer_class.__dict__.get("_type_only_fields", ())
    if cached != ():
        return cached
    spec = {}
    for name, field in serializer_class._declared_fields.items():
        default = _checks_only_type(field)
        if default is None:
            spec = None
            break
        spec[name] = (bool if isinstance(field, StrictBooleanField) else str, default)
    if getattr(getattr(serializer_class, "Meta", None), "validators", None):
        spec = None
    serializer_class._type_only_fields = spec
    return spec


def typed_as_declared(spec, data):
    """What DRF's typing makes of ``data`` for a serializer of ``spec``
    (``type_only_fields``), when it is plainly what the fields ask: a JSON object of
    known fields, each a string without NUL or surrogate characters or a boolean, as
    the field asks. Values are kept as they are, and a missing field with a default
    gets it, as DRF does. None for anything else, which DRF then types and reports."""
    if type(data) is not dict or any(name not in spec for name in data):
        return None
    typed = {}
    for name, (kind, default) in spec.items():
        if name in data:
            value = data[name]
            if type(value) is not kind or (kind is str and REFUSED_IN_ANY_TEXT.search(value)):
                return None
            typed[name] = value
        elif default is not empty:
            typed[name] = default
    return typed
