"""Share links for a campaign page: no third-party scripts, just URLs."""

from urllib.parse import quote, urlencode

from django.utils import translation


def share_links(page, request=None):
    """The page's share links, all in the page's language (the fields are the page's own;
    the default message follows them, not the visitor's or the API caller's language)."""
    url = page.get_full_url(request)
    text = page.share_text or page.title
    subject = page.share_email_subject or page.title
    with translation.override(page.locale.language_code):
        body = page.share_email_body or str(page.default_share_email_body)
    return {
        "url": url,
        "text": text,
        "facebook": "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": url}),
        "x": "https://x.com/intent/post?" + urlencode({"text": text, "url": url}),
        "whatsapp": "https://wa.me/?" + urlencode({"text": f"{text} {url}"}),
        "email": f"mailto:?subject={quote(subject)}&body={quote(body + chr(10) + chr(10) + url)}",
    }
