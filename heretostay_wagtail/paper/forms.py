"""Admin forms for paper sheets, paper entry and delivery (organizer-facing)."""

from django import forms
from django.core.validators import validate_email
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from heretostay_wagtail.paper import regions as paper_regions
from heretostay_wagtail.paper.models import PaperSize
from heretostay_wagtail.paper.sheets import MAX_SHEETS
from heretostay_wagtail.petitions.models import FieldChoice

MAX_RECIPIENTS = 20


class PrintForm(forms.Form):
    paper_size = forms.ChoiceField(
        label=_("Paper size"),
        choices=PaperSize.choices,
        initial=PaperSize.LETTER,
        widget=forms.RadioSelect,
    )
    sheets = forms.IntegerField(
        label=_("Number of sheets"),
        min_value=1,
        max_value=MAX_SHEETS,
        initial=5,
        help_text=_("Each sheet gets its own code, so typed-in signatures trace back to it."),
    )


class SheetCodeField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Sheet code"))
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault(
            "help_text", _("Printed in the top right corner of the sheet, e.g. ACD-479.")
        )
        super().__init__(**kwargs)


class EntryRowForm(forms.Form):
    """One row as typed: raw text, validated later by ``SignatureForm``."""

    name = forms.CharField(label=_("Name"), required=False, max_length=300)
    email = forms.CharField(label=_("Email"), required=False, max_length=300)
    postal_code = forms.CharField(label=_("Postal code"), required=False, max_length=40)
    phone = forms.CharField(label=_("Phone"), required=False, max_length=40)
    comment = forms.CharField(label=_("Comment"), required=False, max_length=4000)
    opt_in = forms.BooleanField(label=_("Join the mailing list"), required=False)

    def __init__(self, *args, petition=None, **kwargs):
        super().__init__(*args, **kwargs)
        if petition is None or petition.ask_comment != FieldChoice.REQUIRED:
            # Optional comments aren't printed on sheets, so there is nothing to type in.
            del self.fields["comment"]
        if petition is not None:
            if petition.ask_postal_code == FieldChoice.OFF:
                del self.fields["postal_code"]
            if petition.ask_phone == FieldChoice.OFF:
                del self.fields["phone"]


EntryFormSet = forms.formset_factory(EntryRowForm, extra=0, max_num=100, absolute_max=100)


class EntryBatchForm(forms.Form):
    sheet_code = SheetCodeField()


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "First line: column names, e.g. name, email, postal code, phone, mailing list, "
            "sheet code. Save from your spreadsheet as CSV UTF-8."
        ),
    )
    sheet_code = SheetCodeField(help_text=_("Used for rows without a sheet code column."))


class TallyForm(forms.Form):
    count = forms.IntegerField(label=_("Number of signatures"), min_value=1, max_value=1_000_000)
    sheet_code = SheetCodeField()
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=500,
        help_text=_("For example: “Rally at City Hall, sheets without emails”."),
    )


BY_REGION = "region"


class DeliveryForm(forms.Form):
    """Delivery options; ``cleaned_data`` has ``group_by`` (prefix length) and ``regions``.

    Choosing "By region" stores ``group_by=0`` and the parsed regions; the regions text is
    ignored (and kept in the form) with the other choices.
    """

    group_by = forms.ChoiceField(
        label=_("Group the signers"),
        choices=[
            ("0", _("No grouping (in order of signing)")),
            ("2", _("By the first 2 characters of the postal code")),
            ("3", _("By the first 3 characters of the postal code")),
            ("5", _("By the full 5-digit ZIP code")),
            (BY_REGION, _("By region (defined below)")),
        ],
        initial="0",
    )
    regions = forms.CharField(
        label=_("Regions"),
        required=False,
        strip=False,  # keep line numbers in error messages right
        max_length=paper_regions.MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    include_comments = forms.BooleanField(label=_("Include comments"), required=False, initial=True)
    only_confirmed = forms.BooleanField(
        label=_("Only confirmed signatures"), required=False, initial=True
    )

    def __init__(self, *args, petition=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["regions"].help_text = gettext(
            "One region per line: its name, a colon, then postal codes or their first "
            "characters, separated by commas. For example “District 1: 94102, 94103, 941”. "
            "When codes overlap, the longest match wins; signers in no region are listed "
            "last. At most %(regions)s regions of %(codes)s codes each."
        ) % {"regions": paper_regions.MAX_REGIONS, "codes": paper_regions.MAX_PREFIXES}
        if petition is not None and petition.ask_comment == FieldChoice.OFF:
            del self.fields["include_comments"]
        if petition is not None and not self.is_bound:
            # Start from the petition's last PDF, and keep its last regions so the
            # organizer does not type them again.
            latest = paper_regions.petition_jobs(petition).values("group_by", "regions").first()
            if latest:
                choice = BY_REGION if latest["regions"] else str(latest["group_by"])
                if choice in dict(self.fields["group_by"].choices):
                    self.initial.setdefault("group_by", choice)
            remembered = (latest or {}).get("regions") or paper_regions.last_regions(petition)
            self.initial.setdefault("regions", paper_regions.format_regions(remembered))

    def clean_group_by(self):
        value = self.cleaned_data["group_by"]
        return value if value == BY_REGION else int(value)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("group_by") != BY_REGION:
            cleaned["regions"] = []
            return cleaned
        cleaned["group_by"] = 0
        if "regions" not in cleaned:  # too long: the field has its error already
            return cleaned
        try:
            parsed = paper_regions.parse_regions(cleaned["regions"])
        except forms.ValidationError as exc:
            self.add_error("regions", exc)
            return cleaned
        if not parsed:
            self.add_error(
                "regions", _("Define at least one region, or choose another way to group.")
            )
            return cleaned
        cleaned["regions"] = parsed
        return cleaned


class EmailForm(forms.Form):
    recipients = forms.CharField(
        label=_("Email addresses of the target"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One or more addresses, separated by commas or new lines."),
    )
    confirm = forms.BooleanField(
        label=_("Send the PDF and mark the petition as delivered"), required=True
    )

    def clean_recipients(self):
        raw = self.cleaned_data["recipients"].replace(";", ",").replace("\n", ",")
        addresses = [a.strip() for a in raw.split(",") if a.strip()]
        if not addresses:
            raise forms.ValidationError(_("Enter at least one email address."))
        if len(addresses) > MAX_RECIPIENTS:
            raise forms.ValidationError(
                _("Enter at most %(max)s addresses.") % {"max": MAX_RECIPIENTS}
            )
        for address in addresses:
            try:
                validate_email(address)
            except forms.ValidationError as exc:
                raise forms.ValidationError(
                    _("“%(address)s” is not a valid email address.") % {"address": address[:100]}
                ) from exc
        return addresses
