"""Writes of the reports app: campaigns, rollup rebuilds, report snapshots and runs, the weekly e-mail."""

from __future__ import annotations

import hashlib
import logging
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Court, Role, User
from accounts.policy import Perm, Target, require
from cases.models import Case
from core import court_settings

from . import engine
from .models import Campaign, PeriodKind, ReportRun, ReportSnapshot, RunStatus
from .periods import Period
from .report import build_figures, render_pdf, render_report_html
from .selectors import ReportScope

logger = logging.getLogger(__name__)


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

def rollup_refresh(*, court_ids: list[int]) -> list[dict]:
    """Rebuild the KPI rollup of these courts from the case tables (each court in its own transaction)."""
    return [engine.rollup_rebuild(int(cid)) for cid in court_ids]


def rollup_refresh_request(*, actor: User, court: Court) -> None:
    """A chief asks for fresh figures now: queue a rebuild of their courts."""
    require(actor, Perm.REPORT_VIEW, Target(court_id=court.pk))
    from .tasks import rollup_refresh_task

    ids = court.descendant_ids()
    transaction.on_commit(lambda: rollup_refresh_task.delay(ids))


# --- Snapshots ----------------------------------------------------------------------------------------------------

ROLLUP_MAX_AGE = timedelta(minutes=15)  # beat rebuilds every 15 minutes (reports/schedule.py)


def rollup_stale_courts(court_ids: list[int], *, max_age: timedelta = ROLLUP_MAX_AGE) -> list[int]:
    from .models import RollupState

    fresh = set(RollupState.objects.filter(court_id__in=court_ids, refreshed_at__gte=timezone.now() - max_age)
                .values_list("court_id", flat=True))
    return [cid for cid in court_ids if cid not in fresh]


def snapshot_create(*, scope: ReportScope, period: Period, actor: User | None = None, automatic: bool = False,
                    progress=None, refresh: bool | None = None) -> ReportSnapshot:
    """Compute a report's figures, render its PDF and store both, unchangeable from then on.

    ``refresh``: True rebuilds the rollup first, False uses it as it is, None (default) rebuilds the courts whose
    rollup is older than ``ROLLUP_MAX_AGE``. The figures record when the rollup was built.
    """
    if period.kind not in PeriodKind.values:
        raise ValidationError({"period": _("Unknown period kind.")})
    progress = progress or (lambda pct, step: None)
    stale = scope.court_ids() if refresh else (rollup_stale_courts(scope.court_ids()) if refresh is None else [])
    if stale:
        progress(2, _("Refreshing the figures"))
        rollup_refresh(court_ids=stale)
    figures = build_figures(scope=scope, period=period, progress=progress)
    from .models import RollupState

    state = RollupState.objects.filter(court_id__in=scope.court_ids()).order_by("refreshed_at").first()
    figures["rollup_refreshed_at"] = state.refreshed_at.isoformat() if state else None
    progress(90, _("Rendering the PDF"))
    pdf = render_pdf(render_report_html(figures))
    digest = hashlib.sha256(pdf).hexdigest()
    with transaction.atomic():
        if automatic:
            existing = ReportSnapshot.objects.select_for_update().filter(
                court=scope.court, period_kind=period.kind, period_start=period.start, scope_key=scope.key(),
                automatic=True).first()
            if existing:
                return existing
        snapshot = ReportSnapshot(court=scope.court, period_kind=period.kind, period_start=period.start,
                                  period_end=period.end, scope=scope.as_json(), scope_key=scope.key(),
                                  figures=figures, sha256=digest, automatic=automatic, created_by=actor)
        snapshot.pdf.save(f"{scope.court.code}-{period.kind}-{period.start.isoformat()}-{digest[:12]}.pdf",
                          ContentFile(pdf), save=False)
        snapshot.save()
    return snapshot


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


def report_run_execute(*, run_id: int) -> ReportRun | None:
    """Run a queued report (the Celery task's body). Claimed by a conditional UPDATE so it runs once."""
    claimed = ReportRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(
        status=RunStatus.RUNNING, step=_("Starting"), progress=1)
    if not claimed:
        return None
    run = ReportRun.objects.select_related("court").get(pk=run_id)

    def progress(pct: int, step: str) -> None:
        ReportRun.objects.filter(pk=run_id).update(progress=pct, step=step[:100])

    try:
        from .models import Campaign as _Campaign

        campaign = _Campaign.objects.filter(pk=run.scope.get("campaign")).first() if run.scope.get("campaign") else None
        scope = ReportScope(court=run.court, include_subordinates=bool(run.scope.get("include_subordinates")),
                            campaign=campaign)
        period = Period(run.period_kind, run.period_start, run.period_end)
        snapshot = snapshot_create(scope=scope, period=period, actor=run.requested_by, progress=progress)
    except Exception as exc:
        logger.exception("report run %s failed", run_id)
        ReportRun.objects.filter(pk=run_id).update(status=RunStatus.FAILED, error=str(exc)[:2000],
                                                   finished_at=timezone.now())
        raise
    ReportRun.objects.filter(pk=run_id).update(status=RunStatus.DONE, progress=100, step=_("Done"),
                                               snapshot=snapshot, finished_at=timezone.now())
    run.refresh_from_db()
    return run


def weekly_recipients(court: Court) -> list[str]:
    chiefs = User.objects.filter(court=court, is_active=True, roles__contains=[Role.CHIEF.value]).exclude(email="")
    extra = [str(a) for a in court_settings.get(court, "weekly_report_recipients")]
    return sorted(set(chiefs.values_list("email", flat=True)) | set(extra))


def snapshot_email(*, snapshot: ReportSnapshot) -> bool:
    """Send the snapshot's PDF to the court's chiefs, once (claimed by a conditional UPDATE)."""
    recipients = weekly_recipients(snapshot.court)
    if not recipients:
        return False
    claimed = ReportSnapshot.objects.filter(pk=snapshot.pk, emailed_at__isnull=True).update(emailed_at=timezone.now())
    if not claimed:
        return False
    label = snapshot.figures.get("period", {}).get("label", "")
    message = EmailMessage(
        subject=_("%(court)s enforcement weekly report %(period)s") % {"court": snapshot.court.name, "period": label},
        body=_("The weekly report (周结周报) for %(period)s is attached. SHA-256 of the PDF: %(sha)s") % {
            "period": label, "sha": snapshot.sha256},
        from_email=settings.DEFAULT_FROM_EMAIL, to=recipients,
    )
    with snapshot.pdf.open("rb") as f:
        message.attach(f"weekly-report-{snapshot.period_start.isoformat()}.pdf", f.read(), "application/pdf")
    try:
        message.send()
    except Exception:
        ReportSnapshot.objects.filter(pk=snapshot.pk).update(emailed_at=None)
        raise
    return True


def weekly_reports_generate(*, today: date | None = None) -> list[int]:
    """Monday morning: last week's report for every court that has cases, stored and e-mailed; a court with
    subordinate courts (the intermediate court) gets the report of itself and its subordinate courts, as its
    dashboard shows by default."""
    from django.utils import translation

    today = today or engine.today()
    period = Period.containing("week", today - timedelta(days=7))
    made = []
    with_cases = set(Case.objects.values_list("court_id", flat=True).distinct())
    parents = set(Court.objects.filter(parent__isnull=False).values_list("parent_id", flat=True))
    for court in Court.objects.filter(pk__in=with_cases | parents).order_by("pk"):
        tree = court.pk in parents
        if tree and not with_cases.intersection(court.descendant_ids()):
            continue
        with translation.override("zh-hans"):
            snapshot = snapshot_create(scope=ReportScope(court=court, include_subordinates=tree), period=period,
                                       automatic=True)
            snapshot_email(snapshot=snapshot)
        made.append(snapshot.pk)
    return made
