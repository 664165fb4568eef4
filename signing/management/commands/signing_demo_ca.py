"""Create the demo certificate authority and a demo signing certificate for every court without an active one
(idempotent). For demonstration and tests only: a court installs its real certificate with signing_install."""

from django.core.management.base import BaseCommand

from signing.setup import ensure_demo


class Command(BaseCommand):
    help = "Create the demo CA and a demo signing certificate for each court lacking one (idempotent)."

    def handle(self, *args, **options):
        created, given = ensure_demo()
        self.stdout.write(f"demo CA: {'created' if created else 'already present'}; "
                          f"certificates issued: {', '.join(c.code for c in given) or 'none'}")
