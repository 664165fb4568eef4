"""PDF rendering engine for court notices (GB/T 9704 layout), independent of the database models.

    from notices.pdf import render_template_pdf
    pdf_bytes = render_template_pdf("notices/docs/zhixing_tongzhishu.html", context)

Fonts must be prepared once per machine (``python -m notices.pdf.fonts prepare --out var/fonts``); the renderer
prepares them on first use if they are missing. See docs/fonts.md.

The names below are imported lazily, so ``python -m notices.pdf.fonts`` and light imports (``notices.pdf.cn``)
do not load WeasyPrint.
"""

from importlib import import_module

_EXPORTS = {
    "cn_date": "notices.pdf.cn",
    "zh_date": "notices.pdf.cn",
    "yuan": "notices.pdf.cn",
    "FontsNotPrepared": "notices.pdf.fonts",
    "ensure_fonts": "notices.pdf.fonts",
    "prepare": "notices.pdf.fonts",
    "qr_data_uri": "notices.pdf.qr",
    "combine_documents": "notices.pdf.render",
    "render_documents": "notices.pdf.render",
    "render_pdf": "notices.pdf.render",
    "render_template_html": "notices.pdf.render",
    "render_template_pdf": "notices.pdf.render",
    "warm_up": "notices.pdf.render",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'notices.pdf' has no attribute {name!r}")
    return getattr(import_module(module), name)
