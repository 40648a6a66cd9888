"""PDF reader (pdfplumber): a born-digital PDF → models.Document, one Page per PDF page.

Lines come in reading order with their bboxes; ruled tables come from `find_tables`, and only
on pages that show ruling lines or rectangles, because table detection is the costly part of
reading a PDF and most pages have none. Running headers and footers are recognised by
repetition across pages and kept out of the page text; a table that continues over a page
break becomes one table. Pages are closed as soon as they are read so memory stays flat on
long PDFs. Pages without a usable text layer are handed to the OCR reader.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from statistics import median

import pdfplumber
from pdfminer.pdfdocument import PDFPasswordIncorrect
from pdfminer.pdfparser import PDFSyntaxError
from pdfplumber.utils.exceptions import PdfminerException

from extractors.errors import ReadError, describe
from extractors.metadata import document_title, metadata_date
from extractors.textutil import clean_cell, clean_line
from models import Block, Document, Fault, Page, Table

PDF_MEDIA_TYPE = "application/pdf"
MAX_PAGES = 5000
# A header or footer lives in the top or bottom band of the page and recurs on many pages.
_EDGE_BAND = 0.1
_DIGITS = re.compile(r"\d+")
# Bullet glyphs a PDF keeps as text; a slide's bullets are structure, not words.
_BULLET = re.compile(r"^([•▪◦●○■□►▸‣⁃–—\-\*])\s+")
_SUB_BULLETS = "◦○–—-▸‣⁃"
_PAGE_NUMBER = re.compile(r"^\s*(?:side|page|s\.)?\s*\d{1,4}\s*(?:(?:/|av|of)\s*\d{1,4})?\s*$", re.IGNORECASE)

OcrPages = Callable[..., dict[int, "Page | Fault"]]  # (path, page numbers, *, tables=list) → Page or Fault
NeedsOcr = Callable[[list[dict], float, float, str], bool]


def read_pdf(path: str, sha256: str, needs_ocr: NeedsOcr | None = None, ocr_pages: OcrPages | None = None) -> Document:
    """Read a PDF; pages for which `needs_ocr` says so are read by `ocr_pages` instead."""
    try:
        pdf = pdfplumber.open(path)
        n_pages = len(pdf.pages)
    except PdfminerException as exc:
        raise _translate(exc.args[0] if exc.args else exc) from exc
    except (PDFPasswordIncorrect, PDFSyntaxError) as exc:
        raise _translate(exc) from exc
    except Exception as exc:  # pdfminer raises plain exceptions (KeyError, TypeError, ...) on broken files
        raise ReadError("corrupt", f"the PDF could not be opened ({type(exc).__name__}: {exc}); the file is probably damaged or truncated") from exc
    with pdf:
        if n_pages == 0:
            raise ReadError("empty", "the PDF has no pages")
        if n_pages > MAX_PAGES:
            raise ReadError("too_large", f"the PDF has {n_pages} pages; saman reads at most {MAX_PAGES} pages per file")
        info = pdf.metadata or {}
        pages: list[Page] = []
        tables: list[Table] = []
        to_ocr: list[int] = []
        faults: list[Fault] = []
        for pl_page in pdf.pages:
            try:
                page, page_tables = _read_page(pl_page, len(tables))
                if needs_ocr is not None and _has_ink(pl_page) and needs_ocr(pl_page.chars, float(pl_page.width), float(pl_page.height),
                                                                                page.text):
                    to_ocr.append(page.number)
            except Exception as exc:  # one broken page must not lose the rest of the document
                page, page_tables = Page(number=pl_page.page_number), []
                faults.append(Fault(page=page.number, kind="corrupt", message=f"page {page.number} could not be read; it is probably damaged",
                                    detail=describe(exc)))
            finally:
                pl_page.close()
            pages.append(page)
            tables.extend(page_tables)
    if to_ocr and ocr_pages is not None:
        ocr_tables: list[Table] = []
        for number, result in ocr_pages(path, to_ocr, tables=ocr_tables).items():
            if isinstance(result, Page):
                pages[number - 1] = result
            else:
                faults.append(result)
        tables = sorted(tables + ocr_tables, key=lambda t: (t.page, t.bbox[1] if t.bbox else 0))
    _mark_repeated_furniture(pages)  # after OCR, so running headers on scanned pages count too
    tables = _merge_continued_tables(tables, pages)
    first = pages[0]
    subtitle = next((b.text for b in first.blocks if b.role == "body"), None)
    title = document_title(first.title, _info_text(info.get("Title")), subtitle)
    return Document(
        sha256=sha256,
        path=path,
        media_type=PDF_MEDIA_TYPE,
        pages=pages,
        tables=tables,
        title=title,
        metadata={k: v for k, v in {**{k: _info_text(info.get(k)) for k in ("Title", "Author", "Producer")},
                                    "created": metadata_date(info.get("CreationDate")),
                                    "modified": metadata_date(info.get("ModDate"))}.items() if v},
        faults=faults,
    )


def _has_ink(pl_page: pdfplumber.page.Page) -> bool:
    """A page with no characters, pictures or drawn curves is blank: nothing to OCR."""
    return bool(pl_page.chars or pl_page.images or pl_page.curves)


def _translate(exc: object) -> ReadError:
    if isinstance(exc, PDFPasswordIncorrect):
        return ReadError("encrypted", "the PDF is protected by a password; ask the sender for an unprotected copy")
    return ReadError("corrupt", f"the PDF is damaged or not a PDF ({type(exc).__name__}: {exc})")


def _info_text(value: object) -> str | None:
    if isinstance(value, bytes):
        value = value.decode("utf-16" if value.startswith(b"\xfe\xff") else "latin-1", "ignore")
    return clean_line(value) or None if isinstance(value, str) else None


def _read_page(pl_page: pdfplumber.page.Page, n_before: int) -> tuple[Page, list[Table]]:
    number = pl_page.page_number
    width, height = float(pl_page.width), float(pl_page.height)
    found = pl_page.find_tables() if (pl_page.rects or pl_page.lines) else []
    tables = []
    for t in found:
        rows = [[clean_cell(c) for c in row] for row in t.extract()]
        rows = [r for r in rows if any(r)]
        if len(rows) >= 2 and max(len(r) for r in rows) >= 2:
            tables.append(Table(table_id=f"p{number}t{n_before + len(tables) + 1}", page=number, pages=[number],
                                rows=rows, bbox=tuple(float(v) for v in t.bbox), method="pdf"))
    lines = pl_page.extract_text_lines(layout=False, strip=True, return_chars=True)
    sizes = [max((c["size"] for c in ln["chars"]), default=0.0) for ln in lines]
    title_size = _title_size(sizes, lines, height)
    blocks = []
    for line, size in zip(lines, sizes):
        text = clean_line(line["text"])
        if not text:
            continue
        bbox = (float(line["x0"]), float(line["top"]), float(line["x1"]), float(line["bottom"]))
        if any(_inside(bbox, t.bbox) for t in tables):
            role = "table-cell"
        elif title_size and size >= title_size * 0.9:
            role = "title"
        else:
            role = "body"
        level = 0
        if (bullet := _BULLET.match(text)) and role != "table-cell":
            text = text[bullet.end():]
            level = 1 if bullet.group(1) in _SUB_BULLETS else 0
        blocks.append(Block(text=text, role=role, level=level, bbox=bbox, method="text"))
    return Page(number=number, kind="page", width=width, height=height, blocks=blocks, method="text"), tables


def _title_size(sizes: list[float], lines: list[dict], height: float) -> float | None:
    """The font size of the page's title: clearly larger than the body text, in the top half."""
    if len(sizes) < 2:
        return None
    body = median(sizes)
    top = [s for s, ln in zip(sizes, lines) if ln["top"] < height * 0.5]
    biggest = max(top, default=0.0)
    return biggest if biggest >= body * 1.25 else None


def _inside(bbox: tuple[float, float, float, float], outer: tuple[float, float, float, float] | None) -> bool:
    if outer is None:
        return False
    x0, top, x1, bottom = bbox
    cx, cy = (x0 + x1) / 2, (top + bottom) / 2
    return outer[0] <= cx <= outer[2] and outer[1] <= cy <= outer[3]


def _edge_key(block: Block, page: Page) -> str | None:
    if block.bbox is None or not page.height:
        return None
    if block.bbox[1] > page.height * (1 - _EDGE_BAND) or block.bbox[3] < page.height * _EDGE_BAND:
        return _DIGITS.sub("#", block.text.lower())
    return None


def _mark_repeated_furniture(pages: list[Page]) -> None:
    """Lines in the top or bottom band that recur (digits aside) on most pages are furniture."""
    counts: Counter[str] = Counter()
    for page in pages:
        counts.update({k for b in page.blocks if (k := _edge_key(b, page))})
    threshold = max(2, (len(pages) + 1) // 2)
    for page in pages:
        for block in page.blocks:
            key = _edge_key(block, page)
            if key is None or block.role == "table-cell":
                continue
            if counts[key] >= threshold and len(pages) >= 2 or _PAGE_NUMBER.match(block.text):
                block.role = "furniture"


def _merge_continued_tables(tables: list[Table], pages: list[Page]) -> list[Table]:
    """Join a table that ends at the foot of a page with one at the head of the next page.

    The continuation must have the same number of columns; a repeated header row is dropped.
    """
    merged: list[Table] = []
    for table in tables:
        prev = merged[-1] if merged else None
        if prev is not None and _continues(prev, table, pages):
            rows = table.rows[1:] if table.rows and table.rows[0] == prev.rows[0] else table.rows
            merged[-1] = prev.model_copy(update={"rows": prev.rows + rows, "pages": prev.pages + [table.page]})
        else:
            merged.append(table)
    return [t.model_copy(update={"table_id": f"p{t.page}t{i}"}) for i, t in enumerate(merged, start=1)]


def _continues(prev: Table, table: Table, pages: list[Page]) -> bool:
    if table.page != prev.pages[-1] + 1 or table.n_cols != prev.n_cols or prev.bbox is None or table.bbox is None:
        return False
    prev_page, page = pages[prev.pages[-1] - 1], pages[table.page - 1]
    ends_low = prev_page.height is not None and prev.bbox[3] > prev_page.height * 0.7
    starts_high = page.height is not None and table.bbox[1] < page.height * 0.3
    return ends_low and starts_high
