from django import template

from heretostay_wagtail.core.sharing import share_links as build_share_links

register = template.Library()


@register.inclusion_tag("heretostay/includes/share_links.html", takes_context=True)
def share_links(context, page):
    return {"links": build_share_links(page, context.get("request")), "page": page}


@register.inclusion_tag("heretostay/includes/progress.html")
def campaign_progress(page):
    return {"progress": page.progress(), "page": page}


@register.inclusion_tag("heretostay/includes/form_fields.html")
def form_fields(form):
    return {"form": form}
