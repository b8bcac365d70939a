"""Paper signatures and delivery PDFs through the API, with the admin's permissions."""

import pytest
from wagtail.models import PageLogEntry

from heretostay_wagtail.models import CampaignCounter, DeliveryJob, Signature
from heretostay_wagtail.paper import sheets
from tests.conftest import grant
from tests.paper.conftest import flat, grant_page_rights, pdf_text, sign

from .conftest import token_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def paper_user(django_user_model):
    user = django_user_model.objects.create_user("paperapi", "paperapi@example.org", "pw")
    grant(user, "heretostay.add_paper_signatures", "heretostay.deliver_petition")
    return grant_page_rights(user)


@pytest.fixture
def paper_api(paper_user):
    return token_client(paper_user)


@pytest.fixture
def sheet(petition, paper_user):
    return sheets.issue_sheets(petition, 1, "letter", paper_user)[0]


def entry_url(petition):
    return f"/api/v1/petitions/{petition.pk}/paper-signatures/"


def test_bulk_entry_reports_row_by_row_like_the_admin(paper_api, petition, sheet, paper_user):
    sign(petition, "Online Person", "online@example.org")
    response = paper_api.post(
        entry_url(petition),
        {
            "sheet_code": sheet.code.lower().replace("-", ""),
            "rows": [
                {
                    "name": "Ana Pérez",
                    "email": "ana@example.org",
                    "postal_code": "94103",
                    "opt_in": True,
                },
                {"name": "Bad Email", "email": "not-an-email", "postal_code": "94103"},
                {"name": "", "email": ""},
                {"name": "Again", "email": "ONLINE@example.org", "postal_code": "94103"},
            ],
        },
        format="json",
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["added"], body["duplicates"], body["rejected"]) == (1, 1, 1)
    assert [(r["row"], r["status"]) for r in body["rows"]] == [
        (1, "added"),
        (2, "rejected"),
        (4, "duplicate"),
    ]
    assert "Enter a valid email address" in body["rows"][1]["errors"][0]
    ana = Signature.objects.get(email="ana@example.org")
    assert ana.source == "paper" and ana.sheet_code == sheet.code
    assert ana.entered_by == paper_user and ana.opted_in
    assert CampaignCounter.totals(petition.campaign_key)["count"] == 2
    log = PageLogEntry.objects.get(action="heretostay.paper_entry", page=petition)
    assert log.data["method"] == "api" and log.data["added"] == 1


def test_row_errors_in_spanish(paper_api, petition):
    response = paper_api.post(
        entry_url(petition),
        {"rows": [{"name": "X", "email": "no-es-email", "postal_code": "94103"}]},
        format="json",
        HTTP_ACCEPT_LANGUAGE="es",
    )
    assert response.status_code == 200
    assert response.json()["rows"][0]["errors"][0].startswith("Correo electrónico: Escribe")


def test_unknown_sheet_code_is_a_field_error_and_saves_nothing(paper_api, petition):
    response = paper_api.post(
        entry_url(petition),
        {"sheet_code": "ABC-123", "rows": [{"name": "Ana", "email": "ana@example.org"}]},
        format="json",
    )
    assert response.status_code == 400
    assert "sheet_code" in response.json()["errors"]
    assert not Signature.objects.exists()


def test_bad_batches_name_the_field(paper_api, petition):
    response = paper_api.post(entry_url(petition), {"rows": []}, format="json")
    assert response.status_code == 400 and "rows" in response.json()["errors"]
    response = paper_api.post(
        entry_url(petition), {"rows": [{"name": "A", "status": "x"}]}, format="json"
    )
    assert response.status_code == 400 and "rows.0.status" in response.json()["errors"]


def test_paper_entry_needs_the_permission(api, editor_api, petition):
    body = {"rows": [{"name": "Ana", "email": "ana@example.org", "postal_code": "94103"}]}
    assert api.post(entry_url(petition), body, format="json").status_code == 401
    assert editor_api.post(entry_url(petition), body, format="json").status_code == 403
    assert not Signature.objects.exists()


# -- delivery ----------------------------------------------------------------------------


def deliveries_url(petition):
    return f"/api/v1/petitions/{petition.pk}/deliveries/"


def test_delivery_pdf_request_status_and_download(
    paper_api, petition, paper_user, django_capture_on_commit_callbacks
):
    sign(petition, "Ana Pérez", "ana@example.org", postal_code="94103")
    with django_capture_on_commit_callbacks(execute=True):
        response = paper_api.post(
            deliveries_url(petition), {"group_by": 3, "include_comments": False}, format="json"
        )
    assert response.status_code == 202
    job_url = response["Location"]
    assert job_url == response.json()["url"]
    status = paper_api.get(job_url).json()
    assert status["status"] == "done" and status["progress"] == 100
    assert status["group_by"] == 3 and status["include_comments"] is False
    job = DeliveryJob.objects.get()
    assert job.created_by == paper_user
    download = paper_api.get(status["file_url"])
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert "Ana Pérez" in pdf_text(b"".join(download.streaming_content))
    log = PageLogEntry.objects.get(action="heretostay.download", page=petition)
    assert log.user == paper_user and log.data["job"] == job.pk


def test_unfinished_job_is_a_409_and_not_logged(paper_api, petition):
    response = paper_api.post(deliveries_url(petition), {}, format="json")  # task not run
    assert response.status_code == 202
    job = response.json()
    assert job["status"] == "pending" and job["file_url"] is None
    response = paper_api.get(job["url"] + "file/")
    assert response.status_code == 409
    assert response.json()["code"] == "not_ready"
    assert not PageLogEntry.objects.filter(action="heretostay.download").exists()


def test_deleted_pdf_is_a_410_and_not_logged(
    paper_api, petition, django_capture_on_commit_callbacks
):
    from heretostay_wagtail.paper import retention

    with django_capture_on_commit_callbacks(execute=True):
        paper_api.post(deliveries_url(petition), {}, format="json")
    job = DeliveryJob.objects.get()
    assert retention.delete_file(job, reason=retention.ORGANIZER) == retention.DELETED
    status = paper_api.get(f"/api/v1/deliveries/{job.pk}/").json()
    assert status["status"] == "done" and status["file_url"] is None
    response = paper_api.get(f"/api/v1/deliveries/{job.pk}/file/")
    assert response.status_code == 410
    assert response.json()["code"] == "deleted"
    assert "deleted" in response.json()["detail"]
    assert not PageLogEntry.objects.filter(action="heretostay.download").exists()


def test_delivery_options_are_validated(paper_api, petition):
    response = paper_api.post(deliveries_url(petition), {"group_by": 4}, format="json")
    assert response.status_code == 400 and "group_by" in response.json()["errors"]
    assert not DeliveryJob.objects.exists()


def test_delivery_pdf_grouped_by_region(paper_api, petition, django_capture_on_commit_callbacks):
    sign(petition, "Ana Pérez", "ana@example.org", postal_code="94103")
    sign(petition, "Luis Gómez", "luis@example.org", postal_code="94110")
    sign(petition, "Mei Chen", "mei@example.org", postal_code="10001")
    regions = "Mission: 94110\nDowntown: 94103, 94102"
    with django_capture_on_commit_callbacks(execute=True):
        response = paper_api.post(deliveries_url(petition), {"regions": regions}, format="json")
    assert response.status_code == 202
    body = response.json()
    assert body["group_by"] == 0
    assert body["regions"] == [
        {"name": "Mission", "prefixes": ["94110"]},
        {"name": "Downtown", "prefixes": ["94103", "94102"]},
    ]
    status = paper_api.get(body["url"]).json()
    assert status["status"] == "done"
    text = flat(pdf_text(b"".join(paper_api.get(status["file_url"]).streaming_content)))
    assert "Mission: 1" in text and "Downtown: 1" in text and "Not in any region: 1" in text
    assert (
        text.index("Mission 1 signature")
        < text.index("Luis Gómez")
        < text.index("Downtown 1 signature")
        < text.index("Ana Pérez")
        < text.index("Not in any region 1 signature")
        < text.index("Mei Chen")
    )


@pytest.mark.parametrize(
    "options,message",
    [
        ({"regions": "Mission: 94110\nDowntown 94103"}, "Line 2: write the region’s name"),
        ({"regions": "Mission: 94110", "group_by": 3}, "not both"),
        ({"regions": "A: " + "1" * 11}, "Line 1: “11111111111” is longer than 10 characters."),
        ({"regions": "x" * 5001}, "5000"),
        ({"regions": ["Mission: 94110"]}, "Not a valid string."),
    ],
)
def test_delivery_regions_are_validated(paper_api, petition, options, message):
    response = paper_api.post(deliveries_url(petition), options, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert list(errors) == ["regions"]
    assert message in errors["regions"][0]["message"]
    assert not DeliveryJob.objects.exists()


def test_delivery_region_errors_in_spanish(paper_api, petition):
    response = paper_api.post(
        deliveries_url(petition),
        {"regions": "Misión 94110"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="es",
    )
    assert response.status_code == 400
    assert response.json()["errors"]["regions"][0]["message"].startswith("Línea 1:")


def test_delivery_needs_the_permission(api, editor_api, django_user_model, petition):
    only_paper = django_user_model.objects.create_user("onlypaper", "op@example.org", "pw")
    only_paper_api = token_client(grant(only_paper, "heretostay.add_paper_signatures"))
    for client, code in ((api, 401), (editor_api, 403), (only_paper_api, 403)):
        assert client.post(deliveries_url(petition), {}, format="json").status_code == code
    job = DeliveryJob.objects.create(page=petition)
    assert editor_api.get(f"/api/v1/deliveries/{job.pk}/").status_code == 403
    assert editor_api.get(f"/api/v1/deliveries/{job.pk}/file/").status_code == 403
    assert api.get(f"/api/v1/deliveries/{job.pk}/").status_code == 401


def test_pdf_gone_from_storage_is_a_410_not_a_500(
    paper_api, petition, django_capture_on_commit_callbacks
):
    """Someone emptied the bucket by hand: the API explains instead of failing."""
    from heretostay_wagtail.paper import delivery

    with django_capture_on_commit_callbacks(execute=True):
        paper_api.post(deliveries_url(petition), {}, format="json")
    job = DeliveryJob.objects.get()
    delivery.storage().delete(job.file_name)
    response = paper_api.get(f"/api/v1/deliveries/{job.pk}/file/")
    assert response.status_code == 410
    assert "missing from storage" in response.json()["detail"]
    assert not PageLogEntry.objects.filter(action="heretostay.download").exists()


def test_the_global_permission_alone_is_not_enough(django_user_model, petition, paper_user):
    """As in the admin: staff need page rights on the petition too (core/rights.py)."""
    from heretostay_wagtail.paper.tasks import request_delivery

    options = {"group_by": 0, "include_comments": True, "only_confirmed": True}
    job = request_delivery(petition, options, user=paper_user)
    user = django_user_model.objects.create_user("norights", "norights@example.org", "pw")
    client = token_client(
        grant(user, "heretostay.add_paper_signatures", "heretostay.deliver_petition")
    )
    calls = [
        client.post(entry_url(petition), {"rows": [{"name": "A B"}]}, format="json"),
        client.post(f"/api/v1/petitions/{petition.pk}/deliveries/", {}, format="json"),
        client.get(f"/api/v1/deliveries/{job.pk}/"),
        client.get(f"/api/v1/deliveries/{job.pk}/file/"),
    ]
    assert [response.status_code for response in calls] == [403] * 4
    assert DeliveryJob.objects.count() == 1
    assert not Signature.objects.filter(name="A B").exists()
