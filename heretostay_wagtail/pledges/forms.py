"""The one validator for pledges, and the form a pledger uses to change theirs."""

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.models import Locale

from heretostay_wagtail.core import fields
from heretostay_wagtail.core.conf import get_setting
from heretostay_wagtail.core.forms import SupporterForm
from heretostay_wagtail.pledges.filters import default_roles
from heretostay_wagtail.pledges.models import (
    AREA_SEPARATORS,
    PLEDGE_LANGUAGES,
    Alert,
    Availability,
    PledgePage,
    VolunteerRole,
)
from heretostay_wagtail.pledges.verification import clean_code


def area_field(required=True):
    return fields.CleanCharField(
        label=_("Postal code or neighborhood"),
        max_length=100,
        required=required,
        help_text=_("We alert volunteers near where something is happening."),
        widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
    )


class RoleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} – {obj.description}" if obj.description else obj.name


class NetworkFieldsMixin:
    """Roles, languages, availability and alert consents: asked on sign-up and update."""

    def add_network_fields(self, page):
        locale = page.locale if page is not None else None
        self.fields["roles"] = RoleChoiceField(
            label=_("How can you help?"),
            queryset=VolunteerRole.for_locale(locale),
            required=False,
            widget=forms.CheckboxSelectMultiple,
            help_text=_("Choose all that apply. Training is offered for every role."),
        )
        self.fields["languages"] = forms.MultipleChoiceField(
            label=_("Languages you speak"),
            choices=PLEDGE_LANGUAGES,
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )
        self.fields["availability"] = forms.MultipleChoiceField(
            label=_("When are you usually available?"),
            choices=Availability.choices,
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )
        self.fields["alert_sms"] = forms.BooleanField(
            label=page.get_sms_consent_text(),
            required=False,
            initial=False,
            help_text=_("Message and data rates may apply. Reply STOP to any alert to stop."),
        )
        self.fields["alert_email"] = forms.BooleanField(
            label=page.get_email_consent_text(), required=False, initial=False
        )

    def clean_phone_for_sms(self, cleaned):
        if cleaned.get("alert_sms") and not cleaned.get("phone") and "phone" not in self.errors:
            self.add_error(
                "phone", _("Enter a mobile phone number to receive alerts by text message.")
            )


class PledgeForm(NetworkFieldsMixin, SupporterForm):
    def add_fields(self, page):
        self.fields["name"] = fields.name_field()
        self.fields["email"] = fields.email_field()
        self.fields["phone"] = fields.phone_field(required=False, label=_("Mobile phone"))
        self.fields["area"] = area_field()
        self.add_network_fields(page)

    def clean(self):
        self.clean_phone_for_sms(self.cleaned_data)
        return super().clean()

    def pledger_data(self):
        """Cleaned values the pledging service stores."""
        data = self.supporter_data()
        data["phone"] = data.get("phone") or ""
        return data


class PledgeUpdateForm(NetworkFieldsMixin, forms.Form):
    """What a pledger changes through their emailed link.

    ``page`` is the translation the link opened (default: the one they pledged on, which
    may have been deleted since): its roles and consent wording are the ones shown.
    """

    def __init__(self, pledge, *args, page=None, **kwargs):
        page = page or pledge.page
        if "initial" not in kwargs:
            kwargs["initial"] = {
                "phone": pledge.phone or "",
                "area": pledge.area,
                "languages": pledge.language_list,
                "availability": pledge.availability_list,
                "alert_sms": pledge.alert_sms,
                "alert_email": pledge.alert_email,
            }
        super().__init__(*args, **kwargs)
        self.pledge = pledge
        self.fields["phone"] = fields.phone_field(required=False, label=_("Mobile phone"))
        self.fields["area"] = area_field()
        self.add_network_fields(page)
        if "roles" not in self.initial:
            # Show the pledger's roles in this page's language, whichever they picked.
            keys = set(pledge.roles.values_list("translation_key", flat=True))
            self.initial["roles"] = [
                r.pk for r in self.fields["roles"].queryset if r.translation_key in keys
            ]

    def clean(self):
        cleaned = super().clean()
        self.clean_phone_for_sms(cleaned)
        return cleaned


class PhoneCodeForm(forms.Form):
    """The code texted to a pledger's phone, typed back on their manage page."""

    code = fields.CleanCharField(
        label=_("Code we texted you"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "size": 8}
        ),
    )

    def clean_code(self):
        code = clean_code(self.cleaned_data["code"])
        length = get_setting("PHONE_CODE_LENGTH")
        if len(code) != length or not (code.isascii() and code.isdigit()):
            raise forms.ValidationError(
                _("Enter the %(length)s-digit code we texted you.") % {"length": length}
            )
        return code


#: The latest an alert may expire: an alert is about something happening now.
MAX_EXPIRY_DAYS = 7


def default_expiry(now=None):
    """The default expiry of a new alert, to the minute (as the admin shows it)."""
    now = now or timezone.now()
    expiry = now + timedelta(hours=get_setting("ALERT_EXPIRY_HOURS"))
    return expiry.replace(second=0, microsecond=0)


def clean_expiry(value, now=None):
    """An alert's expiry: in the future, at most ``MAX_EXPIRY_DAYS`` ahead."""
    now = now or timezone.now()
    if value <= now:
        raise forms.ValidationError(_("Expires: choose a time in the future."), code="past")
    if value > now + timedelta(days=MAX_EXPIRY_DAYS):
        raise forms.ValidationError(
            _("Expires: choose a time at most %(days)s days from now."),
            code="too_far",
            params={"days": MAX_EXPIRY_DAYS},
        )
    return value


class AlertForm(WagtailAdminModelForm):
    """The one validator of an alert: the admin's create/edit views and the API."""

    class Meta:
        model = Alert
        fields = ["page", "message", "areas", "roles", "channel", "expires_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "expires_at" in self.fields:
            if not self.instance.pk:
                self.fields["expires_at"].initial = default_expiry()
            self.fields["expires_at"].help_text = _(
                "An alert not sent by then is never sent. A new alert expires "
                "%(hours)s hours after it is written; you can choose up to %(days)s days."
            ) % {"hours": get_setting("ALERT_EXPIRY_HOURS"), "days": MAX_EXPIRY_DAYS}
        self.fields["roles"].queryset = default_roles()
        self.fields["roles"].widget = forms.CheckboxSelectMultiple(
            choices=self.fields["roles"].choices
        )
        self.fields["page"].queryset = PledgePage.objects.filter(locale=Locale.get_default())
        self.fields["page"].widget = forms.Select(choices=self.fields["page"].choices)

    def clean_expires_at(self):
        value = self.cleaned_data.get("expires_at")
        if value is None:
            return default_expiry()
        return clean_expiry(value)

    def clean_areas(self):
        value = self.cleaned_data["areas"]
        areas = [a for a in AREA_SEPARATORS.split(value or "") if a]
        if not areas:
            raise forms.ValidationError(_("Enter at least one postal code or prefix."))
        for area in areas:
            if len(area) > 20 or not area.replace("-", "").isalnum():
                raise forms.ValidationError(
                    _("“%(area)s” is not a postal code or prefix.") % {"area": area}
                )
        return " ".join(areas)
