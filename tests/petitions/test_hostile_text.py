"""Text that could rewrite what others read: line breaks in one-line fields (extra lines
in emails and PDFs) and bidirectional overrides (U+202E shows a name backwards)."""

import pytest

from heretostay_wagtail.models import Signature

pytestmark = pytest.mark.django_db

RLO = "\u202e"


@pytest.mark.parametrize(
    "name",
    ["x\r\nBcc: evil@example.org", "Ana\nPérez", "Ana\u2028Pérez", "Ana\tPérez"],
)
def test_line_breaks_in_a_name_are_refused(sign_page, petition, name):
    response = sign_page(petition, name=name)
    assert response.status_code == 400
    assert "Write this on one line." in response.content.decode()
    assert Signature.objects.count() == 0


@pytest.mark.parametrize("name", [f"Ana {RLO}zeréP", "Ana \u2066Pérez\u2069", "\u202aAna"])
def test_bidi_overrides_are_refused(sign_page, petition, name):
    response = sign_page(petition, name=name)
    assert response.status_code == 400
    assert "characters that are not allowed" in response.content.decode()
    assert Signature.objects.count() == 0


def test_a_comment_may_have_lines_but_no_overrides(sign_page, petition):
    bad = sign_page(petition, comment=f"Line one\r\n{RLO}owt eniL")
    assert bad.status_code == 400
    good = sign_page(petition, comment="Line one\r\nLine two")
    assert good.status_code == 302
    assert Signature.objects.get().comment == "Line one\r\nLine two"


def test_right_to_left_names_with_plain_marks_are_welcome(sign_page, petition):
    name = "\u0641\u0627\u0637\u0645\u0629 \u200fAli"
    assert sign_page(petition, name=name).status_code == 302
    assert Signature.objects.get().name == name


def test_the_api_refuses_them_too_naming_the_field(client, petition):
    response = client.post(
        f"/api/v1/petitions/{petition.pk}/signatures/",
        {"name": "x\r\nBcc: evil@example.org", "email": "a@example.org", "postal_code": "62701"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["errors"]["name"][0]["message"] == "Write this on one line."
