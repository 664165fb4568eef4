"""Celery tasks of the reports: the Monday weekly report, on-demand runs and the rollup refresh."""

from celery import shared_task

from accounts.models import Court
from cases.models import Case

from .jobs import report_run_execute, rollup_refresh, weekly_reports_generate


@shared_task(name="reports.tasks.weekly_reports")
def weekly_reports() -> list[int]:
    return weekly_reports_generate()


@shared_task(name="reports.tasks.report_run", acks_late=True)
def report_run_task(run_id: int) -> None:
    report_run_execute(run_id=run_id)


@shared_task(name="reports.tasks.rollup_refresh")
def rollup_refresh_task(court_ids: list[int] | None = None) -> list[dict]:
    if court_ids is None:
        court_ids = list(Court.objects.filter(pk__in=Case.objects.values("court_id").distinct())
                         .values_list("pk", flat=True))
    return rollup_refresh(court_ids=court_ids)
