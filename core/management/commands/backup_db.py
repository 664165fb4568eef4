from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.backup import backup


class Command(BaseCommand):
    help = "Dump the database with pg_dump (custom format). Back up the media folder beside it."

    def add_arguments(self, parser):
        parser.add_argument("--out", help="File to write (default: enforcement-YYYYmmdd-HHMMSS.dump)")

    def handle(self, *args, out=None, **options):
        path = Path(out or timezone.localtime().strftime("enforcement-%Y%m%d-%H%M%S.dump"))
        if path.exists():
            raise CommandError(f"{path} exists; choose another file.")
        try:
            backup(path)
        except Exception as exc:  # the tool's stderr is the useful part
            raise CommandError(f"Backup failed: {getattr(exc, 'stderr', '') or exc}") from None
        self.stdout.write(self.style.SUCCESS(f"Wrote {path} ({path.stat().st_size} bytes)"))
