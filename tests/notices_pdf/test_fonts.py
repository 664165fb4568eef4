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


# --- The face a notice prints with is the Simplified Chinese face the tests compare against (issue 19) ------------

NOTO_DIR = Path("/usr/share/fonts/opentype/noto")


def _needs(*files: str) -> None:
    for name in files:
        if not (NOTO_DIR / name).is_file():
            pytest.skip(f"{name} is not installed")


def test_part_prepared_from_a_fallback_source_is_stale_once_the_preferred_one_is_installed(prepared_fonts, tmp_path):
    """The fresh-machine failure: body was prepared from NotoSerifCJK-Regular (fonts-noto-cjk) before
    fonts-noto-cjk-extra brought NotoSerifCJK-Light, the first candidate. The old staleness check only looked at
    the recorded source's mtime, called the part current, and the renderer kept printing the Regular glyphs while
    every check of the source (find_source) looked at Light: 荁 moveTo (304, 728) against (309, 727)."""
    _needs("NotoSerifCJK-Light.ttc", "NotoSerifCJK-Regular.ttc")
    part = fonts.PARTS_BY_KEY["body-ext"]
    assert fonts.find_source(part.face)[0].name == "NotoSerifCJK-Light.ttc"
    entry = dict(fonts.read_manifest(fonts.fonts_dir())["faces"]["body-ext"])
    os.link(prepared_fonts["body-ext"], tmp_path / entry["file"])
    entry.update(source=str(NOTO_DIR / "NotoSerifCJK-Regular.ttc"), source_face="NotoSerifCJKsc-Regular")
    (tmp_path / "manifest.json").write_text(json.dumps({"format": fonts.FORMAT_VERSION, "faces": {part.key: entry}}))
    assert fonts.part_status(part, tmp_path) == "source changed"
    assert not fonts.fonts_are_current(tmp_path)


def test_part_is_stale_when_its_source_file_is_no_longer_the_one_found(prepared_fonts, tmp_path, monkeypatch):
    """The other way round: only fonts-noto-cjk on the machine (sources dir with just the Regular collection)."""
    _needs("NotoSerifCJK-Regular.ttc")
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "NotoSerifCJK-Regular.ttc").symlink_to(NOTO_DIR / "NotoSerifCJK-Regular.ttc")
    monkeypatch.setenv("ENF_FONT_SOURCE_DIRS", str(sources))
    out = tmp_path / "fonts"
    out.mkdir()
    entry = fonts.read_manifest(fonts.fonts_dir())["faces"]["body"]
    os.link(prepared_fonts["body"], out / entry["file"])
    (out / "manifest.json").write_text(json.dumps({"format": fonts.FORMAT_VERSION, "faces": {"body": entry}}))
    assert entry["source"] != str(sources / "NotoSerifCJK-Regular.ttc")
    assert fonts.part_status(fonts.PARTS_BY_KEY["body"], out) == "source changed"


def test_verification_rejects_a_file_whose_glyphs_are_not_those_of_the_source_face(prepared_fonts):
    """The prepared body-ext compared against another weight (what the fresh machine had): fails on 荁, loudly."""
    _needs("NotoSerifCJK-Light.ttc", "NotoSerifCJK-Regular.ttc")
    part = fonts.PARTS_BY_KEY["body-ext"]
    path, source = fonts.find_source(part.face)
    assert fonts.verify_prepared(prepared_fonts["body-ext"], part, path, source) == ["荁"]
    other = fonts.Source("NotoSerifCJK-Regular.ttc", "NotoSerifCJKsc-Regular")
    with pytest.raises(fonts.FontsNotPrepared, match=r"glyph of 荁 \(U\+8341\) differs from NotoSerifCJKsc-Regular"):
        fonts.verify_prepared(prepared_fonts["body-ext"], part, NOTO_DIR / "NotoSerifCJK-Regular.ttc", other)


@pytest.mark.parametrize("postscript_name", ["NotoSerifCJKjp-Light", "NotoSerifCJKtc-Light", "NotoSerifCJKhk-Light"])
def test_verification_rejects_japanese_and_traditional_forms(prepared_fonts, postscript_name):
    """The SC body against the JP/TC/HK face of the same collection and weight: 直 骨 写 differ (JP), 骨 (TC), 直 (HK)."""
    _needs("NotoSerifCJK-Light.ttc")
    part = fonts.PARTS_BY_KEY["body"]
    variant = postscript_name[len("NotoSerifCJK"):][:2].upper()
    wrong = fonts.Source("NotoSerifCJK-Light.ttc", postscript_name, variant=variant)
    with pytest.raises(fonts.FontsNotPrepared, match=r"glyph of [直骨写]"):
        fonts.verify_prepared(prepared_fonts["body"], part, NOTO_DIR / "NotoSerifCJK-Light.ttc", wrong)


def test_a_face_named_simplified_but_carrying_japanese_forms_is_refused(prepared_fonts, monkeypatch):
    """A mislabelled collection member (its name says SC, its cmap gives the JP/KR forms) is caught by comparing
    the sentinels with the other-language members of the same collection."""
    _needs("NotoSerifCJK-Light.ttc")
    real_variant = fonts.face_variant
    monkeypatch.setattr(fonts, "face_variant",
                        lambda font: "SC" if "jp" in font["name"].getDebugName(6) else real_variant(font))
    mislabelled = fonts.Source("NotoSerifCJK-Light.ttc", "NotoSerifCJKjp-Light")
    with pytest.raises(fonts.FontsNotPrepared, match=r"same glyph forms as the KR face .* not a Simplified Chinese"):
        fonts.verify_prepared(prepared_fonts["body"], fonts.PARTS_BY_KEY["body"], NOTO_DIR / mislabelled.filename,
                              mislabelled)


def test_a_face_is_opened_by_name_and_must_be_the_simplified_chinese_one():
    _needs("NotoSerifCJK-Light.ttc")
    path = NOTO_DIR / "NotoSerifCJK-Light.ttc"
    face = fonts._open_face(path, fonts.Source(path.name, "NotoSerifCJKsc-Light"))
    assert fonts.face_variant(face) == "SC" and face["name"].getDebugName(6) == "NotoSerifCJKsc-Light"
    with pytest.raises(fonts.FontsNotPrepared, match=r"is the JP face .* not the SC \(Simplified Chinese\) face"):
        fonts._open_face(path, fonts.Source(path.name, "NotoSerifCJKjp-Light"))


def test_every_configured_source_is_a_simplified_chinese_face():
    for face in fonts.FACES:
        path, source = fonts.find_source(face)
        assert fonts.face_variant(fonts._open_face(path, source)) in fonts.SIMPLIFIED_VARIANTS | {None}, face.key


def test_every_prepared_part_was_verified_against_its_source(prepared_fonts):
    faces = fonts.read_manifest(fonts.fonts_dir())["faces"]
    for key in fonts.PARTS_BY_KEY:
        assert faces[key]["verified_sentinels"], key
    assert faces["body"]["verified_sentinels"] == "直骨写"
    assert faces["body-ext"]["verified_sentinels"] == "荁"


def test_an_unverified_part_is_verified_in_place_without_a_rebuild(prepared_fonts, tmp_path):
    out = tmp_path / "fonts"
    out.mkdir()
    faces = {}
    for key, entry in fonts.read_manifest(fonts.fonts_dir())["faces"].items():
        os.link(prepared_fonts[key], out / entry["file"])
        faces[key] = {k: v for k, v in entry.items() if k != "verified_sentinels"}
    (out / "manifest.json").write_text(json.dumps({"format": fonts.FORMAT_VERSION, "faces": faces}))
    assert fonts.part_status(fonts.PARTS_BY_KEY["kai"], out) == "unverified"
    inodes = {p.name: p.stat().st_ino for p in out.glob("enf-*")}
    fonts.prepare(out)
    assert fonts.fonts_are_current(out)
    assert {p.name: p.stat().st_ino for p in out.glob("enf-*")} == inodes
