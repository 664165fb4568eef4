"""Sample contexts of every document type: plain data, no database (fictitious parties; a rare-character debtor).

Used as ``DocumentType.sample_context`` (previews of a court's own template, notices.services.sample_context), by the
benchmark ``bench/notices_documents.py`` and by the tests. Each has the same shape as the real context builder's
result plus what the issuing service adds (document_number, issue_date, verification).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ._common import yuan_upper

D = dt.date


def _party(role: str, **kw) -> dict[str, Any]:
    unit = kw.get("kind") == "unit"
    data = {
        "id": kw.pop("id", 1), "role": role, "role_label": {"applicant": "申请执行人", "respondent": "被执行人"}[role],
        "kind": "unit" if unit else "person", "is_unit": unit, "id_label": "统一社会信用代码" if unit else "公民身份号码",
        "sex": "", "legal_representative": "", "phone": "", "restricted_on": None, "restriction_lifted_on": None,
        "dishonest_listed_on": None, "dishonest_until": None, "dishonest_ground": "", "dishonest_removed_on": None,
    }
    data.update(kw)
    if unit:
        parts = [data["name"], f"住所地{data['address']}", f"{data['id_label']}{data['id_number']}"]
    else:
        parts = [data["name"], data["sex"], data.pop("born", ""), f"{data['id_label']}{data['id_number']}",
                 f"住{data['address']}"]
    data["description"] = "，".join(p for p in parts if p)
    return data


APPLICANT = _party("applicant", id=11, name="天水市陇䶮商贸有限公司", kind="unit", id_number="91620503MA71XK2A4D",
                   address="甘肃省天水市麦积区商埠路66号", legal_representative="陈志远")
DEBTOR = _party("respondent", id=12, name="龚堃喆", sex="男", born="1988年5月12日出生", id_number="620503198805120033",
                address="甘肃省天水市麦积区花园路18号", phone="13900000002")
UNIT_DEBTOR = _party("respondent", id=13, name="天水示例建材有限公司", kind="unit", id_number="91110108551385082Q",
                     address="甘肃省天水市麦积区马跑泉路8号", legal_representative="王五")
CASE_NUMBER = "（2026）甘0503执1234号"
# A valid payment reference (core.rules.payment_ref: body 62050320261001234, check digits 77) as the notices print it.
REFERENCE_GROUPED = "6205\u00a00320\u00a02610\u00a00123\u00a0477"
ACCOUNT = {"name": "天水市麦积区人民法院执行款专户", "bank": "中国工商银行天水麦积支行", "number": "2705020109000012345",
           "case_reference": "6205032026100123477", "case_reference_grouped": REFERENCE_GROUPED,
           "reference": f"{REFERENCE_GROUPED} {CASE_NUMBER}"}
OFFICER = {"name": "王志刚", "phone": "0938-2712345"}
AMOUNT = {"principal": Decimal("100000.00"), "interest": Decimal("12345.67"), "interest_note": "",
          "costs": Decimal("2300.00"), "costs_label": "案件受理费等诉讼费用", "other": Decimal("0.00"),
          "total": Decimal("114645.67"), "recovered": Decimal("30000.00"), "outstanding": Decimal("84645.67")}
FREEZE = {"kind": "freeze", "verb": "冻结", "ruling_number": "（2026）甘0503执1234号之一", "ordered_on": D(2026, 11, 20),
          "term": {"max": "一年", "text": "自2026年11月20日起至2027年11月19日止", "queued": False,
                   "effective_on": D(2026, 11, 20), "expires_on": D(2027, 11, 19)},
          "preservation": False, "amount": Decimal("50000.00"), "wages": False}
DEPOSIT = {"id": 1, "kind": "bank_deposit", "kind_name": "银行存款", "description": "储蓄账户",
           "bank_name": "中国农业银行股份有限公司天水麦积支行", "account_number": "6228480000000000001",
           "certificate_number": "", "plate_number": "", "company_name": "", "share": "", "location": "",
           "phrase": "在中国农业银行股份有限公司天水麦积支行开立的账户（账号：6228480000000000001）内的存款人民币50,000.00元"}
HOUSE = dict(DEPOSIT, id=2, kind="real_estate", kind_name="不动产", description="住宅一套", bank_name="", account_number="",
             certificate_number="甘（2021）麦积区不动产权第0012345号", location="甘肃省天水市麦积区桥南路8号3单元502室",
             phrase="坐落于甘肃省天水市麦积区桥南路8号3单元502室的不动产（住宅一套，不动产权证号：甘（2021）麦积区不动产权第0012345号）")


def base(**overrides) -> dict[str, Any]:
    context: dict[str, Any] = {
        "court_name": "甘肃省天水市麦积区人民法院",
        "court": {"name": "甘肃省天水市麦积区人民法院", "address": "甘肃省天水市麦积区", "postcode": "741020",
                  "phone": "0938-2710000"},
        "case_number": CASE_NUMBER, "case_ref": CASE_NUMBER, "document_number": CASE_NUMBER,
        "case": {"number": CASE_NUMBER, "filed_on": D(2026, 11, 16), "received_on": D(2026, 11, 13),
                 "cause": "买卖合同纠纷", "obligation": "money", "act_description": "", "non_litigation": False},
        "filed_date": D(2026, 11, 16),
        "basis": {"issuer": "甘肃省天水市麦积区人民法院", "number": "（2025）甘0503民初567号", "title": "民事判决书",
                  "cause": "买卖合同纠纷", "effective_on": D(2026, 9, 1), "due_on": D(2026, 9, 30)},
        "applicants": [APPLICANT], "respondents": [DEBTOR],
        "applicant_names": APPLICANT["name"], "respondent_names": DEBTOR["name"],
        "applicant": {"name": APPLICANT["name"]},
        "issue_date": D(2026, 11, 23),
        "verification": {"code": "7K3Q-9MXA-2DPE", "url": "https://zxgk.tsmj.court.example/verify?code=7K3Q-9MXA-2DPE",
                         "site": "zxgk.tsmj.court.example"},
    }
    context.update(overrides)
    return context


def _payout(**kw):
    payout = {"id": 1, "amount": Decimal("20000.00"), "account_name": APPLICANT["name"], "bank": "中国建设银行天水分行",
              "account_number": "6217000000000000001", "note": "", "status": "executed",
              "approved_on": D(2026, 11, 22), "executed_on": D(2026, 11, 23)}
    return base(payee=APPLICANT, payout=payout, debtor={"name": DEBTOR["name"]}, amount=AMOUNT, account=ACCOUNT,
                officer=OFFICER, receipts=[{"kind": "银行扣划", "amount": Decimal("30000.00"), "on": D(2026, 11, 20),
                                            "payer": DEBTOR["name"]}],
                received_total=Decimal("30000.00"), paid_before=Decimal("0.00"), balance_after=Decimal("10000.00"),
                **kw)


SAMPLES = {
    "acceptance_notice": lambda: base(creditor=APPLICANT, amount=AMOUNT, officer=OFFICER, account=ACCOUNT,
                                      term_months=6),
    "risk_notice": lambda: base(creditor=APPLICANT, account=ACCOUNT, officer=OFFICER),
    "enforcement_notice": lambda: base(debtor=DEBTOR, amount=AMOUNT, no_money=False, act="", deadline=None,
                                       deadline_days=3, account=ACCOUNT, enforcement_fee=Decimal("1619.69"),
                                       enforcement_fee_note="", officer=OFFICER, attach_property_form=False),
    "asset_report_order": lambda: base(debtor=DEBTOR, report_days=5, officer=OFFICER),
    "consumption_order": lambda: base(debtor=UNIT_DEBTOR, president_name="李德胜"),
    "dishonest_decision": lambda: base(
        debtor=dict(DEBTOR, dishonest_listed_on=D(2026, 11, 23), dishonest_until=D(2028, 11, 23), dishonest_ground="4"),
        listed_parties=[APPLICANT, DEBTOR], ground={"code": "4", "item": "四", "text": "违反财产报告制度"},
        listed_on=D(2026, 11, 23), until=D(2028, 11, 23), term_years="二", president_name="李德胜",
        document_number=f"{CASE_NUMBER}之二"),
    # (credit)
    "dishonest_removal": lambda: base(
        debtor=dict(DEBTOR, dishonest_listed_on=D(2026, 5, 11), dishonest_removed_on=D(2026, 11, 23)),
        listed_parties=[APPLICANT, DEBTOR], listed_on=D(2026, 5, 11), removed_on=D(2026, 11, 23),
        ground_text="被执行人已履行生效法律文书确定的全部义务", president_name="李德胜",
        document_number=f"{CASE_NUMBER}之七"),
    "restriction_lift": lambda: base(
        debtor=DEBTOR, restricted_on=D(2026, 5, 11), lifted_on=D(2026, 11, 23),
        ground_text="被执行人已履行生效法律文书确定的全部义务", president_name="李德胜"),
    "assist_bank": lambda: base(bank={"name": DEPOSIT["bank_name"]}, debtor=DEBTOR, asset=DEPOSIT, measure="freeze",
                                amount_value=Decimal("50000.00"), control=FREEZE, account=None, officer=OFFICER),
    "assist_registry": lambda: base(
        registry={"name": "天水市麦积区不动产登记中心"}, debtor=DEBTOR, asset=HOUSE, officer=OFFICER,
        control=dict(FREEZE, kind="seizure", verb="查封", ruling_number=f"{CASE_NUMBER}之三", amount=None,
                     term={"max": "三年", "text": "自2026年11月20日起至2029年11月19日止", "queued": False})),
    "assist_employer": lambda: base(
        employer={"name": "天水市某物流有限公司"}, debtor=DEBTOR, monthly_amount=None, percent=50, percent_text="五十",
        total=AMOUNT["outstanding"], control={"ruling_number": f"{CASE_NUMBER}之四", "ordered_on": D(2026, 11, 20)},
        account=ACCOUNT, officer=OFFICER,
        asset=dict(DEPOSIT, kind="wage_income", company_name="天水市某物流有限公司", phrase="在天水市某物流有限公司的工资、奖金等收入")),
    "control_ruling": lambda: base(debtor=DEBTOR, ruling_parties=[APPLICANT, DEBTOR], asset=DEPOSIT, control=FREEZE,
                                   signatures=[{"role": "执行员", "name": OFFICER["name"]}],
                                   document_number=FREEZE["ruling_number"]),
    "release_ruling": lambda: base(
        debtor=DEBTOR, ruling_parties=[APPLICANT, DEBTOR], asset=DEPOSIT,
        control=dict(FREEZE, released_on=D(2026, 11, 23)), ground={"code": "debt_paid", "item": "四",
                                                                   "text": "被执行人的债务已经清偿"},
        signatures=[{"role": "执行员", "name": OFFICER["name"]}], document_number=f"{CASE_NUMBER}之五"),
    "zhongben_ruling": lambda: base(
        ruling_parties=[APPLICANT, DEBTOR], debtor={"name": DEBTOR["name"]}, amount=AMOUNT,
        steps=["向被执行人送达了执行通知书、报告财产令",
               "通过网络执行查控系统对被执行人的存款、不动产、车辆、证券、股权等财产进行了查询（最近一次查询于2026年11月20日）",
               "到被执行人住所地等处进行了实地调查", "对被执行人采取了限制消费措施"],
        interviewed_on=D(2026, 11, 21), applicant_view="同意终结本次执行程序", reason="被执行人名下无可供执行的财产",
        closed_on=D(2026, 11, 23), signatures=[{"role": "执行员", "name": OFFICER["name"]}],
        document_number=f"{CASE_NUMBER}之六"),
    "closure_notice": lambda: base(
        recipient=APPLICANT, debtor={"name": DEBTOR["name"]}, amount=AMOUNT, paid_out=Decimal("20000.00"),
        closure={"mode": "fulfilled", "mode_name": "执行完毕", "closed_on": D(2026, 11, 23),
                 "note": "本案生效法律文书确定的义务已经履行完毕。", "reason": "被执行人已履行全部义务"},
        officer=OFFICER),
    "performance_certificate": lambda: base(debtor=DEBTOR, amount=AMOUNT, paid_total=Decimal("114645.67"),
                                            last_paid_on=D(2026, 11, 20), closed_on=D(2026, 11, 23)),
    "payout_notice": _payout,
    "payout_receipt": lambda: _payout(amount_upper=yuan_upper(Decimal("20000.00"))),
    "supervision_letter": lambda: base(
        court_name="甘肃省天水市中级人民法院", document_number="（2026）甘05执督3号", addressee="甘肃省天水市麦积区人民法院执行局",
        order={"instructions": "申请执行人反映被执行人名下车辆下落不明、案件长期未结。请你院：一、查明被执行人名下车辆的下落并"
                               "依法扣押；二、对被执行人的银行账户进行全面查询；三、将执行进展书面告知申请执行人。",
               "reply_due": D(2026, 12, 8), "opened_on": D(2026, 11, 23), "round": 1, "own_court": False,
               "orderer": "赵国华", "phone": "0938-8210000"}),
}


# A company debtor as long as they come (the page-fit tests, the benchmark): a long name and address, a legal
# representative, several applicants, a long claim.
LONG_UNIT_DEBTOR = _party(
    "respondent", id=16, name="甘肃省天水市麦积区陇东南现代农业综合开发建设投资集团有限责任公司", kind="unit",
    id_number="91620503MA71XK2B5E", legal_representative="欧阳志刚",
    address="甘肃省天水市麦积区马跑泉镇马跑泉路188号天水国际商贸物流园区综合服务中心大楼十七层1701室")
MORE_APPLICANTS = [
    APPLICANT,
    _party("applicant", id=17, name="天水市麦积区农村信用合作联社股份有限公司", kind="unit", id_number="91620503224720145N",
           address="甘肃省天水市麦积区商埠路22号", legal_representative="刘建国"),
    _party("applicant", id=18, name="中国农业银行股份有限公司天水麦积支行", kind="unit", id_number="91620503924701234K",
           address="甘肃省天水市麦积区渭滨南路9号", legal_representative="张立新"),
]
LONG_INTEREST_NOTE = ("以本金100,000.00元为基数，自2025年1月1日起至2025年8月19日止按照年利率6%计算，自2025年8月20日起至"
                      "实际清偿之日止按照全国银行间同业拆借中心公布的一年期贷款市场报价利率的四倍计算，暂计算至2026年11月16日")
SHORT_INTEREST_NOTE = "以本金100,000.00元为基数，按照全国银行间同业拆借中心公布的一年期贷款市场报价利率计算，暂计算至2026年11月16日"
LONG_ACT = "被执行人应于本通知送达之日起十日内将位于甘肃省天水市麦积区马跑泉镇的仓库腾空并交付申请执行人"
VARIANTS = ("person", "company", "long")


def _variant(context: dict[str, Any], variant: str) -> dict[str, Any]:
    """``company``: the debtor is LONG_UNIT_DEBTOR, with three applicants and an interest note; ``long``: the same
    with a longer interest note and an act to perform as well (the longest 执行通知书 there is)."""
    if variant == "person":
        return context
    if variant not in VARIANTS:
        raise ValueError(f"unknown sample variant {variant!r}")
    debtor = LONG_UNIT_DEBTOR

    def swap(party):
        return debtor if party.get("role") == "respondent" else party

    names = "、".join(p["name"] for p in MORE_APPLICANTS)
    context.update(applicants=MORE_APPLICANTS, respondents=[debtor], applicant_names=names, applicant={"name": names},
                   respondent_names=debtor["name"])
    if isinstance(context.get("debtor"), dict):
        context["debtor"] = dict(context["debtor"], **{k: v for k, v in debtor.items() if k in context["debtor"]})
    for key in ("ruling_parties", "listed_parties"):
        if key in context:
            context[key] = [*MORE_APPLICANTS, debtor]
    if "recipient" in context:
        context["recipient"] = swap(context["recipient"])
    if isinstance(context.get("amount"), dict):
        note = LONG_INTEREST_NOTE if variant == "long" else SHORT_INTEREST_NOTE
        context["amount"] = dict(context["amount"], interest_note=note)
    if variant == "long" and "act" in context:
        context["act"] = LONG_ACT
    return context


def sample_context(code: str, variant: str = "person") -> dict[str, Any]:
    """The sample context of ``code``; ``variant`` (VARIANTS) makes the debtor a company with long details."""
    return _variant(SAMPLES[code](), variant)
