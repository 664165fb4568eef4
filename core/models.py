from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .court_settings import registry


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
        definition = registry().get(self.key)
        return _("%(court)s: %(setting)s") % {"court": self.court, "setting": definition.name if definition
                                               else self.key}

    def clean(self) -> None:
        definition = registry().get(self.key)
        if definition is None:
            raise ValidationError({"key": _("Unknown setting %(key)s.") % {"key": self.key}})
        definition.clean(self.value)


class IdempotencyRecord(models.Model):
    """A write that must happen once: the claim of ``(user, key, endpoint)`` and the first result (see
    ``core.idempotency``)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
                             related_name="+")
    key = models.CharField(_("key"), max_length=80)
    endpoint = models.CharField(_("endpoint"), max_length=100)
    fingerprint = models.CharField(_("request fingerprint"), max_length=64)
    status_code = models.PositiveSmallIntegerField(_("status"))
    body = models.JSONField(_("result"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")
        constraints = [models.UniqueConstraint(fields=["user", "key", "endpoint"], name="idempotency_once")]
        indexes = [models.Index(fields=["created_at"], name="idempotency_created")]

    def __str__(self) -> str:
        return f"{self.endpoint} {self.key}"
