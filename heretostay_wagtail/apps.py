from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

#: Feature folders whose ``signals`` and ``views`` modules connect receivers and
#: register page-route views at start-up (see ``core/routes.py``).
FEATURES = ("petitions", "pledges", "guides", "paper")


class HeretostayConfig(AppConfig):
    name = "heretostay_wagtail"
    label = "heretostay"
    verbose_name = _("Here to stay campaigns")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        for feature in ("core", *FEATURES):
            for module in ("signals", "views"):
                try:
                    import_module(f"{self.name}.{feature}.{module}")
                except ModuleNotFoundError as error:
                    if error.name != f"{self.name}.{feature}.{module}":
                        raise
