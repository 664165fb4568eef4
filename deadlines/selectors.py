"""Reads of the deadlines app, each filtered by the permission policy inside the query."""

from __future__ import annotations

import calendar as pycalendar
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Func, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.utils.translation import pgettext

from accounts.policy import Perm, has_perm, require, scope_q
from core import court_settings

from .models import UNRESOLVED, Deadline, DeadlineKind, DeadlineStatus, Notification, SourceType

# --- notifications ------------------------------------------------------------------------------------------------


def notification_unread_count(*, user) -> int:
    """The page header's badge: one indexed count (partial index on unread rows)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()


def _count_of(qs: QuerySet) -> Subquery:
    """``qs``'s row count as a scalar subquery (to read several counts in one query)."""
    return Subquery(qs.order_by().annotate(n=Func(F("id"), function="COUNT")).values("n"))


def shell_counts(*, user, mine: bool = False, bureau: bool = False, today: date | None = None) -> dict[str, int]:
    """Every page's header in one query: unread notifications, and the menu badges' overdue counts - the user's own
    (``mine``: ``deadline_mine(show='overdue')``) and the court's (``bureau``: ``deadline_overdue_list``), the same
    selectors as the home page's tiles and the lists."""
    if not getattr(user, "is_authenticated", False):
        return {"unread": 0, "mine_overdue": 0, "bureau_overdue": 0}
    from accounts.models import User

    today = today or timezone.localdate()
    counts = {"unread": _count_of(Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True))}
    if mine:
        counts["mine_overdue"] = _count_of(deadline_mine(user=user, show="overdue", today=today))
    if bureau and has_perm(user, Perm.REPORT_VIEW):
        counts["bureau_overdue"] = _count_of(deadline_overdue_list(user=user, today=today))
    row = User.objects.filter(pk=user.pk).values(**counts).first() or {}
    return {"unread": 0, "mine_overdue": 0, "bureau_overdue": 0, **{k: v or 0 for k, v in row.items()}}


def notification_list_for_user(*, user, unread_only: bool = False) -> QuerySet[Notification]:
    qs = (Notification.objects.filter(recipient_id=user.pk)
          .select_related("deadline", "case").order_by("-created_at", "-id"))
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs


# --- deadlines ----------------------------------------------------------------------------------------------------


def deadline_scope_q(user, perm: Perm = Perm.CASE_VIEW):
    return scope_q(user, perm, court="court", team="team", officer="responsible")


def deadline_list_for_user(*, user) -> QuerySet[Deadline]:
    """Every deadline the user may see (the API's list)."""
    return Deadline.objects.filter(deadline_scope_q(user)).select_related("case", "responsible")


# "Overdue" everywhere (home page, menu badge, lists, dashboards): unresolved and due before today. By the date, not
# by the stored status, which turns 'overdue' only at the first scan of the day.
def overdue_q(today: date) -> Q:
    return Q(status__in=UNRESOLVED, due_on__lt=today)


LEAD_KINDS = (DeadlineKind.LEAD, DeadlineKind.LEAD_URGENT)
# The filters of "My deadlines" that the home page's tiles link to (deadline_mine's ``show``).
MINE_SHOWS = ("overdue", "today", "leads")


def deadline_mine(*, user, include_done: bool = False, show: str | None = None,
                  today: date | None = None) -> QuerySet[Deadline]:
    """"My deadlines": those the user is responsible for, most urgent first (overdue ones have the earliest dates).
    ``show``: only the overdue ones, those due today, or the asset leads still to check (``MINE_SHOWS``)."""
    today = today or timezone.localdate()
    qs = Deadline.objects.filter(responsible_id=user.pk)
    if show == "overdue":
        qs = qs.filter(overdue_q(today))
    elif show == "today":
        qs = qs.filter(status__in=UNRESOLVED, due_on=today)
    elif show == "leads":
        qs = qs.filter(status__in=UNRESOLVED, kind__in=LEAD_KINDS)
    elif not include_done:
        qs = qs.filter(status__in=UNRESOLVED)
    return qs.select_related("case").order_by("due_on", "id")


def deadline_mine_counts(*, user, today: date | None = None, red_days: int | None = None) -> dict[str, int]:
    """Counts over all of the user's unresolved deadlines (not a page of them), in one query: overdue, due today,
    leads to check, and the red / amber / green bands of the list."""
    today = today or timezone.localdate()
    red_days = red_days_for(user) if red_days is None else red_days
    red = Q(due_on__lte=today + timedelta(days=red_days))
    amber = ~red & Q(warn_from__lte=today)
    return Deadline.objects.filter(responsible_id=user.pk, status__in=UNRESOLVED).aggregate(
        overdue=Count("id", filter=Q(due_on__lt=today)), today=Count("id", filter=Q(due_on=today)),
        leads=Count("id", filter=Q(kind__in=LEAD_KINDS)), red=Count("id", filter=red),
        amber=Count("id", filter=amber), green=Count("id", filter=~red & ~Q(warn_from__lte=today)))


def deadline_overdue_count(*, user, today: date | None = None) -> int:
    """The chief's overdue count: the rows of ``deadline_overdue_list`` (home tile, menu badge, the list's total)."""
    return deadline_overdue_list(user=user, today=today).count()


def deadline_mine_month(*, user, year: int, month: int, include_done: bool = False) -> QuerySet[Deadline]:
    first = date(year, month, 1)
    last = date(year, month, pycalendar.monthrange(year, month)[1])
    qs = Deadline.objects.filter(responsible_id=user.pk, due_on__range=(first, last))
    qs = qs.exclude(status=DeadlineStatus.CANCELLED) if include_done else qs.filter(status__in=UNRESOLVED)
    return qs.select_related("case").order_by("due_on", "id")


def deadline_overdue_list(*, user, team_id: int | None = None, kind: str | None = None,
                          court_id: int | None = None, today: date | None = None) -> QuerySet[Deadline]:
    """The chief's court-wide overdue list (a superior court's chief sees its subordinate courts)."""
    require(user, Perm.REPORT_VIEW)
    qs = Deadline.objects.filter(scope_q(user, Perm.REPORT_VIEW, court="court", team=None, officer=None),
                                 overdue_q(today or timezone.localdate()))
    if team_id:
        qs = qs.filter(team_id=team_id)
    if kind:
        qs = qs.filter(kind=kind)
    if court_id:
        qs = qs.filter(court_id=court_id)
    return qs.select_related("case", "responsible", "team", "court").order_by("due_on", "id")


def deadline_list_for_case(*, user, case) -> list[Deadline]:
    if not has_perm(user, Perm.CASE_VIEW, case):
        raise PermissionDenied
    return list(Deadline.objects.filter(case_id=case.pk).exclude(status=DeadlineStatus.CANCELLED)
                .select_related("responsible").order_by("due_on", "id"))


# --- presentation helpers -----------------------------------------------------------------------------------------


@dataclass
class Item:
    deadline: Deadline
    label: str
    source_label: str
    days_left: int
    rag: str  # red / amber / green / done
    threshold_text: str = ""

    @property
    def days_overdue(self) -> int:
        return -self.days_left

    @property
    def href(self) -> str:
        return deadline_href(self.deadline)


def deadline_href(d: Deadline) -> str:
    """Where a deadline leads: the delegation's own page for a delegated task (the receiving court cannot open the
    sending case: its deadline would lead to a 404), else the case's deadlines tab."""
    if d.source_type == SourceType.DELEGATION:
        return reverse("delegation:detail", args=[d.source_id])
    return reverse("cases:detail", args=[d.case_id]) + "?tab=deadlines"


def red_days_for(user) -> int:
    return court_settings.get(getattr(user, "court_id", None), "deadline_red_days")


def rag_of(d: Deadline, *, today: date, red_days: int) -> str:
    if d.status in (DeadlineStatus.MET, DeadlineStatus.CANCELLED):
        return "done"
    if d.due_on < today or (d.due_on - today).days <= red_days:
        return "red"
    if d.warn_from <= today:
        return "amber"
    return "green"


def notification_text(note: Notification) -> str:
    """What a notification says: its reminder's threshold, or for a summary the count of the claim's other reminders."""
    if note.text:
        return note.text
    if note.more:
        return ngettext("… and %(n)s more deadline reminder, less urgent than those listed. See all of them on the "
                        "deadlines page.",
                        "… and %(n)s more deadline reminders, less urgent than those listed. See all of them on the "
                        "deadlines page.", note.more) % {"n": note.more}
    return threshold_text(note.threshold, note.level)


def notification_summary_url(user) -> str:
    """Where a summary notification leads: the overdue list for those who may see it (escalations are overdue
    deadlines of others), else the user's own deadlines."""
    return reverse("deadlines:overdue") if has_perm(user, Perm.REPORT_VIEW) else reverse("deadlines:mine")


def threshold_text(threshold: int | None, level: str = "responsible") -> str:
    if threshold is None:
        return ""
    if level == "leader":
        return _("Escalated to you as team leader: overdue %(n)s day(s) or more") % {"n": -threshold}
    if level == "chief":
        return _("Escalated to you as division chief: overdue %(n)s day(s) or more") % {"n": -threshold}
    if threshold < 0:
        return pgettext("deadline status", "Overdue")
    if threshold == 0:
        return _("Due today")
    return _("Due within %(n)s day(s)") % {"n": threshold}


def _source_labels(deadlines: list[Deadline]) -> dict[tuple[str, int], str]:
    """A short description of each source record: one query per source type on the page, never per row."""
    ids: dict[str, set[int]] = defaultdict(set)
    for d in deadlines:
        ids[d.source_type].add(d.source_id)
    labels: dict[tuple[str, int], str] = {}

    def fetch(source_type, label, fields, fmt):
        try:
            model = apps.get_model(label)
        except LookupError:
            return
        for row in model.objects.filter(pk__in=ids[source_type]).values("pk", *fields):
            labels[(source_type, row["pk"])] = fmt(row)

    if ids.get(SourceType.CONTROL):
        fetch(SourceType.CONTROL, "assets.ControlMeasure", ["asset__description", "ruling_number"],
              lambda r: r["asset__description"] or r["ruling_number"])
    if ids.get(SourceType.LEAD):
        fetch(SourceType.LEAD, "cases.Lead", ["description"], lambda r: r["description"][:40])
    if ids.get(SourceType.PETITION):
        fetch(SourceType.PETITION, "cases.Petition", ["petitioner", "content"],
              lambda r: (r["petitioner"] + "：" if r["petitioner"] else "") + r["content"][:30])
    if ids.get(SourceType.PORTAL_QUESTION):
        fetch(SourceType.PORTAL_QUESTION, "portal.PortalQuestion", ["text"], lambda r: r["text"][:40])
    if ids.get(SourceType.INSTALMENT):
        fetch(SourceType.INSTALMENT, "cases.SettlementInstalment", ["number", "amount"],
              lambda r: _("Instalment %(n)s: %(amount)s yuan") % {"n": r["number"], "amount": r["amount"]})
    if ids.get(SourceType.LEDGER_ENTRY):
        fetch(SourceType.LEDGER_ENTRY, "assets.LedgerEntry", ["amount", "occurred_on"],
              lambda r: _("%(amount)s yuan received on %(date)s") % {"amount": r["amount"], "date": r["occurred_on"]})
    if ids.get(SourceType.CASE_PARTY):
        fetch(SourceType.CASE_PARTY, "cases.CaseParty", ["party__name"], lambda r: r["party__name"])
    if ids.get(SourceType.AUCTION_ROUND):
        fetch(SourceType.AUCTION_ROUND, "assets.AuctionRound", ["disposal__asset__description", "round_no"],
              lambda r: _("%(asset)s, round %(n)s") % {"asset": r["disposal__asset__description"], "n": r["round_no"]})
    if ids.get(SourceType.ASSET_OBJECTION):
        fetch(SourceType.ASSET_OBJECTION, "assets.Objection", ["objector", "asset__description"],
              lambda r: f"{r['objector']}（{r['asset__description']}）")
    # (credit)
    if ids.get(SourceType.CREDIT_MEASURE):
        fetch(SourceType.CREDIT_MEASURE, "credit.CreditMeasure", ["case_party__party__name"],
              lambda r: r["case_party__party__name"])
    if ids.get(SourceType.CREDIT_CORRECTION):
        fetch(SourceType.CREDIT_CORRECTION, "credit.CorrectionRequest", ["requester_name"],
              lambda r: r["requester_name"])
    if ids.get(SourceType.DELEGATION):
        try:
            kinds = dict(apps.get_model("delegation.Delegation")._meta.get_field("kind").flatchoices)
        except LookupError:
            kinds = {}
        fetch(SourceType.DELEGATION, "delegation.Delegation", ["number", "kind"],
              lambda r: " ".join(str(x) for x in (kinds.get(r["kind"], r["kind"]), r["number"]) if x))
    return labels


def deadline_describe_rows(deadlines, *, today: date | None = None, red_days: int = 3,
                           reminders=None) -> list[Item]:
    today = today or timezone.localdate()
    deadlines = list(deadlines)
    labels = _source_labels(deadlines)
    # the kind's label, translated once per call (get_kind_display hashes and translates every choice per row:
    # 3.6 s of the 15,800 rows of a first scan's digests)
    kinds = {value: str(label) for value, label in DeadlineKind.choices}
    items = []
    for i, d in enumerate(deadlines):
        label = kinds.get(d.kind, d.kind)
        if d.seq:
            label = _("%(label)s, period %(n)s") % {"label": label, "n": d.seq}
        item = Item(deadline=d, label=label, source_label=labels.get((d.source_type, d.source_id), ""),
                    days_left=(d.due_on - today).days, rag=rag_of(d, today=today, red_days=red_days))
        if reminders is not None:
            item.threshold_text = threshold_text(reminders[i].threshold, reminders[i].level)
        items.append(item)
    return items


@dataclass
class CalendarDay:
    day: date
    in_month: bool
    is_today: bool
    working: bool
    items: list
    more: int = 0


CALENDAR_DAY_ITEMS = 4


def month_grid(*, year: int, month: int, deadlines, working_calendar, today: date,
               red_days: int) -> list[list[CalendarDay]]:
    """Weeks (Monday first) covering the month, each day with its first deadlines (the rest counted, not drawn)."""
    per_day: dict[date, list] = defaultdict(list)
    for d in deadlines:
        per_day[d.due_on].append(d)
    shown = [d for day in per_day.values() for d in day[:CALENDAR_DAY_ITEMS]]
    by_day: dict[date, list] = defaultdict(list)
    for it in deadline_describe_rows(shown, today=today, red_days=red_days):
        by_day[it.deadline.due_on].append(it)
    first = date(year, month, 1)
    start = first - timedelta(days=first.weekday())
    last = date(year, month, pycalendar.monthrange(year, month)[1])
    end = last + timedelta(days=6 - last.weekday())
    weeks, week = [], []
    day = start
    while day <= end:
        week.append(CalendarDay(day=day, in_month=day.month == month, is_today=day == today,
                                working=working_calendar.is_working_day(day), items=by_day.get(day, []),
                                more=max(0, len(per_day.get(day, [])) - CALENDAR_DAY_ITEMS)))
        if len(week) == 7:
            weeks.append(week)
            week = []
        day += timedelta(days=1)
    return weeks
