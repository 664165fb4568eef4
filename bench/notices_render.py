"""Benchmark of the notice PDF engine (notices.pdf).

    .venv/bin/python bench/notices_render.py [--runs 30] [--batch 200] [--out bench/out]

Prints, after a warm-up: the median and p95 time of rendering the sample 执行通知书 ``--runs`` times, the time of
one PDF holding ``--batch`` notices (each with its own case data), and the peak RSS of the process during the
batch. Wall-clock and CPU times are both shown: on a shared machine the CPU time is the steadier figure.

Targets: single notice ≤ 100 ms median, peak RSS ≤ 500 MB (the 200-notice ≤ 6 s target is end to end through the
worker: bench/notices_batch.py).
Django is configured minimally (templates only) unless DJANGO_SETTINGS_MODULE is set.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import statistics
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

TARGET_MEDIAN_S = 0.100
TARGET_BATCH_S = 6.0
TARGET_RSS_MB = 500


def _page_count(pdf: bytes) -> str:
    """Number of pages (via poppler's pdfinfo), or "?" when pdfinfo is not installed."""
    import shutil
    import subprocess
    import tempfile

    if not shutil.which("pdfinfo"):
        return "?"
    with tempfile.NamedTemporaryFile(suffix=".pdf") as tmp:
        tmp.write(pdf)
        tmp.flush()
        out = subprocess.run(["pdfinfo", tmp.name], capture_output=True, text=True).stdout
    return next((line.split()[-1] for line in out.splitlines() if line.startswith("Pages:")), "?")


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


class PeakRSS:
    """Samples the process RSS in a background thread (psutil) every 50 ms (often enough: RSS grows smoothly)."""

    def __init__(self, interval: float = 0.05) -> None:
        import psutil

        self._process = psutil.Process()
        self._interval = interval
        self._stop = threading.Event()
        self.peak = self._process.memory_info().rss
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._process.memory_info().rss)
            self._stop.wait(self._interval)

    def __enter__(self) -> PeakRSS:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._process.memory_info().rss)


def _batch_contexts(count: int):
    from notices.pdf.samples import zhixing_tongzhishu_context

    surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢"
    given = ["志强", "秀英", "建华", "丽娟", "堃", "喆", "海燕", "国栋", "䶮", "明轩", "淑芬", "晓东"]
    for i in range(count):
        name = surnames[i % len(surnames)] + given[i % len(given)]
        principal = Decimal(20000 + 1375 * i).quantize(Decimal("0.01"))
        interest = (principal * Decimal("0.0385")).quantize(Decimal("0.01"))
        costs = Decimal(300 + 10 * (i % 50)).quantize(Decimal("0.01"))
        total = principal + interest + costs
        fee = max(Decimal("50"), (total * Decimal("0.015") - 100)).quantize(Decimal("0.01"))
        number = f"（2026）甘0503执{1000 + i}号"
        yield zhixing_tongzhishu_context(
            case_number=number,
            debtor={"name": name, "kind": "person", "address": f"甘肃省天水市麦积区花园路{i + 1}号"},
            amount={"principal": principal, "interest": interest, "costs": costs, "costs_label": "案件受理费",
                    "total": total},
            enforcement_fee=fee,
            account={"name": "天水市麦积区人民法院", "bank": "中国农业银行股份有限公司天水麦积支行",
                     "number": f"2706 0101 0400 {1000 + i:04d} 5", "reference": f"{number} {name}"},
            issue_date=dt.date(2026, 11, 23),
            verification={"code": f"7K3Q-{i:04d}-2DPE", "url": f"https://zxgk.tsmj.court.example/v/{i:04d}",
                          "site": "zxgk.tsmj.court.example"},
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--group", type=int, default=13, help="documents per layout (notices.batch_issue.LAYOUT_MAX)")
    parser.add_argument("--out", type=Path, default=None, help="also write the PDFs here (e.g. bench/out)")
    args = parser.parse_args(argv)

    from notices.pdf.samples import SAMPLE_TEMPLATE, configure_django_if_needed, zhixing_tongzhishu_context

    configure_django_if_needed()
    from notices.pdf import render

    print(f"notices.pdf benchmark — pid {os.getpid()}, {os.cpu_count()} CPUs, load average "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")

    started = time.perf_counter()
    render.get_engine()
    print(f"engine build (fonts registered, CSS parsed): {time.perf_counter() - started:.2f} s (once per process)")

    html = render.render_template_html(SAMPLE_TEMPLATE, zhixing_tongzhishu_context())
    for _ in range(3):  # warm-up: fontconfig/Pango caches, first subsetting of every face
        pdf = render.render_pdf(html)
    pages = _page_count(pdf)

    wall, cpu = [], []
    for _ in range(args.runs):
        w0, c0 = time.perf_counter(), time.process_time()
        pdf = render.render_pdf(html)
        wall.append(time.perf_counter() - w0)
        cpu.append(time.process_time() - c0)
    median = statistics.median(wall)
    print(f"\nsingle notice (sample 执行通知书, {pages} pages, {len(pdf) / 1024:.0f} KB), {args.runs} renders:")
    print(f"  wall median {median * 1000:6.1f} ms   p95 {_percentile(wall, 95) * 1000:6.1f} ms")
    print(f"  CPU  median {statistics.median(cpu) * 1000:6.1f} ms   p95 {_percentile(cpu, 95) * 1000:6.1f} ms")
    print(f"  target ≤ {TARGET_MEDIAN_S * 1000:.0f} ms median: {'OK' if median <= TARGET_MEDIAN_S else 'MISSED'}")

    htmls = [render.render_template_html(SAMPLE_TEMPLATE, ctx) for ctx in _batch_contexts(args.batch)]
    with PeakRSS() as rss:
        w0, c0 = time.perf_counter(), time.process_time()
        batch_pdf = render.render_documents(htmls)
        batch_wall, batch_cpu = time.perf_counter() - w0, time.process_time() - c0
    batch_pages = _page_count(batch_pdf)
    peak_mb = rss.peak / 2**20
    maxrss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nbatch: {args.batch} notices in one PDF ({batch_pages} pages, {len(batch_pdf) / 2**20:.1f} MB):")
    per_page = f", {batch_wall / int(batch_pages) * 1000:.1f} ms per page" if batch_pages.isdigit() else ""
    print(f"  wall {batch_wall:6.2f} s   CPU {batch_cpu:6.2f} s   ({batch_wall / args.batch * 1000:.1f} ms per notice"
          f"{per_page})")
    print(f"  (one process, no register: the {TARGET_BATCH_S:.0f} s target is end to end on the worker, "
          f"bench/notices_batch.py)")
    print(f"  peak RSS during batch {peak_mb:6.1f} MB (ru_maxrss {maxrss_mb:.1f} MB); "
          f"target ≤ {TARGET_RSS_MB} MB: {'OK' if peak_mb <= TARGET_RSS_MB else 'MISSED'}")

    # The batch path (notices.batch_issue): groups laid out once, each group written once as one PDF (the print part:
    # shared font subsets), each notice's own PDF cut out of it (notices.pdf.cut).
    from notices.pdf.cut import Piece, cut

    LAYOUT_MAX = args.group  # noqa: N806 - as notices.batch_issue.LAYOUT_MAX

    with PeakRSS() as rss:
        w0, c0 = time.perf_counter(), time.process_time()
        own_bytes = part_bytes = 0
        layout_cpu = cut_cpu = part_cpu = 0.0
        for start in range(0, len(htmls), LAYOUT_MAX):
            group = htmls[start:start + LAYOUT_MAX]
            t = time.process_time()
            split = render.render_split(group)
            layout_cpu += time.process_time() - t
            t = time.process_time()
            part = split.combined_pdf(list(range(len(group))))
            part_bytes += len(part)
            part_cpu += time.process_time() - t
            t = time.process_time()
            own_bytes += sum(map(len, cut(part, [Piece(a, b, title) for (a, b), title in zip(split.ranges, split.titles,
                                                                                            strict=True)])))
            cut_cpu += time.process_time() - t
            split.release()
        split_wall, split_cpu = time.perf_counter() - w0, time.process_time() - c0
    n = len(htmls)
    print(f"\nbatch path: {n} notices in groups of {LAYOUT_MAX}, one layout and one PDF per group (the print parts, "
          f"{part_bytes / 2**20:.1f} MB), each notice's own PDF cut from it ({own_bytes / 2**20:.1f} MB in all):")
    print(f"  wall {split_wall:6.2f} s   CPU {split_cpu:6.2f} s   per notice: layout {layout_cpu / n * 1000:.1f} ms, "
          f"group PDF {part_cpu / n * 1000:.1f} ms, cut {cut_cpu / n * 1000:.1f} ms; "
          f"peak RSS {rss.peak / 2**20:.0f} MB")

    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "notice.pdf").write_bytes(pdf)
        (args.out / f"batch-{args.batch}.pdf").write_bytes(batch_pdf)
        print(f"\nwritten: {args.out / 'notice.pdf'} ({pages} pages), {args.out / f'batch-{args.batch}.pdf'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
