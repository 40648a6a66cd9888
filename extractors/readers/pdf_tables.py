"""Tables without ruling lines on born-digital PDF pages: columns from the alignment of words.

A table drawn without rules (columns aligned by white space, a header in bold or not) gives
pdfplumber's `find_tables` no lines to follow; its structure is in its words: over many
rows, the same stretches of the page stay free. This module finds them on the page's
characters as pdfium reads them (extractors.readers.pdfium_text) and makes a table of a run
of rows that shares them:

- a row is a baseline of characters; it parts into *segments* (cells) where two words stand
  further apart than a space ever does (`segment_gap` ems of the type, and more than one
  and a half of the page's usual space: a typewriter font's space is 0.6 em);
- a run of rows shares columns as long as no row covers a stretch that every row before it
  left free (a *separator*): a line of prose across the columns covers them and ends the
  run. Rows of one cell (a row whose other cells are empty, the wrapped lines of a cell) may
  sit inside; short rows just above the run (a header over two rows, a header cell that
  wraps) join it as its header;
- a run is a table only when it looks like one: `min_rows` rows or more, two columns or more
  of short cells, a first column filled in most rows, every column filled in two rows or
  more. Two columns of prose have long cells in both columns, a bullet or numbered list one
  column of marks (a mark joins its text), the labels of a bar chart one value a column:
  none of them is a table;
- baselines closer than `row_gap` ems, the lower without a first cell of its own, are the
  lines of one row: a cell whose text wraps stays one cell;
- a table that runs to the foot of a page and the run at the head of the next page whose
  words fit its columns are cut at the same columns, so the PDF reader joins the two
  (extractors.readers.pdf drops a repeated header there), even when the continuation is
  too short to pass for a table on its own.

Precision comes first: a false table takes text out of the page's prose, where a table read
as lines still leaves its words to the recognisers. Everything here is in points from the
top-left corner of the page; it knows nothing of pdfplumber or of the page's other blocks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import pairwise
from statistics import median

from extractors.lang.text import clean_cell
from extractors.readers.pdfium_text import Char, PageText, baseline_rows, words_of
from models import Table

BBox = tuple[float, float, float, float]
# A mark that opens a list item (a bullet, `3.`, `b)`): with the text beside it, it is one
# segment, not a column of its own.
_LIST_MARK = re.compile(r"^(?:[•▪◦●○■□►▸‣⁃–—\-*]|\(?(?:\d{1,2}|[a-zA-Z]|[ivx]{1,4})[.)])$")


@dataclass(frozen=True)
class UnruledSettings:
    """What makes words a table; lengths in ems of the rows' type."""

    align: float = 0.2  # cells of one column share an edge or a middle to within this
    segment_gap: float = 0.6  # a space is 0.23–0.32 em; cells of a table stand 0.9 em or more apart
    space_factor: float = 1.6  # and cells stand further apart than this many spaces
    list_indent: float = 3.0  # a list's mark stands at most this far from its text
    row_gap: float = 1.5  # lines of one cell are set 1.2 em apart, rows of a table 2 em or more
    run_gap: float = 5.0  # consecutive rows of one table stand at most this far apart (a padded row)
    min_rows: int = 4  # a header and three rows (an organisation chart has a few lines under each box)
    min_short_columns: int = 2
    short_words: float = 3.0  # the median cell of a short column has at most this many words
    max_cell_words: float = 4.0  # over all filled cells
    min_first_column_share: float = 0.6
    prose_words: int = 6  # a row of one segment this long is prose
    max_header_lines: int = 4
    pitch_slack: float = 1.25  # a header or a last row stands at most this many row pitches from its neighbour
    header_size: float = 1.2  # a header line's type is at most this much larger than the rows'
    page_head: float = 0.3  # a continuation starts in the top share of its page
    page_foot: float = 0.7  # and the table it continues ends below this share of its page


DEFAULT_SETTINGS = UnruledSettings()


@dataclass
class _Segment:
    text: str
    x0: float
    x1: float
    words: int


@dataclass
class _Row:
    segments: list[_Segment]
    baseline: float
    top: float
    bottom: float
    size: float

    @property
    def x0(self) -> float:
        return self.segments[0].x0

    @property
    def x1(self) -> float:
        return self.segments[-1].x1


@dataclass
class _Columns:
    """Stretches of a run's rows covered by words, left to right; the gaps between them are
    its separators."""

    spans: list[tuple[float, float]] = field(default_factory=list)

    def with_row(self, row: _Row, min_gap: float) -> _Columns:
        spans = sorted(self.spans + [(s.x0, s.x1) for s in row.segments])
        merged: list[tuple[float, float]] = []
        for a, b in spans:
            if merged and a - merged[-1][1] < min_gap:
                merged[-1] = (merged[-1][0], max(merged[-1][1], b))
            else:
                merged.append((a, b))
        return _Columns(merged)

    def accepts(self, row: _Row, min_gap: float, tol: float) -> bool:
        """Whether the row's cells keep to the columns: each stands in free space (a new
        column) or in one column only, aligned with it on its left edge, its right edge or
        its middle (text set flush left, numbers flush right, a centred header)."""
        taken: set[int] = set()
        for s in row.segments:
            near = [k for k, (a, b) in enumerate(self.spans) if s.x0 < b + min_gap and a - min_gap < s.x1]
            if not near:
                continue
            if len(near) > 1 or near[0] in taken:
                return False
            a, b = self.spans[near[0]]
            if min(abs(s.x0 - a), abs(s.x1 - b), abs(s.x0 + s.x1 - a - b) / 2) > tol:
                return False
            taken.add(near[0])
        return True

    def index(self, segment: _Segment) -> int:
        """The column a segment belongs to; one that spans columns (a merged header cell)
        goes to the first it covers, where its text begins; one in a separator to the nearer."""
        for k, (a, b) in enumerate(self.spans):
            if segment.x0 < b and a < segment.x1:
                return k
        middle = (segment.x0 + segment.x1) / 2
        return min(range(len(self.spans)), key=lambda k: min(abs(self.spans[k][0] - middle), abs(self.spans[k][1] - middle)))

    def union(self, rows: list[_Row], min_gap: float) -> _Columns:
        columns = self
        for row in rows:
            columns = columns.with_row(row, min_gap)
        return columns


@dataclass
class _Found:
    rows: list[list[str]]
    bbox: BBox
    columns: _Columns
    size: float


class UnruledTables:
    """The unruled tables of one PDF, page after page: it remembers the columns of a table
    that reaches the foot of a page, so the rows at the head of the next page are cut at
    them."""

    def __init__(self, settings: UnruledSettings = DEFAULT_SETTINGS) -> None:
        self.settings = settings
        self._open: tuple[int, _Columns, float] | None = None  # (page, columns, type size) running on

    def find(self, page: PageText, first_id: int, beside: list[Table]) -> list[Table]:
        """The unruled tables of `page`, numbered from `first_id`; words inside the tables
        in `beside` (ruled ones found before) are left out."""
        taken = [t.bbox for t in beside if t.bbox is not None]
        chars = [c for c in page.chars if not any(_centre_in(c, box) for box in taken)]
        rows = _rows(chars, self.settings)
        carried = self._open if self._open is not None and self._open[0] == page.number - 1 else None
        self._open = None
        found = _tables(rows, page.height, self.settings, carried[1:] if carried else None)
        tables = []
        for k, table in enumerate(found):
            tables.append(Table(table_id=f"p{page.number}t{first_id + k}", page=page.number, pages=[page.number],
                                rows=table.rows, bbox=table.bbox, method="pdf"))
        if found and found[-1].bbox[3] > page.height * self.settings.page_foot:
            self._open = (page.number, found[-1].columns, found[-1].size)
        return tables


def _centre_in(c: Char, box: BBox) -> bool:
    x, y = (c.x0 + c.x1) / 2, (c.top + c.bottom) / 2
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def _rows(chars: list[Char], settings: UnruledSettings) -> list[_Row]:
    """The page's horizontal rows, top to bottom, each parted into segments where its words
    stand further apart than `segment_gap` ems, and than `space_factor` times the page's usual
    space (a typewriter font's space is 0.6 em wide)."""
    lines = [(line, median(c.size for c in line) or 1.0, words_of(line)) for line in baseline_rows(chars)]
    spaces = [(b[0].x0 - a[-1].x1) / size for _, size, words in lines for a, b in pairwise(words)]
    usual = median([g for g in spaces if 0 < g < 1.0] or [0.0])
    part = max(settings.segment_gap, settings.space_factor * usual)
    rows = []
    for line, size, words in lines:
        segments: list[_Segment] = []
        for word in words:
            text = "".join(c.text for c in word)
            x0, x1 = word[0].x0, word[-1].x1
            gap = x0 - segments[-1].x1 if segments else 0.0
            if segments and (gap < part * size
                             or (gap < settings.list_indent * size and _LIST_MARK.match(segments[-1].text))):
                last = segments[-1]
                segments[-1] = _Segment(f"{last.text} {text}", last.x0, x1, last.words + 1)
            else:
                segments.append(_Segment(text, x0, x1, 1))
        rows.append(_Row(segments, line[0].origin[1], min(c.top for c in line), max(c.bottom for c in line), size))
    return rows


def _prose(row: _Row, settings: UnruledSettings) -> bool:
    """A line of running text: one long segment, or long segments only (two text columns)."""
    if len(row.segments) == 1:
        return row.segments[0].words >= settings.prose_words
    return all(s.words >= settings.short_words + 1 for s in row.segments)


def _tables(rows: list[_Row], height: float, settings: UnruledSettings,
            carried: tuple[_Columns, float] | None) -> list[_Found]:
    found: list[_Found] = []
    i = 0
    while i < len(rows):
        row = rows[i]
        # A continuation starts at the head of the page, above any prose.
        carried = None if carried is not None and (found or _prose(row, settings)) else carried
        continued = carried is not None and row.top < height * settings.page_head
        if continued:
            size = carried[1]
            end = _grow(rows, i, carried[0], size, settings)
            columns = carried[0].union(rows[i:end], settings.segment_gap * size)
            continued = end > i and len(columns.spans) == len(carried[0].spans)
            run = list(range(i, end))
        if not continued:
            if len(row.segments) < 2 or _prose(row, settings):
                i += 1
                continue
            size = row.size
            end = _grow(rows, i, _Columns(), size, settings)
            columns = _Columns().union(rows[i:end], settings.segment_gap * size)
            run = _with_header(rows, list(range(i, end)), columns, settings)
        table = _table(rows, run, columns, settings, continued)
        if table is not None:
            found.append(table)
            i = end
        else:
            i += 1
    return found


def _grow(rows: list[_Row], i: int, start: _Columns, size: float, settings: UnruledSettings) -> int:
    """The end of the run of rows from `i` whose cells keep to the columns of `start` and of
    the rows before them."""
    min_gap, tol = settings.segment_gap * size, settings.align * size
    if not start.accepts(rows[i], min_gap, tol):
        return i
    columns = start.with_row(rows[i], min_gap)
    end = i + 1
    while end < len(rows):
        row, above = rows[end], rows[end - 1]
        if row.baseline - above.baseline > settings.run_gap * size or not columns.accepts(row, min_gap, tol):
            break
        columns, end = columns.with_row(row, min_gap), end + 1
    # A row of one segment at the foot of the run stays as a wrapped line of the row above,
    # or as a row of its own when it stands where the next row of the table would.
    pitch = _row_pitch(rows[i:end], settings.row_gap * size)
    while end - 1 > i and len(rows[end - 1].segments) == 1:
        last, gap = rows[end - 1], rows[end - 1].baseline - rows[end - 2].baseline
        if not _prose(last, settings) and (gap < settings.row_gap * size or (
                last.x0 - rows[i].x0 < size and gap <= settings.pitch_slack * pitch)):
            break
        end -= 1
    return end


def _row_pitch(rows: list[_Row], least: float) -> float:
    """The usual distance between the baselines of two rows of a run (not two lines of one
    row): the median of the distances of `least` or more."""
    gaps = [b.baseline - a.baseline for a, b in pairwise(rows) if b.baseline - a.baseline >= least]
    return median(gaps) if gaps else least


def _with_header(rows: list[_Row], run: list[int], columns: _Columns, settings: UnruledSettings) -> list[int]:
    """The run with the short lines just above it that stand over its columns: a header
    whose cells sit on different baselines (one spanning two rows, one that wraps). The
    line next to the run stands about a row's distance above it; a line above that belongs
    to the same header only as closely as the lines of one cell."""
    size = median(rows[k].size for k in run)
    pitch = _row_pitch([rows[k] for k in run], settings.row_gap * size)
    x0, x1 = columns.spans[0][0] - size, columns.spans[-1][1] + size
    first = run[0]
    while first > 0 and run[0] - first < settings.max_header_lines:
        row, below = rows[first - 1], rows[first]
        reach = settings.pitch_slack * pitch if first == run[0] else settings.row_gap * size
        if (below.baseline - row.baseline > reach or _prose(row, settings)
                or row.size > settings.header_size * size or row.x0 < x0 or row.x1 > x1
                or any(s.words > settings.short_words + 1 for s in row.segments)):
            break
        first -= 1
    return list(range(first, run[0])) + run


def _table(rows: list[_Row], run: list[int], columns: _Columns, settings: UnruledSettings,
           continued: bool) -> _Found | None:
    """The run's cells, or None when they do not look like a table."""
    n_cols = len(columns.spans)
    if n_cols < 2 or not run:
        return None
    size = median(rows[k].size for k in run)
    grouped: list[list[_Row]] = []
    keyed: list[bool] = []
    for k in run:
        row = rows[k]
        has_key = any(columns.index(s) == 0 for s in row.segments)
        if grouped and row.baseline - grouped[-1][-1].baseline < settings.row_gap * size and not (has_key and keyed[-1]):
            grouped[-1].append(row)
            keyed[-1] = keyed[-1] or has_key
        else:
            grouped.append([row])
            keyed.append(has_key)
    columns = _header_over_offset(columns, grouped)
    n_cols = len(columns.spans)
    cells: list[list[list[str]]] = []
    for group in grouped:
        texts: list[list[str]] = [[] for _ in range(n_cols)]
        for row in group:
            for s in row.segments:
                texts[columns.index(s)].append(s.text)
        cells.append(texts)
    table_rows = [[clean_cell(" ".join(t)) for t in row] for row in cells]
    if not continued and not _looks_like_a_table(cells, settings):
        return None
    bbox = (min(rows[k].x0 for k in run), min(rows[k].top for k in run), max(rows[k].x1 for k in run),
            max(rows[k].bottom for k in run))
    return _Found(table_rows, bbox, columns, size)


def _header_over_offset(columns: _Columns, grouped: list[list[_Row]]) -> _Columns:
    """Columns joined where a header cell stands beside its column rather than over it (a
    header set flush left over numbers set flush right in a wide column): two neighbouring
    columns, one filled in the first row only, the other in every row but the first."""
    filled = [{columns.index(s) for row in group for s in row.segments} for group in grouped]
    spans = list(columns.spans)
    head_only = [True] + [False] * (len(filled) - 1)
    k = 0
    while k + 1 < len(spans) and len(filled) > 1:
        a, b = [k in f for f in filled], [k + 1 in f for f in filled]
        if (a == head_only and not b[0]) or (b == head_only and not a[0]):
            spans[k:k + 2] = [(spans[k][0], spans[k + 1][1])]
            filled = [{c - 1 if c > k else c for c in f} for f in filled]
        else:
            k += 1
    return _Columns(spans)


def _looks_like_a_table(cells: list[list[list[str]]], settings: UnruledSettings) -> bool:
    if len(cells) < settings.min_rows:
        return False
    n_cols = len(cells[0])
    words = [[sum(len(t.split()) for t in row[c]) for row in cells if row[c]] for c in range(n_cols)]
    short = sum(1 for column in words if column and median(column) <= settings.short_words)
    filled = [w for column in words for w in column]
    return (short >= settings.min_short_columns and min(len(column) for column in words) >= 2
            and sum(filled) <= settings.max_cell_words * len(filled)
            and len(words[0]) >= settings.min_first_column_share * len(cells))
