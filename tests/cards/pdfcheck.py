"""Read generated PDFs back: page sizes, text, and which characters embedded fonts cover."""

import io
import re
import shutil
import subprocess

import pytest
from pypdf import PdfReader

#: fontconfig language tag and Debian package giving glyphs for each sample language.
FONT_FOR_LANGUAGE = {
    "en": ("en", "fonts-noto-core"),
    "es": ("es", "fonts-noto-core"),
    "ar": ("ar", "fonts-noto-core"),
    "fa": ("fa", "fonts-noto-core"),
    "pa": ("pa", "fonts-noto-core"),
    "ti": ("ti", "fonts-noto-core"),
    "zh-hans": ("zh-cn", "fonts-noto-cjk"),
    "ko": ("ko", "fonts-noto-cjk"),
}


def reader(data):
    return PdfReader(io.BytesIO(data))


def page_sizes(data):
    return [
        (round(float(p.mediabox.width)), round(float(p.mediabox.height)))
        for p in reader(data).pages
    ]


def page_texts(data):
    return [p.extract_text() or "" for p in reader(data).pages]


def _unicode_from_hex(hexstr):
    raw = bytes.fromhex(hexstr)
    return raw.decode("utf-16-be", errors="ignore")


def embedded_font_coverage(data):
    """Characters mapped by the ToUnicode maps of fonts embedded in the PDF.

    A character with no glyph in any font is drawn as a box and never appears here.
    """
    chars = set()
    for page in reader(data).pages:
        fonts = page["/Resources"].get_object().get("/Font", {})
        for font in fonts.get_object().values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            if not any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                continue  # not embedded: does not count
            if "/ToUnicode" not in font:
                continue
            cmap = font["/ToUnicode"].get_object().get_data().decode("latin-1")
            for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
                for _src, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
                    chars.update(_unicode_from_hex(dst))
            for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.S):
                for lo, hi, dst in re.findall(
                    r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block
                ):
                    start = int(dst, 16)
                    for offset in range(int(hi, 16) - int(lo, 16) + 1):
                        chars.add(chr(start + offset))
    return chars


def require_fonts(language):
    """Skip (with the apt package to install) when fontconfig has no font for a language."""
    tag, package = FONT_FOR_LANGUAGE[language]
    if shutil.which("fc-list") is None:
        pytest.skip("fontconfig's fc-list is not installed")
    found = subprocess.run(
        ["fc-list", f":lang={tag}", "family"], capture_output=True, text=True, check=False
    ).stdout.strip()
    if not found:
        pytest.skip(f"No font for {language!r}: apt-get install {package} (see docs/fonts.md)")
