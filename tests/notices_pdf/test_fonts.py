"""Prepared fonts: coverage, fidelity to the source faces, idempotence, locking, errors."""

from __future__ import annotations

import fcntl
import json
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fontTools.pens.recordingPen import DecomposingRecordingPen
from fontTools.ttLib import TTFont

from notices.pdf import fonts

RARE_NAME_CHARS = "堃喆䶮"
PROJECT_ROOT = fonts.PROJECT_ROOT


def _cmap(path: Path) -> dict[int, str]:
    return TTFont(str(path), lazy=True).getBestCmap()


def _has_outline(font: TTFont, codepoint: int) -> bool:
    glyph_set = font.getGlyphSet()
    pen = DecomposingRecordingPen(glyph_set)
    glyph_set[font.getBestCmap()[codepoint]].draw(pen)
    return any(op in ("lineTo", "curveTo", "qCurveTo") for op, _ in pen.value)


def test_every_part_is_prepared_and_current(prepared_fonts):
    assert set(prepared_fonts) == set(fonts.PARTS_BY_KEY)
    assert fonts.fonts_are_current()
    for path in prepared_fonts.values():
        assert path.is_file() and path.stat().st_size > 100_000
        assert oct(path.stat().st_mode & 0o777) == oct(0o644)


@pytest.mark.parametrize("face_key", ["title", "body", "hei"])
def test_rare_name_characters_have_real_glyphs_in_noto_stand_ins(prepared_fonts, face_key):
    common = TTFont(str(prepared_fonts[face_key]))
    ext = TTFont(str(prepared_fonts[f"{face_key}-ext"]))
    for char in RARE_NAME_CHARS:
        holder = common if ord(char) in common.getBestCmap() else ext
        assert ord(char) in holder.getBestCmap(), f"{char} missing from {face_key}"
        assert _has_outline(holder, ord(char)), f"{char} is blank in {face_key}"


def test_kai_stand_in_drops_blank_glyphs_so_the_css_falls_back(prepared_fonts):
    """AR PL UKai maps 䶮 (and 42 others) to an empty glyph: the prepared face must not map them at all."""
    kai = {**_cmap(prepared_fonts["kai"]), **_cmap(prepared_fonts["kai-ext"])}
    assert ord("䶮") not in kai
    manifest = fonts.read_manifest(fonts.fonts_dir())
    assert manifest["faces"]["kai"]["dropped_blank"] + manifest["faces"]["kai-ext"]["dropped_blank"] == 43


def test_body_face_keeps_every_noto_character_of_the_target_blocks(prepared_fonts):
    part = fonts.PARTS_BY_KEY["body"]
    source_path, source = fonts.find_source(part.face)
    source_cmap = fonts._open_face(source_path, source).getBestCmap()
    wanted = {cp for cp in source_cmap if 0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF}
    prepared = set(_cmap(prepared_fonts["body"])) | set(_cmap(prepared_fonts["body-ext"]))
    assert wanted - prepared == set()
    assert len(wanted) == 20971 + 6582


def test_common_part_holds_gb2312_hanzi_and_ext_part_the_rest(prepared_fonts):
    common = set(_cmap(prepared_fonts["body"]))
    ext = set(_cmap(prepared_fonts["body-ext"]))
    gb2312 = fonts.gb2312_hanzi()
    assert gb2312 <= common
    assert not common & ext
    assert {ord(c) for c in "堃喆䶮"} <= ext
    assert all(0x3400 <= cp <= 0x9FFF or 0xF900 <= cp <= 0xFAFF for cp in ext)
    assert {ord(c) for c in "，。：；（）“”—0Aa¥"} <= common


def test_fallback_face_covers_what_the_primary_faces_lack(prepared_fonts):
    fallback = _cmap(prepared_fonts["fallback"])
    assert 0x9FEB in fallback  # in Noto Sans CJK but not in Noto Serif CJK
    assert any(cp >= 0x20000 for cp in fallback)  # Extension B and later for rare names


def test_frequent_characters_get_low_glyph_ids(prepared_fonts):
    font = TTFont(str(prepared_fonts["body"]))
    cmap = font.getBestCmap()
    gid = font.getGlyphID
    assert gid(cmap[ord("。")]) < 200
    assert gid(cmap[ord("人")]) < 600 and gid(cmap[ord("执")]) < 600
    # court wording must not push a notice's highest glyph ID up to the end of the face
    assert max(gid(cmap[ord(c)]) for c in "本院受理的申请执行人与被执行人一案已经发生法律效力") < 1000


@pytest.mark.parametrize("part_key", ["title", "body-ext", "kai"])
def test_prepared_glyphs_are_identical_to_the_source_face(prepared_fonts, part_key):
    """Subsetting and renumbering must not change any outline or advance width."""
    part = fonts.PARTS_BY_KEY[part_key]
    source_path, source = fonts.find_source(part.face)
    original = fonts._open_face(source_path, source)
    prepared = TTFont(str(prepared_fonts[part_key]))
    o_cmap, p_cmap = original.getBestCmap(), prepared.getBestCmap()
    o_glyphs, p_glyphs = original.getGlyphSet(), prepared.getGlyphSet()
    sample = random.Random(9704).sample(sorted(p_cmap), 400)
    sample += [ord(c) for c in "人民法院执行通知书堃喆" if ord(c) in p_cmap]
    for codepoint in sample:
        expected, actual = DecomposingRecordingPen(o_glyphs), DecomposingRecordingPen(p_glyphs)
        o_glyphs[o_cmap[codepoint]].draw(expected)
        p_glyphs[p_cmap[codepoint]].draw(actual)
        assert actual.value == expected.value, f"outline of U+{codepoint:04X} changed in {part_key}"
        assert p_glyphs[p_cmap[codepoint]].width == o_glyphs[o_cmap[codepoint]].width


def test_prepared_faces_carry_their_own_names_and_keep_the_licence(prepared_fonts):
    font = TTFont(str(prepared_fonts["body"]))
    assert font["name"].getDebugName(1) == "Enf FangSong"
    assert "Open Font License" in (font["name"].getDebugName(13) or "")
    kai = TTFont(str(prepared_fonts["kai"]))
    assert kai["name"].getDebugName(1) == "Enf KaiTi"
    assert "ARPHIC PUBLIC LICENSE" in (kai["name"].getDebugName(13) or "")


def test_prepare_is_a_no_op_when_fonts_are_current(prepared_fonts):
    mtimes = {key: path.stat().st_mtime_ns for key, path in prepared_fonts.items()}
    started = time.perf_counter()
    fonts.prepare()
    assert time.perf_counter() - started < 2.0
    assert {key: path.stat().st_mtime_ns for key, path in prepared_fonts.items()} == mtimes


def test_staleness_is_detected_from_spec_and_source_mtime(prepared_fonts, tmp_path):
    out = tmp_path / "fonts"
    out.mkdir()
    manifest = fonts.read_manifest(fonts.fonts_dir())
    entry = manifest["faces"]["title"]
    shutil.copy2(prepared_fonts["title"], out / entry["file"])
    part = fonts.PARTS_BY_KEY["title"]

    (out / "manifest.json").write_text(json.dumps({"format": fonts.FORMAT_VERSION, "faces": {"title": entry}}))
    assert fonts.part_status(part, out) == "ok"
    assert fonts.part_status(fonts.PARTS_BY_KEY["body"], out) == "missing"

    os.utime(out / entry["file"], (1_000_000, 1_000_000))  # older than the installed source font
    assert fonts.part_status(part, out) == "source newer"

    stale = {**entry, "spec": "0" * 16}
    (out / "manifest.json").write_text(json.dumps({"format": fonts.FORMAT_VERSION, "faces": {"title": stale}}))
    assert fonts.part_status(part, out) == "spec changed"


def test_missing_fonts_raise_a_clear_error_when_auto_prepare_is_off(tmp_path):
    with pytest.raises(fonts.FontsNotPrepared, match=r"python -m notices\.pdf\.fonts prepare"):
        fonts.ensure_fonts(tmp_path / "none", auto_prepare=False)


def test_missing_source_font_is_reported_with_the_packages_to_install(tmp_path):
    with pytest.raises(fonts.FontsNotPrepared, match="fonts-noto-cjk"):
        fonts.find_source(fonts.FACES_BY_KEY["body"], search_dirs=[tmp_path])


def test_prepare_lock_is_exclusive_across_processes(tmp_path):
    probe = (
        "import fcntl, sys\n"
        "f = open(sys.argv[1], 'a+')\n"
        "try:\n"
        "    fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)\n"
        "    print('acquired')\n"
        "except BlockingIOError:\n"
        "    print('blocked')\n"
    )
    lock_path = tmp_path / fonts.LOCK_NAME
    with fonts._exclusive_lock(tmp_path):
        held = subprocess.run([sys.executable, "-c", probe, str(lock_path)], capture_output=True, text=True)
    free = subprocess.run([sys.executable, "-c", probe, str(lock_path)], capture_output=True, text=True)
    assert held.stdout.strip() == "blocked"
    assert free.stdout.strip() == "acquired"
    assert fcntl  # imported for the probe's benefit


def test_cli_check_reports_current_fonts(prepared_fonts):
    result = subprocess.run(
        [sys.executable, "-m", "notices.pdf.fonts", "check", "--out", str(fonts.fonts_dir())],
        capture_output=True, text=True, cwd=PROJECT_ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count(" ok") == len(fonts.PARTS)
    assert "RuntimeWarning" not in result.stderr
