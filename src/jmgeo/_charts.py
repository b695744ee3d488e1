"""Small SVG charts of the series the documents give over the years, made at build time.

A series (:func:`jmgeo._facts.fact_series`) is one quantity in one unit at several
years, e.g. the city's GDP from 1949 to 2023. Its chart is a plain SVG string (no
script, no external reference) that the page puts inline in the city's facts: a line
for a long series, bars for a short one, the years under it, the unit and largest value
beside it, and the sources under it. Every mark carries its year, value and fact id as
``data-`` attributes, so a test reads the points back from the SVG.
"""

from __future__ import annotations

import math
from html import escape

__all__ = ["series_chart_svg"]

WIDTH, PLOT_HEIGHT = 320, 100
LEFT, RIGHT, TOP, AXIS = 46, 12, 26, 20
SOURCE_LINE_PX = 12  # the sources under the chart, a line each
SOURCE_LINE_CHARS = 34  # characters of a source line (a Chinese character at 9 px is about 9 px wide)
BARS_UP_TO = 4  # points: a short series reads better as bars, a long one as a line
MIN_LABEL_GAP_PX = 30  # year labels closer than this to the previous one are left out

_TEXT = {
    "zh": {"source": "来源", "doc": "文件"},
    "en": {"source": "Source", "doc": "document"},
}


def _nice_max(value: float) -> float:
    """The smallest 1, 2, 2.5 or 5 times a power of ten at or above ``value``."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= value)


def _number(value: float) -> str:
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def _source_lines(docs: list[str], lang: str, documents: dict[str, dict]) -> list[str]:
    """The sources under the chart, each document's number and title, wrapped to the chart's width."""
    words, sep = _TEXT[lang], "：" if lang == "zh" else ": "
    lines = []
    for d in docs:
        name = (documents.get(d) or {}).get("title_zh") or d
        text = (
            words["source"]
            + sep
            + (f"{words['doc']}{d[:3]}《{name}》" if lang == "zh" else f"{words['doc']} {d[:3]}, 《{name}》")
        )
        lines += [text[i : i + SOURCE_LINE_CHARS] for i in range(0, len(text), SOURCE_LINE_CHARS)]
    return lines


def _attr(value) -> str:
    return escape(str(value), quote=True)


def series_chart_svg(series: dict, lang: str, documents: dict[str, dict]) -> str:
    """Draw one series as an SVG string in ``lang`` (``"zh"`` or ``"en"``).

    ``series`` has ``title_zh``, ``title_en``, ``unit`` and ``points`` (``year``,
    ``value``, ``fact_id``, ``doc``), sorted by year; ``documents`` maps a document file
    to its ``title_zh``.

    Examples
    --------
    >>> s = {"id": "gdp", "title_zh": "地区生产总值", "title_en": "GDP", "unit": "亿元",
    ...      "points": [{"year": 2020, "value": 1.0, "fact_id": "a", "doc": "000_x.txt"},
    ...                 {"year": 2023, "value": 2.0, "fact_id": "b", "doc": "000_x.txt"}]}
    >>> svg = series_chart_svg(s, "en", {"000_x.txt": {"title_zh": "题"}})
    >>> svg.startswith("<svg") and svg.count('class="jmgeo-chart-mark"')
    2
    """
    points = series["points"]
    years = [p["year"] for p in points]
    y0, y1 = min(years), max(years)
    top = _nice_max(max(p["value"] for p in points))
    lines = _source_lines(sorted({p["doc"] for p in points}), lang, documents)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, PLOT_HEIGHT
    height = TOP + plot_h + AXIS + SOURCE_LINE_PX * len(lines)
    bars = len(points) <= BARS_UP_TO
    slot = plot_w / len(points)

    def x_of(i: int, year: int) -> float:
        if bars:
            return LEFT + slot * (i + 0.5)
        return LEFT + (plot_w * (year - y0) / (y1 - y0) if y1 > y0 else plot_w / 2)

    def y_of(value: float) -> float:
        return TOP + plot_h * (1 - value / top)

    title = series["title_zh"] if lang == "zh" else series["title_en"]
    unit = escape(series["unit"])
    heading = f"{escape(title)}（{unit}）" if lang == "zh" else f"{escape(title)} ({unit})"
    out = [
        '<svg xmlns="http://www.w3.org/2000/svg" class="jmgeo-chart" font-family="sans-serif" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" role="img" '
        f'data-series="{_attr(series["id"])}" '
        f'data-unit="{_attr(series["unit"])}" aria-label="{_attr(title)}">',
        f'<text x="{LEFT}" y="14" font-size="12" font-weight="bold">{heading}</text>',
        # the axes: the value axis from 0 to a round number above the largest value
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + plot_h}" stroke="#888"/>',
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{LEFT + plot_w}" y2="{TOP + plot_h}" stroke="#888"/>',
        f'<text x="{LEFT - 4}" y="{TOP + 4}" font-size="10" text-anchor="end">{_number(top)}</text>',
        f'<text x="{LEFT - 4}" y="{TOP + plot_h}" font-size="10" text-anchor="end">0</text>',
    ]
    xy = [(x_of(i, p["year"]), y_of(p["value"])) for i, p in enumerate(points)]
    if not bars:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in xy)
        out.append(f'<polyline points="{path}" fill="none" stroke="#2b8cbe" stroke-width="2"/>')
    labelled = []  # (x, index) of the years written under the axis
    for i, (p, (x, y)) in enumerate(zip(points, xy, strict=True)):
        data = f'data-year="{p["year"]}" data-value="{p["value"]!r}" data-fact-id="{_attr(p["fact_id"])}"'
        tip = f"<title>{p['year']}: {_number(p['value'])} {escape(series['unit'])}</title>"
        if bars:
            w = min(36.0, slot * 0.6)
            out.append(
                f'<rect class="jmgeo-chart-mark" {data} x="{x - w / 2:.1f}" y="{y:.1f}" width="{w:.1f}" '
                f'height="{TOP + plot_h - y:.1f}" fill="#2b8cbe">{tip}</rect>'
            )
            out.append(
                f'<text x="{x:.1f}" y="{y - 3:.1f}" font-size="10" text-anchor="middle">{_number(p["value"])}</text>'
            )
        else:
            out.append(
                f'<circle class="jmgeo-chart-mark" {data} cx="{x:.1f}" cy="{y:.1f}" r="3" fill="#045a8d">{tip}</circle>'
            )
        if labelled and x - labelled[-1][0] < MIN_LABEL_GAP_PX:
            if i != len(points) - 1:
                continue
            labelled.pop()  # the last year is always written; the one before it gives way
        labelled.append((x, i))
    for x, i in labelled:
        out.append(
            f'<text x="{x:.1f}" y="{TOP + plot_h + 13}" font-size="10" text-anchor="middle">{points[i]["year"]}</text>'
        )
    if not bars:  # the last value, written beside its point
        x, y = xy[-1]
        last = _number(points[-1]["value"])
        out.append(f'<text x="{x - 4:.1f}" y="{y - 6:.1f}" font-size="10" text-anchor="end">{last}</text>')
    for k, line in enumerate(lines):
        y = TOP + plot_h + AXIS + SOURCE_LINE_PX * (k + 1) - 3
        out.append(f'<text class="jmgeo-chart-source" x="4" y="{y}" font-size="9">{escape(line)}</text>')
    out.append("</svg>")
    return "".join(out)
