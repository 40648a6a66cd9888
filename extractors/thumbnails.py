"""A small PNG picture of every page or slide, so a search hit can show where its words stand.

`thumbnails(source, doc)` returns {page number: PNG bytes}, each image `width` pixels wide (320
by default) and a few kilobytes in a 64-colour palette, for the Source the document was read
from (extractors.readers.base.open_source). The reader registry says how, by the kind sniffed:
- a kind with a renderer draws its pages from the file, through what the Source already holds
  open: PDFs (born digital or scanned) their pages through the reader's pdfium document,
  image files the picture (each frame of a multi-page TIFF), scaled down;
- slides (.pptx, and legacy decks LibreOffice converted): a drawing of the slide's own content
  from the Document: every text block in its bbox (titles bold, bullets indented by level),
  tables as grids with their cells, charts as bars. Rendering each deck through LibreOffice
  would cost seconds per file; the drawing costs milliseconds and shows the words researchers
  search for where the slide has them. Pictures and shapes without text are not drawn.
A PDF page pdfium cannot render, or must not (its pictures declare more pixels than any real
page holds: a decompression bomb; extractors.readers.pdfium_text bounds every drawing), is drawn from
its blocks the same way, so every page of a Document gets a picture; a page many times taller
than wide gives a picture MAX_ASPECT widths tall at most.

This module reads the file only to render it, never sniffs it again; it never runs OCR,
LibreOffice or anything of the KB, and it never raises for a page it cannot render: that page
is drawn from its blocks.
"""

from __future__ import annotations

import io
import math
import textwrap
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

from extractors.readers.registry import REGISTRY
from extractors.readers.source import Source
from models import Block, Document, Page, Table

WIDTH = 320
COLOURS = 64
# A picture is at most this many widths tall.
MAX_ASPECT = 8
# A page whose size the reader did not record is drawn as a 4:3 slide.
DEFAULT_PAGE_SIZE = (720.0, 540.0)
# Largest font per role, in points of the page; a box's text shrinks until it fits.
MAX_FONT_PT = {"title": 40.0, "body": 24.0, "table-cell": 14.0, "furniture": 10.0}
MIN_FONT_PX = 4
# A picture WIDTH wide holds no letter taller than this (a page a thousandth of a point wide
# would ask FreeType for letters millions of pixels tall).
MAX_FONT_PX = WIDTH // 2
INK = {"title": (24, 44, 92), "body": (40, 40, 40), "table-cell": (40, 40, 40), "furniture": (130, 130, 130)}
GRID = (150, 160, 175)
HEADER_FILL = (220, 228, 240)
BAR = (70, 110, 170)
BORDER = (200, 200, 200)
DRAWN_ROLES = ("title", "body", "furniture")


def thumbnails(source: Source, doc: Document, *, width: int = WIDTH) -> dict[int, bytes]:
    """One PNG per page of `doc`, keyed by page number, `width` pixels wide."""
    entry = REGISTRY.get(source.kind)
    render = entry.render if entry is not None else None
    numbers = [page.number for page in doc.pages]
    rendered = render(source, numbers, width, width * MAX_ASPECT) if render is not None else iter(())
    # Encoded as each page is rendered, so a long document never holds all its page images.
    pngs = {number: _png(_quantised(picture)) for number, picture in rendered}
    palettes: dict[frozenset[tuple[int, int, int]], Image.Image] = {}
    return {page.number: pngs.get(page.number) or _drawn_png(page, doc.tables, width, palettes) for page in doc.pages}


def _quantised(image: Image.Image) -> Image.Image:
    # Fast octree quantising without PNG's optimise pass: a seventh of the time of median cut
    # with optimise, and smaller files (3.7 against 4.1 KB on the corpus pages), looking alike.
    return image.convert("RGB").quantize(colors=COLOURS, method=Image.Quantize.FASTOCTREE)


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _drawn_png(page: Page, tables: list[Table], width: int,
               palettes: dict[frozenset[tuple[int, int, int]], Image.Image]) -> bytes:
    """A page drawn from its content, in the palette of the first page of its document drawn
    in the same colours: pages drawn alike share their shades, and mapping a picture onto a
    palette takes a fifth of the time of finding one (a 300-slide deck: 0.2 against 1.1 ms a
    slide, files 2 % larger, as close to the drawing)."""
    picture = draw_page(page, tables, width)
    colours = _drawn_colours(page, tables)
    if colours not in palettes:
        palettes[colours] = _quantised(picture)
        return _png(palettes[colours])
    return _png(picture.quantize(palette=palettes[colours], dither=Image.Dither.NONE))


# -- drawing a page from its content ----------------------------------------------------------


@lru_cache(maxsize=64)
def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    try:
        return ImageFont.truetype(name, size)
    except OSError:
        return ImageFont.load_default(size)


def draw_page(page: Page, tables: list[Table], width: int = WIDTH) -> Image.Image:
    """The page's text blocks, tables and charts drawn where the reader found them."""
    page_w, page_h = (page.width, page.height) if page.width and page.height else DEFAULT_PAGE_SIZE
    scale = width / page_w
    # A page many times taller than wide (a till roll, a broken MediaBox) is drawn to a height
    # of MAX_ASPECT widths: the top of it, not an image of millions of pixels.
    image = Image.new("RGB", (width, max(1, min(round(page_h * scale), width * MAX_ASPECT))), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, image.width - 1, image.height - 1), outline=BORDER)
    on_page = [t for t in tables if t.page == page.number and t.bbox]
    for table in on_page:
        box = _scaled(table.bbox, scale)
        if table.source == "chart":
            _draw_chart(draw, table.rows, box)
        else:
            _draw_table(draw, table.rows, box, scale)
    # Table cells are drawn from the tables above, which know their rows and columns.
    drawn = [b for b in page.blocks if b.role in DRAWN_ROLES and b.text.strip()]
    if not any(b.bbox for b in drawn):
        _draw_flowing(draw, drawn, image.size, scale)
        return image
    for bbox, shape in _shapes(drawn):
        _draw_shape(draw, shape, _scaled(bbox, scale), scale)
    return image


def _drawn_colours(page: Page, tables: list[Table]) -> frozenset[tuple[int, int, int]]:
    """The colours draw_page draws the page in (its shades are blends of them with the white page)."""
    colours = {BORDER}
    for table in tables:
        if table.page == page.number and table.bbox:
            colours |= {BAR, INK["body"]} if table.source == "chart" else {GRID, HEADER_FILL, INK["table-cell"]}
    colours |= {INK.get(b.role, INK["body"]) for b in page.blocks if b.role in DRAWN_ROLES and b.text.strip()}
    return frozenset(colours)


def _scaled(bbox: tuple[float, float, float, float], scale: float) -> tuple[float, float, float, float]:
    return tuple(v * scale for v in bbox)  # type: ignore[return-value]


def _shapes(blocks: list[Block]) -> list[tuple[tuple[float, float, float, float], list[Block]]]:
    """Runs of blocks sharing one bbox: the paragraphs of one text box on a slide."""
    shapes: list[tuple[tuple[float, float, float, float], list[Block]]] = []
    for block in blocks:
        if block.bbox is None:
            continue
        if shapes and shapes[-1][0] == block.bbox:
            shapes[-1][1].append(block)
        else:
            shapes.append((block.bbox, [block]))
    return shapes


def _wrap(text: str, font: ImageFont.FreeTypeFont | ImageFont.ImageFont, max_width: float) -> list[str]:
    """Greedy word wrap measured in pixels; a word longer than the line is left to be clipped."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        words = paragraph.split()
        start = 0
        while start < len(words):
            end = _line_end(words, start, font, max_width)
            lines.append(" ".join(words[start:end]))
            start = end
        if not words:
            lines.append("")
    return lines


def _line_end(words: list[str], start: int, font: ImageFont.FreeTypeFont | ImageFont.ImageFont, max_width: float) -> int:
    """The end of the line greedy wrapping gives from words[start]: the longest run that fits
    (at least one word), since a longer run of words is never narrower.

    Measuring every trial line exactly (kerning, shaping) was half the cost of drawing a slide;
    here the end is guessed from advances measured once per character and font, and exact
    measures only confirm it: two for a line, however many words it holds.
    """
    def fits(end: int) -> bool:
        return _length(font, " ".join(words[start:end])) <= max_width

    space = _length(font, " ")
    width, end = -space, start
    while end < len(words):
        width += space + sum(_length(font, c) for c in words[end])
        if end > start and width > max_width:
            break
        end += 1
    while end > start + 1 and not fits(end):
        end -= 1
    while end < len(words) and fits(end + 1):
        end += 1
    return end


def _text(draw: ImageDraw.ImageDraw, xy: tuple[float, float], text: str, font: ImageFont.FreeTypeFont | ImageFont.ImageFont,
          fill: tuple[int, int, int]) -> None:
    """draw.text(xy, text, fill, font), with each line's rendering kept for the next slide that
    draws it at the same fraction of a pixel: footers, labels and headings repeat on every slide,
    and rendering was the largest part of drawing one. The mask and its placement are those
    ImageDraw.text makes (tests/test_thumbnails.py compares the two)."""
    if not text:
        return
    if not isinstance(font, ImageFont.FreeTypeFont) or "\n" in text or draw.fontmode != "L":
        draw.text(xy, text, fill=fill, font=font)
        return
    x, y = xy
    mask, (dx, dy) = _line_mask(font, text, (math.modf(x)[0], math.modf(y)[0]))
    draw.draw.draw_bitmap((int(x) + dx, int(y) + dy), mask, draw.draw.draw_ink(fill))


@lru_cache(maxsize=1024)
def _line_mask(font: ImageFont.FreeTypeFont, text: str, start: tuple[float, float]) -> tuple[object, tuple[int, int]]:
    return font.getmask2(text, "L", anchor="la", start=start)


def _bulleted(shape: list[Block]) -> bool:
    """A text box of several body paragraphs is a bullet list; a lone label is not."""
    return len(shape) > 1 and any(b.role == "body" for b in shape)


def _layout(shape: list[Block], box_w: float, size: int) -> list[tuple[Block, str, int, float]]:
    """(block, line, font size, indent) for every wrapped line of the shape at this size."""
    out = []
    bullets = _bulleted(shape)
    for block in shape:
        block_size = max(MIN_FONT_PX, round(size * (0.85 ** block.level)))
        indent = block.level * block_size * 1.5 + (block_size if bullets and block.role == "body" else 0)
        font = _font(block_size, block.role == "title")
        for line in _wrap(block.text, font, max(1.0, box_w - indent)):
            out.append((block, line, block_size, indent))
    return out


def _draw_shape(draw: ImageDraw.ImageDraw, shape: list[Block], box: tuple[float, float, float, float], scale: float) -> None:
    x0, top, x1, bottom = box
    box_w, box_h = x1 - x0, bottom - top
    role = shape[0].role
    size = max(MIN_FONT_PX, min(MAX_FONT_PX, round(MAX_FONT_PT.get(role, 18.0) * scale)))
    if len(shape) == 1 and role != "title":
        # A line of a PDF or an OCR'd page: its box is as tall as its text.
        size = max(MIN_FONT_PX, min(size, round(box_h * 0.8)))
    lines = _layout(shape, box_w, size)
    while size > MIN_FONT_PX and sum(s * 1.2 for _, _, s, _ in lines) > max(box_h, size * 1.2):
        size -= 1
        lines = _layout(shape, box_w, size)
    y = top
    bullets = _bulleted(shape)
    previous: Block | None = None
    for block, line, block_size, indent in lines:
        if y + block_size > draw.im.size[1]:
            break
        colour = INK.get(block.role, INK["body"])
        font = _font(block_size, block.role == "title")
        if bullets and block.role == "body" and block is not previous:
            bullet_r = max(1.0, block_size / 6)
            cx, cy = x0 + indent - block_size * 0.6, y + block_size * 0.55
            draw.ellipse((cx - bullet_r, cy - bullet_r, cx + bullet_r, cy + bullet_r), fill=colour)
        _text(draw, (x0 + indent, y), line, font, colour)
        y += block_size * 1.2
        previous = block


def _draw_flowing(draw: ImageDraw.ImageDraw, blocks: list[Block], size: tuple[int, int], scale: float) -> None:
    """Blocks without boxes, one under another from the top left."""
    if blocks:
        margin = size[0] * 0.06
        _draw_shape(draw, blocks, (margin, margin, size[0] - margin, size[1] - margin), scale)


def _draw_table(draw: ImageDraw.ImageDraw, rows: list[list[str]], box: tuple[float, float, float, float], scale: float) -> None:
    if not rows:
        return
    x0, top, x1, bottom = box
    cells = [[" ".join(cell.split()) for cell in row] for row in rows]
    cell_h = (bottom - top) / len(rows)
    size = max(MIN_FONT_PX, min(MAX_FONT_PX, round(MAX_FONT_PT["table-cell"] * scale), round(cell_h * 0.7)))
    size, lefts = _columns(cells, x0, x1, size)
    draw.rectangle((x0, top, x1, top + cell_h), fill=HEADER_FILL)
    for r, row in enumerate(cells):
        y = top + r * cell_h
        draw.line((x0, y, x1, y), fill=GRID)
        font = _font(size, r == 0)
        for c, cell in enumerate(row):
            text = _fitted(cell, font, lefts[c + 1] - lefts[c] - 4)
            _text(draw, (lefts[c] + 2, y + (cell_h - size) / 2), text, font, INK["table-cell"])
    draw.line((x0, bottom, x1, bottom), fill=GRID)
    for x in lefts:
        draw.line((x, top, x, bottom), fill=GRID)


def _columns(cells: list[list[str]], x0: float, x1: float, size: int) -> tuple[int, list[float]]:
    """A font size at which every column's longest cell fits (or the smallest), and the column
    edges, each column as wide as its longest cell asks, as a slide's table is laid out."""
    n_cols = max(len(r) for r in cells) or 1
    while True:
        needed = [4.0] * n_cols
        for r, row in enumerate(cells):
            font = _font(size, r == 0)
            for c, cell in enumerate(row):
                needed[c] = max(needed[c], _length(font, cell) + 6)
        if sum(needed) <= x1 - x0 or size <= MIN_FONT_PX:
            break
        size -= 1
    edges = [x0]
    for width in needed:
        edges.append(edges[-1] + (x1 - x0) * width / sum(needed))
    return size, edges


def _fitted(text: str, font: ImageFont.FreeTypeFont | ImageFont.ImageFont, max_width: float) -> str:
    """The text, cut with an ellipsis where it would run out of its cell."""
    if _length(font, text) <= max_width:
        return text
    tried = text
    for n in range(len(text), 0, -1):
        cut = textwrap.shorten(text, n, placeholder="…") if " " in text else text[:n] + "…"
        if cut != tried and _length(font, cut) <= max_width:  # words cut: a shorter n often cuts the same
            return cut
        tried = cut
    return ""


@lru_cache(maxsize=8192)
def _length(font: ImageFont.FreeTypeFont | ImageFont.ImageFont, text: str) -> float:
    """font.getlength(text), kept: a deck's tables and labels come back on slide after slide,
    measured at every font size tried until they fit."""
    return font.getlength(text)


def _number(cell: str) -> float | None:
    try:
        return float(cell.replace("\u00a0", "").replace(" ", "").replace(",", ".").rstrip("%"))
    except ValueError:
        return None


def _draw_chart(draw: ImageDraw.ImageDraw, rows: list[list[str]], box: tuple[float, float, float, float]) -> None:
    """A chart read as a table (header row, then category and values): bars of its first series."""
    x0, top, x1, bottom = box
    bars = [(row[0], _number(row[1])) for row in rows[1:] if len(row) > 1 and _number(row[1]) is not None]
    if not bars:
        return
    biggest = max(v for _, v in bars) or 1.0
    row_h = (bottom - top) / len(bars)
    size = max(MIN_FONT_PX, min(12, round(row_h * 0.6)))
    font = _font(size)
    label_w = min((x1 - x0) * 0.4, max(_length(font, label) for label, _ in bars) + 4)
    for i, (label, value) in enumerate(bars):
        y = top + i * row_h
        _text(draw, (x0, y + (row_h - size) / 2), _fitted(label, font, label_w - 4), font, INK["body"])
        length = (x1 - x0 - label_w) * 0.9 * max(value, 0) / biggest
        draw.rectangle((x0 + label_w, y + row_h * 0.15, x0 + label_w + length, y + row_h * 0.85), fill=BAR)
