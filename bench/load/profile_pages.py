"""Per-page cost of what the simulated officers request: wall and CPU time and SQL queries, one process, no
concurrency, so the slowest endpoints stand out. Uses the load database that run_load.py prepared.

    .venv/bin/python bench/load/profile_pages.py [--runs 20] [--profile /cases/mine/]

``--profile URL`` prints the top functions by cumulative time (cProfile) for that one page.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/enforcement_load")
os.environ.setdefault("DJANGO_SECRET_KEY", "load-benchmark-not-a-real-secret-" + "x" * 20)
os.environ.setdefault("ENF_INSECURE_HTTP", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "enforcement.settings")
os.environ.setdefault("DJANGO_STATIC_ROOT", str(ROOT / "var" / "load" / "static"))
os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.models import User  # noqa: E402
from cases.models import OPEN_STAGES, Case  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--officer", default="officer1")
    parser.add_argument("--profile", help="cProfile this URL")
    args = parser.parse_args()
    terms = json.loads((ROOT / "var" / "load" / "terms.json").read_text())
    user = User.objects.get(username=args.officer)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    cases = list(Case.objects.filter(officer=user, stage__in=OPEN_STAGES).order_by("id").values_list("pk", flat=True))
    case = cases[len(cases) // 2]
    urls = [
        ("/cases/mine/", "/cases/mine/"),
        ("/cases/[id]/", f"/cases/{case}/"),
        ("/cases/[id]/?tab=assets", f"/cases/{case}/?tab=assets"),
        ("/cases/[id]/actions/new/", f"/cases/{case}/actions/new/?kind=network_query"),
        ("/cases/?q=[full name]", "/cases/?q=" + terms["full_names"][0]),
        ("/cases/?q=[2-char prefix]", "/cases/?q=" + terms["prefixes"][0]),
        ("/cases/?q=[case number]", "/cases/?q=" + terms["numbers"][0]),
        ("/cases/?q=[serial]", "/cases/?q=" + terms["serials"][0]),
        ("/api/v1/cases/?q=[name]", "/api/v1/cases/?q=" + terms["full_names"][0]),
        ("/api/v1/cases/?officer=&open=1", f"/api/v1/cases/?officer={user.pk}&open=1"),
        ("/api/v1/me/", "/api/v1/me/"),
        ("/deadlines/", "/deadlines/"),
    ]
    if args.profile:
        client.get(args.profile)
        prof = cProfile.Profile()
        prof.enable()
        for _ in range(args.runs):
            client.get(args.profile)
        prof.disable()
        stats = pstats.Stats(prof).sort_stats(os.environ.get("SORT", "cumulative"))  # SORT=tottime for own time
        stats.print_stats(int(os.environ.get("TOP", "45")))
        return 0
    print(f"{'page':34} {'status':>6} {'queries':>7} {'wall p50':>9} {'cpu p50':>8} {'wall max':>9}  (ms)")
    for name, url in urls:
        r = client.get(url)  # warm
        walls, cpus = [], []
        for _ in range(args.runs):
            w, c = time.perf_counter(), time.process_time()
            with CaptureQueriesContext(connection) as q:
                r = client.get(url)
            walls.append((time.perf_counter() - w) * 1000)
            cpus.append((time.process_time() - c) * 1000)
        print(f"{name:34} {r.status_code:6d} {len(q.captured_queries):7d} {statistics.median(walls):9.1f} "
              f"{statistics.median(cpus):8.1f} {max(walls):9.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
