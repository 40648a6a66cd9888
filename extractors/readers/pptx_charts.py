"""A chart's data from its chart part's XML: the cached categories, series names and values.

Why not python-pptx's chart classes: they know only some chart types (a 3-D bar or area chart
raises NotImplementedError) and they drop what they do not model (the x values of a scatter
chart, bubble sizes, the outer levels of grouped categories). Every DrawingML chart type keeps
its data the same way, as the cache of the worksheet cells it was drawn from: `c:tx` names a
series, `c:cat` (or `c:xVal`) holds its categories and `c:val` (or `c:yVal`) its values, each
as `c:pt` elements under a string, number or multi-level cache. Reading those caches reads every
chart type, including types no library here has met yet. The newer chart kinds (waterfall,
funnel, treemap, sunburst, histogram, box plot: the `cx:` "chartex" part) keep the same data in
`cx:data` blocks that their series point to, and are read the same way.

The result is the table a researcher would type from the chart: a header ["", series...] and a
row per category. This module reads XML elements only; it never opens a file.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from datetime import date, timedelta
from typing import NamedTuple

from lxml import etree

from extractors.lang.text import clean_cell

_C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
_CX = "{http://schemas.microsoft.com/office/drawing/2014/chartex}"
_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_CACHES = tuple(f"{_C}{name}" for name in ("strCache", "numCache", "strLit", "numLit", "multiLvlStrCache"))
_NUMBER_CACHES = (f"{_C}numCache", f"{_C}numLit")
# A number format that shows a date: d or y outside quotes and brackets ("[$-414]d. mmm yyyy").
_DATE_FORMAT = re.compile(r"[dy]", re.IGNORECASE)
# Day 0 of a worksheet's dates: 1899-12-30 (so that day 60 is Excel's 29 February 1900), or 1904-01-01 (c:date1904)
_EPOCH_1900, _EPOCH_1904 = date(1899, 12, 30), date(1904, 1, 1)
# cx: dimensions, most telling first: what a series' values and its categories are
_CX_VALUES = ("val", "size", "y", "colorVal")
_CX_LABELS = ("cat", "x", "entityId")


class _Series(NamedTuple):
    name: str
    labels: list[str] | None  # its own categories or x values; None: the chart's shared categories
    values: list[str]
    sizes: list[str] | None  # bubble sizes


def chart_title(chart_space: etree._Element) -> str | None:
    """The chart's own title as typed (c: or cx:), or None when it has none."""
    title = chart_space.find(f"{_C}chart/{_C}title")
    if title is None:
        title = chart_space.find(f"{_CX}chart/{_CX}title")
    if title is None:
        return None
    lines = [clean_cell("".join(t.text or "" for t in p.iter(f"{_A}t"))) for p in title.iter(f"{_A}p")]
    lines += [clean_cell(v.text) for v in title.iter(f"{_CX}v")]
    return " ".join(line for line in lines if line) or None


def chart_rows(chart_space: etree._Element) -> list[list[str]]:
    """Header ["", series...] then a row per category; [] for a chart without series.

    Series come in the order the chart draws them (plot by plot, then by `c:order`). Category
    series share the first series' categories by point index, as the chart's axis does; a
    scatter or bubble series brings its own x values, and its points join the row of the same
    x value. A bubble series adds a column of its bubble sizes.
    """
    if chart_space.tag == f"{_CX}chartSpace":
        return _table(_chartex_series(chart_space), None)
    plot_area = chart_space.find(f"{_C}chart/{_C}plotArea")
    if plot_area is None:
        raise ValueError("the chart part has no c:plotArea")
    flag = chart_space.find(f"{_C}date1904")
    epoch = _EPOCH_1904 if flag is not None and flag.get("val", "1") in ("1", "true") else _EPOCH_1900
    elements = [ser for plot in plot_area if _is_plot(plot) for ser in sorted(plot.findall(f"{_C}ser"), key=_order)]
    shared = next((labels for ser in elements if (labels := _labels(ser.find(f"{_C}cat"), epoch)) is not None), None)
    series = []
    for ser in elements:
        values = _numbers(ser.find(f"{_C}val"))
        if values is None:
            values = _numbers(ser.find(f"{_C}yVal")) or []
        series.append(_Series(_series_name(ser), _labels(ser.find(f"{_C}xVal"), epoch), values,
                              _numbers(ser.find(f"{_C}bubbleSize"))))
    return _table(series, shared)


def _table(series: list[_Series], shared: list[str] | None) -> list[list[str]]:
    """Rows keyed by (label, how many times it came before), in order of first appearance."""
    if not series:
        return []
    header = [""]
    columns: list[dict[tuple[str, int], str]] = []
    keys: dict[tuple[str, int], None] = {}
    for s in series:
        labels = s.labels if s.labels is not None else shared or []
        n = max(len(labels), len(s.values))
        # without categories a chart numbers its points 1, 2, 3 as the worksheet's rows
        row_keys = _row_keys(labels[i] if i < len(labels) else "" if labels else str(i + 1) for i in range(n))
        keys.update(dict.fromkeys(row_keys))
        header.append(s.name)
        columns.append(dict(zip(row_keys, s.values)))
        if s.sizes is not None:
            header.append(f"{s.name} (size)" if s.name else "(size)")
            columns.append(dict(zip(row_keys, s.sizes)))
    return [header] + [[label] + [column.get((label, k), "") for column in columns] for label, k in keys]


def _row_keys(labels: Iterable[str]) -> list[tuple[str, int]]:
    """(label, how many times it came before): two categories that share a label stay two rows."""
    seen: dict[str, int] = {}
    keys = []
    for label in labels:
        keys.append((label, seen.get(label, 0)))
        seen[label] = seen.get(label, 0) + 1
    return keys


# ---------------------------------------------------------------------------- c: charts


def _is_plot(element: etree._Element) -> bool:
    """c:barChart, c:bar3DChart, c:scatterChart, c:ofPieChart, ... : every xChart element."""
    tag = element.tag
    return isinstance(tag, str) and tag.startswith(_C) and tag.endswith("Chart")


def _order(ser: etree._Element) -> int:
    order = ser.find(f"{_C}order")
    if order is None:
        order = ser.find(f"{_C}idx")
    try:
        return int(order.get("val", 0)) if order is not None else 0
    except ValueError:
        return 0


def _series_name(ser: etree._Element) -> str:
    tx = ser.find(f"{_C}tx")
    if tx is None:
        return ""
    cached = tx.find(f".//{_C}pt/{_C}v")
    element = cached if cached is not None else tx.find(f"{_C}v")
    return clean_cell(element.text if element is not None else None)


def _cache(ref: etree._Element | None) -> etree._Element | None:
    """The point cache under a c:cat, c:val, c:xVal, ... element, whichever form it takes."""
    if ref is None:
        return None
    return next((e for e in ref.iter(*_CACHES)), None)


def _points(level: etree._Element) -> tuple[int, dict[int, str]]:
    """(point count, {index: text}) of one cache or one level of a multi-level cache."""
    pts: dict[int, str] = {}
    for pt in level.findall(f"{_C}pt"):
        v = pt.find(f"{_C}v")
        index = _int(pt.get("idx"))
        if index is not None:
            pts[index] = "" if v is None else v.text or ""
    count = level.find(f"{_C}ptCount")
    return _count(None if count is None else count.get("val"), pts), pts


def _labels(ref: etree._Element | None, epoch: date) -> list[str] | None:
    """Category labels by point index, outer levels of grouped categories first ("2013 / Q1")."""
    cache = _cache(ref)
    if cache is None:
        return None
    if cache.tag == f"{_C}multiLvlStrCache":
        levels = [_points(level) for level in cache.findall(f"{_C}lvl")]
        return _grouped(levels[0][0], [pts for _, pts in levels]) if levels else None
    n, pts = _points(cache)
    if cache.tag in _NUMBER_CACHES:
        code = cache.find(f"{_C}formatCode")
        return _shown(n, pts, None if code is None else code.text, epoch)
    return [clean_cell(pts.get(i)) for i in range(n)]


def _numbers(ref: etree._Element | None) -> list[str] | None:
    """Values by point index as the chart shows them (12, 3.5); "" where a cell was empty."""
    cache = _cache(ref)
    if cache is None:
        return None
    n, pts = _points(cache)
    return [_number_text(pts[i]) if i in pts else "" for i in range(n)]


# ---------------------------------------------------------------------------- cx: charts


def _chartex_series(chart_space: etree._Element) -> list[_Series]:
    """Each cx:series with the cx:data block its cx:dataId names (derived Pareto lines left out)."""
    data = {d.get("id", ""): d for d in chart_space.iter(f"{_CX}data")}
    series = []
    for ser in chart_space.iter(f"{_CX}series"):
        if ser.get("layoutId") == "paretoLine":
            continue
        data_id = ser.find(f"{_CX}dataId")
        block = data.get(data_id.get("val", "") if data_id is not None else "0")
        if block is None:
            continue
        name = next((clean_cell(v.text) for v in ser.iterfind(f"{_CX}tx//{_CX}v")), "")
        values = _cx_dimension(block, _CX_VALUES) or []
        series.append(_Series(name, _cx_dimension(block, _CX_LABELS), values, None))
    return series


def _cx_dimension(block: etree._Element, types: tuple[str, ...]) -> list[str] | None:
    """The first of a data block's dimensions of the given types, as shown text by point index."""
    dimensions = {d.get("type"): d for d in block if d.tag in (f"{_CX}strDim", f"{_CX}numDim")}
    dimension = next((dimensions[t] for t in types if t in dimensions), None)
    levels = [] if dimension is None else dimension.findall(f"{_CX}lvl")
    if not levels:
        return None
    points = [_cx_points(level) for level in levels]
    n = _count(levels[0].get("ptCount"), points[0])
    if dimension.tag == f"{_CX}strDim":
        return _grouped(n, points)
    return _shown(n, points[0], levels[0].get("formatCode"), _EPOCH_1900)  # dates as in the 1900 date system


def _cx_points(level: etree._Element) -> dict[int, str]:
    pts = {}
    for pt in level.iterfind(f"{_CX}pt"):
        index = _int(pt.get("idx"))
        if index is not None:
            pts[index] = "".join(pt.itertext())
    return pts


# ---------------------------------------------------------------------------- shared


def _grouped(n: int, levels: list[dict[int, str]]) -> list[str]:
    """Labels of grouped categories, leaf level first in `levels`: "Nordland / Bodø".

    An outer label names the leaves from its own index up to the next outer label's.
    """
    current: list[str | None] = [None] * (len(levels) - 1)
    labels = []
    for i in range(n):
        for depth, level in enumerate(levels[1:]):
            if i in level:
                current[depth] = level[i]
        parts = [clean_cell(p) for p in reversed(current)] + [clean_cell(levels[0].get(i))]
        labels.append(" / ".join(p for p in parts if p))
    return labels


def _shown(n: int, pts: dict[int, str], format_code: str | None, epoch: date) -> list[str]:
    """Numeric labels as the axis shows them: dates as dates, numbers without a trailing .0."""
    as_date = format_code is not None and _is_date_format(format_code)
    return [(_date_text(pts[i], epoch) if as_date else _number_text(pts[i])) if i in pts else "" for i in range(n)]


def _int(text: str | None) -> int | None:
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


def _count(declared: str | None, pts: dict[int, str]) -> int:
    """Points in a cache: as declared, but never fewer than its highest index says."""
    return max(_int(declared) or 0, max(pts, default=-1) + 1)


def _number_text(text: str) -> str:
    """A cached number as the chart shows it: 12 rather than 12.0, 3.5 as 3.5."""
    try:
        value = float(text)
    except ValueError:
        return clean_cell(text)
    if not math.isfinite(value):
        return clean_cell(text)
    return str(int(value)) if value.is_integer() else str(value)


def _is_date_format(code: str) -> bool:
    bare = re.sub(r'"[^"]*"|\[[^\]]*\]', "", code)
    return bool(_DATE_FORMAT.search(bare))


def _date_text(text: str, epoch: date) -> str:
    """A worksheet's serial day number as an ISO date, as a date-formatted category shows it."""
    try:
        return (epoch + timedelta(days=int(float(text)))).isoformat()
    except (ValueError, OverflowError):
        return clean_cell(text)
