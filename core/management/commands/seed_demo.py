"""Seed the demo court: organisation, staff and (from each app's ``demo`` module) a realistic year of work.

Running it again changes nothing: the organisation is found by natural keys, and each app's seeder does nothing when
its demo data is already there.
"""

import argparse
import importlib
import re

from django.core.management.base import BaseCommand

from accounts.demo import DEMO_PASSWORD, STAFF, seed_org
from core.court_setup import check_court
from core.demo import seed_court_settings

# The apps whose ``demo.seed(org, *, seed, cases)`` adds demo data, in dependency order. The deadlines come last:
# their seeder is the deadline scan over everything the others made (so badges match their pages).
DEMO_APPS = ["cases", "assets", "inquiry", "statements", "credit", "review", "delegation", "supervision", "signing",
             "notices", "efile", "messaging", "reports", "portal", "deadlines"]


def _plain_int(text: str) -> int:
    """An integer in plain ASCII digits (``int()`` alone also takes full-width digits such as "１２３")."""
    if not re.fullmatch(r"-?[0-9]+", text.strip()):
        raise argparse.ArgumentTypeError(f"invalid integer: {text!r} (use plain digits)")
    return int(text)


class Command(BaseCommand):
    help = "Create the demo court, its staff and a year of demo cases (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=_plain_int, default=20240101, help="Random seed for the generated year.")
        parser.add_argument("--cases", type=_plain_int, default=3500, help="Cases received in the demo year.")
        parser.add_argument("--org-only", action="store_true", help="Create only the courts, teams and staff.")

    def handle(self, *args, seed: int, cases: int, org_only: bool, **options):
        if cases < 0:
            from django.core.management.base import CommandError

            raise CommandError("--cases must not be negative.")
        org = seed_org()
        seed_court_settings([org.court])
        if not org_only:
            for app in DEMO_APPS:
                try:
                    module = importlib.import_module(f"{app}.demo")
                except ModuleNotFoundError as exc:
                    if exc.name != f"{app}.demo":
                        raise
                    continue
                if hasattr(module, "seed"):
                    summary = module.seed(org, seed=seed, cases=cases)
                    if summary:
                        self.stdout.write(f"{app}: {summary}")
        problems = check_court(org.court)
        for p in problems:  # the demo court must be able to issue every document
            self.stdout.write(self.style.WARNING(p.message))
        created = ", ".join(org.created_users) or "none (already present)"
        self.stdout.write(self.style.SUCCESS(f"Demo court: {org.court.name} ({org.court.code}). Accounts created: {created}"))
        self.stdout.write(f"Demo accounts (password {DEMO_PASSWORD}): " + ", ".join(u for u, *_ in STAFF)
                          + ", zy_chief, qz_officer, qz_chief, qz_clerk, sysadmin")
