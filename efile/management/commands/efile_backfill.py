"""File the already issued documents into their cases' electronic files (once; safe to run again)."""

from django.core.management.base import BaseCommand

from efile.services import backfill_generated


class Command(BaseCommand):
    help = "File issued documents that are not yet in their case's electronic file."

    def add_arguments(self, parser):
        parser.add_argument("--court", type=int, default=None, help="Only this court (id).")
        parser.add_argument("--limit", type=int, default=100000)

    def handle(self, *args, court=None, limit=100000, **options):
        count = backfill_generated(court_id=court, limit=limit)
        self.stdout.write(f"filed {count} documents")
