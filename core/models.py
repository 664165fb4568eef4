from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class CourtSetting(models.Model):
    """A court's override of one rule setting (see core.court_settings)."""

    court = models.ForeignKey("accounts.Court", verbose_name=_("court"), on_delete=models.CASCADE,
                              related_name="settings")
    key = models.CharField(_("setting"), max_length=80)
    value = models.JSONField(_("value"))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("court setting")
        verbose_name_plural = _("court settings")
        constraints = [models.UniqueConstraint(fields=["court", "key"], name="court_setting_unique_key")]

    def __str__(self) -> str:
        return f"{self.court}: {self.key}"

    def clean(self) -> None:
        from .court_settings import registry

        definition = registry().get(self.key)
        if definition is None:
            raise ValidationError({"key": _("Unknown setting %(key)s.") % {"key": self.key}})
        definition.parse(self.value)
