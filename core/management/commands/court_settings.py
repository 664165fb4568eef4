from django.core.management.base import BaseCommand

from core.court_settings import registry


class Command(BaseCommand):
    help = "List every per-court setting with its default and meaning."

    def handle(self, *args, **options):
        for key, s in sorted(registry().items()):
            self.stdout.write(f"{key} = {s.default!r}  [{s.kind.__name__}]\n    {s.help}")
