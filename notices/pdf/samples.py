"""Sample data and standalone Django setup for the tests, the benchmark and previews.

    python -m notices.pdf.samples /tmp/zhixing.pdf [--attachment]   # writes the sample 执行通知书
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from decimal import Decimal
from typing import Any

from notices.pdf.fonts import PROJECT_ROOT

SAMPLE_TEMPLATE = "notices/docs/zhixing_tongzhishu.html"


def configure_django_if_needed() -> None:
    """Configure a minimal, template-only Django when nothing else has configured it.

    Under the project's pytest-django run (or with DJANGO_SETTINGS_MODULE set) the project settings are used and
    this only makes sure the app registry is ready. Otherwise (``pytest -p no:django``, the benchmark, previews)
    it calls ``settings.configure()`` with just what the notice templates need.
    """
    import django
    from django.apps import apps
    from django.conf import settings

    if not settings.configured and not os.environ.get("DJANGO_SETTINGS_MODULE"):
        settings.configure(
            DEBUG=False,
            USE_TZ=True,
            TIME_ZONE="Asia/Shanghai",
            LANGUAGE_CODE="zh-hans",
            INSTALLED_APPS=[],
            TEMPLATES=[
                {
                    "BACKEND": "django.template.backends.django.DjangoTemplates",
                    "DIRS": [str(PROJECT_ROOT / "templates")],
                    "APP_DIRS": False,
                    "OPTIONS": {"libraries": {"notices_pdf": "notices.pdf.templatetags"}},
                }
            ],
        )
    if not apps.ready:
        django.setup()


def zhixing_tongzhishu_context(**overrides: Any) -> dict[str, Any]:
    """Realistic context for the 执行通知书 sample (fictitious parties; a rare-character debtor name)."""
    principal = Decimal("100000.00")
    interest = Decimal("12345.67")
    costs = Decimal("2300.00")
    total = principal + interest + costs
    context: dict[str, Any] = {
        "court_name": "甘肃省天水市麦积区人民法院",
        "case_number": "（2026）甘0503执1234号",
        "debtor": {
            "name": "龚堃喆",
            "kind": "person",
            "id_number": "620503198805120035",
            "address": "甘肃省天水市麦积区花园路18号",
        },
        "applicant": {"name": "天水市陇䶮商贸有限公司"},
        "basis": {
            "issuer": "甘肃省天水市麦积区人民法院",
            "number": "（2025）甘0503民初567号",
            "title": "民事判决书",
            "cause": "买卖合同纠纷",
        },
        "filed_date": dt.date(2026, 11, 16),
        "amount": {
            "principal": principal,
            "interest": interest,
            "interest_note": "暂计算至2026年11月16日，此后按生效法律文书确定的标准计算至实际清偿之日止",
            "costs": costs,
            "costs_label": "案件受理费",
            "total": total,
        },
        "deadline": dt.date(2026, 11, 30),
        "account": {
            "name": "天水市麦积区人民法院",
            "bank": "中国农业银行股份有限公司天水麦积支行",
            "number": "2706 0101 0400 1234 5",
            "reference": "（2026）甘0503执1234号 龚堃喆",
        },
        "enforcement_fee": Decimal("1619.69"),  # domain §4.1: 114,645.67 × 1.5% − 100
        "officer": {"name": "王志刚", "phone": "0938-2712345"},
        "issue_date": dt.date(2026, 11, 23),
        "verification": {
            "code": "7K3Q-9MXA-2DPE",
            "url": "https://zxgk.tsmj.court.example/verify?code=7K3Q-9MXA-2DPE",
            "site": "zxgk.tsmj.court.example",
        },
        "attach_property_form": False,
    }
    context.update(overrides)
    return context


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write the sample 执行通知书 PDF")
    parser.add_argument("out")
    parser.add_argument("--attachment", action="store_true", help="add the 财产调查表 page")
    parser.add_argument("--html", action="store_true", help="write the HTML instead of the PDF")
    args = parser.parse_args(argv)
    configure_django_if_needed()
    from notices.pdf.render import render_template_html, render_pdf

    html = render_template_html(SAMPLE_TEMPLATE, zhixing_tongzhishu_context(attach_property_form=args.attachment))
    data = html.encode() if args.html else render_pdf(html)
    with open(args.out, "wb") as fh:
        fh.write(data)
    print(f"{args.out}: {len(data)} bytes", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
