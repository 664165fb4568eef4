"""A generated authorization audit: every URL pattern × every HTTP method it accepts × every role × a record of the
user's own team, another team of the same court and another court.

The expected allow/deny comes from ``tests/security/authz_rules.py`` (one declared table, computed through
``accounts.policy``), never from the views. Probes send GET, or a write method with an empty body, so the permission
check runs and nothing is changed (each probe also runs in a savepoint that is rolled back).

Allowed: any answer below 500 other than 401/403/404/405 and a redirect to the login page (a 400 for an empty write
is "allowed": the user got past the permission check). Denied: 401/403/404, or a redirect to the login page with
``next=`` (an anonymous visitor). A 405 says the view does not take the method (a GET page's POST) and is not judged.
"""

from __future__ import annotations

import itertools
from urllib.parse import urlparse

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.security.authz_rules import RULES, SKIPPED_NAMESPACES, VALIDATES_FIRST
from tests.security.conftest import PLACEMENTS

ROLES = ("anonymous", "norole", "officer", "clerk", "chief", "finance", "court_admin", "supervisor")
_ip = itertools.count(1)


def _walk(resolver, prefix: str = "", namespace: str | None = None):
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            ns = ":".join(x for x in (namespace, p.namespace) if x) if p.namespace else namespace
            yield from _walk(p, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            name = p.name and (f"{namespace}:{p.name}" if namespace else p.name)
            yield name, prefix + str(p.pattern), p


def _view_methods(pattern: URLPattern) -> tuple[str, ...] | None:
    """The methods a DRF view accepts (None for plain Django views: the table declares theirs)."""
    callback = pattern.callback
    actions = getattr(callback, "actions", None)
    if actions:
        return tuple(sorted(m.upper() for m in actions))
    cls = getattr(callback, "cls", None)
    if cls is not None:
        return tuple(sorted(m.upper() for m in cls.http_method_names
                            if m not in ("options", "head", "trace") and hasattr(cls, m)))
    return None


def endpoints() -> dict[str, dict]:
    """name -> {"route", "pattern", "methods" (DRF) or None} for every named URL the project serves."""
    found = {}
    for name, route, pattern in _walk(get_resolver()):
        if route.split("/", 1)[0] in SKIPPED_NAMESPACES and name != "admin:index":
            continue
        assert name, f"URL pattern {route!r} has no name: name it and give it an authorization rule"
        found.setdefault(name, {"route": route, "pattern": pattern, "methods": _view_methods(pattern)})
    return found


ENDPOINTS = endpoints()


def _methods(name: str) -> tuple[str, ...]:
    """DRF: the view's own methods. Pages: the declared ones, plus POST for a GET page (Django pages without
    @require_GET answer POST too, and must answer it under the same rule)."""
    if ENDPOINTS[name]["methods"]:
        return ENDPOINTS[name]["methods"]
    declared = set(RULES.get(name, {"GET": None}))
    if "GET" in declared:
        declared.add("POST")
    return tuple(sorted(declared))


def _rule_for(name: str, method: str):
    rule = RULES.get(name) or {}
    if ENDPOINTS[name]["methods"] is None and method == "POST" and "POST" not in rule:
        return rule.get("GET")
    return rule.get(method)


def _cases():
    for name in sorted(ENDPOINTS):
        for method in _methods(name):
            yield pytest.param(name, method, id=f"{name}-{method}")


def _kwarg_names(pattern: URLPattern) -> list[str]:
    return list(pattern.pattern.regex.groupindex)


def _url(name: str, check, obj) -> str:
    names = _kwarg_names(ENDPOINTS[name]["pattern"])
    kwargs = dict(check.kw)
    missing = [n for n in names if n not in kwargs]
    if missing:
        assert obj is not None, f"{name}: the URL needs {missing} but its rule names no record kind"
        if check.key:
            kwargs.update(check.key(obj))
        else:
            assert len(missing) == 1, f"{name}: give the rule a key= for {missing}"
            kwargs[missing[0]] = obj.pk
    url = reverse(name, kwargs=kwargs)
    return f"{url}?{check.query}" if check.query else url


def _outcome(response, is_api: bool) -> str:
    code = response.status_code
    if code >= 500:
        return "error"
    if code in (401, 403, 404):
        return "deny"
    if code in (301, 302, 303, 307, 308):
        target = urlparse(response["Location"])
        if target.path.rstrip("/").endswith(("/accounts/login", "/admin/login")) and "next=" in target.query:
            return "deny"
        return "allow"
    if code == 400:
        return "invalid"
    if code == 405:
        return "method"  # the view does not take this method (or refuses the empty decision after authorizing)
    if code == 429:
        return "throttled"
    return "allow"


def _probe(client: Client, method: str, url: str, is_api: bool):
    body, content_type = (b"{}", "application/json") if is_api else (b"", "application/x-www-form-urlencoded")
    with transaction.atomic():
        if method in ("GET", "DELETE"):
            response = client.generic(method, url, REMOTE_ADDR=f"10.9.{next(_ip) % 250}.{next(_ip) % 250}")
        else:
            response = client.generic(method, url, body, content_type=content_type,
                                      REMOTE_ADDR=f"10.9.{next(_ip) % 250}.{next(_ip) % 250}")
        transaction.set_rollback(True)
    return response


@pytest.fixture
def clients(world, db):
    result = {}
    for role in ROLES:
        client = Client(raise_request_exception=False)
        if world.users[role] is not None:
            client.force_login(world.users[role])
        result[role] = client
    return result


def test_every_endpoint_has_a_rule():
    """A new endpoint without an authorization rule fails here, by name; so does a rule for a vanished endpoint."""
    missing = []
    for name, info in ENDPOINTS.items():
        rule = RULES.get(name)
        if rule is None:
            missing.append(f"{name} ({info['route']})")
            continue
        if info["methods"]:
            lacking = set(info["methods"]) - set(rule)
            if lacking:
                missing.append(f"{name}: method(s) {sorted(lacking)}")
    assert not missing, "new endpoint without an authorization rule: " + "; ".join(sorted(missing))
    stale = sorted(set(RULES) - set(ENDPOINTS))
    assert not stale, f"authorization rules for URL names that no longer exist: {stale}"


@pytest.mark.parametrize(("name", "method"), list(_cases()))
def test_authorization(world, clients, name, method):
    rule = RULES.get(name)
    assert rule is not None, f"new endpoint without an authorization rule: {name} ({ENDPOINTS[name]['route']})"
    check = _rule_for(name, method)
    assert check is not None, f"new endpoint without an authorization rule: {name} {method}"
    is_api = ENDPOINTS[name]["route"].startswith("api/")
    placements = PLACEMENTS if check.kind else (None,)
    problems, validated_first = [], False
    for role, placement in itertools.product(ROLES, placements):
        user = world.users[role]
        obj = world.obj(placement, check.kind) if placement else None
        url = _url(name, check, obj)
        expected = check.expected(user, world, placement)
        response = _probe(clients[role], method, url, is_api)
        got = _outcome(response, is_api)
        where = f"{role} / {placement or '-'}: {method} {url} -> {response.status_code}"
        if got == "method":
            continue
        if got == "error":
            problems.append(f"{where} (server error)")
        elif got == "throttled":
            problems.append(f"{where} (throttled: the audit's probes must not be)")
        elif expected and got == "deny":
            problems.append(f"{where}, expected ALLOW")
        elif not expected and got != "deny":
            if got == "invalid" and (name, method) in VALIDATES_FIRST:
                validated_first = True
                continue
            problems.append(f"{where}, expected DENY" + (" (validates before authorizing)" if got == "invalid"
                                                         else ""))
    assert not problems, f"{name} {method}:\n  " + "\n  ".join(problems)
    if (name, method) in VALIDATES_FIRST:
        assert validated_first, f"{name} {method} now checks permission first: remove it from VALIDATES_FIRST"


POST_ONLY = sorted(n for n, i in ENDPOINTS.items() if i["methods"] is None and set(RULES.get(n, {})) == {"POST"})


@pytest.mark.parametrize("name", POST_ONLY)
def test_post_only_page_refuses_get(world, db, name):
    """A page declared POST-only really refuses GET (405), so GET needs no rule of its own."""
    check = RULES[name]["POST"]
    obj = world.obj("own", check.kind) if check.kind else None
    client = Client(raise_request_exception=False)
    client.force_login(world.superuser)
    response = _probe(client, "GET", _url(name, check, obj), is_api=False)
    assert response.status_code == 405, f"{name} answers GET with {response.status_code} but declares only POST"
