"""The organization's branding (``BrandingSettings``) for pages, emails and PDFs.

On a request Wagtail caches the setting on the request (``for_request``). Emails and
PDFs are made in tasks, outside any request: they read the setting of the page's site.
"""

import logging

from wagtail.models import Site

from heretostay_wagtail.core.models import BrandingSettings

logger = logging.getLogger(__name__)


def for_site(site):
    """The site's branding; the unsaved defaults when there is no site."""
    if site is None:
        return BrandingSettings()
    return BrandingSettings.for_site(site)


def for_page(page):
    """The branding of the site ``page`` belongs to (the default site's if in none)."""
    site = page.get_site() if page is not None else None
    if site is None:
        site = Site.objects.filter(is_default_site=True).first()
    return for_site(site)


def sender_name(page):
    """Who a message about ``page`` is from (text messages start with it): the
    organization's name in the branding of the page's site, else the page's title."""
    name = for_page(page).organization_name
    return (name or (page.title if page is not None else "")).strip()


def for_request(request, page=None):
    """The branding for a template: cached on the request by Wagtail when there is one."""
    if request is not None and Site.find_for_request(request) is not None:
        return BrandingSettings.for_request(request)
    return for_page(page)


def default():
    """The default site's branding (defense cards belong to no site)."""
    return for_site(Site.objects.filter(is_default_site=True).first())


def logo_url(branding, spec=BrandingSettings.LOGO_PDF_SPEC):
    """Site-relative URL of a rendition of the logo, for PDFs: the safe URL fetcher
    (``pdf/fetcher.py``) reads it from media. "" without a logo or when it cannot be
    rendered (a missing file must not stop a delivery PDF)."""
    if branding.logo_id is None:
        return ""
    try:
        return branding.logo.get_rendition(spec).url
    except Exception:
        logger.warning("The logo could not be rendered for a PDF", exc_info=True)
        return ""


def email_context(branding):
    """What email templates show in their signature."""
    return {
        "organization": branding.organization_name,
        "contact_line": branding.contact_line,
    }
