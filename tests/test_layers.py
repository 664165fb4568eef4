"""The apps' floors and the absence of import cycles, read from the source (``ast``, no Django needed).

Floors (docs/architecture.md, "Apps on floors"): a module imports only from its own floor or below.

    accounts → core → cases → assets → {inquiry, statements, credit, review, delegation, supervision, efile,
    signing} → deadlines → notices → messaging → reports → portal

``core`` may also import ``accounts`` (it is above it anyway); ``enforcement/`` (settings, URLs, the Celery app) and
``tests/`` sit outside the floors. Every import counts: at module level, inside a function (a lazy import is still a
dependency), under ``if TYPE_CHECKING``. A lower app reads a higher app's rows by label instead
(``apps.get_model("deadlines", "Holiday")``, the deadline engine's ``_model("app.Model")``), and queues a higher
app's work through a hook or a task name, never through an import.

Cycles: no module may reach itself through imports (again counting every import). A service that queues its own
app's Celery task while the task calls back into the service is the usual way to make one; the fixes used here are
to move the shared piece into a third module (``reports.jobs``: what the tasks run; ``notices.binary_store``;
``assets.services._common.reserved_locked``; ``deadlines.on_commit.recompute_after_commit``) or to queue the task
by its registered name, as beat does (``notices.batch._queue``).
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

FLOORS = {
    "accounts": 0, "core": 1, "cases": 2, "assets": 3, "inquiry": 4, "statements": 4, "credit": 4, "review": 4,
    "delegation": 4, "supervision": 4, "efile": 4, "signing": 4, "deadlines": 5, "notices": 6, "messaging": 7,
    "reports": 8, "portal": 9,
}
OUTSIDE = {"enforcement", "tests", "bench", "scripts"}  # not apps: settings and entry points, tests, tools

# Imports that go up a floor on purpose, each with its reason. Keys: (importing module, imported module). Each
# is a lazy (function-level) import of an optional higher app unless marked otherwise, so the lower app still loads
# without it. An entry that no longer matches an import fails the test: delete it with the import.
ALLOWED_UPWARD = {
    # The court's admin page (accounts is the bottom floor; its admin is the outermost layer of it) tells the court
    # administrator, after a save, what the court's documents still lack; core.court_setup reads every app's
    # settings hook. Module-level import.
    ("accounts.admin", "core.court_setup"): "admin reports the court's setup",
    # The officer's "my cases" list sorts by the nearest open deadline (the engine's rows, read in the same query).
    ("cases.selectors", "deadlines.models"): "my_cases sorts by the next deadline",
    # The term on case pages follows the deadline rule's roll-over flag, only when deadlines is installed
    # (cases.term._term_rolls; the months and the calendar are read by label, apps.get_model).
    ("cases.term", "deadlines.rules"): "term roll-over flag of the deadline rules",
    # The page shell's badges (core is the shell of every page): the unread and overdue counts, if deadlines is
    # installed (ImportError guarded).
    ("core.context_processors", "deadlines.selectors"): "menu badges",
    # The home page's to-do tiles: each tile's number comes from the selector of the page it opens
    # (tests/core/test_home_tiles.py), each import guarded: an app that is not installed gives no tile.
    ("core.todo", "cases.selectors"): "home tile: approvals waiting",
    ("core.todo", "assets.selectors"): "home tiles: payout queue, funds awaiting",
    ("core.todo", "deadlines.selectors"): "home tiles: my and the bureau's overdue deadlines",
    ("core.todo", "notices.batch"): "home tile: print batches",
    ("core.todo", "inquiry.selectors_resumption"): "home tiles: resumption proposals after a post-终本 query",
    ("core.todo", "statements.escalation"): "home tile: unidentified money waiting too long",
}
MODULE_LEVEL_ALLOWED = {("accounts.admin", "core.court_setup")}


def _app_dirs() -> list[str]:
    return sorted(p.parent.name for p in ROOT.glob("*/apps.py") if p.parent.name not in OUTSIDE)


def _modules() -> dict[str, Path]:
    found = {}
    for app in FLOORS:
        for path in sorted((ROOT / app).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


MODULES = _modules()


def _imports(name: str, path: Path):
    """(imported module, line, lazy) for every import statement of a module; ``from x import y`` names ``x.y`` when
    that is a module, else ``x``."""
    is_package = path.name == "__init__.py"
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))

    def walk(node, lazy):
        for child in ast.iter_child_nodes(node):
            inner = lazy or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            if isinstance(child, ast.Import):
                for alias in child.names:
                    yield alias.name, child.lineno, inner
            elif isinstance(child, ast.ImportFrom):
                if child.level:
                    base = name.split(".") if is_package else name.split(".")[:-1]
                    base = base[:len(base) - (child.level - 1)]
                    target = ".".join(base + ([child.module] if child.module else []))
                else:
                    target = child.module
                for alias in child.names:
                    sub = f"{target}.{alias.name}"
                    yield (sub if sub in MODULES else target), child.lineno, inner
            yield from walk(child, inner)

    yield from walk(tree, False)


def _floor(module: str) -> int | None:
    return FLOORS.get(module.split(".")[0])


def test_every_app_is_on_a_floor():
    assert set(_app_dirs()) == set(FLOORS), "put a new app on its floor in FLOORS (and in docs/architecture.md)"


def test_no_module_imports_from_a_higher_floor():
    violations, used = [], set()
    for name, path in MODULES.items():
        own = _floor(name)
        for target, line, lazy in _imports(name, path):
            theirs = _floor(target)
            if theirs is None or theirs <= own or (name.startswith("core") and target.startswith("accounts")):
                continue
            key = next(((a, b) for a, b in ALLOWED_UPWARD if a == name and (target == b or target.startswith(b + "."))),
                       None)
            if key is not None and (lazy or key in MODULE_LEVEL_ALLOWED):
                used.add(key)
                continue
            violations.append(f"{path.relative_to(ROOT)}:{line} imports {target} (floor {theirs} above {own})")
    assert not violations, "imports from a higher floor:\n" + "\n".join(violations)
    assert not set(ALLOWED_UPWARD) - used, f"stale ALLOWED_UPWARD entries: {sorted(set(ALLOWED_UPWARD) - used)}"


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index, low, on_stack, stack, result, counter = {}, {}, set(), [], [], [0]
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter[0]
                    counter[0] += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        result.append(sorted(component))
    return result


def test_no_import_cycles():
    graph = defaultdict(set)
    for name, path in MODULES.items():
        graph[name]
        for target, _line, _lazy in _imports(name, path):
            if target in MODULES and target != name:
                graph[name].add(target)
    cycles = _cycles(graph)
    assert not cycles, "import cycles (modules that reach each other):\n" + "\n".join(" ↔ ".join(c) for c in cycles)


@pytest.mark.parametrize("graph, expected", [
    ({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}, [["a", "b", "c"]]),
    ({"a": {"b"}, "b": set()}, []),
])
def test_the_cycle_finder_finds_cycles(graph, expected):
    assert _cycles(graph) == expected
