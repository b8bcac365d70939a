"""The forms of the start-a-campaign flow (one per step) and of reporting a campaign.

Every field is length-limited and refuses control characters (``core/fields.py``); the
draft a visitor types is kept in their session between steps (``services.Draft``).
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from heretostay_wagtail.core.fields import POSTAL_CODE, CleanCharField, email_field
from heretostay_wagtail.grassroots import pictures
from heretostay_wagtail.grassroots.models import ReportReason

LOCAL, NATIONAL = "local", "national"  # PetitionPage's Scope values

MAX_TITLE = 120
MAX_TARGET = 200
MAX_ASK = 1000
MAX_WHY = 5000
MAX_PLACE = 200
MAX_DESCRIPTION = 250
MAX_REPORT_DETAILS = 1000


class StepForm(forms.Form):
    """One step of the flow: its name (in the URL), heading and the draft keys it fills."""

    step = ""
    heading = ""

    @classmethod
    def keys(cls):
        return list(cls.base_fields)


class NameForm(StepForm):
    step = "name"
    heading = _("Name your petition")
    title = CleanCharField(
        label=_("Petition name"),
        max_length=MAX_TITLE,
        help_text=_(
            "Short, and something that grabs attention. For example: Make Springfield a sanctuary city"
        ),
    )


class TargetForm(StepForm):
    step = "target"
    heading = _("Who can give you what you want?")
    target_name = CleanCharField(
        label=_("Who is the petition to?"),
        max_length=MAX_TARGET,
        help_text=_("A person or a body: Mayor Ana Ruiz, the city council, the school board."),
    )
    target_role = CleanCharField(
        label=_("Their role"),
        max_length=MAX_TARGET,
        required=False,
        help_text=_("For example: Mayor, City council, Sheriff."),
    )


class AskForm(StepForm):
    step = "ask"
    heading = _("What do you want them to do?")
    ask = CleanCharField(
        label=_("What you want them to do"),
        max_length=MAX_ASK,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Say precisely what you would like them to do."),
    )


class WhyForm(StepForm):
    step = "why"
    heading = _("Why does it matter?")
    why = CleanCharField(
        label=_("Why it matters"),
        max_length=MAX_WHY,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Why should someone sign your petition? Leave a blank line between paragraphs."
        ),
    )


class WhereForm(StepForm):
    step = "where"
    heading = _("Where?")
    scope = forms.ChoiceField(
        label=_("Is your campaign about a place?"),
        choices=[
            (LOCAL, _("Yes, a local campaign")),
            (NATIONAL, _("No, a national or global campaign")),
        ],
        initial=LOCAL,
        widget=forms.RadioSelect,
    )
    place_name = CleanCharField(
        label=_("Place"),
        max_length=MAX_PLACE,
        required=False,
        help_text=_("City, county, campus or area. Needed for a local campaign."),
    )
    postal_code = CleanCharField(
        label=_("Postal code"), max_length=20, required=False, validators=[POSTAL_CODE]
    )

    def clean(self):
        data = super().clean()
        if data.get("scope") == LOCAL and not data.get("place_name"):
            self.add_error(
                "place_name", _("Enter the place, or choose a national or global campaign.")
            )
        if data.get("scope") == NATIONAL:
            data["place_name"] = ""
            data["postal_code"] = ""
        return data


STEPS = [NameForm, TargetForm, AskForm, WhyForm, WhereForm]
STEP_NAMES = [form.step for form in STEPS]
#: What a draft must hold before it can be reviewed and submitted.
REQUIRED_KEYS = ("title", "target_name", "ask", "why", "scope")


def step_form(name):
    for form in STEPS:
        if form.step == name:
            return form
    return None


class ReviewForm(forms.Form):
    """The review pane: an optional picture (the page's image and share image)."""

    picture = forms.FileField(
        label=_("Picture"),
        required=False,
        help_text=pictures.HELP_TEXT,
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    picture_description = CleanCharField(
        label=_("Describe the picture"),
        max_length=MAX_DESCRIPTION,
        required=False,
        help_text=_("For people who cannot see it, for example: Families marching at city hall."),
    )

    def clean_picture(self):
        upload = self.cleaned_data.get("picture")
        if upload:
            pictures.validate(upload)
        return upload


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("What is wrong with this campaign?"),
        choices=ReportReason.choices,
        widget=forms.RadioSelect,
    )
    details = CleanCharField(
        label=_("Details"),
        max_length=MAX_REPORT_DETAILS,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    email = email_field(
        required=False,
        help_text=_("Only if you would like us to reply. We never show it to anyone."),
    )
    # A honeypot, as on the sign-up forms: people leave it empty.
    website = forms.CharField(label=_("Leave this empty"), required=False, max_length=200)

    @property
    def is_bot(self):
        return bool(self.data.get("website"))
