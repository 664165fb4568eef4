"""Benchmark: what the court's seal adds to issuing documents (signing.crypto.pdf_sign: PAdES B-B, SHA-256, EC P-256,
visible seal), measured against rendering the same documents unsigned, in one run.

No database: the cost measured is the work signing adds to each issue (reading the PDF, finding the seal's place,
the incremental update with the seal image, the CMS signature); the issue's extra INSERT of the signed bytes is the
same size as the stored PDF's. In one warm process:

* baseline: render K distinct 执行通知书 (the shipped two-page sample, notices/pdf/samples.py, with the register's
  PDF engine, notices.services.pdf_render), per document;
* the first signature (cold: key decryption by PBKDF2, the seal image drawn), then a batch of N signatures
  (default 500) over the K PDFs in turn: per document and in all;
* the validation of a signed PDF (what the public verify page does per view);
* the ratio of signing to rendering, and the load average at the start and the end.

    .venv/bin/python bench/signing_batch.py [--batch 500] [--distinct 5]

The machine is shared; run it alone for figures worth quoting.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "enforcement.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only")
os.environ.setdefault("ENF_INSECURE_HTTP", "1")
os.environ.setdefault("ENF_FONTS_DIR", str(ROOT / "var" / "fonts"))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--distinct", type=int, default=5)
    args = parser.parse_args(argv)

    import warnings

    warnings.filterwarnings("ignore")
    import django

    django.setup()
    from notices.pdf import render_template_html
    from notices.pdf.samples import SAMPLE_TEMPLATE, zhixing_tongzhishu_context
    from notices.services import pdf_render
    from signing import crypto

    load_start = os.getloadavg()
    names = ["龚堃喆", "天水示例建材有限公司", "李娜", "甘肃陇原机械制造有限责任公司", "王小明", "赵敏", "钱多多"]
    pdf_render(render_template_html(SAMPLE_TEMPLATE, zhixing_tongzhishu_context()))  # warm the engine
    pdfs, render_ms = [], []
    for i in range(args.distinct):
        ctx = zhixing_tongzhishu_context(court_name="天水市麦积区人民法院", addressee=names[i % len(names)],
                                         document_number=f"（2026）甘0503执{1000 + i}号")
        ctx["verification"] = {"code": f"ABCD-EFGH-{i:02d}", "url": f"https://verify.example/v/{i}", "site": "x"}
        started = time.perf_counter()
        pdf, _pages = pdf_render(render_template_html(SAMPLE_TEMPLATE, ctx))
        render_ms.append((time.perf_counter() - started) * 1000)
        pdfs.append(pdf)

    root, root_key = crypto.demo_root_new()
    cert, key = crypto.court_cert_new(court_name="天水市麦积区人民法院", court_code="甘0503", root_cert=root,
                                      root_key=root_key)
    signer = crypto.SignerKey(cert_pem=crypto.cert_pem(cert), chain_pem=crypto.cert_pem(root),
                              key_pem=crypto.key_encrypt(key), court_name="天水市麦积区人民法院")
    started = time.perf_counter()
    crypto.pdf_sign(pdfs[0], key=signer, reason="cold")
    cold_ms = (time.perf_counter() - started) * 1000

    sign_ms = []
    batch_started = time.perf_counter()
    last = b""
    for n in range(args.batch):
        started = time.perf_counter()
        last = crypto.pdf_sign(pdfs[n % len(pdfs)], key=signer, reason=f"（2026）甘0503执{n}号")
        sign_ms.append((time.perf_counter() - started) * 1000)
    batch_s = time.perf_counter() - batch_started

    roots = [crypto.cert_pem(root)]
    validate_ms = []
    for _ in range(20):
        started = time.perf_counter()
        assert crypto.pdf_validate(last, trust_roots_pem=roots).valid
        validate_ms.append((time.perf_counter() - started) * 1000)

    render_median = statistics.median(render_ms)
    sign_median = statistics.median(sign_ms)
    size_in = statistics.mean(len(p) for p in pdfs)
    print(f"load average at start: {load_start[0]:.2f} {load_start[1]:.2f} {load_start[2]:.2f} "
          f"(cpus: {os.cpu_count()})")
    print(f"render unsigned (baseline): {args.distinct} documents, median {render_median:.1f} ms, "
          f"mean {statistics.mean(render_ms):.1f} ms, {size_in / 1024:.0f} KiB each")
    print(f"first signature (cold: key decryption, seal drawn): {cold_ms:.0f} ms")
    p95 = sorted(sign_ms)[int(len(sign_ms) * 0.95) - 1]
    print(f"sign batch of {args.batch}: {batch_s:.1f} s in all, per document median {sign_median:.1f} ms, "
          f"p95 {p95:.1f} ms, max {max(sign_ms):.1f} ms; +{(len(last) - len(pdfs[(args.batch - 1) % len(pdfs)])) / 1024:.0f} KiB per PDF")
    print(f"validate a signed PDF (verify page): median {statistics.median(validate_ms):.1f} ms")
    print(f"ratio signing / unsigned render per document: {sign_median / render_median:.2f}")
    print(f"batch of {args.batch}: unsigned render ≈ {render_median * args.batch / 1000:.0f} s, "
          f"with signing ≈ {(render_median + sign_median) * args.batch / 1000:.0f} s "
          f"(+{sign_median / render_median * 100:.0f} %)")
    load_end = os.getloadavg()
    print(f"load average at end: {load_end[0]:.2f} {load_end[1]:.2f} {load_end[2]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
