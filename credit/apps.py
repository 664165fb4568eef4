from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreditConfig(AppConfig):
    name = "credit"
    verbose_name = _("Dishonest-debtor list and consumption restrictions")

    def ready(self) -> None:
        from cases.signals import case_closed

        from .receivers import on_case_closed

        case_closed.connect(on_case_closed, dispatch_uid="credit.on_case_closed")
