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


@register.simple_tag
def live_translations(page):
    """The page's live translations with their locales, fetched once for the whole page
    (the hreflang links and the language switcher both use them)."""
    if page is None or not hasattr(page, "get_translations"):
        return []
    return list(page.get_translations().live().select_related("locale"))
