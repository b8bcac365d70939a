"""Card layouts rendered with WeasyPrint (through ``pdf.render`` only).

The phone image is the WeasyPrint PDF rasterized with pypdfium2, so it uses the
very same text shaping and fonts as the PDFs (Arabic joining, Gurmukhi, Ethiopic,
CJK); drawing with Pillow would need its own bidi and shaping support.
"""

import hashlib
import io

from django.utils import translation

from heretostay_wagtail.core import branding as core_branding
from heretostay_wagtail.guides.cards.formats import FORMATS
from heretostay_wagtail.pdf.render import render_pdf

PT_PER_IN = 72
CARD_W, CARD_H = 3.5 * PT_PER_IN, 2 * PT_PER_IN  # 252 x 144 pt
PAPER = {"letter": (8.5 * PT_PER_IN, 11 * PT_PER_IN), "A4": (595.28, 841.89)}
COLUMNS, ROWS = 2, 5
MARK_GAP, MARK_LEN = 4, 14  # cut marks stop short of the cards
PHONE_WIDTH_PX = 1080


def sheet_geometry(paper):
    """Card positions and cut marks (in pt) for 10 cards centred on the page."""
    page_w, page_h = PAPER[paper]
    left = (page_w - COLUMNS * CARD_W) / 2
    top = (page_h - ROWS * CARD_H) / 2
    slots = [
        {"x": left + c * CARD_W, "y": top + r * CARD_H} for r in range(ROWS) for c in range(COLUMNS)
    ]
    marks = []
    for c in range(COLUMNS + 1):
        x = left + c * CARD_W
        for y in (top - MARK_GAP - MARK_LEN, top + ROWS * CARD_H + MARK_GAP):
            marks.append({"x": x, "y": y, "w": 0, "h": MARK_LEN})
    for r in range(ROWS + 1):
        y = top + r * CARD_H
        for x in (left - MARK_GAP - MARK_LEN, left + COLUMNS * CARD_W + MARK_GAP):
            marks.append({"x": x, "y": y, "w": MARK_LEN, "h": 0})
    # Strings, so the active locale never prints "612,0pt" into the CSS.
    fmt = "{:.2f}".format
    return {
        "page_w": fmt(page_w),
        "page_h": fmt(page_h),
        "slots": [{k: fmt(v) for k, v in slot.items()} for slot in slots],
        "marks": [{k: fmt(v) for k, v in mark.items()} for mark in marks],
    }


def card_branding(branding=None):
    """What cards take from the site's branding (the default site's: cards belong to no
    site): the accent as text on white, and the contact line for the footer."""
    branding = branding or core_branding.default()
    return {"accent": branding.link_color, "contact_line": branding.contact_line}


def branding_fingerprint(values=None):
    """Changes whenever the branding printed on cards changes, for the file cache."""
    values = values or card_branding()
    payload = "\n".join([values["accent"], values["contact_line"]])
    return hashlib.sha256(payload.encode()).hexdigest()[:8]


def render_card_pdf(card, fmt, branding=None):
    context = {
        "card": card,
        "layout": fmt.layout,
        "paper": fmt.paper,
        "branding": branding or card_branding(),
    }
    if fmt.layout == "sheet":
        context.update(sheet_geometry(fmt.paper))
    with translation.override(card.language):
        return render_pdf("heretostay/cards/card.html", context)


def render_card_png(card, fmt=None, branding=None):
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(render_card_pdf(card, fmt or FORMATS["phone"], branding))
    try:
        page = pdf[0]
        bitmap = page.render(scale=PHONE_WIDTH_PX / page.get_width())
        out = io.BytesIO()
        bitmap.to_pil().save(out, "PNG", optimize=True)
    finally:
        pdf.close()
    return out.getvalue()


def render_card(card, fmt, branding=None):
    """The card's file; ``branding`` as from ``card_branding`` (default site's if None)."""
    if fmt.extension == "png":
        return render_card_png(card, fmt, branding)
    return render_card_pdf(card, fmt, branding)
