import importlib

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self):
        importlib.import_module("core.checks")  # registers the court set-up check for ``check --deploy``
