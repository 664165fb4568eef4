"""Every document type has a sample context (previews of a court's own template, the benchmark) that renders through
its template; the 执行通知书's first template name still works."""

from __future__ import annotations

import re
import subprocess

import pytest

from notices import documents
from notices.pdf.render import render_template_html, render_template_pdf

from .test_documents import ALL_CODES, flat, page_count

# What each sample must print (beyond the court and the case number every type prints).
EXPECTED = {
    "acceptance_notice": ["执行案件受理通知书", "天水市陇䶮商贸有限公司：", "执行员王志刚"],
    "risk_notice": ["执行风险告知书", "2705020109000012345", "请勿向任何其他账户或者个人交纳、转付案款"],
    "enforcement_notice": ["执行通知书", "龚堃喆：", "合计人民币114,645.67元", "第二百六十四条"],
    "asset_report_order": ["报告财产令", "在收到本令后5日内", "财产调查表"],
    "consumption_order": ["限制消费令", "（法定代表人：王五）", "院长", "李德胜"],
    "dishonest_decision": ["纳入失信被执行人名单决定书", "违反财产报告制度", "期限为二年"],
    "assist_bank": ["协助执行通知书", "中国农业银行股份有限公司天水麦积支行：", "冻结期限为一年"],
    "assist_registry": ["天水市麦积区不动产登记中心：", "查封期限为三年"],
    "assist_employer": ["天水市某物流有限公司：", "百分之五十"],
    "control_ruling": ["执行裁定书", "（2026）甘0503执1234号之一", "裁定如下"],
    "release_ruling": ["执行裁定书", "第二十八条第一款第四项", "解除对被执行人龚堃喆"],
    "zhongben_ruling": ["终结本次执行程序。", "第五百一十七条", "同意终结本次执行程序"],
    "closure_notice": ["结案通知书", "以“执行完毕”方式结案"],
    "performance_certificate": ["自动履行证明书", "兹证明"],
    "payout_notice": ["案款发放通知书", "余额为人民币10,000.00元"],
    "payout_receipt": ["案款领取收据", "人民币贰万元整"],
    "dishonest_removal": ["删除失信信息决定书", "删除被执行人", "第十条"],
    "restriction_lift": ["解除限制消费令", "第九条", "解除对"],
    "supervision_letter": ["督办函", "甘肃省天水市中级人民法院", "（2026）甘05执督3号", "甘肃省天水市麦积区人民法院执行局：",
                           "请于2026年12月8日前将办理情况及结果书面报告本院", "联系人：赵国华"],
}


def test_expected_covers_every_type():
    assert set(EXPECTED) == set(ALL_CODES)


@pytest.mark.parametrize("code", ALL_CODES)
def test_sample_context_renders(code, tmp_path):
    doc = documents.get(code)
    assert doc.sample_context is not None
    context = doc.sample_context()
    path = tmp_path / f"{code}.pdf"
    path.write_bytes(render_template_pdf(doc.template, context))
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    text = flat(re.sub(r"^\s*—\s*\d+\s*—\s*$|\f", "", text, flags=re.MULTILINE))  # a sentence may run over a page
    for item in ["甘肃省天水市麦积区人民法院", "2026年11月23日", "7K3Q-9MXA-2DPE", *EXPECTED[code]]:
        assert flat(item) in text, f"{code}: {item} missing"
    assert 1 <= page_count(path) <= 4


def test_old_template_name_is_the_enforcement_notice():
    context = documents.get("enforcement_notice").sample_context()
    old = render_template_html("notices/docs/zhixing_tongzhishu.html", context)
    new = render_template_html("notices/docs/enforcement_notice.html", context)
    assert old == new
    assert re.search("执行通知书", new)
