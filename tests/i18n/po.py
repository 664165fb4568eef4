"""A small reader of gettext .po files (polib is not a dependency): enough to find fuzzy and untranslated entries."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str = ""
    msgstr: dict[int, str] = field(default_factory=dict)  # index 0 for singular entries
    msgctxt: str | None = None
    flags: set[str] = field(default_factory=set)
    references: list[str] = field(default_factory=list)
    obsolete: bool = False
    line: int = 0

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and all(self.msgstr.values())


def _unquote(text: str) -> str:
    return ast.literal_eval(text) if text.startswith('"') else ""


def parse(path: Path) -> list[Entry]:
    """Entries of a .po file, header (msgid "") included, obsolete (#~) entries flagged."""
    entries: list[Entry] = []
    entry: Entry | None = None
    target: tuple[str, int] | None = None  # ("msgid" | "msgid_plural" | "msgctxt" | "msgstr", index)

    def start(lineno: int) -> Entry:
        nonlocal entry
        if entry is None or (entry.msgstr and target and target[0] == "msgstr"):
            entry = Entry(line=lineno)
            entries.append(entry)
        return entry

    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        obsolete = line.startswith("#~")
        if obsolete:
            line = line[2:].strip()
        if not line:
            entry, target = None, None
            continue
        if line.startswith("#,"):
            current = start(lineno)
            current.flags.update(flag.strip() for flag in line[2:].split(","))
            continue
        if line.startswith("#:"):
            start(lineno).references.extend(line[2:].split())
            continue
        if line.startswith("#"):
            start(lineno)
            continue
        keyword, _, rest = line.partition(" ")
        if keyword == "msgctxt":
            current = start(lineno)
            current.msgctxt, target = _unquote(rest), ("msgctxt", 0)
        elif keyword == "msgid":
            current = start(lineno)
            current.msgid, target = _unquote(rest), ("msgid", 0)
        elif keyword == "msgid_plural":
            entry.msgid_plural, target = _unquote(rest), ("msgid_plural", 0)
        elif keyword.startswith("msgstr"):
            index = int(keyword[7:-1]) if keyword.startswith("msgstr[") else 0
            entry.msgstr[index], target = _unquote(rest), ("msgstr", index)
        elif line.startswith('"') and entry is not None and target is not None:
            name, index = target
            if name == "msgstr":
                entry.msgstr[index] += _unquote(line)
            elif name == "msgctxt":
                entry.msgctxt = (entry.msgctxt or "") + _unquote(line)
            else:
                setattr(entry, name, getattr(entry, name) + _unquote(line))
        else:
            raise ValueError(f"{path}:{lineno}: cannot parse {raw!r}")
        if entry is not None:
            entry.obsolete = entry.obsolete or obsolete
    return entries


def catalogues() -> list[Path]:
    """Every django.po of the project: locale/ and each app's locale/."""
    return sorted(
        path for path in PROJECT_ROOT.glob("**/locale/*/LC_MESSAGES/django.po")
        if ".venv" not in path.parts and "node_modules" not in path.parts
    )
