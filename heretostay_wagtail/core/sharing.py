"""Share links for a campaign page: no third-party scripts, just URLs."""

from urllib.parse import quote, urlencode

from django.utils.translation import gettext as _


def share_links(page, request=None):
    url = page.get_full_url(request)
    text = page.share_text or page.title
    subject = page.share_email_subject or page.title
    body = page.share_email_body or _("I just signed this and hope you will too:")
    return {
        "url": url,
        "text": text,
        "facebook": "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": url}),
        "x": "https://x.com/intent/post?" + urlencode({"text": text, "url": url}),
        "whatsapp": "https://wa.me/?" + urlencode({"text": f"{text} {url}"}),
        "email": f"mailto:?subject={quote(subject)}&body={quote(body + chr(10) + chr(10) + url)}",
    }
