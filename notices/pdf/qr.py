"""QR codes for the verification block, as data URIs for an ``<img src>``.

The default is a 1-bit PNG with 4 px per module, which notice.css draws with ``image-rendering: pixelated`` (PDF
``/Interpolate false``), so it prints with sharp module edges at any size. It costs well under a millisecond in
WeasyPrint. SVG is available too (``fmt="svg"``, one path of merged horizontal runs), but WeasyPrint's SVG path
parser is slow for a QR code's hundreds of small rectangles (tens of milliseconds per notice).
"""

from __future__ import annotations

import base64
import io
from functools import lru_cache

import qrcode
import qrcode.constants

QUIET_ZONE = 4  # modules of white border, as ISO/IEC 18004 asks
PNG_MODULE_PX = 4


def qr_matrix(text: str) -> list[list[bool]]:
    """Module matrix (True = dark) including the quiet zone; error correction level M."""
    if not text:
        raise ValueError("QR code text must not be empty")
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=QUIET_ZONE)
    code.add_data(text)
    code.make(fit=True)
    return code.get_matrix()


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
