"""The OpenAPI schema and its docs page."""

import pytest
import yaml
from django.urls import get_resolver

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(api):
    response = api.get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    return response.json()


def test_schema_describes_every_endpoint(schema):
    from heretostay_wagtail.api import urls

    documented = set(schema["paths"])
    routes = {
        "/api/" + str(p.pattern).replace("<str:pk>", "{id}")
        for p in urls.urlpatterns
        if "<" in str(p.pattern) or not str(p.pattern).startswith("^")
    }
    routes -= {"/api/v1/schema/", "/api/v1/docs/"}
    assert routes == documented
    assert "/api/v2/pages/" not in documented  # only this package's API


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
    response = api.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn.jsdelivr" not in html
    assert "/api/v1/schema/" in html
    assert get_resolver()  # the docs page is mounted in the example site
