"""The XLSX export is streamed (issue 15): its first bytes leave before any row is read,
it grows chunk by chunk as rows are read, and the result is a workbook spreadsheets read
back exactly, every cell inert text."""

import io
import zipfile

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from heretostay_wagtail.core import exports
from heretostay_wagtail.models import Signature, Source
from heretostay_wagtail.petitions.exports import COLUMNS

pytestmark = pytest.mark.django_db

NAMES = ['=HYPERLINK("x")', "Tom & Jerry <b>", "Zoë 🌵", "مرحبا", "+1 (555)", "bell\x07ring"]


def fill(petition, n):
    now = timezone.now()
    Signature.objects.bulk_create(
        Signature(
            campaign_key=petition.campaign_key,
            page=petition,
            language="en",
            name=NAMES[i % len(NAMES)] if i < len(NAMES) else f"Signer {i}",
            email=f"s{i}@example.org",
            email_normalized=f"s{i}@example.org",
            source=Source.IMPORT,
            created_at=now,
        )
        for i in range(n)
    )


def test_xlsx_streams_and_reads_back_exactly(petition, django_assert_num_queries):
    fill(petition, 3000)
    queryset = Signature.objects.filter(campaign_key=petition.campaign_key).order_by("pk")
    chunks = exports.iter_xlsx(queryset, COLUMNS)
    with django_assert_num_queries(0):
        first = next(chunks)  # the workbook's frame, before any row is read
    assert first.startswith(b"PK")
    rest = list(chunks)
    assert len(rest) > 3  # out as the rows are read, not in one piece at the end
    data = first + b"".join(rest)
    assert zipfile.ZipFile(io.BytesIO(data)).testzip() is None

    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet.max_row == 3001
    assert [c.value for c in sheet[1]][:5] == ["ID", "Campaign", "Petition", "Language", "Name"]
    names = [sheet.cell(row=r, column=5).value for r in range(2, 2 + len(NAMES))]
    # Text as typed (escaped in the XML, not in the cell), a formula left inert as text,
    # and only the character XML cannot hold dropped.
    assert names == NAMES[:-1] + ["bellring"]
    assert all(sheet.cell(row=2, column=c).data_type == "s" for c in range(1, len(COLUMNS) + 1))
