"""Prepare the load-test database after ``seed_demo``: check the demo officers exist and write the search terms the
simulated officers type (party names and case numbers of the demo court) to a JSON file.

Run by run_load.py with the load database's environment; on its own:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/enforcement_load DJANGO_SECRET_KEY=x \
        .venv/bin/python bench/load/setup.py --out var/load/terms.json
Idempotent: reads only.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "enforcement.settings")

import django  # noqa: E402

django.setup()

from accounts.models import User  # noqa: E402
from cases.models import Case, Party  # noqa: E402

OFFICERS = [f"officer{i}" for i in range(1, 9)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True, help="JSON file for the search terms")
    parser.add_argument("--officers", default=",".join(OFFICERS), help="comma-separated accounts the users sign in as")
    args = parser.parse_args()
    wanted = [o for o in args.officers.split(",") if o]
    officers = list(User.objects.filter(username__in=wanted, is_active=True).values_list("username", flat=True))
    missing = sorted(set(wanted) - set(officers))
    if missing:
        print(f"missing demo officers {missing}: run manage.py seed_demo first", file=sys.stderr)
        return 1
    rng = random.Random(8)
    names = list(Party.objects.order_by("id").values_list("name", flat=True)[:5000])
    numbers = list(Case.objects.order_by("id").values_list("number", flat=True)[:5000])
    terms = {
        "officers": sorted(officers),
        "full_names": rng.sample(names, min(300, len(names))),
        # What an officer types when half-remembering a name: the surname and one more character.
        "prefixes": sorted({n[:2] for n in rng.sample(names, min(300, len(names))) if len(n) >= 2}),
        "numbers": rng.sample(numbers, min(300, len(numbers))),
        # The serial alone, as people say it ("执1234号" → "1234").
        "serials": [n.rsplit("执", 1)[-1].rstrip("号") for n in rng.sample(numbers, min(300, len(numbers)))],
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(terms, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"{len(officers)} officers, {len(terms['full_names'])} names, {len(terms['numbers'])} case numbers -> {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
