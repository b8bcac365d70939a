from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

#: Feature folders, each with its ``models`` (gathered by ``heretostay_wagtail.models``).
FEATURES = ("petitions", "pledges", "guides", "paper", "grassroots")

#: Imported at start-up: signal receivers, system checks, and the views that register the
#: page routes page models delegate to (``core/routes.py``).
READY_MODULES = (
    "core.views",
    "core.messages",
    "core.checks",
    "petitions.signals",
    "petitions.views",
    "pledges.signals",
    "pledges.views",
    "guides.views",
    "paper.signals",
    "grassroots.signals",
    "grassroots.views",
)


class HeretostayConfig(AppConfig):
    name = "heretostay_wagtail"
    label = "heretostay"
    verbose_name = _("Here to stay campaigns")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        for module in READY_MODULES:
            import_module(f"{self.name}.{module}")
