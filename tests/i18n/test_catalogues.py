"""Every catalogue is complete, compiled, and no translation is silently overridden by another catalogue.

Django merges all catalogues into one per language: LOCALE_PATHS first, then the apps in INSTALLED_APPS order
(django.contrib.admin before the project's apps). A msgid translated differently in two catalogues therefore shows
only one of the translations everywhere; before this test the asset form's submit showed 立案 (the case
registration's "Register"), the notices register's "Filter" showed Django admin's 过滤器, the special campaign's
"Description" showed 财产名称, the enforcement measure "Search" (搜查) and the list's search button shared one entry.
A word with two meanings takes a context (pgettext / {% translate ... context "..." %}).
"""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from django.utils import translation
from django.utils.translation import gettext, ngettext, npgettext, pgettext

from .po import Entry, catalogues, parse

# msgids that rightly read the same in Chinese (acronyms, technical names).
SAME_IN_CHINESE = {"PDF", "SHA-256"}


def _english_only(text: str) -> bool:
    """Words in Latin letters and no Chinese, placeholders aside ("%(kind)s%(person)s" is fine)."""
    text = re.sub(r"%\([a-z_]+\)[-+ #0-9.]*[sdif]|\{[a-z_]+\}", "", text)
    return bool(re.search(r"[A-Za-z]{2,}", text)) and not re.search(r"[\u3400-\u9fff]", text)


def _entries():
    for path in catalogues():
        for entry in parse(path):
            if entry.msgid and not entry.obsolete:
                yield path, entry


def _where(path, entry: Entry) -> str:
    return f"{path.relative_to(path.parents[4])}:{entry.line} {entry.msgid!r}"


def test_catalogues_are_found():
    names = {path.parts[-5] if path.parts[-4] == "locale" else "" for path in catalogues()}
    assert {"cases", "assets", "notices", "deadlines", "reports"} <= names
    assert len(catalogues()) >= 6


def test_no_fuzzy_untranslated_or_english_entries():
    problems = []
    for path, entry in _entries():
        if entry.fuzzy:
            problems.append(f"{_where(path, entry)}: fuzzy")
        elif not entry.translated:
            problems.append(f"{_where(path, entry)}: not translated")
        elif entry.msgid not in SAME_IN_CHINESE and any(s == entry.msgid for s in entry.msgstr.values()):
            problems.append(f"{_where(path, entry)}: msgstr is the English text")
        elif entry.msgid not in SAME_IN_CHINESE and any(_english_only(s) for s in entry.msgstr.values()):
            problems.append(f"{_where(path, entry)}: msgstr {entry.msgstr[0]!r} has English words and no Chinese")
    assert not problems, "\n".join(problems)


def test_the_parser_sees_fuzzy_and_empty_entries(tmp_path):
    """The check above would pass on anything if the parser missed flags or empty strings."""
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: zh_Hans\\n"\n\n'
        '#, fuzzy\nmsgid "Save"\nmsgstr "保存"\n\n'
        'msgid "Cancel"\nmsgstr ""\n\n'
        'msgctxt "payout"\nmsgid "Cancel"\nmsgstr ""\n"撤销"\n\n'
        'msgid "%(n)s day"\nmsgid_plural "%(n)s days"\nmsgstr[0] ""\n\n'
        '#~ msgid "Old"\n#~ msgstr ""\n',
        encoding="utf-8",
    )
    entries = {(e.msgctxt, e.msgid): e for e in parse(po) if e.msgid}
    assert entries[(None, "Save")].fuzzy
    assert not entries[(None, "Cancel")].translated
    assert entries[("payout", "Cancel")].translated and entries[("payout", "Cancel")].msgstr[0] == "撤销"
    assert not entries[(None, "%(n)s day")].translated
    assert entries[(None, "Old")].obsolete


def _shown(entry: Entry) -> str:
    if entry.msgid_plural:
        if entry.msgctxt is not None:
            return npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, 1)
        return ngettext(entry.msgid, entry.msgid_plural, 1)
    if entry.msgctxt is not None:
        return pgettext(entry.msgctxt, entry.msgid)
    return gettext(entry.msgid)


def test_no_translation_is_overridden_by_another_catalogue():
    problems = []
    with translation.override("zh-hans"):
        for path, entry in _entries():
            shown = _shown(entry)
            if shown != entry.msgstr[0]:
                problems.append(f"{_where(path, entry)}: this catalogue says {entry.msgstr[0]!r}, the page shows {shown!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(("msgid", "context", "expected"), [
    ("Register", "asset", "登记"),  # the asset form's submit, not 立案
    ("Register", None, "立案"),  # the case registration's submit
    ("Search", "enforcement measure", "搜查"),  # a coercive measure
    ("Search", None, "搜索"),  # the case list's button
    ("Filter", None, "筛选"),  # not Django admin's 过滤器
    ("Passport", None, "护照"),
    ("Organisation code (legacy, 9 characters)", None, "组织机构代码（旧版9位）"),
    ("first enforcement", None, "首次执行"),
    ("enforcement objection", None, "执行异议"),
    ("Description", None, "说明"),
    ("Description", "asset", "财产名称"),
    ("Previous", "period", "上一期"),
    ("Cancel", "payout", "撤销"),
])
def test_words_a_clerk_reads(msgid, context, expected):
    with translation.override("zh-hans"):
        assert (pgettext(context, msgid) if context else gettext(msgid)) == expected


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="msgfmt (gettext) is not installed")
def test_every_compiled_catalogue_is_current(tmp_path):
    """The .mo next to each .po is what msgfmt --check makes of it (a .po edited without recompiling fails)."""
    stale = []
    for path in catalogues():
        out = tmp_path / f"{path.parts[-5]}.mo"
        result = subprocess.run(["msgfmt", "--check", "-o", str(out), str(path)], capture_output=True, text=True)
        assert result.returncode == 0, f"{path}: {result.stderr}"
        if out.read_bytes() != path.with_suffix(".mo").read_bytes():
            stale.append(str(path.with_suffix(".mo")))
    assert not stale, "recompile: cd <dir> && msgfmt --check -o django.mo django.po\n" + "\n".join(stale)
