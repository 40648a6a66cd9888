"""One page image OCR'd into a models.Page with the same blocks the text-layer readers produce,
and the tables found on it.

The steps, in order: greyscale; a dark background inverted; a low-resolution picture
enlarged; the skew measured and corrected when that pays (extractors.ocr.layout); ruling
lines erased and dark bars turned light (extractors.ocr.tables); tesseract reads words with
boxes and confidences (extractors.ocr.engine). When the words look wrong (low confidence),
OSD decides whether the page is upside down or on its side and the page is read again
turned. Tables are found from the rules and from words aligned in columns; table cells that
hold ink but got no word (a lone `x`), or words tesseract was unsure of, are read again
together in one extra call.

Words become one Block per line in tesseract's reading order (a table's rows, row by row, as
the PDF reader gives them), with the bbox mapped back to the page as it was given (points),
the mean word confidence, the raw OCR line, and the line corrected (extractors.ocr.correct,
with the Lexicon of the settings' known words and place names).

Every threshold is a field of OcrSettings (extractors.ocr.settings). This module must not
import Prefect, the KB or the recognisers, and must not render a page twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import mean

import numpy as np
from PIL import Image

from extractors.lang.lexicon import Lexicon, lexicon
from extractors.ocr.correct import cell_texts, line_text, spaced_percents, without_bars
from extractors.ocr.engine import Tesseract
from extractors.ocr.flatten import flatten_page
from extractors.ocr.layout import (
    LineKey,
    PointMapper,
    Turn,
    deskew,
    line_height,
    title_lines,
    to_greyscale,
    turn,
)
from extractors.ocr.marks import unread_ink
from extractors.ocr.settings import DEFAULT_SETTINGS, OcrSettings
from extractors.ocr.tables import (
    CellGrid,
    Word,
    clean_for_ocr,
    find_rules,
    ink_mask,
    lift_fill,
    ruled_tables,
    unruled_tables,
)
from models import Block, Page, Table


def corrector(settings: OcrSettings) -> Lexicon:
    """The Lexicon OCR text is corrected with: the word lists, and the settings' known words
    and place names (built once per process and set of words)."""
    return lexicon(settings.known_words, settings.place_names)


def ocr_image(image: Image.Image, page_number: int, settings: OcrSettings = DEFAULT_SETTINGS,
              page_size_pt: tuple[float, float] | None = None) -> tuple[Page, list[Table]]:
    """OCR one page image into a Page (method "ocr") and the tables found on it.

    `page_size_pt` is the size the image stands for (a PDF page, a picture on a slide): boxes
    are given in those points, from the image's top-left corner. Without it the image is taken
    as `settings.dpi`. Raises ReadError("timeout") when the page runs over its time budget.
    """
    tesseract = Tesseract(settings.lang, page_number, settings.page_timeout_s)
    grey = to_greyscale(image)
    width_px, height_px = grey.size
    if page_size_pt is None:
        page_size_pt = (width_px * 72 / settings.dpi, height_px * 72 / settings.dpi)
    dpi = max(50, round(width_px * 72 / page_size_pt[0])) if page_size_pt[0] > 0 else settings.dpi
    flat = flatten_page(grey, dpi, settings.invert_below)  # a photographed sheet cut out and levelled, its light evened
    grey, dpi, first_turns = flat.image, flat.dpi, [flat.warp] if flat.warp else []
    scale = 1.0
    if not first_turns and dpi < settings.upscale_below_dpi and max(grey.size) < settings.upscale_max_px:
        scale = 2.0
        grey = grey.resize((width_px * 2, height_px * 2), Image.Resampling.LANCZOS)
        dpi *= 2
    reading = _read_turned(grey, first_turns, dpi, settings, tesseract)
    if reading.words and reading.confidence < settings.osd_below_confidence:
        rotation = tesseract.rotation(reading.clean, dpi, settings.min_osd_confidence)
        if rotation:
            upright, applied = turn(grey, rotation)
            again = _read_turned(upright, first_turns + [applied], dpi, settings, tesseract)
            if again.confidence > reading.confidence:
                reading = again
    grids = reading.rules_tables
    # Ink by the page's threshold: a cell's own threshold would split a shaded band in two.
    ink = ink_mask(reading.clean)
    lone = _read_lone_marks(reading, grids, ink, dpi, settings, tesseract)
    in_ruled = {id(w) for g in grids for r in g.rows for c in r for w in c}
    grids = grids + unruled_tables([w for w in reading.words if id(w) not in in_ruled], dpi, reading.slope,
                                   settings.tables)
    _read_cells_again(reading, grids, ink, dpi, settings, tesseract)
    # A lone mark without a digit is a tick in a table's cell; elsewhere it may be a bullet or a speck.
    in_tables = {id(w) for g in grids for r in g.rows for c in r for w in c}
    reading.words[:] = [w for w in reading.words if id(w) not in lone or id(w) in in_tables]
    to_points = PointMapper(reading.turns, scale, page_size_pt[0] / width_px, page_size_pt[1] / height_px,
                            page_size_pt)
    lex = corrector(settings)
    found = [_OcrTable.of(g, lex, settings) for g in grids]
    tables = [t.table(page_number, k, to_points) for k, t in enumerate(found, start=1)]
    blocks = _blocks(reading.words, found, to_points, lex, reading.clean.shape[0], settings)
    page = Page(number=page_number, kind="page", width=page_size_pt[0], height=page_size_pt[1], blocks=blocks,
                method="ocr", confidence=round(reading.confidence / 100, 4) if reading.words else None)
    return page, tables


@dataclass
class _Reading:
    """One orientation of the page as read: words, ruled tables, the image tesseract saw."""

    words: list[Word]
    rules_tables: list[CellGrid]
    turns: list[Turn]
    clean: np.ndarray
    slope: float

    @property
    def confidence(self) -> float:
        return mean(w.conf for w in self.words) if self.words else 0.0


def _read_turned(base: Image.Image, turns: list[Turn], dpi: int, settings: OcrSettings,
                 tesseract: Tesseract) -> _Reading:
    """Deskew, find and erase rules, lift the shading of cells, and OCR one orientation of the page."""
    image, applied, slope = deskew(base, dpi, settings)
    if applied is not None:
        turns = turns + [applied]
    arr = np.asarray(image)
    rules = find_rules(arr, dpi, settings.tables)
    clean = lift_fill(clean_for_ocr(arr, rules) if rules.mask.any() or rules.bars else arr, dpi, rules.shaded,
                      settings.tables)
    words = spaced_percents(without_bars(tesseract.words(clean, dpi, psm=3), settings), clean, settings)
    return _Reading(words, ruled_tables(rules, words, dpi, settings.tables), turns, clean, slope)


def _read_cells_again(reading: _Reading, grids: list[CellGrid], ink: np.ndarray, dpi: int, settings: OcrSettings,
                      tesseract: Tesseract) -> None:
    """Read again, all in one tesseract call, the table cells that hold ink but got no words,
    and those whose words tesseract was unsure of.

    Page segmentation drops short lone marks (`x`, `3`) in a narrow cell as noise, and misreads
    digits on a shaded band; a lone `x` read as one of settings.mark_misreads (`på`) is read
    again too. The cells are cut out and read on a strip (`_read_on_strip`); each word found
    goes back to its cell. A cell that had words keeps them unless the new reading is surer,
    or they were such a misread.
    """
    again = [(grid, cell) for grid in grids
             for cell in grid.cells_to_read_again(settings.reread_cell_below_confidence, settings.mark_misreads)]
    if not again:
        return
    margin = max(2, int(dpi * settings.cell_margin_in))
    boxes, cells = [], []
    for grid, (r, c, (x0, top, x1, bottom)) in again:
        box = (max(x0 + margin, 0), max(top + margin, 0), x1 - margin, bottom - margin)
        crop = ink[box[1]:box[3], box[0]:box[2]]
        if crop.size and crop.mean() >= settings.min_cell_ink:
            boxes.append(box)
            cells.append((grid, r, c))
    found = _read_on_strip(reading.clean, boxes, dpi, settings.min_cell_word_confidence, settings, tesseract)
    for (grid, r, c), new in zip(cells, found):
        old = grid.rows[r][c]
        misread = " ".join(w.text for w in old).lower() in settings.mark_misreads
        if not new or (old and not misread and mean(w.conf for w in new) <= mean(w.conf for w in old)):
            continue
        new = [Word(w.text, w.conf, w.left, w.top, w.right, w.bottom, (-1, r, c)) for w in new]
        dropped = {id(w) for w in old}
        reading.words[:] = [w for w in reading.words if id(w) not in dropped]
        grid.rows[r][c] = new
        reading.words.extend(new)


def _has_digit(words: list[Word]) -> bool:
    return any(ch.isdigit() for w in words for ch in w.text)


def _read_lone_marks(reading: _Reading, grids: list[CellGrid], ink: np.ndarray, dpi: int, settings: OcrSettings,
                     tesseract: Tesseract) -> set[int]:
    """Read on their own the marks of ink no word covers outside the ruled tables
    (extractors.ocr.marks): a lone page number, a lone `x` in a table without rules, which page
    segmentation drops as noise. Each mark read surely enough becomes a line of its own among
    the page's words, before tables without rules are looked for (a row whose ticks were
    dropped looks like a line of text). A mark is kept when it holds a digit, or reads as a
    tick (settings.marks, or one of its misreads): anything else is as often a bullet, a speck
    or a copier's shadow (`Ni`) as a word. Returns the ids of the ticks, which are kept only
    where they fall in a table's cell."""
    boxes = unread_ink(ink, reading.words, [g.bbox for g in grids], dpi, settings)
    found = _read_on_strip(reading.clean, boxes, dpi, settings.min_mark_confidence, settings, tesseract)
    lone: set[int] = set()
    ticks = settings.marks | settings.mark_misreads
    for k, words in enumerate(found):
        marks = [Word(w.text, w.conf, w.left, w.top, w.right, w.bottom, (-2, k, 0)) for w in words]
        if not _has_digit(marks):
            # A bullet read as `e` or `*` beside a line of text would make the line look like a table's row.
            if " ".join(w.text for w in marks).lower() not in ticks:
                continue
            lone.update(id(w) for w in marks)
        reading.words.extend(marks)
    return lone


def _read_on_strip(image: np.ndarray, boxes: list[tuple[int, int, int, int]], dpi: int, min_confidence: float,
                   settings: OcrSettings, tesseract: Tesseract) -> list[list[Word]]:
    """The words in each box (x0, top, x1, bottom) of the image, read in one tesseract call.

    The boxes are cut out, each to its ink and a margin, set on white, enlarged
    settings.strip_scale times and stacked on one strip, one below the other, which tesseract
    reads as lines: a lone small `x`, read where it stands, comes out as `x`, `X` or `Xx`
    and unsure; enlarged, it is read as a letter. Words are given in page coordinates; those
    less sure than `min_confidence` are left out."""
    k = settings.strip_scale
    margin = max(2, int(dpi * settings.cell_margin_in))
    pieces = []
    for x0, top, x1, bottom in boxes:
        crop = image[max(top, 0):max(bottom, 0), max(x0, 0):max(x1, 0)]
        dark = np.nonzero(crop < (float(np.median(crop)) + float(crop.min())) / 2) if crop.size else ((), ())
        if not len(dark[0]):
            pieces.append(None)
            continue
        t, l = max(int(dark[0].min()) - margin, 0), max(int(dark[1].min()) - margin, 0)
        crop = crop[t:int(dark[0].max()) + margin + 1, l:int(dark[1].max()) + margin + 1]
        # Each piece on white: a shaded band, pasted as it is, reads as a black bar.
        background = max(float(np.median(crop)), 1.0)
        flat = Image.fromarray(np.clip(crop.astype(np.float32) * (255.0 / background), 0, 255).astype(np.uint8))
        pieces.append((max(x0, 0) + l, max(top, 0) + t, np.asarray(flat.resize((flat.width * k, flat.height * k),
                                                                                  Image.Resampling.LANCZOS))))
    shown = [p for p in pieces if p is not None]
    if not shown:
        return [[] for _ in boxes]
    gap = max(10, int(dpi * settings.cell_gap_in)) * k
    strip = np.full((sum(p[2].shape[0] + gap for p in shown) + gap, max(p[2].shape[1] for p in shown) + 2 * gap),
                    255, dtype=np.uint8)
    spans = []
    y = gap
    for x0, top, crop in shown:
        strip[y:y + crop.shape[0], gap:gap + crop.shape[1]] = crop
        spans.append((y, y + crop.shape[0], x0, top))
        y += crop.shape[0] + gap
    found: list[list[Word]] = [[] for _ in shown]
    for w in without_bars(tesseract.words(strip, dpi * k, psm=6), settings):
        if w.conf < min_confidence:
            continue
        for n, (start, end, x0, top) in enumerate(spans):
            if start <= w.cy < end:
                found[n].append(Word(w.text, w.conf, x0 + (w.left - gap) / k, top + (w.top - start) / k,
                                     x0 + (w.right - gap) / k, top + (w.bottom - start) / k, w.line_key))
                break
    read = iter(found)
    return [next(read) if p is not None else [] for p in pieces]


@dataclass
class _OcrTable:
    """A table found on the page, with each cell's raw and corrected text."""

    grid: CellGrid
    raw: list[list[str]]
    text: list[list[str]]

    @classmethod
    def of(cls, grid: CellGrid, lex: Lexicon, settings: OcrSettings) -> _OcrTable:
        return cls(grid, *cell_texts(grid.rows, lex, settings))

    def table(self, page_number: int, k: int, to_points: PointMapper) -> Table:
        confs = [w.conf for row in self.grid.rows for cell in row for w in cell]
        return Table(table_id=f"p{page_number}ocr{k}", page=page_number, pages=[page_number], rows=self.text,
                     bbox=to_points(*self.grid.bbox), method="ocr",
                     confidence=round(mean(confs) / 100, 4) if confs else None)

    def row_blocks(self, to_points: PointMapper) -> list[Block]:
        """One table-cell Block per row, cells left to right: the order the PDF reader's lines
        have, where tesseract would read a ruled table column by column."""
        blocks = []
        for cells, raw, text in zip(self.grid.rows, self.raw, self.text):
            words = [w for cell in cells for w in cell]
            if not words:
                continue
            box = to_points(min(w.left for w in words), min(w.top for w in words),
                            max(w.right for w in words), max(w.bottom for w in words))
            blocks.append(Block(text=" ".join(t for t in text if t), role="table-cell", bbox=box, method="ocr",
                                confidence=round(mean(w.conf for w in words) / 100, 4),
                                raw_text=" ".join(r for r in raw if r)))
        return blocks


def _blocks(words: list[Word], tables: list[_OcrTable], to_points: PointMapper, lex: Lexicon,
            image_height: int, settings: OcrSettings) -> list[Block]:
    """One Block per tesseract line in tesseract's reading order (block, paragraph, line); a
    table's rows stand where its first line stood."""
    table_of = {id(w): k for k, t in enumerate(tables) for row in t.grid.rows for cell in row for w in cell}
    lines: dict[LineKey, list[Word]] = {}
    for w in words:
        lines.setdefault(w.line_key, []).append(w)
    text_lines: dict[LineKey, list[Word]] = {}
    # Reading order: a table's row blocks, or the key of a text line made into a Block below.
    slots: list[Block | LineKey] = []
    placed: set[int] = set()
    for key, line in lines.items():
        in_table = [table_of[id(w)] for w in line if id(w) in table_of]
        if 2 * len(in_table) >= len(line):
            # Words of a table line that fell in no cell are rule debris (`_`, `|`, `—`).
            k = max(set(in_table), key=in_table.count)
            if k not in placed:
                placed.add(k)
                slots.extend(tables[k].row_blocks(to_points))
            continue
        line = [w for w in line if id(w) not in table_of]
        if line:
            text_lines[key] = line
            slots.append(key)
    titles = title_lines(text_lines, image_height, settings)
    blocks: list[Block] = []
    for slot in slots:
        if isinstance(slot, Block):
            blocks.append(slot)
            continue
        line = text_lines[slot]
        raw, text = line_text(line, line_height(line), lex, settings)
        x0, top = min(w.left for w in line), min(w.top for w in line)
        x1, bottom = max(w.right for w in line), max(w.bottom for w in line)
        blocks.append(Block(text=text, role="title" if slot in titles else "body", bbox=to_points(x0, top, x1, bottom),
                            method="ocr", confidence=round(mean(w.conf for w in line) / 100, 4), raw_text=raw))
    blocks = [b for b in blocks if b.text]
    for k, table in enumerate(tables):
        if k not in placed:
            blocks.extend(table.row_blocks(to_points))
    return blocks
