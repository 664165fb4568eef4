"""Building the archive volume (立卷归档): one PDF of a closed case's file, in catalogue order.

1. cover (案卷封面: court, case number, parties, dates, retention period) and 卷内目录 (sequence, title, register
   number, date, pages), rendered with WeasyPrint in the court's fonts, unnumbered;
2. the documents in catalogue order (superseded versions left out), their pages numbered 1..N continuously: the
   numbers are a WeasyPrint sheet of small pages (fonts embedded) laid over each page's top right corner by pikepdf;
3. the 备考表 (pages in the volume, who filed it, checker, date), unnumbered.

Pages are copied by pikepdf from each source PDF (scans from disk, generated documents from the notices register)
into the output, which qpdf writes to disk; no page is rendered or decoded. The result is declared PDF/A-2b (XMP
identification and an sRGB output intent); see docs/efile.md for what that claim covers. The file is written to a
temporary name, hashed and renamed; ``services.volume_finish`` then freezes the volume and archives the case.
"""

from __future__ import annotations

import html
import io
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from . import services, storage
from .models import ArchiveVolume, FileItem, ItemKind, VolumeStatus

ICC_CANDIDATES = ("/usr/share/color/icc/ghostscript/srgb.icc", "/usr/share/color/icc/sRGB.icc")
STAMP_W_PT, STAMP_H_PT = 72.0, 24.0  # the page number's box, top right


def _fonts_css() -> str:
    root = Path(settings.ENF_FONTS_DIR)
    faces = {"Enf Title": "enf-title.otf", "Enf Body": "enf-body.otf", "Enf Body Ext": "enf-body-ext.otf",
             "Enf Hei": "enf-hei.otf", "Enf Fallback": "enf-fallback.otf"}
    return "".join(f'@font-face {{ font-family: "{family}"; src: url("{(root / name).resolve().as_uri()}"); }}\n'
                   for family, name in faces.items() if (root / name).exists())


CSS = """
@page { size: A4; margin: 25mm 20mm 20mm 25mm; }
body { font-family: "Enf Body", "Enf Body Ext", "Enf Fallback", "Noto Serif CJK SC", serif; font-size: 12pt; }
h1 { font-family: "Enf Title", "Enf Fallback", serif; font-size: 26pt; text-align: center; margin: 30mm 0 20mm;
     letter-spacing: 6pt; }
h2 { font-family: "Enf Hei", "Enf Fallback", sans-serif; font-size: 18pt; text-align: center; margin: 0 0 8mm; }
.court { text-align: center; font-size: 16pt; margin-bottom: 8mm; }
table { width: 100%; border-collapse: collapse; }
td, th { border: 0.6pt solid #000; padding: 2.2mm 2mm; vertical-align: top; }
th { font-family: "Enf Hei", "Enf Fallback", sans-serif; font-weight: normal; }
.cover td.k { width: 30%; text-align: center; font-family: "Enf Hei", "Enf Fallback", sans-serif; }
.toc td.n, .toc td.p { text-align: center; white-space: nowrap; }
.brk { page-break-before: always; }
.note { height: 120mm; }
"""


def _esc(value) -> str:
    return html.escape(str(value or ""))


def _render(body: str) -> bytes:
    from weasyprint import CSS as WCSS
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    sheet = WCSS(string=_fonts_css() + CSS, font_config=fonts)
    document = f'<html lang="zh-CN"><head><meta charset="utf-8"></head><body>{body}</body></html>'
    return HTML(string=document).write_pdf(stylesheets=[sheet], font_config=fonts)


def _zh(d) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if d else ""


def retention_for(case) -> str:
    from core import court_settings

    if case.closure_mode in court_settings.get(case.court, "efile_retention_permanent_modes"):
        return "永久"
    if case.closure_mode in court_settings.get(case.court, "efile_retention_long_modes"):
        return "长期"
    return "短期"


def front_matter(case, *, entries: list[dict], retention: str, built_on) -> bytes:
    """The cover and the 卷内目录 as one PDF."""
    parties = case.case_parties.select_related("party").order_by("role", "id")
    applicants = "、".join(p.party.name for p in parties if p.role == "applicant")
    respondents = "、".join(p.party.name for p in parties if p.role == "respondent")
    rows = [("案号", case.number), ("申请执行人", applicants), ("被执行人", respondents),
            ("执行依据", f"{case.basis_issuer or ''} {case.basis_number or ''}".strip()),
            ("收案日期", _zh(case.received_on)), ("立案日期", _zh(case.filed_on)), ("结案日期", _zh(case.closed_on)),
            ("结案方式", case.get_closure_mode_display() if case.closure_mode else ""),
            ("承办人", (case.officer.full_name or case.officer.username) if case.officer_id else ""),
            ("归档日期", _zh(built_on)), ("保管期限", retention)]
    cover = (f'<div class="court">{_esc(case.court.name)}</div><h1>执行案件卷宗</h1>'
             '<table class="cover">' + "".join(
                 f'<tr><td class="k">{_esc(k)}</td><td>{_esc(v)}</td></tr>' for k, v in rows) + "</table>")
    toc_rows = "".join(
        f'<tr><td class="n">{e["seq"]}</td><td>{_esc(e["title"])}</td><td>{_esc(e["number"])}</td>'
        f'<td class="p">{_esc(e["date"])}</td><td class="p">{e["first"]}-{e["last"]}</td></tr>' for e in entries)
    toc = ('<div class="brk"></div><h2>卷内目录</h2><table class="toc"><thead><tr><th>序号</th><th>文件名称</th>'
           f'<th>文号</th><th>日期</th><th>页号</th></tr></thead><tbody>{toc_rows}</tbody></table>')
    return _render(cover + toc)


def back_matter(case, *, document_pages: int, filer: str, built_on) -> bytes:
    """The 备考表."""
    body = (f'<h2>卷内备考表</h2><table><tr><td class="note">本卷共有文件材料 {document_pages} 页（不含封面、卷内目录和'
            f'备考表）。<br><br>案号：{_esc(case.number)}<br>本卷由电子卷宗系统生成，各页页码连续编排。</td></tr></table>'
            f'<p>立卷人：{_esc(filer)}</p><p>检查人：</p><p>立卷时间：{_zh(built_on)}</p>')
    return _render(body)


def number_sheet(count: int) -> bytes:
    """``count`` small pages, page n showing the number n at its right edge (fonts embedded by WeasyPrint)."""
    css_page = (f"@page {{ size: {STAMP_W_PT}pt {STAMP_H_PT}pt; margin: 0; }}"
                "div { text-align: right; font-family: 'Enf Body', 'Enf Fallback', serif; font-size: 12pt;"
                " line-height: 24pt; padding-right: 4pt; page-break-after: always; }")
    from weasyprint import CSS as WCSS
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    sheet = WCSS(string=_fonts_css() + css_page, font_config=fonts)
    body = "".join(f"<div>{n}</div>" for n in range(1, count + 1))
    return HTML(string=f"<html><body>{body}</body></html>").write_pdf(stylesheets=[sheet], font_config=fonts)


def _open_source(item: FileItem):
    import pikepdf

    if item.kind == ItemKind.GENERATED:
        return pikepdf.open(io.BytesIO(services.generated_pdf(item)))
    return pikepdf.open(storage.absolute(item.path))


def volume_items(case_id: int) -> list[FileItem]:
    return list(FileItem.objects.filter(case_id=case_id, superseded=False).select_related("section")
                .order_by("section__position", "position", "id"))


def _pdfa_mark(pdf) -> str:
    """Declare PDF/A-2b: XMP identification and an sRGB output intent (when an ICC profile is available)."""
    import pikepdf

    icc = next((Path(p) for p in ICC_CANDIDATES if Path(p).exists()), None)
    if icc is None:
        return ""
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["pdfaid:part"] = "2"
        meta["pdfaid:conformance"] = "B"
        meta["dc:title"] = "执行案件卷宗"
    stream = pikepdf.Stream(pdf, icc.read_bytes())
    stream["/N"] = 3
    intent = pikepdf.Dictionary(Type=pikepdf.Name.OutputIntent, S=pikepdf.Name.GTS_PDFA1,
                                OutputConditionIdentifier="sRGB IEC61966-2.1", DestOutputProfile=stream)
    pdf.Root.OutputIntents = pikepdf.Array([intent])
    return "2B"


def build(volume_id: int, *, progress: Callable[[int, str], None] | None = None) -> ArchiveVolume:
    """Build the volume's PDF and freeze it (see the module's docstring)."""
    import pikepdf

    claimed = ArchiveVolume.objects.filter(pk=volume_id, status=VolumeStatus.BUILDING, started_at__isnull=True) \
        .update(started_at=timezone.now(), stage="preparing", progress=1)
    if not claimed:
        return ArchiveVolume.objects.get(pk=volume_id)

    def report(percent: int, stage: str) -> None:
        services.volume_progress(volume_id=volume_id, progress=percent, stage=stage)
        if progress is not None:
            progress(percent, stage)

    volume = ArchiveVolume.objects.select_related("case__court", "case__officer", "built_by").get(pk=volume_id)
    case = volume.case
    tmp_path = None
    try:
        items = volume_items(case.pk)
        entries, page = [], 1
        for seq, item in enumerate(items, start=1):
            entries.append({"seq": seq, "item": item.pk, "title": item.title, "number": item.register_number,
                            "date": item.doc_date.isoformat(), "first": page, "last": page + item.page_count - 1,
                            "section": item.section.title})
            page += item.page_count
        total = page - 1
        built_on = timezone.localdate()
        retention = retention_for(case)
        report(3, "cover")
        front = pikepdf.open(io.BytesIO(front_matter(case, entries=entries, retention=retention,
                                                     built_on=built_on)))
        back = pikepdf.open(io.BytesIO(back_matter(case, document_pages=total,
                                                   filer=(volume.built_by.full_name or volume.built_by.username), built_on=built_on)))
        report(6, "numbers")
        numbers = pikepdf.open(io.BytesIO(number_sheet(total)))
        out = pikepdf.new()
        out.pages.extend(front.pages)
        n = 0
        for item in items:
            with _open_source(item) as source:
                if len(source.pages) != item.page_count:
                    raise RuntimeError(f"item {item.pk} has {len(source.pages)} pages, catalogue says "
                                       f"{item.page_count}")
                for source_page in source.pages:
                    out.pages.append(source_page)
                    target = out.pages[-1]
                    box = target.mediabox
                    x1, y1 = float(box[2]), float(box[3])
                    rect = pikepdf.Rectangle(x1 - STAMP_W_PT - 14, y1 - STAMP_H_PT - 10, x1 - 14, y1 - 10)
                    target.add_overlay(numbers.pages[n], rect)
                    n += 1
                    if n % 20 == 0:
                        report(8 + int(80 * n / max(total, 1)), "pages")
        out.pages.extend(back.pages)
        pdfa = _pdfa_mark(out)
        out.docinfo["/Title"] = f"{case.number} 执行案件卷宗"
        report(90, "writing")
        folder = storage.root() / "volumes"
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".pdf")
        os.close(fd)
        tmp_path = Path(tmp_name)
        out.save(tmp_path, linearize=False, compress_streams=True)
        page_count = len(out.pages)
        for pdf in (out, front, back, numbers):
            pdf.close()
        digest = storage.sha256_file(tmp_path)
        relative = f"volumes/{case.pk}-{volume_id}-{digest[:16]}.pdf"
        os.replace(tmp_path, storage.root() / relative)
        tmp_path = None
        report(97, "freezing")
        for entry in entries:
            entry.pop("item", None)
        return services.volume_finish(
            volume_id=volume_id, path=relative, sha256=digest, size=(storage.root() / relative).stat().st_size,
            page_count=page_count, document_pages=total, catalogue=entries, item_ids=[i.pk for i in items],
            pdfa=pdfa, retention=retention)
    except Exception as exc:
        services.volume_fail(volume_id=volume_id, error=f"{type(exc).__name__}: {exc}")
        raise
    finally:
        if tmp_path is not None:
            tmp_path.unlink(missing_ok=True)


def stale_q() -> Q:
    return Q(status=VolumeStatus.BUILDING)
