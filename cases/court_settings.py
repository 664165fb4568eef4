"""Per-court settings of the cases app (see core.court_settings). Defaults from domain.md."""

from decimal import Decimal

from core.court_settings import Setting

SETTINGS = [
    Setting("filing_days", 7, "Days from receipt of an application to filing (EXEC-98 art 16).", int),
    Setting("application_limit_years", 2, "Limitation period to apply for enforcement, years (CPL art 250).", int),
    Setting("term_months", 6, "Enforcement term in months from filing (TERM-2000 art 5).", int),
    Setting("term_months_non_litigation", 3, "Term for non-litigation enforcement, months.", int),
    Setting("complex_amount_threshold", Decimal("500000"),
            "Triage: a case claiming at least this amount (yuan) goes to the complex stream.", Decimal),
    Setting("complex_respondent_threshold", 3,
            "Triage: a case with at least this many respondents goes to the complex stream.", int),
    Setting("complex_if_assets_known", False,
            "Triage: a case whose applicant names assets at intake goes to the complex stream.", bool),
    Setting("lead_check_days", 7, "Days to check an applicant's asset lead (INVEST art 2).", int),
    Setting("lead_check_days_urgent", 3, "Days to check an urgent asset lead (INVEST art 2).", int),
    Setting("petition_answer_days", 15,
            "Days to answer an enforcement petition or complaint (local practice; UNCONFIRMED).", int),
    Setting("zhongben_min_months", 3, "终本: months that must have passed since filing (ZB-2016 art 1(4)).", int),
    Setting("zhongben_query_months", 3,
            "终本: a 总对总 network query covering every asset type within this many months (ZB-CODE).", int),
    Setting("zhongben_requires_interview", True,
            "终本: the applicant must have been interviewed (终本约谈) before closure (local rule; ZB-WH).", bool),
    Setting("closure_modes_without_approval", ["fulfilled"],
            "Closure modes that close at once, without the chief's approval.", list),
]
