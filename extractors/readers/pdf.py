"""PDF reader: a born-digital PDF → models.Document, one Page per PDF page.

Text comes from pdfium (extractors.readers.pdfium_text): lines in reading order with their bboxes
and font sizes, from which titles, bullets and table cells are told. Ruled tables come from
pdfplumber's table finder run on the rules and boxes pdfium reads from the page's paths
(extractors.readers.pdfium_paths): pdfminer's parse of a page, which pdfplumber's own
`find_tables` needs, was most of the cost of reading a PDF; their cells are filled with
pdfium's characters, so a table reads as the page around it. Running headers and footers are
recognised by repetition across pages and kept out of the page text; a table that
continues over a page break becomes one table. Pages are closed as soon as they are read so
memory stays flat on long PDFs. Pages whose text layer is missing or shows a fault
(extractors.readers.text_layer) are handed to the OCR reader.

Each reader covers for the other: pdfium reads files pdfminer cannot open or finds fewer
pages in (a missing or broken MediaBox, xref offsets that point nowhere, a broken page
tree), pdfplumber reads a page pdfium fails on. A page neither can read is a Fault of that
page, tables that cannot be read a Fault of that region; the rest is kept.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Collection, Iterator
from statistics import median

import pdfplumber
import pypdfium2 as pdfium
from pdfminer.pdfdocument import PDFPasswordIncorrect
from pdfminer.pdftypes import resolve1
from pdfplumber.table import Table as PlumberTable, TableFinder, TableSettings
from pdfplumber.utils.exceptions import PdfminerException
from PIL import Image

from extractors.readers.ocr_pages import needs_ocr, ocr_pdf_pages
from extractors.readers import pdfium_text
from extractors.readers.pdf_tables import UnruledTables
from models.errors import ReadError, describe
from extractors.readers.metadata import document_title, metadata_date
from extractors.readers.pdfium_text import X_TOLERANCE_RATIO, Line, lines_of
from extractors.readers.source import ReadOptions, Source
from extractors.readers.text_layer import TextLayer, duplicates, picture_share
from extractors.lang.text import clean_cell, clean_line
from extractors.lang.words import BULLET, SUB_BULLET_GLYPHS
from extractors.readers.furniture import mark_repeated_furniture
from models import Block, Document, Fault, Page, Table

PDF_MEDIA_TYPE = "application/pdf"
MAX_PAGES = 5000
# PDF allows 14,400 units a side; a UserUnit may make them larger, so the bound is generous.
_MAX_PAGE_SIDE = 1_000_000.0


def read_pdf(source: Source, options: ReadOptions) -> Document:
    """Read a PDF; with `options.ocr`, pages whose text layer is missing or faulty
    (extractors.ocr.engine.needs_ocr) are read by OCR instead."""
    path, sha256 = source.path, source.sha256
    with _Sources(source) as pdf:
        n_pages = pdf.n_pages
        if n_pages > MAX_PAGES:
            raise ReadError("too_large", f"the PDF has {n_pages} pages; saman reads at most {MAX_PAGES} pages per file")
        info = pdf.info
        pages: list[Page] = []
        tables: list[Table] = []
        to_ocr: list[int] = []
        drawings: list[int] = []  # pages whose ink is all drawn: OCR'd only if the drawing shows text
        faults: list[Fault] = []
        for number in range(1, n_pages + 1):
            try:
                page, page_tables, layer = pdf.read_page(number, len(tables), faults)
                if options.ocr and layer is not None and needs_ocr(layer):
                    to_ocr.append(number)
                    if not layer.glyphs and not layer.picture_share:
                        drawings.append(number)
            except Exception as exc:  # one broken page must not lose the rest of the document
                page, page_tables = Page(number=number), []
                faults.append(_page_fault(number, exc))
            pages.append(page)
            tables.extend(page_tables)
    if to_ocr:
        ocr_tables: list[Table] = []
        for number, result in ocr_pdf_pages(path, to_ocr, options.ocr_settings, tables=ocr_tables,
                                            drawings=drawings).items():
            if isinstance(result, Page):
                pages[number - 1] = result
            else:
                faults.append(result)
        tables = sorted(tables + ocr_tables, key=lambda t: (t.page, t.bbox[1] if t.bbox else 0))
    mark_repeated_furniture(pages)  # after OCR, so running headers on scanned pages count too
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
        faults=sorted(faults, key=lambda f: f.page),
    )


def render_pdf(source: Source, numbers: Collection[int], width: int, max_height: int) -> Iterator[tuple[int, Image.Image]]:
    """Pictures of the given pages, `width` pixels wide (narrower for a page that would be
    taller than `max_height`), drawn from the source's pdfium document; a page pdfium cannot
    draw, or must not (extractors.readers.pdfium_text bounds every drawing), is left out."""
    try:
        pdf = source.pdfium()
    except pdfium.PdfiumError:
        return
    for number in numbers:
        if not 1 <= number <= len(pdf):
            continue
        try:
            page = pdf[number - 1]
            page_w, page_h = page.get_size()
            picture = pdfium_text.render(page, min(width / page_w, max_height / page_h), max_pixels=width * max_height)
            page.close()
        except (pdfium.PdfiumError, ZeroDivisionError, MemoryError):
            continue
        if picture is not None:
            yield number, picture


class _Sources:
    """The PDF as pdfium reads it, and as pdfplumber does where pdfium cannot or for what
    only pdfplumber does.

    pdfium reads every page's text (extractors.readers.pdfium_text): five times cheaper than
    pdfminer, and it parts words by the PDF's own spacing where pdfminer's fixed tolerance
    runs small type together or breaks letter-spaced dates apart. pdfplumber's table finder
    finds ruled tables on the edges pdfium reads; their cells are filled with pdfium's
    characters. pdfminer parses the file only when pdfium cannot: a file pdfium cannot
    open, a page it fails on (read by pdfplumber, text and tables), a page that draws more
    than pdfium's edges cover.
    pdfium also reads files pdfminer cannot open or finds fewer pages in (an xref table
    whose offsets point nowhere, a missing or broken MediaBox, a page tree with a broken
    branch: pdfium rebuilds them, and numbers the pages as the file does). A file neither
    can open is refused with the reason pdfminer gave.
    """

    def __init__(self, source: Source) -> None:
        self.source = source
        self.unruled = UnruledTables()
        self._opened: pdfplumber.PDF | None = None
        self._plumber_error: Exception | None = None
        self._pages_checked = False
        try:  # pdfminer reads the document's dictionaries here; its pages only when asked for
            self._opened = pdfplumber.open(source.path)
        except Exception as exc:  # pdfminer raises plain exceptions (KeyError, TypeError, ...) on broken files
            cause = exc.args[0] if isinstance(exc, PdfminerException) and exc.args else exc
            if isinstance(cause, PDFPasswordIncorrect):
                raise _encrypted(cause) from exc
            self._plumber_error = exc
        try:
            pdfium_pages = len(source.pdfium())
        except pdfium.PdfiumError as exc:
            if pdfium_text.is_password_error(exc):
                raise _encrypted(exc) from exc
            if self._opened is None:
                raise ReadError("corrupt", "the PDF could not be opened; the file is probably damaged or truncated, "
                                "or it is not a PDF", describe(self._plumber_error or exc)) from exc
            pdfium_pages = 0
        plumbed_pages = self._pdfminer_pages(pdfium_pages)
        if pdfium_pages > plumbed_pages:
            self._drop_plumbed()
        self.n_pages = max(plumbed_pages, pdfium_pages)
        if self.n_pages == 0:
            raise ReadError("empty", "the PDF has no pages")

    def _pdfminer_pages(self, pdfium_pages: int) -> int:
        """How many pages pdfminer finds: pdfium's count when the page tree declares as many
        (pdfminer's pages are then built only if one is needed), else pdfminer's own walk of
        the tree (it finds pages pdfium does not where a branch is broken)."""
        if self._opened is None:
            return 0
        try:
            declared = resolve1(resolve1(self._opened.doc.catalog["Pages"])["Count"])
        except Exception:  # noqa: BLE001 — no readable count: pdfminer walks the tree
            declared = None
        if pdfium_pages and declared == pdfium_pages:
            return pdfium_pages
        return self._built_pages()

    def _built_pages(self) -> int:
        """pdfminer's pages, built once (0, and pdfplumber dropped, where it cannot walk the
        page tree: pdfium's pages stand)."""
        self._pages_checked = True
        try:
            return len(self._opened.pages)
        except Exception as exc:  # noqa: BLE001 — pdfminer raises plain exceptions on a broken tree
            self._plumber_error = exc
            self._drop_plumbed()
            return 0

    @property
    def plumbed(self) -> pdfplumber.PDF | None:
        """pdfplumber's reading of the file, for what pdfium cannot read (a page it fails on,
        a page drawing more than its edges cover, a file it cannot open); its pages are
        built the first time one is needed. None if pdfminer cannot open the file or numbers
        its pages otherwise than pdfium does (it skips a page the page tree names but the
        file lacks, and would misnumber the pages after it)."""
        if not self._pages_checked and self._opened is not None and self._built_pages() != self.n_pages:
            self._drop_plumbed()
        return self._opened

    def _drop_plumbed(self) -> None:
        if self._opened is not None:
            _close(self._opened)
            self._opened = None

    def __enter__(self) -> _Sources:
        return self

    def __exit__(self, *exc: object) -> None:
        self._drop_plumbed()  # pdfium's document is the source's, shared with the thumbnails

    @property
    def info(self) -> dict:
        if self._opened is not None:  # pdfium's reading of it stops at a control character
            return self._opened.metadata or {}
        return pdfium_text.metadata(self.source.pdfium())

    def read_page(self, number: int, n_before: int, faults: list[Fault]) -> tuple[Page, list[Table], TextLayer | None]:
        """Page `number` with its tables and its text layer to judge (None: a blank page);
        a loss smaller than the page (its tables) goes to `faults`."""
        try:
            read = pdfium_text.read_page(self.source.pdfium(), number)
        except MemoryError:
            raise  # pdfminer would hit the same wall
        except Exception as exc:  # noqa: BLE001 — pdfplumber gets its turn; if it fails too, both are the detail
            if self.plumbed is None:
                raise
            return self._plumbed_page(number, n_before, exc)
        tables: list[Table] = []
        if read.has_paths:
            try:
                tables = self._tables(read, n_before)
            except MemoryError:
                raise
            except Exception as exc:  # noqa: BLE001 — the text stands; only the tables are lost
                faults.append(Fault(page=number, kind="corrupt", scope="region", detail=describe(exc),
                                    message=f"the tables of page {number} could not be read; the page's text is kept"))
        tables += self.unruled.find(read, n_before + len(tables) + 1, beside=tables)
        return _page(number, read.width, read.height, read.lines, tables), tables, read.layer if read.has_ink else None

    def _tables(self, read: pdfium_text.PageText, n_before: int) -> list[Table]:
        """The ruled tables pdfplumber's table finder finds on the page, in pdfium's
        coordinates (from the top-left of the crop box) and filled with pdfium's characters:
        on the edges pdfium read (extractors.readers.pdfium_paths), or where the page drew
        more than those cover, on pdfplumber's own parse of the page."""
        if read.edges is not None:
            ruled = _RuledPage(read.edges, (0.0, 0.0, read.width, read.height))
            return _filled(TableFinder(ruled, TableSettings.resolve(None)).tables, read.number, n_before, read.chars)
        if self.plumbed is None:
            return []
        pl_page = self.plumbed.pages[read.number - 1]
        try:
            if not _sane_size(pl_page) or not (pl_page.rects or pl_page.lines):
                return []
            return _filled(pl_page.find_tables(), read.number, n_before, read.chars,
                           shift=(float(pl_page.cropbox[0]), float(pl_page.cropbox[1])))
        finally:
            pl_page.close()

    def _plumbed_page(self, number: int, n_before: int, failed: Exception) -> tuple[Page, list[Table], TextLayer | None]:
        """The page as pdfplumber reads it, text and tables: where pdfium failed."""
        pl_page = self.plumbed.pages[number - 1]
        try:
            return _read_page(pl_page, n_before)
        except Exception as exc:
            raise exc from failed
        finally:
            pl_page.close()


def _close(plumbed: pdfplumber.PDF) -> None:
    """Close the file itself: pdfplumber's own close builds every page first, which costs a
    parse of the page tree nothing else may have needed and fails on a broken file."""
    plumbed.stream.close()


class _RuledPage:
    """What pdfplumber's TableFinder reads of a page under its `lines` strategies: the
    page's edges and its box."""

    def __init__(self, edges: list[dict], bbox: tuple[float, float, float, float]) -> None:
        self.edges = edges
        self.bbox = bbox


def _filled(found: list[PlumberTable], number: int, n_before: int, chars: list[pdfium_text.Char],
            shift: tuple[float, float] = (0.0, 0.0)) -> list[Table]:
    """pdfplumber's tables as Tables filled with pdfium's characters, moved by `shift` into
    pdfium's coordinates; a table of one row or one column is no table."""
    dx, dy = shift
    tables: list[Table] = []
    for table in found:
        cells = [[None if c is None else (c[0] - dx, c[1] - dy, c[2] - dx, c[3] - dy) for c in row.cells]
                 for row in table.rows]
        rows = [[clean_cell(c) for c in row] for row in _cell_texts(cells, chars)]
        rows = [r for r in rows if any(r)]
        if len(rows) >= 2 and max(len(r) for r in rows) >= 2:
            x0, top, x1, bottom = table.bbox
            tables.append(Table(table_id=f"p{number}t{n_before + len(tables) + 1}", page=number, pages=[number],
                                rows=rows, bbox=(x0 - dx, top - dy, x1 - dx, bottom - dy), method="pdf"))
    return tables


def _sane_size(pl_page: pdfplumber.page.Page) -> bool:
    """A page no larger than PDF allows (14,400 units a side, user units aside): pdfminer
    keeps a MediaBox of 10²⁰ points, where its coordinates lose every line (pdfium replaces
    such a box by a Letter page), so its tables would not lie where pdfium's text does."""
    return all(math.isfinite(v) and abs(v) <= _MAX_PAGE_SIDE for v in pl_page.bbox)


def _page_fault(number: int, exc: BaseException) -> Fault:
    if isinstance(exc, MemoryError):
        return Fault(page=number, kind="too_large", message=f"page {number} needs more memory to read than saman allows a file; "
                     "its text is missing", detail=describe(exc))
    detail = describe(exc)
    if exc.__cause__ is not None:
        detail += f"; pdfium before it: {describe(exc.__cause__)}"
    return Fault(page=number, kind="corrupt", message=f"page {number} could not be read; it is probably damaged",
                 detail=detail)


def _encrypted(exc: BaseException) -> ReadError:
    return ReadError("encrypted", "the PDF is protected by a password; ask the sender for an unprotected copy", describe(exc))


def _info_text(value: object) -> str | None:
    if isinstance(value, bytes):
        value = value.decode("utf-16" if value.startswith(b"\xfe\xff") else "latin-1", "ignore")
    return clean_line(value) or None if isinstance(value, str) else None


def _read_page(pl_page: pdfplumber.page.Page, n_before: int) -> tuple[Page, list[Table], TextLayer | None]:
    """pdfplumber's reading of a page, text and tables: for a page pdfium cannot read."""
    number = pl_page.page_number
    width, height = float(pl_page.width), float(pl_page.height)
    chars = pl_page.chars
    if twice := duplicates([(c["text"], c["x0"], c["top"], c["x1"]) for c in chars]):
        drawn_again = {id(chars[i]) for i in twice}
        pl_page = pl_page.filter(lambda obj: id(obj) not in drawn_again)
    found = pl_page.find_tables() if (pl_page.rects or pl_page.lines) else []
    tables = []
    for t in found:
        rows = [[clean_cell(c) for c in row] for row in t.extract(x_tolerance_ratio=X_TOLERANCE_RATIO)]
        rows = [r for r in rows if any(r)]
        if len(rows) >= 2 and max(len(r) for r in rows) >= 2:
            tables.append(Table(table_id=f"p{number}t{n_before + len(tables) + 1}", page=number, pages=[number],
                                rows=rows, bbox=tuple(float(v) for v in t.bbox), method="pdf"))
    lines = [Line(ln["text"], (float(ln["x0"]), float(ln["top"]), float(ln["x1"]), float(ln["bottom"])),
                  max((c["size"] for c in ln["chars"]), default=0.0))
             for ln in pl_page.extract_text_lines(layout=False, strip=True, return_chars=True,
                                                  x_tolerance_ratio=X_TOLERANCE_RATIO)]
    page = _page(number, width, height, lines, tables)
    layer = None
    if pl_page.chars or pl_page.images or pl_page.curves or pl_page.rects or pl_page.lines:  # else blank: nothing to OCR
        visible = [c["text"] for c in pl_page.chars if c.get("text", "").strip()
                   and -1 <= c.get("x0", 0) <= width + 1 and -1 <= c.get("top", 0) <= height + 1]
        boxes = [(float(i["x0"]), float(i["top"]), float(i["x1"]), float(i["bottom"])) for i in pl_page.images]
        layer = TextLayer(visible, "\n".join(ln.text for ln in lines), picture_share(boxes, width, height))
    return page, tables, layer


def _cell_texts(cells: list[list[tuple[float, float, float, float] | None]], chars: list) -> list[list[str | None]]:
    """The cell texts of a table's rows of cells, as `Table.extract` gives them: a character
    belongs to the cell its centre lies in; None for a cell the grid merged away. Characters
    are found by bisection on their centres (`extract` scans every character of the page for
    every row and cell: a third of the reading time of a page that is one big table)."""
    by_v = sorted((((c.top + c.bottom) / 2, (c.x0 + c.x1) / 2, k) for k, c in enumerate(chars)))
    v_mids = [v for v, _, _ in by_v]
    out: list[list[str | None]] = []
    for row in cells:
        boxes = [c for c in row if c is not None]
        if not boxes:
            out.append([None] * len(row))
            continue
        r_top, r_bottom = min(c[1] for c in boxes), max(c[3] for c in boxes)
        in_row = sorted((h, v, k) for v, h, k in by_v[bisect_left(v_mids, r_top):bisect_left(v_mids, r_bottom)])
        h_mids = [h for h, _, _ in in_row]
        texts: list[str | None] = []
        for cell in row:
            if cell is None:
                texts.append(None)
                continue
            picked = sorted(k for _, v, k in in_row[bisect_left(h_mids, cell[0]):bisect_left(h_mids, cell[2])]
                            if cell[1] <= v < cell[3])
            texts.append(" ".join(ln.text for ln in lines_of([chars[k] for k in picked])))
        out.append(texts)
    return out


def _page(number: int, width: float, height: float, lines: list[Line], tables: list[Table]) -> Page:
    """The page's blocks from its lines: table cells, a title by font size, body lines with
    their bullets taken off."""
    title_size = _title_size([ln.size for ln in lines], lines, height)
    blocks = []
    for line in lines:
        text = clean_line(line.text)
        if not text:
            continue
        if any(_inside(line.bbox, t.bbox) for t in tables):
            role = "table-cell"
        elif title_size and line.size >= title_size * 0.9:
            role = "title"
        else:
            role = "body"
        level = 0
        if (bullet := BULLET.match(text)) and role != "table-cell":
            text = text[bullet.end():]
            level = 1 if bullet.group(1) in SUB_BULLET_GLYPHS else 0
        blocks.append(Block(text=text, role=role, level=level, bbox=line.bbox, method="text"))
    return Page(number=number, kind="page", width=width, height=height, blocks=blocks, method="text")


def _title_size(sizes: list[float], lines: list[Line], height: float) -> float | None:
    """The font size of the page's title: clearly larger than the body text, in the top half."""
    if len(sizes) < 2:
        return None
    body = median(sizes)
    top = [s for s, ln in zip(sizes, lines) if ln.bbox[1] < height * 0.5]
    biggest = max(top, default=0.0)
    return biggest if biggest >= body * 1.25 else None


def _inside(bbox: tuple[float, float, float, float], outer: tuple[float, float, float, float] | None) -> bool:
    if outer is None:
        return False
    x0, top, x1, bottom = bbox
    cx, cy = (x0 + x1) / 2, (top + bottom) / 2
    return outer[0] <= cx <= outer[2] and outer[1] <= cy <= outer[3]


def _merge_continued_tables(tables: list[Table], pages: list[Page]) -> list[Table]:
    """Join a table that ends at the foot of a page with one at the head of the next page.

    The continuation must have the same number of columns; a repeated header (up to three
    rows) is dropped.
    """
    merged: list[Table] = []
    for table in tables:
        prev = merged[-1] if merged else None
        if prev is not None and _continues(prev, table, pages):
            rows = table.rows[_repeated_header(prev.rows, table.rows):]
            merged[-1] = prev.model_copy(update={"rows": prev.rows + rows, "pages": prev.pages + [table.page],
                                                 "row_pages": [prev.page_of(r) for r in range(len(prev.rows))]
                                                 + [table.page] * len(rows)})
        else:
            merged.append(table)
    return [t.model_copy(update={"table_id": f"p{t.page}t{i}"}) for i, t in enumerate(merged, start=1)]


def _repeated_header(first: list[list[str]], rows: list[list[str]], most: int = 3) -> int:
    """How many of the first rows of `rows` repeat the first rows of `first` (a header)."""
    n = 0
    while n < min(most, len(first), len(rows)) and rows[n] == first[n]:
        n += 1
    return n


def _continues(prev: Table, table: Table, pages: list[Page]) -> bool:
    if table.page != prev.pages[-1] + 1 or table.n_cols != prev.n_cols or prev.bbox is None or table.bbox is None:
        return False
    prev_page, page = pages[prev.pages[-1] - 1], pages[table.page - 1]
    ends_low = prev_page.height is not None and prev.bbox[3] > prev_page.height * 0.7
    starts_high = page.height is not None and table.bbox[1] < page.height * 0.3
    return ends_low and starts_high
