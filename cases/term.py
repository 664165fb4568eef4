"""The enforcement term (执行期限, domain.md §3.1): 6 months from filing (3 for non-litigation enforcement), plus
approved extensions, pushed out by the periods that are not counted (中止, 暂缓, appraisal, auction, settlement...),
then moved off a rest day to the next working day (CPL art 85) on the court's working-day calendar.

It agrees with the deadline engine (``deadlines/engine.py``), which computes the same term in SQL: the months come
from the court's ``DeadlineRule`` for the term if it sets them, else the court setting ``term_months``; the calendar
is the deadlines app's ``Holiday`` table (national rows, overridden by the court's own), the same rows
``deadlines.services.calendar_for`` reads; the roll-over follows the term rule's ``roll`` flag. Without the deadlines
app the built-in official calendar (``core.rules.calendar.default_calendar``) is used.

``case_term_deadline(case)`` answers for one case; ``case_term_deadlines(cases)`` answers for many with a fixed
number of queries, for list pages.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Iterable

from django.apps import apps
from django.db.models import Q, Sum
from django.utils import timezone

from core import court_settings
from core.rules.calendar import WorkCalendar, add_months, default_calendar, extend_by_excluded

from .models import Case, TermExtension, TermPause


def _deadlines_installed() -> bool:
    return apps.is_installed("deadlines")


def _rule_months(court_ids: Iterable[int]) -> dict[int, int]:
    """Courts whose deadline rule for the term sets its months (the engine's override of ``term_months``)."""
    if not _deadlines_installed():
        return {}
    rule = apps.get_model("deadlines", "DeadlineRule")
    return dict(rule.objects.filter(court_id__in=list(court_ids), kind="term", months__isnull=False)
                .values_list("court_id", "months"))


def court_calendars(court_ids: Iterable[int]) -> dict[int, WorkCalendar]:
    """Each court's working-day calendar in one query: the national ``Holiday`` rows overridden by the court's own
    (the same rule as ``deadlines.services.calendar_for`` and the engine's ``_dl_cal``)."""
    court_ids = set(court_ids)
    if not _deadlines_installed():
        return {cid: default_calendar() for cid in court_ids}
    holiday = apps.get_model("deadlines", "Holiday")
    national: dict[date, str] = {}
    own: dict[int, dict[date, str]] = defaultdict(dict)
    for court_id, day, kind in (holiday.objects.filter(Q(court__isnull=True) | Q(court_id__in=court_ids))
                                .values_list("court_id", "date", "kind")):
        (national if court_id is None else own[court_id])[day] = kind
    result = {}
    for cid in court_ids:
        days = {**national, **own.get(cid, {})}
        result[cid] = WorkCalendar(
            frozenset(d for d, k in days.items() if k == "holiday"),
            # A make-up working day only matters on a weekend; a weekday marked worked is simply not a holiday.
            frozenset(d for d, k in days.items() if k == "workday" and d.weekday() >= 5),
        )
    return result


def _term_rolls() -> bool:
    if not _deadlines_installed():
        return True
    from deadlines.rules import RULES

    return RULES["term"].roll


def term_months(case: Case, *, settings_cache: dict | None = None, rule_months: dict[int, int] | None = None) -> int:
    if not case.non_litigation:
        if rule_months is None:
            rule_months = _rule_months([case.court_id])
        if case.court_id in rule_months:
            return rule_months[case.court_id]
    key = "term_months_non_litigation" if case.non_litigation else "term_months"
    if settings_cache is not None:
        cache_key = (case.court_id, key)
        if cache_key not in settings_cache:
            settings_cache[cache_key] = court_settings.get(case.court_id, key)
        return settings_cache[cache_key]
    return court_settings.get(case.court_id, key)


def term_deadline(*, filed_on: date, months: int, extension_months: int,
                  pauses: Iterable[tuple[date, date | None]], today: date | None = None,
                  calendar: WorkCalendar | None = None) -> date:
    """Pure calculation. A pause still open counts up to ``today`` (the deadline moves while the case is paused).
    With a ``calendar`` the result is moved off a rest day to the next working day."""
    today = today or timezone.localdate()
    base = add_months(filed_on, months + extension_months)
    periods = [(start, end if end is not None else max(today, start)) for start, end in pauses]
    result = extend_by_excluded(base, periods, term_start=filed_on)
    return calendar.roll_to_working_day(result) if calendar is not None else result


def case_term_deadline(case: Case, *, today: date | None = None) -> date:
    return case_term_deadlines([case], today=today)[case.pk]


def case_term_deadlines(cases: Iterable[Case], *, today: date | None = None) -> dict[int, date]:
    """Term deadlines for many cases: {case id: deadline}, with four queries whatever the number of cases (pauses,
    extensions, the courts' term rules, their calendars), plus one per court and setting."""
    cases = list(cases)
    ids = [c.pk for c in cases]
    court_ids = {c.court_id for c in cases}
    pauses: dict[int, list] = defaultdict(list)
    for case_id, start, end in TermPause.objects.filter(case_id__in=ids).values_list("case_id", "started_on",
                                                                                      "ended_on"):
        pauses[case_id].append((start, end))
    extensions = dict(TermExtension.objects.filter(case_id__in=ids).values("case_id").annotate(m=Sum("months"))
                      .values_list("case_id", "m"))
    rule_months = _rule_months(court_ids)
    calendars = court_calendars(court_ids) if _term_rolls() else {}
    cache: dict = {}
    return {
        c.pk: term_deadline(filed_on=c.filed_on, months=term_months(c, settings_cache=cache, rule_months=rule_months),
                            extension_months=extensions.get(c.pk, 0), pauses=pauses.get(c.pk, []), today=today,
                            calendar=calendars.get(c.court_id))
        for c in cases
    }
