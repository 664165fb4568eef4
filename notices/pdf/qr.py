"""QR codes for the verification block, as data URIs for an ``<img src>``.

The default is a 1-bit PNG with 4 px per module, which notice.css draws with ``image-rendering: pixelated`` (PDF
``/Interpolate false``), so it prints with sharp module edges at any size. It costs well under a millisecond in
WeasyPrint. SVG is available too (``fmt="svg"``, one path of merged horizontal runs), but WeasyPrint's SVG path
parser is slow for a QR code's hundreds of small rectangles (tens of milliseconds per notice).
"""

from __future__ import annotations

import base64
import io
import re
from functools import lru_cache

import qrcode
import qrcode.constants
import qrcode.main
import qrcode.util

QUIET_ZONE = 4  # modules of white border, as ISO/IEC 18004 asks
PNG_MODULE_PX = 4


def qr_matrix(text: str) -> list[list[bool]]:
    """Module matrix (True = dark) including the quiet zone; error correction level M; the mask pattern with the
    lowest penalty (ISO/IEC 18004 §7.8.3), the same one ``qrcode`` chooses (``best_mask``)."""
    if not text:
        raise ValueError("QR code text must not be empty")
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=QUIET_ZONE)
    code.add_data(text)
    code.best_fit(start=code.version)
    code.makeImpl(False, best_mask(code))
    return code.get_matrix()


# --- Mask selection -------------------------------------------------------------------------------------------------
# ``qrcode`` chooses the mask by building the symbol eight times and scoring each with loops over every module in
# Python (~5 ms for a verification link, most of a notice's QR cost). Here the symbol is built once; each mask is
# applied as an XOR of precomputed row and column bitmaps, and the four penalty rules are scored on integers and
# strings (C-speed counting): ~0.4 ms in all, with the same scores as ``qrcode.util.lost_point`` on the same
# matrices (tests/notices_pdf/test_qr.py checks the scores and the choice against ``qrcode`` itself).

_RUN = re.compile(r"0{5,}|1{5,}")
_FINDER_LIKE = ("10111010000", "00001011101")  # 1:1:3:1:1 with four light modules after or before


def _bits(matrix) -> tuple[list[int], list[int]]:
    """Rows and columns as integers (bit c of row r = module (r, c) dark; bit r of column c likewise)."""
    n = len(matrix)
    rows = [sum(1 << c for c, dark in enumerate(row) if dark) for row in matrix]
    cols = [sum(1 << r for r in range(n) if matrix[r][c]) for c in range(n)]
    return rows, cols


@lru_cache(maxsize=64)
def _mask_bitmaps(version: int) -> tuple[tuple[tuple[int, ...], tuple[int, ...]], ...]:
    """Per mask pattern 0-7: the data modules it inverts, as row and column bitmaps, for a symbol of ``version``."""
    if version not in qrcode.main.precomputed_qr_blanks:
        probe = qrcode.QRCode(version=version, error_correction=qrcode.constants.ERROR_CORRECT_M)
        probe.add_data("0")
        probe.makeImpl(True, 0)
    probe = qrcode.QRCode(version=version)
    probe.modules_count = n = version * 4 + 17
    probe.modules = qrcode.main.copy_2d_array(qrcode.main.precomputed_qr_blanks[version])
    probe.setup_type_info(True, 0)  # format (and version) information are not data
    if version >= 7:
        probe.setup_type_number(True)
    data = [[module is None for module in row] for row in probe.modules]
    result = []
    for pattern in range(8):
        inverts = qrcode.util.mask_func(pattern)
        rows, cols = _bits([[data[r][c] and bool(inverts(r, c)) for c in range(n)] for r in range(n)])
        result.append((tuple(rows), tuple(cols)))
    return tuple(result)


def penalty(rows: list[int], cols: list[int], n: int) -> int:
    """ISO/IEC 18004 mask penalty of a symbol given as row and column bitmaps, scored as ``qrcode.util.lost_point``
    scores it: runs of five or more (3 + length - 5), 2×2 blocks (3 each), finder-like patterns (40 each),
    balance of dark and light (10 per 5 % from half)."""
    width = f"0{n}b"
    lines = [format(x, width) for x in rows] + [format(x, width) for x in cols]
    score = sum(len(run) - 2 for line in lines for run in _RUN.findall(line))
    score += 40 * sum(line.count(pattern) for line in lines for pattern in _FINDER_LIKE)
    below = (1 << (n - 1)) - 1
    for a, b in zip(rows, rows[1:]):
        vertical = a ^ b
        score += 3 * (~vertical & ~(vertical >> 1) & ~(a ^ (a >> 1)) & below).bit_count()
    dark = sum(x.bit_count() for x in rows)
    score += 10 * int(abs(float(dark) / (n * n) * 100 - 50) / 5)
    return score


def best_mask(code: qrcode.QRCode) -> int:
    """The mask pattern ``code.best_mask_pattern()`` returns, computed from one build of the symbol."""
    code.makeImpl(True, 0)  # scored as qrcode scores: format information light, data under mask 0
    n = code.modules_count
    rows, cols = _bits(code.modules)
    masks = _mask_bitmaps(code.version)
    rows = [r ^ m for r, m in zip(rows, masks[0][0], strict=True)]  # the data unmasked
    cols = [c ^ m for c, m in zip(cols, masks[0][1], strict=True)]
    best, best_score = 0, None
    for pattern, (mask_rows, mask_cols) in enumerate(masks):
        score = penalty([r ^ m for r, m in zip(rows, mask_rows, strict=True)],
                        [c ^ m for c, m in zip(cols, mask_cols, strict=True)], n)
        if best_score is None or score < best_score:
            best, best_score = pattern, score
    return best


@lru_cache(maxsize=256)
def qr_png(text: str) -> bytes:
    """1-bit PNG of the QR code, ``PNG_MODULE_PX`` pixels per module."""
    from PIL import Image

    matrix = qr_matrix(text)
    size = len(matrix)
    image = Image.new("1", (size, size), 1)
    image.putdata([0 if dark else 1 for row in matrix for dark in row])
    image = image.resize((size * PNG_MODULE_PX, size * PNG_MODULE_PX), Image.Resampling.NEAREST)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


@lru_cache(maxsize=256)
def qr_svg(text: str) -> bytes:
    """SVG of the QR code: one path, horizontal runs of dark modules merged into rectangles."""
    matrix = qr_matrix(text)
    size = len(matrix)
    commands = []
    for y, row in enumerate(matrix):
        x = 0
        while x < size:
            if row[x]:
                start = x
                while x < size and row[x]:
                    x += 1
                commands.append(f"M{start} {y}h{x - start}v1h-{x - start}z")
            else:
                x += 1
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" width="{size}" height="{size}" '
        f'shape-rendering="crispEdges"><rect width="{size}" height="{size}" fill="#fff"/>'
        f'<path fill="#000" d="{"".join(commands)}"/></svg>'
    )
    return svg.encode("ascii")


def qr_data_uri(text: str, *, fmt: str = "png") -> str:
    """Data URI of the QR code for ``text``: ``fmt`` is "png" (default) or "svg"."""
    if fmt == "png":
        return "data:image/png;base64," + base64.b64encode(qr_png(text)).decode("ascii")
    if fmt == "svg":
        return "data:image/svg+xml;base64," + base64.b64encode(qr_svg(text)).decode("ascii")
    raise ValueError(f"unknown QR image format {fmt!r}")
