"""The delivery list in every script supporters sign in, read back from the real PDF.

Guards the speed work on the list markup: whatever the markup, names in right-to-left,
CJK, Gurmukhi and Ethiopic script must come out as the same text, and markup typed as a
name must stay text.
"""

import unicodedata

import pytest
from django.urls import reverse

from heretostay_wagtail.models import DeliveryJob
from heretostay_wagtail.paper.delivery import BLOCK_ROWS

from .conftest import flat, pdf_pages, pdf_text, sign

NAMES = {
    "arabic": "محمد العلي",
    "farsi": "زهرا محمدی",
    "chinese": "王小明",
    "gurmukhi": "ਹਰਪ੍ਰੀਤ ਸਿੰਘ",
    "ethiopic": "አበበ ቢቂላ",
    "latin": "Zoë Ñúñez-O'Brien",
}


def _deliver_pdf(client, petition, captured, **options):
    """Generate the delivery PDF as an organizer does and download it: its bytes."""
    data = {"group_by": "0", "include_comments": "on", "only_confirmed": "on", **options}
    with captured(execute=True):
        client.post(reverse("heretostay_deliver", args=[petition.pk]), data)
    job = DeliveryJob.objects.latest("pk")
    job.refresh_from_db()
    assert job.status == "done", job.error
    response = client.get(reverse("heretostay_delivery_download", args=[petition.pk, job.pk]))
    return b"".join(response.streaming_content)


def _deliver(client, petition, captured, **options):
    return pdf_text(_deliver_pdf(client, petition, captured, **options))


def _page_texts(pdf):
    return [page.extract_text() or "" for page in pdf_pages(pdf)]


def _find(text, name):
    """Where ``name``'s first word is in ``text`` (pypdf may reverse right-to-left runs)."""
    word = _words(name).split()[0]
    found = text.find(word) if word in text else text.find(word[::-1])
    assert found >= 0, name
    return found


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
    pages = _page_texts(
        _deliver_pdf(paper_client, petition, django_capture_on_commit_callbacks, group_by=group_by)
    )
    # The cover, then six short rows: one page of signers, each page numbered.
    assert len(pages) == 2
    for number, page in enumerate(pages, 1):
        assert page.rstrip().endswith(f"{number} / 2"), number
    assert "list 6 signers" in flat(pages[0])
    text = _words(pages[1])
    for script, name in NAMES.items():
        for word in _words(name).split():
            assert word in text or word[::-1] in text, (script, word)
    # In signing order (their postal codes are in the same order).
    positions = [text.find(f"9410{i}") for i in range(len(NAMES))]
    assert -1 not in positions and positions == sorted(positions)
    if group_by == "3":
        assert "941" in text and "6 signatures" in text  # one group, with its count
    assert "@example.org" not in text


def test_markup_in_a_name_stays_text(paper_client, petition, django_capture_on_commit_callbacks):
    sign(petition, "<pre>Bobby</pre></pre><h2>Fake</h2>", "m@example.org", "94103")
    sign(petition, "Ann &amp; <!-- x --> Lee", "a@example.org", "94103")
    text = _deliver(paper_client, petition, django_capture_on_commit_callbacks)
    assert "<pre>Bobby</pre></pre><h2>Fake</h2>" in text
    assert "Ann &amp; <!-- x --> Lee" in text


def test_mixed_list_keeps_order_across_both_renderers(
    paper_client, petition, django_capture_on_commit_callbacks
):
    """Blocks of plain Latin rows are drawn in columns, blocks with other scripts by
    WeasyPrint: three blocks of ``BLOCK_ROWS`` signers, the middle one with an Arabic
    name, make a list that changes renderer twice. Read back from the real PDF, it lists
    every signer once, whole and in signing order, one page per block."""
    blocks = [
        [f"Alpha Latin{k:03d}" for k in range(BLOCK_ROWS)],
        [NAMES["arabic"], *(f"Beta Latin{k:03d}" for k in range(BLOCK_ROWS - 1))],
        [f"Gamma Latin{k:03d}" for k in range(BLOCK_ROWS)],
    ]
    order = [name for block in blocks for name in block]
    for i, name in enumerate(order):
        sign(petition, name, f"mixed{i}@example.org", "94103")
    pages = _page_texts(_deliver_pdf(paper_client, petition, django_capture_on_commit_callbacks))

    assert len(pages) == 1 + len(blocks)  # the cover, then a page per block
    for number, page in enumerate(pages, 1):
        assert page.rstrip().endswith(f"{number} / {len(pages)}"), number
    assert f"list {len(order)} signers" in flat(pages[0])
    for block, page in zip(blocks, pages[1:], strict=True):
        page = _words(page)
        positions = [_find(page, name) for name in block]
        assert positions == sorted(positions)  # in signing order on the page
        others = [name for name in order if name not in block and "Latin" in name]
        assert not [name for name in others if name in page]  # and nowhere else
    text = _words("\n".join(pages[1:]))
    for name in order:
        if "Latin" in name:
            assert text.count(name) == 1, name  # whole, and only once
    assert "@example.org" not in text


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
