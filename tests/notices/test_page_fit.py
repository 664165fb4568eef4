"""Page fit and typography of every document type, rendered to real PDFs for an individual debtor, a company debtor
with long details and the longest variant: no page holds only the closing and a line or two of the body
(notices/pdf/fit.py), a batch lays each document out exactly as it is laid out alone, and the text follows GB/T 9704
punctuation and numbering (core/rules/typography.py), also for data typed in with half-width brackets."""

from __future__ import annotations

import functools
import re
import subprocess

import pytest

from core.rules.typography import check
from notices import documents
from notices.documents._samples import VARIANTS, sample_context
from notices.pdf import cn, fit, render
from notices.pdf.render import render_template_html, render_template_pdf

from .test_documents import ALL_CODES

FULL_PAGE_CHARS = 28 * 22  # the GB/T 9704 grid
MIN_SHARE = 0.2  # a page of a several-page document holds at least a fifth of a full page of body text
# Lines of the closing block and the page number: not body text.
CLOSING_LINE = re.compile(r"核验码|扫描二维码|^zxgk\.|（院印）|^—\s*\d+\s*—$")

# Pages each variant must print. The company debtor's 执行通知书 takes three since the total prints with its 大写
# (a line more): at the tightest fit level it is still a line over two pages, so its body is spread instead.
EXPECTED_PAGES = {
    ("enforcement_notice", "person"): 2,
    ("enforcement_notice", "company"): 3,
    ("enforcement_notice", "long"): 3,
    ("asset_report_order", "company"): 3,  # two pages and the one-page 财产调查表
    ("risk_notice", "person"): 2,
    ("closure_notice", "company"): 1,
    ("payout_notice", "person"): 1,
}


def page_texts(pdf: bytes) -> list[str]:
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-layout", "-", "-"], input=pdf, capture_output=True,
                         check=True).stdout.decode()
    pages = out.split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def body_lines(text: str, issue_dates: tuple[str, ...]) -> list[str]:
    out = []
    for line in text.splitlines():
        line = line.strip()
        if not line or CLOSING_LINE.search(line) or line in issue_dates:
            continue
        out.append(re.sub(r"\s+", "", line))
    return out


def body_chars(text: str, issue_dates: tuple[str, ...]) -> int:
    return sum(len(line) for line in body_lines(text, issue_dates))


def near_empty_pages(pdf: bytes, context: dict) -> list[tuple[int, float]]:
    issue = context["issue_date"]
    dates = (cn.cn_date(issue), cn.zh_date(issue))
    pages = page_texts(pdf)
    if len(pages) == 1:
        return []
    # A page is near-empty when it holds less than a fifth of a page of body text AND fewer body lines than the
    # closing's page must hold (fit.MIN_CLOSING_PAGE_LINES, a quarter of the grid): a short decision's last
    # paragraphs are short lines (决定如下 / 删除… / 本决定一经作出即生效), a well-filled closing page by lines.
    shares = [(number, body_chars(text, dates) / FULL_PAGE_CHARS, len(body_lines(text, dates)))
              for number, text in enumerate(pages, 1)]
    return [(number, round(share, 2)) for number, share, lines in shares
            if share < MIN_SHARE and lines < fit.MIN_CLOSING_PAGE_LINES]


@functools.cache
def sample_pdf(code: str, variant: str) -> bytes:
    return render_template_pdf(documents.get(code).template, sample_context(code, variant))


def running_text(pdf: bytes) -> str:
    """The document's text as one string: page numbers out, the line breaks of the layout removed."""
    text = "".join(re.sub(r"^\s*—\s*\d+\s*—\s*$", "", page, flags=re.MULTILINE) for page in page_texts(pdf))
    return re.sub(r"\s*\n\s*", "", text)


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("code", ALL_CODES)
def test_no_near_empty_page(code, variant):
    context = sample_context(code, variant)
    pdf = sample_pdf(code, variant)
    assert near_empty_pages(pdf, context) == [], f"{code} ({variant}): pages with little text"
    if (code, variant) in EXPECTED_PAGES:
        assert len(page_texts(pdf)) == EXPECTED_PAGES[(code, variant)]


def test_the_company_notice_is_tightened_not_the_usual_one():
    """A company debtor's notice a few lines over two pages is laid out at a fit level (GB/T 9704 §7.3.5.4); the
    individual's is not (its closing fits beside the body: the closing takes whole lines of the grid)."""
    template = documents.get("enforcement_notice").template
    person = render_template_html(template, sample_context("enforcement_notice", "person"))
    context = sample_context("enforcement_notice", "company")
    context["amount"] = dict(context["amount"], interest_note="")  # the sample without it is a few lines over
    company = render_template_html(template, context)
    assert fit.plan(render._layout(person).pages) == (None, None)
    first, _fallback = fit.plan(render._layout(company).pages)
    assert first and first.startswith("fit-")
    assert len(render.layout_notice(company).pages) == 2


def test_the_closing_never_stands_alone_on_a_page():
    """Whatever the body's length, the closing's page carries body lines (the keep-together of the closing)."""
    template = documents.get("enforcement_notice").template
    for extra in range(0, 12, 3):
        context = sample_context("enforcement_notice", "company")
        context["act"] = "将位于甘肃省天水市麦积区马跑泉镇的仓库腾空并交付申请执行人。" * extra
        document = render.layout_notice(render_template_html(template, context))
        index, infos = fit.closing_page(document.pages)
        assert infos[index].lines >= (fit.MIN_CLOSING_PAGE_LINES if index else 1), (extra, index, infos[index])


@pytest.mark.parametrize("duplex", [False, True])
def test_a_batch_fits_each_document_as_alone(duplex):
    codes = ["enforcement_notice", "assist_bank", "closure_notice", "release_ruling"]
    htmls = [render_template_html(documents.get(code).template, sample_context(code, variant))
             for code in codes for variant in ("person", "company")]
    split = render.render_split(htmls, duplex=duplex)
    for index, html in enumerate(htmls):
        alone = render.layout_notice(html)
        assert split.pages(index) == len(alone.pages)
        assert split.pdf(index) == render.render_pdf(html)
    whole = page_texts(split.combined_pdf(list(range(len(htmls)))))
    if duplex:
        starts = [split.ranges[i][0] for i in range(len(htmls))]
        assert all(start % 2 == 0 for start in starts)  # every document starts on a right-hand page
    assert len(whole) == split.ranges[-1][1]


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("code", ALL_CODES)
def test_text_follows_gbt_9704(code, variant):
    text = running_text(sample_pdf(code, variant))
    assert len(text) > 200
    assert [str(p) for p in check(text)] == []


DIRTY = {"name": "天水示例建材(集团)有限公司", "address": "甘肃省天水市麦积区马跑泉路8号(东门),二楼"}


@pytest.mark.parametrize("code", ["enforcement_notice", "control_ruling", "consumption_order"])
def test_data_typed_with_half_width_punctuation_prints_full_width(code):
    """Names, addresses and the basis number as typed ("(集团)", "(2025)甘0503民初567号") print GB/T-conformant: the
    registry's context functions typeset their strings (notices.documents.typeset)."""
    context = sample_context(code, "company")
    context["debtor"] = dict(context["debtor"], **DIRTY)
    context["basis"] = dict(context["basis"], number="(2025)甘0503民初567号")
    for key in ("ruling_parties",):
        if key in context:
            context[key] = [dict(p, description=f"{DIRTY['name']},住所地{DIRTY['address']}") for p in context[key]]
    template = documents.get(code).template
    dirty = running_text(render_template_pdf(template, context))
    assert {p.kind for p in check(dirty)} >= {"half_width"}  # the checker sees the typed-in punctuation
    clean = running_text(render_template_pdf(template, documents.typeset(context)))
    assert [str(p) for p in check(clean)] == []
    assert "天水示例建材（集团）有限公司" in clean


def test_registered_context_functions_typeset():
    for doc in documents.all_types():
        assert getattr(doc.context, "typeset", False), doc.code


@pytest.mark.parametrize("variant", ["person", "company"])
def test_the_payment_reference_breaks_only_at_its_space(variant):
    """汇款附言 "6205 0320 2610 0123 477 （2026）甘0503执1234号" wraps before the case number, never inside it nor
    inside the reference's groups."""
    context = sample_context("enforcement_notice", variant)
    case_number = context["account"]["reference"].split()[-1]
    lines = [line.strip() for page in page_texts(sample_pdf("enforcement_notice", variant)) for line in page.splitlines()]
    assert any(case_number in line for line in lines)
    assert "号" not in lines
    grouped = context["account"]["case_reference_grouped"].replace("\u00a0", " ")
    assert any(grouped in line.replace("\u00a0", " ") for line in lines)
