"""The enforcement term (执行期限, domain.md §3.1): 6 months from filing (3 for non-litigation enforcement), plus
approved extensions, pushed out by the periods that are not counted (中止, 暂缓, appraisal, auction, settlement...).

``case_term_deadline(case)`` answers for one case; ``case_term_deadlines(cases)`` answers for many with two queries,
for list pages and the deadline engine.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Iterable

from django.db.models import Sum
from django.utils import timezone

from core import court_settings
from core.rules.calendar import add_months, extend_by_excluded

from .models import Case, TermExtension, TermPause


def term_months(case: Case, *, settings_cache: dict | None = None) -> int:
    key = "term_months_non_litigation" if case.non_litigation else "term_months"
    if settings_cache is not None:
        cache_key = (case.court_id, key)
        if cache_key not in settings_cache:
            settings_cache[cache_key] = court_settings.get(case.court_id, key)
        return settings_cache[cache_key]
    return court_settings.get(case.court_id, key)


def term_deadline(*, filed_on: date, months: int, extension_months: int,
                  pauses: Iterable[tuple[date, date | None]], today: date | None = None) -> date:
    """Pure calculation. A pause still open counts up to ``today`` (the deadline moves while the case is paused)."""
    today = today or timezone.localdate()
    base = add_months(filed_on, months + extension_months)
    periods = [(start, end if end is not None else max(today, start)) for start, end in pauses]
    return extend_by_excluded(base, periods, term_start=filed_on)


def case_term_deadline(case: Case, *, today: date | None = None) -> date:
    pauses = list(TermPause.objects.filter(case=case).values_list("started_on", "ended_on"))
    extension = TermExtension.objects.filter(case=case).aggregate(m=Sum("months"))["m"] or 0
    return term_deadline(filed_on=case.filed_on, months=term_months(case), extension_months=extension,
                         pauses=pauses, today=today)


def case_term_deadlines(cases: Iterable[Case], *, today: date | None = None) -> dict[int, date]:
    """Term deadlines for many cases: {case id: deadline}, with two queries whatever the number of cases
    (plus one per court for its settings)."""
    cases = list(cases)
    ids = [c.pk for c in cases]
    pauses: dict[int, list] = defaultdict(list)
    for case_id, start, end in TermPause.objects.filter(case_id__in=ids).values_list("case_id", "started_on",
                                                                                      "ended_on"):
        pauses[case_id].append((start, end))
    extensions = dict(TermExtension.objects.filter(case_id__in=ids).values("case_id").annotate(m=Sum("months"))
                      .values_list("case_id", "m"))
    cache: dict = {}
    return {
        c.pk: term_deadline(filed_on=c.filed_on, months=term_months(c, settings_cache=cache),
                            extension_months=extensions.get(c.pk, 0), pauses=pauses.get(c.pk, []), today=today)
        for c in cases
    }
