"""The ruling lines and boxes a PDF page draws, read from pdfium's path objects as the edges
pdfplumber's table finder works on.

pdfplumber finds ruled tables better than anything else the project has, but to give its
table finder the page's lines it has pdfminer parse the whole page, every character
included: on born-digital PDFs that parse was most of saman's reading time, spent again on
pages whose text pdfium had already read. pdfium has parsed the page anyway, so the edges
come from its path objects instead, in the form pdfplumber's `page.edges` has (each painted
path's axis-aligned segments, a rectangle's four sides, in points from the top-left corner
of the page as shown), and pdfplumber's `TableFinder` runs on them unchanged
(extractors.readers.pdf). A page drawing more segments than `MAX_SEGMENTS` (a vector map, a
chart of thousands of points) is left to pdfplumber's own parse, which reads it in full.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable

import pypdfium2.raw as pdfium_c

# Segments read per page before the page is left to pdfplumber (a ruled table of 60 rows and
# 7 columns draws under 1,000; reading a segment through ctypes costs about a microsecond).
MAX_SEGMENTS = 40_000
# Two coordinates this close (points) are one: pdfium's float transforms put a rule drawn at
# y = 100 at 99.9999 or 100.0001, where pdfminer's arithmetic gives 100 exactly.
_ALIGNED = 0.01

Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
Mapping = Callable[[float, float], tuple[float, float]]


class Budget:
    """Segments a page may still have read; `exceeded` once a page drew more."""

    def __init__(self, segments: int = MAX_SEGMENTS) -> None:
        self.left = segments

    @property
    def exceeded(self) -> bool:
        return self.left < 0


def object_matrix(obj, outer: Matrix) -> Matrix:
    """The matrix taking `obj`'s own coordinates to page space, `outer` being its form's."""
    m = pdfium_c.FS_MATRIX()
    if not pdfium_c.FPDFPageObj_GetMatrix(obj, m):
        return outer
    return compose((m.a, m.b, m.c, m.d, m.e, m.f), outer)


def compose(inner: Matrix, outer: Matrix) -> Matrix:
    """`inner` applied first, then `outer` (PDF's row-vector convention: [a b c d e f])."""
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def path_edges(obj, matrix: Matrix, mapped: Mapping, budget: Budget) -> list[dict]:
    """The axis-aligned edges of path `obj` (pdfium makes no object of a path that paints
    nothing, such as a clip, so every path it gives is painted)."""
    n = pdfium_c.FPDFPath_CountSegments(obj)
    budget.left -= max(n, 0)
    if n <= 0 or budget.exceeded:
        return []
    a, b, c, d, e, f = matrix
    x, y = ctypes.c_float(), ctypes.c_float()
    edges: list[dict] = []
    start: tuple[float, float] | None = None
    last: tuple[float, float] | None = None
    for i in range(n):
        segment = pdfium_c.FPDFPath_GetPathSegment(obj, i)
        if not segment or not pdfium_c.FPDFPathSegment_GetPoint(segment, x, y):
            continue
        point = mapped(a * x.value + c * y.value + e, b * x.value + d * y.value + f)
        if pdfium_c.FPDFPathSegment_GetType(segment) == pdfium_c.FPDF_SEGMENT_MOVETO or last is None:
            start = point
        else:
            _add_edge(edges, last, point)
        last = point
        if pdfium_c.FPDFPathSegment_GetClose(segment) and start is not None and start != point:
            _add_edge(edges, point, start)
            last = start
    return edges


def _add_edge(edges: list[dict], p: tuple[float, float], q: tuple[float, float]) -> None:
    """Segment p–q as a pdfplumber edge, if it runs along an axis (pdfplumber drops the rest)."""
    (x0, y0), (x1, y1) = p, q
    if abs(y0 - y1) <= _ALIGNED:
        y = (y0 + y1) / 2
        left, right = min(x0, x1), max(x0, x1)
        edges.append({"object_type": "edge", "orientation": "h", "x0": left, "x1": right, "width": right - left,
                      "top": y, "bottom": y, "height": 0.0})
    elif abs(x0 - x1) <= _ALIGNED:
        x = (x0 + x1) / 2
        top, bottom = min(y0, y1), max(y0, y1)
        edges.append({"object_type": "edge", "orientation": "v", "x0": x, "x1": x, "width": 0.0,
                      "top": top, "bottom": bottom, "height": bottom - top})
