"""What a petition page does for the public: take signatures and confirm them.

Signing is the shared sign-up view (``core/views.py``) with ``SignatureForm`` and
``services.sign``. Double opt-in: the emailed link shows a button; only the POST confirms,
because email scanners follow GET links, so a GET must never spend the token.
"""

from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache

from heretostay_wagtail.core import routes, throttling, tokens
from heretostay_wagtail.core.models import Source
from heretostay_wagtail.petitions import services as signing
from heretostay_wagtail.petitions.forms import SignatureForm
from heretostay_wagtail.petitions.models import PetitionPage, Signature


def sign_on_page(petition, form, ip):
    return signing.sign(petition, form.signer_data(), source=Source.WEB, ip=ip)


routes.register_signup(PetitionPage, form_class=SignatureForm, record=sign_on_page)


@routes.page_view(PetitionPage, "confirm")
@never_cache  # a page for one person, with their data: no cache may keep it
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
