"""Run the deadline scan now, as beat does every hour; ``--full`` after an import that bypassed the triggers."""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from deadlines.services import deadlines_scan


class Command(BaseCommand):
    help = ("Run the deadline scan now: recompute what changed, claim reminders, send the e-mail digests. With --full "
            "every case is recomputed and every reminder day claimed, which is needed after facts were written with "
            "the deadlines triggers bypassed (e.g. a bulk import under session_replication_role = replica).")

    def add_arguments(self, parser):
        parser.add_argument("--full", action="store_true", help="recompute and claim everything, not what changed")
        parser.add_argument("--as-of", dest="as_of", metavar="YYYY-MM-DD",
                            help="the day to scan for (default: today in the court's time zone)")

    def handle(self, *args, **options):
        today = None
        if options["as_of"]:
            try:
                today = date.fromisoformat(options["as_of"])
            except ValueError:
                raise CommandError(f"--as-of: {options['as_of']!r} is not a date (YYYY-MM-DD).") from None
        result = deadlines_scan(today=today, trigger="command", wait_for_recompute=True, full=options["full"])
        recompute = result.recompute
        self.stdout.write(
            f"scan {result.scan_id} as of {result.as_of} ({'full' if options['full'] else 'incremental'}): "
            f"{recompute.changed if recompute else 0} deadlines changed, {result.reminders} reminders, "
            f"{result.emails} e-mails in {sum(result.seconds.values()):.1f} s")
