"""Admin integration. Each feature registers its own hooks in ``<feature>/admin.py``."""

from wagtail import hooks

from heretostay_wagtail.core import audit, reports
from heretostay_wagtail.erasure import admin as erasure_admin  # noqa: F401  (registers hooks)
from heretostay_wagtail.grassroots import admin as grassroots_admin  # noqa: F401
from heretostay_wagtail.guides import admin as guides_admin  # noqa: F401
from heretostay_wagtail.paper import admin as paper_admin  # noqa: F401
from heretostay_wagtail.petitions import admin as petitions_admin  # noqa: F401
from heretostay_wagtail.pledges import admin as pledges_admin  # noqa: F401
from heretostay_wagtail.retention import admin as retention_admin  # noqa: F401


@hooks.register("register_log_actions")
def register_log_actions(actions):
    audit.register(actions)


@hooks.register("register_admin_urls")
def register_audit_report_urls():
    return reports.urlpatterns()


@hooks.register("register_reports_menu_item")
def register_audit_report_menu_item():
    return reports.menu_item()
