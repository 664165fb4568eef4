"""core.rules.typography: the GB/T 9704 / GB/T 15834 checks of a document's text, and the normalisation of typed-in
data for printing."""

from __future__ import annotations

import pytest

from core.rules.typography import check, normalize


def kinds(text: str) -> list[str]:
    return [p.kind for p in check(text)]


@pytest.mark.parametrize("text", [
    "本院受理的申请执行人天水市陇䶮商贸有限公司与被执行人龚堃喆买卖合同纠纷一案，（2025）甘0503民初567号民事判决书已经发生法律效力。",
    "依照《最高人民法院关于适用〈中华人民共和国民事诉讼法〉的解释》第五百一十七条的规定",
    "法发〔2009〕11号", "法释〔2017〕7号",
    "本金人民币100,000.00元；以上合计人民币114,645.67元。",
    "扫描二维码或登录https://zxgk.example/verify?code=7K3Q输入核验码核验真伪。",
    "不动产（住宅一套，不动产权证号：甘（2021）麦积区不动产权第0012345号）",
    "（案号：（2026）甘0503执1234号）",
    "一、应当履行的义务（一）向申请执行人支付款项。1.本金（1）利息",
    "2026年11月23日", "二〇二六年十一月二十三日",
])
def test_conforming_text_passes(text):
    assert check(text) == []


@pytest.mark.parametrize("text, kind", [
    ("现通知如下:", "half_width"),
    ("被执行人龚堃喆,住花园路", "half_width"),
    ("天水某某(集团)有限公司", "half_width"),
    ("依照本院作出的(2026)甘0503执1号裁定", "case_number_brackets"),
    ("〔2026〕甘0503执1234号", "case_number_brackets"),
    ("法发（2009）11号", "document_number_brackets"),
    ("（住所地甘肃省〕", "unbalanced"),
    ("支付款项）", "unbalanced"),
    ("（甲公司（乙公司的子公司）的债务）", "nested_round"),
    ("特此通知。一.应当履行的义务", "heading"),
    ("特此通知。1、本金", "heading"),
    ("２０２６年１１月", "full_width_digit"),
    ("2026年十一月23日", "mixed_date"),
])
def test_each_rule_flags_its_error(text, kind):
    assert kind in kinds(text)


def test_problem_names_where_it_is():
    [problem] = [p for p in check("甲乙丙丁戊己庚辛,壬癸") if p.kind == "half_width"]
    assert problem.position == 8
    assert "辛,壬" in problem.excerpt and "half_width at 8" in str(problem)


@pytest.mark.parametrize("typed, printed", [
    ("天水某某(集团)有限公司", "天水某某（集团）有限公司"),
    ("花园路18号(东门),二楼", "花园路18号（东门），二楼"),
    ("(2025)甘0503民初567号", "（2025）甘0503民初567号"),
    ("〔2025〕甘0503民初567号", "（2025）甘0503民初567号"),
    ("电话:0938-2712345", "电话：0938-2712345"),
    ("２０２６年", "2026年"),
    ("100,000.00", "100,000.00"),
    ("https://x.example/v?code=A1", "https://x.example/v?code=A1"),
    ("Tianshui (China) Ltd.", "Tianshui (China) Ltd."),
    ("", ""),
])
def test_normalize_for_printing(typed, printed):
    assert normalize(typed) == printed
    assert check(normalize(typed)) == [] or not printed


def test_inner_brackets_become_square_inside_round_ones():
    from core.rules.typography import inner

    assert inner("马跑泉路8号（东门），二楼") == "马跑泉路8号［东门］，二楼"
    assert inner("（2026）甘0503执1号") == "（2026）甘0503执1号"
    assert check(f"（住所地{inner('马跑泉路8号（东门）')}）") == []
    assert "nested_round" in kinds("（住所地马跑泉路8号（东门））")
