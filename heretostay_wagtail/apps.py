from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HeretostayConfig(AppConfig):
    name = "heretostay_wagtail"
    label = "heretostay"
    verbose_name = _("Here to stay campaigns")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import signal_handlers  # noqa: F401
