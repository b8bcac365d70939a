"""The signers list of the delivery PDF drawn directly with ReportLab, in aligned columns.

WeasyPrint lays out every line with Pango, about 1 ms of CPU per signer, which made a
100,000-signature delivery take over a minute. Text in scripts that need no shaping
(Latin, Greek, Cyrillic, Armenian, Georgian) running left to right is drawn here at about
a twentieth of that cost. Rows with any other text (Arabic, Hebrew, Indic scripts, CJK,
combining marks, emoji...) are rendered by WeasyPrint instead, which shapes every script
correctly; ``delivery.py`` decides per block of rows with :func:`drawable`.

Supporter text is drawn as text, never interpreted, so markup typed as a name prints as
typed. Only the one TrueType font found below is embedded; nothing is fetched.
"""

import functools
import io
import logging
import shutil
import subprocess
import unicodedata
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.pdfgen.canvas import Canvas

from heretostay_wagtail.core.conf import get_setting

logger = logging.getLogger(__name__)

PAGE_WIDTH, PAGE_HEIGHT = 612.0, 792.0  # US Letter, like the cover and the HTML pages
MM = 72 / 25.4
LEFT = RIGHT = 14 * MM
TOP = 14 * MM
BOTTOM = 16 * MM  # the page number is stamped inside this margin (numbering.py)
SIZE = 8.5
SMALL = 7.5
HEADING = 11
LEADING = 12.5
GUTTER = 8

# Scripts whose letters are drawn one glyph after another with no shaping.
SIMPLE_RANGES = (
    (0x0020, 0x007E),  # Basic Latin (printable)
    (0x00A0, 0x024F),  # Latin-1 Supplement, Latin Extended-A and -B
    (0x0250, 0x02FF),  # IPA extensions, spacing modifier letters
    (0x0370, 0x03FF),  # Greek
    (0x0400, 0x052F),  # Cyrillic and its supplement
    (0x0531, 0x058F),  # Armenian
    (0x10A0, 0x10FF),  # Georgian
    (0x1E00, 0x1FFF),  # Latin Extended Additional (Vietnamese), Greek Extended
    (0x2010, 0x2027),  # dashes, quotes, bullets, ellipsis
    (0x2030, 0x205E),  # per mille, primes, more punctuation
    (0x20A0, 0x20C0),  # currency signs
    (0x2100, 0x218F),  # letterlike symbols, number forms
    (0x2C60, 0x2C7F),  # Latin Extended-C
    (0xA720, 0xA7FF),  # Latin Extended-D
    (0xFB00, 0xFB06),  # Latin ligatures
)
RTL_CLASSES = {"R", "AL", "AN", "RLE", "RLO", "LRE", "LRO", "PDF", "RLI", "LRI", "FSI", "PDI"}
FONT_CANDIDATES = (
    (
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    ),
    (
        "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
        "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf",
    ),
    (
        "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    ),
)
REGULAR, BOLD = "HtsList", "HtsList-Bold"


def _fc_match(pattern):
    """The font file fontconfig picks, so the columns match WeasyPrint's sans-serif."""
    fc_match = shutil.which("fc-match")
    if not fc_match:
        return None
    try:
        out = subprocess.run(
            [fc_match, "--format=%{file}", pattern],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return out if out.lower().endswith(".ttf") else None


def _font_files():
    configured = get_setting("DELIVERY_LIST_FONTS")
    if configured is False:
        return []
    if configured:
        return [tuple(configured)]
    found = [(_fc_match("sans-serif"), _fc_match("sans-serif:bold"))]
    return [pair for pair in found if all(pair)] + list(FONT_CANDIDATES)


@functools.cache
def fonts():
    """Register the list fonts once per process; ``None`` when no usable TrueType font
    exists (then every row goes to WeasyPrint)."""
    for regular, bold in _font_files():
        if not (Path(regular).is_file() and Path(bold).is_file()):
            continue
        try:
            faces = TTFont(REGULAR, regular), TTFont(BOLD, bold)
        except (TTFError, OSError) as exc:  # e.g. PostScript outlines, which ReportLab refuses
            logger.info("Delivery list font %s not usable: %s", regular, exc)
            continue
        for face in faces:
            pdfmetrics.registerFont(face)
        covered = set(faces[0].face.charToGlyph) & set(faces[1].face.charToGlyph)
        return frozenset(chr(cp) for cp in covered if _simple(cp))
    logger.warning("No TrueType sans-serif font found; delivery lists use WeasyPrint only.")
    return None


def _simple(cp):
    if not any(low <= cp <= high for low, high in SIMPLE_RANGES):
        return False
    ch = chr(cp)
    return (
        unicodedata.combining(ch) == 0
        and unicodedata.category(ch)[0] not in "CM"
        and unicodedata.bidirectional(ch) not in RTL_CLASSES
    )


def normalize(text):
    """NFC, so a name typed with combining accents can still be drawn without shaping."""
    return unicodedata.normalize("NFC", text) if text and not text.isascii() else text


def drawable(*texts):
    """True when every character of ``texts`` can be drawn here exactly as WeasyPrint would."""
    charset = fonts()
    if charset is None:
        return False
    return all(
        not text or text.isascii() and text.isprintable() or set(text) <= charset for text in texts
    )


class Columns:
    """Widths and labels of the list's columns; comments get a wide last column."""

    def __init__(self, labels, with_comments):
        width = PAGE_WIDTH - LEFT - RIGHT
        if with_comments:
            widths = (0.34, 0.13, 0.13, 0.40)
            keys = ("name", "postal_code", "signed", "comment")
        else:
            widths = (0.56, 0.22, 0.22)
            keys = ("name", "postal_code", "signed")
        self.labels = [labels[key] for key in keys]
        self.x = []
        self.widths = []
        x = LEFT
        for share in widths:
            self.x.append(x)
            self.widths.append(width * share - GUTTER)
            x += width * share


def wrap(text, width, font=REGULAR, size=SIZE):
    """Lines of ``text`` no wider than ``width``: at spaces, or inside a word too long."""
    if not text or stringWidth(text, font, size) <= width:
        return [text]
    lines, line = [], ""
    for word in text.split(" "):
        candidate = f"{line} {word}" if line else word
        if stringWidth(candidate, font, size) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = ""
        while stringWidth(word, font, size) > width:
            cut = _fit(word, width, font, size)
            lines.append(word[:cut])
            word = word[cut:]
        line = word
    if line:
        lines.append(line)
    return lines


def _fit(word, width, font, size):
    low, high = 1, len(word)
    while low < high:  # the longest prefix that fits; at least one character
        mid = (low + high + 1) // 2
        if stringWidth(word[:mid], font, size) <= width:
            low = mid
        else:
            high = mid - 1
    return low


class ListPage:
    """Draws rows onto pages, repeating the header, legend and current group heading."""

    def __init__(self, canvas, context):
        self.c = canvas
        self.context = context
        self.columns = Columns(context["labels"], context["with_comments"])
        self.grouped = context["grouped"]
        self.y = None
        self.group = None
        self.rows = 0  # rows drawn, for the count check in delivery.py

    def new_page(self):
        c = self.c
        if self.y is not None:
            c.showPage()  # the part's first page was started by render()
        c.setFillGray(0.27)
        c.setFont(REGULAR, SMALL)
        c.drawString(LEFT, PAGE_HEIGHT - TOP + 4, self.context["title"])
        y = PAGE_HEIGHT - TOP - SMALL - 4
        for x, label in zip(self.columns.x, self.columns.labels, strict=True):
            c.drawString(x, y, label)
        c.setLineWidth(0.75)
        c.line(LEFT, y - 3, PAGE_WIDTH - RIGHT, y - 3)
        c.setFillGray(0)
        self.y = y - 3 - LEADING
        if self.grouped and self.group is not None:
            self.heading(self.group, continued=True)

    def heading(self, group, continued=False):
        """Group heading, kept with at least one row below it."""
        if self.y - HEADING - 2 * LEADING < BOTTOM:
            self.group = None  # the old group is finished: no "continued" heading for it
            self.new_page()
        c = self.c
        self.y -= 4
        label, count = self.context["headings"][group]
        if continued:
            label = f"{label} ({self.context['continued']})"
        c.setFont(BOLD, HEADING)
        c.drawString(LEFT, self.y, label)
        if count:
            c.setFont(REGULAR, SIZE)
            c.drawString(LEFT + c.stringWidth(label, BOLD, HEADING) + 6, self.y, count)
        self.y -= LEADING + 2
        self.group = group

    def row(self, cells):
        columns = self.columns
        cells = [wrap(text, width) for text, width in zip(cells, columns.widths, strict=False)]
        height = max(len(lines) for lines in cells) * LEADING
        if self.y - height + LEADING < BOTTOM:
            self.new_page()
        c = self.c
        c.setFont(REGULAR, SIZE)
        for x, lines in zip(columns.x, cells, strict=False):
            y = self.y
            for line in lines:
                if line:
                    c.drawString(x, y, line)
                y -= LEADING
        self.y -= height
        self.rows += 1


def render(parts, context):
    """PDF bytes of the ``parts`` of a list, each starting on a new page, and for each
    part ``(pages, rows drawn)``, which ``delivery.py`` checks against the rows counted.
    A part is ``(rows, carried group)``; rows are ``(group, name, postal code, date text,
    comment)``; a group carried over from the previous part is headed "continued".
    ``context``: title, labels, headings ({group: (label, count text)}), continued,
    grouped, with_comments."""
    if fonts() is None:  # pragma: no cover - delivery.py checks drawable() first
        raise RuntimeError("No font for the delivery list")
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=(PAGE_WIDTH, PAGE_HEIGHT), pageCompression=1, invariant=1)
    canvas.setTitle(context["title"])
    with_comments = context["with_comments"]
    grouped = context["grouped"]
    page_counts = []
    for rows, carried in parts:
        first_page = canvas.getPageNumber()
        page = ListPage(canvas, context)
        page.group = carried if grouped and rows and rows[0][0] == carried else None
        page.new_page()
        for group, name, postal_code, signed, comment in rows:
            if grouped and group != page.group:
                page.heading(group)
            page.row(
                [name, postal_code, signed, comment]
                if with_comments
                else [name, postal_code, signed]
            )
        canvas.showPage()
        page_counts.append((canvas.getPageNumber() - first_page, page.rows))
    canvas.save()
    return out.getvalue(), page_counts
