"""A large pledger export runs in the background too: same file, same checks."""

import csv
import io

import pytest
from django.urls import reverse

from heretostay_wagtail.core.models import ExportJob, ExportJobStatus
from tests.conftest import grant

from .helpers import make_pledge

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def small_inline_limit(settings):
    settings.HERETOSTAY = {**settings.HERETOSTAY, "EXPORT_INLINE_MAX_ROWS": 1}


def test_roster_export_job_keeps_filters_roles_and_neutralization(
    client, coordinator, pledge_page, roles, django_capture_on_commit_callbacks
):
    make_pledge(pledge_page, name="Ana", email="a@example.org", roles=[roles["driver"]])
    make_pledge(pledge_page, name="=HYPERLINK(1)", email="c@example.org", roles=[roles["driver"]])
    make_pledge(pledge_page, name="Other", email="o@example.org", roles=[roles["childcare"]])
    grant(coordinator, "heretostay.export_pledge", "heretostay.view_pledge_contact")
    client.force_login(coordinator)
    url = reverse("heretostay_roster:export")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(url, {"format": "csv", "role": roles["driver"].code})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and job.status == ExportJobStatus.DONE
    assert job.model == "heretostay.Pledge" and job.total_rows == 2
    download = client.get(reverse("heretostay_export_download", args=[job.pk]))
    text = b"".join(download.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {r["Name"] for r in rows} == {"Ana", "'=HYPERLINK(1)"}
    assert {r["Roles"] for r in rows} == {"driver"}
