"""Per-court settings of the notices app (see core.court_settings).

domain.md has no rule for how an enforcement document's number is printed (§7, §9 items 9-10: UNCONFIRMED), so the
printed number is a per-court format. Whatever the format, the register keeps its own gapless serial per court, year
and document type (``IssuedDocument.serial``), and the verification code identifies each version.

* ``document_number_format`` "{case_number}{suffix}" - the printed document number. Placeholders:
  ``{case_number}`` the case number （2026）甘0503执1234号; ``{suffix}`` 之一, 之二... for the types listed in
  ``document_number_suffix_types`` (empty for the others); ``{case_base}`` the case number without its closing 号;
  ``{year}`` the register year; ``{serial}`` the register serial; ``{court_code}`` the court's code (甘0503);
  ``{doc_type}`` the document type code. Court practice (the default): notices print the case number, rulings and
  decisions print it with 之一, 之二... A court that numbers from its register sets e.g.
  "（{year}）{court_code}执通{serial}号".
* ``document_number_suffix_types`` - the types that share one per-case suffix count (rulings and decisions by
  default): the n-th such document of a case prints "之" + the Chinese numeral n. The suffix goes before nothing:
  （2026）甘0503执1234号之一.
* ``document_number_suffix_first`` True - whether the first such document already carries 之一 (True) or prints
  the bare case number, the second one 之一 (False).
* ``verify_base_url`` "" - scheme and host the verification QR code points at, e.g. "https://zxgk.court.example";
  empty: the deployment's NOTICES_VERIFY_BASE_URL setting (environment), else ENF_PUBLIC_BASE_URL.
* ``notice_performance_days`` 3 - the days after service a 执行通知书 gives the debtor to perform, when the
  notice names no date (UNCONFIRMED: practice varies between 3 and 10 days).
* ``case_account_number_format`` "{account}" - how the case fund account number prints on notices: ``{account}``
  the court's account number, ``{reference}`` the case's own reference (一案一账号 where the bank uses sub-accounts).
* ``verify_site`` "" - the address printed under the QR code for typing the code in (no scheme); empty: the host and
  path of the verification page derived from the base URL.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.court_settings import CourtField, Setting

# The documents signed by the president (XGXF-2010 art 5; the 2017 rules on the dishonest list).
PRESIDENT_SIGNS = ("限制消费令", "纳入失信被执行人名单决定书")
# The documents that print the case fund account (一案一账号): notices/documents/_common.py CaseData.account().
PRINT_ACCOUNT = ("执行案件受理通知书", "执行通知书", "执行风险告知书", "协助执行通知书", "案款发放通知书")
# The documents that print the officer's phone, or the court's when the officer has none (CaseData.officer()).
PRINT_PHONE = ("执行通知书", "报告财产令", "执行裁定书", "协助执行通知书", "结案通知书")

DOCUMENT_NUMBER_FIELDS = dict(case_number="（2026）甘0503执1号", suffix="之一", case_base="（2026）甘0503执1", year=2026,
                              serial=1, court_code="甘0503", doc_type="control_ruling")


def _format_problem(value: str, fields: dict, allowed: str) -> str:
    try:
        value.format(**fields)
    except (KeyError, IndexError, ValueError):
        return _("It may use only the placeholders %(allowed)s.") % {"allowed": allowed}
    return ""


def _number_format_problem(value: str) -> str:
    if not value.strip():
        return _("It must not be empty.")
    return _format_problem(value, DOCUMENT_NUMBER_FIELDS, "{case_number} {suffix} {case_base} {year} {serial} "
                                                          "{court_code} {doc_type}")


def _account_format_problem(value: str) -> str:
    return _format_problem(value, {"account": "1", "reference": "1"}, "{account} {reference}")


COURT_FIELDS = [
    CourtField("fund_account_name", PRINT_ACCOUNT),
    CourtField("fund_account_bank", PRINT_ACCOUNT),
    CourtField("fund_account_number", PRINT_ACCOUNT),
    CourtField("phone", PRINT_PHONE),
]

DEFAULT_SUFFIX_TYPES = [
    "control_ruling", "release_ruling", "zhongben_ruling", "dishonest_decision",
]

SETTINGS = [
    Setting("document_number_format", "{case_number}{suffix}",
            "Printed document number; placeholders {case_number} {suffix} {case_base} {year} {serial} "
            "{court_code} {doc_type} (domain.md §7: UNCONFIRMED).", str,
            label=gettext_lazy("Document number format"), validate=_number_format_problem),
    Setting("document_number_suffix_types", DEFAULT_SUFFIX_TYPES,
            "Document types numbered 之一, 之二... within their case (rulings and decisions).", list),
    Setting("document_number_suffix_first", True,
            "The first suffixed document of a case already prints 之一 (else the bare case number).", bool),
    # Used by the document context builders (notices/documents/).
    Setting("notice_performance_days", 3,
            "Days after service a 执行通知书 gives the debtor to perform when no date is named (UNCONFIRMED).", int,
            label=gettext_lazy("Days to perform after the enforcement notice")),
    Setting("case_account_number_format", "{account}",
            "Case fund account number as printed: {account} the court's account, {reference} the case's reference.",
            str, label=gettext_lazy("Case account number format"), validate=_account_format_problem),
    # The verification page.
    Setting("verify_base_url", "", "Base URL (scheme and host) of the public verification page for QR codes.", str),
    Setting("verify_site", "", "Address printed under the QR code for typing in the verification code.", str),
    # --- Document types (notices/documents/; helper n2): settings the context builders read besides the two above ---
    Setting("president_name", "",
            "Name of the court president, who signs 限制消费令 and 失信 decisions (XGXF-2010 art 5).", str,
            label=gettext_lazy("President's name"), needed_by=PRESIDENT_SIGNS),
    Setting("asset_report_days", 5,
            "Days after service of the 报告财产令 to file the asset report (INVEST art 4 leaves it to the court; "
            "UNCONFIRMED).", int, label=gettext_lazy("Days to file the asset report")),
    Setting("wage_withhold_percent", 50,
            "Share (%) of monthly income an employer withholds when the notice names no amount (CPL art 254 keeps "
            "living expenses; the figure is practice, UNCONFIRMED).", int,
            label=gettext_lazy("Share of income withheld (%)")),
    # --- end of the document-type settings ---
]
