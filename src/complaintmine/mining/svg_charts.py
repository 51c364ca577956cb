"""Inline SVG charts for the HTML report: horizontal bars, small line charts and histograms.

Why hand-written SVG: the report must open offline as one file, so charts cannot come from a JavaScript
library or a CDN, and rendering them in Python keeps the report free of scripts altogether (nothing can fail
in the browser console). Each chart is one ``<svg role="img">`` with an ``aria-label``, a ``<title>`` and a
``data-chart`` name, so screen readers and tests can find it; every number a chart shows is also written as
text next to its mark, not only encoded as a length.

The ``<svg>`` elements carry no ``xmlns``: inline SVG in HTML needs none, and the report contains no URL at
all (a test checks that). All text passes through :func:`html.escape`. The CJK font stack is set on the
``<svg>`` itself so the charts keep Chinese glyphs even when copied out of the page. Text widths are estimated
(wide East Asian characters count one em, others about 0.6 em) because no font metrics exist at write time.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

FONT_STACK = (
    '"PingFang SC", "Hiragino Sans GB", "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", '
    '"WenQuanYi Micro Hei", sans-serif'
)
_SVG_FONT = FONT_STACK.replace('"', "'")  # it sits inside a double-quoted attribute
TEXT = "#1f2933"
MUTED = "#616e7c"
GRID = "#d9dee3"


@dataclass(frozen=True)
class Bar:
    """One bar: ``key`` identifies it for tests (``data-key``), ``label`` and ``text`` are what readers see."""

    key: str
    label: str
    value: float
    text: str
    color: str = "#3b6ea8"
    title: str = ""


@dataclass(frozen=True)
class Point:
    """One period of a line chart: its label (e.g. ``2024-11``) and its count."""

    label: str
    value: float


def text_width(text: str, size: float) -> float:
    """Approximate rendered width of ``text`` at font ``size`` (px)."""
    return sum(size if unicodedata.east_asian_width(c) in "WF" else size * 0.6 for c in text)


def fit_text(text: str, max_width: float, size: float) -> str:
    """``text`` cut with an ellipsis so it fits ``max_width``; the full text goes in the mark's tooltip."""
    if text_width(text, size) <= max_width:
        return text
    out = ""
    for char in text:
        if text_width(out + char + "…", size) > max_width:
            break
        out += char
    return out + "…"


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _open(chart: str, label: str, width: float, height: float) -> str:
    return (
        f'<svg role="img" data-chart="{escape(chart)}" '
        f'aria-label="{escape(label)}" viewBox="0 0 {_num(width)} {_num(height)}" '
        f'width="{_num(width)}" height="{_num(height)}" font-family="{_SVG_FONT}" class="chart">'
        f"<title>{escape(label)}</title>"
    )


def _text(x: float, y: float, text: str, *, size: float = 12, anchor: str = "start", color: str = TEXT) -> str:
    return (
        f'<text x="{_num(x)}" y="{_num(y)}" font-size="{_num(size)}" text-anchor="{anchor}" fill="{color}">'
        f"{escape(text)}</text>"
    )


def bar_chart(chart: str, label: str, bars: Sequence[Bar], *, width: float = 560, max_label: float = 220) -> str:
    """Horizontal bars, one row each: the label on the left, the bar, and its ``text`` right after the bar."""
    size, row, bar_h, pad = 13.0, 26.0, 17.0, 8.0
    label_w = min(max((text_width(b.label, size) for b in bars), default=0.0), max_label) + pad
    value_w = max((text_width(b.text, size) for b in bars), default=0.0) + pad
    track = max(width - label_w - value_w - pad, 40.0)
    top = max((b.value for b in bars), default=0.0)
    height = row * max(len(bars), 1) + pad
    parts = [_open(chart, label, width, height)]
    for i, bar in enumerate(bars):
        y = pad / 2 + i * row
        length = track * bar.value / top if top > 0 and bar.value > 0 else 0.0
        shown = fit_text(bar.label, max_label, size)
        tip = bar.title or f"{bar.label}: {bar.text}"
        parts.append(
            f'<g class="bar" data-key="{escape(bar.key)}" data-value="{escape(_num(bar.value))}">'
            f"<title>{escape(tip)}</title>"
            + _text(label_w - pad, y + bar_h - 3, shown, size=size, anchor="end")
            + f'<rect x="{_num(label_w)}" y="{_num(y)}" width="{_num(max(length, 0.0))}" height="{_num(bar_h)}" '
            f'rx="2" fill="{escape(bar.color)}"/>'
            + _text(label_w + length + 5, y + bar_h - 3, bar.text, size=size)
            + "</g>"
        )
    parts.append(f'<path d="M{_num(label_w)} 0V{_num(height)}" stroke="{GRID}" stroke-width="1"/>')
    parts.append("</svg>")
    return "".join(parts)


def line_chart(
    chart: str,
    label: str,
    points: Sequence[Point],
    *,
    y_max: float,
    color: str,
    width: float = 340,
    height: float = 150,
) -> str:
    """A small line chart of counts per period on a shared ``y_max`` (small multiples compare by height).

    The peak and the last value are written on the chart; every point has a tooltip with its period and count.
    """
    left, right, top, bottom = 34.0, 14.0, 16.0, 24.0
    plot_w, plot_h = width - left - right, height - top - bottom
    y_max = max(y_max, 1.0)
    step = plot_w / (len(points) - 1) if len(points) > 1 else 0.0

    def xy(i: int, value: float) -> tuple[float, float]:
        x = left + (i * step if len(points) > 1 else plot_w / 2)
        return x, top + plot_h * (1 - value / y_max)

    parts = [_open(chart, label, width, height)]
    for value in (0.0, y_max):
        _, y = xy(0, value)
        parts.append(f'<path d="M{_num(left)} {_num(y)}H{_num(width - right)}" stroke="{GRID}" stroke-width="1"/>')
        parts.append(_text(left - 4, y + 4, _num(value), size=10, anchor="end", color=MUTED))
    coords = [xy(i, p.value) for i, p in enumerate(points)]
    if coords:
        path = "M" + " L".join(f"{_num(x)} {_num(y)}" for x, y in coords)
        parts.append(f'<path d="{path}" fill="none" stroke="{escape(color)}" stroke-width="2"/>')
        radius = 3.0 if len(points) <= 40 else 1.5
        for (x, y), p in zip(coords, points):
            parts.append(
                f'<circle cx="{_num(x)}" cy="{_num(y)}" r="{_num(radius)}" fill="{escape(color)}">'
                f"<title>{escape(p.label)}: {escape(_num(p.value))}</title></circle>"
            )
        peak = max(range(len(points)), key=lambda i: points[i].value)
        for i in sorted({peak, len(points) - 1}):
            x, y = coords[i]
            anchor = "end" if x > width - right - 20 else ("start" if x < left + 20 else "middle")
            parts.append(_text(x, max(y - 6, 10), _num(points[i].value), size=11, anchor=anchor))
        parts.append(_text(left, height - 6, points[0].label, size=10, color=MUTED))
        if len(points) > 1:
            parts.append(_text(width - right, height - 6, points[-1].label, size=10, anchor="end", color=MUTED))
    parts.append("</svg>")
    return "".join(parts)


def histogram(
    chart: str, label: str, bins: Sequence[Bar], *, width: float = 560, height: float = 220, unit: str = ""
) -> str:
    """Vertical bars for binned counts: the count above each bar and the bin's label below it."""
    left, right, top, bottom = 8.0, 8.0, 20.0, 40.0
    plot_w, plot_h = width - left - right, height - top - bottom
    slot = plot_w / max(len(bins), 1)
    peak = max((b.value for b in bins), default=0.0)
    parts = [_open(chart, label, width, height)]
    base = top + plot_h
    for i, b in enumerate(bins):
        h = plot_h * b.value / peak if peak > 0 else 0.0
        x = left + i * slot
        tip = b.title or f"{b.label}{unit}: {b.text}"
        parts.append(
            f'<g class="bin" data-key="{escape(b.key)}" data-value="{escape(_num(b.value))}">'
            f"<title>{escape(tip)}</title>"
            f'<rect x="{_num(x + 3)}" y="{_num(base - h)}" width="{_num(max(slot - 6, 1))}" height="{_num(h)}" '
            f'rx="2" fill="{escape(b.color)}"/>'
            + _text(x + slot / 2, base - h - 5, b.text, size=11, anchor="middle")
            + _text(x + slot / 2, base + 15, fit_text(b.label, slot + 4, 11), size=11, anchor="middle", color=MUTED)
            + "</g>"
        )
    parts.append(f'<path d="M{_num(left)} {_num(base)}H{_num(width - right)}" stroke="{MUTED}" stroke-width="1"/>')
    if unit:
        parts.append(_text(width - right, height - 4, unit, size=11, anchor="end", color=MUTED))
    parts.append("</svg>")
    return "".join(parts)
