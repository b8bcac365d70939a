"""Render a Django template to PDF bytes with the locked-down fetcher."""

from django.template.loader import render_to_string
from weasyprint import HTML

from heretostay_wagtail.pdf.fetcher import BASE_URL, safe_url_fetcher


def html_to_pdf(html, target=None):
    """PDF from an HTML string (already rendered, with supporter input escaped)."""
    return html_document(html).write_pdf(target)


def html_document(html):
    """The laid-out WeasyPrint document, for callers that need to know its pages."""
    return HTML(string=html, base_url=BASE_URL, url_fetcher=safe_url_fetcher()).render()


def render_pdf(template_name, context, request=None, target=None):
    return html_to_pdf(render_to_string(template_name, context, request=request), target)
