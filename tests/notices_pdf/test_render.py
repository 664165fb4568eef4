"""Rendering: the sample 执行通知书 carries the right fields and real glyphs; batches; engine cache; helpers."""

from __future__ import annotations

import base64
import datetime as dt
import io
import re
import subprocess
from decimal import Decimal

import pytest

from notices.pdf import cn, qr
from notices.pdf.samples import SAMPLE_TEMPLATE, zhixing_tongzhishu_context

from .conftest import _crop_box, _require, dark_pixels, ink_box_mm, page_count, page_image, pdftotext


def _flat(text: str) -> str:
    """pdftotext output without whitespace (CJK lines wrap anywhere; the title is letter-spaced)."""
    return re.sub(r"\s+", "", text)


def _doc(body: str, *, style: str = "") -> str:
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        f"<style>{style}</style></head><body>{body}</body></html>"
    )


# --- The sample notice -----------------------------------------------------------------------------------------


def test_sample_notice_text_has_every_field(sample_pdf, sample_context):
    text = _flat(pdftotext(sample_pdf))
    ctx = sample_context
    expected = [
        "甘肃省天水市麦积区人民法院",
        "执行通知书",
        "（2026）甘0503执1234号",
        "龚堃喆：",  # addressee at the left margin
        "甘肃省天水市麦积区花园路18号",  # debtor address
        "申请执行人天水市陇䶮商贸有限公司",
        "（2025）甘0503民初567号民事判决书已经发生法律效力",
        "《中华人民共和国民事诉讼法》第二百五十一条",
        "于2026年11月30日前履行",  # deadline
        "本金人民币100,000.00元",
        "利息人民币12,345.67元",
        "案件受理费人民币2,300.00元",
        "合计人民币114,645.67元",
        "申请执行费人民币1,619.69元",
        "执行案款专户（一案一账号）",
        ctx["account"]["name"],
        ctx["account"]["bank"],
        "270601010400123 45".replace(" ", ""),
        "（2026）甘0503执1234号龚堃喆",  # payment reference
        "第二百六十四条",
        "加倍支付迟延履行期间的债务利息",
        "失信被执行人名单",
        "限制消费",
        "执行员王志刚",
        "0938-2712345",
        "特此通知。",
        "2026年11月23日",
        "（院印）",
        "核验码：7K3Q-9MXA-2DPE",
        "zxgk.tsmj.court.example",
    ]
    missing = [item for item in expected if _flat(item) not in text]
    assert not missing, f"missing from the PDF text: {missing}"


def test_sample_notice_is_addressed_to_a_unit_with_unit_wording(render):
    context = zhixing_tongzhishu_context(
        debtor={"name": "天水市某某建材有限公司", "kind": "unit", "address": "甘肃省天水市麦积区工业园区8号"},
    )
    pdf = render.render_template_pdf(SAMPLE_TEMPLATE, context)
    html = render.render_template_html(SAMPLE_TEMPLATE, context)
    assert pdf.startswith(b"%PDF-")
    assert "责令你单位" in html and "法定代表人、主要负责人" in html and "住所地甘肃省" in html
    assert "责令你于" not in html


def test_deadline_in_days_when_no_date_is_given(render):
    html = render.render_template_html(SAMPLE_TEMPLATE, zhixing_tongzhishu_context(deadline=None, deadline_days=5))
    assert "自收到本通知之日起5日内履行" in html


def test_rare_name_characters_round_trip_through_the_pdf_text(sample_pdf):
    text = _flat(pdftotext(sample_pdf))
    assert "龚堃喆" in text
    assert "陇䶮" in text


def test_pdf_embeds_only_subset_fonts_with_unicode_maps(sample_pdf):
    out = subprocess.run([_require("pdffonts"), str(sample_pdf)], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in out.splitlines()[2:] if line.strip()]
    names = [row[0] for row in rows]
    assert rows, out
    for row in rows:
        emb, sub, uni = row[-5:-2]
        assert (emb, sub, uni) == ("yes", "yes", "yes"), row
        assert "Type 3" not in " ".join(row)
    families = {name.split("+", 1)[1] for name in names}
    assert any(f.startswith("Enf-XiaoBiaoSong") for f in families)
    assert any(f.startswith("Enf-FangSong") and "Ext" not in f for f in families)
    assert any(f.startswith("Enf-FangSong-Ext") for f in families), "堃喆䶮 should come from the Ext part"
    assert any(f.startswith("Enf-HeiTi") for f in families)
    assert any(f.startswith("Enf-KaiTi") for f in families)
    assert not any("Noto" in f or "DejaVu" in f or "UKai" in f for f in families), families


def test_sample_notice_pdf_is_compact(sample_pdf):
    # frequency-ordered faces keep the embedded subsets small (a whole-face subset made it ~180 KB)
    assert sample_pdf.stat().st_size < 120_000


@pytest.mark.parametrize("family", ["Enf XiaoBiaoSong", "Enf FangSong", "Enf HeiTi", "Enf KaiTi"])
def test_rare_characters_print_as_real_glyphs_not_notdef(render, tmp_path, family):
    """Each of 堃 喆 䶮, set alone and large in each stand-in's font stack, must differ from the .notdef box."""
    stack = {
        "Enf XiaoBiaoSong": '"Enf XiaoBiaoSong", "Enf XiaoBiaoSong Ext", "Enf Fallback"',
        "Enf FangSong": '"Enf FangSong", "Enf FangSong Ext", "Enf Fallback"',
        "Enf HeiTi": '"Enf HeiTi", "Enf HeiTi Ext", "Enf Fallback"',
        "Enf KaiTi": '"Enf KaiTi", "Enf KaiTi Ext", "Enf FangSong", "Enf FangSong Ext", "Enf Fallback"',
    }[family]
    samples = ["\u0378", "堃", "喆", "䶮"]  # U+0378 is unassigned: every font draws .notdef for it
    style = f"p {{ font-family: {stack}; font-size: 120pt; line-height: 60mm; text-indent: 0; margin: 0; }}"
    body = "".join(f'<p style="break-before: page">{char}</p>' for char in samples)
    path = tmp_path / "glyphs.pdf"
    path.write_bytes(render.render_pdf(_doc(body, style=style)))
    images = [page_image(path, page, dpi=40) for page in range(1, len(samples) + 1)]
    region = (20, 30, 100, 100)
    notdef = images[0].crop(_crop_box(images[0], region)).tobytes()
    for char, image in zip(samples[1:], images[1:], strict=True):
        glyph = image.crop(_crop_box(image, region)).tobytes()
        ink = sum(1 for v in glyph if v < 128)
        differing = sum(1 for a, b in zip(glyph, notdef, strict=True) if (a < 128) != (b < 128))
        assert ink > 150, f"{char} in {family}: no ink"
        assert differing > 0.3 * ink, f"{char} in {family} looks like the .notdef box"
    assert "堃" in pdftotext(path) and "䶮" in pdftotext(path)


def test_attachment_page_carries_the_property_form(sample_pdf, sample_pdf_with_attachment):
    pages = page_count(sample_pdf_with_attachment)
    # the attachment note ("附件：财产调查表") may push the date onto a further page; the form is one page
    assert page_count(sample_pdf) + 1 <= pages <= page_count(sample_pdf) + 2
    last = _flat(pdftotext(sample_pdf_with_attachment, first=pages, last=pages))
    assert "附件" in last and "财产调查表" in last and "公民身份号码" in last and "620503198805120035" in last
    assert "申报人（签名或者盖章）" in last
    assert "附件：财产调查表" in _flat(pdftotext(sample_pdf_with_attachment, first=1, last=pages - 1))
    assert re.search(rf"—\s*{pages}\s*—", pdftotext(sample_pdf_with_attachment, first=pages, last=pages))


def test_signatures_and_clerks_blocks(render):
    html = render.render_template_html(
        SAMPLE_TEMPLATE,
        zhixing_tongzhishu_context(
            signatures=[{"role": "审判长", "name": "李明"}, {"role": "执行员", "name": "王志刚"}],
            clerks=[{"role": "书记员", "name": "赵敏"}],
        ),
    )
    assert html.index("审判长") < html.index("2026年11月23日") < html.index("书记员")
    pages = pdftotext_bytes(render.render_pdf(html), "-layout").split("\f")
    last = next(page for page in reversed(pages) if page.strip())
    # Role and name on one line, on the page of the date: -layout keeps the lines as printed (the plain reading
    # order may put the page number between a role and a name when the clerks stand on the last line).
    assert re.search(r"审判长\s+李明", last) and re.search(r"书记员\s+赵敏", last) and "2026年11月23日" in last


def pdftotext_bytes(pdf: bytes, *options: str) -> str:
    return subprocess.run(
        [_require("pdftotext"), "-enc", "UTF-8", *options, "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


# --- Batches ---------------------------------------------------------------------------------------------------


def test_batch_starts_each_notice_on_a_new_page_and_numbers_each_from_one(render, sample_pdf, tmp_path):
    per_notice = page_count(sample_pdf)
    htmls = [
        render.render_template_html(
            SAMPLE_TEMPLATE, zhixing_tongzhishu_context(case_number=f"（2026）甘0503执{n}号"),
        )
        for n in (1001, 1002, 1003)
    ]
    path = tmp_path / "batch.pdf"
    path.write_bytes(render.render_documents(htmls))
    assert page_count(path) == 3 * per_notice
    for index, number in enumerate((1001, 1002, 1003)):
        first_page = index * per_notice + 1
        text = pdftotext(path, first=first_page, last=first_page)
        assert _flat(text).startswith("甘肃省天水市麦积区人民法院执行通知书")
        assert f"执{number}号" in text
        assert re.search(r"—\s*1\s*—", text)
        last = pdftotext(path, first=first_page + per_notice - 1, last=first_page + per_notice - 1)
        assert re.search(rf"—\s*{per_notice}\s*—", last)


def test_batch_places_page_numbers_by_the_notices_own_page_number(render, tmp_path):
    """A one-page notice that lands on an even (left) page of the batch still has "— 1 —" at the right."""
    one_page = _doc('<article class="notice"><p>本院依法送达。</p></article>')
    path = tmp_path / "ones.pdf"
    path.write_bytes(render.render_documents([one_page, one_page, one_page]))
    assert page_count(path) == 3
    for page in (1, 2, 3):
        image = page_image(path, page)
        assert dark_pixels(image, (105, 262, 186, 290)) > 0, f"page {page}: number missing at the right"
        assert dark_pixels(image, (0, 262, 105, 297)) == 0, f"page {page}: ink at the left of the footer"
        assert re.search(r"—\s*1\s*—", pdftotext(path, first=page, last=page))


def test_duplex_batch_starts_every_notice_on_a_right_hand_page(render, tmp_path):
    one_page = _doc('<article class="notice"><p>本院依法送达。</p></article>')
    path = tmp_path / "duplex.pdf"
    path.write_bytes(render.render_documents([one_page, one_page], duplex=True))
    assert page_count(path) == 3
    assert ink_box_mm(page_image(path, 2)) is None, "the inserted blank page must stay blank (no page number)"
    assert re.search(r"—\s*1\s*—", pdftotext(path, first=3, last=3))


def test_combine_documents_keeps_bodies_and_deduplicates_styles(render):
    a = '<html><head><title>甲</title><style>.x{color:red}</style></head><body><p class="x">一</p></body></html>'
    b = '<html><head><style>.x{color:red}</style></head><body class="y"><p>二</p></body></html>'
    combined = render.combine_documents([a, b, "<p>三</p>"])
    assert combined.count(".x{color:red}") == 1
    assert combined.count('<div class="enf-doc">') == 3
    assert "<p>三</p>" in combined and "<title>甲等3份</title>" in combined
    with pytest.raises(ValueError):
        render.combine_documents([])


def test_render_documents_output_is_one_pdf(render):
    pdf = render.render_documents([_doc("<p>一</p>"), _doc("<p>二</p>")])
    assert pdf.startswith(b"%PDF-") and pdf.count(b"%%EOF") == 1


# --- Engine ----------------------------------------------------------------------------------------------------


def test_engine_is_built_once_and_reused(render):
    render.render_pdf(_doc("<p>一</p>"))
    engine = render.get_engine()
    render.render_pdf(_doc("<p>二</p>"))
    assert render.get_engine() is engine
    assert len(engine.stylesheets) == 1
    assert set(engine.font_files) == {part.key for part in render.fonts.PARTS}


def test_renderer_refuses_remote_and_out_of_tree_resources(render):
    fetcher = render.get_engine().url_fetcher
    with pytest.raises(ValueError):
        fetcher.fetch("http://example.com/logo.png")
    with pytest.raises(ValueError):
        fetcher.fetch("file:///etc/passwd")
    # a remote image is skipped, not fetched, and rendering still succeeds
    assert render.render_pdf(_doc('<p>一<img src="http://192.0.2.1/x.png"></p>')).startswith(b"%PDF-")


def test_warm_up_runs(render):
    render.warm_up()


# --- Helpers ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (dt.date(2026, 11, 23), "二〇二六年十一月二十三日"),
        (dt.date(2030, 1, 10), "二〇三〇年一月十日"),
        (dt.date(2025, 10, 31), "二〇二五年十月三十一日"),
        (dt.date(2024, 12, 20), "二〇二四年十二月二十日"),
        (dt.datetime(2026, 2, 9, 15, 30), "二〇二六年二月九日"),
        ("2026-07-01", "二〇二六年七月一日"),
    ],
)
def test_cn_date(value, expected):
    assert cn.cn_date(value) == expected


def test_zh_date_and_yuan():
    assert cn.zh_date(dt.date(2026, 1, 5)) == "2026年1月5日"
    assert cn.yuan(Decimal("114645.665")) == "114,645.67"
    assert cn.yuan(100000) == "100,000.00"
    assert cn.yuan(None) == ""
    with pytest.raises(ValueError):
        cn.yuan("abc")


def test_qr_data_uri_is_a_crisp_png_with_a_quiet_zone():
    from PIL import Image

    uri = qr.qr_data_uri("https://zxgk.tsmj.court.example/verify?code=7K3Q-9MXA-2DPE")
    assert uri.startswith("data:image/png;base64,")
    image = Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1])))
    modules = len(qr.qr_matrix("https://zxgk.tsmj.court.example/verify?code=7K3Q-9MXA-2DPE"))
    assert image.size == (modules * qr.PNG_MODULE_PX,) * 2
    assert image.getpixel((0, 0)) != 0  # quiet zone is white
    assert set(image.convert("L").tobytes()) <= {0, 255}  # no grey: modules stay sharp
    svg = base64.b64decode(qr.qr_data_uri("x", fmt="svg").split(",", 1)[1]).decode()
    assert svg.startswith("<svg") and "<path" in svg
    with pytest.raises(ValueError):
        qr.qr_data_uri("")
