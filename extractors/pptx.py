"""PowerPoint reader: a .pptx file → models.Document, one Page per slide.

Why the care over shape order and placeholders: the programme's decks put titles, bullets,
tables, charts and organisation charts (grouped shapes) on one slide, and repeat the
department's name and a slide number at the foot of every slide. Researchers want the slide's
content in reading order without that furniture, tables as cell grids and charts as their
data, so that every recogniser sees the same model a PDF page produces.
This module only reads; it never decides facts.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator

from PIL import Image
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE, PP_PLACEHOLDER
from pptx.shapes.base import BaseShape
from pptx.util import Emu

from extractors.metadata import document_title, metadata_date
from extractors.textutil import clean_cell, clean_line
from models import Block, Document, Page, Table

PPTX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
_EMU_PER_PT = 12700
_TITLE_TYPES = {PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE, PP_PLACEHOLDER.VERTICAL_TITLE}
_FURNITURE_TYPES = {PP_PLACEHOLDER.FOOTER, PP_PLACEHOLDER.SLIDE_NUMBER, PP_PLACEHOLDER.DATE, PP_PLACEHOLDER.HEADER}
_PAGE_NUMBER = re.compile(r"^\s*(?:side\s*|slide\s*)?\d{1,3}\s*(?:/\s*\d{1,3})?\s*$", re.IGNORECASE)


PictureReader = Callable[[Image.Image, int, tuple[float, float]], tuple[Page, list[Table]] | None]
"""(picture, slide number, picture size in points) → the picture's text as an OCR'd Page and its
tables, or None for a picture without text (a photo, a logo)."""


def read_pptx(path: str, sha256: str, read_picture: PictureReader | None = None) -> Document:
    """Read every slide in order; pictures are read only through `read_picture` (OCR)."""
    prs = Presentation(path)
    slide_w = Emu(prs.slide_width or 0).pt
    slide_h = Emu(prs.slide_height or 0).pt
    pages: list[Page] = []
    tables: list[Table] = []
    geo = _Geometry()
    for number, slide in enumerate(prs.slides, start=1):
        page = Page(number=number, kind="slide", width=slide_w, height=slide_h, method="pptx")
        for shape in geo.reading_order(slide.shapes):
            page.blocks.extend(_shape_blocks(shape, geo))
            for table in _shape_tables(shape, number, len(tables), geo):
                tables.append(table)
            if read_picture is not None and shape.shape_type == MSO_SHAPE_TYPE.PICTURE:
                found = _picture_text(shape, number, read_picture, len(tables), geo)
                if found is not None:
                    page.blocks.extend(found[0])
                    tables.extend(found[1])
                    page.confidence = _mean_confidence(page.blocks)
        if slide.has_notes_slide:
            notes = slide.notes_slide.notes_text_frame
            if notes is not None:
                page.blocks.extend(
                    Block(text=clean_line(p), role="notes", method="pptx") for p in notes.text.splitlines() if p.strip()
                )
        pages.append(page)
    _mark_repeated_furniture(pages)
    props = prs.core_properties
    title = document_title(pages[0].title if pages else None, props.title, _subtitle(pages[0]) if pages else None)
    return Document(
        sha256=sha256,
        path=path,
        media_type=PPTX_MEDIA_TYPE,
        pages=pages,
        tables=tables,
        title=title,
        metadata={k: str(v) for k, v in {"author": props.author, "title": props.title, "created": metadata_date(props.created),
                                         "modified": metadata_date(props.modified)}.items() if v},
    )


def _picture_text(shape: BaseShape, number: int, read_picture: PictureReader, n_before: int,
                  geo: _Geometry) -> tuple[list[Block], list[Table]] | None:
    """OCR blocks and tables of a picture, placed where the picture sits on the slide."""
    try:
        image = Image.open(io.BytesIO(shape.image.blob))
        image.load()
    except (OSError, ValueError, Image.DecompressionBombError):  # EMF/WMF and other formats Pillow cannot draw
        return None
    box = geo.bbox(shape)
    if box is None:
        return None
    x0, top, x1, bottom = box
    result = read_picture(image, number, (x1 - x0, bottom - top))
    if result is None:
        return None
    ocr_page, ocr_tables = result

    def shift(b: tuple[float, float, float, float] | None) -> tuple[float, float, float, float] | None:
        return None if b is None else (b[0] + x0, b[1] + top, b[2] + x0, b[3] + top)

    blocks = [b.model_copy(update={"bbox": shift(b.bbox), "role": "body" if b.role == "title" else b.role}) for b in ocr_page.blocks]
    tables = [t.model_copy(update={"bbox": shift(t.bbox), "page": number, "pages": [number], "table_id": f"p{number}t{n_before + i}"})
              for i, t in enumerate(ocr_tables, start=1)]
    return blocks, tables


def _mean_confidence(blocks: list[Block]) -> float | None:
    scores = [b.confidence for b in blocks if b.method == "ocr" and b.confidence is not None]
    return round(sum(scores) / len(scores), 4) if scores else None


def _subtitle(page: Page) -> str | None:
    return next((b.text for b in page.blocks if b.role == "body"), None)


class _Geometry:
    """Where the shapes of one deck sit, in EMU.

    python-pptx finds a placeholder's inherited position by searching the slide layout's
    shapes again on every read of left, top, width or height, which took half the time of
    reading a deck; here each layout placeholder is looked up once per deck.
    """

    def __init__(self) -> None:
        self._inherited: dict[tuple[str, int], tuple[int | None, ...]] = {}

    def emu(self, shape: BaseShape) -> tuple[int | None, ...]:
        """(left, top, width, height), each None where neither the shape nor its layout says."""
        element = shape._element
        own = (element.x, element.y, element.cx, element.cy)
        if None not in own or not shape.is_placeholder:
            return own
        layout = shape.part.slide_layout
        key = (str(layout.part.partname), shape.placeholder_format.idx)
        if key not in self._inherited:
            base = layout.placeholders.get(idx=key[1])
            self._inherited[key] = (None,) * 4 if base is None else (base.left, base.top, base.width, base.height)
        return tuple(o if o is not None else i for o, i in zip(own, self._inherited[key]))

    def reading_order(self, shapes: Iterable[BaseShape]) -> list[BaseShape]:
        """Top-to-bottom, then left-to-right; shapes within ~1/4 inch of height share a row."""
        def key(shape: BaseShape) -> tuple[int, int]:
            left, top, _, _ = self.emu(shape)
            return (round((top or 0) / (_EMU_PER_PT * 18)), left or 0)

        return sorted(shapes, key=key)

    def bbox(self, shape: BaseShape) -> tuple[float, float, float, float] | None:
        left, top, width, height = self.emu(shape)
        if left is None or top is None:
            return None
        x0, y0 = left / _EMU_PER_PT, top / _EMU_PER_PT
        return (x0, y0, x0 + (width or 0) / _EMU_PER_PT, y0 + (height or 0) / _EMU_PER_PT)


def _shape_blocks(shape: BaseShape, geo: _Geometry) -> Iterator[Block]:
    if shape.shape_type == MSO_SHAPE_TYPE.GROUP:
        for child in geo.reading_order(shape.shapes):
            yield from _shape_blocks(child, geo)
        return
    if getattr(shape, "has_table", False) and shape.has_table:
        for row in shape.table.rows:
            for cell in row.cells:
                if not cell.is_spanned and cell.text.strip():
                    yield Block(text=clean_cell(cell.text), role="table-cell", bbox=geo.bbox(shape), method="pptx")
        return
    if not getattr(shape, "has_text_frame", False) or not shape.has_text_frame:
        return
    role = _role(shape)
    bbox = geo.bbox(shape)
    for paragraph in shape.text_frame.paragraphs:
        text = clean_line(paragraph.text)
        if text:
            yield Block(text=text, role=role, level=paragraph.level, bbox=bbox, method="pptx")


def _role(shape: BaseShape) -> str:
    if shape.is_placeholder:
        ph_type = shape.placeholder_format.type
        if ph_type in _TITLE_TYPES:
            return "title"
        if ph_type in _FURNITURE_TYPES:
            return "furniture"
    if shape.has_text_frame and _PAGE_NUMBER.match(shape.text_frame.text or ""):
        return "furniture"
    return "body"


def _shape_tables(shape: BaseShape, page: int, n_before: int, geo: _Geometry) -> Iterator[Table]:
    if shape.shape_type == MSO_SHAPE_TYPE.GROUP:
        for child in geo.reading_order(shape.shapes):
            yield from _shape_tables(child, page, n_before, geo)
        return
    if getattr(shape, "has_table", False) and shape.has_table:
        rows = [[("" if cell.is_spanned else clean_cell(cell.text)) for cell in row.cells] for row in shape.table.rows]
        yield Table(table_id=f"p{page}t{n_before + 1}", page=page, pages=[page], rows=rows, bbox=geo.bbox(shape),
                    method="pptx")
    elif getattr(shape, "has_chart", False) and shape.has_chart:
        yield _chart_table(shape, page, n_before, geo.bbox(shape))


def _chart_table(shape: BaseShape, page: int, n_before: int, bbox: tuple[float, float, float, float] | None) -> Table:
    """A native chart's data as a table: header ["", series...], then a row per category."""
    chart = shape.chart
    plot = chart.plots[0]
    categories = [str(c) for c in plot.categories]
    series = list(plot.series)
    rows = [[""] + [s.name or "" for s in series]]
    for i, category in enumerate(categories):
        rows.append([category] + [_number_text(s.values[i]) if i < len(s.values) else "" for s in series])
    return Table(
        table_id=f"p{page}t{n_before + 1}", page=page, pages=[page], rows=rows, bbox=bbox, method="pptx", source="chart"
    )


def _number_text(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else str(value)


def _mark_repeated_furniture(pages: list[Page]) -> None:
    """Text boxes repeated at the foot or head of most slides are furniture, not content.

    Decks often type the department name and the date into plain text boxes on the master's
    copy instead of using footer placeholders, so placeholders alone do not catch them.
    """
    if len(pages) < 3:
        return
    edge_texts: Counter[str] = Counter()
    for page in pages:
        edge_texts.update({b.text for b in page.blocks if b.role == "body" and _at_edge(b, page)})
    repeated = {text for text, n in edge_texts.items() if n >= max(3, len(pages) // 2)}
    for page in pages:
        for block in page.blocks:
            if block.role == "body" and block.text in repeated and _at_edge(block, page):
                block.role = "furniture"


def _at_edge(block: Block, page: Page) -> bool:
    if block.bbox is None or not page.height:
        return False
    return block.bbox[1] > page.height * 0.85 or block.bbox[3] < page.height * 0.12
