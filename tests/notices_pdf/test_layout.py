"""Page geometry (GB/T 9704): margins, title position, grid, page numbers — checked on rasterised pages."""

from __future__ import annotations

import re

import pytest

from .conftest import dark_pixels, ink_box_mm, page_count, page_image, pdftotext

TOP, LEFT, RIGHT, BOTTOM = 37.0, 28.0, 26.0, 35.0  # mm
TEXT_RIGHT = 210.0 - RIGHT  # 184 mm
TEXT_BOTTOM = 297.0 - BOTTOM  # 262 mm


def _doc(body: str) -> str:
    return f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"></head><body>{body}</body></html>'


@pytest.fixture(scope="module")
def page1(sample_pdf):
    return page_image(sample_pdf, 1, dpi=50)


def test_no_ink_in_the_top_left_and_right_margins(page1):
    assert dark_pixels(page1, (0, 0, 210, TOP - 2)) == 0, "ink in the top margin"
    assert dark_pixels(page1, (0, 0, LEFT - 2, 297)) == 0, "ink in the binding (left) margin"
    assert dark_pixels(page1, (TEXT_RIGHT + 2, 0, 210, 297)) == 0, "ink in the right margin"


def test_title_sits_at_the_top_of_the_text_block_centred(page1):
    title = ink_box_mm(page1, region_mm=(LEFT, TOP - 5, TEXT_RIGHT, TOP + 22))
    assert title is not None, "no ink where the title should be"
    left, top, right, bottom = title
    assert TOP - 1 <= top <= TOP + 4, f"title ink starts {top:.1f} mm from the top"
    centre = (left + right) / 2
    assert abs(centre - (LEFT + 156 / 2)) < 3, f"title centred at {centre:.1f} mm"
    assert dark_pixels(page1, (LEFT, TOP, TEXT_RIGHT, TOP + 20)) > 400  # two lines of 22 pt type


def test_case_number_is_right_aligned_under_the_title(page1):
    case = ink_box_mm(page1, region_mm=(LEFT + 60, TOP + 22, TEXT_RIGHT + 2, TOP + 33))
    assert case is not None
    assert abs(case[2] - TEXT_RIGHT) < 2.5, f"case number ends at {case[2]:.1f} mm"


def test_body_starts_at_the_left_margin_and_stays_in_the_text_block(page1):
    body = ink_box_mm(page1, region_mm=(0, TOP + 33, 210, TEXT_BOTTOM + 1))
    assert body is not None
    assert abs(body[0] - LEFT) < 1.5, f"addressee/body ink starts {body[0]:.1f} mm from the left edge"
    assert body[2] <= TEXT_RIGHT + 1
    assert body[3] <= TEXT_BOTTOM + 1, f"body ink reaches {body[3]:.1f} mm"


def test_page_numbers_odd_right_even_left_below_the_text_block(sample_pdf):
    assert page_count(sample_pdf) >= 2
    odd, even = page_image(sample_pdf, 1), page_image(sample_pdf, 2)
    number = ink_box_mm(odd, region_mm=(0, TEXT_BOTTOM + 1, 210, 297))
    assert number is not None, "no page number on page 1"
    assert number[0] > 140 and number[2] <= TEXT_RIGHT, f"page 1 number at x {number[0]:.0f}–{number[2]:.0f} mm"
    assert TEXT_BOTTOM + 3 < number[1] < TEXT_BOTTOM + 14, f"page 1 number at y {number[1]:.1f} mm"
    number = ink_box_mm(even, region_mm=(0, TEXT_BOTTOM + 1, 210, 297))
    assert number is not None and number[0] >= LEFT and number[2] < 70, "page 2 number not at the left"
    assert re.search(r"—\s*1\s*—", pdftotext(sample_pdf, first=1, last=1))
    assert re.search(r"—\s*2\s*—", pdftotext(sample_pdf, first=2, last=2))


def test_grid_is_28_characters_per_line(render, tmp_path):
    path = tmp_path / "grid.pdf"
    body = '<article class="notice"><p class="no-indent">' + "国" * 57 + "</p></article>"
    path.write_bytes(render.render_pdf(_doc(body)))
    lines = [line for line in pdftotext(path, layout=True).splitlines() if "国" in line]
    assert [line.strip() for line in lines] == ["国" * 28, "国" * 28, "国"]


def test_grid_is_22_lines_per_page(render, tmp_path):
    path = tmp_path / "lines.pdf"
    body = "".join(f'<p class="no-indent">第{n}行</p>' for n in range(1, 24))
    path.write_bytes(render.render_pdf(_doc(f'<article class="notice">{body}</article>')))
    assert page_count(path) == 2
    first = pdftotext(path, first=1, last=1)
    assert "第22行" in first and "第23行" not in first
    ink = ink_box_mm(page_image(path, 1), region_mm=(0, 0, 210, TEXT_BOTTOM + 1))
    assert ink is not None and ink[3] <= TEXT_BOTTOM


def test_date_and_seal_placeholder_on_the_last_page(sample_pdf):
    last = page_count(sample_pdf)
    image = page_image(sample_pdf, last, dpi=50)
    text = pdftotext(sample_pdf, first=last, last=last, layout=True)
    assert "2026年11月23日" in text and "（院印）" in text
    date_line = next(line for line in text.splitlines() if "2026年11月23日" in line)
    assert len(date_line) - len(date_line.rstrip()) == 0  # nothing printed to the right of the date
    # the date ends four characters (≈ 22 mm) short of the right edge of the text block
    assert dark_pixels(image, (TEXT_RIGHT - 19, 0, TEXT_RIGHT + 1, TEXT_BOTTOM)) < dark_pixels(
        image, (LEFT, 0, LEFT + 19, TEXT_BOTTOM)
    )
