"""The outside agencies' stand-in: reads an exported batch (docs/exchange.md) and answers it with result files in
the exchange format, deterministic for a seed. Pure (no database): ``inquiry_simulate`` wraps it for the demo, the
tests and the benchmarks."""

from __future__ import annotations

import hashlib
import io
import json
import random
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from . import schemas

ERROR_SHARE = 0.03
# Per agency kind: the share of queries that find something, the asset kind of its rows, and the control term in
# years (deposits 1, movables 2, real estate and property rights 3; CPL-I art 485).
PROFILES = {
    "bank": (0.55, "bank_deposit", 1),
    "payment_platform": (0.5, "bank_deposit", 1),
    "social_insurance": (0.4, "wage_income", 1),
    "provident_fund": (0.3, "other_property_right", 1),
    "vehicle": (0.3, "vehicle", 2),
    "real_estate": (0.25, "real_estate", 3),
    "securities": (0.15, "other_property_right", 3),
    "equity": (0.15, "equity", 3),
}
BANKS = ("中国工商银行", "中国农业银行", "中国银行", "中国建设银行", "交通银行", "甘肃银行", "天水农村商业银行",
         "中国邮政储蓄银行")
BRANCHES = ("麦积支行", "秦州支行", "分行营业部", "东岔支行", "甘谷支行")
PLATFORMS = (("支付宝（中国）网络技术有限公司", "2088"), ("财付通支付科技有限公司", "1000"))
CARS = ("大众朗逸", "丰田卡罗拉", "长安CS75", "五菱宏光", "比亚迪秦", "哈弗H6", "本田雅阁")
COLOURS = ("白色", "黑色", "银色", "红色", "蓝色")
ESTATES = ("桥南花园", "滨河家园", "马跑泉小区", "渭滨名苑", "社棠新村", "花牛苑")
VIN_CHARS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"


class SimulationError(ValueError):
    """The input is not an exported batch this simulator can answer (the message says why)."""


@dataclass
class Batch:
    manifest: dict
    requests: dict[str, list[dict]]  # agency kind -> request lines in file order


def read_batch(data: bytes) -> Batch:
    """An exported batch ZIP, checked as an agency would: manifest schema, each file's checksum, row count and rows."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
    except zipfile.BadZipFile:
        raise SimulationError("not a ZIP file") from None
    if "manifest.json" not in names:
        raise SimulationError("manifest.json is missing from the ZIP")
    try:
        manifest = json.loads(archive.read("manifest.json").decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SimulationError(f"manifest.json is not JSON in UTF-8 ({exc})") from None
    if problems := schemas.errors("inquiry-manifest", manifest):
        raise SimulationError("manifest.json: " + "; ".join(problems[:5]))
    requests = {}
    for entry in manifest["files"]:
        if entry["name"] not in names:
            raise SimulationError(f"{entry['name']}: listed in the manifest but missing from the ZIP")
        content = archive.read(entry["name"])
        if problems := schemas.check_request_file(content, sha256=entry["sha256"], rows=entry["rows"]):
            raise SimulationError(f"{entry['name']}: " + "; ".join(problems[:5]))
        requests[entry["agency_kind"]] = [json.loads(line) for line in content.decode("utf-8").splitlines()]
    return Batch(manifest=manifest, requests=requests)


def _plus_years(day: date, years: int) -> date:
    try:
        end = day.replace(year=day.year + years)
    except ValueError:  # 29 February
        end = day.replace(year=day.year + years, day=28)
    return end - timedelta(days=1)


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def _money(rng: random.Random, low: int, high: int) -> Decimal:
    return Decimal(rng.randint(low * 100, high * 100)) / 100


def _asset(rng: random.Random, kind: str, request: dict) -> dict:
    """One asset an agency of ``kind`` holds for the request's subject."""
    if kind == "bank":
        balance = rng.choice([Decimal("0.00"), _money(rng, 1, 500), _money(rng, 500, 80000), _money(rng, 1, 300000)])
        return {"institution": rng.choice(BANKS) + "天水" + rng.choice(BRANCHES), "account": "62" + _digits(rng, 17),
                "balance": balance, "description": rng.choice(["活期储蓄", "借记卡", "定期存款", "单位结算账户"])}
    if kind == "payment_platform":
        name, prefix = rng.choice(PLATFORMS)
        return {"institution": name, "account": prefix + _digits(rng, 12), "balance": _money(rng, 0, 20000),
                "description": "网络支付账户余额"}
    if kind == "social_insurance":
        base = _money(rng, 2500, 9000)
        return {"institution": "天水市社会保险事业管理局", "account": request["subject"]["id_number"],
                "description": f"参保缴费中，缴费基数 {base}"}
    if kind == "provident_fund":
        return {"institution": "天水市住房公积金管理中心", "account": "62" + _digits(rng, 10),
                "balance": _money(rng, 1000, 90000), "description": "住房公积金个人账户"}
    if kind == "vehicle":
        plate = "甘E·" + rng.choice("ABCDF") + _digits(rng, 4)
        year = rng.randint(2012, 2025)
        return {"institution": "天水市公安局交通警察支队车辆管理所",
                "account": "L" + "".join(rng.choice(VIN_CHARS) for _ in range(16)),
                "balance": _money(rng, 15000, 180000),
                "description": f"{plate} {rng.choice(CARS)} {rng.choice(COLOURS)} {year}年"}
    if kind == "real_estate":
        building, unit, room = rng.randint(1, 30), rng.randint(1, 4), rng.randint(101, 2602)
        return {"institution": "天水市麦积区不动产登记中心",
                "account": f"620503{_digits(rng, 6)}GB{_digits(rng, 5)}F{_digits(rng, 8)}",
                "balance": _money(rng, 150000, 1200000),
                "description": f"天水市麦积区{rng.choice(ESTATES)}{building}号楼{unit}单元{room}室 "
                               f"建筑面积{rng.randint(45, 160)}.{rng.randint(0, 9)}㎡"}
    if kind == "securities":
        return {"institution": "中国证券登记结算有限责任公司", "account": "A" + _digits(rng, 9),
                "balance": _money(rng, 100, 200000), "description": "A股证券账户市值"}
    # equity
    uscc = "91620500" + "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(10))
    share = rng.choice([5, 10, 20, 30, 51, 100])
    return {"institution": "天水市市场监督管理局", "account": uscc, "balance": _money(rng, 10000, 2000000),
            "description": f"持有天水市某某有限公司 {share}% 股权（认缴出资）"}


def _answer(rng: random.Random, kind: str, request: dict, as_of: date) -> list[dict]:
    share, asset_kind, years = PROFILES[kind]
    head = {"request_id": request["request_id"], "case_number": request["case_number"],
            "subject_id_number": request["subject"]["id_number"]}
    if rng.random() < ERROR_SHARE:
        return [{**head, "status": "error", "error": rng.choice(["证件号码与姓名不一致，无法查询",
                                                                 "协助单位系统维护，请下一批次重新提交"])}]
    controlling = request["measure"] in ("freeze", "seize")
    found = rng.random() < (share + 0.2 if controlling else share)
    if not found:
        return [{**head, "status": "none", "as_of": as_of.isoformat()}]
    count = 1 if controlling else rng.choice([1, 1, 1, 2, 3])
    rows = []
    for n in range(count):
        asset = _asset(rng, kind, request)
        row = {**head, "status": "found", "asset_kind": asset_kind, "institution": asset["institution"],
               "account": asset["account"]}
        if asset.get("balance") is not None:
            row["balance"] = f"{asset['balance']:.2f}"
        row["as_of"] = as_of.isoformat()
        row["description"] = asset["description"]
        if controlling and n == 0:
            row["control"] = _control(rng, request, asset.get("balance"), as_of, years)
        rows.append(row)
    return rows


def _control(rng: random.Random, request: dict, value: Decimal | None, as_of: date, years: int) -> dict:
    limit = Decimal(request["amount"])
    control = {"measure": request["measure"]}
    reference = f"KZ{as_of:%Y%m%d}{_digits(rng, 6)}"
    if rng.random() < 0.1:
        return {**control, "status": "refused", "reason": rng.choice(["财产已被他案轮候查封，本案登记为轮候",
                                                                      "账户已销户"])}
    if request["measure"] == "freeze" and value is not None and value < limit:
        if value == 0:
            return {**control, "status": "refused", "reason": "账户余额为零，未能冻结"}
        return {**control, "status": "partial", "amount": f"{value:.2f}", "reference": reference,
                "until": _plus_years(as_of, years).isoformat(), "reason": "账户余额不足，已冻结全部余额"}
    return {**control, "status": "done", "amount": f"{limit:.2f}", "reference": reference,
            "until": _plus_years(as_of, years).isoformat()}


def simulate(batch: Batch, *, seed: int, as_of: date) -> dict[str, bytes]:
    """The result files answering every request of ``batch``: {file name: bytes}, one per agency kind. Each request's
    answer depends only on the seed and its request id, so it does not change when other requests do."""
    created = datetime.fromisoformat(batch.manifest["created_at"]).date()
    if as_of < created:
        raise SimulationError(f"as_of {as_of} is before the batch was created ({created})")
    out = {}
    for kind, requests in batch.requests.items():
        rows = []
        for request in requests:
            rng = random.Random(f"{seed}:{request['request_id']}")
            rows += _answer(rng, kind, request, as_of)
        body = b"".join((json.dumps(r, ensure_ascii=False) + "\n").encode("utf-8") for r in rows)
        header = {"format": "enf-inquiry-result/1", "agency_kind": kind, "batch": batch.manifest["batch"],
                  "court_code": batch.manifest["court_code"], "rows": len(rows),
                  "sha256_of_rows": hashlib.sha256(body).hexdigest()}
        name = f"result_{batch.manifest['batch']}_{kind}.jsonl"
        out[name] = (json.dumps(header, ensure_ascii=False) + "\n").encode("utf-8") + body
    return out
