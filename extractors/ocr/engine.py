"""OCR reader: page images → models.Page with the same blocks the text-layer readers produce.

Used for PDF pages without a usable text layer, image files and pictures in slides. A page is
rendered once (pypdfium2, greyscale), a dark background is inverted, a low-resolution
picture enlarged, the skew measured and corrected, ruling lines erased and dark bars turned
light (extractors.ocr.tables), then tesseract (`nor+eng`) reads words with boxes and
confidences. When the words look wrong (low confidence), OSD decides whether the page is
upside down or on its side and the page is read again turned. Table cells that hold ink but
got no word (a lone `x`) are read again together in one extra call.

Words become one Block per line in tesseract's reading order (a table's rows, row by row, as
the PDF reader gives them), with the bbox mapped back to the page as it was given (points),
the mean word confidence, the raw OCR line, and the line with æ/ø/å restored
(extractors.lang.lexicon).

Speed (shared STACK_NOTES): tesseract runs with one OpenMP thread per process and pages run
in parallel, one tesseract subprocess per worker thread; images reach tesseract as PGM files
(PNG encoding alone costs 0.18 s a page); each page has a time budget, and a page that runs
over it becomes an error for that page only.

This module must not import Prefect or the KB, and must not render a page twice.
"""

from __future__ import annotations

import math
import os
import re
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from statistics import mean, median

import numpy as np
import pypdfium2 as pdfium
import pytesseract
from PIL import Image

from models.errors import INTERNAL_MESSAGE, ReadError, describe
from extractors.gazetteer.gazetteer import load_gazetteer
from extractors.lang.lexicon import Lexicon, lexicon
from extractors.ocr.tables import (CellGrid, Word, clean_for_ocr, find_rules, ink_mask, nonzero_runs, ruled_tables,
                                   unruled_tables)
from extractors.ocr.flatten import flatten_page
from extractors.readers.pdfium_text import render
from extractors.readers.text_layer import TextLayer, layer_fault
from extractors.lang.text import clean_line
from extractors.recognisers.themes import surface_words
from models import Block, Fault, Page, Table

# Below this mean word confidence (0–100) the page may be upside down or on its side: ask OSD.
_OSD_BELOW_CONFIDENCE = 60.0
_MIN_OSD_CONFIDENCE = 1.0
# Skew: searched within ±_MAX_SKEW degrees; corrected when larger than _ALWAYS_DESKEW, or
# larger than _MIN_SKEW on a page with rules (which must lie level to be found).
_MAX_SKEW = 6.0
_MIN_SKEW = 0.15
_ALWAYS_DESKEW = 2.0
# Pictures of low resolution (screenshots) are enlarged 2×: tesseract wants text 20+ px tall.
_UPSCALE_BELOW_DPI = 150
_UPSCALE_MAX_PX = 3000
# A table cell with no OCR word is read again when this share of it is ink (not just noise).
_MIN_CELL_INK = 0.002
_MIN_CELL_WORD_CONFIDENCE = 50.0
# A page's title: a line in the top half this much taller than the page's typical line (a
# 14-point heading over 11-point text measures 1.24 in OCR word heights).
_TITLE_HEIGHT_RATIO = 1.2
# What tesseract makes of a bullet (•) at the start of a line.
_BULLET = re.compile(r"^(?:[*¢«°·©®]|e(?= [A-ZÆØÅ]))(?= )")
# Lone dashes, told apart by width relative to the line's text height: a hyphen is about a
# third of an em wide, an en dash half, and a line of accented capitals (`Å`, `Ø`) stands up
# to 1.15 em tall, so the two part at 0.40.
_DASHES = frozenset({"-", "–", "—"})
_EN_DASH_WIDTH = 0.40
_EM_DASH_WIDTH = 0.95
_BARS = frozenset("|¦")
# A number with its per cent sign read as one word, and the blank (share of the word's
# height) between them that means a space was printed.
_PERCENT = re.compile(r"^(\d+(?:[.,]\d+)?)%$")
_PERCENT_SPACE = 0.4
# Table cells: below this confidence a word of one or two characters is noise; a column is
# a tick column when this share of its filled cells hold one of the marks.
_SPECK_CONFIDENCE = 45
_MARKS = frozenset({"x", "✓", "✔", "v"})
_MARK_MISREADS = frozenset({"på", "pa", "xx", "x.", "×"})
_MARK_COLUMN_SHARE = 0.6


@dataclass(frozen=True)
class OcrSettings:
    """How pages are OCR'd; `extra_words` count as known words for the æ/ø/å post-correction,
    beside the word lists, theme terms and place names always known."""

    dpi: int = 300
    lang: str = "nor+eng"
    page_timeout_s: float = 120
    workers: int = 2
    extra_words: frozenset[str] = frozenset()


DEFAULT_SETTINGS = OcrSettings()


def ocr_lexicon(settings: OcrSettings) -> Lexicon:
    """The corrector: the word lists, the theme terms and the caller's words, and the
    gazetteer's place names."""
    return lexicon(settings.extra_words | surface_words(), load_gazetteer().place_names())


PageResult = tuple[Page, list[Table]] | Fault


# ---------------------------------------------------------------------------- when to OCR


def needs_ocr(layer: TextLayer) -> bool:
    """Whether a PDF page is OCR'd: when its text layer is missing, too thin for the page, or
    shows a fault (extractors.readers.text_layer), never because of the language it is in."""
    return layer_fault(layer) is not None


def image_has_text(image: Image.Image) -> bool:
    """A cheap test (a few ms) whether a picture holds text worth OCR: skips icons, photos and
    plain logos. Text is thin dark strokes on a flat background, in lines with blank rows
    between them; a photo is continuous tones and broad blobs."""
    if min(image.size) < 24 or image.width * image.height < 10_000:
        return False
    grey = to_greyscale(image)
    grey.thumbnail((800, 800))
    arr = np.asarray(grey)
    ink = ink_mask(arr)
    if ink.mean() > 0.5:
        ink = ~ink
    share = float(ink.mean())
    if not 0.003 <= share <= 0.35:
        return False
    hist = np.bincount((arr >> 2).ravel(), minlength=64)
    flat = float(np.sort(hist)[-3:].sum() / arr.size)
    row_ink = ink.mean(axis=1)
    blank_rows = float((row_ink < 0.002).mean())
    # Horizontal runs of ink, row by row: strokes of letters are short, filled shapes long.
    # The median ignores the few long runs of a screenshot's selection bar or title bar.
    edges = np.diff(np.pad(ink, ((0, 0), (1, 1))).astype(np.int8), axis=1)
    starts, ends = np.nonzero(edges == 1)[1], np.nonzero(edges == -1)[1]
    stroke = float(np.median(ends - starts)) if len(starts) else 0.0
    return 0 < stroke <= max(3.0, 0.012 * max(arr.shape)) and (flat >= 0.45 or blank_rows >= 0.15)


# ---------------------------------------------------------------------------- images


def to_greyscale(image: Image.Image) -> Image.Image:
    """An 8-bit greyscale copy; transparent areas become white (not black, as a plain
    convert("L") of a transparent screenshot would make them)."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("L")
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        arr = np.asarray(image, dtype=np.float64)
        top = arr.max() or 1.0
        return Image.fromarray((arr * (255.0 / top)).astype(np.uint8), "L")
    return image.convert("L") if image.mode != "L" else image.copy()


def _skew_angle(grey: np.ndarray) -> float:
    """The rotation (degrees, Pillow's sense) that makes the text lines horizontal.

    Projection profile: for each trial angle the ink pixels are sheared onto rows; text lines
    lying level give the sharpest profile (largest sum of squared row counts).
    """
    step = max(1, max(grey.shape) // 1200)
    small = grey[::step, ::step]
    ink = ink_mask(small)
    if ink.mean() > 0.5:
        ink = ~ink
    ys, xs = np.nonzero(ink)
    if len(ys) < 200:
        return 0.0
    if len(ys) > 150_000:
        pick = np.random.default_rng(0).choice(len(ys), 150_000, replace=False)
        ys, xs = ys[pick], xs[pick]
    xs = xs - small.shape[1] / 2

    def sharpness(angle: float) -> float:
        rows = np.round(ys + xs * math.tan(math.radians(angle))).astype(np.int64)
        rows -= rows.min()
        counts = np.bincount(rows).astype(np.float64)
        return float((counts * counts).sum())

    coarse = np.arange(-_MAX_SKEW, _MAX_SKEW + 1e-9, 0.5)
    best = max(coarse, key=sharpness)
    fine = np.arange(best - 0.5, best + 0.5 + 1e-9, 0.05)
    best = float(max(fine, key=sharpness))
    if sharpness(best) < 1.02 * sharpness(0.0):
        return 0.0
    # A profile sheared by +a matches text that Pillow must rotate by -a to level.
    return -best


def _has_rules(image: Image.Image, angle: float, dpi: int) -> bool:
    """Whether the page, levelled, shows ruling lines or filled bars (a table), judged on a
    small copy. Only then is a slightly tilted page turned: tesseract reads tilted text as
    well, and the turned copy costs it 10–15% more time; rules must lie level to be found."""
    factor = max(1, max(image.size) // 1200)
    small = image.reduce(factor) if factor > 1 else image
    level, _ = _turn(small, angle)
    rules = find_rules(np.asarray(level), max(50, dpi // factor))
    return len(rules.horizontal) >= 2 or bool(rules.bars)


@dataclass(frozen=True)
class _Turn:
    """A rotation applied to the page (Pillow sense, expand=True), to map boxes back."""

    angle: float
    size_before: tuple[int, int]
    size_after: tuple[int, int]

    def back(self, x: float, y: float) -> tuple[float, float]:
        t = math.radians(self.angle)
        dx, dy = x - self.size_after[0] / 2, y - self.size_after[1] / 2
        return (self.size_before[0] / 2 + dx * math.cos(t) - dy * math.sin(t),
                self.size_before[1] / 2 + dx * math.sin(t) + dy * math.cos(t))


def _turn(image: Image.Image, angle: float) -> tuple[Image.Image, _Turn]:
    exact = {90: Image.Transpose.ROTATE_90, 180: Image.Transpose.ROTATE_180, 270: Image.Transpose.ROTATE_270}
    key = int(round(angle)) % 360
    if abs(angle - round(angle)) < 1e-9 and key in exact:
        out = image.transpose(exact[key])
    else:
        # Corners filled with the paper's own shade: white wedges on grey paper are edges
        # tesseract spends time on.
        paper = int(np.percentile(np.asarray(image)[::8, ::8], 90))
        out = image.rotate(angle, resample=Image.Resampling.BILINEAR, expand=True, fillcolor=paper)
    return out, _Turn(angle, image.size, out.size)


# ---------------------------------------------------------------------------- tesseract


def _tesseract_env() -> None:
    # pytesseract passes os.environ to tesseract; more than one OpenMP thread per process
    # thrashes on two cores (STACK_NOTES: 99 s instead of 17 s for three pages).
    os.environ["OMP_THREAD_LIMIT"] = "1"


def _timeout(page_number: int, budget: float) -> ReadError:
    return ReadError("timeout", f"OCR of page {page_number} took longer than {budget:g} s; the page was skipped")


def _remaining(deadline: float, page_number: int, budget: float) -> float:
    left = deadline - time.monotonic()
    if left < 0.5:
        raise _timeout(page_number, budget)
    return left


def _run(call: Callable[..., object], *args: object, page_number: int, deadline: float, budget: float,
         **kwargs: object) -> object:
    """A pytesseract call within the page's time budget; a timeout becomes ReadError('timeout')."""
    try:
        return call(*args, timeout=_remaining(deadline, page_number, budget), **kwargs)
    except RuntimeError as exc:
        if "timeout" in str(exc).lower():
            raise _timeout(page_number, budget) from exc
        raise


def _read_words(pgm: str, lang: str, dpi: int, run: Callable[..., object], psm: int) -> list[Word]:
    data = run(pytesseract.image_to_data, pgm, lang=lang, config=f"--psm {psm} --dpi {dpi}",
               output_type=pytesseract.Output.DICT)
    words = []
    for i, text in enumerate(data["text"]):
        text = (text or "").strip()
        conf = float(data["conf"][i])
        if data["level"][i] != 5 or not text or conf < 0:
            continue
        left, top = float(data["left"][i]), float(data["top"][i])
        words.append(Word(text, conf, left, top, left + data["width"][i], top + data["height"][i],
                          (data["block_num"][i], data["par_num"][i], data["line_num"][i])))
    return _without_bars(words)


def _without_bars(words: list[Word]) -> list[Word]:
    """Words without the `|` tesseract makes of what is left of a rule, but with the `|` it
    makes of a lone `i` in a title's large type (`Hvor er vi | programmet?`) read as `i`.

    Such a bar stands between two words of its line, in type clearly larger than the page's
    own, and stops at the baseline; a printed `|` (a menu, a column rule) reaches below it.
    """
    if not words:
        return words
    typical = median(w.height for w in words)
    kept = []
    for k, word in enumerate(words):
        if not set(word.text) <= _BARS:
            kept.append(word)
            continue
        before = words[k - 1] if k > 0 else None
        after = words[k + 1] if k + 1 < len(words) else None
        if (before is None or after is None or len(word.text) != 1
                or not before.line_key == word.line_key == after.line_key
                or set(before.text) <= _BARS or set(after.text) <= _BARS):
            continue
        neighbours = min(before.height, after.height)
        large_type = neighbours >= _TITLE_HEIGHT_RATIO * typical
        on_baseline = word.bottom <= min(before.bottom, after.bottom) + 0.08 * word.height
        if large_type and on_baseline and word.height <= 1.2 * max(before.height, after.height):
            kept.append(Word("i", word.conf, word.left, word.top, word.right, word.bottom, word.line_key))
    return kept


def _spaced_percents(words: list[Word], image: np.ndarray) -> list[Word]:
    """`33 %` as printed: tesseract drops the space between a number and its per cent sign
    (Norwegian sets one), and the gap on the page tells whether there was one. Between the
    last digit and the `%` a space leaves about 0.55 of the word's height blank, letter
    spacing alone 0.1–0.25."""
    out = []
    for word in words:
        match = _PERCENT.match(word.text)
        if match and word.height > 0:
            crop = image[int(word.top):int(word.bottom) + 1, int(word.left):int(word.right) + 1].astype(np.int16)
            if crop.size:
                columns = (crop < (int(crop.max()) + int(crop.min())) / 2).any(axis=0)
                runs = nonzero_runs(columns.astype(np.int32))
                if len(runs) >= 2 and runs[-1][0] - runs[-2][1] >= _PERCENT_SPACE * word.height:
                    word = Word(f"{match.group(1)} %", word.conf, word.left, word.top, word.right, word.bottom,
                                word.line_key)
        out.append(word)
    return out


def _osd_rotation(pgm: str, dpi: int, run: Callable[..., object]) -> int:
    """Degrees (Pillow sense) to turn the page upright according to OSD; 0 when OSD cannot tell
    (sparse pages make tesseract refuse: 'Too few characters')."""
    try:
        osd = run(pytesseract.image_to_osd, pgm, config=f"--psm 0 --dpi {dpi}",
                  output_type=pytesseract.Output.DICT)
    except pytesseract.TesseractError:
        return 0
    if float(osd.get("orientation_conf", 0)) < _MIN_OSD_CONFIDENCE:
        return 0
    # OSD's "rotate" is clockwise; Pillow turns counter-clockwise.
    return (-int(osd.get("rotate", 0))) % 360


@dataclass
class _Reading:
    """One orientation of the page as read: words, ruled tables, the image tesseract saw."""

    words: list[Word]
    rules_tables: list[CellGrid]
    turns: list[_Turn]
    clean: np.ndarray
    pgm: str
    slope: float

    @property
    def confidence(self) -> float:
        return mean(w.conf for w in self.words) if self.words else 0.0


def _read_turned(base: Image.Image, turns: list[_Turn], dpi: int, settings: OcrSettings, workdir: str,
                 run: Callable[..., object]) -> _Reading:
    """Deskew, find and erase rules, and OCR one orientation of the page."""
    image = base
    angle = _skew_angle(np.asarray(image))
    slope = 0.0
    if abs(angle) >= _MIN_SKEW and (abs(angle) >= _ALWAYS_DESKEW or _has_rules(image, angle, dpi)):
        image, turn = _turn(image, angle)
        turns = turns + [turn]
    else:
        # Left tilted: text lines run at dy/dx = tan(angle) in image pixels (y down).
        slope = math.tan(math.radians(angle))
    arr = np.asarray(image)
    rules = find_rules(arr, dpi)
    clean = clean_for_ocr(arr, rules) if rules.mask.any() or rules.bars else arr
    pgm = os.path.join(workdir, f"page{len(turns)}.pgm")
    Image.fromarray(clean, "L").save(pgm, format="PPM")
    words = _spaced_percents(_read_words(pgm, settings.lang, dpi, run, psm=3), clean)
    return _Reading(words, ruled_tables(rules, words, dpi), turns, clean, pgm, slope)


def _read_empty_cells(reading: _Reading, grids: list[CellGrid], dpi: int, settings: OcrSettings, workdir: str,
                      run: Callable[..., object]) -> None:
    """Read again the table cells that hold ink but got no words, all in one tesseract call.

    Page segmentation drops short lone marks (`x`, `3`) in a narrow cell as noise. The cells
    are cut out and stacked on one strip, one below the other, which tesseract reads as lines;
    each word found goes back to its cell in page coordinates.
    """
    empty = [(grid, cell) for grid in grids for cell in grid.empty_cells()]
    if not empty:
        return
    # Ink by the page's threshold: a cell's own threshold would split a shaded band in two.
    ink = ink_mask(reading.clean)
    margin = max(2, int(dpi * 0.02))
    gap = max(10, int(dpi * 0.1))
    pieces: list[tuple[CellGrid, int, int, int, int, np.ndarray]] = []
    for grid, (r, c, (x0, top, x1, bottom)) in empty:
        box = (slice(max(top + margin, 0), bottom - margin), slice(max(x0 + margin, 0), x1 - margin))
        if reading.clean[box].size and ink[box].mean() >= _MIN_CELL_INK:
            pieces.append((grid, r, c, box[1].start, box[0].start, reading.clean[box]))
    if not pieces:
        return
    width = max(p[5].shape[1] for p in pieces) + 2 * gap
    height = sum(p[5].shape[0] + gap for p in pieces) + gap
    strip = np.full((height, width), 255, dtype=np.uint8)
    spans = []
    y = gap
    for grid, r, c, x0, top, crop in pieces:
        # Each cell on white: a shaded band, pasted as it is, reads as a black bar.
        background = max(float(np.median(crop)), 1.0)
        flat = np.clip(crop.astype(np.float32) * (255.0 / background), 0, 255).astype(np.uint8)
        strip[y:y + crop.shape[0], gap:gap + crop.shape[1]] = flat
        spans.append((y, y + crop.shape[0], grid, r, c, x0 - gap, top - y))
        y += crop.shape[0] + gap
    path = os.path.join(workdir, "cells.pgm")
    Image.fromarray(strip, "L").save(path, format="PPM")
    for w in _read_words(path, settings.lang, dpi, run, psm=6):
        if w.conf < _MIN_CELL_WORD_CONFIDENCE:
            continue
        for start, end, grid, r, c, dx, dy in spans:
            if start <= w.cy < end:
                moved = Word(w.text, w.conf, w.left + dx, w.top + dy, w.right + dx, w.bottom + dy, (-1, r, c))
                grid.rows[r][c].append(moved)
                reading.words.append(moved)
                break


# ---------------------------------------------------------------------------- one page


def ocr_image(image: Image.Image, page_number: int, settings: OcrSettings = DEFAULT_SETTINGS,
              page_size_pt: tuple[float, float] | None = None) -> tuple[Page, list[Table]]:
    """OCR one page image into a Page (method "ocr") and the tables found on it.

    `page_size_pt` is the size the image stands for (a PDF page, a picture on a slide): boxes
    are given in those points, from the image's top-left corner. Without it the image is taken
    as `settings.dpi`. Raises ReadError("timeout") when the page runs over its time budget.
    """
    _tesseract_env()
    budget = settings.page_timeout_s
    deadline = time.monotonic() + budget

    def run(call: Callable[..., object], *args: object, **kwargs: object) -> object:
        return _run(call, *args, page_number=page_number, deadline=deadline, budget=budget, **kwargs)

    grey = to_greyscale(image)
    width_px, height_px = grey.size
    if page_size_pt is None:
        page_size_pt = (width_px * 72 / settings.dpi, height_px * 72 / settings.dpi)
    dpi = max(50, round(width_px * 72 / page_size_pt[0])) if page_size_pt[0] > 0 else settings.dpi
    flat = flatten_page(grey, dpi)  # a photographed sheet cut out and levelled, its light evened
    grey, dpi, first_turns = flat.image, flat.dpi, [flat.warp] if flat.warp else []
    scale = 1.0
    if not first_turns and dpi < _UPSCALE_BELOW_DPI and max(grey.size) < _UPSCALE_MAX_PX:
        scale = 2.0
        grey = grey.resize((width_px * 2, height_px * 2), Image.Resampling.LANCZOS)
        dpi *= 2
    with tempfile.TemporaryDirectory(prefix="saman-ocr-") as workdir:
        reading = _read_turned(grey, first_turns, dpi, settings, workdir, run)
        if reading.words and reading.confidence < _OSD_BELOW_CONFIDENCE:
            rotation = _osd_rotation(reading.pgm, dpi, run)
            if rotation:
                upright, turn = _turn(grey, rotation)
                again = _read_turned(upright, first_turns + [turn], dpi, settings, workdir, run)
                if again.confidence > reading.confidence:
                    reading = again
        grids = reading.rules_tables
        in_ruled = {id(w) for g in grids for r in g.rows for c in r for w in c}
        grids = grids + unruled_tables([w for w in reading.words if id(w) not in in_ruled], dpi, reading.slope)
        _read_empty_cells(reading, grids, dpi, settings, workdir, run)
    to_points = _PointMapper(reading.turns, scale, page_size_pt[0] / width_px, page_size_pt[1] / height_px,
                             page_size_pt)
    lex = ocr_lexicon(settings)
    found = [_OcrTable.of(g, lex) for g in grids]
    tables = [t.table(page_number, k, to_points) for k, t in enumerate(found, start=1)]
    blocks = _blocks(reading.words, found, to_points, lex, reading.clean.shape[0])
    page = Page(number=page_number, kind="page", width=page_size_pt[0], height=page_size_pt[1], blocks=blocks,
                method="ocr", confidence=round(reading.confidence / 100, 4) if reading.words else None)
    return page, tables


class _PointMapper:
    """Maps a box in the OCR'd image back through the turns and enlargement to page points."""

    def __init__(self, turns: list[_Turn], scale: float, sx: float, sy: float, size_pt: tuple[float, float]) -> None:
        self.turns, self.scale, self.sx, self.sy, self.size_pt = turns, scale, sx, sy, size_pt

    def __call__(self, left: float, top: float, right: float, bottom: float) -> tuple[float, float, float, float]:
        corners = [(left, top), (right, top), (left, bottom), (right, bottom)]
        for turn in reversed(self.turns):
            corners = [turn.back(x, y) for x, y in corners]
        xs = [min(max(x / self.scale * self.sx, 0.0), self.size_pt[0]) for x, _ in corners]
        ys = [min(max(y / self.scale * self.sy, 0.0), self.size_pt[1]) for _, y in corners]
        return (round(min(xs), 2), round(min(ys), 2), round(max(xs), 2), round(max(ys), 2))


@dataclass
class _OcrTable:
    """A table found on the page, with each cell's raw and corrected text."""

    grid: CellGrid
    raw: list[list[str]]
    text: list[list[str]]

    @classmethod
    def of(cls, grid: CellGrid, lex: Lexicon) -> _OcrTable:
        raw = [[clean_line(" ".join(w.text for w in cell)) for cell in row] for row in grid.rows]
        kept = [[clean_line(" ".join(w.text for w in cell if not _speck(w))) for cell in row] for row in grid.rows]
        return cls(grid, raw, _mark_columns([[lex.correct_text(c) for c in row] for row in kept]))

    def table(self, page_number: int, k: int, to_points: _PointMapper) -> Table:
        confs = [w.conf for row in self.grid.rows for cell in row for w in cell]
        return Table(table_id=f"p{page_number}ocr{k}", page=page_number, pages=[page_number], rows=self.text,
                     bbox=to_points(*self.grid.bbox), method="ocr",
                     confidence=round(mean(confs) / 100, 4) if confs else None)

    def row_blocks(self, to_points: _PointMapper) -> list[Block]:
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


def _speck(word: Word) -> bool:
    """A word of a character or two, no digit in it, read with little confidence: a speck of
    noise or the rim of a shaded cell, not text (`oe` before a header). A short number in a
    shaded cell is often read with little confidence too, and is kept."""
    return len(word.text) <= 2 and word.conf < _SPECK_CONFIDENCE and not any(ch.isdigit() for ch in word.text)


def _mark_columns(rows: list[list[str]]) -> list[list[str]]:
    """Cells of a tick column read as the column's mark.

    In a column whose body cells are mostly one mark (`x`), tesseract, leaning on its
    Norwegian dictionary, reads a lone `x` on a shaded band as `på` or `Xx` now and then:
    those misreads become the mark. Anything else (`-`, `Nei`, a number in a `Sum` row) is
    an answer of its own and is left as read.
    """
    if len(rows) < 3:
        return rows
    out = [list(row) for row in rows]
    for c in range(len(rows[0])):
        cells = [row[c] for row in rows[1:] if row[c] and not any(ch.isdigit() for ch in row[c])]
        marks = Counter(t for t in cells if t.lower() in _MARKS)
        misread = sum(t.lower() in _MARK_MISREADS for t in cells)
        if sum(marks.values()) < 3 or sum(marks.values()) + misread < _MARK_COLUMN_SHARE * len(cells):
            continue
        mark = marks.most_common(1)[0][0]
        for row in out[1:]:
            text = row[c]
            if text.lower() in _MARK_MISREADS:
                row[c] = mark
    return out


def _line_height(line: list[Word]) -> float:
    """The line's text height: the median word height, dashes and bullets left out."""
    heights = [w.height for w in line if w.text not in _DASHES and not _BULLET.match(w.text + " ")]
    return median(heights) if heights else median(w.height for w in line)


def _dash(word: Word, line_height: float, first: bool) -> str:
    """A lone dash as printed: tesseract reads -, – and — alike. At the start of a line it is
    a bullet (–); elsewhere the width tells (a hyphen is about a third of the text height
    wide, an en dash half or more)."""
    if word.text not in _DASHES or not line_height:
        return word.text
    ratio = (word.right - word.left) / line_height
    if ratio >= _EM_DASH_WIDTH:
        return "—"
    return "–" if first or ratio >= _EN_DASH_WIDTH else "-"


def _title_lines(lines: dict[tuple[int, int, int], list[Word]], image_height: int) -> set[tuple[int, int, int]]:
    """The title, as the PDF reader finds it from font sizes: the tallest line in the top half
    when clearly taller than the page's typical line, with the lines next to it in reading
    order that are about as tall (a title wrapped over two lines; tesseract may put each line
    in a block of its own)."""
    keys = list(lines)
    heights = [_line_height(lines[k]) for k in keys]
    if len(keys) < 2:
        return set()
    typical = median(heights)
    top_half = [i for i, k in enumerate(keys) if min(w.top for w in lines[k]) < image_height / 2]
    if not top_half:
        return set()
    tallest = max(top_half, key=heights.__getitem__)
    # Descenders make one title line taller than the next (`prosjektorganisering`): 0.6, not 0.9.
    floor = max(0.6 * heights[tallest], _TITLE_HEIGHT_RATIO * typical)
    if heights[tallest] < _TITLE_HEIGHT_RATIO * typical:
        return set()
    first = last = tallest
    while first > 0 and heights[first - 1] >= floor:
        first -= 1
    while last + 1 < len(keys) and heights[last + 1] >= floor:
        last += 1
    return set(keys[first:last + 1])


def _blocks(words: list[Word], tables: list[_OcrTable], to_points: _PointMapper, lex: Lexicon,
            image_height: int) -> list[Block]:
    """One Block per tesseract line in tesseract's reading order (block, paragraph, line); a
    table's rows stand where its first line stood."""
    table_of = {id(w): k for k, t in enumerate(tables) for row in t.grid.rows for cell in row for w in cell}
    lines: dict[tuple[int, int, int], list[Word]] = {}
    for w in words:
        lines.setdefault(w.line_key, []).append(w)
    text_lines: dict[tuple[int, int, int], list[Word]] = {}
    # Reading order: a table's row blocks, or the key of a text line made into a Block below.
    slots: list[Block | tuple[int, int, int]] = []
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
    titles = _title_lines(text_lines, image_height)
    blocks: list[Block] = []
    for slot in slots:
        if isinstance(slot, Block):
            blocks.append(slot)
            continue
        line = text_lines[slot]
        height = _line_height(line)
        raw = clean_line(" ".join(w.text for w in line))
        shown = " ".join(_dash(w, height, first=n == 0) for n, w in enumerate(line))
        text = _BULLET.sub("•", lex.correct_text(clean_line(shown)))
        x0, top = min(w.left for w in line), min(w.top for w in line)
        x1, bottom = max(w.right for w in line), max(w.bottom for w in line)
        blocks.append(Block(text=text, role="title" if slot in titles else "body", bbox=to_points(x0, top, x1, bottom),
                            method="ocr", confidence=round(mean(w.conf for w in line) / 100, 4), raw_text=raw))
    blocks = [b for b in blocks if b.text]
    for k, table in enumerate(tables):
        if k not in placed:
            blocks.extend(table.row_blocks(to_points))
    return blocks


# ---------------------------------------------------------------------------- many pages


def _ocr_or_error(image: Image.Image, number: int, settings: OcrSettings,
                  size_pt: tuple[float, float] | None) -> PageResult:
    """The page read, or the Fault that costs this page only: a failure of OCR on one page
    never loses the document's other pages, nor the page's own text layer."""
    try:
        return ocr_image(image, number, settings, size_pt)
    except ReadError as exc:
        return Fault(page=number, kind=exc.kind, message=exc.message, detail=exc.detail)
    except MemoryError as exc:
        return Fault(page=number, kind="too_large", message=f"page {number} is too large to OCR within saman's memory limit",
                     detail=describe(exc))
    except (pytesseract.TesseractError, pytesseract.TesseractNotFoundError, OSError) as exc:
        return Fault(page=number, kind="ocr_failed", message=f"tesseract could not read page {number}; the page's text is missing",
                     detail=describe(exc))
    except Exception as exc:  # noqa: BLE001 — a fault of ours on one page costs that page
        return Fault(page=number, kind="internal", message=f"page {number}: {INTERNAL_MESSAGE}", detail=describe(exc))


def ocr_images(pages: Iterable[tuple[int, Image.Image, tuple[float, float] | None]],
               settings: OcrSettings = DEFAULT_SETTINGS) -> dict[int, PageResult]:
    """OCR many page images in parallel (settings.workers tesseract processes at a time).

    `pages` is consumed lazily, and never more than workers + 1 images are held at once, so a
    generator that renders pages keeps memory flat on a long scan.
    """
    ocr_lexicon(settings)  # built once here, not by each worker thread
    results: dict[int, PageResult] = {}
    pending: dict[Future[PageResult], int] = {}

    def collect(done: Iterable[Future[PageResult]]) -> None:
        for future in done:
            results[pending.pop(future)] = future.result()

    with ThreadPoolExecutor(max_workers=max(1, settings.workers)) as pool:
        for number, image, size_pt in pages:
            while len(pending) > settings.workers:
                collect(wait(pending, return_when=FIRST_COMPLETED)[0])
            pending[pool.submit(_ocr_or_error, image, number, settings, size_pt)] = number
        collect(wait(pending)[0])
    return dict(sorted(results.items()))


def ocr_pdf_pages(path: str, page_numbers: list[int], settings: OcrSettings = DEFAULT_SETTINGS, *,
                  tables: list[Table] | None = None, drawings: Collection[int] = ()) -> dict[int, Page | Fault]:
    """OCR the given 1-based pages of a PDF: a Page per page, or a Fault for a page that
    could not be read. A page among `drawings` (its ink is all drawn: no pictures, no text)
    is OCR'd only when its drawing shows text (letters as outlines), not rules, shapes or a
    chart alone; else it is left out of the result, as read.

    Each page is rendered once, greyscale at settings.dpi, in this thread (pdfium is not
    thread-safe) while earlier pages are OCR'd. Tables found on the pages are appended to
    `tables` when the caller passes a list.
    """
    scale = settings.dpi / 72
    failed: dict[int, PageResult] = {}

    def rendered() -> Iterator[tuple[int, Image.Image, tuple[float, float]]]:
        try:
            pdf = pdfium.PdfDocument(path)
        except pdfium.PdfiumError as exc:
            for number in page_numbers:
                failed[number] = _render_fault(number, exc)
            return
        try:
            for number in page_numbers:
                try:
                    page = pdf[number - 1]
                    size_pt = page.get_size()
                    image = render(page, scale, grayscale=True)
                    page.close()
                except (pdfium.PdfiumError, IndexError) as exc:
                    failed[number] = _render_fault(number, exc)
                    continue
                if image is None:
                    failed[number] = Fault(page=number, kind="too_large", message=f"page {number} is too large to draw "
                                           "for OCR (a picture on it declares more pixels than any page holds); its text "
                                           "is missing")
                    continue
                if number in drawings and not image_has_text(image):
                    continue
                yield number, image, size_pt
        finally:
            pdf.close()

    results = {**ocr_images(rendered(), settings), **failed}
    out: dict[int, Page | Fault] = {}
    for number in sorted(results):
        result = results[number]
        if not isinstance(result, Fault):
            page, page_tables = result
            out[number] = page
            if tables is not None:
                tables.extend(page_tables)
        else:
            out[number] = result
    return out



def _render_fault(number: int, exc: BaseException) -> Fault:
    return Fault(page=number, kind="corrupt", message=f"page {number} could not be drawn for OCR; it is probably damaged",
                 detail=describe(exc))
