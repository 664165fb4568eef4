"""Prepared fonts for court notices.

GB/T 9704 asks for 小标宋 (titles), 仿宋 (body), 黑体 and 楷体 (headings). Those are commercial fonts, so we
use freely licensed faces shipped by Debian as stand-ins (see ``FACES`` and docs/fonts.md).

WeasyPrint subsets every font it embeds, and the cost grows with the size of the font file it starts from: a
whole Noto CJK ``.ttc`` collection (≈ 25 MB, five faces) costs ≈ 0.19 s per one-page notice, a single face cut
down in advance ≈ 0.08 s. ``prepare()`` therefore extracts each chosen face from its collection into a standalone
font file restricted to the characters court documents need (``BASE_RANGES``). Every character the source face
has in those ranges is kept, including rare name characters of CJK Extension A (e.g. 䶮).

Each face is further split in two files: the common part (every non-Han character plus the 6,763 hanzi of
GB 2312, which cover nearly all running text) and the "Ext" part (the remaining CJK Unified Ideographs and
Extension A, e.g. 堃 喆 䶮). The CSS lists both (``"Enf FangSong", "Enf FangSong Ext", "Enf Fallback"``), so
every character still prints. Within each file the glyphs are renumbered by character frequency (GLYPH ORDER
below). Both matter because WeasyPrint subsets with "retain glyph IDs" and then keeps every glyph slot up to the
highest one used: with a whole face in one file in its original order, each embedded font carried ~30,000 (empty)
glyph slots, ~25 ms of subsetting and ~80 KB per font; now a notice uses glyph IDs below ~4,000, subsetting takes
1–6 ms per font, the embedded subsets are 2–100 KB, and an Ext file is embedded only by documents that use one of
its characters.

Command line (run at setup time; the output directory is not committed)::

    python -m notices.pdf.fonts prepare --out var/fonts [--force] [--jobs N]
    python -m notices.pdf.fonts check [--out var/fonts]

``ensure_fonts()`` is what the renderer calls: it returns at once when the prepared fonts are current, and
otherwise prepares them under an exclusive file lock, so parallel workers never build the same files twice.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import hashlib
import json
import logging
import os
import re
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

logger = logging.getLogger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_FONTS_DIR = PROJECT_ROOT / "var" / "fonts"
DEFAULT_SOURCE_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts")

# Bump when the output format or subsetting options change: every prepared face is then rebuilt.
FORMAT_VERSION = 5
MANIFEST_NAME = "manifest.json"
LOCK_NAME = ".prepare.lock"

# Characters court documents need. Only code points the source face actually maps are kept.
BASE_RANGES: tuple[tuple[int, int], ...] = (
    (0x0020, 0x007E),  # ASCII
    (0x00A0, 0x00FF),  # Latin-1 supplement (¥ · × ÷ °)
    (0x0100, 0x017F),  # Latin Extended-A (pinyin ā ē ī ō ū)
    (0x01CD, 0x01DC),  # pinyin with caron and ü (ǎ ǐ ǒ ǔ ǚ)
    (0x02C6, 0x02DD),  # spacing modifiers (ˇ ˉ ˊ ˋ ˙)
    (0x0391, 0x03C9),  # Greek (in GB 2312)
    (0x0401, 0x0451),  # Cyrillic (in GB 2312)
    (0x2000, 0x206F),  # general punctuation (“ ” ‘ ’ — … ‰ ※)
    (0x20A0, 0x20CF),  # currency symbols
    (0x2100, 0x218F),  # letterlike symbols and number forms (℃ № Ⅰ Ⅱ)
    (0x2190, 0x22FF),  # arrows, mathematical operators (≤ ≥ ∶)
    (0x2460, 0x24FF),  # enclosed alphanumerics (① ⑴ ⒈)
    (0x2500, 0x25FF),  # box drawing, block elements, geometric shapes (□ ■ ○ ●)
    (0x2600, 0x27BF),  # miscellaneous symbols, dingbats (☆ ★ ✓)
    (0x2E80, 0x2FDF),  # CJK radicals supplement, Kangxi radicals
    (0x3000, 0x303F),  # CJK symbols and punctuation (、 。 〇 《 》 【 】)
    (0x3040, 0x30FF),  # kana (in GB 2312)
    (0x3100, 0x312F),  # bopomofo
    (0x31C0, 0x31EF),  # CJK strokes
    (0x3200, 0x33FF),  # enclosed CJK letters, CJK compatibility (㈠ ㎡)
    (0x3400, 0x4DBF),  # CJK Unified Ideographs Extension A
    (0x4E00, 0x9FFF),  # CJK Unified Ideographs
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0xFE10, 0xFE1F),  # vertical forms
    (0xFE30, 0xFE4F),  # CJK compatibility forms
    (0xFF00, 0xFFEF),  # half-width and full-width forms
)

# Ideograph ranges of BASE_RANGES (split between a face's common and Ext parts).
HAN_RANGES: tuple[tuple[int, int], ...] = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))


def gb2312_hanzi() -> frozenset[int]:
    """The 6,763 hanzi of GB 2312 (levels 1 and 2): the common part of each face."""
    chars = set()
    for row in range(0xB0, 0xF8):
        for cell in range(0xA1, 0xFF):
            try:
                chars.add(ord(bytes((row, cell)).decode("gb2312")))
            except UnicodeDecodeError:
                continue
    return frozenset(chars)


# The fallback face also carries the supplementary-plane ideographs its source has (Extension B and later),
# so a rare name character outside the BMP still prints instead of a .notdef box.
FALLBACK_EXTRA_RANGES: tuple[tuple[int, int], ...] = (
    (0x20000, 0x323AF),  # CJK Unified Ideographs Extensions B–H
    (0x2F800, 0x2FA1F),  # CJK compatibility ideographs supplement
)

# No OpenType layout tables (GSUB/GPOS/GDEF) in the prepared faces. WeasyPrint drops them when it embeds a font
# anyway; for shaping, Chinese text needs none of them (the SC face's cmap already maps to the simplified glyph
# forms; 'locl', 'vert' & co. would pull ~17,000 Japanese/Korean/traditional and vertical variants into every face
# through the GSUB closure). Without them the glyphs can also be renumbered freely (see GLYPH ORDER below).
LAYOUT_FEATURES: tuple[str, ...] = ()

# GLYPH ORDER. WeasyPrint embeds a subset that keeps every glyph slot up to the highest glyph ID the document uses
# (it subsets with "retain glyph IDs"), so what a page costs in subsetting time and PDF bytes grows with the
# highest glyph ID, not with the number of characters. The prepared faces are therefore renumbered so that
# frequent characters get low IDs: the symbols of running text, then the characters below (court wording,
# administrative and address vocabulary, frequent hanzi, common surnames), then the rest of GB 2312 level 1,
# level 2, and everything else by code point. Only speed and size depend on this list, never correctness.
FREQUENT_SYMBOLS = (
    " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~"
    "\u3000\u2002\u2003\u00a0、。〇〈〉《》「」『』【】〔〕（），：；？！．－／％＋＝＜＞［］｛｝～·×÷—–‘’“”…‰※℃°±"
    "≤≥≠≈√№¥￥□■○●△▲◇◆→←↑↓☆★✓ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ①②③④⑤⑥⑦⑧⑨⑩⑴⑵⑶⑷⑸⒈⒉⒊㈠㈡㈢㎡㎏㎞"
)
FREQUENT_HANZI = (
    # court documents
    "人民法院执行通知书案号申请被告原判决裁定调解仲裁公证债权义务履行期间利息迟延加倍支付金钱财产报告"
    "查封扣押冻结划拨拍卖变卖评估失信名单限制消费高罚款拘留刑事责任追究依照根据中华共和国诉讼法规定条款"
    "第一二三四五六七八九十百千万亿零元整角分年月日时本院受理立案生效法律文书确定应当负担交纳费用费审判长"
    "员书记助理官合议庭送达回证签收盖章附件表格姓名性别民族出生身份号码统一社会信用代码住所地址电话联系"
    "邮编户开账行银分支付款专用防诈骗特此承办异议复议上级收到之日起内逾期不视为放弃自动主动积极配合督促"
    "有限责任股份公司企业单位法定代表负责实际控制直接人员经营管理商贸易建设工程科技发展投资实业集团农村"
    "信用合作社邮政储蓄中国工商农业建设交通招商民生兴业浦东发展光大华夏平安广发城市商业借贷买卖租赁劳动"
    "合同纠纷侵权损害赔偿离婚抚养赡养继承物业服务房屋土地使用权车辆机动股票基金债券存款保险理财收入"
    "工资奖金抵押质押留置担保保证优先受偿分配参与终结本次中止恢复撤销不予和解协议暂缓期限届满变更追加"
    "印核扫描登录输伪未令币述汇言勿谨拒绝虚假轻措犯罪坐落材益额托隐瞒愿冻划拨款骗剥夺羁押搜查扣留提取腾退迁"
    # addresses and places
    "省市县区镇乡街道路巷弄号楼栋单元室层村组社区委员会小区花园大厦广场新城东南西北中心前后左右上下"
    "甘肃天水麦积秦州兰州北京上海天津重庆河北山西辽宁吉林黑龙江苏浙安徽福建江西山东河南湖北湖南广东"
    "海南四川贵州云南陕西青海台湾内蒙古广西西藏宁夏新疆香港澳门"
    # frequent hanzi
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种"
    "面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本"
    "去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比"
    "或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总"
    "次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做"
    "必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权"
    "收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信"
    "马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连"
    "断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存"
    "候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严龙飞"
    # surnames and name characters
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任"
    "沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔"
    "向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌"
    "毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦"
    "伟芳娜敏静秀英丽强磊军洋勇艳杰娟涛明超霞平刚桂兰玉华红梅林燕鹏辉波宁浩宇飞云峰建国斌志凤琴晶鑫鸿"
    # name characters outside GB 2312 (they rank first inside the Ext part)
    "堃喆玥珺祎焱犇垚晟翀瑄瑀珏旻彧婧姝妤嫚甯燚崟赟祐禛琇珩琨瑢璟琰曌䶮昇玙珝琤璘瑨蓁浛溦沄淏洺炘煜烨"
    "暐昀晞曦翊翾骞骉驎骐骢锃铖铄钰钜镕镛鋆錡锟淇湉滢澍澔潆濛芃芊芮芷苒茝荃荨莛菁萩蓥蔓蕤薏藟韡颢颀"
)


class FontsNotPrepared(RuntimeError):
    """The prepared fonts are missing or stale and could not be built."""


@dataclass(frozen=True)
class Source:
    """One face inside an installed font file (a collection .ttc or a single .ttf/.otf).

    A CJK collection holds the same design once per language (Noto: JP, KR, SC, TC, HK; AR PL UKai: CN, HK, TW),
    each with its own cmap: the same code point maps to a Japanese, Traditional or Simplified glyph form depending
    on the face. The face is therefore picked by its PostScript name, never by its position in the collection, and
    ``variant`` is the language tag its family name must carry (``_open_face`` refuses any other face).
    """

    filename: str
    postscript_name: str  # nameID 6 of the face, used to find it inside a collection
    variant: str = "SC"  # language tag in the family name (Noto "SC", AR PL "CN"): the Simplified Chinese face

    def spec(self) -> dict:
        """What of the source goes into the build fingerprint (``variant`` only checks, it changes no output)."""
        return {"filename": self.filename, "postscript_name": self.postscript_name}


@dataclass(frozen=True)
class Face:
    """A stand-in face: which GB/T 9704 font it replaces, and where it comes from."""

    key: str  # output file stem and manifest key
    css_family: str  # font-family used in notice.css
    stands_for: str  # the GB/T 9704 font it replaces
    sources: tuple[Source, ...]  # candidates, first installed one wins
    licence: str
    extra_ranges: tuple[tuple[int, int], ...] = field(default=())
    split: bool = True  # prepare a common part and an Ext part (see the module docstring)

    def parts(self) -> tuple[Part, ...]:
        if self.split:
            return (Part(self, "common"), Part(self, "ext"))
        return (Part(self, "all"),)


@dataclass(frozen=True)
class Part:
    """One prepared font file: the common or Ext part of a face, or all of it."""

    face: Face
    kind: str  # "common" | "ext" | "all"

    @property
    def key(self) -> str:
        return f"{self.face.key}-ext" if self.kind == "ext" else self.face.key

    @property
    def css_family(self) -> str:
        return f"{self.face.css_family} Ext" if self.kind == "ext" else self.face.css_family

    def codepoints(self) -> set[int]:
        """Code points this part should carry (those the source face lacks are skipped when building)."""
        wanted = _codepoints(BASE_RANGES + self.face.extra_ranges)
        if self.kind == "all":
            return wanted
        han = _codepoints(HAN_RANGES + self.face.extra_ranges)
        common = gb2312_hanzi()
        if self.kind == "common":
            return (wanted - han) | (wanted & common)
        return (wanted & han) - common

    def spec_hash(self) -> str:
        """Fingerprint of everything that determines the output file, for the staleness check."""
        payload = json.dumps(
            [FORMAT_VERSION, self.key, self.kind, self.css_family, [s.spec() for s in self.face.sources],
             BASE_RANGES, HAN_RANGES, self.face.extra_ranges, LAYOUT_FEATURES, FREQUENT_SYMBOLS,
             FREQUENT_HANZI],
            sort_keys=True,
        )
        return hashlib.sha256(payload.encode()).hexdigest()[:16]


OFL = "SIL Open Font License 1.1"
ARPHIC = "Arphic Public License"

# The table docs/fonts.md describes. Order matters for nothing but the CLI output.
FACES: tuple[Face, ...] = (
    Face(
        key="title",
        css_family="Enf XiaoBiaoSong",
        stands_for="方正小标宋 (2号 titles)",
        sources=(
            Source("NotoSerifCJK-Bold.ttc", "NotoSerifCJKsc-Bold"),
            Source("NotoSerifCJKsc-Bold.otf", "NotoSerifCJKsc-Bold"),
        ),
        licence=OFL,
    ),
    Face(
        key="body",
        css_family="Enf FangSong",
        stands_for="仿宋_GB2312 (3号 body, case number, date)",
        sources=(
            Source("NotoSerifCJK-Light.ttc", "NotoSerifCJKsc-Light"),  # fonts-noto-cjk-extra
            Source("NotoSerifCJK-Regular.ttc", "NotoSerifCJKsc-Regular"),  # fonts-noto-cjk
        ),
        licence=OFL,
    ),
    Face(
        key="hei",
        css_family="Enf HeiTi",
        stands_for="黑体 (level-1 headings 一、)",
        sources=(
            Source("NotoSansCJK-Medium.ttc", "NotoSansCJKsc-Medium"),  # fonts-noto-cjk-extra
            Source("NotoSansCJK-Bold.ttc", "NotoSansCJKsc-Bold"),  # fonts-noto-cjk
        ),
        licence=OFL,
    ),
    Face(
        key="kai",
        css_family="Enf KaiTi",
        stands_for="楷体_GB2312 (level-2 headings （一）)",
        sources=(Source("ukai.ttc", "UKaiCN", variant="CN"),),
        licence=ARPHIC,
    ),
    Face(
        key="fallback",
        css_family="Enf Fallback",
        stands_for="fallback for characters a primary face lacks",
        sources=(Source("NotoSansCJK-Regular.ttc", "NotoSansCJKsc-Regular"),),
        licence=OFL,
        extra_ranges=FALLBACK_EXTRA_RANGES,
        split=False,
    ),
)

FACES_BY_KEY = {face.key: face for face in FACES}
PARTS: tuple[Part, ...] = tuple(part for face in FACES for part in face.parts())
PARTS_BY_KEY = {part.key: part for part in PARTS}


# --- Locations ----------------------------------------------------------------------------------------------------


def fonts_dir() -> Path:
    """Where prepared fonts live: Django setting ENF_FONTS_DIR, else env ENF_FONTS_DIR, else <project>/var/fonts."""
    with contextlib.suppress(Exception):  # Django missing or settings not configured: fall through
        from django.conf import settings

        if settings.configured and getattr(settings, "ENF_FONTS_DIR", None):
            return Path(settings.ENF_FONTS_DIR)
    env = os.environ.get("ENF_FONTS_DIR")
    return Path(env) if env else DEFAULT_FONTS_DIR


def source_dirs() -> list[Path]:
    env = os.environ.get("ENF_FONT_SOURCE_DIRS")
    dirs = env.split(os.pathsep) if env else DEFAULT_SOURCE_DIRS
    return [Path(d) for d in dirs if d]


def find_source(face: Face, search_dirs: Sequence[Path] | None = None) -> tuple[Path, Source]:
    """Locate the first installed candidate file for ``face``."""
    dirs = list(search_dirs) if search_dirs is not None else source_dirs()
    for source in face.sources:
        for base in dirs:
            if not base.is_dir():
                continue
            for path in sorted(base.rglob(source.filename)):
                return path, source
    wanted = ", ".join(s.filename for s in face.sources)
    raise FontsNotPrepared(
        f"No source font for {face.css_family} ({face.stands_for}): none of {wanted} found under "
        f"{', '.join(map(str, dirs))}. Install fonts-noto-cjk, fonts-noto-cjk-extra and fonts-arphic-ukai "
        f"(or set ENF_FONT_SOURCE_DIRS)."
    )


def output_path(part: Part, out_dir: Path, *, truetype: bool) -> Path:
    """Prepared file name: CFF outlines (Noto) give .otf, TrueType outlines (AR PL) give .ttf."""
    return out_dir / f"enf-{part.key}{'.ttf' if truetype else '.otf'}"


# --- Manifest and staleness ------------------------------------------------------------------------------------------


def read_manifest(out_dir: Path) -> dict:
    try:
        return json.loads((out_dir / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _write_manifest(out_dir: Path, manifest: dict) -> None:
    _atomic_write_bytes(out_dir / MANIFEST_NAME, json.dumps(manifest, ensure_ascii=False, indent=2).encode())


def _resolved_source(face: Face, cache: dict | None = None) -> tuple[Path, str] | None:
    """(file, PostScript name) ``find_source`` picks for ``face`` today; None when no candidate is installed."""
    if cache is not None and face.key in cache:
        return cache[face.key]
    try:
        path, source = find_source(face)
        found = (path, source.postscript_name)
    except FontsNotPrepared:
        found = None  # the source was removed after preparing: the prepared face is still usable
    if cache is not None:
        cache[face.key] = found
    return found


def part_status(part: Part, out_dir: Path, manifest: dict | None = None, sources: dict | None = None) -> str:
    """'ok', or the reason the prepared file must be (re)built.

    A part is stale when its file is missing, the build specification changed, its source file is newer, or the
    source ``find_source`` picks today is another file or face than the one it was built from ("source changed").
    """
    manifest = read_manifest(out_dir) if manifest is None else manifest
    entry = manifest.get("faces", {}).get(part.key)
    if not entry:
        return "missing"
    path = out_dir / entry["file"]
    if not path.is_file():
        return "missing"
    if entry.get("spec") != part.spec_hash():
        return "spec changed"
    current = _resolved_source(part.face, sources)
    if current is not None and (str(current[0]) != entry.get("source") or current[1] != entry.get("source_face")):
        # e.g. prepared from NotoSerifCJK-Regular (fonts-noto-cjk) before fonts-noto-cjk-extra brought the
        # preferred NotoSerifCJK-Light: the renderer and the tests would otherwise disagree about the face.
        return "source changed"
    if "verified_sentinels" not in entry:
        return "unverified"  # prepared before verify_prepared existed: prepare() checks it (seconds, no rebuild)
    source = Path(entry.get("source", ""))
    try:
        if source.stat().st_mtime > path.stat().st_mtime:
            return "source newer"
    except OSError:
        pass  # the source was removed after preparing: the prepared face is still usable
    return "ok"


def prepared_paths(out_dir: Path | None = None) -> dict[str, Path]:
    """Map part key ("body", "body-ext", …) → prepared file, from the manifest (no staleness check)."""
    out_dir = Path(out_dir) if out_dir is not None else fonts_dir()
    faces = read_manifest(out_dir).get("faces", {})
    return {key: out_dir / faces[key]["file"] for key in PARTS_BY_KEY if key in faces}


def fonts_are_current(out_dir: Path | None = None) -> bool:
    out_dir = Path(out_dir) if out_dir is not None else fonts_dir()
    manifest = read_manifest(out_dir)
    sources: dict = {}
    return all(part_status(part, out_dir, manifest, sources) == "ok" for part in PARTS)


# --- Building ------------------------------------------------------------------------------------------------------


def _codepoints(ranges: Sequence[tuple[int, int]]) -> set[int]:
    wanted: set[int] = set()
    for start, end in ranges:
        wanted.update(range(start, end + 1))
    return wanted


_VARIANT_TOKEN = re.compile(r"\b(SC|CN|PRC|GB|JP|KR|TC|TW|HK|MO)\b")
SIMPLIFIED_VARIANTS = frozenset({"SC", "CN", "PRC", "GB"})


def face_variant(font) -> str | None:
    """The language tag of a face from its family name ("Noto Serif CJK SC" → "SC", "AR PL UKai TW" → "TW").

    None when the name carries no tag (a single-language font, e.g. a commercial 仿宋_GB2312).
    """
    name = font["name"]
    for name_id in (16, 1, 4):
        for record in name.names:
            if record.nameID == name_id:
                match = _VARIANT_TOKEN.search(record.toUnicode())
                if match:
                    return match.group(1)
    return None


def _open_face(path: Path, source: Source):
    """Open the face named ``source.postscript_name`` from a collection (or a plain font file).

    The face is found by name, never by index: the order of the faces inside a .ttc is not part of any
    package's contract. Its family name must carry ``source.variant`` (the Simplified Chinese face), so a
    Japanese or Traditional face is never used even if a wrong PostScript name were configured.
    """
    from fontTools.ttLib import TTCollection, TTFont

    with path.open("rb") as fh:
        is_collection = fh.read(4) == b"ttcf"
    if not is_collection:
        font = TTFont(str(path), recalcBBoxes=False, recalcTimestamp=False)
        _check_variant(font, path, source)
        return font
    collection = TTCollection(str(path), lazy=True)
    names = []
    for index, member in enumerate(collection.fonts):
        name = member["name"].getDebugName(6)
        names.append(name)
        if name == source.postscript_name:
            font = TTFont(str(path), fontNumber=index, recalcBBoxes=False, recalcTimestamp=False)
            _check_variant(font, path, source)
            return font
    raise FontsNotPrepared(f"{path} has no face named {source.postscript_name!r} (faces: {', '.join(names)})")


def _check_variant(font, path: Path, source: Source) -> None:
    variant = face_variant(font)
    if variant is not None and variant != source.variant:
        raise FontsNotPrepared(
            f"{path}: face {source.postscript_name!r} is the {variant} face ({font['name'].getDebugName(1)}), "
            f"not the {source.variant} (Simplified Chinese) face: notices would print "
            f"{'Japanese, Korean or Traditional' if variant not in SIMPLIFIED_VARIANTS else 'other'} glyph forms."
        )


# --- Verification ----------------------------------------------------------------------------------------------------

# Characters whose glyph form differs between the Simplified Chinese face and the Japanese, Korean or Traditional
# faces of the same collection (Noto Serif CJK: 直 骨 写 differ from JP/KR, 骨 荁 from TC, 直 荁 from HK; AR PL
# UKai: 骨). 直 骨 写 are in GB 2312 (the common part), 荁 is not (the Ext part).
SENTINELS = "直骨写荁"
VERIFY_SAMPLE = 24  # further characters of each part compared against the source face


def _outline(glyph_set, glyph_name: str) -> tuple:
    from fontTools.pens.recordingPen import DecomposingRecordingPen

    pen = DecomposingRecordingPen(glyph_set)
    glyph_set[glyph_name].draw(pen)
    return tuple(pen.value), glyph_set[glyph_name].width


def verify_prepared(prepared_path: Path, part: Part, source_path: Path, source: Source) -> list[str]:
    """Check a prepared file against the Simplified Chinese face of its source; returns the characters checked.

    1. The source face must be told apart from every other-language face of its collection by the sentinel
       characters (else it carries Japanese/Traditional forms under a Simplified name).
    2. Every sentinel the part maps, and a fixed sample of its other characters, must have exactly the outline
       and advance width of the source face: a wrong face, weight, collection member or subsetting change fails
       here, before the file replaces the previous one.
    Raises ``FontsNotPrepared`` naming the character, the file and the source face.
    """
    import random

    from fontTools.ttLib import TTCollection, TTFont

    reference = _open_face(source_path, source)
    ref_cmap, ref_glyphs = reference.getBestCmap(), reference.getGlyphSet()
    prepared = TTFont(str(prepared_path), lazy=True)
    cmap, glyphs = prepared.getBestCmap(), prepared.getGlyphSet()

    with source_path.open("rb") as fh:
        is_collection = fh.read(4) == b"ttcf"
    if is_collection and source.variant in SIMPLIFIED_VARIANTS:
        ref_forms = {c: _outline(ref_glyphs, ref_cmap[ord(c)]) for c in SENTINELS if ord(c) in ref_cmap}
        for member in TTCollection(str(source_path), lazy=True).fonts:
            variant = face_variant(member)
            if variant is None or variant in SIMPLIFIED_VARIANTS or variant == source.variant:
                continue
            member_cmap, member_glyphs = member.getBestCmap(), member.getGlyphSet()
            forms = {c: _outline(member_glyphs, member_cmap[ord(c)]) for c in ref_forms if ord(c) in member_cmap}
            if ref_forms and forms == ref_forms:
                raise FontsNotPrepared(
                    f"{source_path}: face {source.postscript_name!r} has the same glyph forms as the {variant} face "
                    f"{member['name'].getDebugName(6)!r} for {''.join(ref_forms)}: it is not a Simplified Chinese "
                    f"face. Check the font package, or the Source of {part.face.css_family} in notices/pdf/fonts.py."
                )

    sentinels = [c for c in SENTINELS if ord(c) in cmap]
    others = sorted(set(cmap) - {ord(c) for c in sentinels})
    sample = random.Random(9704).sample(others, min(VERIFY_SAMPLE, len(others)))
    checked = [*sentinels, *(chr(cp) for cp in sample)]
    for char in checked:
        codepoint = ord(char)
        if codepoint not in ref_cmap:
            raise FontsNotPrepared(f"{prepared_path.name}: U+{codepoint:04X} is not in the source face {source_path}")
        if _outline(glyphs, cmap[codepoint]) != _outline(ref_glyphs, ref_cmap[codepoint]):
            raise FontsNotPrepared(
                f"{prepared_path.name} ({part.css_family}): the glyph of {char} (U+{codepoint:04X}) differs from "
                f"{source.postscript_name} in {source_path}. A notice would print another glyph form (Japanese or "
                f"Traditional) or another weight than the Simplified Chinese source face."
            )
    return sentinels


def _blank_codepoints(font, codepoints: set[int]) -> set[int]:
    """Code points whose glyph has no outline although they are not spaces.

    AR PL UKai maps 43 Extension A characters (e.g. 䶮 U+4DAE) to empty glyphs; keeping those mappings would
    print a blank instead of falling back to the next face in the CSS font-family list.
    """
    import unicodedata

    cmap = font.getBestCmap()
    candidates = {cp for cp in codepoints if unicodedata.category(chr(cp))[0] not in "ZC"}
    blank: set[int] = set()
    if "glyf" in font:
        glyf = font["glyf"]
        for cp in candidates:
            if glyf[cmap[cp]].numberOfContours == 0:
                blank.add(cp)
    elif "CFF " in font:
        charstrings = font["CFF "].cff.topDictIndex[0].CharStrings
        for cp in candidates:
            charstring = charstrings[cmap[cp]]
            charstring.decompile()
            operators = [tok for tok in charstring.program if isinstance(tok, str) and "mask" not in tok]
            if operators in (["endchar"], []):
                blank.add(cp)
    return blank


def _glyph_rank_key(codepoint: int) -> tuple[int, int]:
    """Sort key of a character for the GLYPH ORDER: (tier, position).

    Tiers: 0 listed frequent characters, 1 GB 2312 level 1, 2 level 2, 3 other GBK hanzi (most rare name
    characters), 4 other ideographs of the URO, 5 Extension A and everything else.
    """
    position = _FREQUENT_POSITION.get(codepoint)
    if position is not None:
        return (0, position)
    level = _GB2312_LEVEL.get(codepoint)
    if level is not None:
        return (level, codepoint)
    if 0x4E00 <= codepoint <= 0x9FFF:
        return (3 if _in_gbk(codepoint) else 4, codepoint)
    return (5, codepoint)


def _in_gbk(codepoint: int) -> bool:
    try:
        chr(codepoint).encode("gbk")
    except UnicodeEncodeError:
        return False
    return True


def _gb2312_levels() -> dict[int, int]:
    levels = {}
    for row in range(0xB0, 0xF8):
        for cell in range(0xA1, 0xFF):
            try:
                levels[ord(bytes((row, cell)).decode("gb2312"))] = 1 if row < 0xD8 else 2
            except UnicodeDecodeError:
                continue
    return levels


_FREQUENT_POSITION: dict[int, int] = {}
for _char in FREQUENT_SYMBOLS + FREQUENT_HANZI:
    _FREQUENT_POSITION.setdefault(ord(_char), len(_FREQUENT_POSITION))
_GB2312_LEVEL = _gb2312_levels()


def frequency_glyph_order(font) -> list[str]:
    """The font's glyphs, .notdef first, then by how frequent their characters are (see GLYPH ORDER)."""
    order = font.getGlyphOrder()
    best: dict[str, tuple[int, int]] = {}
    for codepoint, glyph in font.getBestCmap().items():
        key = _glyph_rank_key(codepoint)
        if glyph not in best or key < best[glyph]:
            best[glyph] = key
    position = {glyph: index for index, glyph in enumerate(order)}
    rest = [g for g in order[1:] if g not in best]
    ranked = sorted((g for g in order[1:] if g in best), key=lambda g: (best[g], position[g]))
    return [order[0], *ranked, *rest]


def _reorder_glyphs(font, new_order: list[str]) -> None:
    """Renumber the glyphs of a font without layout tables (TrueType or CID-keyed CFF)."""
    if sorted(new_order) != sorted(font.getGlyphOrder()):
        raise ValueError("new glyph order must hold the same glyphs")
    font.ensureDecompiled()  # name-keyed tables (hmtx, cmap, glyf) must be loaded under the old order
    if "CFF " in font:
        # As fontTools' subsetter does when it drops glyphs: permute the CharStrings INDEX, the FDSelect
        # (which Private dict, hence which local subroutines, each glyph uses) and the charset together.
        top = font["CFF "].cff.topDictIndex[0]
        charstrings = top.CharStrings
        old_index = {glyph: index for index, glyph in enumerate(top.charset)}
        for glyph in top.charset:
            charstrings.getItemAndSelector(glyph)  # materialise with its own Private dict
        indices = [old_index[glyph] for glyph in new_order]
        if charstrings.charStringsAreIndexed:
            index = charstrings.charStringsIndex
            index.items = [index.items[i] for i in indices]
            for attr in ("file", "offsets"):
                if hasattr(index, attr):
                    delattr(index, attr)
            charstrings.charStrings = {glyph: i for i, glyph in enumerate(new_order)}
        else:
            charstrings.charStrings = {glyph: charstrings.charStrings[glyph] for glyph in new_order}
        if hasattr(top, "FDSelect"):
            top.FDSelect.format = None
            top.FDSelect.gidArray = [top.FDSelect.gidArray[i] for i in indices]
        top.charset = list(new_order)
        top.numGlyphs = len(new_order)
    font.setGlyphOrder(list(new_order))


def _rename(font, part: Part, source_path: Path) -> None:
    """Give the prepared face its own names, so it never collides with the installed original in fontconfig.

    The copyright (nameID 0), licence (13, 14) and trademark (7) records are kept as they are.
    """
    name_table = font["name"]
    original = name_table.getDebugName(4) or source_path.name
    family = part.css_family
    postscript = family.replace(" ", "")
    for record_id in (1, 3, 4, 6, 16, 17, 21, 22):
        name_table.removeNames(nameID=record_id)
    name_table.setName(family, 1, 3, 1, 0x409)
    name_table.setName("Regular", 2, 3, 1, 0x409)
    name_table.setName(f"{postscript};subset of {original}", 3, 3, 1, 0x409)
    name_table.setName(family, 4, 3, 1, 0x409)
    name_table.setName(postscript, 6, 3, 1, 0x409)
    name_table.setName(family, 1, 1, 0, 0)
    name_table.setName(family, 4, 1, 0, 0)
    name_table.setName(postscript, 6, 1, 0, 0)
    if "CFF " in font:
        cff = font["CFF "].cff
        cff.fontNames = [postscript]
        top = cff.topDictIndex[0]
        top.FullName = family
        top.FamilyName = family


def build_part(part_key: str, out_dir: str) -> dict:
    """Extract one face from its collection and cut it down to one part's characters; returns the manifest
    entry. Runs in a worker process under ``prepare(jobs>1)``."""
    from fontTools import subset

    part = PARTS_BY_KEY[part_key]
    face = part.face
    out = Path(out_dir)
    started = time.perf_counter()
    source_path, source = find_source(face)
    font = _open_face(source_path, source)
    cmap = font.getBestCmap()
    wanted = part.codepoints() & set(cmap)
    blank = _blank_codepoints(font, wanted)
    wanted -= blank

    options = subset.Options()
    options.layout_features = list(LAYOUT_FEATURES)
    options.hinting = False  # print only: hinting instructions just add bytes
    options.notdef_outline = True
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.name_legacy = True
    options.recalc_bounds = False
    options.drop_tables += ["BASE", "DSIG", "VORG", "vhea", "vmtx", "EBDT", "EBLC", "EBSC", "GDEF", "GSUB", "GPOS"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=wanted)
    subsetter.subset(font)
    _reorder_glyphs(font, frequency_glyph_order(font))
    _rename(font, part, source_path)

    target = output_path(part, out, truetype="glyf" in font)
    with tempfile.NamedTemporaryFile(dir=out, prefix=f".{target.name}.", delete=False) as tmp:
        tmp_path = Path(tmp.name)
    try:
        font.save(str(tmp_path))
        try:
            verified = verify_prepared(tmp_path, part, source_path, source)
        except FontsNotPrepared as exc:
            raise FontsNotPrepared(f"{exc} The new {target.name} was not installed.") from exc
        tmp_path.chmod(0o644)  # NamedTemporaryFile creates 0600; web and worker users must read the fonts
        os.replace(tmp_path, target)
    finally:
        tmp_path.unlink(missing_ok=True)
    kept = set(font.getBestCmap())
    return {
        "file": target.name,
        "css_family": part.css_family,
        "part": part.kind,
        "stands_for": face.stands_for,
        "source": str(source_path),
        "source_face": source.postscript_name,
        "verified_sentinels": "".join(verified),
        "licence": face.licence,
        "spec": part.spec_hash(),
        "codepoints": len(kept),
        "dropped_blank": len(blank),
        "han": sum(1 for cp in kept if 0x3400 <= cp <= 0x4DBF or 0x4E00 <= cp <= 0x9FFF),
        "glyphs": len(font.getGlyphOrder()),
        "bytes": target.stat().st_size,
        "seconds": round(time.perf_counter() - started, 1),
    }


@contextlib.contextmanager
def _exclusive_lock(out_dir: Path) -> Iterator[None]:
    out_dir.mkdir(parents=True, exist_ok=True)
    with open(out_dir / LOCK_NAME, "a+") as lock_file:
        fcntl.flock(lock_file.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock_file.fileno(), fcntl.LOCK_UN)


def prepare(out_dir: Path | str | None = None, *, force: bool = False, jobs: int = 1) -> dict:
    """Build every stale or missing face into ``out_dir``; a no-op (a few stat calls) when all are current.

    Safe to call from several processes at once: the work happens under an exclusive lock, and faces that
    another process finished meanwhile are not rebuilt. ``jobs`` > 1 builds faces in parallel worker
    processes (the CLI does this; the renderer's on-demand call does not, as it may run in a daemon worker).
    Returns the manifest.
    """
    out = Path(out_dir) if out_dir is not None else fonts_dir()
    with _exclusive_lock(out):
        manifest = read_manifest(out)
        if manifest.get("format") != FORMAT_VERSION:
            manifest = {"format": FORMAT_VERSION, "faces": {}}
        sources: dict = {}
        status = {part.key: "forced" if force else part_status(part, out, manifest, sources) for part in PARTS}
        verified_now = [key for key, state in status.items() if state == "unverified"
                        and _verify_in_place(PARTS_BY_KEY[key], out, manifest["faces"][key])]
        status.update(dict.fromkeys(verified_now, "ok"))
        stale = [key for key, state in status.items() if state != "ok"]
        if not stale:
            if verified_now:
                _write_manifest(out, manifest)
            return manifest
        for key in stale:
            find_source(PARTS_BY_KEY[key].face)  # fail fast, before minutes of subsetting
        logger.info("Preparing notice fonts in %s: %s", out, ", ".join(stale))
        if jobs > 1 and len(stale) > 1:
            with ProcessPoolExecutor(max_workers=min(jobs, len(stale))) as pool:
                entries = dict(zip(stale, pool.map(build_part, stale, [str(out)] * len(stale)), strict=True))
        else:
            entries = {key: build_part(key, str(out)) for key in stale}
        manifest["faces"].update(entries)
        manifest["faces"] = {key: manifest["faces"][key] for key in PARTS_BY_KEY if key in manifest["faces"]}
        _write_manifest(out, manifest)
        return manifest


def _verify_in_place(part: Part, out_dir: Path, entry: dict) -> bool:
    """Verify a part prepared by an older version of this module; record it in ``entry``. False: rebuild it."""
    try:
        path, source = find_source(part.face)
        entry["verified_sentinels"] = "".join(verify_prepared(out_dir / entry["file"], part, path, source))
    except FontsNotPrepared as exc:
        logger.warning("Rebuilding %s: %s", part.key, exc)
        return False
    return True


def ensure_fonts(out_dir: Path | str | None = None, *, auto_prepare: bool | None = None) -> dict[str, Path]:
    """Return part key → prepared file, preparing the fonts first when they are missing or stale.

    ``auto_prepare`` defaults to env ENF_FONTS_AUTO_PREPARE (on unless "0"). When it is off and fonts are
    missing, raises ``FontsNotPrepared`` with the command to run.
    """
    out = Path(out_dir) if out_dir is not None else fonts_dir()
    if not fonts_are_current(out):
        if auto_prepare is None:
            auto_prepare = os.environ.get("ENF_FONTS_AUTO_PREPARE", "1") != "0"
        if not auto_prepare:
            raise FontsNotPrepared(
                f"Notice fonts are missing or stale in {out}. Run: python -m notices.pdf.fonts prepare --out {out}"
            )
        logger.warning("Notice fonts missing or stale in %s; preparing them now (takes a few minutes)", out)
        prepare(out)
    return prepared_paths(out)


def _atomic_write_bytes(path: Path, data: bytes) -> None:
    with tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}.", delete=False) as tmp:
        tmp.write(data)
        tmp_path = Path(tmp.name)
    tmp_path.chmod(0o644)
    os.replace(tmp_path, path)


# --- CLI -----------------------------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m notices.pdf.fonts", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p_prepare = sub.add_parser("prepare", help="extract and subset the faces (skips current ones)")
    p_prepare.add_argument("--out", type=Path, default=None, help="output directory (default: ENF_FONTS_DIR)")
    p_prepare.add_argument("--force", action="store_true", help="rebuild even when current")
    p_prepare.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="parallel worker processes")
    p_check = sub.add_parser("check", help="report the state of the prepared faces; exit 1 when not current")
    p_check.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    out = args.out if args.out is not None else fonts_dir()

    if args.command == "prepare":
        started = time.perf_counter()
        try:
            manifest = prepare(out, force=args.force, jobs=max(1, args.jobs))
        except FontsNotPrepared as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        for key, entry in manifest["faces"].items():
            print(
                f"{key:12} {entry['file']:21} {entry['css_family']:22} ← {entry['source_face']:23} "
                f"{entry['han']:6} 汉字 {entry['glyphs']:6} glyphs {entry['bytes'] / 1e6:5.1f} MB  {entry['stands_for']}"
            )
        print(f"done in {time.perf_counter() - started:.1f} s → {out}")
        return 0

    manifest = read_manifest(out)
    current = True
    sources: dict = {}
    for part in PARTS:
        status = part_status(part, out, manifest, sources)
        current &= status == "ok"
        print(f"{part.key:12} {status}")
    return 0 if current else 1


if __name__ == "__main__":
    raise SystemExit(main())
