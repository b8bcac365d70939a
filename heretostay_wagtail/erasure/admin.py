"""The admin's "Erase a supporter" screen, behind ``heretostay.erase_supporter``.

Type an email or a phone number, see how many records of each kind are about it (counts,
never names), then confirm to erase them through ``erasure.services.erase``.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import View
from wagtail import hooks
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from heretostay_wagtail.core.admin import PermissionMenuItem
from heretostay_wagtail.erasure import services
from heretostay_wagtail.erasure.forms import ErasureForm

URL_NAME = "heretostay_erasure"


def kind_labels():
    return {
        "signatures": _("Signatures"),
        "pledges": _("Pledges"),
        "alert_deliveries": _("Alert messages sent"),
        "delivery_pdfs": _("Delivery PDFs that list them"),
    }


def counted(counts):
    """(label, number) rows in ``services.KINDS`` order."""
    labels = kind_labels()
    return [(labels[kind], counts.get(kind, 0)) for kind in services.KINDS]


class ErasureView(WagtailAdminTemplateMixin, View):
    template_name = "heretostay/admin/erasure.html"
    page_title = gettext_lazy("Erase a supporter")
    header_icon = "bin"
    breadcrumbs_items = None

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(services.PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def render(self, form, counts=None):
        context = self.get_context_data(
            form=form,
            counts=counted(counts) if counts is not None else None,
            total=sum(counts.values()) if counts else 0,
        )
        return self.render_to_response(context)

    def get(self, request):
        return self.render(ErasureForm())

    def post(self, request):
        form = ErasureForm(data=request.POST)
        if not form.is_valid():
            return self.render(form)
        if request.POST.get("confirm") != "erase":
            return self.render(form, form.find())
        result = services.erase(**form.target(), user=request.user)
        if not result.complete:
            messages.error(
                request,
                _(
                    "A delivery PDF could not be deleted from storage, so nothing else was "
                    "erased. Try again later; if it keeps failing, tell the site's "
                    "administrator."
                ),
            )
            return redirect(URL_NAME)
        erased = sum(result.counts.values())
        messages.success(
            request,
            ngettext(
                "Erased %(count)s record. The audit log records the erasure, not whom.",
                "Erased %(count)s records. The audit log records the erasure, not whom.",
                erased,
            )
            % {"count": erased},
        )
        return redirect(URL_NAME)


@hooks.register("register_admin_urls")
def register_erasure_urls():
    return [path("heretostay/erase/", ErasureView.as_view(), name=URL_NAME)]


@hooks.register("register_admin_menu_item")
def register_erasure_menu_item():
    return PermissionMenuItem(
        gettext_lazy("Erase a supporter"),
        reverse(URL_NAME),
        permission=services.PERMISSION,
        name="heretostay-erasure",
        icon_name="bin",
        order=260,
    )
