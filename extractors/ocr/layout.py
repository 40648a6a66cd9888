"""The geometry of a page image: greyscale, whether it holds text, orientation and skew, the
turns applied and how boxes map back to the page, and which lines are its title.

A page is turned only when that pays: a skew larger than settings.always_deskew_deg, or a
smaller one (above settings.min_skew_deg) on a page with rules, which must lie level to be
found; a page left tilted is read as it is, and table rows are then found on levelled word
positions (extractors.ocr.tables). Every turn is kept, so a box found on the turned image
maps back to the page as it was given (PointMapper).

This module reads no text: tesseract is extractors.ocr.engine's, words are corrected in
extractors.ocr.correct.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import median

import numpy as np
from PIL import Image

from extractors.ocr.correct import BULLET, DASHES
from extractors.ocr.settings import OcrSettings
from extractors.ocr.tables import Word, find_rules, ink_mask

LineKey = tuple[int, int, int]


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


@dataclass(frozen=True)
class Turn:
    """A rotation applied to the page (Pillow sense, expand=True), to map boxes back."""

    angle: float
    size_before: tuple[int, int]
    size_after: tuple[int, int]

    def back(self, x: float, y: float) -> tuple[float, float]:
        t = math.radians(self.angle)
        dx, dy = x - self.size_after[0] / 2, y - self.size_after[1] / 2
        return (self.size_before[0] / 2 + dx * math.cos(t) - dy * math.sin(t),
                self.size_before[1] / 2 + dx * math.sin(t) + dy * math.cos(t))


def turn(image: Image.Image, angle: float) -> tuple[Image.Image, Turn]:
    """The image turned by `angle` degrees (Pillow sense), and the Turn that maps boxes back."""
    exact = {90: Image.Transpose.ROTATE_90, 180: Image.Transpose.ROTATE_180, 270: Image.Transpose.ROTATE_270}
    key = int(round(angle)) % 360
    if abs(angle - round(angle)) < 1e-9 and key in exact:
        out = image.transpose(exact[key])
    else:
        # Corners filled with the paper's own shade: white wedges on grey paper are edges
        # tesseract spends time on.
        paper = int(np.percentile(np.asarray(image)[::8, ::8], 90))
        out = image.rotate(angle, resample=Image.Resampling.BILINEAR, expand=True, fillcolor=paper)
    return out, Turn(angle, image.size, out.size)


def deskew(image: Image.Image, dpi: int, settings: OcrSettings) -> tuple[Image.Image, Turn | None, float]:
    """The page levelled when that pays (see the module docstring): (image, the Turn applied
    or None, and the slope dy/dx its text lines keep when it is left tilted)."""
    angle = _skew_angle(np.asarray(image), settings.max_skew_deg)
    if abs(angle) >= settings.min_skew_deg and (abs(angle) >= settings.always_deskew_deg
                                                or _has_rules(image, angle, dpi, settings)):
        level, applied = turn(image, angle)
        return level, applied, 0.0
    # Left tilted: text lines run at dy/dx = tan(angle) in image pixels (y down).
    return image, None, math.tan(math.radians(angle))


def _skew_angle(grey: np.ndarray, max_skew: float) -> float:
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

    coarse = np.arange(-max_skew, max_skew + 1e-9, 0.5)
    best = max(coarse, key=sharpness)
    fine = np.arange(best - 0.5, best + 0.5 + 1e-9, 0.05)
    best = float(max(fine, key=sharpness))
    if sharpness(best) < 1.02 * sharpness(0.0):
        return 0.0
    # A profile sheared by +a matches text that Pillow must rotate by -a to level.
    return -best


def _has_rules(image: Image.Image, angle: float, dpi: int, settings: OcrSettings) -> bool:
    """Whether the page, levelled, shows ruling lines or filled bars (a table), judged on a
    small copy. Only then is a slightly tilted page turned: tesseract reads tilted text as
    well, and the turned copy costs it 10–15% more time."""
    factor = max(1, max(image.size) // 1200)
    small = image.reduce(factor) if factor > 1 else image
    level, _ = turn(small, angle)
    rules = find_rules(np.asarray(level), max(50, dpi // factor), settings.tables)
    return len(rules.horizontal) >= 2 or bool(rules.bars)


class PointMapper:
    """Maps a box in the OCR'd image back through the turns and enlargement to page points."""

    def __init__(self, turns: list[Turn], scale: float, sx: float, sy: float, size_pt: tuple[float, float]) -> None:
        self.turns, self.scale, self.sx, self.sy, self.size_pt = turns, scale, sx, sy, size_pt

    def __call__(self, left: float, top: float, right: float, bottom: float) -> tuple[float, float, float, float]:
        corners = [(left, top), (right, top), (left, bottom), (right, bottom)]
        for applied in reversed(self.turns):
            corners = [applied.back(x, y) for x, y in corners]
        xs = [min(max(x / self.scale * self.sx, 0.0), self.size_pt[0]) for x, _ in corners]
        ys = [min(max(y / self.scale * self.sy, 0.0), self.size_pt[1]) for _, y in corners]
        return (round(min(xs), 2), round(min(ys), 2), round(max(xs), 2), round(max(ys), 2))


def line_height(line: list[Word]) -> float:
    """The line's text height: the median word height, dashes and bullets left out."""
    heights = [w.height for w in line if w.text not in DASHES and not BULLET.match(w.text + " ")]
    return median(heights) if heights else median(w.height for w in line)


def title_lines(lines: dict[LineKey, list[Word]], image_height: int, settings: OcrSettings) -> set[LineKey]:
    """The title, as the PDF reader finds it from font sizes: the tallest line in the top half
    when clearly taller than the page's typical line (settings.title_height_ratio), with the
    lines next to it in reading order that are about as tall (a title wrapped over two lines;
    tesseract may put each line in a block of its own)."""
    keys = list(lines)
    heights = [line_height(lines[k]) for k in keys]
    if len(keys) < 2:
        return set()
    typical = median(heights)
    top_half = [i for i, k in enumerate(keys) if min(w.top for w in lines[k]) < image_height / 2]
    if not top_half:
        return set()
    tallest = max(top_half, key=heights.__getitem__)
    # Descenders make one title line taller than the next (`prosjektorganisering`): 0.6, not 0.9.
    floor = max(0.6 * heights[tallest], settings.title_height_ratio * typical)
    if heights[tallest] < settings.title_height_ratio * typical:
        return set()
    first = last = tallest
    while first > 0 and heights[first - 1] >= floor:
        first -= 1
    while last + 1 < len(keys) and heights[last + 1] >= floor:
        last += 1
    return set(keys[first:last + 1])
