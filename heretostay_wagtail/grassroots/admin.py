"""Reports of campaigns, for moderators: "Campaign reports" in the admin menu (with the
number of campaigns reported and not yet dealt with), one screen per reported campaign
with its reports, and two actions: take the campaign down (unpublish every translation)
or dismiss the reports. Behind ``heretostay.moderate_campaignreport``; taking down needs
the right to unpublish the page as well. Both are written to the audit log (how many
reports, the reason; never the reporter's email)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import View
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.models import Page

from heretostay_wagtail.core import audit
from heretostay_wagtail.grassroots import services
from heretostay_wagtail.grassroots.models import CampaignReport

PERMISSION = "heretostay.moderate_campaignreport"
URL_NAME = "heretostay_campaign_reports"


def open_reports():
    return CampaignReport.objects.filter(resolved_at__isnull=True)


class ModeratorMixin:
    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ReportIndexView(ModeratorMixin, WagtailAdminTemplateMixin, View):
    template_name = "heretostay/admin/campaign_reports.html"
    page_title = gettext_lazy("Campaign reports")
    header_icon = "warning"
    breadcrumbs_items = None

    def get(self, request):
        show_resolved = request.GET.get("resolved") == "1"
        reports = CampaignReport.objects.all() if show_resolved else open_reports()
        rows = list(
            reports.values("page_id")
            .annotate(reports=Count("pk"), last=Max("created_at"))
            .order_by("-last")[:200]
        )
        pages = {p.pk: p for p in Page.objects.filter(pk__in=[r["page_id"] for r in rows])}
        for row in rows:
            row["page"] = pages.get(row["page_id"])
        context = self.get_context_data(rows=rows, show_resolved=show_resolved)
        return self.render_to_response(context)


class ReportPageView(ModeratorMixin, WagtailAdminTemplateMixin, View):
    """The reports of one campaign, and the two actions."""

    template_name = "heretostay/admin/campaign_report.html"
    page_title = gettext_lazy("Reports of a campaign")
    header_icon = "warning"

    def get_breadcrumbs_items(self):
        return [
            {"url": reverse(URL_NAME), "label": _("Campaign reports")},
            {"url": "", "label": self.page.title},
        ]

    def setup_page(self, page_id):
        self.page = get_object_or_404(Page, pk=page_id).specific
        self.reports = list(
            CampaignReport.objects.filter(page=self.page).order_by("-created_at")[:200]
        )

    def get(self, request, page_id):
        self.setup_page(page_id)
        emails = sum(1 for r in self.reports if r.email)
        if emails:
            # Reporters' emails are personal data: who saw them is in the audit log.
            audit.log_view(
                request.user, CampaignReport, records=emails, contacts=True, instance=self.page
            )
        can_take_down = (
            self.page.live and self.page.permissions_for_user(request.user).can_unpublish()
        )
        context = self.get_context_data(
            page=self.page,
            reports=self.reports,
            open_count=sum(1 for r in self.reports if r.resolved_at is None),
            can_take_down=can_take_down,
        )
        return self.render_to_response(context)

    def post(self, request, page_id):
        self.setup_page(page_id)
        target = next((r for r in self.reports if r.resolved_at is None), None)
        action = request.POST.get("action")
        if target is None:
            messages.info(request, _("These reports were already dealt with."))
            return redirect(URL_NAME)
        if action == "take_down":
            if not self.page.permissions_for_user(request.user).can_unpublish():
                raise PermissionDenied
            services.take_down(target, request.user)
            messages.success(request, _("The campaign was taken down and its reports closed."))
        elif action == "dismiss":
            services.dismiss(target, request.user)
            messages.success(request, _("The reports were dismissed. The campaign stays as it is."))
        return redirect(URL_NAME)


class ReportsMenuItem(MenuItem):
    """Shown to moderators, with the number of campaigns waiting for them."""

    def is_shown(self, request):
        return request.user.has_perm(PERMISSION)

    def render_component(self, request):
        component = super().render_component(request)
        waiting = open_reports().values("page_id").distinct().count()
        if waiting:
            component.label = f"{self.label} ({waiting})"
        return component


@hooks.register("register_admin_urls")
def register_report_urls():
    return [
        path("heretostay/reports/", ReportIndexView.as_view(), name=URL_NAME),
        path(
            "heretostay/reports/<int:page_id>/",
            ReportPageView.as_view(),
            name="heretostay_campaign_report",
        ),
    ]


@hooks.register("register_admin_menu_item")
def register_reports_menu_item():
    return ReportsMenuItem(
        gettext_lazy("Campaign reports"), reverse(URL_NAME), icon_name="warning", order=610
    )
