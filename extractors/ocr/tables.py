"""Tables on page images: ruling lines found with numpy, cells filled from OCR words.

A scanned table has no structure left, only its lines and its words. Ruled tables are found
from long horizontal and vertical runs of dark pixels (a vertical rule counts only when it
joins two horizontal ones, which no letter stroke does); dark filled bars (a shaded header
row) count by their edges. A slide table printed and scanned has no dark rule at all, only
shaded cells parted by thin light gaps: those gaps, and the edges where shading meets the
paper, count as its rules. Tables with horizontal rules only or without any rules get their
columns from the gaps that the words of every row leave free. Rules are
found before OCR so they can be erased from the image (tesseract reads a rule as `|` or `_`
and may merge a row into the next), and bars turned into dark text on white.

Everything here works in pixels of the page image and knows nothing of tesseract, PDF
points or text correction: extractors.ocr.page turns the result into models.Table. Its
thresholds are the fields of extractors.ocr.settings.TableSettings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from statistics import median

import numpy as np

from extractors.ocr.settings import TableSettings

DEFAULT_TABLES = TableSettings()

@dataclass(frozen=True)
class Word:
    """One OCR word in image pixels, with tesseract's line key (block, paragraph, line)."""

    text: str
    conf: float
    left: float
    top: float
    right: float
    bottom: float
    line_key: tuple[int, int, int] = (0, 0, 0)

    @property
    def cx(self) -> float:
        return (self.left + self.right) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def height(self) -> float:
        return self.bottom - self.top


@dataclass(frozen=True)
class Rule:
    """A ruling line: `pos` is its y (horizontal) or x (vertical); it runs from start to end
    and is `thickness` pixels thick (0 for the edge of a filled bar, which is not erased)."""

    pos: float
    start: float
    end: float
    thickness: float = 0.0

    def scaled(self, factor: int) -> Rule:
        return Rule(self.pos * factor, self.start * factor, self.end * factor, self.thickness * factor)


@dataclass
class Rules:
    """The ruling lines of a page, the pixel mask of the thin ones (to erase before OCR), the
    ink mask, dark filled bars (a table header or title bar with light text on it), and the
    extent (x0, top, x1, bottom) of the light gaps found between shaded cells."""

    horizontal: list[Rule]
    vertical: list[Rule]
    mask: np.ndarray
    ink: np.ndarray
    bars: list[tuple[int, int, int, int]]
    bar_edge: int = 0
    shaded: list[tuple[int, int, int, int]] = field(default_factory=list)


@dataclass
class CellGrid:
    """A table found on the image: rows of cells, each cell the words inside it, and the
    edges of its rows and columns (len(rows) + 1 and n_cols + 1 positions)."""

    bbox: tuple[float, float, float, float]
    rows: list[list[list[Word]]]
    row_edges: list[float]
    col_edges: list[float]
    # On a page left tilted, rows run at this slope (dy per dx) through x = `level_x`.
    slope: float = 0.0
    level_x: float = 0.0

    def cells_to_read_again(self, below_confidence: float,
                            doubtful: frozenset[str] = frozenset()) -> list[tuple[int, int, tuple[int, int, int, int]]]:
        """(row, column, box) of every cell no OCR word fell in, whose words' mean confidence
        is below `below_confidence`, or whose text is one of the `doubtful` (lower case), in
        image pixels."""
        cells = []
        for r, row in enumerate(self.rows):
            for c, cell in enumerate(row):
                if not cell or sum(w.conf for w in cell) / len(cell) < below_confidence \
                        or " ".join(w.text for w in cell).lower() in doubtful:
                    x0, x1 = self.col_edges[c], self.col_edges[c + 1]
                    dy = self.slope * ((x0 + x1) / 2 - self.level_x)
                    cells.append((r, c, (int(x0), int(self.row_edges[r] + dy), int(x1), int(self.row_edges[r + 1] + dy))))
        return cells


def ink_mask(grey: np.ndarray) -> np.ndarray:
    """Dark pixels, by Otsu's threshold on the histogram (kept within sane bounds)."""
    return grey <= ink_threshold(grey)


def rule_mask(grey: np.ndarray, threshold: int, settings: TableSettings) -> np.ndarray:
    """Pixels dark enough to be a thin rule: a copier's blur spreads a hairline into a grey
    that Otsu's `threshold`, set between the text's black and the paper, leaves out (a worn
    copy's evened page: rules at 166 on paper at 228, the threshold at 141), so a rule is
    looked for down to settings.rule_contrast of the way from the paper to that threshold.
    Shading is lighter still, and thick: a filled band is no rule (max_rule_thickness_in)."""
    paper = float(np.percentile(grey[::8, ::8], 90))
    return grey <= max(threshold, paper - settings.rule_contrast * (paper - threshold))


def ink_threshold(grey: np.ndarray) -> int:
    """Otsu's threshold on the histogram, kept within sane bounds; the histogram of every
    other pixel in each direction gives the same threshold at a quarter of the cost."""
    step = 2 if grey.size > 1_000_000 else 1
    hist = np.bincount(grey[::step, ::step].ravel(), minlength=256).astype(np.float64)
    total = hist.sum()
    levels = np.arange(256)
    w0 = np.cumsum(hist)
    w1 = total - w0
    m0 = np.cumsum(hist * levels)
    mean_all = m0[-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        between = (mean_all * w0 / total - m0) ** 2 / (w0 * w1)
    threshold = int(np.nanargmax(between)) if np.isfinite(between).any() else 128
    return min(max(threshold, 60), 200)


def _runs_mask(ink: np.ndarray, length: int, fill: float) -> np.ndarray:
    """Pixels that lie in a mostly-dark run of at least `length` along axis 1."""
    h, w = ink.shape
    if length >= w:
        return np.zeros_like(ink)
    sums = np.zeros((h, w + 1), dtype=np.int32)
    np.cumsum(ink, axis=1, dtype=np.int32, out=sums[:, 1:])
    full = (sums[:, length:] - sums[:, :-length]) >= int(length * fill)
    # Spread each full window back over the pixels it covers: pixel x is covered by the
    # windows starting in [x - length + 1, x], counted by differences of a padded cumsum.
    starts = np.zeros((h, w - length + 2), dtype=np.int32)
    np.cumsum(full, axis=1, dtype=np.int32, out=starts[:, 1:])
    padded = np.concatenate([np.zeros((h, length - 1), dtype=np.int32), starts,
                             np.repeat(starts[:, -1:], length - 1, axis=1)], axis=1)
    return ((padded[:, length:length + w] - padded[:, :w]) > 0) & ink


def nonzero_runs(counts: np.ndarray) -> list[tuple[int, int]]:
    """Consecutive indices with a non-zero count, as half-open (start, end) pairs."""
    on = np.concatenate(([0], (counts > 0).astype(np.int8), [0]))
    edges = np.flatnonzero(np.diff(on))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist()))


def _rules_along(mask: np.ndarray, max_thickness: int, gap: int, beside_strokes: bool = False) -> list[Rule]:
    """Thin rules from a run mask (lines along axis 1); thicker bands are filled areas, not
    rules (`_bars` deals with them). With `beside_strokes` (vertical rules, which count only
    where they join two horizontal ones) a band too thick is looked at stretch by stretch."""
    rules: list[Rule] = []
    for top, bottom in nonzero_runs(mask.sum(axis=1)):
        band = mask[top:bottom]
        for s, e in merged_segments(band.any(axis=0), gap):
            if bottom - top <= max_thickness:
                rules.append(Rule((top + bottom) / 2, float(s), float(e), float(bottom - top)))
                continue
            if not beside_strokes:
                continue
            # Positions are grouped over the whole page: a vertical rule beside the stems of
            # tall letters elsewhere down the page (on a soft photocopy read at 300 dpi) makes
            # a band too thick for a rule. Along each stretch of the band its thin lines are
            # rules. (Horizontal runs of bold letters would make false rules through words.)
            for t, b in nonzero_runs(band[:, s:e].sum(axis=1)):
                if b - t > max_thickness:
                    continue
                for s2, e2 in merged_segments(band[t:b, s:e].any(axis=0), gap):
                    rules.append(Rule(top + (t + b) / 2, float(s + s2), float(s + e2), float(b - t)))
    return rules


def merged_segments(cover: np.ndarray, gap: int) -> list[tuple[int, int]]:
    """Runs of True in `cover` (half-open), runs at most `gap` apart merged into one."""
    merged: list[list[int]] = []
    for s, e in nonzero_runs(cover.astype(np.int32)):
        if merged and s - merged[-1][1] <= gap:
            merged[-1][1] = e
        else:
            merged.append([s, e])
    return [(s, e) for s, e in merged]


def _bar_cell(dpi: float) -> int:
    return max(2, round(dpi / 40))


def _bars(ink: np.ndarray, dpi: float, settings: TableSettings) -> list[tuple[int, int, int, int]]:
    """Dark filled areas at least `settings.min_horizontal_rule_in` wide: (x0, top, x1, bottom) pixels.

    Found on cells of 1/40 inch that are mostly ink; black text on white never fills an inch
    of such cells in a row, a shaded header row or a slide's title bar does.
    """
    cell = _bar_cell(dpi)
    h, w = (ink.shape[0] // cell) * cell, (ink.shape[1] // cell) * cell
    dense = ink[:h, :w].reshape(h // cell, cell, w // cell, cell).mean(axis=(1, 3)) > settings.bar_density
    min_cells = max(2, int(dpi * settings.min_horizontal_rule_in) // cell)
    wide = _runs_mask(dense, min_cells, settings.rule_fill)
    bars: list[tuple[int, int, int, int]] = []
    for top, bottom in nonzero_runs(wide.sum(axis=1)):
        if bottom - top < 2:
            continue
        for s, e in merged_segments(wide[top:bottom].any(axis=0), 2):
            # A bar's line of large light letters leaves too little fill in its cells: the bar
            # is found as two, above and below the letters. Of the same extent and no more than
            # a line of such letters apart, they are one bar (else the letters stay on the fill).
            above = next((k for k, (x0, _t, x1, b) in enumerate(bars)
                          if abs(x0 - s * cell) <= 2 * cell and abs(x1 - e * cell) <= 2 * cell
                          and 0 <= top * cell - b <= settings.max_bar_split_in * dpi), None)
            if above is not None:
                x0, t, x1, _b = bars[above]
                bars[above] = (min(x0, s * cell), t, max(x1, e * cell), bottom * cell)
            else:
                bars.append((s * cell, top * cell, e * cell, bottom * cell))
    return bars


def find_rules(grey: np.ndarray, dpi: int, settings: TableSettings = DEFAULT_TABLES) -> Rules:
    """Horizontal rules (with the edges of filled bars), and the vertical rules that join at
    least two of them. Searched at half resolution when the page has 200 dpi or more: a rule
    stays a rule, and the search costs a quarter."""
    threshold = ink_threshold(grey)
    ink = grey <= threshold
    factor = 2 if dpi >= 200 else 1
    h, w = (ink.shape[0] // factor) * factor, (ink.shape[1] // factor) * factor
    small, faint = _halved(ink, factor, h, w), _halved(rule_mask(grey, threshold, settings), factor, h, w)
    sdpi = dpi / factor
    max_thickness = max(2, int(sdpi * settings.max_rule_thickness_in))
    tol = max(2, int(sdpi * settings.join_tolerance_in))
    min_h, min_v = int(sdpi * settings.min_horizontal_rule_in), int(sdpi * settings.min_vertical_rule_in)
    horizontal = [r for r in _rules_along(_runs_mask(small, min_h, settings.rule_fill), max_thickness, tol)
                  if not _through_letters(r, small, sdpi, settings)]
    # Hairlines a copier greyed: found in the fainter mask, with paper above and below them
    # (where the faint mask is dark on a side, it is shading or a shadow's ramp, not a line).
    horizontal += [r for r in _rules_along(_runs_mask(faint, min_h, settings.rule_fill), max_thickness, tol)
                   if not any(abs(r.pos - h.pos) <= 2 * tol and r.start < h.end and h.start < r.end for h in horizontal)
                   and _between_paper(r, faint, sdpi, settings) and not _through_letters(r, small, sdpi, settings)]
    bars = _bars(small, sdpi, settings)
    for x0, top, x1, bottom in bars:
        horizontal += [Rule(float(top), float(x0), float(x1)), Rule(float(bottom), float(x0), float(x1))]
    pooled = grey[:h, :w].reshape(h // factor, factor, w // factor, factor).mean(axis=(1, 3))
    (ridges_across, edges_across), (ridges_along, edges_along) = _separators(pooled, small, sdpi, settings)
    across = _rules_along(_runs_mask(ridges_across, min_h, settings.separator_fill), max_thickness, tol)
    along = _rules_along(_runs_mask(ridges_along.T, min_v, settings.separator_fill), max_thickness, tol)
    # Where shading meets paper is a table's edge only on a page with light gaps between
    # shaded cells: alone, it is the frame of a grey box or a photo.
    if across or along:
        across += _rules_along(_runs_mask(edges_across, min_h, settings.rule_fill), max_thickness, tol)
        along += _rules_along(_runs_mask(edges_along.T, min_v, settings.rule_fill), max_thickness, tol)
    # The soft fringe of a dark rule or bar is shading too: a separator beside one is its edge.
    horizontal += [Rule(r.pos, r.start, r.end) for r in across
                   if not any(abs(r.pos - h.pos) <= 2 * tol and r.start < h.end and h.start < r.end for h in horizontal)]
    vertical: list[Rule] = []
    if len(horizontal) >= 2:
        candidates = _rules_along(_runs_mask(small.T, min_v, settings.rule_fill), max_thickness, tol, True) + along
        # The dark gaps between light letters on a filled bar look like short vertical rules.
        vertical = [v for v in candidates
                    if len(_merge_positions([horizontal[i].pos for i in _touching(v, horizontal, tol)], tol)) >= 2
                    and not any(x0 <= v.pos <= x1 and v.start >= top - tol and v.end <= bottom + tol
                                for x0, top, x1, bottom in bars)]
    horizontal = [r.scaled(factor) for r in horizontal]
    vertical = [r.scaled(factor) for r in vertical]
    bars = [(x0 * factor, top * factor, x1 * factor, bottom * factor) for x0, top, x1, bottom in bars]
    gaps = [(r.start, r.pos, r.end, r.pos) for r in across] + [(r.pos, r.start, r.pos, r.end) for r in along]
    shaded = [(int(min(g[0] for g in gaps)) * factor, int(min(g[1] for g in gaps)) * factor,
               int(max(g[2] for g in gaps)) * factor, int(max(g[3] for g in gaps)) * factor)] if gaps else []
    return Rules(horizontal, vertical, _rule_pixels(grey.shape, horizontal, vertical, dpi, settings.fringe_in), ink, bars,
                 _bar_cell(sdpi) * factor, shaded)


def _between_paper(rule: Rule, faint: np.ndarray, dpi: float, settings: TableSettings) -> bool:
    """Whether a horizontal rule found in the faint mask has paper just above and below it
    along its length (at most settings.max_faint_beside_rule of either side dark)."""
    reach = int(rule.thickness / 2 + max(2, dpi * settings.letter_reach_in))
    s, e = int(rule.start), int(rule.end)
    above, below = int(rule.pos) - reach, int(rule.pos) + reach
    if above < 0 or below >= faint.shape[0] or e <= s:
        return False
    return max(faint[above, s:e].mean(), faint[below, s:e].mean()) <= settings.max_faint_beside_rule


def _halved(mask: np.ndarray, factor: int, h: int, w: int) -> np.ndarray:
    """`mask` at 1/`factor` of its resolution, a pixel set where any it stands for is."""
    small = mask[:h:factor, :w:factor].copy()
    for dy in range(factor):
        for dx in range(factor):
            small |= mask[dy:h:factor, dx:w:factor]
    return small


def _through_letters(rule: Rule, ink: np.ndarray, dpi: float, settings: TableSettings) -> bool:
    """Whether a thin dark run goes through a line of letters rather than being a rule: on a
    soft copy the letters of a line, shaded behind, blur into a dark band whose thinnest
    stretch is as long as a rule, with ink on both sides along most of its length, where a
    rule has a cell's padding on at least one side. (Erased as a rule, it took half of the
    line's letters with it.)"""
    reach = max(2, round(dpi * settings.letter_reach_in))
    half = max(rule.thickness, 1) / 2
    cols = slice(int(rule.start), int(rule.end))
    above = ink[max(int(rule.pos - half) - reach, 0):max(int(rule.pos - half), 0), cols]
    below = ink[int(rule.pos + half) + 1:int(rule.pos + half) + 1 + reach, cols]
    if not above.size or not below.size:
        return False
    return min(above.any(axis=0).mean(), below.any(axis=0).mean()) > settings.max_letters_beside_rule


def _separators(grey: np.ndarray, ink: np.ndarray, dpi: float, settings: TableSettings) -> tuple[tuple[np.ndarray, np.ndarray], ...]:
    """Where the shaded cells of a banded table meet: light lines between two fills (ridges),
    and the edges where a fill meets the paper. Returned as (ridges, edges) masks for lines
    running across (between rows), then for lines running down (between columns).

    Printed and scanned, a slide table's white cell borders blur into lines only 10-30 grey
    levels lighter than the shading around them, far above the ink threshold.
    """
    d = max(2, round(dpi * settings.separator_reach_in))
    if min(grey.shape) <= 2 * d + 2:  # a sliver of a picture: no room for a table
        nothing = np.zeros(grey.shape, dtype=bool)
        return (nothing, nothing), (nothing, nothing)
    g = grey.astype(np.float32)
    paper = float(np.percentile(g[::4, ::4], 90))
    # Shading, not ink: the light gap between two strokes is no separator, and the edges of
    # a dark rule or bar are the rule search's own.
    fill = (g < paper - settings.fill_below_paper) & ~ink
    light = g >= paper - settings.fill_below_paper * 0.75
    masks = []
    for axis in (0, 1):
        before, after = np.roll(g, d, axis=axis), np.roll(g, -d, axis=axis)
        # Lines are kept one pixel thin: the crest of a light ridge, the crossing of an edge.
        crest = (g >= np.roll(g, 1, axis=axis)) & (g >= np.roll(g, -1, axis=axis))
        ridge = (crest & (g - np.maximum(before, after) >= settings.separator_contrast)
                 & np.roll(fill, d, axis=axis) & np.roll(fill, -d, axis=axis))
        edge = ((light != np.roll(light, -1, axis=axis))
                & ((np.roll(fill, d, axis=axis) & np.roll(light, -d, axis=axis))
                   | (np.roll(light, d, axis=axis) & np.roll(fill, -d, axis=axis))))
        masks.append(tuple(_widened(m, axis, d) for m in (ridge, edge)))
    return masks[0], masks[1]


def _widened(mask: np.ndarray, axis: int, d: int) -> np.ndarray:
    """A one-pixel line mask widened by a pixel each side (a line left a little tilted wanders
    between neighbouring pixel rows; widened, it stays one unbroken run for the rule search),
    with the outermost `d` lines cleared: np.roll wrapped them round to the far side."""
    mask = mask | np.roll(mask, 1, axis=axis) | np.roll(mask, -1, axis=axis)
    if axis == 0:
        mask[:d], mask[-d:] = False, False
    else:
        mask[:, :d], mask[:, -d:] = False, False
    return mask


def _rule_pixels(shape: tuple[int, ...], horizontal: list[Rule], vertical: list[Rule], dpi: int, fringe_in: float) -> np.ndarray:
    """The thin rules' pixels, with a fringe: a blurred rule's soft edges are lighter than the
    ink threshold, yet tesseract still reads them as `_` or `—`."""
    mask = np.zeros(shape[:2], dtype=bool)
    fringe = max(1, int(dpi * fringe_in))
    for r in horizontal:
        if r.thickness:
            half = r.thickness / 2 + fringe
            mask[max(int(r.pos - half), 0):int(r.pos + half) + 1, int(r.start):int(r.end) + 1] = True
    for r in vertical:
        half = r.thickness / 2 + fringe
        mask[int(r.start):int(r.end) + 1, max(int(r.pos - half), 0):int(r.pos + half) + 1] = True
    return mask


def clean_for_ocr(grey: np.ndarray, rules: Rules) -> np.ndarray:
    """A copy of the page with the thin rules painted white and the filled bars turned into
    dark text on white (tesseract misses most light text on a dark fill)."""
    out = grey.copy()
    for x0, top, x1, bottom in rules.bars:
        area = out[top:bottom, x0:x1].astype(np.float32)
        # Inverted and stretched so the fill becomes white: the letters keep their soft edges.
        fill = min(float(np.median(area)), 254.0)
        out[top:bottom, x0:x1] = np.clip(255.0 * (255.0 - area) / (255.0 - fill), 0, 255).astype(np.uint8)
        # The bar was found on coarse cells, so up to a cell of its fill lies outside the box:
        # left dark, that rim would read as a frame glued to the first and last letters.
        edge = rules.bar_edge
        out[max(top - edge, 0):top, max(x0 - edge, 0):x1 + edge] = 255
        out[bottom:bottom + edge, max(x0 - edge, 0):x1 + edge] = 255
        out[top:bottom, max(x0 - edge, 0):x0] = 255
        out[top:bottom, x1:x1 + edge] = 255
    out[rules.mask] = 255
    return out


def lift_fill(grey: np.ndarray, dpi: int, areas: list[tuple[int, int, int, int]],
              settings: TableSettings = DEFAULT_TABLES) -> np.ndarray:
    """The page with the shading of table cells in `areas` (Rules.shaded: where the light gaps
    between shaded cells were found) lifted to paper, for tesseract to read (a new array;
    `grey` itself is returned when nothing there is shaded).

    tesseract binarises a page with one threshold: on a page whose banded rows are shaded a
    little darker than usual, that threshold falls between the shading and the paper, the
    shaded rows turn black, and a whole table's text is lost with them. The background round
    each pixel is the brightest grey within settings.fill_reach_in (further than a letter's
    stroke, nearer than a row's height), on cells of a quarter of that; where it is shading
    (at least settings.fill_below_paper darker than the paper) the page is divided by it, so
    letters keep their contrast to the fill they stand on. (A shadow along a margin is no
    table's shading: it has no light gaps in it, and is left as it is.) Rules are found before this:
    the light gaps between shaded cells are their separators."""
    reach = max(4, round(dpi * settings.fill_reach_in))
    cell = max(1, reach // 4)
    h, w = (grey.shape[0] // cell) * cell, (grey.shape[1] // cell) * cell
    if h == 0 or w == 0 or not areas:
        return grey
    # (Down each cell's rows first, over contiguous memory, then across: ten times faster.)
    light = grey[:h, :w].reshape(h // cell, cell, w).max(axis=1).reshape(h // cell, w // cell, cell).max(axis=2)
    light = light.astype(np.float32)
    for op in (np.maximum, np.minimum):  # a closing: the brightest around, its edges kept in place
        for axis in (0, 1):
            light = op.reduce([np.roll(light, k, axis=axis) for k in range(-2, 3)])
    paper = float(np.percentile(light, 90))
    shaded = (light < paper - settings.fill_below_paper) & (light > paper / 2)
    # The outer rows of a table may have a light gap on one side only: a row's height more.
    inside = np.zeros_like(shaded)
    pad = round(dpi * settings.fill_row_in / cell)
    for x0, top, x1, bottom in areas:
        inside[max(top // cell - pad, 0):bottom // cell + pad + 1, max(x0 // cell - pad, 0):x1 // cell + pad + 1] = True
    shaded &= inside
    if not shaded.any():
        return grey
    # Only the rows and columns that hold shading are touched; the gain in 1/256ths.
    rows, cols = np.flatnonzero(shaded.any(axis=1)), np.flatnonzero(shaded.any(axis=0))
    r0, r1, c0, c1 = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1
    gain = np.where(shaded[r0:r1, c0:c1], np.round(256 * paper / np.maximum(light[r0:r1, c0:c1], 1.0)), 256)
    gain = np.repeat(np.repeat(gain.astype(np.uint32), cell, axis=0), cell, axis=1)
    out = grey.copy()
    area = out[r0 * cell:r1 * cell, c0 * cell:c1 * cell]
    area[:] = np.minimum((area.astype(np.uint32) * gain) >> 8, 255)
    return out


def _touching(v: Rule, horizontal: list[Rule], tol: float) -> list[int]:
    return [
        i for i, h in enumerate(horizontal)
        if h.start - tol <= v.pos <= h.end + tol and v.start - tol <= h.pos <= v.end + tol
    ]


def _merge_positions(values: list[float], tol: float) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if out and v - out[-1] <= tol:
            continue
        out.append(v)
    return out


def _visual_rows(words: list[Word]) -> list[list[Word]]:
    """Words grouped into rows by vertical overlap, top to bottom, each row left to right."""
    rows: list[list[Word]] = []
    for word in sorted(words, key=lambda w: w.cy):
        if rows:
            last = rows[-1]
            top = median(w.top for w in last)
            bottom = median(w.bottom for w in last)
            if top <= word.cy <= bottom:
                last.append(word)
                continue
        rows.append([word])
    return [sorted(r, key=lambda w: w.left) for r in rows]


def _gap_columns(words: list[Word], x0: float, x1: float, n_rows: int, min_gap: float) -> list[float]:
    """Column edges where (almost) no row has a word: the gaps a table's columns leave."""
    if int(x1 - x0) + 1 <= 0 or not words:
        return [x0, x1]
    return [x0, *(x0 + (start + end) / 2 for start, end in _blanks(words, x0, x1, int(0.1 * n_rows))
                  if end - start >= min_gap), x1]


def _fill(words: list[Word], row_edges: list[float], col_edges: list[float]) -> list[list[list[Word]]]:
    """Words into the cells of a grid, each cell's words in reading order."""
    rows: list[list[list[Word]]] = [[[] for _ in col_edges[:-1]] for _ in row_edges[:-1]]
    for w in words:
        r = int(np.searchsorted(row_edges, w.cy)) - 1
        c = int(np.searchsorted(col_edges, w.cx)) - 1
        if 0 <= r < len(rows) and 0 <= c < len(rows[0]):
            rows[r][c].append(w)
    return [[[w for line in _visual_rows(cell) for w in line] for cell in row] for row in rows]


def _inside(w: Word, bbox: tuple[float, float, float, float]) -> bool:
    return bbox[0] <= w.cx <= bbox[2] and bbox[1] <= w.cy <= bbox[3]


def _split_bands_into_lines(words: list[Word], row_edges: list[float]) -> list[float]:
    """Row edges for a table whose rules do not separate every row (top, header, bottom rule).

    When most bands between rules hold one line of text, a band with two lines is a cell
    whose text wraps; when bands hold many lines, each line is a row. A line is a new row
    only where blank space parts it from the lines above: a cell centred beside a wrapped
    cell overlaps both its lines, so the wrapped text and its row stay one row.
    """
    per_band: list[list[list[Word]]] = []
    for top, bottom in zip(row_edges, row_edges[1:]):
        per_band.append(_visual_rows([w for w in words if top <= w.cy < bottom]))
    counts = [len(b) for b in per_band if b]
    if not counts or sum(counts) / len(counts) <= 1.5:
        return row_edges
    edges = [row_edges[0]]
    for (top, bottom), lines in zip(zip(row_edges, row_edges[1:]), per_band):
        # (A band without words, an empty row between rules, is a row of its own.)
        reach = max((w.bottom for w in lines[0]), default=top) if lines else top
        for lower in lines[1:]:
            lower_top = min(w.top for w in lower)
            if lower_top > reach:
                edges.append((reach + lower_top) / 2)
            reach = max(reach, max(w.bottom for w in lower))
        edges.append(bottom)
    return edges


def ruled_tables(rules: Rules, words: list[Word], dpi: int, settings: TableSettings = DEFAULT_TABLES) -> list[CellGrid]:
    """Tables drawn with rules: full grids, and stacks of horizontal rules (columns from gaps)."""
    tol = max(2.0, dpi * settings.join_tolerance_in)
    h_rules, v_rules = rules.horizontal, rules.vertical
    parent = list(range(len(h_rules)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    verticals_of: dict[int, list[Rule]] = {}
    for v in v_rules:
        touched = _touching(v, h_rules, tol)
        for i in touched[1:]:
            parent[find(i)] = find(touched[0])
        if touched:
            verticals_of.setdefault(touched[0], []).append(v)
    # Horizontal rules without verticals group with rules of about the same extent nearby.
    for i, a in enumerate(h_rules):
        for j in range(i + 1, len(h_rules)):
            b = h_rules[j]
            same_extent = abs(a.start - b.start) <= 4 * tol and abs(a.end - b.end) <= 4 * tol
            if same_extent and abs(a.pos - b.pos) <= dpi * settings.rule_group_reach_in:
                parent[find(j)] = find(i)
    groups: dict[int, list[int]] = {}
    for i in range(len(h_rules)):
        groups.setdefault(find(i), []).append(i)

    tables = []
    for members in groups.values():
        hs = [h_rules[i] for i in members]
        vs = [v for i in members for v in verticals_of.get(i, [])]
        if len(hs) < 2 or (not vs and len(hs) < 3):
            continue
        x0 = min(min(h.start for h in hs), min((v.pos for v in vs), default=np.inf))
        x1 = max(max(h.end for h in hs), max((v.pos for v in vs), default=-np.inf))
        row_edges = _merge_positions([h.pos for h in hs], tol)
        bbox = (x0, row_edges[0], x1, row_edges[-1])
        inside = [w for w in words if _inside(w, bbox)]
        if not inside:
            continue
        row_edges = _split_bands_into_lines(inside, row_edges)
        # The table's outer edges count as column edges even where no vertical rule frames it.
        col_edges = _merge_positions([x0, *(v.pos for v in vs), x1], tol) if vs else []
        if len(col_edges) < 3:
            # No inner vertical rules: the columns are where the words leave gaps.
            col_edges = _gap_columns(inside, x0, x1, len(row_edges) - 1, dpi * settings.min_column_gap_in)
        if len(row_edges) < 3 or len(col_edges) < 3:
            continue
        cells = _fill(inside, row_edges, col_edges)
        kept = [i for i, r in enumerate(cells) if any(r)]
        filled = sum(bool(c) for r in cells for c in r)
        # Columns split at every word of a lone bar's caption leave a grid of empty cells.
        if len(kept) >= 2 and filled >= settings.min_ruled_filled_share * len(kept) * (len(col_edges) - 1):
            tables.append(CellGrid(bbox, [cells[i] for i in kept], [row_edges[i] for i in kept] + [row_edges[kept[-1] + 1]],
                                   col_edges))
    return tables


def _row_runs(rows: list[list[Word]], heights: list[float], min_gap: float,
              settings: TableSettings) -> list[tuple[list[int], int]]:
    """Runs of evenly spaced rows that split into two or more segments at wide gaps; up to
    `settings.max_single_rows` rows of one segment (a row whose other cells are empty) may sit inside.

    Each run comes with how many of its first rows are only candidate header rows: rows of
    one segment just above the run's first row. A bold header set in narrow cells (a header
    bar) leaves gaps no wider than a word space between its cells, so it looks like one
    segment, and a merged header cell stands on a line of its own; whether they are the
    table's header is for the columns to decide (`_unruled_tables`).
    """

    def multi(row: list[Word], height: float) -> bool:
        return any(b.left - a.right >= max(1.5 * height, min_gap) for a, b in zip(row, row[1:]))

    def near(upper: int, lower: int) -> bool:
        return min(w.top for w in rows[lower]) - max(w.bottom for w in rows[upper]) <= settings.max_row_gap * heights[lower]

    runs: list[tuple[list[int], int]] = []
    current: list[int] = []
    led = 0
    singles: list[int] = []
    leading: list[int] = []
    for i, (row, height) in enumerate(zip(rows, heights)):
        last = (singles or current)[-1] if current else None
        close = last is not None and near(last, i)
        if multi(row, height):
            if close:
                current += singles + [i]
            else:
                runs.append((current, led))
                above = (leading + singles) if not current else singles
                top = i
                for k in reversed(above[-settings.max_header_rows:]):
                    if k != top - 1 or not near(k, top):
                        break
                    top = k
                current, led = list(range(top, i + 1)), i - top
            singles, leading = [], []
        elif close and len(singles) < settings.max_single_rows:
            singles.append(i)
        else:
            runs.append((current, led))
            leading = (leading if leading and not current else []) + [i]
            current, led, singles = [], 0, []
    runs.append((current, led))
    return [(run, led) for run, led in runs if run]


def unruled_tables(words: list[Word], dpi: int, slope: float = 0.0, settings: TableSettings = DEFAULT_TABLES) -> list[CellGrid]:
    """Tables drawn without rules (or with banded rows), found from words aligned in columns.

    Conservative on purpose: a false table on a two-column slide is worse than a table read
    as lines, which the recognisers still see as text. A table needs three rows, short cells,
    a first column filled in most rows, and every column filled in more than one row. On a
    page left tilted (`slope`, dy per dx), rows are found on levelled word positions: across
    a wide table a 1° tilt moves the last column a line down.
    """
    if not slope or not words:
        return _unruled_tables(words, dpi, settings)
    level_x = median(w.cx for w in words)
    original: dict[int, Word] = {}
    levelled = []
    for w in words:
        dy = slope * (w.cx - level_x)
        moved = Word(w.text, w.conf, w.left, w.top - dy, w.right, w.bottom - dy, w.line_key)
        original[id(moved)] = w
        levelled.append(moved)
    return [CellGrid(g.bbox, [[[original[id(w)] for w in cell] for cell in row] for row in g.rows],
                     g.row_edges, g.col_edges, slope, level_x)
            for g in _unruled_tables(levelled, dpi, settings)]


def _header_over_its_column(cells: list[list[list[Word]]], col_edges: list[float]) -> list[float]:
    """Column edges without the gap between a header cell with nothing under it and a column
    of right-aligned numbers with no header: a header centred over such a column leaves a gap
    between itself and the numbers, yet they are one column."""
    edges = list(col_edges)
    c = 0
    while c < len(edges) - 2:
        left = [bool(row[c]) for row in cells]
        right = [bool(row[c + 1]) for row in cells]
        header_alone = left[0] and not any(left[1:]) and not right[0] and any(right[1:])
        if header_alone and len(edges) > 3:
            del edges[c + 1]
            cells = [row[:c] + [row[c] + row[c + 1]] + row[c + 2:] for row in cells]
        c += 1
    return edges


def _unruled_tables(words: list[Word], dpi: int, settings: TableSettings) -> list[CellGrid]:
    """Tables found on the page's words as one, or on its sides parted at gutters (`_sides`):
    whichever fills more cells. Read as one, the lines of text beside a table join the table's
    rows and hide its columns; parted, a table whose columns stand a gutter apart falls in pieces."""
    whole = _tables_among(words, dpi, settings)
    sides = _sides(words, dpi, settings)
    if len(sides) == 1:
        return whole
    parted = [t for side in sides for t in _tables_among(side, dpi, settings)]
    return max((whole, parted), key=lambda tables: sum(bool(c) for t in tables for r in t.rows for c in r))


def _tables_among(words: list[Word], dpi: int, settings: TableSettings) -> list[CellGrid]:
    """Tables without rules among these words, found from runs of rows aligned in columns."""
    tables = []
    rows = _wrapped_lines_joined(_visual_rows(words))
    if len(rows) < settings.min_unruled_rows:
        return []
    heights = [median(w.height for w in r) for r in rows]
    # Columns sized to their widest cell stand two cell paddings apart, about one type size:
    # in small type that is less than the gap an inch-measure allows.
    min_gap = min(dpi * settings.min_column_gap_in, settings.min_column_gap_heights * median(heights))
    for run, led in _row_runs(rows, heights, min_gap, settings):
        body, body_cols = _run_table(rows, run[led:], min_gap, settings)
        # (Lone ticks, `x`, would make the body's type look smaller than it is.)
        body_height = median([w.height for i in run[led:] for w in rows[i] if len(w.text) > 1] or [1.0])
        # Candidate header rows are the table's when the table holds with them and they
        # neither join nor split the columns of the rows below. A sentence just above a table
        # ends with its full stop; a slide's title is set larger.
        for k in range(led, 0, -1):
            above = run[led - k:led]
            if any(rows[i][-1].text.endswith((".", "!", "?")) or heights[i] > 1.45 * body_height for i in above):
                continue
            grid, n_cols = _run_table(rows, run[led - k:], min_gap, settings, header=k)
            if grid is not None and n_cols == body_cols:
                body = grid
                break
        if body is not None:
            tables.append(body)
    return tables


def _wrapped_lines_joined(rows: list[list[Word]]) -> list[list[Word]]:
    """Rows with the lines of a wrapped cell joined to the row they belong to.

    A cell's lines stand 1.2 type sizes apart, and a one-line cell beside them is centred
    between them, 0.6 below the first: the letters of each line overlap the one-line cell's
    letters in height. Lines of text, and the rows of a table (padded cells), never do.
    """
    out: list[list[Word]] = []
    for before, row in zip([None, *rows], rows):
        if before is not None and median(w.top for w in row) < median(w.bottom for w in before):
            out[-1] = sorted(out[-1] + row, key=lambda w: w.left)
        else:
            out.append(row)
    return out


def _sides(words: list[Word], dpi: int, settings: TableSettings) -> list[list[Word]]:
    """The page's words parted at gutters: blanks at least `settings.min_gutter_in` wide that
    no word of body size crosses from top to bottom (a slide's title, in larger type, may run
    over one). Text set beside a table leaves one; a table's own columns stand about two cell
    paddings apart."""
    if len(words) < 2 * settings.min_unruled_rows:
        return [words]
    # (Lone ticks, `x`, and page numbers would make the body's type look smaller than it is.)
    typical = median([w.height for w in words if len(w.text) > 1] or [w.height for w in words])
    body = [w for w in words if w.height <= 1.3 * typical]
    x0, x1 = min(w.left for w in body), max(w.right for w in body)
    cuts = [_least_crossed(words, x0 + start, x0 + end) for start, end in _blanks(body, x0, x1)
            if end - start >= dpi * settings.min_gutter_in]
    edges = [-np.inf, *cuts, np.inf]
    return [side for a, b in zip(edges, edges[1:]) if (side := [w for w in words if a <= w.cx < b])]


def _least_crossed(words: list[Word], x0: float, x1: float) -> float:
    """Where in the gutter [x0, x1] to part the page: the middle of its widest stretch that
    the fewest words of any size cross. Text beside a slide's table is often set larger than
    the table (bullets in 20 pt, cells in 14): the gutter is found among the table's type, and
    its middle may fall inside a larger line beside it, whose last word would join the table."""
    crossed = _coverage(words, x0, x1)
    start, end = max(nonzero_runs((crossed == crossed.min()).astype(np.int32)), key=lambda run: run[1] - run[0])
    return x0 + (start + end) / 2


def _blanks(words: list[Word], x0: float, x1: float, max_cover: int = 0) -> list[tuple[int, int]]:
    """The x ranges (from x0, inside [x0, x1]) that at most `max_cover` words cover."""
    covered = _coverage(words, x0, x1)
    return [(s, e) for s, e in nonzero_runs((covered <= max_cover).astype(np.int32)) if s > 0 and e < len(covered)]


def _coverage(words: list[Word], x0: float, x1: float) -> np.ndarray:
    """How many of the words cover each pixel column of [x0, x1] (from x0); words reaching
    outside it count only inside."""
    width = int(x1 - x0) + 1
    coverage = np.zeros(width + 1, dtype=np.int32)
    for w in words:
        a, b = int(min(max(w.left - x0, 0), width)), int(min(max(w.right - x0, 0), width))
        coverage[a] += 1
        coverage[max(b, a)] -= 1
    return np.cumsum(coverage)[:width]


def _run_table(rows: list[list[Word]], run: list[int], min_gap: float, settings: TableSettings,
               header: int = 0) -> tuple[CellGrid | None, int]:
    """The table a run of rows makes, or None when it is no table; and how many columns the
    gaps between its words gave. Of its first `header` rows, a row that fills only columns
    the row above leaves empty is a header cell merged down over both: it joins that row
    (`Kommune` centred beside `Tiltak` over the measures under it)."""
    if len(run) < settings.min_unruled_rows:
        return None, 0
    run_words = [w for i in run for w in rows[i]]
    x0, x1 = min(w.left for w in run_words), max(w.right for w in run_words)
    col_edges = _gap_columns(run_words, x0 - 1, x1 + 1, len(run), min_gap)
    n_cols = found = len(col_edges) - 1
    if n_cols < 2:
        return None, found
    row_edges = [min(w.top for w in rows[run[0]]) - 1]
    for a, b in zip(run, run[1:]):
        row_edges.append((max(w.bottom for w in rows[a]) + min(w.top for w in rows[b])) / 2)
    row_edges.append(max(w.bottom for w in rows[run[-1]]) + 1)
    cells = _fill(run_words, row_edges, col_edges)
    col_edges = _header_over_its_column(cells, col_edges)
    if len(col_edges) - 1 < n_cols:
        n_cols = len(col_edges) - 1
        cells = _fill(run_words, row_edges, col_edges)
    r = 1
    while r < min(header, len(cells)):
        if not any(a and b for a, b in zip(cells[r - 1], cells[r])):
            cells[r - 1] = [a or b for a, b in zip(cells[r - 1], cells[r])]
            del cells[r], row_edges[r]
            header -= 1
        else:
            r += 1
    filled = [c for r in cells for c in r if c]
    words_per_cell = sum(len(c) for c in filled) / len(filled)
    per_column = [sum(bool(r[c]) for r in cells) for c in range(n_cols)]
    first_column_full = per_column[0] >= settings.min_first_column_share * len(cells)
    # A column named in the first row whose body OCR left blank (tesseract drops lone
    # digits between wide gaps) is still a column: its cells are read again one by one.
    header_only = [c for c in range(n_cols) if per_column[c] == 1 and cells[0][c]]
    columns_used = all(n >= 2 or c in header_only for c, n in enumerate(per_column)) and len(header_only) <= 1
    short_right = all(len(r[-1]) <= 2 for r in cells)
    wide_enough = n_cols >= 3 or (len(run) >= 4 and short_right)
    if wide_enough and words_per_cell <= settings.max_words_per_cell and first_column_full and columns_used:
        return CellGrid((x0, row_edges[0], x1, row_edges[-1]), cells, row_edges, col_edges), found
    return None, found
