"""The one document model all format readers converge on (pptx, pdf, ocr, office).

Recognisers only ever see these types, never a python-pptx or pdfplumber object, so a new
format is a new reader and nothing downstream changes. Every block and table knows its page,
its bbox (in points, origin top-left) and how it was read (method, confidence).
"""

from __future__ import annotations

import sys
from typing import Literal

from pydantic import BaseModel, Field

from models.compact import Compact
from models.errors import Fault

BBox = tuple[float, float, float, float]
"""x0, top, x1, bottom in points from the page's top-left corner."""

Method = Literal["text", "ocr", "pptx"]
DateSource = Literal["text", "year_in_text", "file_name", "metadata", "none"]
"""Where a document's date came from, most trusted first (see RECORDS.md)."""
Role = Literal["title", "body", "notes", "table-cell", "furniture"]

# Roles whose text is part of a page's text (the record contract leaves out only slide notes).
# Furniture (footers, slide numbers, running heads) is on the page, so it is in its text; the
# recognisers skip it by its role, so a footer on every slide is not a fact on every slide.
TEXT_ROLES: frozenset[str] = frozenset({"title", "body", "table-cell", "furniture"})


class Block(Compact):
    """A run of text in reading order: a title, a bullet, a PDF line, a table cell."""

    text: str
    role: Role = "body"
    level: int = 0
    bbox: BBox | None = None
    method: Method = "text"
    confidence: float | None = None
    raw_text: str | None = Field(default=None, description="OCR text before correction")


class Table(BaseModel):
    """A logical table: one per table even when it runs over a page break."""

    table_id: str
    page: int
    pages: list[int]
    rows: list[list[str]]
    bbox: BBox | None = None
    method: Literal["pptx", "pdf", "ocr", "sheet"] = "pdf"
    """How the cells were read: a deck's table, a PDF's ruled table, OCR, or a spreadsheet's (or .csv's) cells."""
    confidence: float | None = None
    source: Literal["table", "chart"] = "table"
    row_pages: list[int] = Field(default_factory=list)
    """The page each row stands on, for a table over a page break (empty: all on `page`)."""

    @property
    def n_cols(self) -> int:
        return max((len(r) for r in self.rows), default=0)

    def page_of(self, row: int) -> int:
        """The page row `row` stands on."""
        return self.row_pages[row] if row < len(self.row_pages) else self.page


class Page(BaseModel):
    """A PDF page or a slide, 1-based."""

    number: int
    kind: Literal["page", "slide"] = "page"
    width: float | None = None
    height: float | None = None
    blocks: list[Block] = Field(default_factory=list)
    method: Method = "text"
    confidence: float | None = None

    @property
    def text(self) -> str:
        return "\n".join(b.text for b in self.blocks if b.role in TEXT_ROLES and b.text)

    @property
    def raw_text(self) -> str | None:
        """The OCR text before correction, or None when the page was not OCR'd."""
        if self.method != "ocr":
            return None
        return "\n".join(
            (b.raw_text if b.raw_text is not None else b.text)
            for b in self.blocks
            if b.role in TEXT_ROLES and b.text
        )

    @property
    def title(self) -> str | None:
        """The first run of consecutive title blocks: a title wrapped over two lines is one title."""
        lines: list[str] = []
        for b in self.blocks:
            if b.role == "title" and b.text:
                lines.append(b.text)
            elif lines and b.role != "furniture":
                break
        return " ".join(lines) or None

    @property
    def notes(self) -> str:
        return "\n".join(b.text for b in self.blocks if b.role == "notes")


class Document(BaseModel):
    """A file as read: identity, metadata, pages and tables, plus page-level errors."""

    sha256: str
    path: str
    media_type: str
    pages: list[Page] = Field(default_factory=list)
    tables: list[Table] = Field(default_factory=list)
    title: str | None = None
    date: str | None = None
    date_source: DateSource = "none"
    language: str = Field(default="und", description="ISO 639-1 code of what the text is written in; und when unknown")
    metadata: dict[str, str] = Field(default_factory=dict)
    faults: list[Fault] = Field(default_factory=list, description="pages, shapes and regions that could not be read")

    @property
    def doc_id(self) -> str:
        return self.sha256[:16]

    @property
    def file_name(self) -> str:
        return self.path.replace("\\", "/").rsplit("/", 1)[-1]

    @property
    def ocr_pages(self) -> list[int]:
        """Pages read by OCR, wholly (a scanned page) or in part (a screenshot on a slide)."""
        return [p.number for p in self.pages if p.method == "ocr" or any(b.method == "ocr" for b in p.blocks)]

    @property
    def text(self) -> str:
        return "\n\n".join(p.text for p in self.pages)

    def provenance(self, page: int | None) -> dict[str, object]:
        """The identity fields every record of this document starts from. The strings are
        interned: the tens of thousands of records of a long document share one copy of each
        instead of holding one apiece."""
        return {"doc_id": sys.intern(self.doc_id), "file_name": sys.intern(self.file_name), "sha256": self.sha256, "page": page}
