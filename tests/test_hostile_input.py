"""Hostile text against every way a supporter's words come in (issue 14): the page form,
the API and the paper CSV import. Property-based: hypothesis generates markup, control
characters, bidi overrides, emoji, mixed scripts and very long strings, and every input
must end in a clean answer (saved, or refused with a message), never an exception."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from heretostay_wagtail.core.fields import BIDI_CONTROLS, CONTROL_CHARS, LINE_BREAKS
from heretostay_wagtail.paper import csvimport
from heretostay_wagtail.petitions.forms import SignatureForm

pytestmark = pytest.mark.django_db

NASTY = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "=HYPERLINK(\"http://evil.example\")",
    "x\r\nBcc: evil@example.org",
    "\u202eevil",
    "\u2066isolated\u2069",
    "\x00\x07\x1b",
    "Ｒｏｓａ",
    "فاطمة\u200f",
    "李小龙",
    "👩🏽‍🦱🇲🇽",
    "\ud7ff\ue000\uffff",
]

hostile = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=300),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=190, max_size=5000),
    st.lists(st.sampled_from(NASTY), max_size=6).map("".join),
)
PROPERTY = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def check_clean(data):
    """What a valid form keeps: no control characters or overrides, names on one line,
    within the limits."""
    for key in ("name", "postal_code", "comment"):
        value = data.get(key) or ""
        assert not CONTROL_CHARS.search(value) and not BIDI_CONTROLS.search(value), key
    assert not LINE_BREAKS.search(data["name"]) and len(data["name"]) <= 200
    assert len(data.get("comment") or "") <= 2000


@PROPERTY
@given(name=hostile, comment=hostile, postal=hostile, phone=hostile, email=hostile)
def test_signature_form_refuses_or_cleans_anything(petition, name, comment, postal, phone, email):
    form = SignatureForm(
        petition,
        {"name": name, "email": email, "postal_code": postal, "phone": phone, "comment": comment},
    )
    if form.is_valid():
        check_clean(form.signer_data())
    else:
        assert form.errors  # each refusal names its field
        assert all(name in form.fields or name == "__all__" for name in form.errors)


@PROPERTY
@given(name=hostile, comment=hostile)
def test_the_page_answers_cleanly_and_escapes(client, petition, name, comment):
    from django.core.cache import cache

    cache.clear()  # the page's rate limit is not what is tested here
    response = client.post(
        petition.url,
        {"name": name, "email": "rosa@example.org", "postal_code": "62701", "comment": comment},
    )
    assert response.status_code in (302, 400)
    if response.status_code == 400:
        html = response.content.decode()
        assert "<script>alert(1)</script>" not in html
        assert "<img src=x" not in html


@PROPERTY
@given(name=hostile, comment=hostile)
def test_the_api_answers_cleanly(client, petition, name, comment):
    from django.core.cache import cache

    cache.clear()
    response = client.post(
        f"/api/v1/petitions/{petition.pk}/signatures/",
        {"name": name, "email": "rosa@example.org", "postal_code": "62701", "comment": comment},
        content_type="application/json",
    )
    assert response.status_code in (202, 400), response.content[:300]
    if response.status_code == 400:
        assert set(response.json()["errors"]) <= {"name", "comment", "non_field_errors"}


@PROPERTY
@given(body=st.lists(st.lists(hostile, min_size=1, max_size=5), max_size=8))
def test_paper_csv_import_reads_or_refuses_any_file(petition, body):
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Name", "Email", "Postal code", "Comment", "Phone"])
    writer.writerows(body)
    try:
        rows, _ignored = csvimport.parse(out.getvalue(), petition)
    except csvimport.CSVError:
        return
    assert len(rows) <= len(body) + out.getvalue().count("\n")


@PROPERTY
@given(raw=st.binary(max_size=2000))
def test_paper_csv_upload_of_any_bytes(petition, raw):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("sheet.csv", raw, content_type="text/csv")
    try:
        csvimport.read_upload(upload, petition)
    except csvimport.CSVError as exc:
        assert str(exc)
