"""PDF rendering engine for court notices (GB/T 9704 layout), independent of the database models.

    from notices.pdf import render_template_pdf
    pdf_bytes = render_template_pdf("notices/docs/zhixing_tongzhishu.html", context)

Fonts must be prepared once per machine (``python -m notices.pdf.fonts prepare --out var/fonts``); the renderer
prepares them on first use if they are missing. See docs/fonts.md.
"""

from notices.pdf.cn import cn_date, yuan, zh_date
from notices.pdf.fonts import FontsNotPrepared, ensure_fonts, prepare
from notices.pdf.qr import qr_data_uri
from notices.pdf.render import (
    combine_documents,
    render_documents,
    render_pdf,
    render_template_html,
    render_template_pdf,
    warm_up,
)

__all__ = [
    "FontsNotPrepared",
    "cn_date",
    "combine_documents",
    "ensure_fonts",
    "prepare",
    "qr_data_uri",
    "render_documents",
    "render_pdf",
    "render_template_html",
    "render_template_pdf",
    "warm_up",
    "yuan",
    "zh_date",
]
