"""Double opt-in: the emailed link shows a button; only the POST confirms.

Email scanners follow GET links, so a GET must never spend the token.
"""

from django.template.response import TemplateResponse

from heretostay_wagtail.core import throttling, tokens
from heretostay_wagtail.petitions import services as signing
from heretostay_wagtail.petitions.models import Signature


def confirm_signature(request, petition, token):
    public_id = tokens.read("confirm", token)
    signature = None
    if public_id:
        signature = Signature.objects.filter(
            public_id=public_id, campaign_key=petition.campaign_key
        ).first()
    context = petition.get_context(request)
    context.update({"token": token, "valid": signature is not None, "confirmed": False})
    status = 200 if signature else 400
    if request.method == "POST" and signature is not None:
        if not throttling.hit(request, "confirm"):
            context["throttled"] = True
            status = 429
        else:
            signing.confirm(signature)
            context["confirmed"] = True
    return TemplateResponse(request, "heretostay/confirm_signature.html", context, status=status)
