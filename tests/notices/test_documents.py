"""The document types (notices/documents/): each renders for a realistic case built with the real services, and the
PDF text (pdftotext) carries the right fields; contexts refuse missing data naming the field; query counts are
bounded; the rare-character debtor name prints as real glyphs."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Court
from assets import services as asset_services
from cases.models import Case, CaseParty
from cases.services import PartyInput, action_log, closure_approve, closure_request
from core.models import CourtSetting
from notices import documents
from notices.documents._common import addressee_key, yuan_upper
from notices.pdf import cn
from notices.pdf.render import render_template_pdf

from tests.cases.conftest import make_ready_for_zhongben

ALL_CODES = (
    "acceptance_notice", "enforcement_notice", "asset_report_order", "consumption_order", "dishonest_decision",
    "assist_bank", "assist_registry", "assist_employer", "control_ruling", "release_ruling", "zhongben_ruling",
    "closure_notice", "risk_notice", "performance_certificate", "payout_notice", "payout_receipt",
    "dishonest_removal", "restriction_lift",  # (credit)
    "supervision_letter",  # (supervision)
)
ISSUE_DATE = dt.date(2026, 11, 23)
RARE_NAME = "龚堃喆"
RARE_ID = "620503198805120033"
UNIT_NAME = "天水示例建材有限公司"
PRESIDENT = "李德胜"


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pdftotext(path: Path, *, layout: bool = True) -> str:
    args = ["pdftotext", "-enc", "UTF-8"] + (["-layout"] if layout else [])
    return subprocess.run([*args, str(path), "-"], check=True, capture_output=True, text=True).stdout


def page_count(path: Path) -> int:
    out = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    return int(next(line.split()[-1] for line in out.splitlines() if line.startswith("Pages:")))


@dataclass
class Rendered:
    context: dict
    path: Path
    text: str  # pdftotext -layout, whitespace removed
    pages: int


def render(code: str, case, addressee, tmp_path: Path, params: dict | None = None) -> Rendered:
    """What the issuing service does: context + issue date + verification block, through the real engine."""
    doc = documents.get(code)
    context = dict(doc.context(case, addressee, params or {}))
    suffix = "之一" if code in ("control_ruling", "release_ruling", "zhongben_ruling", "dishonest_decision") else ""
    context.update(issue_date=ISSUE_DATE, document_number=f"{case.number}{suffix}",
                   verification={"code": "7K3Q-9MXA-2DPE", "url": "https://zxgk.example/verify?c=7K3Q-9MXA-2DPE",
                                 "site": "zxgk.example"})
    path = tmp_path / f"{code}-{addressee_key(addressee).replace(':', '-')}-{len(params or {})}.pdf"
    path.write_bytes(render_template_pdf(doc.template, context))
    if dump := os.environ.get("NOTICES_DOCUMENTS_DUMP"):  # keep the PDFs for a look: NOTICES_DOCUMENTS_DUMP=/tmp/docs
        Path(dump).mkdir(parents=True, exist_ok=True)
        (Path(dump) / path.name).write_bytes(path.read_bytes())
    # Page numbers out: a sentence may run over a page break (notices.pdf.fit moves the last lines to the closing).
    text = re.sub(r"^\s*—\s*\d+\s*—\s*$|\f", "", pdftotext(path), flags=re.MULTILINE)
    return Rendered(context, path, flat(text), page_count(path))


def missing(text: str, expected: list[str]) -> list[str]:
    return [item for item in expected if flat(item) not in text]


# --- A realistic case ------------------------------------------------------------------------------------------


@pytest.fixture
def court(org) -> Court:
    org.officer.phone = "0938-2712345"
    org.officer.save(update_fields=["phone"])
    CourtSetting.objects.create(court=org.court, key="president_name", value=PRESIDENT)
    return org.court


def parties() -> list[PartyInput]:
    return [
        PartyInput(role="applicant", kind="person", name="张三", id_kind="resident_id",
                   id_number="11010519491231002X", phones=["13800000001"], address="甘肃省天水市麦积区桥南路1号"),
        PartyInput(role="respondent", kind="person", name=RARE_NAME, id_kind="resident_id", id_number=RARE_ID,
                   phones=["13900000002"], address="甘肃省天水市麦积区花园路18号"),
        PartyInput(role="respondent", kind="legal_person", name=UNIT_NAME, id_kind="uscc",
                   id_number="91110108551385082Q", address="甘肃省天水市麦积区马跑泉路8号",
                   legal_representative="王五"),
    ]


@pytest.fixture
def case(court, make_case) -> Case:
    today = timezone.localdate()
    filed = today - dt.timedelta(days=125)
    return make_case(parties=parties(), received_on=filed - dt.timedelta(days=2), filed_on=filed,
                     basis_effective_on=filed - dt.timedelta(days=60), basis_due_on=filed - dt.timedelta(days=30),
                     cause="买卖合同纠纷", principal=Decimal("100000.00"), interest_awarded=Decimal("12345.67"),
                     litigation_costs=Decimal("2300.00"))


def cp(case, role, name) -> CaseParty:
    return CaseParty.objects.select_related("party").get(case=case, role=role, party__name=name)


def key(obj) -> str:
    prefix = {"CaseParty": "party", "Asset": "asset", "ControlMeasure": "control", "Payout": "payout",
              "Case": "case"}[type(obj).__name__]
    return f"{prefix}:{obj.pk}"


def asset(case, actor, kind, owner, **kw):
    return asset_services.asset_register(actor=actor, case=case, owner=owner, kind=kind, source="network_query",
                                         **kw)


@pytest.fixture
def deposit(case, org):
    return asset(case, org.officer, "bank_deposit", cp(case, "respondent", RARE_NAME),
                 description="工资卡账户", bank_name="中国农业银行股份有限公司天水麦积支行",
                 account_number="6228480000000000001", estimated_value="60000.00")


@pytest.fixture
def freeze(deposit, org):
    today = timezone.localdate()
    return asset_services.control_order(actor=org.officer, asset=deposit, kind="freeze",
                                        ordered_on=today - dt.timedelta(days=20), ruling_number="（2026）甘0503执88号之一",
                                        assisting_body="中国农业银行股份有限公司天水麦积支行",
                                        amount=Decimal("50000.00"))


@pytest.fixture
def house(case, org):
    return asset(case, org.officer, "real_estate", cp(case, "respondent", RARE_NAME),
                 description="住宅一套（3单元502室）", certificate_number="甘（2021）麦积区不动产权第0012345号",
                 location="甘肃省天水市麦积区桥南路8号3单元502室", estimated_value="800000.00")


@pytest.fixture
def seizure(house, org):
    today = timezone.localdate()
    return asset_services.control_order(actor=org.officer, asset=house, kind="seizure",
                                        ordered_on=today - dt.timedelta(days=40), ruling_number="（2026）甘0503执88号之二",
                                        assisting_body="天水市麦积区不动产登记中心")


@pytest.fixture
def wages(case, org):
    income = asset(case, org.officer, "wage_income", cp(case, "respondent", RARE_NAME),
                   description="工资收入", company_name="天水市某物流有限公司")
    asset_services.control_order(actor=org.officer, asset=income, kind="freeze",
                                 ordered_on=timezone.localdate() - dt.timedelta(days=10),
                                 ruling_number="（2026）甘0503执88号之三", assisting_body="天水市某物流有限公司")
    return income


@pytest.fixture
def released(case, org):
    car = asset(case, org.officer, "vehicle", cp(case, "respondent", UNIT_NAME), description="重型自卸货车",
                plate_number="甘E·12345", estimated_value="150000.00")
    today = timezone.localdate()
    control = asset_services.control_order(actor=org.officer, asset=car, kind="detention",
                                           ordered_on=today - dt.timedelta(days=30),
                                           ruling_number="（2026）甘0503执88号之四", assisting_body="天水市公安局交通警察支队")
    return asset_services.control_release(actor=org.officer, control=control, released_on=today - dt.timedelta(days=2),
                                          ground="guarantee")


@pytest.fixture
def payout(case, org):
    today = timezone.localdate()
    asset_services.receipt_record(actor=org.finance, case=case, kind="bank_deduction", amount=Decimal("30000.00"),
                                  occurred_on=today - dt.timedelta(days=5), payer=RARE_NAME)
    p = asset_services.payout_prepare(actor=org.officer, case=case, payee=cp(case, "applicant", "张三"),
                                      amount=Decimal("20000.00"), payee_account_name="张三",
                                      payee_bank="中国建设银行天水分行", payee_account_number="6217000000000000001")
    asset_services.payout_approve(actor=org.finance, payout=p)
    return asset_services.payout_execute(actor=org.finance, payout=p)


@pytest.fixture
def listed(case, org):
    debtor = cp(case, "respondent", RARE_NAME)
    action_log(actor=org.officer, case=case, kind="dishonest_listing", occurred_on=timezone.localdate(),
               details={"party_ids": [debtor.pk], "measure": "list", "ground": "asset_report_breach"})
    debtor.refresh_from_db()
    return debtor


@pytest.fixture
def zhongben_case(case, org):
    make_ready_for_zhongben(case, org.officer)
    request = closure_request(actor=org.officer, case=case, mode="terminated_round",
                              reason="被执行人名下无可供执行的财产")
    closure_approve(actor=org.chief, request=request)
    return Case.objects.get(pk=case.pk)


@pytest.fixture
def paid_case(court, make_case, org):
    """A debtor who paid everything into the case account without any compulsory measure; closed as 执行完毕."""
    today = timezone.localdate()
    case = make_case(parties=parties()[:2], received_on=today - dt.timedelta(days=12),
                     filed_on=today - dt.timedelta(days=10), basis_effective_on=today - dt.timedelta(days=60),
                     basis_due_on=today - dt.timedelta(days=30),
                     cause="民间借贷纠纷", principal=Decimal("20000.00"))
    asset_services.receipt_record(actor=org.finance, case=case, kind="debtor_payment", amount=Decimal("20000.00"),
                                  occurred_on=today - dt.timedelta(days=3), payer=RARE_NAME)
    p = asset_services.payout_prepare(actor=org.officer, case=case, payee=cp(case, "applicant", "张三"),
                                      amount=Decimal("20000.00"), payee_account_name="张三",
                                      payee_bank="中国建设银行天水分行", payee_account_number="6217000000000000001")
    asset_services.payout_approve(actor=org.finance, payout=p)
    asset_services.payout_execute(actor=org.finance, payout=p)
    closure_request(actor=org.officer, case=case, mode="fulfilled", reason="被执行人已自动履行全部义务")
    return Case.objects.get(pk=case.pk)


# --- Registry ----------------------------------------------------------------------------------------------------


def test_every_document_type_is_registered_with_its_template():
    from django.template.loader import get_template

    codes = {t.code for t in documents.all_types()}
    assert set(ALL_CODES) <= codes
    for code in ALL_CODES:
        doc = documents.get(code)
        assert get_template(doc.template)
        assert doc.title and str(doc.label) and str(doc.description)


def test_labels_are_translated_into_chinese():
    from django.utils import translation

    with translation.override("zh-hans"):
        for code in ALL_CODES:
            label = str(documents.get(code).label)
            assert re.search(r"[\u4e00-\u9fff]", label), f"{code}: {label} is not translated"


# --- Each document type ----------------------------------------------------------------------------------------


def test_acceptance_notice(case, tmp_path):
    applicant = cp(case, "applicant", "张三")
    assert [a.key for a in documents.get("acceptance_notice").addressees(case)] == [key(applicant)]
    r = render("acceptance_notice", case, key(applicant), tmp_path)
    assert not missing(r.text, [
        "天水市麦积区人民法院", "执行案件受理通知书", case.number, "张三：", f"{RARE_NAME}、{UNIT_NAME}",
        "买卖合同纠纷", "（2025）甘0503民初456号民事判决书", "人民币114,645.67元", cn.zh_date(case.filed_on),
        "执行员郑强", "0938-2712345", "6个月", "第二百三十七条", "2705020109000012345", case.account_reference,
        "2026年11月23日", "核验码：7K3Q-9MXA-2DPE",
    ])
    assert r.pages <= 2


def test_enforcement_notice_to_a_person_and_to_a_unit(case, tmp_path):
    addressees = documents.get("enforcement_notice").addressees(case)
    assert [a.name for a in addressees] == [RARE_NAME, UNIT_NAME]
    r = render("enforcement_notice", case, addressees[0].key, tmp_path)
    assert not missing(r.text, [
        "执行通知书", case.number, f"{RARE_NAME}：", "住甘肃省天水市麦积区花园路18号", "申请执行人张三",
        "第二百五十一条", "自收到本通知之日起3日内", "本金人民币100,000.00元", "利息人民币12,345.67元",
        "人民币2,300.00元", "合计人民币114,645.67元（大写：壹拾壹万肆仟陆佰肆拾伍元陆角柒分）",
        # FEE art 14: 50 + (114,645.67 - 10,000) x 1.5% = 1,619.69
        "申请执行费人民币1,619.69元", "以实际执行到位金额为准",
        "天水市麦积区人民法院执行款专户", "中国工商银行天水麦积支行", "2705020109000012345",
        f"{case.account_reference}{case.number}", "请勿向其他任何账户或者个人交款",
        "第二百六十四条", "加倍支付迟延履行期间的债务利息", "失信被执行人名单", "限制消费",
        "执行员郑强", "0938-2712345",
    ])
    assert "责令你自收到" in r.text and "法定代表人" not in r.text
    unit = render("enforcement_notice", case, addressees[1].key, tmp_path)
    assert "责令你单位" in unit.text and "住所地甘肃省天水市麦积区马跑泉路8号" in unit.text
    assert "法定代表人、主要负责人、影响债务履行的直接责任人员、实际控制人" in unit.text
    with_form = render("enforcement_notice", case, addressees[0].key, tmp_path, {"attach_property_form": True})
    assert with_form.pages == r.pages + 1 or with_form.pages == r.pages + 2
    assert "财产调查表" in with_form.text and RARE_ID in with_form.text


def test_enforcement_notice_follows_the_court_settings(case, court, tmp_path):
    CourtSetting.objects.create(court=court, key="case_account_number_format", value="{account}{reference}")
    CourtSetting.objects.create(court=court, key="notice_performance_days", value=5)
    CourtSetting.objects.create(court=court, key="fee_base", value="claimed")
    debtor = cp(case, "respondent", RARE_NAME)
    r = render("enforcement_notice", case, key(debtor), tmp_path)
    assert f"2705020109000012345{case.account_reference}" in r.text
    assert "自收到本通知之日起5日内" in r.text and "以实际执行到位金额为准" not in r.text


def test_asset_report_order_carries_the_property_form(case, tmp_path):
    debtor = cp(case, "respondent", RARE_NAME)
    r = render("asset_report_order", case, key(debtor), tmp_path)
    assert not missing(r.text, [
        "报告财产令", f"{RARE_NAME}：", "第二百五十二条", "在收到本令后5日内", "收到执行通知之日前一年",
        "十日内向本院补充报告", "罚款、拘留", "纳入失信被执行人名单", "附件：财产调查表",
    ])
    assert r.pages >= 2
    last = flat(subprocess.run(["pdftotext", "-f", str(r.pages), "-l", str(r.pages), str(r.path), "-"],
                               capture_output=True, text=True, check=True).stdout)
    assert "财产调查表" in last and RARE_ID in last and case.number in last and "申报人（签名或者盖章）" in last


def test_consumption_order_names_the_unit_and_its_legal_representative(case, tmp_path):
    unit = cp(case, "respondent", UNIT_NAME)
    r = render("consumption_order", case, key(unit), tmp_path)
    assert not missing(r.text, [
        "限制消费令", f"被限制消费人：{UNIT_NAME}（法定代表人：王五）", "你单位及你单位的法定代表人王五",
        "实际控制人", "第二百六十六条", "第一条、第三条", "乘坐G字头动车组列车全部座位", "旅游、度假",
        "第一百一十四条", "院长", PRESIDENT,
    ])
    person = render("consumption_order", case, key(cp(case, "respondent", RARE_NAME)), tmp_path)
    assert f"被限制消费人：{RARE_NAME}" in person.text and "法定代表人" not in person.text


def test_dishonest_decision_states_ground_and_term(case, listed, tmp_path):
    doc = documents.get("dishonest_decision")
    assert [a.key for a in doc.addressees(case)] == [key(listed)]
    r = render("dishonest_decision", case, key(listed), tmp_path)
    today = timezone.localdate()
    assert not missing(r.text, [
        "纳入失信被执行人名单决定书", "申请执行人：张三", f"被执行人：{RARE_NAME}，男，1988年5月12日出生",
        f"公民身份号码{RARE_ID}", "违反财产报告制度", "第一条第四项、第二条", f"将被执行人{RARE_NAME}纳入失信被执行人名单",
        "期限为二年", f"自{cn.zh_date(today)}起至{cn.zh_date(listed.dishonest_until)}止", "本决定一经作出即生效",
        "院长", PRESIDENT,
    ])


def test_assist_bank_query_freeze_and_deduct(case, freeze, tmp_path):
    doc = documents.get("assist_bank")
    [bank] = doc.addressees(case)
    assert bank.name == "中国农业银行股份有限公司天水麦积支行" and bank.key == f"asset:{freeze.asset_id}"
    r = render("assist_bank", case, bank, tmp_path)  # default: the freeze in force
    assert not missing(r.text, [
        "协助执行通知书", "中国农业银行股份有限公司天水麦积支行：", "（2026）甘0503执88号之一执行裁定书",
        "第二百五十三条", f"冻结被执行人{RARE_NAME}（公民身份号码：{RARE_ID}）", "6228480000000000001",
        "人民币50,000.00元", "冻结期限为一年", f"自{cn.zh_date(freeze.effective_on)}起至{cn.zh_date(freeze.expires_on)}止",
        "第一百一十七条", "执行员郑强",
    ])
    query = render("assist_bank", case, bank, tmp_path, {"measure": "query"})
    assert "协助查询" in query.text and "交易明细" in query.text and "冻结期限" not in query.text
    deduct = render("assist_bank", case, bank, tmp_path, {"measure": "deduct", "amount": "45000.00"})
    assert "扣划至本院执行案款专户" in deduct.text and "人民币45,000.00元" in deduct.text
    assert "2705020109000012345" in deduct.text


def test_assist_registry_records_the_seizure(case, seizure, tmp_path):
    [registry] = documents.get("assist_registry").addressees(case)
    assert registry.name == "天水市麦积区不动产登记中心" and registry.key == f"control:{seizure.pk}"
    r = render("assist_registry", case, registry, tmp_path)
    assert not missing(r.text, [
        "天水市麦积区不动产登记中心：", "（2026）甘0503执88号之二执行裁定书", "第二百五十五条、第二百六十二条",
        f"查封被执行人{RARE_NAME}", "甘（2021）麦积区不动产权第0012345号", "桥南路8号3单元502室", "查封期限为三年",
        f"至{cn.zh_date(seizure.expires_on)}止", "不得为该不动产办理转移、抵押、变更等登记手续",
    ])


def test_assist_employer_withholds_wages(case, wages, tmp_path):
    [employer] = documents.get("assist_employer").addressees(case)
    assert employer.name == "天水市某物流有限公司"
    r = render("assist_employer", case, employer, tmp_path)
    assert not missing(r.text, [
        "天水市某物流有限公司：", "第二百五十四条", "（2026）甘0503执88号之三", f"被执行人{RARE_NAME}",
        "工资、奖金等收入的百分之五十", "人民币114,645.67元", "生活必需费用", "第一百一十七条",
    ])
    monthly = render("assist_employer", case, employer, tmp_path, {"monthly_amount": "3000.00"})
    assert "每月扣留、提取" in monthly.text and "人民币3,000.00元" in monthly.text


def test_control_ruling_for_a_freeze_and_a_seizure(case, freeze, seizure, tmp_path):
    keys = [a.key for a in documents.get("control_ruling").addressees(case)]
    assert keys == [key(freeze), key(seizure)]
    r = render("control_ruling", case, key(freeze), tmp_path)
    assert not missing(r.text, [
        "执行裁定书", f"{case.number}之一", "申请执行人：张三", f"被执行人：{RARE_NAME}", case.number,
        "第一百五十七条第一款第十一项、第二百五十三条", "第四百八十五条", "裁定如下",
        f"冻结被执行人{RARE_NAME}名下的在中国农业银行股份有限公司天水麦积支行开立的账户（账号：6228480000000000001）内的存款人民币50,000.00元",
        "冻结期限为一年", "本裁定送达后立即生效", "第二百三十六条", "执行员郑强",
    ])
    house = render("control_ruling", case, key(seizure), tmp_path)
    assert "第二百五十五条" in house.text and "查封期限为三年" in house.text
    assert "甘（2021）麦积区不动产权第0012345号" in house.text


def test_release_ruling_states_the_ground(case, released, tmp_path):
    [addressee] = documents.get("release_ruling").addressees(case)
    assert addressee.key == key(released) and addressee.name == UNIT_NAME
    r = render("release_ruling", case, addressee, tmp_path)
    assert not missing(r.text, [
        "执行裁定书", f"被执行人：{UNIT_NAME}，住所地甘肃省天水市麦积区马跑泉路8号", "法定代表人：王五",
        "（2026）甘0503执88号之四执行裁定", "扣押了被执行人", "甘E·12345", "被执行人提供担保且申请执行人同意解除",
        "第二十八条第一款第五项", f"解除对被执行人{UNIT_NAME}", "的扣押",
    ])


def test_zhongben_ruling_gives_grounds_and_legal_basis(zhongben_case, tmp_path):
    case = zhongben_case
    [addressee] = documents.get("zhongben_ruling").addressees(case)
    assert addressee.key == key(case) and addressee.name == "张三"
    r = render("zhongben_ruling", case, addressee, tmp_path)
    assert not missing(r.text, [
        "执行裁定书", case.number, "申请执行人：张三", f"被执行人：{RARE_NAME}", f"被执行人：{UNIT_NAME}",
        "申请执行标的金额人民币114,645.67元（大写：壹拾壹万肆仟陆佰肆拾伍元陆角柒分）", "执行通知书、报告财产令", "网络执行查控系统", "实地调查",
        "限制消费措施", "未发现被执行人有其他可供执行的财产", "被执行人名下无可供执行的财产",
        "已执行到位人民币0.00元", "尚有人民币114,645.67元未执行到位", "约谈申请执行人", "同意终本",
        "第五百一十七条", "终结本次执行程序的规定（试行）》第一条", "终结本次执行程序。", "不受申请执行时效期间的限制",
        "本裁定送达后立即生效",
    ])


def test_closure_notice_after_zhongben(zhongben_case, tmp_path):
    case = zhongben_case
    keys = [a.key for a in documents.get("closure_notice").addressees(case)]
    assert len(keys) == 3
    r = render("closure_notice", case, key(cp(case, "respondent", RARE_NAME)), tmp_path)
    assert not missing(r.text, [
        "结案通知书", f"{RARE_NAME}：", case.number, f"已于{cn.zh_date(case.closed_on)}以“终结本次执行程序”方式结案",
        "申请执行标的金额人民币114,645.67元（大写：壹拾壹万肆仟陆佰肆拾伍元陆角柒分）", "已执行到位人民币0.00元",
        "未执行到位人民币114,645.67元", "可以向本院申请恢复执行",
    ])


def test_closure_notice_and_certificate_after_voluntary_performance(paid_case, tmp_path):
    case = paid_case
    r = render("closure_notice", case, key(cp(case, "applicant", "张三")), tmp_path)
    assert "以“执行完毕”方式结案" in r.text and "已执行到位人民币20,000.00元" in r.text
    assert "已向申请执行人发放人民币20,000.00元" in r.text and "未执行到位人民币0.00元" in r.text
    [debtor] = documents.get("performance_certificate").addressees(case)
    cert = render("performance_certificate", case, debtor, tmp_path)
    assert not missing(cert.text, [
        "自动履行证明书", "兹证明", f"被执行人{RARE_NAME}（公民身份号码：{RARE_ID}）", "自动履行",
        "人民币20,000.00元", "执行完毕", "特此证明",
    ])
    assert cert.pages == 1


def test_performance_certificate_is_refused_after_compulsory_measures(case, freeze):
    doc = documents.get("performance_certificate")
    assert doc.addressees(case) == []
    assert doc.unavailable(case)
    with pytest.raises(ValidationError) as exc:
        doc.context(case, key(cp(case, "respondent", RARE_NAME)), {})
    assert "closure_mode" in exc.value.message_dict


def test_risk_notice_shows_the_case_account_and_the_warning(case, tmp_path):
    r = render("risk_notice", case, key(cp(case, "applicant", "张三")), tmp_path)
    assert not missing(r.text, [
        "执行风险告知书", "张三：", "终结本次执行程序", "第五百一十七条", "财产线索", "2705020109000012345",
        case.account_reference, "请勿向任何其他账户或者个人交纳、转付案款", "申请执行人已阅知上述内容",
    ])


def test_payout_notice_and_receipt(case, payout, tmp_path):
    [addressee] = documents.get("payout_notice").addressees(case)
    assert addressee.key == key(payout) and addressee.name == "张三"
    r = render("payout_notice", case, addressee, tmp_path)
    assert not missing(r.text, [
        "案款发放通知书", "张三：", "共计人民币30,000.00元", "银行扣划", f"（{RARE_NAME}）",
        "发放案款人民币20,000.00元（大写：贰万元整）",
        "中国建设银行天水分行", "6217000000000000001", "余额为人民币10,000.00元",
    ])
    receipt = render("payout_receipt", case, addressee, tmp_path)
    assert not missing(receipt.text, [
        "案款领取收据", case.number, "领款人", "张三（公民身份号码：11010519491231002X）", "人民币20,000.00元",
        "人民币贰万元整", "6217000000000000001", "领款人（签名或者盖章）",
    ])
    assert receipt.pages == 1


# --- Availability and missing data -----------------------------------------------------------------------------


def test_unavailable_says_why(case):
    assert documents.get("zhongben_ruling").unavailable(case)
    assert documents.get("closure_notice").unavailable(case)
    assert documents.get("dishonest_decision").unavailable(case)
    assert documents.get("payout_notice").unavailable(case)
    assert documents.get("control_ruling").unavailable(case)
    assert documents.get("assist_bank").unavailable(case)
    for code in ("zhongben_ruling", "closure_notice", "dishonest_decision", "payout_notice", "control_ruling",
                 "release_ruling", "assist_bank", "assist_registry", "assist_employer"):
        assert documents.get(code).addressees(case) == [], code
    for code in ("acceptance_notice", "enforcement_notice", "asset_report_order", "consumption_order",
                 "risk_notice"):
        assert documents.get(code).unavailable(case) == "", code


def errors_of(code, case, addressee, params=None) -> dict:
    with pytest.raises(ValidationError) as exc:
        documents.get(code).context(case, addressee, params or {})
    return exc.value.message_dict


def test_missing_fund_account_names_the_field(case, court):
    Court.objects.filter(pk=court.pk).update(fund_account_number="")
    debtor = key(cp(case, "respondent", RARE_NAME))
    assert "court.fund_account_number" in errors_of("enforcement_notice", case, debtor)
    assert documents.get("enforcement_notice").unavailable(case)


def test_missing_officer_or_phone_names_the_field(case, org):
    debtor = key(cp(case, "respondent", RARE_NAME))
    org.officer.phone = ""
    org.officer.save(update_fields=["phone"])
    assert "officer.phone" in errors_of("enforcement_notice", case, debtor)
    Case.objects.filter(pk=case.pk).update(officer=None)
    assert "officer" in errors_of("asset_report_order", case, debtor)


def test_missing_president_and_legal_representative_name_the_field(case, court):
    unit = cp(case, "respondent", UNIT_NAME)
    unit.party.legal_representative = ""
    unit.party.save(update_fields=["legal_representative"])
    assert "legal_representative" in errors_of("consumption_order", case, key(unit))
    CourtSetting.objects.filter(court=court, key="president_name").delete()
    assert "president_name" in errors_of("consumption_order", case, key(cp(case, "respondent", RARE_NAME)))
    message = documents.get("consumption_order").unavailable(case)
    assert message.startswith("院长姓名未设置：请法院管理员在“法院设置”中填写“院长姓名”") and "president_name" not in message


def test_wrong_addressees_are_refused(case, freeze):
    applicant = key(cp(case, "applicant", "张三"))
    assert "addressee" in errors_of("enforcement_notice", case, applicant)  # an applicant is not a respondent
    assert "addressee" in errors_of("acceptance_notice", case, "party:999999")
    assert "addressee" in errors_of("assist_bank", case, f"control:{freeze.pk}")
    assert "addressee" in errors_of("control_ruling", case, "control:999999")
    assert "status" in errors_of("release_ruling", case, key(freeze))
    assert "measure" in errors_of("assist_bank", case, f"asset:{freeze.asset_id}", {"measure": "burn"})


def test_assist_documents_need_their_rulings(case, deposit, org):
    income = asset(case, org.officer, "wage_income", cp(case, "respondent", RARE_NAME), description="工资",
                   company_name="某公司")
    assert "control" in errors_of("assist_employer", case, key(income))
    assert "measure" in errors_of("assist_bank", case, key(deposit), {"measure": "freeze"})


def test_dishonest_decision_needs_a_listing(case):
    assert "dishonest_listed_on" in errors_of("dishonest_decision", case, key(cp(case, "respondent", RARE_NAME)))


def test_other_court_case_data_is_never_mixed_in(case, freeze, make_case, org):
    other = make_case(parties=parties()[:2], principal="5000.00")
    assert "addressee" in errors_of("control_ruling", other, key(freeze))
    assert "addressee" in errors_of("assist_bank", other, f"asset:{freeze.asset_id}")


# --- Query counts ------------------------------------------------------------------------------------------------


@pytest.fixture
def everything(case, freeze, seizure, wages, released, payout, listed):
    return case


QUERY_LIMIT = 10  # measured: at most 7 (enforcement_notice); the count does not grow with the case


@pytest.mark.parametrize("code", [c for c in ALL_CODES
                                  if c not in ("zhongben_ruling", "performance_certificate", "closure_notice",
                                               "dishonest_removal", "restriction_lift",
                                               "supervision_letter")])  # tests/credit, tests/supervision
def test_context_query_count_is_bounded(code, everything, django_assert_max_num_queries, org):
    case = everything
    doc = documents.get(code)
    addressees = doc.addressees(case)
    assert addressees, code
    # Add more of everything: the count must not grow with the case's size.
    for n in range(3):
        asset(case, org.officer, "bank_deposit", cp(case, "respondent", UNIT_NAME), description=f"账户{n}",
              bank_name=f"银行{n}", account_number=f"62220000000000{n:05d}")
        action_log(actor=org.officer, case=case, kind="onsite_investigation", occurred_on=timezone.localdate(),
                   details={"place": f"地点{n}", "findings": "无"})
    with django_assert_max_num_queries(QUERY_LIMIT) as listed:
        doc.addressees(case)
    with django_assert_max_num_queries(QUERY_LIMIT) as built:
        doc.context(case, addressees[0], {})
    print(f"{code}: addressees {len(listed.captured_queries)} queries, context {len(built.captured_queries)}")


def test_zhongben_and_certificate_query_counts_are_bounded(zhongben_case, paid_case, django_assert_max_num_queries):
    for code, case in (("zhongben_ruling", zhongben_case), ("performance_certificate", paid_case),
                       ("closure_notice", paid_case)):
        doc = documents.get(code)
        [first, *_rest] = doc.addressees(case)
        with django_assert_max_num_queries(QUERY_LIMIT) as built:
            doc.context(case, first, {})
        print(f"{code}: context {len(built.captured_queries)} queries")


# --- Glyphs and layout -----------------------------------------------------------------------------------------


def test_rare_name_prints_as_real_glyphs(case, tmp_path):
    from PIL import Image

    r = render("enforcement_notice", case, key(cp(case, "respondent", RARE_NAME)), tmp_path)
    assert RARE_NAME in r.text
    fonts = subprocess.run(["pdffonts", str(r.path)], capture_output=True, text=True, check=True).stdout
    assert "Enf-FangSong-Ext" in fonts, "堃 and 喆 come from the Ext part of the body face"
    # Page 1 at 100 dpi: the addressee line "龚堃喆：" sits at the left margin under the case number. The three
    # characters must each carry ink (a missing glyph would print nothing or an empty box outline).
    png = subprocess.run(["pdftoppm", "-r", "100", "-png", "-f", "1", "-l", "1", str(r.path)],
                         capture_output=True, check=True).stdout
    import io

    page = Image.open(io.BytesIO(png)).convert("L")
    px_per_mm = page.width / 210
    # Find the addressee line: the first row of ink below the case number, starting at the 28 mm margin.
    rows = []
    for y in range(int(60 * px_per_mm), int(110 * px_per_mm)):
        if any(page.getpixel((x, y)) < 128 for x in range(int(28 * px_per_mm), int(31 * px_per_mm))):
            rows.append(y)
    assert rows, "no text at the left margin where the addressee line should be"
    top = rows[0]
    char = 5.57 * px_per_mm
    glyphs = []
    for i in range(3):
        left = int(28 * px_per_mm + i * char)
        box = page.crop((left, top - 2, left + int(char), top - 2 + int(char)))
        ink = sum(1 for v in box.tobytes() if v < 128)
        assert ink > 40, f"character {i + 1} of {RARE_NAME} prints no glyph"
        glyphs.append([v < 128 for v in box.tobytes()])
    # Three .notdef boxes would look alike; three real characters differ from each other.
    for a, b in ((0, 1), (1, 2), (0, 2)):
        differing = sum(1 for x, y in zip(glyphs[a], glyphs[b], strict=True) if x != y)
        assert differing > 30, f"characters {a + 1} and {b + 1} of {RARE_NAME} look the same (missing glyphs?)"
    # The left margin (binding) and the top margin hold no ink.
    assert not any(page.getpixel((x, y)) < 200 for x in range(0, int(27 * px_per_mm), 3)
                   for y in range(0, page.height, 7))
    assert not any(page.getpixel((x, y)) < 200 for y in range(0, int(35 * px_per_mm), 3)
                   for x in range(0, page.width, 7))


def test_amount_in_capitals():
    assert yuan_upper(Decimal("20000")) == "贰万元整"
    assert yuan_upper(Decimal("100000")) == "壹拾万元整"
    assert yuan_upper(Decimal("1005.30")) == "壹仟零伍元叁角"
    assert yuan_upper(Decimal("10005")) == "壹万零伍元整"
    assert yuan_upper(Decimal("1000500")) == "壹佰万零伍佰元整"
    assert yuan_upper(Decimal("12.05")) == "壹拾贰元零伍分"
    assert yuan_upper(Decimal("0.05")) == "伍分"
    assert yuan_upper(Decimal("114645.67")) == "壹拾壹万肆仟陆佰肆拾伍元陆角柒分"
    assert yuan_upper(Decimal("200000000")) == "贰亿元整"
    assert yuan_upper(Decimal("0")) == "零元整"


def test_surplus_paid_back_to_the_debtor_is_not_counted_as_paid_to_the_applicant(court, make_case, org):
    """Before, the closure notice and the payout notice counted every payout paid as paid to the applicant, the
    surplus (余款) returned to the debtor included."""
    today = timezone.localdate()
    case = make_case(parties=parties()[:2], received_on=today - dt.timedelta(days=12),
                     filed_on=today - dt.timedelta(days=10), basis_effective_on=today - dt.timedelta(days=20), basis_due_on=today,
                     cause="民间借贷纠纷", principal=Decimal("20000.00"))
    asset_services.receipt_record(actor=org.finance, case=case, kind="debtor_payment", amount=Decimal("25000.00"),
                                  occurred_on=today, payer=RARE_NAME)

    def paid(payee, amount, kind="applicant"):
        return asset_services.payout_prepare(actor=org.officer, case=case, payee=payee, amount=Decimal(amount),
                                             kind=kind, payee_account_name=payee.party.name,
                                             payee_bank="中国建设银行天水分行", payee_account_number="6217000000000000001")

    first = paid(cp(case, "applicant", "张三"), "15000.00")
    surplus = paid(cp(case, "respondent", RARE_NAME), "5000.00", kind="surplus")
    last = paid(cp(case, "applicant", "张三"), "5000.00")
    for p in (first, surplus, last):
        asset_services.payout_approve(actor=org.chief, payout=p)
        asset_services.payout_execute(actor=org.chief, payout=p)
    ctx = documents.get("payout_notice").context(case, f"payout:{last.pk}", {})
    assert ctx["paid_before"] == Decimal("15000.00")  # not 20,000: the 5,000 went back to the debtor
    assert ctx["balance_after"] == Decimal("0.00")
    closure_request(actor=org.officer, case=case, mode="fulfilled", reason="被执行人已履行全部义务")
    case = Case.objects.get(pk=case.pk)
    notice = documents.get("closure_notice").context(case, key(cp(case, "applicant", "张三")), {})
    assert notice["paid_out"] == Decimal("20000.00")


# --- The payment reference (一案一账号, core.rules.payment_ref) -------------------------------------------------


@pytest.mark.parametrize(("code", "role", "name"), [
    ("enforcement_notice", "respondent", RARE_NAME), ("risk_notice", "applicant", "张三"),
    ("acceptance_notice", "applicant", "张三"),
])
def test_notices_print_a_valid_payment_reference_grouped_in_fours(case, tmp_path, code, role, name):
    """The PDF's own text (pdftotext, no layout) carries the case's reference with its check digits, grouped in
    fours on one line ("6205 0320 2610 0000 190"), and a bank remark copied from it finds this case's reference only."""
    from core.rules.payment_ref import find_payment_references, format_payment_reference, is_valid_payment_reference

    assert is_valid_payment_reference(case.account_reference) and len(case.account_reference) == 19
    r = render(code, case, key(cp(case, role, name)), tmp_path)
    raw = pdftotext(r.path, layout=False).replace("\u00a0", " ")
    grouped = format_payment_reference(case.account_reference)
    assert any(grouped in line for line in raw.splitlines()), (grouped, raw)
    remark = next(line for line in raw.splitlines() if grouped in line)
    assert find_payment_references(remark) == [case.account_reference]
    assert case.account_reference in find_payment_references(raw)
