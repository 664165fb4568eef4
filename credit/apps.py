from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreditConfig(AppConfig):
    name = "credit"
    verbose_name = _("Dishonest-debtor list and consumption restrictions")

    def ready(self) -> None:
        from assets.signals import receipt_recorded
        from cases.signals import case_closed

        from .receivers import on_case_closed, on_receipt_recorded

        case_closed.connect(on_case_closed, dispatch_uid="credit.on_case_closed")
        receipt_recorded.connect(on_receipt_recorded, dispatch_uid="credit.on_receipt_recorded")
