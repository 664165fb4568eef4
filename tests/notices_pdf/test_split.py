"""render_split: many notices laid out once, each written as its own PDF (what a batch chunk stores), and a print part
of several from the same layout. Real WeasyPrint and poppler, no database."""

from __future__ import annotations

import re

import pytest

from notices.pdf.samples import SAMPLE_TEMPLATE, zhixing_tongzhishu_context

from .conftest import ink_box_mm, page_count, page_image, pdftotext
from .test_render import _doc

ONE_PAGE = '<article class="notice"><p>本院依法送达。</p></article>'


@pytest.fixture(scope="module")
def notices(render):
    """Three 2-page notices, one with the attachment variant (3 pages), and a one-page notice."""
    htmls = [render.render_template_html(SAMPLE_TEMPLATE, zhixing_tongzhishu_context(
        case_number=f"（2026）甘0503执{n}号", attach_property_form=(n == 1002))) for n in (1001, 1002, 1003)]
    return [*htmls, _doc(ONE_PAGE)]


@pytest.mark.parametrize("duplex", [False, True])
def test_each_document_written_from_the_shared_layout_is_its_single_render(render, notices, duplex, tmp_path):
    split = render.render_split(notices, duplex=duplex)
    assert len(split) == 4
    for index, html in enumerate(notices):
        pdf = split.pdf(index)
        assert pdf == render.render_pdf(html)  # byte for byte: same pages, numbers, fonts, title
        path = tmp_path / f"{index}.pdf"
        path.write_bytes(pdf)
        assert page_count(path) == split.pages(index)
    assert [split.pages(i) for i in range(4)] == [2, 3, 2, 1]


def test_a_document_in_the_middle_numbers_its_pages_from_one(render, notices, tmp_path):
    split = render.render_split(notices)
    path = tmp_path / "third.pdf"
    path.write_bytes(split.pdf(2))
    assert page_count(path) == 2
    assert re.search(r"—\s*1\s*—", pdftotext(path, first=1, last=1))
    assert re.search(r"—\s*2\s*—", pdftotext(path, first=2, last=2))
    assert "执1003号" in pdftotext(path, first=1, last=1)


def test_print_part_holds_the_documents_in_order_with_fonts_embedded_once(render, notices, tmp_path):
    split = render.render_split(notices)
    part = split.combined_pdf([0, 1, 2, 3])
    path = tmp_path / "part.pdf"
    path.write_bytes(part)
    assert page_count(path) == sum(split.pages(i) for i in range(4)) == 2 + 3 + 2 + 1
    text = pdftotext(path)
    assert text.index("执1001号") < text.index("执1002号") < text.index("执1003号") < text.index("本院依法送达")
    assert len(part) < 0.6 * sum(len(split.pdf(i)) for i in range(4))
    with pytest.raises(ValueError):
        split.combined_pdf([0, 2])  # a part is a run of consecutive documents


def test_duplex_part_puts_a_blank_back_after_an_odd_document_that_no_document_owns(render, tmp_path):
    split = render.render_split([_doc(ONE_PAGE), _doc(ONE_PAGE)], duplex=True)
    assert [split.pages(0), split.pages(1)] == [1, 1]
    path = tmp_path / "duplex.pdf"
    path.write_bytes(split.combined_pdf([0, 1]))
    assert page_count(path) == 3
    assert ink_box_mm(page_image(path, 2)) is None  # the blank back page stays blank
    assert re.search(r"—\s*1\s*—", pdftotext(path, first=3, last=3))


def test_layout_key_separates_documents_with_their_own_styles(render):
    plain = render.layout_key('<html><head><title>一</title></head><body><p>一</p></body></html>')
    styled = render.layout_key('<html><head><style>p{color:red}</style></head><body><p>二</p></body></html>')
    linked = render.layout_key('<html><head><link rel="stylesheet" href="x.css"></head><body></body></html>')
    assert plain == () and styled == ("<style>p{color:red}</style>",) and linked is None
