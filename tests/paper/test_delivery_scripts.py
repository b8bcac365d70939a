"""The delivery list in every script supporters sign in, read back from the real PDF.

Guards the speed work on the list markup: whatever the markup, names in right-to-left,
CJK, Gurmukhi and Ethiopic script must come out as the same text, and markup typed as a
name must stay text.
"""

import unicodedata

import pytest
from django.urls import reverse

from heretostay_wagtail.models import DeliveryJob

from .conftest import pdf_text, sign

NAMES = {
    "arabic": "محمد العلي",
    "farsi": "زهرا محمدی",
    "chinese": "王小明",
    "gurmukhi": "ਹਰਪ੍ਰੀਤ ਸਿੰਘ",
    "ethiopic": "አበበ ቢቂላ",
    "latin": "Zoë Ñúñez-O'Brien",
}


def _deliver(client, petition, captured, **options):
    data = {"group_by": "0", "include_comments": "on", "only_confirmed": "on", **options}
    with captured(execute=True):
        client.post(reverse("heretostay_deliver", args=[petition.pk]), data)
    job = DeliveryJob.objects.latest("pk")
    job.refresh_from_db()
    assert job.status == "done", job.error
    response = client.get(reverse("heretostay_delivery_download", args=[petition.pk, job.pk]))
    return pdf_text(b"".join(response.streaming_content))


def _words(text):
    # pypdf may emit RTL runs in visual order and splits lines differently; compare
    # the normalized words of each name rather than the raw line.
    return unicodedata.normalize("NFC", text)


@pytest.mark.parametrize("group_by", ["0", "3"])
def test_every_script_reads_back(
    paper_client, petition, django_capture_on_commit_callbacks, group_by
):
    for i, name in enumerate(NAMES.values()):
        sign(petition, name, f"script{i}@example.org", f"9410{i}", comment=f"{name} !")
    text = _words(
        _deliver(paper_client, petition, django_capture_on_commit_callbacks, group_by=group_by)
    )
    for script, name in NAMES.items():
        for word in _words(name).split():
            assert word in text or word[::-1] in text, (script, word)
    assert "@example.org" not in text


def test_markup_in_a_name_stays_text(paper_client, petition, django_capture_on_commit_callbacks):
    sign(petition, "<pre>Bobby</pre></pre><h2>Fake</h2>", "m@example.org", "94103")
    sign(petition, "Ann &amp; <!-- x --> Lee", "a@example.org", "94103")
    text = _deliver(paper_client, petition, django_capture_on_commit_callbacks)
    assert "<pre>Bobby</pre></pre><h2>Fake</h2>" in text
    assert "Ann &amp; <!-- x --> Lee" in text


def test_mixed_list_keeps_order_across_both_renderers(
    paper_client, petition, django_capture_on_commit_callbacks, monkeypatch, settings
):
    """Blocks of plain Latin rows are drawn in columns, blocks with other scripts by
    WeasyPrint; the list still reads in signing order with every name whole."""
    from heretostay_wagtail.paper import delivery, signer_list

    monkeypatch.setattr(delivery, "BLOCK_ROWS", 1)
    settings.HERETOSTAY = {**settings.HERETOSTAY, "PDF_PROCESSES": 1}  # count calls here
    calls = []
    real = signer_list.render
    monkeypatch.setattr(
        signer_list,
        "render",
        lambda parts, *a: calls.append([len(rows) for rows, _carried in parts]) or real(parts, *a),
    )
    order = ["Ana Latin", NAMES["arabic"], "Bea Latin", NAMES["chinese"], "Cy Latin"]
    for i, name in enumerate(order):
        sign(petition, name, f"mixed{i}@example.org", "94103")
    text = _words(_deliver(paper_client, petition, django_capture_on_commit_callbacks))
    assert calls == [[1, 1, 1]]  # one window: the three Latin rows, each its own part
    positions = []
    for name in order:
        word = _words(name).split()[0]
        found = text.find(word) if word in text else text.find(word[::-1])
        assert found >= 0, name
        positions.append(found)
    assert positions == sorted(positions)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Zoë Ñúñez-O'Brien", True),
        ("<b>Ann</b> & {Lee}", True),
        ("Nguyễn Thị Minh Khai", True),  # Vietnamese: precomposed letters
        ("Zoe\u0308 decomposed", True),  # NFC gives ë
        ("Ольга Петрова", True),
        (NAMES["arabic"], False),
        (NAMES["chinese"], False),
        (NAMES["gurmukhi"], False),
        ("q\u0307\u0323 stacked marks", False),  # no precomposed form: needs shaping
        ("Ana \u200d Lee", False),  # a joiner
        ("Ana 🌻", False),
    ],
)
def test_what_the_columns_renderer_draws(text, expected):
    from heretostay_wagtail.paper import signer_list

    assert signer_list.drawable(signer_list.normalize(text)) is expected
