"""Typing paper signatures back in: one row at a time through the online validator.

Each row goes through ``SignatureForm`` (source paper) and ``signing.sign``, exactly like
an online signature, so limits, dedupe and counting are the same; a bad row is reported
and skipped, never blocking the good ones.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from heretostay_wagtail.core import audit
from heretostay_wagtail.core.models import CampaignCounter, Source
from heretostay_wagtail.paper.models import PaperSheet, PaperTally
from heretostay_wagtail.paper.sheets import consent_line, normalize_code
from heretostay_wagtail.petitions import services as signing
from heretostay_wagtail.petitions.forms import SignatureForm

ADDED = "added"
DUPLICATE = "duplicate"
REJECTED = "rejected"

#: Values of a "join the mailing list" cell that mean yes (any language we ship).
YES = {"on", "yes", "y", "x", "1", "true", "si", "sí", "s", "✓", "✔"}

ROW_FIELDS = ("name", "email", "postal_code", "phone", "comment", "opt_in", "sheet_code")


@dataclass
class RowResult:
    number: int
    data: dict
    status: str
    errors: list = field(default_factory=list)

    @property
    def name(self):
        return self.data.get("name", "")


@dataclass
class EntryReport:
    rows: list = field(default_factory=list)

    def _with(self, status):
        return [r for r in self.rows if r.status == status]

    @property
    def added(self):
        return self._with(ADDED)

    @property
    def duplicates(self):
        return self._with(DUPLICATE)

    @property
    def rejected(self):
        return self._with(REJECTED)

    def summary(self):
        return {
            "added": len(self.added),
            "duplicates": len(self.duplicates),
            "rejected": len(self.rejected),
        }


def is_yes(value):
    if isinstance(value, bool):
        return value
    return str(value or "").strip().lower() in YES


def is_blank(row):
    return not any(str(row.get(k) or "").strip() for k in ROW_FIELDS if k != "opt_in")


def known_sheet_codes(petition):
    return set(
        PaperSheet.objects.filter(campaign_key=petition.campaign_key).values_list("code", flat=True)
    )


def check_sheet_code(petition, value, known=None):
    """Normalized code, or raise ValueError with a translated reason."""
    if not (value or "").strip():
        return ""
    code = normalize_code(value)
    if not code:
        raise ValueError(_("“%(code)s” is not a sheet code.") % {"code": value})
    known = known if known is not None else known_sheet_codes(petition)
    if code not in known:
        raise ValueError(
            _("Sheet code %(code)s was not printed for this petition.") % {"code": code}
        )
    return code


def _form_errors(form):
    messages = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        for error in errors:
            messages.append(f"{label}: {error}" if label else str(error))
    return messages


def enter_rows(petition, rows, *, user, sheet_code="", method="form"):
    """Validate and sign each row (dicts of raw strings); returns an :class:`EntryReport`.

    ``rows`` is an iterable of ``(number, dict)``; blank rows are skipped. Writes one
    audit-log entry for the batch.
    """
    language = petition.locale.language_code
    consent = consent_line_in(petition, language)
    known = known_sheet_codes(petition)
    report = EntryReport()
    for number, raw in rows:
        if is_blank(raw):
            continue
        data = {k: str(raw.get(k) or "").strip() for k in ROW_FIELDS if k != "opt_in"}
        if is_yes(raw.get("opt_in")):
            data["opt_in"] = "on"
        try:
            code = check_sheet_code(petition, data.pop("sheet_code", "") or sheet_code, known)
        except ValueError as exc:
            report.rows.append(RowResult(number, data, REJECTED, [str(exc)]))
            continue
        form = SignatureForm(petition, data, source=Source.PAPER)
        if not form.is_valid():
            report.rows.append(RowResult(number, data, REJECTED, _form_errors(form)))
            continue
        result = signing.sign(
            petition,
            form.signer_data(),
            source=Source.PAPER,
            language=language,
            entered_by=user,
            sheet_code=code,
            consent_text=consent,
        )
        if result.created:
            report.rows.append(RowResult(number, data, ADDED))
        else:
            report.rows.append(
                RowResult(number, data, DUPLICATE, [_("This email has already signed.")])
            )
    audit.log(
        petition,
        "heretostay.paper_entry",
        user=user,
        method=method,
        sheet_code=sheet_code,
        **report.summary(),
    )
    return report


def consent_line_in(petition, language):
    from django.utils import translation

    with translation.override(language):
        return str(consent_line(petition))


def add_tally(petition, count, *, user, sheet_code="", note=""):
    """Count paper signatures without names; they add to the total, never to the list."""
    code = check_sheet_code(petition, sheet_code)
    with transaction.atomic():
        tally = PaperTally.objects.create(
            campaign_key=petition.campaign_key,
            page=petition,
            count=count,
            sheet_code=code,
            note=note,
            entered_by=user,
        )
        CampaignCounter.add(petition.campaign_key, paper_tally=count)
    audit.log(
        petition, "heretostay.paper_entry", user=user, method="tally", tally=count, sheet_code=code
    )
    return tally


def remove_tally(petition, tally, *, user):
    """Undo a paper-only count: delete it and take its number off the total, once.

    The row delete, the counter update and the audit entry are one transaction. Returns
    False (and changes nothing) when the tally was already removed, e.g. by a colleague
    clicking at the same moment.
    """
    with transaction.atomic():
        deleted, _ = PaperTally.objects.filter(pk=tally.pk).delete()
        if not deleted:
            return False
        CampaignCounter.subtract_paper_tally(tally.campaign_key, tally.count)
        audit.log(
            petition,
            "heretostay.paper_tally_remove",
            user=user,
            tally=tally.count,
            sheet_code=tally.sheet_code,
            note=tally.note,
            entered_at=tally.created_at.isoformat(),
            entered_by=tally.entered_by_id,
        )
    return True


TALLY_LABEL = gettext_lazy("Counted on paper, without names")
