"""Spreadsheets (.xlsx/.xlsm, .ods, .xls) as documents: one page per sheet, each sheet's used
range as a table, read through python-calamine.

Participant lists and tallies travel as spreadsheets, and the recognisers read tables
(doc.tables: the municipality recogniser reads a list's rows), so every sheet becomes a Table
(header row first, empty rows and trailing empty columns dropped) and its cells also become
table-cell blocks, so search and the page text see them. Cells hold what the sheet shows as
values: numbers without float noise, dates as ISO dates, formulas as their cached results.

Why the extent check before calamine: calamine builds a dense grid from a sheet's first to
its last used cell, so a few-kilobyte sheet with one cell in A1 and one in XFD1048576 asks for
half a terabyte and aborts the process. The used extent is read from the sheet's XML first
(`_xlsx_extents`, `_ods_extents`: tags only, no entity expansion) and a sheet over
MAX_SHEET_CELLS is refused before calamine sees it: in an .xlsx that sheet only (calamine
reads .xlsx sheets one at a time), in an .ods the whole file (calamine reads an .ods whole).
.xls grids are bounded by the format (65,536 × 256), so they are checked after loading.

This module reads; it decides no facts and never OCRs.
"""

from __future__ import annotations

import html
import math
import posixpath
import re
import zipfile
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

import python_calamine as calamine

from models.errors import ReadError, describe
from extractors.readers.sniff import FORMATS
from extractors.readers.metadata import document_title
from extractors.readers.source import ReadOptions, Source
from extractors.lang.text import clean_cell
from models import Block, Document, Fault, Page, Table

# A sheet's dense grid above this many cells is not read (32 bytes a cell in calamine).
MAX_SHEET_CELLS = 2_000_000
# Filled cells read per workbook: each becomes a block and a table cell.
MAX_FILLED_CELLS = 250_000
_GENERIC_SHEET = re.compile(r"^(sheet|ark|blad|tabell|tabelle|feuil|hoja|foglio|taulukko|munka)\s*\d*$", re.IGNORECASE)
Cell = int | float | str | bool | date | datetime | time | timedelta | None


def read_spreadsheet(source: Source, options: ReadOptions) -> Document:
    """Every worksheet of the workbook as a page; raise ReadError for a workbook that cannot be opened."""
    path, sha256, kind = source.path, source.sha256, source.kind
    extents = _ods_extents(path) if kind == "ods" else _xlsx_extents(path) if kind == "xlsx" else {}
    if kind == "ods":
        for name, (rows, cols) in extents.items():
            if rows * cols > MAX_SHEET_CELLS:
                raise ReadError("too_large", f"sheet {name!r} spans {rows:,} rows × {cols:,} columns; saman reads "
                                             f"spreadsheets whose sheets span at most {MAX_SHEET_CELLS:,} cells")
    try:
        workbook = calamine.CalamineWorkbook.from_path(path)
    except calamine.PasswordError as exc:
        raise ReadError("encrypted", "the spreadsheet is protected by a password; ask the sender for an unprotected copy",
                        describe(exc)) from exc
    except (calamine.CalamineError, calamine.ZipError, calamine.XmlError, ValueError, OSError) as exc:
        raise ReadError("corrupt", "the spreadsheet could not be opened; it is damaged or was cut short. "
                                   "Ask the sender for a new copy", describe(exc)) from exc
    pages: list[Page] = []
    tables: list[Table] = []
    faults: list[Fault] = []
    budget = MAX_FILLED_CELLS
    with workbook:
        sheets = [m for m in workbook.sheets_metadata if m.typ == calamine.SheetTypeEnum.WorkSheet]
        for number, meta in enumerate(sheets, start=1):
            rows, fault = _sheet_rows(workbook, meta.name, number, extents.get(meta.name))
            if fault is None and (filled := sum(bool(c) for row in rows for c in row)) > budget:
                fault = Fault(page=number, kind="too_large", scope="page",
                              message=f"sheet {meta.name!r} was not read: the workbook holds more than "
                                      f"{MAX_FILLED_CELLS:,} filled cells, the most saman reads from one file")
            if fault is not None:
                faults.append(fault)
                rows = []
            else:
                budget -= filled
            page, table = grid_page(number, rows, title=None if _GENERIC_SHEET.match(meta.name) else meta.name)
            pages.append(page)
            tables.extend([table] if table else [])
    if not pages:
        raise ReadError("empty", "the spreadsheet has no worksheets")
    return Document(
        sha256=sha256,
        path=path,
        media_type=FORMATS[kind].media_type,
        pages=pages,
        tables=tables,
        title=document_title(pages[0].title, None),
        faults=faults,
    )


def grid_page(number: int, rows: list[list[str]], title: str | None = None) -> tuple[Page, Table | None]:
    """A grid of cell texts as a page of table-cell blocks and one table (None when the grid is empty).

    Empty rows are dropped and so are trailing empty columns; the first row is the header.
    """
    kept = [row for row in rows if any(row)]
    width = max((max((i + 1 for i, c in enumerate(row) if c), default=0) for row in kept), default=0)
    kept = [(row + [""] * width)[:width] for row in kept]
    blocks = [Block(text=title, role="title")] if title and (title := clean_cell(title)) else []
    blocks += [Block(text=cell, role="table-cell") for row in kept for cell in row if cell]
    page = Page(number=number, kind="page", blocks=blocks, method="text")
    table = Table(table_id=f"p{number}t1", page=number, pages=[number], rows=kept, method="sheet") if kept else None
    return page, table


def _sheet_rows(workbook: calamine.CalamineWorkbook, name: str, number: int,
                extent: tuple[int, int] | None) -> tuple[list[list[str]], Fault | None]:
    """A sheet's cells as text, or the fault that kept it from being read."""
    if extent is not None and extent[0] * extent[1] > MAX_SHEET_CELLS:
        return [], _too_large(name, number, *extent)
    try:
        sheet = workbook.get_sheet_by_name(name)
        if sheet.height * sheet.width > MAX_SHEET_CELLS:
            return [], _too_large(name, number, sheet.height, sheet.width)
        values = sheet.to_python(skip_empty_area=True)
    except (calamine.CalamineError, calamine.XmlError, calamine.ZipError, ValueError) as exc:
        return [], Fault(page=number, kind="corrupt", scope="page", detail=describe(exc),
                         message=f"sheet {name!r} could not be read; it is probably damaged")
    return [[cell_text(v) for v in row] for row in values], None


def _too_large(name: str, number: int, rows: int, cols: int) -> Fault:
    return Fault(page=number, kind="too_large", scope="page",
                 message=f"sheet {name!r} spans {rows:,} rows × {cols:,} columns, more than the "
                         f"{MAX_SHEET_CELLS:,} cells saman reads from one sheet; the other sheets were read")


def cell_text(value: Cell) -> str:
    """A cell's value as the text a reader of the sheet would take from it."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if not math.isfinite(value):
            return ""
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(round(value, 10))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    return clean_cell(str(value))


# --- the used extent of each sheet, from the sheet XML's tags --------------------------------

_PREFIX = rb"(?:[\w.-]+:)?"
_ATTR = re.compile(rb"(?:[\w.-]+:)?([\w.-]+)\s*=\s*[\"']([^\"']*)[\"']")
_REF = re.compile(rb"([A-Z]{1,3})(\d{1,7})$")
# An .xlsx cell with its reference, and (the slow case) one without: its place is implied.
_CELL = re.compile(rb"<" + _PREFIX + rb"c(?=[\s/>])[^>]*?\br=\"([A-Z]{1,3})([0-9]{1,7})\"[^>]*?(/?)>")
_CELL_WITHOUT_REF = re.compile(rb"<" + _PREFIX + rb"c(?=[\s/>])(?![^>]*\br=)")


def _tag_pattern(names: bytes) -> re.Pattern[bytes]:
    """Tags of these local names (longest first), as (closing slash, name, attributes, self-closing slash)."""
    return re.compile(rb"<(/?)" + _PREFIX + rb"(" + names + rb")(?=[\s/>])([^>]*?)(/?)>")


_XLSX_TAGS = _tag_pattern(rb"row|c")
_ODS_TAGS = _tag_pattern(rb"table-row|table-cell|covered-table-cell|table")
_RELATIONSHIP = _tag_pattern(rb"Relationship")
_SHEET = _tag_pattern(rb"sheet")


def _chunks(zf: zipfile.ZipFile, member: str) -> Iterator[bytes]:
    """An XML member in pieces of about a megabyte, each ending after a tag."""
    with zf.open(member) as fh:
        rest = b""
        while chunk := fh.read(1 << 20):
            data = rest + chunk
            cut = data.rfind(b">") + 1
            yield data[:cut]
            rest = data[cut:]


def _tags(zf: zipfile.ZipFile, member: str, pattern: re.Pattern[bytes]) -> Iterator[tuple[bool, bytes, dict[bytes, bytes], bool]]:
    """(closing, local name, attributes, self-closing) of the tags `pattern` picks out of a member."""
    for data in _chunks(zf, member):
        for m in pattern.finditer(data):
            attrs = dict(_ATTR.findall(m.group(3))) if b"=" in m.group(3) else {}
            yield m.group(1) == b"/", m.group(2), attrs, m.group(4) == b"/"


def _xlsx_extents(path: str) -> dict[str, tuple[int, int]]:
    """Sheet name → (rows, columns) from its first to its last filled cell."""
    try:
        with zipfile.ZipFile(path) as zf:
            rels = {a.get(b"Id"): a.get(b"Target", b"").decode("utf-8", "replace")
                    for _, _, a, _ in _tags(zf, "xl/_rels/workbook.xml.rels", _RELATIONSHIP)}
            members = set(zf.namelist())
            extents = {}
            for _, _, attrs, _ in list(_tags(zf, "xl/workbook.xml", _SHEET)):
                target = rels.get(attrs.get(b"id"))
                if target is None:
                    continue
                target = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
                if target in members:
                    extents[_xml_text(attrs.get(b"name", b""))] = _xlsx_sheet_extent(zf, target)
            return extents
    except (KeyError, zipfile.BadZipFile, OSError, EOFError, ValueError):
        return {}  # a workbook this cannot index is left to calamine, which says what is wrong


def _xlsx_sheet_extent(zf: zipfile.ZipFile, member: str) -> tuple[int, int]:
    rows: list[int] = []
    cols: set[bytes] = set()
    for data in _chunks(zf, member):
        if _CELL_WITHOUT_REF.search(data):
            return _xlsx_implied_extent(zf, member)
        for col, row, empty in _CELL.findall(data):
            if not empty:  # a cell with a value (<c r="A1" s="3"/> is formatting only)
                rows.append(int(row))
                cols.add(col)
    if not rows:
        return 0, 0
    numbers = [_column_number(c) for c in cols]
    return max(rows) - min(rows) + 1, max(numbers) - min(numbers) + 1


def _xlsx_implied_extent(zf: zipfile.ZipFile, member: str) -> tuple[int, int]:
    """The extent when cells leave out their reference: each stands after the one before it."""
    rows = cols = 0
    low_row = low_col = math.inf
    row = col = 0
    for closing, name, attrs, empty in _tags(zf, member, _XLSX_TAGS):
        if closing:
            continue
        if name == b"row":
            row, col = int(attrs.get(b"r", row + 1)), 0
        else:
            ref = _REF.match(attrs.get(b"r", b""))
            col, row = (_column_number(ref.group(1)), int(ref.group(2))) if ref else (col + 1, row)
            if not empty:
                rows, cols = max(rows, row), max(cols, col)
                low_row, low_col = min(low_row, row), min(low_col, col)
    return (0, 0) if not rows else (rows - int(low_row) + 1, cols - int(low_col) + 1)


def _xml_text(value: bytes) -> str:
    """An attribute's value as calamine reports it: decoded, with its character references resolved."""
    return html.unescape(value.decode("utf-8", "replace"))


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _ods_extents(path: str) -> dict[str, tuple[int, int]]:
    """Table name → (rows, columns) from the first to the last cell with content, repeats counted."""
    extents: dict[str, tuple[int, int]] = {}
    try:
        with zipfile.ZipFile(path) as zf:
            name, row, rows, cols, low_row, low_col = "", 0, 0, 0, math.inf, math.inf
            row_repeat, col, row_has = 1, 0, False
            for closing, tag, attrs, empty in _tags(zf, "content.xml", _ODS_TAGS):
                if tag == b"table" and not closing:
                    name, row, rows, cols, low_row, low_col = _xml_text(attrs.get(b"name", b"")), 0, 0, 0, math.inf, math.inf
                elif tag == b"table" and closing:
                    extents[name] = (0, 0) if not rows else (rows - int(low_row) + 1, cols - int(low_col) + 1)
                elif tag == b"table-row" and not closing:
                    row_repeat, col, row_has = int(attrs.get(b"number-rows-repeated", b"1")), 0, False
                    if empty:
                        row += row_repeat
                elif tag == b"table-row" and closing:
                    if row_has:
                        low_row, rows = min(low_row, row + 1), max(rows, row + row_repeat)
                    row += row_repeat
                elif not closing:  # a cell: it has content when it has a value type or a body
                    repeat = int(attrs.get(b"number-columns-repeated", b"1"))
                    if not empty or b"value-type" in attrs:
                        low_col, cols, row_has = min(low_col, col + 1), max(cols, col + repeat), True
                    col += repeat
    except (KeyError, zipfile.BadZipFile, OSError, EOFError, ValueError):
        return {}
    return extents
