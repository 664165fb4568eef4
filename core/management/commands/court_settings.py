"""``manage.py court_settings``: list every per-court setting; ``--check``: check the courts (core.court_setup).

``--check [--court CODE]`` prints, for each court (or the one named), what its documents still lack, in the
administrator's words, and exits with code 1 when anything is missing or invalid (for deployment scripts).
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from core.court_settings import registry
from core.court_setup import check_court


class Command(BaseCommand):
    help = "List every per-court setting with its default and meaning; --check reports what each court lacks."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true",
                            help="Check the courts' settings; exit code 1 when any is missing or invalid.")
        parser.add_argument("--court", default="", help="With --check: only the court with this code (甘0503).")

    def handle(self, *args, check: bool, court: str, **options):
        if not check:
            for key, s in sorted(registry().items()):
                label = f" ({s.label})" if s.label else ""
                self.stdout.write(f"{key}{label} = {s.default!r}  [{s.kind.__name__}]\n    {s.help}")
            return
        from accounts.models import Court

        with translation.override("zh-hans"):
            courts = Court.objects.order_by("code")
            if court:
                courts = courts.filter(code=court)
                if not courts.exists():
                    raise CommandError(_("No court with the code %(code)s.") % {"code": court})
            failing = 0
            for c in courts:
                problems = check_court(c)
                if not problems:
                    self.stdout.write(self.style.SUCCESS(_("%(court)s has every setting its documents need.")
                                                         % {"court": f"{c.name}（{c.code}）"}))
                    continue
                failing += 1
                self.stdout.write(self.style.WARNING(f"{c.name}（{c.code}）："))
                for p in problems:
                    self.stdout.write(f"  - {p.message}")
            if failing:
                raise CommandError(_("%(n)s court(s) lack settings their documents need.") % {"n": failing},
                                   returncode=1)
