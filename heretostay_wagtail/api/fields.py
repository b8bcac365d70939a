"""Text fields of the API that take text only.

DRF's ``CharField`` turns a number into text (``{"name": 123}`` is read as ``"123"``),
while the OpenAPI schema says ``type: string``: the schema and the server disagreed
(issue 14). These refuse anything but a JSON string, with DRF's own "Not a valid
string." error, and are strings in the schema like DRF's.
"""

from rest_framework import serializers


class StrictStringMixin:
    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictCharField(StrictStringMixin, serializers.CharField):
    pass


class StrictEmailField(StrictStringMixin, serializers.EmailField):
    default_error_messages = {"invalid": serializers.CharField.default_error_messages["invalid"]}
