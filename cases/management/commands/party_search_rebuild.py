"""Rebuild the party-name search table (cases.PartySearch) from the case parties: after a bulk import or a restore."""

from django.core.management.base import BaseCommand

from cases.services.search import party_search_rebuild


class Command(BaseCommand):
    help = "Rebuild the party-name search table from the case parties (all courts, or one with --court)."

    def add_arguments(self, parser):
        parser.add_argument("--court", type=int, help="only this court's rows (court id)")

    def handle(self, *args, court=None, **options):
        rows = party_search_rebuild(court_id=court)
        self.stdout.write(f"party search rows written: {rows}")
