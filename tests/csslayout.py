"""Public pages laid out by a real CSS engine (WeasyPrint, screen media) at phone width.

No browser needed: WeasyPrint applies the cascade (specificity, ``!important``, custom
properties, ``[hidden]``) and line breaking as a browser would, so tests can read the
colours a button ends up with and the width a page ends up taking.

Dynamic states (``:hover``, ``:focus``, ``:visited``...) never match in WeasyPrint, so
``layout(..., states=...)`` rewrites each such pseudo-class into a class of the same
specificity (``.hts-state-hover``) that a test puts on the element it probes.
"""

import re
from pathlib import Path

from weasyprint import CSS, HTML

from heretostay_wagtail.core import contrast
from heretostay_wagtail.pdf.fetcher import BASE_URL, safe_url_fetcher

CSS_PATH = (
    Path(__file__).resolve().parent.parent
    / "heretostay_wagtail/static/heretostay/css/heretostay.css"
)
STYLESHEET_LINK = re.compile(r'<link rel="stylesheet" href="[^"]*heretostay\.css">')
STATE = re.compile(r":(hover|focus-visible|focus-within|focus|visited|link|active)(?![\w-])")
#: Elements whose content is clipped or scrolled inside them: never widens a page.
CLIPPING_TAGS = {"input", "textarea", "select", "button", "svg"}


def stylesheet(css=None):
    css = CSS_PATH.read_text() if css is None else css
    return STATE.sub(lambda m: f".hts-state-{m.group(1)}", css)


def layout(html, width=360, css=None):
    """The laid-out document of ``html`` (a public page), its stylesheet inlined with
    states rewritten as classes."""
    html = STYLESHEET_LINK.sub(lambda _m: f"<style>{stylesheet(css)}</style>", html)
    page = CSS(string=f"@page {{ size: {width}px 20000px; margin: 0 }}")
    return HTML(
        string=html, base_url=BASE_URL, url_fetcher=safe_url_fetcher(), media_type="screen"
    ).render(stylesheets=[page])


def boxes(document):
    def walk(box):
        yield box
        for child in getattr(box, "children", None) or ():
            yield from walk(child)

    for page in document.pages:
        yield from walk(page._page_box)


def element_box(document, predicate):
    """The first box of the element that ``predicate(element)`` accepts, or None."""
    for box in boxes(document):
        element = getattr(box, "element", None)
        if element is not None and box.element_tag == element.tag and predicate(element):
            return box
    return None


def hex_of(color):
    red, green, blue = (round(255 * c) for c in color.to("srgb").coordinates)
    return f"#{red:02x}{green:02x}{blue:02x}"


def colors(box, page_background="#ffffff"):
    """(text colour, background colour) of a box, transparent backgrounds as the page's."""
    background = box.style["background_color"]
    background = page_background if background.alpha == 0 else hex_of(background)
    return hex_of(box.style["color"]), background


def ratio(box):
    return contrast.contrast_ratio(*colors(box))


def overflowing(document, width=360, tolerance=0.5):
    """Boxes whose right edge passes ``width``, outside elements that clip their content."""
    found = []

    def walk(box, clipped):
        element = getattr(box, "element", None)
        tag = element.tag.rsplit("}", 1)[-1] if element is not None else ""
        own_clip = box.style["overflow"] != "visible" or tag in CLIPPING_TAGS
        if not clipped and box.position_x + box.margin_width() > width + tolerance:
            text = getattr(box, "text", "") or ""
            found.append(
                (type(box).__name__, tag, round(box.position_x + box.margin_width()), text[:40])
            )
        for child in getattr(box, "children", None) or ():
            walk(child, clipped or own_clip)

    for page in document.pages:
        walk(page._page_box, False)
    return found
