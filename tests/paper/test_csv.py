"""CSV upload of paper signatures: encodings, headers, limits, and errors that explain."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from heretostay_wagtail.models import Signature


def _upload(client, petition, content, name="sheet.csv", **data):
    url = reverse("heretostay_paper_upload", args=[petition.pk])
    upload = SimpleUploadedFile(name, content, content_type="text/csv")
    return client.post(url, {"file": upload, **data})


def test_upload_with_bad_row(paper_client, petition):
    content = (
        "Name,Email,ZIP,Phone,Mailing list,Notes\n"
        "Ana Pérez,ana@example.org,94103,,yes,met at rally\n"
        "No Email,,94103,,,\n"
        "Luis Gómez,luis@example.org,94110,+1 202-456-1111,no,\n"
    ).encode()
    response = _upload(paper_client, petition, content)
    html = response.content.decode()
    assert response.status_code == 200
    assert "2 added, 0 already signed, 1 rejected." in html
    assert "This field is required." in html
    assert "Columns ignored: Notes" in html
    ana = Signature.objects.get(email="ana@example.org")
    luis = Signature.objects.get(email="luis@example.org")
    assert ana.source == "paper" and ana.opted_in
    assert not luis.opted_in  # "no" means no


def test_spanish_headers_semicolons_and_latin1(paper_client, petition):
    content = "Nombre;Correo electrónico;Código postal\nJosé Núñez;jose@example.org;94103\n"
    response = _upload(paper_client, petition, content.encode("latin-1"))
    assert "1 added" in response.content.decode()
    assert Signature.objects.get().name == "José Núñez"


def test_utf8_bom(paper_client, petition):
    content = "\ufeffname,email,postal code\nZoë,zoe@example.org,94103\n".encode()
    response = _upload(paper_client, petition, content)
    assert "1 added" in response.content.decode()
    assert Signature.objects.get().name == "Zoë"


def test_sheet_code_column(paper_client, petition):
    from heretostay_wagtail.paper import sheets

    code = sheets.issue_sheets(petition, 1, "letter")[0].code
    content = (
        f"name,email,zip,sheet\nAna,ana@example.org,94103,{code}\nBo,bo@example.org,94103,QQQ-QQQ\n"
    )
    response = _upload(paper_client, petition, content.encode())
    html = response.content.decode()
    assert "1 added, 0 already signed, 1 rejected." in html
    assert "was not printed for this petition" in html
    assert Signature.objects.get().sheet_code == code


@pytest.mark.parametrize(
    "content,message",
    [
        (b"name,zip\nAna,94103\n", "Missing columns: Email."),
        (b"", "The submitted file is empty."),
        (b"\n\n", "The file is empty."),
        (b"name,email,zip\n", "The file has no rows below the column names."),
        (b"PK\x03\x04\x00\x00binary", "This file is not a CSV text file."),
        ("name,email\n".encode("utf-16"), "This file is not a CSV text file."),
    ],
)
def test_unreadable_files_get_clear_errors(paper_client, petition, content, message):
    response = _upload(paper_client, petition, content)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Signature.objects.exists()


def test_oversized_file(paper_client, petition, settings):
    settings.HERETOSTAY = {**settings.HERETOSTAY, "MAX_UPLOAD_SIZE": 1024}
    content = b"name,email,zip\n" + b"Ana,ana@example.org,94103\n" * 100
    response = _upload(paper_client, petition, content)
    assert "The file is too large" in response.content.decode()
    assert not Signature.objects.exists()


def test_row_limit(paper_client, petition, settings):
    settings.HERETOSTAY = {**settings.HERETOSTAY, "PAPER_MAX_ROWS": 3}
    content = b"name,email,zip\n" + b"".join(
        f"P{i},p{i}@example.org,94103\n".encode() for i in range(5)
    )
    response = _upload(paper_client, petition, content)
    assert "more than 3 rows" in response.content.decode()
    assert not Signature.objects.exists()


def test_upload_needs_permission(client, editor, petition):
    client.force_login(editor)
    response = _upload(client, petition, b"name,email\nA,a@example.org\n")
    assert response.status_code == 403
    assert not Signature.objects.exists()
