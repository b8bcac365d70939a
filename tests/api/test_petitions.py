"""Public petitions: list, detail, filters, pagination, counts, translations."""

import pytest
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

from heretostay_wagtail.models import Source
from heretostay_wagtail.petitions import services as signing
from tests.conftest import make_petition

from .conftest import SIGNER

pytestmark = pytest.mark.django_db

LIST = "/api/v1/petitions/"
#: Queries of one page of the petition list: view restrictions, count, pages, targets,
#: images, renditions, counters, and the translations' restrictions and pages.
LIST_QUERIES = 9


def detail(page):
    return f"/api/v1/petitions/{page.pk}/"


def test_list_shows_published_petitions_with_live_count(api, petition):
    signing.sign(petition, SIGNER, source=Source.WEB)
    response = api.get(LIST)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    item = body["results"][0]
    assert item["title"] == "Make our city a sanctuary city"
    assert item["targets"] == [{"name": "Mayor Ana Ruiz", "role": "Mayor"}]
    assert item["ask"] == "Pass a sanctuary ordinance."
    assert item["why"] == "<p>Families should not live in fear.</p>"
    assert item["scope"] == "local" and item["place_name"] == "Springfield"
    assert item["progress"]["count"] == 1 and item["progress"]["goal"] == 100
    assert item["status"] == "open" and item["is_open"] is True
    assert item["url"] == "http://testserver/en/sanctuary-city/"
    assert item["share"]["whatsapp"].startswith("https://wa.me/")
    assert item["signer_fields"] == {
        "postal_code": "required",
        "phone": "optional",
        "comment": "optional",
    }
    assert item["sign_url"].endswith(f"/api/v1/petitions/{petition.pk}/signatures/")


def test_unpublished_petitions_are_not_listed(api, petition, home):
    draft = make_petition(home, title="Draft", slug="draft")
    draft.unpublish()
    ids = [p["id"] for p in api.get(LIST).json()["results"]]
    assert ids == [petition.pk]
    assert api.get(detail(draft)).status_code == 404


def test_detail_lists_the_other_translations(api, live_es, petition):
    body = api.get(detail(petition)).json()
    assert body["locale"] == "en"
    assert [(t["locale"], t["id"]) for t in body["translations"]] == [("es", live_es.pk)]
    assert body["translations"][0]["url"].endswith("/es/sanctuary-city/")
    spanish = api.get(detail(live_es)).json()
    assert spanish["title"] == "Hagamos de nuestra ciudad una ciudad santuario"
    assert spanish["campaign"] == body["campaign"]


def test_count_is_shared_by_translations(api, live_es, petition):
    signing.sign(live_es, SIGNER, source=Source.WEB)
    assert api.get(detail(petition)).json()["progress"]["count"] == 1


@pytest.mark.parametrize(
    "query, expected",
    [
        ("status=open", {"open-local"}),
        ("status=closed", {"closed-national"}),
        ("scope=national", {"closed-national"}),
        ("locale=en", {"open-local", "closed-national"}),
        ("place=spring", {"open-local"}),
        ("place=nowhere", set()),
    ],
)
def test_filters(api, home, query, expected):
    make_petition(home, slug="open-local")
    make_petition(home, slug="closed-national", scope="national", place_name="", status="closed")
    slugs = {p["slug"] for p in api.get(f"{LIST}?{query}").json()["results"]}
    assert slugs == expected


def test_filter_by_campaign_returns_every_translation(api, live_es, petition):
    body = api.get(f"{LIST}?campaign={petition.translation_key}").json()
    assert {p["locale"] for p in body["results"]} == {"en", "es"}


@pytest.mark.parametrize(
    "query, field",
    [
        ("colour=red", "colour"),
        ("status=finished", "status"),
        ("status=", "status"),
        ("locale=xx", "locale"),
        ("campaign=not-a-uuid", "campaign"),
        ("page=0", "page"),
        ("page_size=abc", "page_size"),
    ],
)
def test_bad_filters_are_400_naming_the_parameter(api, petition, query, field):
    response = api.get(f"{LIST}?{query}")
    assert response.status_code == 400
    body = response.json()
    assert body["status"] == 400 and body["code"] == "invalid"
    assert field in body["errors"]


def test_pagination(api, home):
    for i in range(3):
        make_petition(home, slug=f"p{i}")
    body = api.get(f"{LIST}?page_size=2").json()
    assert body["count"] == 3 and len(body["results"]) == 2 and body["next"]
    assert len(api.get(f"{LIST}?page_size=2&page=2").json()["results"]) == 1
    out_of_range = api.get(f"{LIST}?page=9")
    assert out_of_range.status_code == 404
    assert out_of_range["Content-Type"] == "application/json"
    assert out_of_range.json()["code"] == "not_found"


def test_list_queries_do_not_grow_with_petitions(api, home, django_assert_num_queries):
    """Counters, targets, translations and images are fetched once per page: the same
    exact number of queries for one petition and for five."""
    image = get_image_model().objects.create(title="Rally", file=get_test_image_file())
    make_petition(home, slug="first", image=image)
    api.get(LIST)  # renditions are created on first use
    with django_assert_num_queries(LIST_QUERIES):
        assert len(api.get(LIST).json()["results"]) == 1
    for i in range(4):
        make_petition(home, slug=f"more-{i}", image=image)
    api.get(LIST)
    with django_assert_num_queries(LIST_QUERIES):
        assert len(api.get(LIST).json()["results"]) == 5


def test_image_renditions(api, home):
    image = get_image_model().objects.create(title="Rally", file=get_test_image_file())
    page = make_petition(home, slug="with-image", image=image)
    body = api.get(detail(page)).json()
    share = body["image"]["renditions"]["share"]
    # The test image is 640 px wide: never upscaled, cropped to the 1200x630 ratio.
    assert abs(share["width"] / share["height"] - 1200 / 630) < 0.02
    assert share["url"].startswith("http://testserver/")
    assert set(body["image"]["renditions"]) == {"share", "large", "thumbnail"}


@pytest.mark.parametrize("bad", ["abc", "0", "-1", "99999999999999999999", "1.5", "%00"])
def test_bad_ids_are_json_404s(api, petition, bad):
    response = api.get(f"/api/v1/petitions/{bad}/")
    assert response.status_code == 404
    assert response.json() == {
        "status": 404,
        "code": "not_found",
        "detail": "No petition with this id.",
    }


def test_unknown_api_urls_are_json_404s_not_redirects(api):
    response = api.get("/api/v1/nothing-here/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_detail_in_spanish(api, petition):
    response = api.get("/api/v1/petitions/12345/", HTTP_ACCEPT_LANGUAGE="es")
    assert response["Content-Language"] == "es"
    assert response.json()["detail"] == "No hay ninguna petición con este identificador."


def test_closed_petition_says_why(api, home):
    page = make_petition(home, slug="done", status="delivered")
    body = api.get(detail(page)).json()
    assert body["is_open"] is False
    assert "delivered" in body["closed_reason"]


def test_write_methods_are_405(api, petition):
    response = api.delete(detail(petition))
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


def test_accept_header_and_format_cannot_change_the_answer(api, petition):
    response = api.get(LIST, HTTP_ACCEPT="text/csv")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    response = api.get(f"{LIST}?format=xml")
    assert response.status_code == 400 and "format" in response.json()["errors"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/petitions/³/",
        "/api/v1/petitions/1²/",
        "/api/v1/pledges/³/",
        "/api/v1/petitions/³/signatures/",
        "/api/v1/petitions/٣/",
    ],
)
def test_ids_in_other_digits_are_a_json_404_not_a_500(api, petition, url):
    # "³".isdigit() and "٣".isdigit() are true, but neither is a database id.
    response = api.post(url, {}, format="json") if "signatures" in url else api.get(url)
    assert response.status_code == 404
    assert response.json()["status"] == 404


@pytest.mark.parametrize("query", ["page=³", "page_size=²", "page=١"])
def test_page_numbers_in_other_digits_are_a_400(api, petition, query):
    response = api.get(f"{LIST}?{query}")
    assert response.status_code == 400
    assert query.split("=")[0] in response.json()["errors"]


@pytest.mark.parametrize(
    "method, url",
    [
        ("get", "/api/v1/petitions/{pk}/?page=2"),
        ("post", "/api/v1/petitions/{pk}/signatures/?debug=1"),
        ("get", "/api/v1/pledges/?campaign=1&extra=1"),
    ],
)
def test_every_endpoint_refuses_query_parameters_it_does_not_take(api, petition, method, url):
    response = getattr(api, method)(url.format(pk=petition.pk), {}, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) & {"page", "debug", "campaign", "extra"}


def test_unknown_endpoint_is_a_404_whatever_the_query(api):
    response = api.get("/api/v1/nowhere/?page=³")
    assert response.status_code == 404


def test_share_email_is_in_the_page_language_whatever_the_caller_asks(api, live_es):
    """The subject is the page's own title, so the default message must match it: a
    Spanish petition's share email is Spanish even when the API is asked in English."""
    from urllib.parse import unquote

    share = api.get(f"/api/v1/petitions/{live_es.pk}/", HTTP_ACCEPT_LANGUAGE="en").json()["share"]
    email = unquote(share["email"])
    assert "subject=Hagamos de nuestra ciudad una ciudad santuario" in email
    assert "Acabo de firmar esto" in email and "I just signed" not in email
