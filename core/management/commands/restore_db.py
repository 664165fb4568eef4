from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backup import restore


class Command(BaseCommand):
    help = "Restore a backup_db dump into a NEW database on the same server (then point DATABASE_URL at it)."

    def add_arguments(self, parser):
        parser.add_argument("dump")
        parser.add_argument("--database-name", required=True, help="Name of the new database to create")

    def handle(self, *args, dump, database_name, **options):
        path = Path(dump)
        if not path.is_file():
            raise CommandError(f"dump: {path} is not a file.")
        try:
            restore(path, database_name)
        except FileExistsError as exc:
            raise CommandError(f"--database-name: {exc}") from None
        except Exception as exc:
            raise CommandError(f"Restore failed: {getattr(exc, 'stderr', '') or exc}") from None
        self.stdout.write(self.style.SUCCESS(f"Restored {path} into database {database_name}"))
