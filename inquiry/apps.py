from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InquiryConfig(AppConfig):
    name = "inquiry"
    verbose_name = _("Network inquiry and control (网络查控)")
