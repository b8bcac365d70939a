"""Printable signature sheets, each with its own short code.

Codes use an alphabet without look-alike characters (no 0/O, 1/I/L, 2/Z, 5/S, 8/B, 6/G)
so volunteers typing a stack of sheets back in don't mistake one sheet for another.
"""

import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from heretostay_wagtail.paper.models import PaperSheet, PaperSize
from heretostay_wagtail.pdf.render import render_pdf
from heretostay_wagtail.petitions.models import FieldChoice

ALPHABET = "ACDEFHJKMNPQRTUVWXY3479"
CODE_LENGTH = 6
MAX_SHEETS = 50
ROWS_PER_SHEET = {PaperSize.LETTER: 12, PaperSize.A4: 13}


def new_code():
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:3]}-{raw[3:]}"


def normalize_code(value):
    """``" abc def"`` / ``"abcdef"`` / ``"ABC-DEF"`` -> ``"ABC-DEF"``; ``""`` if not a code."""
    raw = "".join(ch for ch in (value or "").upper() if ch.isalnum())
    if len(raw) != CODE_LENGTH or any(ch not in ALPHABET for ch in raw):
        return ""
    return f"{raw[:3]}-{raw[3:]}"


def issue_sheets(petition, count, paper_size, user=None):
    """Create ``count`` sheet codes for ``petition`` (retrying the rare collision)."""
    sheets = []
    for _i in range(count):
        for _attempt in range(10):
            try:
                with transaction.atomic():
                    sheets.append(
                        PaperSheet.objects.create(
                            code=new_code(),
                            campaign_key=petition.campaign_key,
                            page=petition,
                            paper_size=paper_size,
                            created_by=user,
                        )
                    )
                break
            except IntegrityError:
                continue
    return sheets


def columns(petition):
    """The columns printed on the sheet, following the petition's signer fields."""
    cols = [("name", _("Name")), ("email", _("Email"))]
    if petition.ask_postal_code != FieldChoice.OFF:
        cols.append(("postal_code", _("Postal code")))
    if petition.ask_phone != FieldChoice.OFF:
        cols.append(("phone", _("Phone")))
    if petition.ask_comment == FieldChoice.REQUIRED:
        cols.append(("comment", _("Comment")))
    cols.append(("opt_in", _("Join the mailing list")))
    return cols


def consent_line(petition):
    """Printed on every sheet; stored as the consent text of signatures entered from paper."""
    return _(
        "By signing you support this petition. Your name and postal code will be delivered "
        "to the target; your email and phone will not. Tick “%(column)s” to agree to: "
        "“%(consent)s”"
    ) % {"column": _("Join the mailing list"), "consent": petition.get_consent_text()}


def render_sheets(petition, sheets, paper_size):
    """PDF bytes: one page per sheet, in the petition page's language."""
    with translation.override(petition.locale.language_code):
        cols = columns(petition)
        context = {
            "petition": petition,
            "targets": list(petition.targets.all()),
            "sheets": sheets,
            "columns": cols,
            "rows": range(1, ROWS_PER_SHEET.get(paper_size, 12) + 1),
            "paper_size": "A4" if paper_size == PaperSize.A4 else "letter",
            "consent_line": consent_line(petition),
            "printed_on": timezone.localdate(),
            "required": _required(petition),
        }
        return render_pdf("heretostay/pdf/paper_form.html", context)


def _required(petition):
    required = {"name", "email"}
    if petition.ask_postal_code == FieldChoice.REQUIRED:
        required.add("postal_code")
    if petition.ask_phone == FieldChoice.REQUIRED:
        required.add("phone")
    if petition.ask_comment == FieldChoice.REQUIRED:
        required.add("comment")
    return required
