"""Joining separately rendered PDFs and numbering their pages continuously.

Each chunk was laid out on its own, so its CSS page counter restarts; the real page
number is stamped afterwards as a small extra content stream on every page ("12 / 340"),
digits only, so it needs no translation and only a standard PDF font.
"""

import io

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject

FONT_NAME = "/HtsPageNo"
FONT_SIZE = 8
BOTTOM = 22  # points above the bottom edge, inside WeasyPrint's 16 mm bottom margin
# Helvetica advance widths (1/1000 em) of the characters we stamp.
WIDTHS = {" ": 278, "/": 278, **{str(d): 556 for d in range(10)}}


def _stream(writer, data):
    stream = DecodedStreamObject()
    stream.set_data(data.encode("ascii"))
    return writer._add_object(stream)


def join_and_number(parts):
    """One PDF (bytes) from PDF byte strings, with "page / pages" at the bottom centre."""
    writer = PdfWriter()
    readers = [PdfReader(io.BytesIO(part)) for part in parts]
    total = sum(len(reader.pages) for reader in readers)
    font = writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica"),
            }
        )
    )
    save_state = _stream(writer, "q\n")
    number = 0
    for reader in readers:
        # add_page per page: PdfWriter.append also merges outlines and links, 3x slower.
        for page in reader.pages:
            number += 1
            _stamp(writer, writer.add_page(page), f"{number} / {total}", font, save_state)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _stamp(writer, page, text, font, save_state):
    resources = page.get("/Resources")
    resources = resources.get_object() if resources is not None else DictionaryObject()
    fonts = resources.get("/Font")
    fonts = fonts.get_object() if fonts is not None else DictionaryObject()
    fonts[NameObject(FONT_NAME)] = font
    resources[NameObject("/Font")] = fonts
    page[NameObject("/Resources")] = resources
    box = page.mediabox
    width = sum(WIDTHS.get(ch, 556) for ch in text) * FONT_SIZE / 1000
    x = float(box.left) + (float(box.width) - width) / 2
    y = float(box.bottom) + BOTTOM
    stamp = _stream(
        writer,
        f"Q\nq BT {FONT_NAME} {FONT_SIZE} Tf 0 g {x:.2f} {y:.2f} Td ({text}) Tj ET Q\n",
    )
    contents = page.get("/Contents")
    existing = contents.get_object() if contents is not None else None
    if isinstance(existing, ArrayObject):
        items = list(existing)
    elif existing is not None:
        items = [contents if hasattr(contents, "idnum") else writer._add_object(existing)]
    else:
        items = []
    page[NameObject("/Contents")] = ArrayObject([save_state, *items, stamp])
