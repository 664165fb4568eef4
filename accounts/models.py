"""The court's organisation: courts in a hierarchy, teams, and users who hold roles and belong to teams."""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from knox.models import AbstractAuthToken


class CourtLevel(models.TextChoices):
    SUPREME = "supreme", _("Supreme court")
    HIGH = "high", _("High court")
    INTERMEDIATE = "intermediate", _("Intermediate court")
    BASIC = "basic", _("Basic court")


court_code_validator = RegexValidator(
    regex=r"^(最高法|[\u4e00-\u9fff][0-9]{0,4})$",
    message=_("A court code is one Chinese character followed by 2 or 4 digits (e.g. 甘05, 甘0503), or 最高法."),
)


class Court(models.Model):
    """A people's court. Codes follow the SPC rules (domain.md §1.2) and come from a lookup table, not a formula."""

    code = models.CharField(_("court code"), max_length=8, unique=True, validators=[court_code_validator])
    name = models.CharField(_("name"), max_length=100, unique=True)
    level = models.CharField(_("level"), max_length=16, choices=CourtLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("superior court"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="children",
    )
    admin_division_code = models.CharField(_("administrative division code"), max_length=6, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=6, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    # The court's enforcement-fund bank account; each case gets its own sub-account reference (一案一账号).
    fund_account_name = models.CharField(_("fund account name"), max_length=100, blank=True)
    fund_account_bank = models.CharField(_("fund account bank"), max_length=100, blank=True)
    fund_account_number = models.CharField(_("fund account number"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("court")
        verbose_name_plural = _("courts")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.parent_id and self.parent_id == self.pk:
            raise ValidationError({"parent": _("A court cannot be its own superior.")})

    def descendant_ids(self) -> list[int]:
        """This court's id and every subordinate court's, found with one recursive query."""
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(
                """
                WITH RECURSIVE tree(id) AS (
                    SELECT id FROM accounts_court WHERE id = %s
                    UNION ALL
                    SELECT c.id FROM accounts_court c JOIN tree t ON c.parent_id = t.id
                )
                SELECT id FROM tree
                """,
                [self.pk],
            )
            return [row[0] for row in cursor.fetchall()]


class TeamKind(models.TextChoices):
    IMPLEMENTATION = "implementation", _("Enforcement implementation")
    ASSET_CONTROL = "asset_control", _("Asset investigation and control")
    ASSET_DISPOSAL = "asset_disposal", _("Asset disposal")
    ADJUDICATION = "adjudication", _("Enforcement adjudication")


class Team(models.Model):
    court = models.ForeignKey(Court, verbose_name=_("court"), on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(_("name"), max_length=60)
    kind = models.CharField(_("kind"), max_length=20, choices=TeamKind.choices)
    leader = models.ForeignKey(
        "accounts.User", verbose_name=_("leader"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="led_teams",
    )
    is_active = models.BooleanField(_("active"), default=True)
    # 分段集约: a team the court designates to dispose of assets handed over to it (移交处置). Set by the court admin.
    is_disposal_team = models.BooleanField(
        _("disposal team"), default=False,
        help_text=_("Cases' assets may be handed over to this team for disposal (移交处置)."))

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["court", "name"]
        constraints = [models.UniqueConstraint(fields=["court", "name"], name="team_unique_name_per_court")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.leader_id and self.leader.court_id != self.court_id:
            raise ValidationError({"leader": _("The team leader must work at the team's court.")})


class Role(models.TextChoices):
    OFFICER = "officer", _("Enforcement officer")
    CLERK = "clerk", _("Clerk")
    CHIEF = "chief", _("Division chief")
    FINANCE = "finance", _("Case-fund manager")
    COURT_ADMIN = "court_admin", _("Court administrator")


class User(AbstractUser):
    """A member of staff. Belongs to one court; may hold several roles and belong to several teams."""

    court = models.ForeignKey(
        Court, verbose_name=_("court"), null=True, blank=True, on_delete=models.PROTECT, related_name="staff",
    )
    full_name = models.CharField(_("full name"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    roles = ArrayField(
        models.CharField(max_length=20, choices=Role.choices), verbose_name=_("roles"), default=list, blank=True,
    )
    teams = models.ManyToManyField(Team, verbose_name=_("teams"), blank=True, related_name="members")

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        indexes = [models.Index(fields=["court"], name="user_court_idx")]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.username

    def has_role(self, role: str) -> bool:
        return role in (self.roles or [])

    def clean(self) -> None:
        super().clean()
        unknown = set(self.roles or []) - set(Role.values)
        if unknown:
            raise ValidationError({"roles": _("Unknown role(s): %(roles)s") % {"roles": ", ".join(sorted(unknown))}})
        if self.roles and not self.court_id and not self.is_superuser:
            raise ValidationError({"court": _("A member of staff with a role must belong to a court.")})


class RoleChangeStatus(models.TextChoices):
    PENDING = "pending", _("Pending approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class RoleChangeRequest(models.Model):
    """A change of a user's roles waits here until a second person approves it: another court administrator or the
    court's division chief, never the one who asked and never the user concerned. Only then are the roles applied
    (``accounts.services.role_change_approve``). Nobody grants power to themselves alone."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
                             related_name="role_change_requests")
    court = models.ForeignKey(Court, verbose_name=_("court"), null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    old_roles = ArrayField(models.CharField(max_length=20, choices=Role.choices), verbose_name=_("roles before"),
                           default=list, blank=True)
    new_roles = ArrayField(models.CharField(max_length=20, choices=Role.choices), verbose_name=_("roles requested"),
                           default=list, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=RoleChangeStatus.choices,
                              default=RoleChangeStatus.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"), null=True,
                                     on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("role change request")
        verbose_name_plural = _("role change requests")
        ordering = ["-requested_at", "-id"]
        constraints = [
            # One pending request per user: a second change waits until the first is decided.
            models.UniqueConstraint(fields=["user"], condition=models.Q(status="pending"),
                                    name="role_change_one_pending_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {', '.join(self.old_roles) or '-'} → {', '.join(self.new_roles) or '-'}"

    def role_labels(self, roles) -> str:
        labels = dict(Role.choices)
        return "、".join(str(labels.get(r, r)) for r in roles) or "-"

    @property
    def old_labels(self) -> str:
        return self.role_labels(self.old_roles)

    @property
    def new_labels(self) -> str:
        return self.role_labels(self.new_roles)


# --- Audit: row history kept by database triggers (django-pghistory), append-only. A user's roles, court and status
# flags are tracked (never the password hash or the sign-in time); role change requests are tracked whole.
pghistory.track(
    pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(),
    fields=["username", "court", "roles", "is_active", "is_staff", "is_superuser"],
    model_name="UserRoleHistory", append_only=True,
    obj_field=pghistory.ObjForeignKey(related_name="role_history", related_query_name="role_history_row",
                                      on_delete=models.DO_NOTHING, db_constraint=False),
)(User)
pghistory.track(
    pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(),
    model_name="RoleChangeRequestHistory", append_only=True,
    obj_field=pghistory.ObjForeignKey(related_name="history", related_query_name="history_row",
                                      on_delete=models.DO_NOTHING, db_constraint=False),
)(RoleChangeRequest)
class ApiToken(AbstractAuthToken):
    """An API token (django-rest-knox; only its hash is stored): one per device, with an expiry and its last use."""

    device = models.CharField(_("device"), max_length=100, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=200, blank=True)
    last_used = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created"]
