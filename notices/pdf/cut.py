"""Cut page ranges out of one PDF into standalone PDFs (qpdf, through pikepdf): how a batch group's documents get
their own files from the one PDF WeasyPrint wrote for the group.

Writing a PDF is a third of WeasyPrint's work for a notice (drawing the pages, subsetting five font faces,
serialising); a group of 13 notices written once and cut costs ~2 ms per notice instead of ~27 ms for writing each on
its own (bench/notices_render.py). The pages of a cut file are the group file's page objects, copied with what they
use, so they render exactly as laid out (tested pixel for pixel against the single render). What the cut keeps of
the document level: the title (given per piece), the language, the producer and the outline entries (bookmarks)
whose destination lies on the piece's pages, with their nesting and positions.

Its font subsets are the group's: they hold the glyphs of every document laid out with it (an unordered set of
characters, no text), so a cut file is ~25 % larger than a file written alone.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Piece:
    """Pages ``start`` (inclusive) to ``end`` (exclusive) of the source, as a file titled ``title``."""

    start: int
    end: int
    title: str


@dataclass
class _Entry:
    title: str
    page: int | None  # index in the source, None when the destination is not a page of it
    location: tuple  # the destination after the page: (/XYZ, left, top, zoom) and so on
    closed: bool
    children: list[_Entry] = field(default_factory=list)


def _entries(items, page_index: dict) -> list[_Entry]:
    entries = []
    for item in items:
        page, location = None, ()
        destination = item.destination
        if destination is not None and hasattr(destination, "__len__") and len(destination) >= 2:
            target = destination[0]
            page = page_index.get(target.objgen) if hasattr(target, "objgen") else None
            location = tuple(destination[1:])
        entries.append(_Entry(str(item.title), page, location, bool(item.is_closed),
                              _entries(item.children, page_index)))
    return entries


def _outline_items(entries: list[_Entry], piece: Piece):
    import pikepdf

    items = []
    for entry in entries:
        if entry.page is None or not piece.start <= entry.page < piece.end:
            continue
        kind = str(entry.location[0]).lstrip("/") if entry.location else "Fit"
        numbers = [None if v is None else float(v) for v in entry.location[1:]]
        kwargs = {}
        if kind == "XYZ":
            kwargs = dict(zip(("left", "top", "zoom"), numbers, strict=False))
        elif kind in ("FitH", "FitBH"):
            kwargs = dict(zip(("top",), numbers, strict=False))
        elif kind in ("FitV", "FitBV"):
            kwargs = dict(zip(("left",), numbers, strict=False))
        elif kind == "FitR":
            kwargs = dict(zip(("left", "bottom", "right", "top"), numbers, strict=False))
        item = pikepdf.OutlineItem(entry.title, entry.page - piece.start, kind, **kwargs)
        item.is_closed = entry.closed
        item.children.extend(_outline_items(entry.children, piece))
        items.append(item)
    return items


def _finish(target, items: list, version: str) -> bytes:
    """Add the outline ``items`` to ``target`` and serialise it (deterministic ID, object streams)."""
    import pikepdf

    if items:
        with target.open_outline() as outline:
            outline.root.extend(items)
    buffer = io.BytesIO()
    target.save(buffer, min_version=version, deterministic_id=True,
                object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return buffer.getvalue()


def cut(pdf: bytes, pieces: Sequence[Piece]) -> list[bytes]:
    """One standalone PDF per piece. Deterministic: the same source and pieces give the same bytes."""
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as source:
        pages = list(source.pages)
        if any(not 0 <= p.start < p.end <= len(pages) for p in pieces):
            raise ValueError(f"page ranges {[(p.start, p.end) for p in pieces]} outside 0..{len(pages)}")
        page_index = {page.obj.objgen: index for index, page in enumerate(pages)}
        with source.open_outline() as outline:
            entries = _entries(outline.root, page_index)
        language = source.Root.get("/Lang")
        producer = source.docinfo.get("/Producer")
        version = source.pdf_version
        files = []
        for piece in pieces:
            with pikepdf.new() as target:
                target.pages.extend(pages[piece.start:piece.end])
                if language is not None:
                    target.Root.Lang = pikepdf.String(str(language))
                if producer is not None:
                    target.docinfo["/Producer"] = pikepdf.String(str(producer))
                if piece.title:
                    target.docinfo["/Title"] = pikepdf.String(piece.title)
                files.append(_finish(target, _outline_items(entries, piece), version))
        return files


def join(pdfs: Sequence[bytes], *, title: str | None = None) -> bytes:
    """The pages of ``pdfs`` in order as one PDF, with their bookmarks (moved to the joined pages), the first file's
    language and producer, and ``title`` (else the first file's title)."""
    import contextlib

    import pikepdf

    if not pdfs:
        raise ValueError("join() needs at least one PDF")
    with contextlib.ExitStack() as stack, pikepdf.new() as target:
        items, offset, version = [], 0, "1.4"
        for index, data in enumerate(pdfs):
            source = stack.enter_context(pikepdf.open(io.BytesIO(data)))  # open until saved: streams are read then
            pages = list(source.pages)
            page_index = {page.obj.objgen: offset + i for i, page in enumerate(pages)}
            with source.open_outline() as outline:
                entries = _entries(outline.root, page_index)
            target.pages.extend(pages)
            items += _outline_items(entries, Piece(0, offset + len(pages), ""))
            if index == 0:
                for key in ("/Producer", "/Title"):
                    if key in source.docinfo:
                        target.docinfo[key] = pikepdf.String(str(source.docinfo[key]))
                if "/Lang" in source.Root:
                    target.Root.Lang = pikepdf.String(str(source.Root.Lang))
            version = max(version, source.pdf_version)
            offset += len(pages)
        if title:
            target.docinfo["/Title"] = pikepdf.String(title)
        return _finish(target, items, version)
