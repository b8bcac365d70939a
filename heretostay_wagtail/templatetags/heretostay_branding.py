"""``{% hts_branding as branding %}``: the site's ``BrandingSettings`` for a template.

The same for every visitor of a site (cache-friendly), looked up once per request
(Wagtail caches site settings on the request); without a request, the page's site's.
"""

from django import template

from heretostay_wagtail.core import branding as core_branding

register = template.Library()


@register.simple_tag(takes_context=True)
def hts_branding(context):
    return core_branding.for_request(context.get("request"), context.get("page"))
