"""Base views: every DRF setting that matters is set here, not taken from the host.

A host's ``REST_FRAMEWORK`` defaults (authentication, permissions, throttles,
renderers, exception handler, pagination, versioning) can neither open nor break
these views. Each view also speaks the request's language (Accept-Language), even in
a project without ``LocaleMiddleware``.
"""

import copy
import datetime
import io
import json

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import force_instance, is_list_serializer, is_serializer
from rest_framework import exceptions, generics, serializers
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.exceptions import NotFound
from rest_framework.metadata import SimpleMetadata
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.renderers import JSONRenderer

from heretostay_wagtail.api import errors
from heretostay_wagtail.api.fields import StrictStringMixin, type_only_fields, typed_as_declared
from heretostay_wagtail.api.throttles import PublicThrottle, StaffThrottle
from heretostay_wagtail.core.conf import get_setting
from heretostay_wagtail.core.filters import parse_id


class FirstRenderer(BaseContentNegotiation):
    """Always answer with the view's first renderer (JSON), errors included.

    Exports return their own streaming response, so ``Accept`` or ``?format=`` can
    never turn an answer into a 406 or an error into CSV.
    """

    def select_parser(self, request, parsers):
        content_type = request.content_type
        for parser in parsers:
            if parser.media_type == content_type.split(";")[0].strip():
                return parser
        return None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


#: Levels of arrays and objects a JSON body may nest (OSDI's deepest body needs 3).
MAX_JSON_DEPTH = 16


def json_depth(value):
    """How deeply ``value`` nests lists and dicts, without recursing."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            value = list(value.values())
        if isinstance(value, list):
            deepest = max(deepest, depth)
            stack.extend((item, depth + 1) for item in value)
    return deepest


class LimitedJSONParser(JSONParser):
    """JSON bodies up to ``API_MAX_REQUEST_SIZE`` bytes (larger ones get a 413), nesting
    at most ``MAX_JSON_DEPTH`` levels (deeper ones, which made Python's decoder recurse
    until it failed, get a 400)."""

    def parse(self, stream, media_type=None, parser_context=None):
        limit = get_setting("API_MAX_REQUEST_SIZE")
        request = (parser_context or {}).get("request")
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0) if request else 0
        except ValueError:
            declared = 0
        if declared > limit:
            raise errors.RequestTooLarge()
        data = stream.read(limit + 1) if stream is not None else b""
        if len(data) > limit:
            raise errors.RequestTooLarge()
        try:
            parsed = super().parse(io.BytesIO(data), media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError(errors.TOO_DEEP % {"max": MAX_JSON_DEPTH}) from None
        if json_depth(parsed) > MAX_JSON_DEPTH:
            raise exceptions.ParseError(errors.TOO_DEEP % {"max": MAX_JSON_DEPTH})
        return parsed


#: The largest ``page`` and ``page_size`` the views read (``parse_query``).
MAX_PAGE_NUMBER = 10**9 - 1


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"

    def get_page_size(self, request):
        self.page_size = get_setting("API_PAGE_SIZE")
        self.max_page_size = get_setting("API_MAX_PAGE_SIZE")
        return super().get_page_size(request)

    def get_schema_operation_parameters(self, view):
        """As the view checks them (``parse_query``): whole numbers from 1 to
        ``MAX_PAGE_NUMBER``, so the schema offers neither ``page=0`` nor a number too large
        to be a page, both of which the server refuses. A ``page_size`` above the API's
        maximum is accepted and capped, as its description says."""
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"].update(minimum=1, maximum=MAX_PAGE_NUMBER)
            if parameter["name"] == self.page_size_query_param:
                parameter["description"] = (
                    f"Results per page (default {get_setting('API_PAGE_SIZE')}; larger "
                    f"values are capped at {get_setting('API_MAX_PAGE_SIZE')})."
                )
        return parameters


def _holds_fields(field):
    return (
        isinstance(field, serializers.BaseSerializer)
        or hasattr(field, "child")
        or hasattr(field, "child_relation")
    )


class StrictSerializer(serializers.Serializer):
    """Unknown fields are refused, so a typo is an error, not silently dropped."""

    # The docstring is the schema's description of the requests without their own;
    # ``APISchema`` adds ``additionalProperties: false`` to them.

    def get_fields(self):
        """The declared fields, copied for this serializer.

        DRF deep-copies each declared field for every serializer instance, which makes
        the field anew from its arguments: about a twentieth of a signature's time
        through the API (issue 15). A field that holds no other field keeps no state of
        its own until it is bound to this serializer, so a shallow copy is the same
        field; a list, a dict or a nested serializer holds fields it binds in turn, and
        is deep-copied as DRF does.
        """
        return {
            name: copy.deepcopy(field) if _holds_fields(field) else copy.copy(field)
            for name, field in self._declared_fields.items()
        }

    def validate(self, attrs):
        return self.check(attrs, self.context)

    @classmethod
    def check(cls, attrs, context):
        """The serializer's own validation of typed ``attrs``, given its ``context``: a
        serializer whose checks need nothing else overrides this instead of ``validate``,
        so that ``validate_typed`` can run them without making the serializer."""
        return attrs

    @classmethod
    def validate_typed(cls, data, context):
        """The validated data, without making a serializer, of ``data`` plainly of the
        declared types (``typed_as_declared``) when the serializer validates through
        ``check``; None when a serializer must be made (other data, other checks, or an
        error, which DRF then reports as usual).

        Making a serializer costs more than these checks: DRF's ``Field.__init__`` numbers
        fields with a class attribute (``Field._creation_counter += 1``), and each write
        to a class makes CPython drop its attribute caches of every DRF field and
        serializer class (``PyType_Modified`` walks all their subclasses), so that each
        field read after it looks its class up again (issue 15: about a tenth of a
        signature's CPU through the API, in ``perf``'s profile of the workers).
        """
        if cls.validate is not StrictSerializer.validate:
            return None
        spec = type_only_fields(cls)
        typed = typed_as_declared(spec, data) if spec is not None else None
        if typed is None:
            return None
        try:
            return cls.check(typed, context)
        except (serializers.ValidationError, DjangoValidationError):
            return None

    def run_validation(self, data=serializers.empty):
        """DRF's, except that data plainly of the declared types (``typed_as_declared``,
        for a serializer whose fields check nothing but their type) goes straight to
        ``validate``: DRF's typing would return it unchanged, at about a tenth of a
        signature's time through the API (issue 15). Anything else, DRF types and
        reports as before."""
        spec = None if self.partial else type_only_fields(type(self))
        typed = typed_as_declared(spec, data) if spec is not None else None
        if typed is None:
            return super().run_validation(data)
        try:
            value = self.validate(typed)
            assert value is not None, ".validate() should return the validated data"
        except (serializers.ValidationError, DjangoValidationError) as exc:
            raise serializers.ValidationError(detail=serializers.as_serializer_error(exc)) from exc
        return value

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    {str(key)[:100]: [errors.UNKNOWN_FIELD] for key in unknown[:20]}
                )
        return super().to_internal_value(data)


class APISchema(AutoSchema):
    """drf-spectacular's schema, saying what the serializers check beyond it:

    * a ``StrictSerializer`` refuses unknown keys: ``additionalProperties: false``;
    * a nested list (``many=True``) with ``allow_empty=False``, ``min_length`` or
      ``max_length``: ``minItems`` and ``maxItems`` (drf-spectacular reads these of
      ``ListField`` only);
    * text fields of ``fields.py`` refuse NUL characters, and text that is only
      whitespace where a value is required: their ``schema_pattern`` (requests only,
      like drf-spectacular's own ``minLength``).
    """

    _direction = None

    def _map_basic_serializer(self, serializer, direction):
        outer, self._direction = self._direction, direction
        try:
            schema = super()._map_basic_serializer(serializer, direction)
        finally:
            self._direction = outer
        if direction == "request" and isinstance(serializer, StrictSerializer):
            schema["additionalProperties"] = False
        return schema

    def _get_request_for_media_type(self, serializer, direction="request"):
        """A body whose every alternative (``anyOf``) requires a field is required too:
        drf-spectacular looks only at the top-level ``required``."""
        schema, required = super()._get_request_for_media_type(serializer, direction)
        if not required and is_serializer(serializer) and not is_list_serializer(serializer):
            component = self.resolve_serializer(force_instance(serializer), direction)
            alternatives = component.schema.get("anyOf") if component else None
            required = bool(alternatives) and all(a.get("required") for a in alternatives)
        return schema, required

    def _insert_field_validators(self, field, schema):
        super()._insert_field_validators(field, schema)
        if schema.get("type") == "array" and isinstance(
            field, serializers.ListSerializer | serializers.ListField
        ):
            least = max(0 if field.allow_empty else 1, field.min_length or 0)
            if least:
                schema["minItems"] = max(schema.get("minItems", 0), least)
            if field.max_length is not None:
                schema["maxItems"] = min(schema.get("maxItems", field.max_length), field.max_length)
        pattern = getattr(field, "schema_pattern", None)
        if (
            isinstance(field, StrictStringMixin)
            and pattern
            and self._direction == "request"
            and schema.get("type") == "string"
            and "pattern" not in schema
        ):
            schema["pattern"] = pattern


def request_language(request):
    """The best supported language for the request (cookie, then Accept-Language)."""
    return translation.get_language_from_request(request, check_path=False)


class APIMixin:
    authentication_classes = ()
    permission_classes = (AllowAny,)
    throttle_classes = (PublicThrottle,)
    renderer_classes = (JSONRenderer,)
    parser_classes = (LimitedJSONParser,)
    content_negotiation_class = FirstRenderer
    metadata_class = SimpleMetadata
    versioning_class = None
    pagination_class = Pagination
    filter_backends = ()
    schema = APISchema()

    #: Query parameters this view accepts (a Serializer class); others are a 400.
    query_serializer = None
    #: Lists also accept ``page`` and ``page_size``.
    paginated = False
    #: Refuse unknown query parameters before the handler runs (after auth and throttles).
    check_query = True

    def get_exception_handler(self):
        return errors.exception_handler

    def dispatch(self, request, *args, **kwargs):
        language = request_language(request)
        with translation.override(language):
            response = super().dispatch(request, *args, **kwargs)
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()  # lazy messages rendered in the request's language
        if response.status_code == 404:
            request.urlconf = "heretostay_wagtail.api.no_i18n_urls"
        patch_vary_headers(response, ["Accept-Language"])
        response.setdefault("Content-Language", language)
        return response

    def body(self, **context):
        """The request's JSON body, validated by the view's serializer (with ``context``)."""
        context = {**self.get_serializer_context(), **context}
        serializer_class = self.get_serializer_class()
        validate_typed = getattr(serializer_class, "validate_typed", None)
        if validate_typed is not None:
            validated = validate_typed(self.request.data, context)
            if validated is not None:
                return validated
        serializer = serializer_class(data=self.request.data, context=context)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if self.check_query:
            self.query()

    def query(self):
        """The validated query parameters (unknown parameters are refused)."""
        if not hasattr(self, "_query"):
            self._query = parse_query(self.request, self.query_serializer, paginated=self.paginated)
        return self._query


def parse_query(request, serializer_class, *, paginated=True):
    allowed = {"page", "page_size"} if paginated else set()
    # A plain dict, so an empty value (?status=) is invalid rather than "not given".
    params = request.query_params.dict()
    serializer = serializer_class(data=params) if serializer_class else None
    if serializer is not None:
        allowed |= set(serializer.fields)
    unknown = sorted(set(request.query_params) - allowed)
    if unknown:
        raise exceptions.ValidationError(
            {name: [errors.UNKNOWN_PARAMETER] for name in unknown}, code="unknown"
        )
    if paginated:
        for name in ("page", "page_size"):
            value = request.query_params.get(name)
            if value is not None and parse_id(value, limit=MAX_PAGE_NUMBER + 1) is None:
                raise exceptions.ValidationError({name: [errors.POSITIVE_INTEGER]})
    if serializer is None:
        return {}
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class PublicView(APIMixin, generics.GenericAPIView):
    """Anyone may call it; counted per IP against ``api_public``."""


def plain_json_body(request):
    """The JSON body of a Django ``request`` that the API's parser would take as it is:
    a POST without a query string, ``application/json`` in UTF-8, of at most
    ``API_MAX_REQUEST_SIZE`` bytes, that Python's decoder reads (strict JSON: no NaN or
    Infinity). None for any other request, which the view then parses and reports."""
    if request.method != "POST" or request.GET or request.content_type != "application/json":
        return None
    charset = request.content_params.get("charset") or settings.DEFAULT_CHARSET
    if charset.lower() not in ("utf-8", "utf8"):
        return None
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    if not 0 < length <= get_setting("API_MAX_REQUEST_SIZE"):
        return None
    try:
        return json.loads(request.body.decode("utf-8"), parse_constant=_not_json)
    except (ValueError, RecursionError, RequestDataTooBig):  # the view says what is wrong
        return None


def _not_json(constant):
    raise ValueError(f"{constant} is not JSON")


class QuickPost:
    """A public POST endpoint's common case answered without DRF's request cycle.

    A sign-up through the API is a small JSON object that is valid, within its rates and
    for a campaign whose profile is cached (``core/signup_cache.py``); DRF's request
    wrapper, content negotiation, parsers, throttle objects and response rendering cost
    about a tenth of it (issue 15). The view's ``quick_post(request, data, **kwargs)``
    takes the parsed body (``plain_json_body``) and returns ``(body, status)``, or None
    for anything else, which the full view then answers exactly as before: the quick
    path only ever answers with what the full view would. Its response carries the same
    headers (``Allow``, ``Vary: Accept-Language``, ``Content-Language``) and JSON, and an
    error raised on the way is answered by the API's exception handler.
    """

    def dispatch(self, request, *args, **kwargs):
        data = plain_json_body(request)
        if data is None:
            return super().dispatch(request, *args, **kwargs)
        language = request_language(request)
        with translation.override(language):
            try:
                answer = self.quick_post(request, data, **kwargs)
            except Exception as exc:  # noqa: BLE001 - answered as the full view would
                error = errors.exception_handler(exc, {"request": request, "view": self})
                answer = (error.data, error.status_code, error.items())
            if answer is None:
                return super().dispatch(request, *args, **kwargs)
            body, status_code, *headers = answer
            response = HttpResponse(
                JSONRenderer().render(body),
                status=status_code,
                content_type=JSONRenderer.media_type,
            )
        for name, value in headers[0] if headers else ():
            if name.lower() != "content-type":
                response[name] = value
        response["Allow"] = ", ".join(self.allowed_methods)
        patch_vary_headers(response, ["Accept-Language"])
        response.setdefault("Content-Language", language)
        return response

    def quick_post(self, request, data, **kwargs):
        return None


class StaffView(APIMixin, generics.GenericAPIView):
    """Token or session (with CSRF) auth; subclasses add the Django permission."""

    authentication_classes = (TokenAuthentication, SessionAuthentication)
    permission_classes = (IsAuthenticated,)
    throttle_classes = (StaffThrottle,)


def _param(value):
    """A validated query value as the shared FilterSet reads it from a URL."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    return str(value)


def filtered(filterset_class, query, queryset):
    """``queryset`` filtered by a feature's FilterSet (the admin listing's own) with the
    API's validated ``query``; its errors are the API's 400."""
    data = {name: _param(value) for name, value in query.items() if value is not None}
    filters = filterset_class(data=data, queryset=queryset)
    if not filters.is_valid():
        raise errors.form_invalid(filters.form)
    return filters.qs


def get_or_404(queryset, pk, message):
    """The object with id ``pk`` in ``queryset``, else the API's 404 saying ``message``."""
    found = queryset.filter(pk=parse_id(pk)).first() if parse_id(pk) else None
    if found is None:
        raise NotFound(message)
    return found
