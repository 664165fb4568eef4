"""What the reports' Celery tasks run (``reports.tasks``): rollup rebuilds, report snapshots, queued report runs and the
Monday weekly report with its e-mail. The request side (campaigns, asking for a refresh or a run) is
``reports.services``, which queues these tasks: this module imports neither, so services → tasks → jobs has no
cycle (tests/test_layers.py). ``reports.services`` re-exports these names for its callers."""

from __future__ import annotations

import hashlib
import logging
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Court, Role, User
from cases.models import Case
from core import court_settings

from . import engine
from .models import PeriodKind, ReportRun, ReportSnapshot, RunStatus
from .periods import Period
from .report import build_figures, render_pdf, render_report_html
from .selectors import ReportScope

logger = logging.getLogger(__name__)


# --- Rollup -------------------------------------------------------------------------------------------------------

def rollup_refresh(*, court_ids: list[int]) -> list[dict]:
    """Rebuild the KPI rollup of these courts from the case tables (each court in its own transaction)."""
    return [engine.rollup_rebuild(int(cid)) for cid in court_ids]


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
