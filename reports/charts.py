"""Charts drawn on the server as SVG, so the page and the PDF (WeasyPrint runs no JavaScript) show the same chart."""

from __future__ import annotations

from decimal import Decimal
from html import escape

from django.utils.safestring import SafeString, mark_safe

RECEIVED, CLOSED, RATE, GRID, TEXT = "#6c8ebf", "#3d9970", "#c0392b", "#dddddd", "#333333"
FONT = "font-family=\"'Enf HeiTi','Noto Sans CJK SC','Noto Sans SC',sans-serif\""


def _num(v) -> float:
    return float(v or 0)  # drawing coordinates only; the figures themselves stay Decimal


def _count_tick(top: float) -> int:
    """The step of the count axis: four equal whole steps of 1, 2 or 5 × 10^n covering ``top``, so the grid labels
    are distinct integers (a top of 2 drawn as 2, 2, 1, 0, 0 read as nonsense)."""
    magnitude = 1
    while True:
        for m in (1, 2, 5):
            if 4 * m * magnitude >= top:
                return m * magnitude
        magnitude *= 10


def trend_svg(points: list[dict], *, title: str, received_label: str, closed_label: str, rate_label: str,
              width: int = 720, height: int = 260) -> SafeString:
    """Bars of received and closed per week and a line of the closure rate (right axis, 0-100%).

    ``points``: [{"label": str, "received": int, "closed": int, "rate": Decimal|None}].
    """
    left, right, top, bottom = 44, 44, 34, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    tick = _count_tick(max([_num(p["received"]) for p in points] + [_num(p["closed"]) for p in points] + [1]))
    top_count = 4 * tick
    step = plot_w / max(len(points), 1)
    bar = max(step / 3, 2)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" '
           f'aria-label="{escape(title)}" class="report-chart" {FONT} font-size="11">',
           f'<title>{escape(title)}</title>',
           f'<text x="{left}" y="16" font-size="13" fill="{TEXT}">{escape(title)}</text>']
    for i in range(5):
        y = top + plot_h * i / 4
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="{GRID}"/>')
        out.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{TEXT}">'
                   f'{tick * (4 - i)}</text>')
        out.append(f'<text x="{width - right + 6}" y="{y + 4:.1f}" fill="{RATE}">{100 - 25 * i}%</text>')
    line = []
    for i, p in enumerate(points):
        x = left + step * i + step / 2
        for j, (value, colour) in enumerate(((p["received"], RECEIVED), (p["closed"], CLOSED))):
            h = plot_h * _num(value) / top_count
            out.append(f'<rect x="{x - bar + j * bar:.1f}" y="{top + plot_h - h:.1f}" width="{bar - 1:.1f}" '
                       f'height="{h:.1f}" fill="{colour}"><title>{escape(str(value))}</title></rect>')
        out.append(f'<text x="{x:.1f}" y="{height - bottom + 14}" text-anchor="middle" fill="{TEXT}" '
                   f'font-size="10">{escape(p["label"])}</text>')
        if p.get("rate") is not None:
            y = top + plot_h * (1 - min(_num(p["rate"]), 100) / 100)
            line.append(f"{x:.1f},{y:.1f}")
            out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{RATE}"/>')
    if len(line) > 1:
        out.append(f'<polyline points="{" ".join(line)}" fill="none" stroke="{RATE}" stroke-width="2"/>')
    legend_y = height - 8
    for k, (label, colour) in enumerate(((received_label, RECEIVED), (closed_label, CLOSED), (rate_label, RATE))):
        x = left + k * 140
        out.append(f'<rect x="{x}" y="{legend_y - 9}" width="10" height="10" fill="{colour}"/>')
        out.append(f'<text x="{x + 14}" y="{legend_y}" fill="{TEXT}">{escape(label)}</text>')
    out.append("</svg>")
    return mark_safe("".join(out))  # noqa: S308 - every text node above is escaped


def bars_svg(items: list[tuple[str, int | Decimal]], *, title: str, width: int = 560,
             height: int | None = None) -> SafeString:
    """Horizontal bars, one per (label, value)."""
    row = 24
    height = height or 30 + row * len(items)
    label_w = 110
    top_value = max([_num(v) for _l, v in items] + [1])
    plot_w = width - label_w - 50
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" '
           f'aria-label="{escape(title)}" class="report-chart" {FONT} font-size="11">',
           f'<title>{escape(title)}</title>',
           f'<text x="0" y="14" font-size="13" fill="{TEXT}">{escape(title)}</text>']
    for i, (label, value) in enumerate(items):
        y = 26 + i * row
        w = plot_w * _num(value) / top_value
        out.append(f'<text x="{label_w - 6}" y="{y + 13}" text-anchor="end" fill="{TEXT}">{escape(label)}</text>')
        out.append(f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{row - 8}" fill="{RECEIVED}"/>')
        out.append(f'<text x="{label_w + w + 4:.1f}" y="{y + 13}" fill="{TEXT}">{escape(str(value))}</text>')
    out.append("</svg>")
    return mark_safe("".join(out))  # noqa: S308 - every text node above is escaped
