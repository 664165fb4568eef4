"""Per-court settings of the reports (domain.md §6: most KPI formulas are UNCONFIRMED and courts differ)."""

from decimal import Decimal

from core.court_settings import Setting

SETTINGS = [
    Setting("kpi_case_types", ["执", "执恢", "执保"],
            "Case types every KPI counts unless kpi_definitions says otherwise. Some courts count 首执 only "
            "(['执']) or leave 执保/执恢 out of closure counts (domain.md §1.3, §6).", list),
    Setting("kpi_definitions", [],
            "Per-KPI overrides: a list of {\"key\": kpi, \"case_types\": [...], \"numerator\": [measures], "
            "\"denominator\": [measures]} (measures are summed). See reports/kpis.py for the keys.", list),
    Setting("actual_closure_modes", ["fulfilled"],
            "Closure modes that count as actual enforcement (实际执结) (domain.md §6, mapping UNCONFIRMED).", list),
    Setting("aged_months", 6, "Open cases older than this many months are reported as long-pending.", int),
    Setting("petition_on_time_days", 15,
            "Days a petition may take when it carries no due date of its own (its due_on is used when set).", int),
    Setting("lead_on_time_days", 7, "Days to check an asset lead (urgent: lead_on_time_days_urgent); INVEST art 2.",
            int),
    Setting("lead_on_time_days_urgent", 3, "Days to check an urgent asset lead (INVEST art 2).", int),
    Setting("payout_days", 30, "Days from the receipt of funds to payout (domain.md §2.1 node 11; local rules "
            "may be 5 days or 1 month).", int),
    Setting("three_year_window_years", 3, "Window of the 三年整体执结率 in years.", int),
    Setting("target_actual_in_term", Decimal("90"), "Target for 法定期限内实际执结率, percent.", Decimal),
    Setting("target_zhongben_pass", Decimal("90"), "Target for 终本合格率, percent.", Decimal),
    Setting("target_petition_resolution", Decimal("90"), "Target for 执行信访办结率, percent.", Decimal),
    Setting("target_three_year", Decimal("80"), "Target for 三年整体执结率, percent.", Decimal),
    Setting("weekly_report_recipients", [],
            "Extra e-mail addresses for the weekly report; the court's chiefs always receive it.", list),
]
