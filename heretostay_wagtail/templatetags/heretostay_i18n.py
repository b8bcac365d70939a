"""Template helpers for multilingual pages."""

from django import template

register = template.Library()


@register.filter
def language_name_local(locale):
    """A locale's name in its own language ("Español"), so people find theirs on any page.

    Falls back to the configured display name for languages Django has no data on.
    """
    try:
        name = locale.language_name_local
    except (KeyError, AttributeError):
        return locale.get_display_name()
    return name[:1].upper() + name[1:]
