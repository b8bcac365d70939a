"""Printable signature sheets: content, language, columns, sizes and sheet codes."""

import pytest
from django.urls import reverse

from heretostay_wagtail.models import PaperSheet
from heretostay_wagtail.paper import sheets

from .conftest import pdf_pages, pdf_text


def test_codes_use_only_unambiguous_characters():
    for _ in range(200):
        code = sheets.new_code()
        assert len(code) == 7 and code[3] == "-"
        assert not set(code.replace("-", "")) & set("0O1IL2Z5S8B6G")


@pytest.mark.parametrize(
    "typed,expected",
    [("acd479", "ACD-479"), (" ACD 479 ", "ACD-479"), ("ACD-479", "ACD-479"), ("ABC-123", "")],
)
def test_normalize_code(typed, expected):
    assert sheets.normalize_code(typed) == expected


def _print(client, petition, **data):
    url = reverse("heretostay_paper_form", args=[petition.pk])
    return client.post(url, {"paper_size": "letter", "sheets": 2, **data})


def test_print_sheets_pdf(paper_client, petition):
    response = _print(paper_client, petition)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    codes = list(PaperSheet.objects.filter(page=petition).values_list("code", flat=True))
    assert len(codes) == 2
    text = pdf_text(response.content)
    assert "Make our city a sanctuary city" in text
    assert "Mayor Ana Ruiz" in text
    assert "Pass a sanctuary ordinance." in text
    for heading in ("Name", "Email", "Postal code", "Phone", "Join the mailing list"):
        assert heading in text
    for code in codes:
        assert code in text
    assert "Page 1 / 2" in text and "Page 2 / 2" in text
    assert "your email and phone will not" in text  # the consent line


def test_letter_and_a4(paper_client, petition):
    letter = pdf_pages(_print(paper_client, petition, sheets=1).content)[0].mediabox
    a4 = pdf_pages(_print(paper_client, petition, sheets=1, paper_size="a4").content)[0].mediabox
    # Landscape: Letter is 792 x 612 pt, A4 842 x 595 pt.
    assert round(float(letter.width)) == 792 and round(float(letter.height)) == 612
    assert round(float(a4.width)) == 842 and round(float(a4.height)) == 595


def test_columns_follow_petition(paper_client, make_petition_fixture):
    petition = make_petition_fixture(ask_phone="off", slug="no-phone")
    text = pdf_text(_print(paper_client, petition, sheets=1).content)
    assert "Phone" not in text
    assert "Postal code" in text


def test_spanish_petition_prints_in_spanish(paper_client, petition_es):
    text = pdf_text(_print(paper_client, petition_es, sheets=1).content)
    assert "Hagamos de nuestra ciudad una ciudad santuario" in text
    assert "Nombre" in text
    assert "Código de hoja" in text
    assert "Página 1 / 1" in text


def test_bad_input_is_reported(paper_client, petition):
    response = _print(paper_client, petition, sheets=500)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "Ensure this value is less than or equal to 50" in response.content.decode()
    assert not PaperSheet.objects.exists()


def test_needs_permission(client, editor, petition):
    client.force_login(editor)
    assert _print(client, petition).status_code == 403
    assert client.get(reverse("heretostay_paper_tools", args=[petition.pk])).status_code == 403
