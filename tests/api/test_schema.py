"""The OpenAPI schema and its docs page."""

import re
from urllib.parse import unquote

import pytest
import yaml
from django.urls import resolve, reverse
from django.urls.resolvers import RoutePattern

from heretostay_wagtail.api import urls
from heretostay_wagtail.api.docs import DocsView, SchemaView

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(api):
    response = api.get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    return response.json()


def api_routes():
    """Every route of the API's router as the host mounts it, with the HTTP methods its
    view answers: ``{"/api/v1/petitions/{id}/": {"get"}, ...}``."""
    routes = {}
    for pattern in urls.urlpatterns:
        view = pattern.callback.view_class
        if not isinstance(pattern.pattern, RoutePattern):
            continue  # the catch-all JSON 404
        if view in (SchemaView, DocsView):
            continue  # the schema does not describe itself
        kwargs = {"pk": "{id}"} if "<str:pk>" in str(pattern.pattern) else {}
        path = unquote(reverse(f"{urls.app_name}:{pattern.name}", kwargs=kwargs))
        methods = {m for m in view.http_method_names if m not in ("options", "head")}
        routes[path] = {m for m in methods if hasattr(view, m)}
    return routes


def test_schema_describes_every_endpoint(schema):
    routes = api_routes()
    assert len(routes) == 31  # a route added to the router must be added here too
    documented = {path: set(operations) for path, operations in schema["paths"].items()}
    # Every route is documented, with exactly the methods its view answers, and nothing
    # else is (not the host's Wagtail API v2, not the schema or docs pages).
    assert documented == routes
    for path in documented:  # each resolves to its own view, not the catch-all 404
        match = resolve(path.replace("{id}", "1"))
        assert match.namespace == urls.app_name and match.url_name, path
        assert match.func.view_class is not urls.NoSuchEndpoint, path
    operation_ids = [op["operationId"] for ops in schema["paths"].values() for op in ops.values()]
    assert len(operation_ids) == len(set(operation_ids)) == 32


def test_every_operation_documents_its_errors(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert {"400", "429"} <= codes, (method, path)
            if method == "post":
                assert {"413", "415"} <= codes, path
            if "signatures" in path and method == "get":
                assert {"401", "403"} <= codes, path
            for code, response in operation["responses"].items():
                if code.startswith("4"):
                    [content] = response["content"].values()
                    assert content["schema"]["$ref"].endswith("/Error")


def test_staff_operations_declare_token_and_session_auth(schema):
    op = schema["paths"]["/api/v1/signatures/"]["get"]
    assert {"tokenAuth": []} in op["security"] and {"cookieAuth": []} in op["security"]
    sign = schema["paths"]["/api/v1/petitions/{id}/signatures/"]["post"]
    assert sign["security"] == [{}]
    ref = sign["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    component = schema["components"]["schemas"][ref.split("/")[-1]]
    assert sorted(component["required"]) == ["email", "name"]


def test_schema_yaml_by_default(api):
    response = api.get("/api/v1/schema/")
    assert yaml.safe_load(response.content)["info"]["title"] == "heretostay-wagtail API"


def test_docs_page_loads_swagger_ui_locally(api):
    docs_url = reverse("heretostay_api:docs")
    assert docs_url == "/api/v1/docs/"  # mounted by the host under /api/
    assert resolve(docs_url).func.view_class is DocsView
    response = api.get(docs_url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn.jsdelivr" not in html
    # Swagger UI loads the schema from the API's own schema route, which serves it.
    [schema_url] = re.findall(r'url: "([^"]+)"', html)
    assert schema_url == reverse("heretostay_api:schema")
    loaded = api.get(schema_url, {"format": "json"})
    assert loaded.status_code == 200 and loaded.json()["openapi"].startswith("3.")


def test_pagination_parameters_start_at_one_as_the_server_checks(schema, api):
    """``page=0`` was schema-valid but a 400: the schema now says what the server does."""
    listed = 0
    for path, operations in schema["paths"].items():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter["name"] in ("page", "page_size"):
                    listed += 1
                    assert parameter["schema"]["minimum"] == 1, (path, parameter)
                    if parameter["name"] == "page_size":
                        assert "capped at" in parameter["description"]
    assert listed >= 2
    assert api.get("/api/v1/petitions/", {"page": 0}).status_code == 400
