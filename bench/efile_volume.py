"""Benchmark: the archive volume of a 300-page case file (mixed generated and scanned pages), built by a real Celery
worker, with its progress shown.

In the database enf_bench_efile (created and migrated if missing): the demo organisation and one closed case whose
file holds ``--generated`` generated documents and ``--scans`` scans of ``--scan-pages`` pages each (created once,
reused by later runs; each run deletes the previous run's volume and puts the case back to closed). Generated
documents: one real 执行通知书 rendered by the notices engine (2 pages), its register row copied (new number,
same stored PDF) so the file has many; scans: A4 greyscale JPEG pages at 150 dpi with Chinese text (a typical
scanner setting), as uploaded through ``efile.services.scan_upload`` (OCR marked done: OCR is not part of the
volume's time).

Printed: pages, wall time from the click (``volume_request``) to the frozen volume (polled every 100 ms, with the
progress the page shows), the worker's peak RSS (VmHWM of the solo worker process: the build runs in it) and its
RSS before the task; the baseline in the same run: joining the same PDFs with pikepdf alone (no cover, catalogue,
numbers or 备考表), and the ratio; the load average at start and end.

    .venv/bin/python bench/efile_volume.py [--generated 75] [--scans 15] [--scan-pages 10]

Target (issue 22): 300 pages in ≤ 30 s, worker memory < 600 MB. Broker: CELERY_BROKER_URL (a Redis database of
your own; flushed before and after).
"""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB = "enf_bench_efile"
BROKER = os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/25")
VAR = Path(tempfile.gettempdir()) / "enf-bench-efile"
os.environ.update({
    "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB}", "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "bench-efile-not-a-secret", "ENF_INSECURE_HTTP": "1", "ENF_STATIC_MANIFEST": "0",
    "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend", "DJANGO_LOG_LEVEL": "WARNING",
    "CELERY_BROKER_URL": BROKER, "ENF_VAR_DIR": str(VAR),
})
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "enforcement.settings")
os.environ.setdefault("ENF_FONTS_DIR", str(ROOT / "var" / "fonts"))
os.environ.pop("REDIS_URL", None)
MARK = "（2025）甘0503民初E"


def ensure_database() -> None:
    import psycopg

    with psycopg.connect("host=127.0.0.1 user=postgres dbname=postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB]).fetchone():
            conn.execute(f'CREATE DATABASE "{DB}"')


def scan_pdf(pages: int, label: str) -> bytes:
    import img2pdf
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(str(Path(os.environ["ENF_FONTS_DIR"]) / "enf-body.otf"), 30)
    images = []
    for n in range(pages):
        image = Image.new("L", (1240, 1754), 245)
        draw = ImageDraw.Draw(image)
        for line in range(30):
            draw.text((120, 140 + line * 50), f"{label} 第{n + 1}页 第{line + 1}行 被执行人名下财产调查笔录内容", fill=20,
                      font=font)
        out = io.BytesIO()
        image.save(out, "JPEG", quality=75, dpi=(150, 150))
        images.append(out.getvalue())
    return img2pdf.convert(images)


def ensure_case(org, *, generated: int, scans: int, scan_pages: int):
    from datetime import timedelta
    from decimal import Decimal

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import transaction
    from django.utils import timezone

    from cases.models import Case
    from cases.services import PartyInput, case_register, closure_approve, closure_request
    from efile.models import FileItem
    from efile.services import file_generated, scan_upload
    from notices import documents
    from notices import services as notice_services
    from notices.models import DocumentFile, IssuedDocument

    existing = Case.objects.filter(basis_number=MARK).first()
    if existing is not None:
        return existing
    staff = org.staff
    clerk, chief = staff["clerk1"], staff["chief"]
    officer = next(u for u in staff.values() if "officer" in (u.roles or []) and u.court_id == org.court.pk)
    if not org.court.phone:
        org.court.phone = "0938-2712345"
        org.court.save(update_fields=["phone"])
    team = officer.teams.first()
    day = timezone.localdate() - timedelta(days=90)
    case = case_register(
        actor=clerk, court=org.court, team=team, officer=officer, case_type="执", received_on=day, filed_on=day,
        basis_kind="judgment", basis_issuer=org.court.name, basis_number=MARK,
        basis_effective_on=day - timedelta(days=60), basis_due_on=day - timedelta(days=30),
        principal=Decimal("100000.00"), parties=[
            PartyInput(role="applicant", kind="person", name="张三", id_kind="resident_id",
                       id_number="11010519491231002X", address="甘肃省天水市麦积区桥南路1号"),
            PartyInput(role="respondent", kind="legal_person", name="天水示例建材有限公司", id_kind="uscc",
                       id_number="91110108551385082Q", address="甘肃省天水市麦积区马跑泉路8号")])
    kind = documents.get("enforcement_notice")
    first = notice_services.document_issue(user=clerk, case=case, doc_type="enforcement_notice",
                                           addressee_key=kind.addressees(case)[0].key)
    pdf = bytes(DocumentFile.objects.get(document=first).pdf)
    codes = notice_services._unique_codes(generated)
    with transaction.atomic():
        for n in range(1, generated):
            copy = IssuedDocument.objects.create(
                court=first.court, case=case, doc_type=first.doc_type, year=first.year, serial=first.serial + n,
                number=f"{first.number}-{n}", addressee_key=f"bench:{n}", addressee_name=first.addressee_name,
                params={"bench": n}, sha256=first.sha256, pages=first.pages, size=first.size,
                verification_code=codes[n], issued_by=clerk, issue_date=first.issue_date)
            DocumentFile.objects.create(document=copy, pdf=pdf)
            file_generated(case_id=case.pk, court_id=case.court_id, document_id=copy.pk, doc_type=copy.doc_type,
                           title=f"执行通知书（{n}）", number=copy.number, doc_date=copy.issue_date, pages=copy.pages,
                           sha256=copy.sha256, size=copy.size, user_id=clerk.pk)
    for n in range(scans):
        item = scan_upload(user=officer, case=case, section="investigation", title=f"调查笔录{n + 1}",
                           upload=SimpleUploadedFile(f"scan{n}.pdf", scan_pdf(scan_pages, f"笔录{n + 1}")))
        FileItem.objects.filter(pk=item.pk).update(ocr_status="done", ocr_progress=100)
    request = closure_request(actor=officer, case=case, mode="terminated", ground="applicant_withdrew",
                              reason="申请人撤回执行申请")
    closure_approve(actor=chief, request=request)
    return Case.objects.get(pk=case.pk)


def reset(case) -> None:
    from django.db import connection

    from cases.models import Case
    from efile.models import ArchiveVolume, FileItem

    FileItem.objects.filter(case=case).update(volume=None)
    with connection.cursor() as cursor:  # the frozen volume: the trigger is bypassed for the benchmark's reset only
        cursor.execute("ALTER TABLE efile_archivevolume DISABLE TRIGGER USER")
        ArchiveVolume.objects.filter(case=case)._raw_delete(connection.alias)
        cursor.execute("ALTER TABLE efile_archivevolume ENABLE TRIGGER USER")
    Case.objects.filter(pk=case.pk).update(stage="closed", archived_on=None)


def vm(pid: int, key: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) // 1024
    return 0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--generated", type=int, default=75)
    parser.add_argument("--scans", type=int, default=15)
    parser.add_argument("--scan-pages", type=int, default=10)
    args = parser.parse_args()
    load_start = os.getloadavg()
    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    import redis

    from accounts.demo import seed_org
    from efile import storage
    from efile.models import ArchiveVolume
    from efile.services import generated_pdf, volume_request
    from efile.volume import volume_items

    org = seed_org()
    case = ensure_case(org, generated=args.generated, scans=args.scans, scan_pages=args.scan_pages)
    reset(case)
    items = volume_items(case.pk)
    pages = sum(i.page_count for i in items)
    print(f"case {case.number}: {len(items)} documents, {pages} pages "
          f"({sum(i.page_count for i in items if i.kind == 'generated')} generated, "
          f"{sum(i.page_count for i in items if i.kind == 'scan')} scanned)")

    # Baseline: the same PDFs joined by pikepdf alone, in this process.
    import pikepdf

    started = time.perf_counter()
    out = pikepdf.new()
    sources = []
    for item in items:
        src = pikepdf.open(io.BytesIO(generated_pdf(item))) if item.kind == "generated" else \
            pikepdf.open(storage.absolute(item.path))
        sources.append(src)
        out.pages.extend(src.pages)
    with tempfile.NamedTemporaryFile(suffix=".pdf") as tmp:
        out.save(tmp.name)
    baseline = time.perf_counter() - started
    for src in sources:
        src.close()

    redis.Redis.from_url(BROKER).flushdb()
    env = dict(os.environ)
    log_path = VAR / "worker.log"
    VAR.mkdir(parents=True, exist_ok=True)
    celery = str(Path(sys.executable).with_name("celery"))
    with open(log_path, "w") as log:
        worker = subprocess.Popen([celery, "-A", "enforcement", "worker", "-P", "solo", "-n", "bench-efile@%h",
                                   "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=INFO"],
                                  cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while "ready." not in log_path.read_text():
            if time.monotonic() > deadline or worker.poll() is not None:
                raise SystemExit(f"worker did not start; see {log_path}")
            time.sleep(0.2)
        rss_before = vm(worker.pid, "VmRSS")
        clerk = org.staff["clerk1"]
        started = time.perf_counter()
        volume = volume_request(user=clerk, case=case)
        shown = None
        while True:
            row = ArchiveVolume.objects.values("status", "progress", "stage").get(pk=volume.pk)
            if (row["progress"], row["stage"]) != shown:
                shown = (row["progress"], row["stage"])
                print(f"  {time.perf_counter() - started:6.2f} s  {row['progress']:3d}%  {row['stage']}")
            if row["status"] != "building":
                break
            if time.perf_counter() - started > 300:
                raise SystemExit("timed out")
            time.sleep(0.1)
        wall = time.perf_counter() - started
        peak = vm(worker.pid, "VmHWM")
    finally:
        os.killpg(worker.pid, 15)
        worker.wait(30)
        redis.Redis.from_url(BROKER).flushdb()
    volume = ArchiveVolume.objects.get(pk=volume.pk)
    if volume.status != "done":
        raise SystemExit(f"volume failed: {volume.error}")
    load_end = os.getloadavg()
    print(f"volume: {volume.page_count} pages ({volume.document_pages} numbered), "
          f"{volume.size / 1024 / 1024:.1f} MB, PDF/A-{volume.pdfa or '-'}")
    print(f"wall time (click → frozen volume): {wall:.2f} s   target ≤ 30 s")
    print(f"worker peak RSS (VmHWM): {peak} MB (RSS before the task {rss_before} MB)   target < 600 MB")
    print(f"baseline (pikepdf join of the same PDFs, in process): {baseline:.2f} s   ratio {wall / baseline:.1f}×")
    print(f"load average: start {load_start[0]:.2f} {load_start[1]:.2f} {load_start[2]:.2f}; "
          f"end {load_end[0]:.2f} {load_end[1]:.2f} {load_end[2]:.2f} ({os.cpu_count()} CPUs)")


if __name__ == "__main__":
    main()
