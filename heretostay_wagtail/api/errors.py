"""One error body for the whole API, whatever the host's DRF settings.

Every 4xx is ``{"status", "code", "detail"}``, plus ``errors`` (field path -> messages)
for invalid input, so clients can put each message next to the field it names.
"""

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import (
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers, status
from rest_framework.fields import get_error_detail
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from heretostay_wagtail.api.fields import StrictCharField

logger = logging.getLogger(__name__)

INVALID = _("Some of the data sent is not valid. See errors for each field.")
UNKNOWN_PARAMETER = _("Unknown parameter.")
UNKNOWN_FIELD = _("Unknown field.")
POSITIVE_INTEGER = _("Enter a whole number greater than zero.")
SERVER_ERROR = _("Something went wrong on the server. Try again later.")
TOO_DEEP = _("The JSON body is nested too deeply: at most %(max)s levels of arrays and objects.")


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("The request body is too large.")
    default_code = "too_large"


class FieldError(serializers.Serializer):
    message = StrictCharField()
    code = StrictCharField()


class Error(serializers.Serializer):
    status = serializers.IntegerField(help_text="HTTP status code, repeated in the body.")
    code = StrictCharField(
        help_text="Machine-readable: invalid, parse_error, not_found, throttled..."
    )
    detail = StrictCharField(help_text="Human-readable message in the request's language.")
    errors = serializers.DictField(
        child=FieldError(many=True),
        required=False,
        help_text=(
            "Only when code is invalid: messages per field. Nested fields use dotted paths "
            "(person.email_addresses.0.address); non_field_errors holds the rest."
        ),
    )


def _flatten(detail, prefix=""):
    """``{"person": {"email": [...]}}`` -> ``{"person.email": [...]}``."""
    if isinstance(detail, dict):
        out = {}
        for key, value in detail.items():
            if key == "non_field_errors" and prefix:
                path = prefix  # {"person": {"non_field_errors": ...}} is about person
            else:
                path = f"{prefix}.{key}" if prefix else str(key)
            out.update(_flatten(value, path))
        return out
    if isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            return {prefix or "non_field_errors": [_item(d) for d in detail]} if detail else {}
        out = {}
        for index, value in enumerate(detail):
            out.update(_flatten(value, f"{prefix}.{index}" if prefix else str(index)))
        return out
    return {prefix or "non_field_errors": [_item(detail)]}


def _item(detail):
    return {"message": str(detail), "code": getattr(detail, "code", None) or "invalid"}


def form_invalid(form, rename=None):
    """A Django form's errors as the API's 400: each field's messages and codes, the
    form-wide ones as ``non_field_errors``; ``rename`` maps form fields to API fields."""
    names = {"__all__": "non_field_errors", **(rename or {})}
    return serializers.ValidationError(
        {
            names.get(name, name): [
                serializers.ErrorDetail(e["message"], code=e["code"] or "invalid") for e in messages
            ]
            for name, messages in form.errors.get_json_data().items()
        }
    )


def exception_handler(exc, context):
    """DRF's handler (status codes, Retry-After, WWW-Authenticate) with our body."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(get_error_detail(exc))
    elif isinstance(exc, (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)):
        # DRF reads the whole body before our parser sees its size: a body over Django's
        # DATA_UPLOAD_MAX_* limits stops there (found by benchmarks/attack.py).
        exc = RequestTooLarge()
    elif isinstance(exc, SuspiciousOperation):  # Django answers these with a 400
        exc = exceptions.ParseError()
    response = drf_exception_handler(exc, context)
    if response is None:
        return server_error(exc, context)
    body = {"status": response.status_code}
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        body["code"] = "invalid"
        general = errors.get("non_field_errors")
        body["detail"] = general[0]["message"] if general and len(errors) == 1 else str(INVALID)
        body["errors"] = errors
    else:
        codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        body["code"] = codes if isinstance(codes, str) else "error"
        body["detail"] = str(exc.detail) if hasattr(exc, "detail") else str(exc)
    response.data = body
    return response


def server_error(exc, context):
    """Any other exception: logged with its traceback, rolled back, and answered in the
    API's JSON error shape (not Django's HTML page, which can show settings with DEBUG)."""
    request = context.get("request")
    logger.error(
        "Unhandled error in the API: %s",
        getattr(request, "path", ""),
        exc_info=(type(exc), exc, exc.__traceback__),
    )
    set_rollback()
    body = {"status": 500, "code": "server_error", "detail": str(SERVER_ERROR)}
    return Response(body, status=status.HTTP_500_INTERNAL_SERVER_ERROR)


def responses(*codes):
    """Schema entries for the errors an endpoint can answer with."""
    text = {
        400: "Invalid input (malformed JSON, wrong types, unknown or invalid fields).",
        401: "Missing or invalid credentials.",
        403: "Authenticated but lacking the permission (or the CSRF token for session auth).",
        404: "No such resource (or not published).",
        405: "Method not allowed.",
        413: "Request body larger than the API_MAX_REQUEST_SIZE setting.",
        415: "Unsupported content type: send application/json.",
        429: "Too many requests; retry after the number of seconds in Retry-After.",
        503: "A storage or other service the operation needs failed; nothing was changed.",
    }
    out = {}
    for code in codes:
        out[code] = OpenApiResponse(Error, description=text[code])
    return out
