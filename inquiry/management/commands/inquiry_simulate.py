"""Answer an exported inquiry batch as the outside agencies would (docs/exchange.md, "The simulator")."""

import os
import re
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from inquiry.simulator import SimulationError, read_batch, simulate

BATCH_RE = re.compile(r"^[A-Za-z0-9-]{1,40}$")


def outbox_dir() -> Path:
    return Path(settings.INQUIRY_OUTBOX_DIR)


def inbox_dir() -> Path:
    return Path(settings.INQUIRY_INBOX_DIR)


def batch_zip(source: str, court: str | None = None) -> bytes:
    """The ZIP's bytes: ``source`` is a path to an exported ZIP, or a batch number (its exported ZIP as kept on the
    batch, else the one in the outbox; ``court``, a court code, picks among courts using the same number)."""
    path = Path(source)
    if source.lower().endswith(".zip") or os.sep in source or path.exists():
        if not path.is_file():
            raise CommandError(f"{source}: no such file.")
        return path.read_bytes()
    if not BATCH_RE.match(source):
        raise CommandError(f"{source!r} is neither a ZIP file nor a batch number (ASCII letters, digits and -).")
    from inquiry.models import InquiryBatch

    batches = InquiryBatch.objects.filter(number=source, export_zip__isnull=False)
    if court:
        batches = batches.filter(court__code=court)
    found = list(batches.values_list("court__code", "export_zip")[:10])
    if len(found) > 1:
        codes = "、".join(code for code, _zip in found)
        raise CommandError(f"Batch {source} exists at several courts ({codes}): choose one with --court.")
    if found:
        return bytes(found[0][1])
    path = outbox_dir() / f"{source}.zip"
    if not path.is_file():
        raise CommandError(f"Batch {source} has no exported ZIP in {outbox_dir()}: export the batch first.")
    return path.read_bytes()


class Command(BaseCommand):
    help = ("Write plausible result files (found accounts, vehicles, real estate, none rows, freezes done, partial or "
            "refused) answering an exported inquiry batch, deterministic for --seed: the agencies' stand-in.")

    def add_arguments(self, parser):
        parser.add_argument("batch", help="path to the exported batch ZIP, or the batch number (its ZIP in the outbox)")
        parser.add_argument("--court", help="the court's code when a batch number is used at several courts")
        parser.add_argument("--seed", type=int, default=1, help="random seed (the same seed gives the same files)")
        parser.add_argument("--out", help="directory to write the result files to (default: INQUIRY_INBOX_DIR)")
        parser.add_argument("--as-of", dest="as_of", help="the agencies' answer date, YYYY-MM-DD (default: today)")

    def handle(self, *args, batch, seed, out=None, as_of=None, court=None, **options):
        if as_of:
            try:
                day = date.fromisoformat(as_of)
            except ValueError:
                raise CommandError(f"--as-of {as_of!r} is not a date (YYYY-MM-DD).") from None
            if day > timezone.localdate():
                raise CommandError(f"--as-of {as_of} is in the future.")
        else:
            day = timezone.localdate()
        target = Path(out) if out else inbox_dir()
        if target.exists() and not target.is_dir():
            raise CommandError(f"--out {target} is not a directory.")
        try:
            files = simulate(read_batch(batch_zip(batch, court)), seed=seed, as_of=day)
        except SimulationError as exc:
            raise CommandError(f"{batch}: {exc}") from None
        target.mkdir(parents=True, exist_ok=True)
        for name, content in files.items():
            tmp = target / f".{name}.tmp"
            tmp.write_bytes(content)
            tmp.replace(target / name)  # a channel polling the inbox never reads half a file
            rows = content.count(b"\n") - 1
            self.stdout.write(f"{target / name} ({rows} rows)")
        self.stdout.write(self.style.SUCCESS(f"Wrote {len(files)} result file(s) to {target}"))
