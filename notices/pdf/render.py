"""HTML → PDF for court notices, with a warm per-process cache.

Building a WeasyPrint ``FontConfiguration`` and parsing the stylesheet (whose @font-face rules register the nine
prepared font files with fontconfig) is the expensive part of a first render (~1 s). Both are built once per
process and thread (``get_engine``) and reused by every later call: the parsed ``CSS`` object keeps its reference
to the font configuration, so font files are neither re-read nor re-registered per call.

Public API::

    render_pdf(html, *, base_url=None) -> bytes
    render_documents(htmls, *, base_url=None, duplex=False) -> bytes   # many notices, one PDF
    render_split(htmls, *, duplex=False) -> SplitRendering             # many notices, one layout, a PDF each
    render_template_html(template_name, context) -> str
    render_template_pdf(template_name, context) -> bytes
    warm_up() -> None                                                  # e.g. in a Celery worker_process_init
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import logging
import os
import re
import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from notices.pdf import fit, fonts

logger = logging.getLogger(__name__)

NOTICE_CSS_PATH = Path(__file__).with_name("notice.css")
PROJECT_ROOT = fonts.PROJECT_ROOT
DEFAULT_BASE_URL = PROJECT_ROOT.as_uri() + "/"

# Local resources a notice may reference (images such as a court emblem or an electronic seal). Anything else,
# in particular http(s), is refused: rendering never reaches the network.
ALLOWED_FILE_ROOTS = (PROJECT_ROOT / "templates", PROJECT_ROOT / "static", PROJECT_ROOT / "notices")


@dataclass(frozen=True)
class _Engine:
    pid: int
    font_config: Any  # weasyprint.text.fonts.FontConfiguration
    stylesheets: tuple[Any, ...]  # weasyprint.CSS, parsed once
    url_fetcher: Any
    font_files: Mapping[str, Path]


_local = threading.local()


@atexit.register
def _drop_engine() -> None:
    # Release the main thread's engine before interpreter teardown: WeasyPrint's FontConfiguration.__del__
    # (which removes its temporary font folder) fails noisily when it runs after module globals are cleared.
    _local.engine = None


def _make_url_fetcher(extra_roots: Iterable[Path] = ()):
    from weasyprint.urls import URLFetcher

    roots = tuple(p.resolve() for p in (*ALLOWED_FILE_ROOTS, *extra_roots))

    class NoticeURLFetcher(URLFetcher):
        """data: URIs and files under the project's template/static folders (and the fonts dir) only."""

        def fetch(self, url, headers=None):
            scheme = url.split(":", 1)[0].lower()
            if scheme == "file":
                from urllib.parse import unquote, urlsplit

                path = Path(unquote(urlsplit(url).path)).resolve()
                if not any(path.is_relative_to(root) for root in roots):
                    raise ValueError(f"notice resource outside the allowed folders: {url}")
            elif scheme != "data":
                raise ValueError(f"notice resources must be local (data: or file:), got {url[:80]}")
            return super().fetch(url, headers)

    return NoticeURLFetcher(allowed_protocols=("data", "file"), timeout=5)


def font_face_css(font_files: Mapping[str, Path]) -> str:
    """@font-face rules pointing (file://) at the prepared faces."""
    rules = []
    for key, path in font_files.items():
        family = fonts.PARTS_BY_KEY[key].css_family
        rules.append(f'@font-face {{ font-family: "{family}"; src: url("{path.resolve().as_uri()}"); }}')
    return "\n".join(rules) + "\n"


def _build_engine() -> _Engine:
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    fonts_dir = fonts.fonts_dir()
    font_files = fonts.ensure_fonts(fonts_dir)
    missing = [part.key for part in fonts.PARTS if part.key not in font_files]
    if missing:
        raise fonts.FontsNotPrepared(f"prepared fonts incomplete in {fonts_dir}: missing {', '.join(missing)}")
    font_config = FontConfiguration()
    url_fetcher = _make_url_fetcher(extra_roots=[fonts_dir])
    css_text = font_face_css(font_files) + NOTICE_CSS_PATH.read_text(encoding="utf-8")
    stylesheet = CSS(
        string=css_text, base_url=NOTICE_CSS_PATH.parent.as_uri() + "/", font_config=font_config,
        url_fetcher=url_fetcher,
    )
    _share_font_files(font_config, font_files)
    logger.debug("Notice PDF engine ready (pid %s, fonts in %s)", os.getpid(), fonts_dir)
    return _Engine(os.getpid(), font_config, (stylesheet,), url_fetcher, dict(font_files))


def _share_font_files(font_config, font_files: Mapping[str, Path]) -> int:
    """Make the font files WeasyPrint copied into this process's temporary folder hard links to the prepared files.

    WeasyPrint registers each @font-face by writing a copy of the font into a folder of its own (one per process),
    which FreeType then maps. Two worker processes mapping two copies of ~48 MB of fonts each hold their own pages;
    linked to the one prepared file, the pages are the same page-cache pages for every process (the memory of the
    worker as a whole drops by the size of the fonts it uses). Same bytes, same path for fontconfig: nothing else
    changes. A file re-prepared later is a new inode (written atomically), so a running process keeps the font it
    registered. Where linking is impossible (another file system), the copy stays. Returns the files linked."""
    import filecmp

    folder = getattr(font_config, "_folder", None)
    if not folder or not Path(folder).is_dir():
        return 0
    by_size: dict[int, list[Path]] = {}
    for path in font_files.values():
        by_size.setdefault(path.stat().st_size, []).append(path)
    linked = 0
    for copy in Path(folder).iterdir():
        if not copy.is_file() or copy.is_symlink():
            continue
        for original in by_size.get(copy.stat().st_size, []):
            if os.path.samefile(copy, original) or not filecmp.cmp(copy, original, shallow=False):
                continue
            link = copy.with_name(copy.name + ".link")
            try:
                os.link(original, link)
                os.replace(link, copy)
            except OSError:
                with contextlib.suppress(OSError):
                    link.unlink()
                break
            linked += 1
            break
    return linked


def get_engine() -> _Engine:
    """The cached engine of this process and thread (rebuilt after a fork)."""
    engine = getattr(_local, "engine", None)
    if engine is None or engine.pid != os.getpid():
        engine = _local.engine = _build_engine()
    return engine


def reset_engine() -> None:
    """Drop this thread's cached engine (tests; after re-preparing fonts in a long-lived process)."""
    _local.engine = None


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while WeasyPrint builds its box trees.

    Layout allocates hundreds of thousands of small objects; with the collector on, its full collections walk
    every live box again and again, which made a 200-notice batch ~25 % slower per notice than a 20-notice one.
    Reference counting still frees everything as usual; the collector resumes (and catches up) afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _layout(html: str, *, base_url: str | None = None):
    """One layout (a ``weasyprint.Document``) of ``html`` with the notice stylesheet and prepared fonts."""
    from weasyprint import HTML

    engine = get_engine()
    with _gc_paused():
        return HTML(string=html, base_url=base_url or DEFAULT_BASE_URL, url_fetcher=engine.url_fetcher).render(
            stylesheets=list(engine.stylesheets), font_config=engine.font_config)


def layout_notice(html: str, *, base_url: str | None = None):
    """The layout of one notice; laid out once more at a tighter fit or spread (notices.pdf.fit) when its closing
    would stand on a near-empty page. A notice that needs neither is laid out once."""
    document = _layout(html, base_url=base_url)
    if not fit.can_fit(html):
        return document
    for css_class in fit.plan(document.pages):
        if css_class is None:
            break
        candidate = _layout(fit.with_fit(html, css_class), base_url=base_url)
        if fit.accept(candidate.pages, document.pages):
            return candidate
    return document


def render_pdf(html: str, *, base_url: str | None = None) -> bytes:
    """Render one HTML document (a notice) to PDF bytes with the notice stylesheet and prepared fonts."""
    document = layout_notice(html, base_url=base_url)
    with _gc_paused():
        return document.write_pdf()


DOC_ANCHOR = "enf-doc-"
_BODY_RE = re.compile(r"<body\b[^>]*>(?P<body>.*?)</body\s*>", re.IGNORECASE | re.DOTALL)
_STYLE_RE = re.compile(r"<style\b[^>]*>.*?</style\s*>", re.IGNORECASE | re.DOTALL)
_TITLE_RE = re.compile(r"<title\b[^>]*>(?P<title>.*?)</title\s*>", re.IGNORECASE | re.DOTALL)


def combine_documents(htmls: Iterable[str], *, duplex: bool = False, title: str | None = None,
                      anchors: bool = False) -> str:
    """One HTML document holding every notice's body, each in a page-group wrapper starting a new page.

    Per-document ``<style>`` blocks are kept once each (identical blocks are deduplicated). With ``duplex``,
    every notice starts on a right-hand page (a blank page is inserted after notices with an odd page count).
    With ``anchors``, the wrapper of document *i* carries ``id="enf-doc-<i>"`` (how ``render_split`` finds the page
    each document starts on).
    """
    styles: dict[str, None] = {}
    parts: list[str] = []
    first_title = None
    css_class = "enf-doc duplex" if duplex else "enf-doc"
    for index, html in enumerate(htmls):
        head, body = html, html
        if match := _BODY_RE.search(html):
            head, body = html[: match.start()], match["body"]
        if first_title is None and (match := _TITLE_RE.search(head)):
            first_title = match["title"].strip()
        for style in _STYLE_RE.findall(head):
            styles.setdefault(style)
        anchor = f' id="{DOC_ANCHOR}{index}"' if anchors else ""
        parts.append(f'<div class="{css_class}"{anchor}>{body}</div>')
    if not parts:
        raise ValueError("render_documents() needs at least one document")
    doc_title = title or (f"{first_title}等{len(parts)}份" if len(parts) > 1 and first_title else first_title or "")
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{doc_title}</title>{''.join(styles)}</head><body>{''.join(parts)}</body></html>"
    )


def render_documents(htmls: list[str], *, base_url: str | None = None, duplex: bool = False) -> bytes:
    """Render many notices into one PDF, each starting on a new page and numbered from 1.

    One combined HTML document is laid out in a single pass, which is far faster than rendering the notices
    one by one and merging the PDFs.
    """
    if not htmls:
        raise ValueError("render_documents() needs at least one document")
    split = render_split(htmls, duplex=duplex, base_url=base_url)
    title = f"{split.titles[0]}等{len(htmls)}份" if len(htmls) > 1 and split.titles[0] else None
    return split.combined_pdf(list(range(len(htmls))), title=title)


# --- One layout, one PDF per document ------------------------------------------------------------------------------


def layout_key(html: str) -> tuple[str, ...] | None:
    """What must be equal for documents to share one layout: their ``<style>`` blocks (a document's own styles would
    otherwise apply to every document laid out with it). None when the head holds anything else that could act on
    the layout (a stylesheet link, a base URL, a script): such a document is laid out on its own."""
    match = _BODY_RE.search(html)
    head = html[: match.start()] if match else ""
    if re.search(r"<(link|base|script|object|embed|iframe)\b", head, re.IGNORECASE):
        return None
    return tuple(_STYLE_RE.findall(head))


@dataclass
class SplitRendering:
    """Many documents laid out once as one HTML document (each a page group numbered from 1), then written as one
    PDF per document: ``pdf(i)`` is document *i* alone (its own pages, its own font subsets, its own title), a
    standalone file as if it had been rendered on its own. ``combined_pdf(indices)`` writes several documents as one
    file from the same layout, so the font subsets are embedded once for all of them.

    ``pages`` is the page sequence of the whole batch (with the blank backs of a duplex layout); a document that had
    to be fitted (notices.pdf.fit) brings its pages from the layout of the fitted documents."""

    document: Any  # weasyprint.Document of the combined HTML
    ranges: list[tuple[int, int]]  # per document: first page index, end page index (exclusive, trailing blanks out)
    titles: list[str]
    pages_all: list = field(default_factory=list)  # the batch's pages, ``ranges`` index into them

    def __len__(self) -> int:
        return len(self.ranges)

    def pages(self, index: int) -> int:
        start, end = self.ranges[index]
        return end - start

    def _copy(self, pages: list, title: str | None):
        import copy

        part = self.document.copy(pages)
        part.metadata = copy.copy(self.document.metadata)
        part.metadata.title = title
        return part

    def pdf(self, index: int) -> bytes:
        start, end = self.ranges[index]
        with _gc_paused():
            return self._copy(self.pages_all[start:end], self.titles[index]).write_pdf()

    def combined_pages(self, indices: list[int]) -> list:
        """The pages of consecutive documents ``indices``, with the blank pages a duplex layout put between them."""
        if list(indices) != list(range(indices[0], indices[-1] + 1)):
            raise ValueError("combined_pdf() takes consecutive documents")
        return self.pages_all[self.ranges[indices[0]][0]:self.ranges[indices[-1]][1]]

    def combined_pdf(self, indices: list[int], *, title: str | None = None) -> bytes:
        with _gc_paused():
            return self._copy(self.combined_pages(indices), title or self.titles[indices[0]]).write_pdf()

    def release(self) -> None:
        """Drop the layout (its box trees are most of a batch's memory)."""
        self.document = None
        self.pages_all = []


# An empty document laid out after the fitted ones of a duplex batch, so that each of them gets the blank back it
# needs before the next document.
_SENTINEL = '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"></head><body><p></p></body></html>'


def _layout_combined(htmls: list[str], *, duplex: bool, base_url: str | None = None):
    """Lay out ``htmls`` as one combined document; returns it and, per document, (start, end, next start): its page
    range (trailing duplex blanks out) and where the next document starts (blanks in)."""
    combined = combine_documents(htmls, duplex=duplex, anchors=True)
    document = _layout(combined, base_url=base_url)
    starts: dict[int, int] = {}
    for page_index, page in enumerate(document.pages):
        for name in page.anchors:
            if name.startswith(DOC_ANCHOR):
                starts.setdefault(int(name[len(DOC_ANCHOR):]), page_index)
        for name in [name for name in page.anchors if name.startswith(DOC_ANCHOR)]:
            del page.anchors[name]  # found; not written as a named destination into the PDFs
    if sorted(starts) != list(range(len(htmls))):
        raise RuntimeError(f"layout lost the start of documents {sorted(set(range(len(htmls))) - set(starts))}")
    if any(starts[i] >= starts[i + 1] for i in range(len(htmls) - 1)):
        raise RuntimeError("documents laid out out of order")
    bounds = []
    for index in range(len(htmls)):
        start = starts[index]
        following = starts[index + 1] if index + 1 < len(htmls) else len(document.pages)
        end = following
        while end > start + 1 and document.pages[end - 1]._page_box.page_type.blank:
            end -= 1  # the blank page a duplex layout puts before the next document
        bounds.append((start, end, following))
    return document, bounds


def render_split(htmls: list[str], *, duplex: bool = False, base_url: str | None = None) -> SplitRendering:
    """Lay out ``htmls`` (documents of equal ``layout_key``) once, as ``render_documents`` does, and keep the page
    range of each document so that each can be written as its own PDF (``SplitRendering.pdf``).

    The notice stylesheet makes every document a page group: page numbers count from 1 per document and odd/even
    placement follows the document's own page number, so a document's pages are the same as when it is rendered
    alone. With ``duplex`` every document starts on a right-hand page; the blank pages put before it belong to no
    document (they are printed by ``combined_pdf`` only).

    Documents whose closing would stand on a near-empty page (notices.pdf.fit) are laid out again, together, at the
    next fit level, as ``render_pdf`` does with a single notice: each document's pages are the same either way."""
    import html as html_lib

    if not htmls:
        raise ValueError("render_split() needs at least one document")
    titles = []
    for html in htmls:
        match = _TITLE_RE.search(html)
        titles.append(html_lib.unescape(re.sub(r"\s+", " ", match["title"]).strip()) if match else "")
    document, bounds = _layout_combined(htmls, duplex=duplex, base_url=base_url)
    slots = [(document.pages, *bound) for bound in bounds]  # per document: its layout's pages, start, end, next
    # Per pending document: the classes still to try (a planned fit, then its fallback), as layout_notice does.
    plans = {i: [c for c in fit.plan(pages[start:end]) if c] for i, (pages, start, end, _next) in enumerate(slots)
             if fit.can_fit(htmls[i])}
    pending = {i: choices for i, choices in plans.items() if choices}
    while pending:
        order = sorted(pending)
        batch = [fit.with_fit(htmls[i], pending[i][0]) for i in order] + ([_SENTINEL] if duplex else [])
        fitted, fitted_bounds = _layout_combined(batch, duplex=duplex, base_url=base_url)
        for index, (start, end, following) in zip(order, fitted_bounds, strict=False):
            pages, old_start, old_end, _next = slots[index]
            if fit.accept(fitted.pages[start:end], pages[old_start:old_end]):
                slots[index] = (fitted.pages, start, end, following)
                del pending[index]
            else:
                pending[index] = pending[index][1:]
                if not pending[index]:
                    del pending[index]
    pages_all: list = []
    ranges = []
    for index, (pages, start, end, following) in enumerate(slots):
        first = len(pages_all)
        pages_all.extend(pages[start:end])
        ranges.append((first, len(pages_all)))
        if index + 1 < len(slots):
            pages_all.extend(pages[end:following])  # the blank back before the next document (duplex)
    return SplitRendering(document, ranges, titles, pages_all)


# --- Django templates ----------------------------------------------------------------------------------------------


def ensure_template_library() -> None:
    """Make ``{% load notices_pdf %}`` work in every DjangoTemplates engine, whatever the settings say."""
    from django.template import engines
    from django.template.backends.django import DjangoTemplates

    from notices.pdf import templatetags

    for backend in engines.all():
        if not isinstance(backend, DjangoTemplates):
            continue
        engine = backend.engine
        if templatetags.LIBRARY_NAME not in engine.template_libraries:
            engine.libraries[templatetags.LIBRARY_NAME] = templatetags.LIBRARY_MODULE
            engine.template_libraries[templatetags.LIBRARY_NAME] = templatetags.register


def render_template_html(template_name: str, context: Mapping[str, Any]) -> str:
    """The notice's HTML, rendered with Django's template engine (for previews and for batches)."""
    from django.template.loader import render_to_string

    ensure_template_library()
    return render_to_string(template_name, dict(context))


def render_template_pdf(template_name: str, context: Mapping[str, Any]) -> bytes:
    """Render a notice template (e.g. ``notices/docs/zhixing_tongzhishu.html``) to PDF bytes."""
    return render_pdf(render_template_html(template_name, context))


def warm_up() -> None:
    """Build the engine and lay out a line in every face, so the first real request is fast."""
    sample = "".join(
        f'<p style="font-family:&quot;{part.css_family}&quot;">执行通知书（2026）甘0503执1号 堃喆䶮 0123456789</p>'
        for part in fonts.PARTS
    )
    render_pdf(f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"></head><body>{sample}</body></html>')
