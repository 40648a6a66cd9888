"""A chart's data from its chart part's XML: the cached categories, series names and values.

Why not python-pptx's chart classes: they know only some chart types (a 3-D bar or area chart
raises NotImplementedError) and they drop what they do not model (the x values of a scatter
chart, bubble sizes, the outer levels of grouped categories). Every DrawingML chart type keeps
its data the same way, as the cache of the worksheet cells it was drawn from: `c:tx` names a
series, `c:cat` (or `c:xVal`) holds its categories and `c:val` (or `c:yVal`) its values, each
as `c:pt` elements under a string, number or multi-level cache. Reading those caches reads every
chart type, including types no library here has met yet.

The result is the table a researcher would type from the chart: a header ["", series...] and a
row per category. This module reads XML elements only; it never opens a file.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from datetime import date, timedelta

from lxml import etree

from extractors.textutil import clean_cell

_C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_CACHES = tuple(f"{_C}{name}" for name in ("strCache", "numCache", "strLit", "numLit", "multiLvlStrCache"))
_NUMBER_CACHES = (f"{_C}numCache", f"{_C}numLit")
# A number format that shows a date: d, m or y outside quotes and brackets ("[$-414]d. mmm yyyy").
_DATE_FORMAT = re.compile(r"[dy]", re.IGNORECASE)
# Day 0 of a worksheet's dates: 1899-12-30 (so that day 60 is Excel's 29 February 1900), or 1904-01-01 (c:date1904)
_EPOCH_1900, _EPOCH_1904 = date(1899, 12, 30), date(1904, 1, 1)


def chart_title(chart_space: etree._Element) -> str | None:
    """The chart's own title as typed (`c:title/c:tx/c:rich`), or None when it has none."""
    rich = chart_space.find(f"{_C}chart/{_C}title/{_C}tx/{_C}rich")
    if rich is None:
        return None
    lines = ("".join(t.text or "" for t in p.iter(f"{_A}t")).strip() for p in rich.iter(f"{_A}p"))
    return " ".join(line for line in lines if line) or None


def chart_rows(chart_space: etree._Element) -> list[list[str]]:
    """Header ["", series...] then a row per category; [] for a chart without series.

    Series come in the order the chart draws them (plot by plot, then by `c:order`). Category
    series share the first series' categories by point index, as the chart's axis does; a
    scatter or bubble series brings its own x values, and its points join the row of the same
    x value. A bubble series adds a column of its bubble sizes.
    """
    plot_area = chart_space.find(f"{_C}chart/{_C}plotArea")
    if plot_area is None:
        raise ValueError("the chart part has no c:plotArea")
    series = [ser for plot in plot_area if _is_plot(plot) for ser in sorted(plot.findall(f"{_C}ser"), key=_order)]
    if not series:
        return []
    flag = chart_space.find(f"{_C}date1904")
    epoch = _EPOCH_1904 if flag is not None and flag.get("val", "1") in ("1", "true") else _EPOCH_1900
    shared = next((labels for ser in series if (labels := _labels(ser.find(f"{_C}cat"), epoch)) is not None), None)
    header = [""]
    columns: list[dict[tuple[str, int], str]] = []
    keys: dict[tuple[str, int], None] = {}  # row keys in order of first appearance
    for ser in series:
        name = _series_name(ser)
        values = _numbers(ser.find(f"{_C}val"))
        if values is None:
            values = _numbers(ser.find(f"{_C}yVal")) or []
        own = _labels(ser.find(f"{_C}xVal"), epoch)
        labels = own if own is not None else shared or []
        n = max(len(labels), len(values))
        row_keys = _row_keys(labels[i] if i < len(labels) else str(i + 1) if not labels else "" for i in range(n))
        keys.update(dict.fromkeys(row_keys))
        header.append(name)
        columns.append({k: values[i] for i, k in enumerate(row_keys) if i < len(values)})
        sizes = _numbers(ser.find(f"{_C}bubbleSize"))
        if sizes is not None:
            header.append(f"{name} (size)" if name else "(size)")
            columns.append({k: sizes[i] for i, k in enumerate(row_keys) if i < len(sizes)})
    return [header] + [[label] + [column.get((label, k), "") for column in columns] for label, k in keys]


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


def _row_keys(labels: Iterable[str]) -> list[tuple[str, int]]:
    """(label, how many times it came before): two categories that share a label stay two rows."""
    seen: dict[str, int] = {}
    keys = []
    for label in labels:
        keys.append((label, seen.get(label, 0)))
        seen[label] = seen.get(label, 0) + 1
    return keys


def _cache(ref: etree._Element | None) -> etree._Element | None:
    """The point cache under a c:cat, c:val, c:xVal, ... element, whichever form it takes."""
    if ref is None:
        return None
    return next((e for e in ref.iter(*_CACHES)), None)


def _points(level: etree._Element) -> tuple[int, dict[int, str]]:
    """(point count, {index: text}) of one cache or one level of a multi-level cache."""
    count = level.find(f"{_C}ptCount")
    pts: dict[int, str] = {}
    for pt in level.findall(f"{_C}pt"):
        v = pt.find(f"{_C}v")
        try:
            pts[int(pt.get("idx", ""))] = "" if v is None else v.text or ""
        except ValueError:
            continue
    try:
        n = int(count.get("val", 0)) if count is not None else 0
    except ValueError:
        n = 0
    return max(n, max(pts, default=-1) + 1), pts


def _labels(ref: etree._Element | None, epoch: date) -> list[str] | None:
    """Category labels by point index, outer levels of grouped categories first ("2013 / Q1")."""
    cache = _cache(ref)
    if cache is None:
        return None
    if cache.tag == f"{_C}multiLvlStrCache":
        levels = cache.findall(f"{_C}lvl")
        if not levels:
            return None
        n, leaf = _points(levels[0])
        parents = [_points(level)[1] for level in reversed(levels[1:])]
        labels = []
        for i in range(n):
            parts = [clean_cell(_last_at_or_before(parent, i)) for parent in parents] + [clean_cell(leaf.get(i))]
            labels.append(" / ".join(p for p in parts if p))
        return labels
    n, pts = _points(cache)
    if cache.tag in _NUMBER_CACHES:
        code = cache.find(f"{_C}formatCode")
        if code is not None and _is_date_format(code.text or ""):
            return [_date_text(pts[i], epoch) if i in pts else "" for i in range(n)]
        return [_number_text(pts[i]) if i in pts else "" for i in range(n)]
    return [clean_cell(pts.get(i)) for i in range(n)]


def _last_at_or_before(points: dict[int, str], index: int) -> str | None:
    """A parent category names the leaves from its own index up to the next parent's."""
    at = max((i for i in points if i <= index), default=None)
    return None if at is None else points[at]


def _numbers(ref: etree._Element | None) -> list[str] | None:
    """Values by point index as the chart shows them (12, 3.5); "" where a cell was empty."""
    cache = _cache(ref)
    if cache is None:
        return None
    n, pts = _points(cache)
    return [_number_text(pts[i]) if i in pts else "" for i in range(n)]


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
