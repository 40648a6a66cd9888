"""Plain-text files as documents: .txt and .md as pages of lines, .csv and .tsv as a table.

A note saved as .txt or a participant list exported as .csv is as much a document of the
programme as a deck, and reading one costs nothing, so they are read rather than refused.
Archive text is not always UTF-8: a byte-order mark decides (UTF-8 or UTF-16), else strict
UTF-8, else Windows-1252, the encoding Norwegian Windows machines saved text in.

A text file has no pages of its own: a form feed starts one (as in text exported from a
printer driver or pdftotext), and a long stretch without one is cut every LINES_PER_PAGE
lines so a page stays a unit a search hit can point to. Markdown headings become title
blocks. A .csv becomes one page whose cells are table-cell blocks and whose rows are a Table,
like a sheet of a spreadsheet (extractors.readers.spreadsheet.grid_page).
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re

from models.errors import ReadError
from extractors.readers.sniff import FORMATS
from extractors.readers.metadata import document_title
from extractors.readers.source import ReadOptions, Source
from extractors.readers.spreadsheet import MAX_FILLED_CELLS, grid_page
from extractors.lang.text import clean_cell, clean_line
from extractors.lang.words import BULLET_CLASS
from models import Block, Document, Page, Table

MAX_TEXT_BYTES = 64 << 20
LINES_PER_PAGE = 500
_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
# A list item: its indent, then a bullet glyph, Markdown's `+` or a number (`1.`, `2)`).
_BULLET = re.compile(rf"^(\s*)(?:{BULLET_CLASS}|\+|\d{{1,3}}[.)])\s+")
_DELIMITERS = ",;\t|"
_TABLE_SUFFIXES = (".csv", ".tsv")


def decode(data: bytes) -> str:
    """Text bytes as str: by byte-order mark, else UTF-8, else Windows-1252."""
    for bom, codec in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(codec, "replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", "replace")


def _load(path: str) -> str:
    with open(path, "rb") as fh:
        data = fh.read(MAX_TEXT_BYTES + 1)
    if len(data) > MAX_TEXT_BYTES:
        raise ReadError("too_large", f"the text file is over {MAX_TEXT_BYTES >> 20} MB; saman reads text files up to "
                                     f"{MAX_TEXT_BYTES >> 20} MB")
    return decode(data)


def read_plain_text(source: Source, options: ReadOptions) -> Document:
    """A plain-text file: .csv and .tsv as a table, any other (.txt, .md) as text. The registry
    hands this reader only files whose names say they are text of these kinds."""
    if source.path.lower().endswith(_TABLE_SUFFIXES):
        return _read_csv(source.path, source.sha256)
    return _read_text(source.path, source.sha256)


def _read_text(path: str, sha256: str) -> Document:
    """A .txt or .md file as pages of body lines (Markdown headings as titles, bullets as levels)."""
    markdown = path.lower().endswith((".md", ".markdown"))
    pages: list[Page] = []
    for sheet in _load(path).split("\f"):
        lines = [line for line in sheet.splitlines() if line.strip()]
        for start in range(0, len(lines), LINES_PER_PAGE):
            blocks = [_block(line, markdown) for line in lines[start:start + LINES_PER_PAGE]]
            pages.append(Page(number=len(pages) + 1, kind="page", blocks=[b for b in blocks if b.text], method="text"))
    pages = pages or [Page(number=1, kind="page", method="text")]
    if not any(p.text for p in pages):
        raise ReadError("empty", "the text file holds no text (only spaces or line breaks)")
    return _document(path, sha256, pages, [])


def _block(line: str, markdown: bool) -> Block:
    if not markdown:
        return Block(text=clean_line(line))
    if heading := _HEADING.match(line):
        return Block(text=clean_line(heading.group(2)), role="title")
    if bullet := _BULLET.match(line):
        return Block(text=clean_line(line[bullet.end():]), level=min(len(bullet.group(1).expandtabs(4)) // 2, 8))
    return Block(text=clean_line(line))


def _read_csv(path: str, sha256: str) -> Document:
    """A .csv or .tsv file as one page holding its rows as a table (the delimiter is sniffed)."""
    text = _load(path)
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:65536], delimiters=_DELIMITERS)
    except csv.Error:  # one column, or too irregular to tell: a comma, or a tab for .tsv
        dialect = csv.excel_tab if path.lower().endswith(".tsv") else csv.excel
    rows: list[list[str]] = []
    filled = 0
    for row in csv.reader(io.StringIO(text, newline=""), dialect):
        rows.append([clean_cell(c) for c in row])
        filled += sum(bool(c) for c in rows[-1])
        if filled > MAX_FILLED_CELLS:
            raise ReadError("too_large", f"the table holds more than {MAX_FILLED_CELLS:,} filled cells, "
                                         "the most saman reads from one file")
    page, table = grid_page(1, rows)
    if table is None:
        raise ReadError("empty", "the table file holds no values")
    return _document(path, sha256, [page], [table])


_MEDIA_TYPES = {".csv": "text/csv", ".tsv": "text/tab-separated-values", ".md": "text/markdown",
                ".markdown": "text/markdown"}


def _document(path: str, sha256: str, pages: list[Page], tables: list[Table]) -> Document:
    suffix = os.path.splitext(path)[1].lower()
    return Document(
        sha256=sha256,
        path=path,
        media_type=_MEDIA_TYPES.get(suffix, FORMATS["text"].media_type),
        pages=pages,
        tables=tables,
        title=document_title(pages[0].title, None),
    )
