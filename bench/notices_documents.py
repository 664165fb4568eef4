"""Benchmark of the document types (notices/documents/): render each type's sample context through the engine.

    .venv/bin/python bench/notices_documents.py [--runs 15] [--variant person|company|long]

Prints, after a warm-up, for every type: its pages and the median / p95 wall time of ``render_template_pdf`` with
the type's sample context (notices/documents/_samples.py), then one PDF holding one of each type
(``render_documents``). The context builders themselves are measured by the query-count tests, not here: this
needs no database. Uses the project settings (templates, installed apps); nothing connects to the database.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))


def _pages(pdf: bytes) -> int | str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as tmp:
        tmp.write(pdf)
        tmp.flush()
        try:
            out = subprocess.run(["pdfinfo", tmp.name], capture_output=True, text=True, check=True).stdout
        except (OSError, subprocess.CalledProcessError):
            return "?"
    return next((int(line.split()[-1]) for line in out.splitlines() if line.startswith("Pages:")), "?")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--variant", default="person", help="sample variant: person, company or long (_samples.py)")
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "enforcement.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-not-a-secret")
    os.environ.setdefault("ENF_FONTS_DIR", str(PROJECT_ROOT / "var" / "fonts"))
    import django

    django.setup()
    from notices import documents
    from notices.documents._samples import sample_context
    from notices.pdf import render

    render.warm_up()
    print(f"notices documents benchmark — pid {os.getpid()}, {os.cpu_count()} CPUs, load average "
          + " ".join(f"{v:.2f}" for v in os.getloadavg()))
    print(f"{'type':26} {'pages':>5} {'median ms':>10} {'p95 ms':>8}")
    htmls = []
    one_page = []
    for doc in documents.all_types():
        if doc.sample_context is None:
            continue
        context = sample_context(doc.code, args.variant)
        html = render.render_template_html(doc.template, context)
        htmls.append(html)
        pdf = render.render_pdf(html)  # warm this template
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            render.render_template_pdf(doc.template, context)
            times.append(time.perf_counter() - start)
        times.sort()
        median = statistics.median(times) * 1000
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))] * 1000
        pages = _pages(pdf)
        if pages == 1:
            one_page.append(median)
        print(f"{doc.code:26} {pages!s:>5} {median:10.1f} {p95:8.1f}")
    start = time.perf_counter()
    pdf = render.render_documents(htmls)
    elapsed = time.perf_counter() - start
    print(f"one PDF with one of each of the {len(htmls)} types: {_pages(pdf)} pages, {elapsed:.2f} s")
    if one_page:
        print(f"median of the one-page types' medians: {statistics.median(one_page):.1f} ms (target ≤ 100 ms)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
