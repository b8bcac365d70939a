"""Colour contrast as WCAG 2.x defines it (relative luminance and contrast ratio).

https://www.w3.org/TR/WCAG22/#dfn-contrast-ratio: a pair of colours passes level AA
for normal text at 4.5:1.
"""

import re

AA_NORMAL_TEXT = 4.5

HEX_COLOR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")


def normalize_hex(value):
    """``#abc`` or ``#AABBCC`` as ``#aabbcc``; ValueError for anything else."""
    value = (value or "").strip()
    if not HEX_COLOR.match(value):
        raise ValueError(f"Not a hex colour: {value!r}")
    digits = value[1:].lower()
    if len(digits) == 3:
        digits = "".join(ch * 2 for ch in digits)
    return f"#{digits}"


def _channel(value):
    """One sRGB channel (0-255) linearized, per WCAG 2.x."""
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(color):
    """WCAG relative luminance of a hex colour: 0 for black, 1 for white."""
    digits = normalize_hex(color)[1:]
    r, g, b = (int(digits[i : i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_ratio(first, second):
    """(L1 + 0.05) / (L2 + 0.05), the lighter colour's luminance as L1: 1 to 21."""
    a, b = relative_luminance(first), relative_luminance(second)
    lighter, darker = max(a, b), min(a, b)
    return (lighter + 0.05) / (darker + 0.05)


def passes_aa(first, second):
    return contrast_ratio(first, second) >= AA_NORMAL_TEXT


def darker(first, second):
    """The darker of two colours (the one to use as text on white)."""
    return first if relative_luminance(first) <= relative_luminance(second) else second
