"""Benchmark: a batch print of N 执行通知书 end to end through the task path, in a real Celery worker.

In the database enf_bench_batch (created and migrated if missing): the demo organisation and N cases (created once,
reused by later runs). Each run deletes the documents of earlier runs, starts a real worker
(``celery worker -P prefork -c 2``: two processes, each with its PDF engine warmed at start) on Redis, and then:

* a batch of N enforcement notices, from ``batch_create`` (the page's POST) to the finished row: every notice
  issued through ``document_issue`` (number, context, HTML, PDF, register row, stored PDF, timeline event) in
  parallel chunks, the stored PDFs joined into one, the labels and the address sheet rendered, deadlines recomputed;
* the same batch again: every document reused (no new number, no rendering), joined and labelled.

Printed: wall time (submit → finished, polled every 50 ms), the phases (issuing; joining + labels), the CPU time of
the worker processes and of the database server processes serving them, and per batch the peak memory of the worker:
PSS summed over the main process and all its children (pool processes, pdfunite), sampled every 0.5 s, and the
exact peak RSS of each process (VmHWM); the load average at the start and the end.
BENCH_WORKER_LOGLEVEL=INFO puts each task's run time into the worker log (printed path).

    .venv/bin/python bench/notices_batch.py [--cases 200] [--redis-db 5] [--concurrency 2]

Targets (issue 5): 200 notices ≤ 6 s end to end; worker memory ≤ 500 MB during the batch.
The machine is shared; wall times are pessimistic when other work runs, the CPU time is the steadier figure.
Isolation: its own database (enf_bench_batch) and Redis database (--redis-db, 0-9; default 5, flushed before and
after), the cache in process memory (REDIS_URL unset), DEBUG off as in production.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB = "enf_bench_batch"
# DEBUG off, as in production: with DEBUG on, Django keeps the SQL of the last 9,000 queries of each worker process,
# including every stored PDF as an escaped bytea literal (tens of MB per process, and the CPU to format them).
os.environ.update({
    "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB}", "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "bench-notices-batch-not-a-secret", "ENF_INSECURE_HTTP": "1", "ENF_STATIC_MANIFEST": "0",
    "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend", "DJANGO_LOG_LEVEL": "WARNING",
})
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "enforcement.settings")
os.environ.setdefault("ENF_FONTS_DIR", str(ROOT / "var" / "fonts"))
os.environ.pop("REDIS_URL", None)

TARGET_S = 6.0
TARGET_MB = 500
DOC_TYPE = "enforcement_notice"
MARK = "（2025）甘0503民初B"  # basis numbers of the benchmark's cases


def ensure_database() -> None:
    import psycopg

    with psycopg.connect("host=127.0.0.1 user=postgres dbname=postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB]).fetchone():
            conn.execute(f'CREATE DATABASE "{DB}"')


def ensure_cases(org, n: int):
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from cases.models import Case
    from cases.services import PartyInput, case_register

    clerk = next(u for u in org.staff.values() if "clerk" in (u.roles or []) and u.court_id == org.court.pk)
    officer = next(u for u in org.staff.values() if "officer" in (u.roles or []) and u.court_id == org.court.pk)
    if not officer.phone:
        officer.phone = "0938-2712345"
        officer.save(update_fields=["phone"])
    team = officer.teams.first()
    today = timezone.localdate()
    existing = list(Case.objects.filter(court=org.court, basis_number__startswith=MARK).order_by("pk")
                    .values_list("pk", flat=True))
    surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢"
    given = ["志强", "秀英", "建华", "丽娟", "堃", "喆", "海燕", "国栋", "䶮", "明轩", "淑芬", "晓东"]
    for i in range(len(existing), n):
        case = case_register(
            actor=clerk, court=org.court, team=team, officer=officer, case_type="执",
            received_on=today - timedelta(days=3), filed_on=today - timedelta(days=2), basis_kind="judgment",
            basis_issuer="天水市麦积区人民法院", basis_number=f"{MARK}{i + 1}号",
            basis_effective_on=today - timedelta(days=60), principal=Decimal(20000 + 1375 * i),
            parties=[PartyInput(role="applicant", kind="person", name="张三", address="甘肃省天水市麦积区桥南路1号"),
                     PartyInput(role="respondent", kind="person", name=surnames[i % len(surnames)] + given[i % 12],
                                address=f"甘肃省天水市麦积区花园路{i + 1}号")])
        existing.append(case.pk)
    return clerk, existing[:n]


def clear_documents() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("UPDATE notices_batchjob SET pdf = NULL, labels_pdf = NULL")
        cursor.execute("DELETE FROM notices_batchpart")
        cursor.execute("DELETE FROM notices_documentfile")
        cursor.execute("DELETE FROM notices_issueddocument")
        cursor.execute("DELETE FROM notices_documentsequence")


class Sampler:
    """Peak memory of the worker's processes (main process and pool children): the PSS summed over all of them
    (shared pages counted once, split between the processes; summing RSS would count the libraries the children share
    with the main process two or three times), sampled every ``interval`` seconds; and each process's exact peak RSS
    (the kernel's VmHWM, reset at the start of each batch through /proc/PID/clear_refs).

    Reading a process's PSS costs the kernel ~6 ms per 280 MB process (it walks the page tables), charged to this
    process: at 10 samples a second over four processes that took ~12 % of a core from a worker that needs both
    cores, so the PSS is sampled twice a second (a layout group holds its memory for about as long)."""

    def __init__(self, pid: int, interval: float = 0.5) -> None:
        import psutil

        self.root = psutil.Process(pid)
        self.interval = interval
        self.peak_total = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def reset(self) -> None:
        """Start the peaks again (a peak per batch)."""
        self.peak_total = 0
        for p in self.processes():
            try:
                Path(f"/proc/{p.pid}/clear_refs").write_text("5")
            except OSError:  # not Linux, or not allowed: VmHWM then counts from the process start
                pass

    def peaks(self) -> tuple[int, dict[int, int]]:
        """The PSS peak since ``reset`` and each process's peak RSS (VmHWM; the current RSS where unreadable)."""
        each = {}
        for p in self.processes():
            try:
                status = Path(f"/proc/{p.pid}/status").read_text()
                each[p.pid] = int(status.split("VmHWM:")[1].split()[0]) * 1024
            except (OSError, IndexError, ValueError):
                with contextlib.suppress(Exception):
                    each[p.pid] = p.memory_info().rss
        return self.peak_total, each

    def processes(self):
        return [self.root, *self.root.children(recursive=True)]

    def cpu(self) -> float:
        total = 0.0
        for p in self.processes():
            try:
                t = p.cpu_times()
                total += t.user + t.system
            except Exception:  # noqa: BLE001 - a process ending between listing and reading
                pass
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            total = 0
            for p in self.processes():
                try:
                    total += p.memory_full_info().pss
                except Exception:  # noqa: BLE001 - a process ending between listing and reading
                    continue
            self.peak_total = max(self.peak_total, total)
            self._stop.wait(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def start_worker(broker: str, concurrency: int, log: Path) -> subprocess.Popen:
    env = dict(os.environ, CELERY_BROKER_URL=broker, DATABASE_CONN_MAX_AGE="60", PYTHONUNBUFFERED="1")
    proc = subprocess.Popen(
        [str(Path(sys.executable).with_name("celery")), "-A", "enforcement", "worker", "-P", "prefork",
         "-c", str(concurrency), "-n", "bench-batch@%h", "--without-gossip", "--without-mingle",
         "--without-heartbeat", f"--loglevel={os.environ.get('BENCH_WORKER_LOGLEVEL', 'WARNING')}"],
        cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True)
    return proc


def wait_ready(proc, concurrency: int, timeout: float = 120) -> None:
    """Ready when every pool child exists and has built its engine (its CPU time stops growing)."""
    import psutil

    root = psutil.Process(proc.pid)
    end = time.monotonic() + timeout
    last = None
    while time.monotonic() < end:
        children = root.children()
        if len(children) >= concurrency:
            cpu = sum(c.cpu_times().user for c in children)
            if last is not None and cpu - last < 0.01:
                return
            last = cpu
        time.sleep(0.5)
    raise SystemExit("worker did not start")


def database_cpu() -> dict[int, float]:
    """CPU seconds of each server process connected to the benchmark's database (the worker's connections persist
    for DATABASE_CONN_MAX_AGE), this one excluded."""
    import psutil
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", [DB])
        pids = [row[0] for row in cursor.fetchall()]
    found = {}
    for pid in pids:
        with contextlib.suppress(Exception):
            t = psutil.Process(pid).cpu_times()
            found[pid] = t.user + t.system
    return found


def run_batch(clerk, case_ids, sampler: Sampler) -> dict:
    from notices import batch as service
    from notices.models import BatchJob, IssuedDocument

    sampler.reset()
    cpu0, db0 = sampler.cpu(), database_cpu()
    t0 = time.perf_counter()
    job = service.batch_create(user=clerk, case_ids=case_ids, doc_types=[DOC_TYPE], with_labels=True)
    while not BatchJob.objects.filter(pk=job.pk, finished_at__isnull=False).exists():
        time.sleep(0.05)
    wall = time.perf_counter() - t0
    cpu = sampler.cpu() - cpu0
    db = sum(v - db0.get(pid, 0.0) for pid, v in database_cpu().items())
    time.sleep(0.5)  # one more memory sample
    peak_total, peak_each = sampler.peaks()
    job = BatchJob.objects.get(pk=job.pk)
    issued = IssuedDocument.objects.filter(batch=job).order_by("issued_at").values_list("issued_at", flat=True)
    phases = ""
    if issued:
        phases = (f"issuing {(issued.last() - job.started_at).total_seconds():.2f} s, joining + labels "
                  f"{(job.finished_at - issued.last()).total_seconds():.2f} s")
    return {"job": job, "wall": wall, "cpu": cpu, "db": db, "phases": phases, "issued": len(issued),
            "peak_total": peak_total, "peak_each": peak_each, "load": os.getloadavg()}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--redis-db", type=int, default=5)
    parser.add_argument("--concurrency", type=int, default=2)
    args = parser.parse_args(argv)
    if not 0 <= args.redis_db <= 9:  # 10-15 belong to the test suites (pytest.ini) and other benchmarks
        parser.error("--redis-db must be 0-9: Redis databases 10-15 are used by the test suites")
    broker = f"redis://127.0.0.1:6379/{args.redis_db}"
    os.environ["CELERY_BROKER_URL"] = broker

    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command

    from accounts.demo import seed_org

    call_command("migrate", verbosity=0)
    org = seed_org()
    org.court.phone = org.court.phone or "0938-2712345"
    org.court.save(update_fields=["phone"])
    t = time.perf_counter()
    clerk, case_ids = ensure_cases(org, args.cases)
    print(f"notices batch benchmark — {os.cpu_count()} CPUs, load average "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}; {len(case_ids)} cases ready "
          f"({time.perf_counter() - t:.1f} s)")
    clear_documents()

    import redis

    redis.Redis.from_url(broker).flushdb()
    log = Path(tempfile.gettempdir()) / "enf-bench-batch-worker.log"
    proc = start_worker(broker, args.concurrency, log)
    try:
        t = time.perf_counter()
        wait_ready(proc, args.concurrency)
        print(f"worker ready with {args.concurrency} warm processes ({time.perf_counter() - t:.1f} s)")
        with Sampler(proc.pid) as sampler:
            base_pss = sum(p.memory_full_info().pss for p in sampler.processes()) / 2**20
            first = run_batch(clerk, case_ids, sampler)
            again = run_batch(clerk, case_ids, sampler)
        job = first["job"]
        pages = subprocess.run(["pdfinfo", "-"], input=bytes(job.pdf), capture_output=True,
                               text=False).stdout.decode().split("Pages:")[-1].split()[0]
        print(f"\nbatch of {len(case_ids)} 执行通知书 (issue + render + join + labels), status {job.status}, "
              f"{first['issued']} issued, {len(job.failures)} failures, {pages} pages, "
              f"{len(bytes(job.pdf)) / 2**20:.1f} MB, labels {len(bytes(job.labels_pdf)) / 2**10:.0f} KB")
        print(f"  wall {first['wall']:6.2f} s   worker CPU {first['cpu']:6.2f} s   database CPU {first['db']:5.2f} s   "
              f"({first['phases']})")
        print(f"  target ≤ {TARGET_S:.0f} s: {'OK' if first['wall'] <= TARGET_S else 'MISSED'}")
        print(f"same batch again (every document reused): wall {again['wall']:.2f} s, worker CPU {again['cpu']:.2f} s, "
              f"database CPU {again['db']:.2f} s, {again['issued']} new documents")
        for label, run in (("first batch", first), ("same batch again", again)):
            each = ", ".join(f"{v / 2**20:.0f}" for v in sorted(run["peak_each"].values(), reverse=True))
            total = run["peak_total"] / 2**20
            print(f"worker memory, {label}: PSS of all its processes peak {total:.0f} MB (idle before the batches "
                  f"{base_pss:.0f} MB); peak RSS per process {each} MB; target ≤ {TARGET_MB} MB: "
                  f"{'OK' if total <= TARGET_MB else 'MISSED'}")
        print(f"load average at the end {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        redis.Redis.from_url(broker).flushdb()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
