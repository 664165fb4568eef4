"""notices.pdf.cut: a group of notices written once as one PDF and cut into one standalone file per notice (how a
batch chunk gets each document's stored PDF). Each cut file must be the notice as rendered on its own: the same
pages pixel for pixel, the same text, page numbers from 1, its own title, language and bookmarks. Real WeasyPrint,
real qpdf (pikepdf) and poppler, no database."""

from __future__ import annotations

import io

import pikepdf
import pytest
from PIL import ImageChops

from notices.pdf.cut import Piece, cut
from notices.pdf.samples import SAMPLE_TEMPLATE, zhixing_tongzhishu_context

from .conftest import page_count, page_image, pdftotext
from .test_render import _doc

ONE_PAGE = '<article class="notice"><p>本院依法送达。</p></article>'


@pytest.fixture(scope="module")
def notices(render):
    """Two 2-page notices, one with the attachment variant (3 pages: the 财产调查表 fits on one), and a one-page notice (the sample debtor's name,
    龚堃喆, has rare characters)."""
    htmls = [render.render_template_html(SAMPLE_TEMPLATE, zhixing_tongzhishu_context(
        case_number=f"（2026）甘0503执{n}号", attach_property_form=(n == 1002))) for n in (1001, 1002, 1003)]
    return [*htmls, _doc(ONE_PAGE)]


def _outline(pdf: bytes) -> list[tuple]:
    """(depth, title, page index, location) of every bookmark, in order."""
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        pages = {page.obj.objgen: i for i, page in enumerate(doc.pages)}
        found = []

        def walk(items, depth):
            for item in items:
                dest = item.destination
                found.append((depth, str(item.title), pages[dest[0].objgen],
                              tuple(str(v) if isinstance(v, pikepdf.Name) else round(float(v), 3) for v in dest[1:]),
                              item.is_closed))
                walk(item.children, depth + 1)

        with doc.open_outline() as outline:
            walk(outline.root, 0)
        return found


def _document_level(pdf: bytes) -> dict:
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        return {"title": str(doc.docinfo.get("/Title")), "producer": str(doc.docinfo.get("/Producer")),
                "lang": str(doc.Root.get("/Lang")), "version": doc.pdf_version, "pages": len(doc.pages)}


@pytest.mark.parametrize("duplex", [False, True])
def test_each_cut_file_is_the_notice_as_rendered_alone(render, notices, duplex, tmp_path):
    split = render.render_split(notices, duplex=duplex)
    whole = split.combined_pdf(list(range(len(notices))))
    files = cut(whole, [Piece(start, end, title) for (start, end), title in zip(split.ranges, split.titles,
                                                                                  strict=True)])
    assert len(files) == 4
    for index, (html, data) in enumerate(zip(notices, files, strict=True)):
        alone = render.render_pdf(html)
        assert _document_level(data) == _document_level(alone)
        assert _outline(data) == _outline(alone)
        cut_path, alone_path = tmp_path / f"cut{index}.pdf", tmp_path / f"alone{index}.pdf"
        cut_path.write_bytes(data)
        alone_path.write_bytes(alone)
        assert page_count(cut_path) == page_count(alone_path) == split.pages(index)
        assert pdftotext(cut_path) == pdftotext(alone_path)
        for page in range(1, split.pages(index) + 1):
            difference = ImageChops.difference(page_image(cut_path, page, dpi=60), page_image(alone_path, page, dpi=60))
            assert difference.getbbox() is None, f"document {index} page {page} differs from its single render"
    assert "龚堃喆" in pdftotext(tmp_path / "cut1.pdf", first=1, last=1)  # the rare character printed, not dropped
    assert [_document_level(f)["pages"] for f in files] == [2, 3, 2, 1]


def test_cutting_is_deterministic_and_a_file_holds_only_its_own_pages(render, notices):
    split = render.render_split(notices)
    whole = split.combined_pdf(list(range(len(notices))))
    pieces = [Piece(start, end, title) for (start, end), title in zip(split.ranges, split.titles, strict=True)]
    first, again = cut(whole, pieces), cut(whole, pieces)
    assert first == again  # same group file, same bytes: the registered SHA-256 can be reproduced
    third = pikepdf.open(io.BytesIO(first[2]))
    assert len(third.pages) == 2
    with pikepdf.open(io.BytesIO(whole)) as group:
        assert len(group.pages) == 8
    text = pdftotext_bytes(first[2])
    assert "执1003号" in text and "执1001号" not in text and "执1002号" not in text


def test_a_piece_outside_the_file_is_refused(render, notices):
    split = render.render_split(notices[:1])
    whole = split.combined_pdf([0])
    with pytest.raises(ValueError, match="outside"):
        cut(whole, [Piece(0, 3, "x")])
    with pytest.raises(ValueError, match="outside"):
        cut(whole, [Piece(1, 1, "x")])


def pdftotext_bytes(data: bytes) -> str:
    import subprocess

    return subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True,
                          check=True).stdout.decode()


def test_join_keeps_every_page_and_moves_the_bookmarks(render, notices, tmp_path):
    from notices.pdf.cut import join

    singles = [render.render_pdf(html) for html in notices[:3]]
    joined = join(singles, title="三份")
    level = _document_level(joined)
    assert level["title"] == "三份" and level["lang"] == "zh-CN" and level["pages"] == 2 + 3 + 2
    expected, offset = [], 0
    for single in singles:
        expected += [(depth, title, page + offset, location, closed)
                     for depth, title, page, location, closed in _outline(single)]
        offset += _document_level(single)["pages"]
    assert _outline(joined) == expected
    path = tmp_path / "joined.pdf"
    path.write_bytes(joined)
    text = pdftotext(path)
    assert text.index("执1001号") < text.index("执1002号") < text.index("执1003号")
    with pytest.raises(ValueError):
        join([])
