"""One register for Spanish: messages from Django, DRF and phonenumber_field, in "tú".

The package speaks to supporters as "tú", as organizers in the seed campaigns do. Django's,
Django REST framework's and django-phonenumber-field's own Spanish catalogues say "usted"
("Introduzca una dirección de correo electrónico válida"), so a form or an API answer mixed
the two. The messages a supporter or an API client can meet are repeated here so that
``makemessages`` puts them into the package's catalogue, translated in "tú".

Django merges catalogues so that an installed app's outranks Django's own, and an app
listed earlier in ``INSTALLED_APPS`` outranks one listed later; ``check_app_order`` warns
when ``heretostay_wagtail`` comes after ``rest_framework`` or ``phonenumber_field``.
Nothing imports the strings: listing them is the point (``gettext_noop`` marks them).
"""

from django.conf import settings
from django.core import checks
from django.utils.translation import gettext_noop, ngettext_lazy

DJANGO = (
    gettext_noop("Enter a valid value."),
    gettext_noop("Enter a valid URL."),
    gettext_noop("Enter a valid integer."),
    gettext_noop("Enter a valid email address."),
    gettext_noop("Enter a number."),
    gettext_noop("Enter a whole number."),
    gettext_noop("Enter a valid date."),
    gettext_noop("Enter a valid time."),
    gettext_noop("Enter a valid date/time."),
    gettext_noop("Enter a list of values."),
    gettext_noop("Enter a complete value."),
    gettext_noop("Enter a valid UUID."),
    gettext_noop("Enter only digits separated by commas."),
    gettext_noop("Ensure this value is %(limit_value)s (it is %(show_value)s)."),
    gettext_noop("Ensure this value is less than or equal to %(limit_value)s."),
    gettext_noop("Ensure this value is greater than or equal to %(limit_value)s."),
    gettext_noop("Select a valid choice. %(value)s is not one of the available choices."),
    gettext_noop("Select a valid choice. That choice is not one of the available choices."),
    gettext_noop("No file was submitted. Check the encoding type on the form."),
    gettext_noop(
        "Upload a valid image. The file you uploaded was either not an image or a corrupted image."
    ),
    ngettext_lazy(
        "Ensure this value has at least %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at least %(limit_value)d characters (it has %(show_value)d).",
        "limit_value",
    ),
    ngettext_lazy(
        "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
        "limit_value",
    ),
    ngettext_lazy(
        "Ensure that there are no more than %(max)s digit in total.",
        "Ensure that there are no more than %(max)s digits in total.",
        "max",
    ),
    ngettext_lazy(
        "Ensure this filename has at most %(max)d character (it has %(length)d).",
        "Ensure this filename has at most %(max)d characters (it has %(length)d).",
        "max",
    ),
)

REST_FRAMEWORK = (
    gettext_noop("A valid integer is required."),
    gettext_noop("Ensure this field has at least {min_length} characters."),
    gettext_noop("Ensure this field has no more than {max_length} characters."),
    gettext_noop("Ensure this field has at least {min_length} elements."),
    gettext_noop("Ensure this field has no more than {max_length} elements."),
    gettext_noop("Ensure this value is greater than or equal to {min_value}."),
    gettext_noop("Ensure this value is less than or equal to {max_value}."),
    gettext_noop("Date has wrong format. Use one of these formats instead: {format}."),
    gettext_noop("Datetime has wrong format. Use one of these formats instead: {format}."),
    gettext_noop("Time has wrong format. Use one of these formats instead: {format}."),
    gettext_noop("Duration has wrong format. Use one of these formats instead: {format}."),
    gettext_noop("The submitted data was not a file. Check the encoding type on the form."),
    gettext_noop("Enter a valid IPv4 or IPv6 address."),
    gettext_noop("You do not have permission to perform this action."),
)

PHONENUMBER_FIELD = (
    gettext_noop("Enter a valid phone number."),
    gettext_noop("Enter a valid phone number (e.g. {example_number})."),
    gettext_noop(
        "Enter a valid phone number (e.g. {example_number}) or a number with an "
        "international call prefix."
    ),
)

OUTRANKED = ("rest_framework", "phonenumber_field")


@checks.register(checks.Tags.translation)
def check_app_order(app_configs=None, **kwargs):
    """Warn when an app whose Spanish says "usted" is listed before the package."""
    apps = list(settings.INSTALLED_APPS)
    if "heretostay_wagtail" not in apps:
        return []
    position = apps.index("heretostay_wagtail")
    before = [app for app in OUTRANKED if app in apps and apps.index(app) < position]
    if not before:
        return []
    return [
        checks.Warning(
            f"{', '.join(before)} come(s) before heretostay_wagtail in INSTALLED_APPS, so "
            "their messages outrank the package's translations (Spanish forms and API errors "
            "will mix 'tú' and 'usted').",
            hint="List heretostay_wagtail before rest_framework and phonenumber_field.",
            id="heretostay.W010",
        )
    ]
