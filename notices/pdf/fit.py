"""Page fit of a notice: no page that holds only the closing (date, seal) and a line or two of the body.

The closing block (``.issue``) is unbreakable and kept with the last lines of the body (notice.css), so a date never
stands alone; but a body that runs a few lines over a page still leaves a near-empty page with those lines and the
date. Such a notice is laid out once more, in one of two ways, decided from the first layout:

* ``fit-1`` … ``fit-3`` on its ``<article class="notice">`` (23, 24, 25 lines per page instead of 22, the last also
  29 characters per line) when the tighter grid frees enough room on the earlier pages for the lines and the
  closing of the last one: the notice loses that page. GB/T 9704-2012 §7.3.5.4: when the space left after the body
  cannot hold the seal and the date, the line and character spacing may be adjusted.
* otherwise ``spread-N``: the last N blocks of the body go over to the closing's page together, so it holds at least
  ``MIN_CLOSING_PAGE_LINES`` lines of the body (the page count stays).

Only a notice that needs it is laid out again (once; a second time only if a predicted fit falls short and it is
spread instead). The usual one-page and well-filled notices are laid out once, as before.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

FIT_LEVELS = 3
# Body lines the page of the closing must hold beside it: a quarter of the 22 lines of a page, rounded up.
MIN_CLOSING_PAGE_LINES = 6
SPREAD_MAX = 8
WIDOWS_MAX = 8

PX_PER_MM = 96 / 25.4
PITCH_MM = (10.22, 9.77, 9.37, 8.99)  # line pitch per fit level (notice.css)
CLOSING_LINES = (4, 4, 3, 3)  # lines the closing block takes per fit level (2 blank lines, date, QR block)
LINE_GAIN = (0.0, 0.0, 0.0, 0.034)  # share of a body's lines saved by the narrower character spacing

_NOTICE_CLASS_RE = re.compile(r'(<article\b[^>]*?\bclass=")(notice)(?=[\s"])', re.IGNORECASE)
_FIT_CLASS_RE = re.compile(r"\b(fit|spread)-\d\b")


def spread_css(css_class: str) -> str:
    """The rules of a ``spread-N [widows-K]`` class: the last N blocks of the body unbreakable and kept together
    (the first of them breakable with K widows). Written into the document that needs them, not into notice.css:
    their selectors would be tried on every element of every notice."""
    spread = re.search(r"\bspread-(\d+)", css_class)
    if not spread:
        return ""
    n = int(spread[1])
    scope = f".notice.spread-{n}"
    rules = [f"{scope} > .body > :nth-last-child(-n+{n}) {{ break-inside: avoid; }}"]
    if n > 1:
        rules.append(f"{scope} > .body > :nth-last-child(-n+{n - 1}) {{ break-before: avoid; }}")
    if widows := re.search(r"\bwidows-(\d+)", css_class):
        rules.append(f"{scope} > .body > :nth-last-child({n}) {{ break-inside: auto; widows: {int(widows[1])}; }}")
    return "\n".join(rules)


def with_fit(html: str, css_class: str | None) -> str:
    """``html`` with ``css_class`` (``fit-2``, ``spread-3 widows-2`` …) added to its notice article (and the spread's
    rules to its head). A document without a notice article (a court's own template not extending the base) is
    returned unchanged."""
    if not css_class or not _NOTICE_CLASS_RE.search(html):
        return html
    html = _NOTICE_CLASS_RE.sub(lambda m: f"{m[1]}{m[2]} {css_class}", html, count=1)
    if rules := spread_css(css_class):
        style = f"<style>{rules}</style>"
        html = re.sub(r"</head\s*>", lambda m: style + m[0], html, count=1, flags=re.IGNORECASE) \
            if re.search(r"</head\s*>", html, re.IGNORECASE) else style + html
    return html


def can_fit(html: str) -> bool:
    return bool(_NOTICE_CLASS_RE.search(html)) and not _FIT_CLASS_RE.search(html)


@dataclass
class PageInfo:
    lines: int = 0  # line boxes outside the closing block (page number excluded)
    closing: bool = False  # the closing block (.issue) is on this page
    free_mm: float = 0.0  # room left under the last line
    body_blocks: list[tuple[object, int]] | None = None  # (element, line boxes) of each child of .body here


def _classes(box) -> tuple[str, ...]:
    element = getattr(box, "element", None)
    if element is None or getattr(box, "element_tag", None) is None:
        return ()
    return tuple((element.get("class") or "").split())


def page_info(page) -> PageInfo:
    from weasyprint.formatting_structure import boxes

    info = PageInfo()
    page_box = page._page_box
    bottom = [page_box.content_box_y()]

    def scan(box, counter: list[int] | None) -> None:
        if isinstance(box, boxes.LineBox):
            info.lines += 1
            if counter is not None:
                counter[0] += 1
            bottom[0] = max(bottom[0], box.position_y + box.height)
            return
        if isinstance(box, boxes.MarginBox):
            return
        classes = _classes(box)
        if "issue" in classes:
            info.closing = True
            return
        if "body" in classes and box.element_tag == "section":
            info.body_blocks = []
            for child in getattr(box, "children", ()):
                own = [0]
                scan(child, own)
                element = getattr(child, "element", None)
                if element is not None and element is not box.element:
                    info.body_blocks.append((element, own[0]))
            return
        for child in getattr(box, "children", ()):
            scan(child, counter)

    scan(page_box, None)
    info.free_mm = (page_box.content_box_y() + page_box.height - bottom[0]) / PX_PER_MM
    return info


def closing_page(pages: Sequence) -> tuple[int, list[PageInfo]]:
    """Index of the page holding the closing (-1 if none) and the infos of the pages up to it."""
    infos = []
    for index, page in enumerate(pages):
        info = page_info(page)
        infos.append(info)
        if info.closing:
            return index, infos
    return -1, infos


def near_empty(pages: Sequence) -> bool:
    """Whether a notice's pages (laid out) have the closing on a later page with fewer than the minimum lines."""
    index, infos = closing_page(pages)
    return index > 0 and infos[index].lines < MIN_CLOSING_PAGE_LINES


def plan(pages: Sequence) -> tuple[str | None, str | None]:
    """(first choice, fallback) classes for a second layout of a notice laid out as ``pages``; (None, None) when it
    needs none. The first choice is the lightest fit level that should free the page, else the spread."""
    index, infos = closing_page(pages)
    if index <= 0 or infos[index].lines >= MIN_CLOSING_PAGE_LINES:
        return None, None
    spread = _spread(infos[index - 1], infos[index])
    last = infos[index]
    earlier = infos[:index]
    body_lines = sum(i.lines for i in earlier)
    for level in range(1, FIT_LEVELS + 1):
        # Room the level frees: the earlier pages' lines at the tighter pitch (and narrower spacing), plus what is
        # already free on the page before; room needed: the last page's lines and the closing at that level.
        freed_mm = sum(i.lines for i in earlier) * (PITCH_MM[0] - PITCH_MM[level])
        freed_mm += body_lines * LINE_GAIN[level] * PITCH_MM[level] + earlier[-1].free_mm
        needed_mm = (last.lines * (1 - LINE_GAIN[level]) + CLOSING_LINES[level]) * PITCH_MM[level]
        if freed_mm >= needed_mm:
            return f"fit-{level}", spread
    return spread, None


def _spread(before: PageInfo, last: PageInfo) -> str | None:
    """``spread-N [widows-K]``: the last N blocks of the body kept together with the closing, N the fewest that bring
    the closing's page to the minimum of lines (the blocks of the body already there count). The first of them
    still breaks when it has more lines than needed: only its last K lines come over (``widows``)."""
    previous = before.body_blocks or []
    there = list(last.body_blocks or [])
    lines, kept = last.lines, len(there)
    # (lines on the page before, lines on the closing page, N) for each block that could come over, last first
    candidates = []
    rest = previous
    if there and previous and previous[-1][0] is there[0]:
        candidates.append((previous[-1][1], there[0][1], kept))  # split over the two pages: its tail is there
        rest = previous[:-1]
    for _element, head in reversed(rest):
        if kept >= SPREAD_MAX:
            break
        kept += 1
        candidates.append((head, 0, kept))
    for head, tail, count in candidates:
        if lines + head >= MIN_CLOSING_PAGE_LINES:
            widows = MIN_CLOSING_PAGE_LINES - lines + tail
            whole = head + tail
            if widows < whole and widows <= WIDOWS_MAX:
                return f"spread-{count} widows-{max(widows, 2)}"
            return f"spread-{count}"
        lines += head
    return None


def accept(candidate: Sequence, original: Sequence) -> bool:
    """Keep a second layout when its closing page is no longer near-empty and it has no more pages."""
    return len(candidate) <= len(original) and not near_empty(candidate)
