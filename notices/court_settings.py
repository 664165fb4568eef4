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

from core.court_settings import Setting

DEFAULT_SUFFIX_TYPES = [
    "control_ruling", "release_ruling", "zhongben_ruling", "dishonest_decision",
]

SETTINGS = [
    Setting("document_number_format", "{case_number}{suffix}",
            "Printed document number; placeholders {case_number} {suffix} {case_base} {year} {serial} "
            "{court_code} {doc_type} (domain.md §7: UNCONFIRMED).", str),
    Setting("document_number_suffix_types", DEFAULT_SUFFIX_TYPES,
            "Document types numbered 之一, 之二... within their case (rulings and decisions).", list),
    Setting("document_number_suffix_first", True,
            "The first suffixed document of a case already prints 之一 (else the bare case number).", bool),
    # Used by the document context builders (notices/documents/).
    Setting("notice_performance_days", 3,
            "Days after service a 执行通知书 gives the debtor to perform when no date is named (UNCONFIRMED).", int),
    Setting("case_account_number_format", "{account}",
            "Case fund account number as printed: {account} the court's account, {reference} the case's reference.",
            str),
    # The verification page.
    Setting("verify_base_url", "", "Base URL (scheme and host) of the public verification page for QR codes.", str),
    Setting("verify_site", "", "Address printed under the QR code for typing in the verification code.", str),
    # --- Document types (notices/documents/; helper n2): settings the context builders read besides the two above ---
    Setting("president_name", "",
            "Name of the court president, who signs 限制消费令 and 失信 decisions (XGXF-2010 art 5).", str),
    Setting("asset_report_days", 5,
            "Days after service of the 报告财产令 to file the asset report (INVEST art 4 leaves it to the court; "
            "UNCONFIRMED).", int),
    Setting("wage_withhold_percent", 50,
            "Share (%) of monthly income an employer withholds when the notice names no amount (CPL art 254 keeps "
            "living expenses; the figure is practice, UNCONFIRMED).", int),
    # --- end of the document-type settings ---
]
