"""The download formats a card is offered in (names appear in URLs and file names)."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class CardFormat:
    name: str
    label: str
    extension: str
    content_type: str
    layout: str
    paper: str = ""


FORMATS = {
    f.name: f
    for f in (
        CardFormat(
            "wallet", _("Wallet card (PDF, front and back)"), "pdf", "application/pdf", "wallet"
        ),
        CardFormat(
            "sheet-letter",
            _("Print sheet, 10 cards per Letter page (PDF)"),
            "pdf",
            "application/pdf",
            "sheet",
            "letter",
        ),
        CardFormat(
            "sheet-a4",
            _("Print sheet, 10 cards per A4 page (PDF)"),
            "pdf",
            "application/pdf",
            "sheet",
            "A4",
        ),
        CardFormat("phone", _("Image for your phone (PNG)"), "png", "image/png", "phone"),
    )
}


def format_choices():
    return [(f.name, f.label) for f in FORMATS.values()]
