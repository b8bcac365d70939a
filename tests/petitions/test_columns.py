"""One column definition per export: the admin listing shows the columns marked for it,
the CSV export and the API export carry all of them, in the same order."""

import csv
import io

from django.urls import reverse
from rest_framework.test import APIClient

from heretostay_wagtail.petitions.exports import COLUMNS


def headings(listing=False):
    return [str(c.heading) for c in COLUMNS if c.listing or not listing]


def read_csv(response):
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def test_listing_admin_export_and_api_export_share_the_columns(
    client, organizer, petition, add_signature
):
    add_signature(petition, name="Rosa Parks", email="rosa@example.org", opt_in=True)
    client.force_login(organizer)
    index = reverse("heretostay_signatures:index")
    html = client.get(index).content.decode()
    for heading in headings(listing=True):
        assert heading in html
    unlisted = [str(c.heading) for c in COLUMNS if not c.listing]
    assert "Consent text" in unlisted and "Consent text" not in html

    admin_rows = read_csv(client.get(index, {"export": "csv"}))
    api = APIClient()
    api.force_authenticate(organizer)
    api_rows = read_csv(api.get(reverse("heretostay_api:signature-export-csv")))
    assert admin_rows[0] == api_rows[0] == headings()
    assert admin_rows[1][headings().index("Name")] == "Rosa Parks"
    assert admin_rows[1:] == api_rows[1:]
