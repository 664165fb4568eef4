"""Demo data of the inquiry app (网络查控): a few officers' batches exported and answered by the agencies' stand-in
(inquiry.simulator), some found assets accepted into the register and the rest waiting, one batch still partly
answered; and one automatic post-终本 batch whose results put the query on the cases and propose resuming one of
them (the officer has put it to the chief). Everything happens today through the services (so nothing is dated
before filing or in the future); deterministic for the seed; idempotent (nothing when the court has batches)."""

from __future__ import annotations

import hashlib
import io
import logging
import random

from django.utils import timezone

from cases.models import Case, CaseParty, PartyRole, Stage

from .models import AccessAction, BatchStatus, InquiryBatch, Purpose, ResumptionProposal
from .simulator import read_batch, simulate

logger = logging.getLogger(__name__)

KINDS = ["bank", "real_estate", "vehicle"]


def _export_quietly(batch, actor) -> bytes:
    """Export as ``batch_export`` does, without handing the ZIP to the channel (the demo writes no files)."""
    from .services.access import access_log_record_many
    from .services.export import build_zip

    now = timezone.now()
    content = build_zip(batch, when=now)
    InquiryBatch.objects.filter(pk=batch.pk).update(export_zip=content,
                                                    export_sha256=hashlib.sha256(content).hexdigest(),
                                                    exported_at=now, exported_by=actor, status=BatchStatus.EXPORTED)
    access_log_record_many(user=actor, action=AccessAction.EXPORTED, requests=list(batch.requests.all()),
                           batch=batch)
    return content


def _import(batch, content: bytes, *, actor, seed: int, kinds=None) -> list:
    from .services.results import result_file_import

    files = simulate(read_batch(content), seed=seed, as_of=timezone.localdate())
    out = []
    for name, data in sorted(files.items()):
        if kinds is None or any(name.endswith(f"_{k}.jsonl") for k in kinds):
            out.append(result_file_import(actor=actor, court=batch.court, file_name=name, stream=io.BytesIO(data)))
    return out


def _regular(org, rng: random.Random, seed: int) -> tuple[int, int]:
    """Officers' batches of their open cases; returns (batches, rows accepted)."""
    from .services import batch_create
    from .services.accept import result_row_accept

    made = accepted = 0
    refused: list[str] = []
    for n, username in enumerate(("officer1", "officer3", "officer5")):
        officer = org.staff.get(username)
        if officer is None:
            continue
        with_ids = CaseParty.objects.filter(role=PartyRole.RESPONDENT).exclude(party__id_number="")
        stages = [Stage.NOTICE, Stage.INVESTIGATION, Stage.CONTROL]
        cases = list(Case.objects.filter(court=org.court, officer=officer, stage__in=stages,
                                         pk__in=with_ids.values("case_id"))
                     .order_by("id").values_list("pk", flat=True)[:40])
        if not cases:
            continue
        chosen = sorted(rng.sample(cases, min(len(cases), rng.randint(5, 8))))
        batch = batch_create(actor=officer, kinds=KINDS, case_ids=chosen, note="集中查控")
        content = _export_quietly(batch, officer)
        # the third batch waits for the vehicle registry's answer
        files = _import(batch, content, actor=officer, seed=seed + n,
                        kinds=None if made < 2 else ["bank", "real_estate"])
        made += 1
        if not accepted:  # the first batch with a find (an officer may have no case to ask about, a batch may find
            # nothing on the day the demo is seeded) has half of what it found accepted; the rest waits for review
            rows = [r for f in files for r in f.rows.filter(status="found").order_by("id")]
            for row in rows[: len(rows) // 2]:
                try:
                    result_row_accept(actor=officer, row=row)
                    accepted += 1
                except Exception as exc:  # noqa: BLE001 - a row the register refuses stays waiting in the demo
                    refused.append(f"{type(exc).__name__}: {exc}"[:200])
    if refused:  # logged (the seed's summary counts only the rows accepted), so that a demo with none tells why
        logger.warning("inquiry demo: %s row(s) refused, first: %s", len(refused), refused[0])
    return made, accepted


def _post_zhongben(org, seed: int) -> int:
    """The schedule's batch for a few 终本 cases, answered; a proposal put to the chief. Returns proposals made."""
    from .services.resumption import proposal_submit
    from .services.zhongben import export_system, post_zhongben_batch_create

    batch = post_zhongben_batch_create(court=org.court, export=False, horizon_days=183, limit=6)
    if batch is None:
        return 0
    chief = org.staff.get("chief")
    export_system(batch, list(batch.requests.all()), send=False)  # the system's export, no file written
    batch.refresh_from_db()
    content = bytes(batch.export_zip)
    # the agencies' answer: the first seed whose answer finds money (deterministic)
    for s in range(seed, seed + 50):
        files = simulate(read_batch(content), seed=s, as_of=timezone.localdate())
        if any('"balance": "0.00"' not in line and '"status": "found"' in line
               for data in files.values() for line in data.decode().splitlines()):
            break
    _import(batch, content, actor=chief, seed=s)
    proposals = list(ResumptionProposal.objects.filter(batch=batch).select_related("case__officer").order_by("id"))
    if proposals and proposals[0].case.officer:
        proposal_submit(actor=proposals[0].case.officer, proposal=proposals[0], note="查到存款，建议恢复执行")
    return len(proposals)


def seed(org, *, seed: int, cases: int) -> str:
    if InquiryBatch.objects.filter(court=org.court).exists():
        return "already seeded"
    rng = random.Random(seed + 20)
    made, accepted = _regular(org, rng, seed)
    proposals = _post_zhongben(org, seed)
    batches = InquiryBatch.objects.filter(court=org.court, purpose=Purpose.POST_ZHONGBEN).count()
    return f"{made} inquiry batches ({accepted} rows accepted), {batches} post-终本 batch, {proposals} proposals"
