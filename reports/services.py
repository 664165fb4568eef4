"""Writes of the reports app: campaigns, asking for a rollup rebuild or a report run (queued); what the tasks run
(rollup rebuilds, snapshots, runs, the weekly e-mail) is ``reports.jobs``, re-exported here."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import Court, User
from accounts.policy import Perm, Target, require
from cases.models import Case

from . import engine
from .jobs import (
    ROLLUP_MAX_AGE,
    report_run_execute,
    rollup_refresh,
    rollup_stale_courts,
    snapshot_create,
    snapshot_email,
    weekly_recipients,
    weekly_reports_generate,
)
from .models import Campaign, PeriodKind, ReportRun
from .periods import Period
from .selectors import ReportScope



# --- Campaigns ----------------------------------------------------------------------------------------------------

def _check_campaign_fields(*, name: str, starts_on: date, ends_on: date) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the campaign a name.")})
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("The campaign cannot end before it starts.")})
    return name


def _case_ids_for(*, court: Court, case_ids: list[int] | None) -> list[int] | None:
    if case_ids is None:
        return None
    ids = set(int(i) for i in case_ids)
    found = set(Case.objects.filter(pk__in=ids, court=court).values_list("pk", flat=True))
    if found != ids:
        raise ValidationError({"cases": _("Cases %(ids)s are not cases of this court.") % {
            "ids": ", ".join(str(i) for i in sorted(ids - found))}})
    return sorted(found)


@transaction.atomic
def campaign_create(*, actor: User, court: Court, name: str, starts_on: date, ends_on: date, description: str = "",
                    case_ids: list[int] | None = None) -> Campaign:
    require(actor, Perm.REPORT_VIEW, Target(court_id=court.pk))
    if actor.court_id != court.pk and not actor.is_superuser:
        raise ValidationError({"court": _("A campaign is created by a chief of its own court.")})
    name = _check_campaign_fields(name=name, starts_on=starts_on, ends_on=ends_on)
    if Campaign.objects.filter(court=court, name=name).exists():
        raise ValidationError({"name": _("This court already has a campaign with this name.")})
    ids = _case_ids_for(court=court, case_ids=case_ids) or []
    try:
        with transaction.atomic():
            campaign = Campaign.objects.create(court=court, name=name, description=description, starts_on=starts_on,
                                               ends_on=ends_on, created_by=actor)
    except IntegrityError:
        raise ValidationError({"name": _("This court already has a campaign with this name.")}) from None
    campaign.cases.set(ids)
    return campaign


def _require_own(actor: User, campaign: Campaign) -> None:
    require(actor, Perm.REPORT_VIEW, campaign)
    if actor.court_id != campaign.court_id and not actor.is_superuser:
        raise ValidationError({"court": _("Only a chief of the campaign's court may change it.")})


@transaction.atomic
def campaign_update(*, actor: User, campaign: Campaign, name: str | None = None, starts_on: date | None = None,
                    ends_on: date | None = None, description: str | None = None,
                    case_ids: list[int] | None = None) -> Campaign:
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    _require_own(actor, campaign)
    name = _check_campaign_fields(name=campaign.name if name is None else name,
                                  starts_on=starts_on or campaign.starts_on, ends_on=ends_on or campaign.ends_on)
    if Campaign.objects.filter(court_id=campaign.court_id, name=name).exclude(pk=campaign.pk).exists():
        raise ValidationError({"name": _("This court already has a campaign with this name.")})
    campaign.name = name
    campaign.starts_on = starts_on or campaign.starts_on
    campaign.ends_on = ends_on or campaign.ends_on
    if description is not None:
        campaign.description = description
    campaign.save()
    ids = _case_ids_for(court=campaign.court, case_ids=case_ids)
    if ids is not None:
        campaign.cases.set(ids)
    return campaign


@transaction.atomic
def campaign_cases_add(*, actor: User, campaign: Campaign, case_ids: list[int]) -> int:
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    _require_own(actor, campaign)
    ids = _case_ids_for(court=campaign.court, case_ids=case_ids) or []
    before = campaign.cases.count()
    campaign.cases.add(*ids)
    return campaign.cases.count() - before


@transaction.atomic
def campaign_cases_remove(*, actor: User, campaign: Campaign, case_ids: list[int]) -> None:
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    _require_own(actor, campaign)
    campaign.cases.remove(*[int(i) for i in case_ids])


@transaction.atomic
def campaign_delete(*, actor: User, campaign: Campaign) -> None:
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    _require_own(actor, campaign)
    campaign.cases.clear()
    campaign.delete()


# --- Rollup -------------------------------------------------------------------------------------------------------

def rollup_refresh_request(*, actor: User, court: Court) -> None:
    """A chief asks for fresh figures now: queue a rebuild of their courts."""
    require(actor, Perm.REPORT_VIEW, Target(court_id=court.pk))
    from .tasks import rollup_refresh_task

    ids = court.descendant_ids()
    transaction.on_commit(lambda: rollup_refresh_task.delay(ids))


def report_run_request(*, actor: User, scope: ReportScope, period: Period) -> ReportRun:
    """Queue an on-demand report (any week, month, quarter or year); the page polls the run for progress."""
    require(actor, Perm.REPORT_VIEW, Target(court_id=scope.court.pk))
    if period.kind not in PeriodKind.values:
        raise ValidationError({"period": _("Unknown period kind.")})
    if period.start > engine.today():
        raise ValidationError({"start": _("The period has not started yet.")})
    with transaction.atomic():
        run = ReportRun.objects.create(court=scope.court, period_kind=period.kind, period_start=period.start,
                                       period_end=period.end, scope=scope.as_json(), requested_by=actor)
        from .tasks import report_run_task

        transaction.on_commit(lambda: report_run_task.delay(run.pk))
    return run


__all__ = [  # the request side here, and what the tasks run (reports.jobs) for the callers that import it from here
    "campaign_create", "campaign_update", "campaign_cases_add", "campaign_cases_remove", "campaign_delete",
    "rollup_refresh_request", "report_run_request",
    "ROLLUP_MAX_AGE", "report_run_execute", "rollup_refresh", "rollup_stale_courts", "snapshot_create",
    "snapshot_email", "weekly_recipients", "weekly_reports_generate",
]
