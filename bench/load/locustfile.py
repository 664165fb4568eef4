"""Simulated enforcement officers for locust (issue 8, load).

Each simulated user signs in through the real sign-in form as one of the demo officers (officer1..officer8, shared
round-robin: 200 users are 25 sessions per account), then works through the day: opens "my cases", the pages of their
own open cases, the assets tab, searches by party name and case number (page and API), opens "my deadlines", and logs
enforcement actions through the same form a phone shows (a network query, or a note on a suspended case).

Environment (set by run_load.py):
  LOAD_TERMS      JSON written by bench/load/setup.py (officer usernames, search terms)   [required]
  LOAD_PASSWORD   the officers' password (default: the demo password)
  LOAD_WAIT       think time between clicks in seconds, "min,max" (default "5,15")
  LOAD_RAW        file to write every request's (time, name, ms, ok) to at the end, for run_load.py's summary
  LOAD_ACKS       file to append the token of every action the server acknowledged (302 after the POST), one a line;
                  the fault test checks each one is in the database afterwards
  LOAD_SIGNIN_RETRY  keep retrying the sign-in until it succeeds (used by the fault test, where the database may be
                  down when a user starts)
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import threading
import time
import uuid
from datetime import date

from locust import HttpUser, between, events, task

TERMS = json.loads(open(os.environ["LOAD_TERMS"], encoding="utf-8").read())
PASSWORD = os.environ.get("LOAD_PASSWORD", "Court-demo-2026")
WAIT_MIN, WAIT_MAX = (float(x) for x in os.environ.get("LOAD_WAIT", "5,15").split(","))
RAW_PATH = os.environ.get("LOAD_RAW")
ACKS_PATH = os.environ.get("LOAD_ACKS")
SIGNIN_RETRY = os.environ.get("LOAD_SIGNIN_RETRY") == "1"
NETWORK_TYPES = ("bank_deposit", "real_estate", "vehicle", "securities", "equity", "online_funds", "housing_fund",
                 "insurance", "wealth_products", "ships")
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

_accounts = itertools.cycle(TERMS["officers"])
_lock = threading.Lock()
_raw: list[tuple[float, str, float, bool]] = []
_acks = open(ACKS_PATH, "a", encoding="utf-8") if ACKS_PATH else None  # noqa: SIM115 - closed at quit


@events.request.add_listener
def _record(request_type, name, response_time, response_length, exception=None, **kwargs):
    _raw.append((time.time(), name, response_time, exception is None))


@events.quitting.add_listener
def _dump(environment, **kwargs):
    if RAW_PATH:
        with open(RAW_PATH, "w", encoding="utf-8") as fh:
            json.dump(_raw, fh)
    if _acks:
        _acks.close()


class Officer(HttpUser):
    wait_time = between(WAIT_MIN, WAIT_MAX)

    def on_start(self):
        with _lock:
            self.username = next(_accounts)
        self.cases: list[dict] = []
        while True:
            if self._sign_in() or not SIGNIN_RETRY:
                break
            time.sleep(1)
        self._load_my_cases()

    # --- helpers --------------------------------------------------------------------------------------------------

    def _sign_in(self) -> bool:
        with self.client.get("/accounts/login/", name="sign in (form)", catch_response=True) as r:
            token = CSRF_INPUT.search(r.text or "")
            if r.status_code != 200 or not token:
                r.failure(f"sign-in form: {r.status_code}")
                return False
        with self.client.post("/accounts/login/", name="sign in (POST)", allow_redirects=False, catch_response=True,
                              data={"csrfmiddlewaretoken": token.group(1), "username": self.username,
                                    "password": PASSWORD}) as r:
            if r.status_code != 302:
                r.failure(f"sign-in rejected: {r.status_code}")
                return False
        return True

    def _load_my_cases(self) -> None:
        me = self.client.get("/api/v1/me/", name="/api/v1/me/")
        if me.status_code != 200:
            return
        uid = me.json()["id"]
        cases = []
        url = f"/api/v1/cases/?officer={uid}&open=1"
        while url:
            r = self.client.get(url, name="/api/v1/cases/?officer=&open=1")
            if r.status_code != 200:
                break
            body = r.json()
            cases += [{"id": c["id"], "stage": c["stage"]} for c in body["results"]]
            url = body.get("next")
        self.cases = cases

    def _case(self) -> dict | None:
        return random.choice(self.cases) if self.cases else None

    def _csrf(self) -> str:
        return self.client.cookies.get("csrftoken", "")

    # --- the officer's day ----------------------------------------------------------------------------------------

    @task(3)
    def my_cases(self):
        self.client.get("/cases/mine/", name="/cases/mine/")

    @task(5)
    def case_page(self):
        case = self._case()
        if case:
            self.client.get(f"/cases/{case['id']}/", name="/cases/[id]/")

    @task(2)
    def assets_tab(self):
        case = self._case()
        if case:
            self.client.get(f"/cases/{case['id']}/?tab=assets", name="/cases/[id]/?tab=assets")

    @task(2)
    def search_name(self):
        if random.random() < 0.5:
            q = random.choice(TERMS["full_names"])
            self.client.get("/cases/", params={"q": q}, name="/cases/?q=[full name]")
        else:
            q = random.choice(TERMS["prefixes"])
            self.client.get("/cases/", params={"q": q}, name="/cases/?q=[2-char prefix]")

    @task(1)
    def search_number(self):
        if random.random() < 0.5:
            self.client.get("/cases/", params={"q": random.choice(TERMS["numbers"])}, name="/cases/?q=[case number]")
        else:
            self.client.get("/cases/", params={"q": random.choice(TERMS["serials"])}, name="/cases/?q=[serial]")

    @task(1)
    def search_api(self):
        self.client.get("/api/v1/cases/", params={"q": random.choice(TERMS["full_names"])},
                        name="/api/v1/cases/?q=[name]")

    @task(2)
    def my_deadlines(self):
        self.client.get("/deadlines/", name="/deadlines/")

    @task(2)
    def log_action(self):
        case = self._case()
        if not case:
            return
        kind = "other" if case["stage"] == "suspended" else "network_query"
        self.client.get(f"/cases/{case['id']}/actions/new/?kind={kind}", name="/cases/[id]/actions/new/ (form)")
        token = f"load-{uuid.uuid4().hex}"
        data = {"csrfmiddlewaretoken": self._csrf(), "kind": kind, "occurred_on": date.today().isoformat(),
                "summary": f"压力测试 {token}"}
        if kind == "network_query":
            data.update({"d-system": "national", "d-subject": "被执行人", "d-note": ""})
            data.update({f"d-result_{t}": random.choice(("none", "none", "found")) for t in NETWORK_TYPES})
        else:
            data["d-description"] = "电话联系申请执行人，告知案件进展"
        with self.client.post(f"/cases/{case['id']}/actions/new/", data=data, allow_redirects=False,
                              name="/cases/[id]/actions/new/ (POST)", catch_response=True) as r:
            if r.status_code == 302 and f"/cases/{case['id']}/" in r.headers.get("Location", ""):
                if _acks:
                    with _lock:
                        _acks.write(f"{token}\n")
                        _acks.flush()
            else:
                r.failure(f"action not recorded: {r.status_code}")
