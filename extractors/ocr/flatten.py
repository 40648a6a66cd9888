"""A page image made level and evenly lit before OCR: the sheet found in a photo, its
perspective undone, and the light across it flattened.

A phone photo of a printed page shows the sheet as a quadrilateral on a darker desk, lit
unevenly (brighter on one side, darker in the corners); a worn photocopy has grey paper and
a shadow along a margin. Tesseract binarises a page with one threshold and the table finder
looks for level rules and shading a fixed step darker than the paper, so both read such a
page badly. This module

1. finds the sheet's four edges: from each side of the image, rays meet the first sharp
   step from a dark, blank background up to paper; each side's steps must lie on one line;
2. maps the quadrilateral they enclose onto an upright rectangle (a homography) at about
   300 dpi, taking the sheet as A4 (a photo states no resolution; the size only sets the
   text height tesseract expects and the inch thresholds of the table finder);
3. divides the page by an estimate of the paper's own brightness: the brightest pixels
   nearby, taken over areas larger than a line of text or a table's shaded header, so ink,
   rules and shading keep their contrast while a light ramp or a margin's shadow goes.

A scan has no background around the page: it is returned as it was (a dark page turned light),
after a look at a small copy that costs a few milliseconds. Its light is not evened: on
scanned slides that took the shading of banded tables for uneven paper and lost their cells.

Works on greyscale numpy/Pillow images in pixels and knows nothing of tesseract or PDF
points; `Warp.back` lets extractors.ocr map boxes found on the flattened page back onto the
image as given.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageFilter


@dataclass(frozen=True)
class FlattenSettings:
    """What finds a sheet in a photo and evens its light; lengths in pixels of the small copy
    the page is looked at on, inches, or shares of the image."""

    # The page is looked at on a copy about this many pixels on its long side.
    look_px: int = 600
    # Rays per side of the image, and how far in (share of the image) a sheet's edge may lie.
    rays: int = 48
    reach: float = 0.4
    # A sheet's edge: paper at least this much brighter than the background just outside it
    # (share of the paper's level, and grey levels), the step made within step_px pixels of the
    # small copy, with the background flat before it (a shadow's ramp keeps falling).
    min_step_share: float = 0.18
    min_step_levels: float = 18.0
    step_px: int = 2
    max_outside_slope: float = 0.35
    # A side is found when this share of its rays meet a step on one line (within line_tol
    # pixels of the small copy), leaning at most max_lean from the image's own edge.
    min_side_share: float = 0.5
    line_tol: float = 2.0
    max_lean: float = 0.35
    # A sheet worth cutting out covers at least this share of the image, and leaves at least
    # this share of it outside.
    min_sheet_area: float = 0.2
    min_outside_area: float = 0.02
    # The sheet's size when its outline is found: A4's long side, inches; the rectified page is
    # drawn at target_dpi unless the photo holds fewer pixels than that (never enlarged above 2×).
    sheet_long_in: float = 11.69
    a4_ratio: float = 2 ** 0.5
    a4_like: float = 0.2
    # The outline is drawn a little inside the sheet's edge, which is blurred into the desk.
    inset: float = 0.004
    target_dpi: int = 300
    # A scan's margin is shadowed where its paper is this share darker than the page's paper,
    # in an area reaching the image's edge (a table's shading lies inside the page).
    shadow_share: float = 0.12
    # ... measured on cells this wide (inches) as their upper quartile of grey: text leaves
    # most of a cell paper, and a shadow band lies between the paper and the light corners a
    # turned scan is filled with, narrower than the light's reach.
    shadow_cell_in: float = 0.05
    # Below this share of the paper's level a shadow hides its ink: it is made blank.
    deep_shadow: float = 0.3
    # Light: paper brightness measured on cells of cell_in inches, then the brightest cell
    # within light_reach_in inches (wider than a line of text or a shaded table header) taken as the
    # paper around it. Pages whose paper varies less than flat_enough are left as they are.
    cell_in: float = 0.08
    light_reach_in: float = 1.0
    flat_enough: float = 0.08
    paper: float = 250.0


SETTINGS = FlattenSettings()


@dataclass(frozen=True)
class Warp:
    """The homography from the flattened page back to the image as given: PIL's PERSPECTIVE
    coefficients (a, b, c, d, e, f, g, h) that map an output point (x, y) to the input
    ((a x + b y + c) / (g x + h y + 1), (d x + e y + f) / (g x + h y + 1))."""

    coefficients: tuple[float, ...]

    def back(self, x: float, y: float) -> tuple[float, float]:
        a, b, c, d, e, f, g, h = self.coefficients
        den = g * x + h * y + 1.0
        return (a * x + b * y + c) / den, (d * x + e * y + f) / den


@dataclass(frozen=True)
class Flattened:
    """The page to OCR, its resolution, and the warp that made it (None for a page left in
    place, whose pixels are the input's)."""

    image: Image.Image
    dpi: int
    warp: Warp | None


def flatten_page(grey: Image.Image, dpi: int, invert_below: float = 100) -> Flattened:
    """The page cut out of its background and levelled when it lies on one, with its light
    made even; a scan comes back in place. A page whose median grey is below `invert_below`
    (OcrSettings.invert_below) is light text on dark and is turned dark on light."""
    corners = find_sheet(grey)
    warp = None
    if corners is not None:
        grey, warp, dpi = _rectify(grey, corners, dpi)
    if float(np.median(np.asarray(grey)[::4, ::4])) < invert_below:
        # Light text on a dark page (a dark slide): turned dark on light before the light is
        # evened, which would otherwise take the dark background for shadowed paper.
        grey = Image.fromarray(255 - np.asarray(grey), "L")
    # Only a photographed sheet has its light evened all over: on scanned slides the evening
    # took the shading of banded tables for uneven paper and lost their cells (the scanned
    # corpus). A scan has only a shadow along its margins evened.
    return Flattened(even_light(grey, dpi) if warp is not None else even_shadowed_margins(grey, dpi), dpi, warp)


# ---------------------------------------------------------------------------- the sheet


def _small(grey: Image.Image) -> tuple[np.ndarray, int]:
    """A small copy (box-averaged) with dark specks of text closed over, and its factor."""
    factor = max(1, math.ceil(max(grey.size) / SETTINGS.look_px))
    small = grey.reduce(factor) if factor > 1 else grey
    closed = small.filter(ImageFilter.MaxFilter(5)).filter(ImageFilter.MinFilter(5))
    return np.asarray(closed, dtype=np.float32), factor


def _side_points(profiles: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For rays running inward (one per row of `profiles`), where each first meets a sheet's
    edge, and whether it did: (positions, found)."""
    n, length = profiles.shape
    w = SETTINGS.step_px
    csum = np.concatenate([np.zeros((n, 1), np.float32), np.cumsum(profiles, axis=1)], axis=1)
    idx = np.arange(3 * w, length - w)
    inside = (csum[:, idx + w] - csum[:, idx]) / w           # mean of p[i : i+w]
    before = (csum[:, idx] - csum[:, idx - w]) / w           # mean of p[i-w : i]
    further = (csum[:, idx - w] - csum[:, idx - 3 * w]) / (2 * w)  # mean of p[i-3w : i-w]
    step = inside - before
    sharp = ((step >= np.maximum(SETTINGS.min_step_levels, SETTINGS.min_step_share * inside))
             & (np.abs(before - further) <= SETTINGS.max_outside_slope * step))
    found = sharp.any(axis=1)
    first = np.argmax(sharp, axis=1)
    positions = np.zeros(n, dtype=np.float64)
    for r in np.flatnonzero(found):
        # The steepest point of the step that begins at the first sharp position.
        k = first[r]
        k = k + int(np.argmax(step[r, k:k + 2 * w]))
        positions[r] = idx[k]
        # The background up to the edge must be darker than the paper all the way out.
        if profiles[r, :idx[k]].max(initial=0.0) >= inside[r, k] - 0.5 * step[r, k]:
            found[r] = False
    return positions, found


def _fit_line(t: np.ndarray, s: np.ndarray) -> tuple[float, float, np.ndarray] | None:
    """s = a t + b fitted to the points, outliers dropped; None when too few lie on it."""
    keep = np.ones(len(t), dtype=bool)
    for _ in range(3):
        if keep.sum() < 2:
            return None
        a, b = np.polyfit(t[keep], s[keep], 1)
        residual = np.abs(s - (a * t + b))
        tol = max(SETTINGS.line_tol, 2.5 * float(np.median(residual[keep])))
        keep = residual <= tol
    return float(a), float(b), keep


def _sides(closed: np.ndarray) -> dict[str, tuple[float, float]]:
    """The sheet's sides found on the small copy: name → (a, b) of x = a y + b (left, right)
    or y = a x + b (top, bottom)."""
    h, w = closed.shape
    sides: dict[str, tuple[float, float]] = {}
    for name in ("left", "right", "top", "bottom"):
        across = h if name in ("left", "right") else w
        along = w if name in ("left", "right") else h
        reach = int(along * SETTINGS.reach)
        lines = np.linspace(0.1 * across, 0.9 * across, SETTINGS.rays).astype(int)
        if name == "left":
            profiles = closed[lines, :reach]
        elif name == "right":
            profiles = closed[lines, ::-1][:, :reach]
        elif name == "top":
            profiles = closed[:reach, lines].T
        else:
            profiles = closed[::-1, lines][:reach].T
        if reach <= 8 * SETTINGS.step_px:
            continue
        positions, found = _side_points(np.ascontiguousarray(profiles))
        if found.sum() < SETTINGS.min_side_share * SETTINGS.rays:
            continue
        if name in ("right", "bottom"):
            positions = along - 1 - positions
        fit = _fit_line(lines[found].astype(np.float64), positions[found] + 0.5)
        if fit is None:
            continue
        a, b, keep = fit
        if keep.sum() >= SETTINGS.min_side_share * SETTINGS.rays and abs(a) <= SETTINGS.max_lean:
            sides[name] = (a, b)
    return sides


def _corner(vertical: tuple[float, float], horizontal: tuple[float, float]) -> tuple[float, float]:
    """Where x = a1 y + b1 meets y = a2 x + b2."""
    a1, b1 = vertical
    a2, b2 = horizontal
    x = (a1 * b2 + b1) / (1 - a1 * a2)
    return x, a2 * x + b2


def _polygon_mask(poly: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """Pixels inside a convex polygon whose corners run clockwise on screen."""
    yy, xx = np.mgrid[0:shape[0], 0:shape[1]]
    mask = np.ones(shape, dtype=bool)
    for (x0, y0), (x1, y1) in zip(poly, np.roll(poly, -1, axis=0)):
        mask &= (x1 - x0) * (yy - y0) - (y1 - y0) * (xx - x0) >= 0
    return mask


def _blank_outside(small: np.ndarray, quad: np.ndarray) -> bool:
    """Whether what lies outside the quadrilateral is background: clearly darker than the
    sheet and holding nothing as bright as paper (a dark sidebar with light text on a slide is
    no desk). A band along the outline, blurred, belongs to neither side."""
    centre = quad.mean(axis=0)
    sheet = _polygon_mask(quad, small.shape)
    inner = _polygon_mask(centre + (quad - centre) * 0.97, small.shape)
    outer = ~_polygon_mask(centre + (quad - centre) * 1.03, small.shape)
    if sheet.mean() < SETTINGS.min_sheet_area or (~sheet).mean() < SETTINGS.min_outside_area or not outer.any():
        return False
    paper = float(np.percentile(small[inner], 75))
    outside = small[outer]
    return float(np.percentile(outside, 99)) < 0.85 * paper and float(np.median(small[inner])) > 1.2 * float(np.median(outside))


def find_sheet(grey: Image.Image) -> np.ndarray | None:
    """The corners (top-left, top-right, bottom-right, bottom-left; pixels of `grey`) of a
    sheet of paper lying on a darker background, or None when the image is the page itself
    (a scan) or no sheet's outline can be trusted. Sides of the sheet outside the picture are
    taken at the picture's edge."""
    closed, factor = _small(grey)
    h, w = closed.shape
    sides = _sides(closed)
    if len(sides) < 2:
        return None
    left = sides.get("left", (0.0, 0.0))
    right = sides.get("right", (0.0, w - 1.0))
    top = sides.get("top", (0.0, 0.0))
    bottom = sides.get("bottom", (0.0, h - 1.0))
    quad = np.array([_corner(left, top), _corner(right, top), _corner(right, bottom), _corner(left, bottom)])
    if not _convex(quad):
        return None
    plain = np.asarray(grey.reduce(factor) if factor > 1 else grey, dtype=np.float32)
    if not _blank_outside(plain, quad):
        return None
    return (quad + 0.5) * factor


def _convex(quad: np.ndarray) -> bool:
    turns = [(b - a)[0] * (c - b)[1] - (b - a)[1] * (c - b)[0]
             for a, b, c in zip(quad, np.roll(quad, -1, 0), np.roll(quad, -2, 0))]
    return all(t > 0 for t in turns)


def _perspective(src: np.ndarray, dst: np.ndarray) -> tuple[float, ...]:
    """PIL PERSPECTIVE coefficients mapping the points `dst` (output) onto `src` (input)."""
    rows, rhs = [], []
    for (x, y), (u, v) in zip(dst, src):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        rhs += [u, v]
    return tuple(float(c) for c in np.linalg.solve(np.array(rows), np.array(rhs)))


def _rectify(grey: Image.Image, corners: np.ndarray, dpi: int) -> tuple[Image.Image, Warp, int]:
    """The sheet drawn upright, its long side at the target resolution for an A4 sheet."""
    centre = corners.mean(axis=0)
    corners = centre + (corners - centre) * (1 - SETTINGS.inset)
    tl, tr, br, bl = corners
    width = max(np.hypot(*(tr - tl)), np.hypot(*(br - bl)))
    height = max(np.hypot(*(bl - tl)), np.hypot(*(br - tr)))
    # Perspective stretches one side of the outline more than the other: a sheet about as
    # long as A4 is drawn in A4's proportions.
    long, short = max(width, height), min(width, height)
    if abs(long / short / SETTINGS.a4_ratio - 1) <= SETTINGS.a4_like:
        short = long / SETTINGS.a4_ratio
        width, height = (long, short) if width >= height else (short, long)
    native = max(width, height) / SETTINGS.sheet_long_in
    scale = min(max(SETTINGS.target_dpi / native, 1.0), 2.0) if native < SETTINGS.target_dpi else 1.0
    out_w, out_h = round(width * scale), round(height * scale)
    dst = np.array([(0, 0), (out_w, 0), (out_w, out_h), (0, out_h)], dtype=np.float64)
    warp = Warp(_perspective(corners, dst))
    page = grey.transform((out_w, out_h), Image.Transform.PERSPECTIVE, warp.coefficients,
                          Image.Resampling.BICUBIC, fillcolor=255)
    return page, warp, max(50, round(native * scale))


# ---------------------------------------------------------------------------- the light


def _running(values: np.ndarray, size: int, axis: int, op: str) -> np.ndarray:
    """Running max or min over `size` cells along an axis, edges padded with the end cells."""
    half = size // 2
    pad = [(0, 0), (0, 0)]
    pad[axis] = (half, half)
    padded = np.pad(values, pad, mode="edge")
    windows = np.lib.stride_tricks.sliding_window_view(padded, size, axis=axis)
    return windows.max(axis=-1) if op == "max" else windows.min(axis=-1)


def paper_light(grey: Image.Image, dpi: int) -> np.ndarray:
    """The paper's brightness over the page, on cells of about SETTINGS.cell_in inches: each cell's
    brightest (box-averaged) pixel, then a closing over SETTINGS.light_reach_in inches so cells
    covered by ink or shading take the paper around them, then smoothed."""
    cell = max(1, round(dpi * SETTINGS.cell_in))
    sub = max(1, cell // 4)
    small = np.asarray(grey.reduce(sub) if sub > 1 else grey, dtype=np.float32)
    k = max(1, cell // sub)
    h, w = (small.shape[0] // k) * k, (small.shape[1] // k) * k
    if h == 0 or w == 0:
        return np.full((1, 1), float(small.max(initial=255.0)), dtype=np.float32)
    cells = small[:h, :w].reshape(h // k, k, w // k, k).max(axis=(1, 3))
    reach = max(3, round(SETTINGS.light_reach_in / SETTINGS.cell_in)) | 1
    closed = cells
    for op in ("max", "min"):
        for axis in (0, 1):
            closed = _running(closed, reach, axis, op)
    smooth = (reach // 3) | 1
    for axis in (0, 1):
        closed = _mean(closed, smooth, axis)
    return closed


def _mean(values: np.ndarray, size: int, axis: int) -> np.ndarray:
    half = size // 2
    pad = [(0, 0), (0, 0)]
    pad[axis] = (half, half)
    padded = np.pad(values, pad, mode="edge")
    return np.lib.stride_tricks.sliding_window_view(padded, size, axis=axis).mean(axis=-1)


def even_light(grey: Image.Image, dpi: int) -> Image.Image:
    """The page divided by its paper's brightness, so paper comes out one even light shade and
    ink keeps its contrast to the paper around it; a page already evenly lit is returned as is."""
    light = paper_light(grey, dpi)
    top = float(light.max())
    if top <= 0 or float(light.min()) >= (1 - SETTINGS.flat_enough) * top:
        return grey
    field = Image.fromarray(light.astype(np.float32), "F").resize(grey.size, Image.Resampling.BILINEAR)
    gain = SETTINGS.paper / np.maximum(np.asarray(field, dtype=np.float32), 1.0)
    out = np.asarray(grey, dtype=np.float32) * gain
    return Image.fromarray(np.clip(out, 0, 255).astype(np.uint8), "L")


def even_shadowed_margins(grey: Image.Image, dpi: int) -> Image.Image:
    """A scan with the shadow along its margins lifted (the edge of a book or a copier's lid
    left open): where the paper, reaching in from the image's edge, is clearly darker than the
    page's paper, the page is divided by the paper's brightness, as a photo is all over.
    Tesseract reads such a ramp as lines of capitals (`TEST ENE INT VE`), binarises the page
    with the shadow in its histogram, and loses the footer and page number lying in it.
    The rest of the page, banded tables' shading with it, is left as it is."""
    light = _cell_light(grey, dpi)
    if light is None:
        return grey
    paper = float(np.median(light))
    dark = light < (1 - SETTINGS.shadow_share) * paper
    if not dark.any():
        return grey
    shadow = _reaching_the_edge(dark)
    # A shadow fades in: just inside its edge the paper is only a little darker. A dark bar
    # or a picture reaching the edge steps down at once, and is left as it is.
    if not shadow.any() or float(np.median(light[shadow & _next_to(~shadow)])) < (1 - 2 * SETTINGS.shadow_share) * paper:
        return grey
    # A cell where the shadow's darkest edge meets the light corner of a turned scan takes the
    # corner's light, though half of it is shadow: a cell beside the shadow takes the darkest
    # light around it, a cell in it its own.
    around = _next_to(shadow) | shadow
    darkest = _running(_running(light, 3, 0, "min"), 3, 1, "min")
    darkest = np.where(shadow, light, darkest)
    gain = np.where(around, np.clip(paper / np.maximum(darkest, 1.0), 1.0, 1 / SETTINGS.deep_shadow), 1.0)
    # Where the shadow is nearly black no ink shows through it, only noise, which lifted would
    # read as letters: such cells become blank paper.
    deep = around & (darkest < SETTINGS.deep_shadow * paper)
    # Spread a cell further, so the smooth enlargement below does not fade the gain where the
    # shadow is darkest, at the image's edge or the light corner beyond it.
    gain = _running(_running(gain, 3, 0, "max"), 3, 1, "max")
    # The gain as an 8-bit picture (1 + value / 64), enlarged smoothly to the page: cell
    # edges would otherwise stand as steps of light that read as rules.
    # (The cells cover the page but for a sliver at its right and foot, under a cell wide:
    # stretched over it, they reach the image's edge, where a shadow is darkest.)
    field = Image.fromarray(np.round((gain - 1.0) * 64).astype(np.uint8), "L").resize(grey.size, Image.Resampling.BILINEAR)
    out = np.asarray(grey, dtype=np.uint16) * (np.asarray(field, dtype=np.uint16) + 64) // 64
    blank = Image.fromarray(deep.astype(np.uint8) * 255, "L").resize(grey.size, Image.Resampling.NEAREST)
    out[np.asarray(blank) > 0] = round(paper)
    return Image.fromarray(np.minimum(out, 255).astype(np.uint8), "L")


def _cell_light(grey: Image.Image, dpi: int) -> np.ndarray | None:
    """The paper's brightness on cells of about SETTINGS.shadow_cell_in inches, each the
    brightest of its 4 × 4 box-averaged parts (text leaves some paper in every cell); None for
    an image too small to hold a margin."""
    part = max(1, round(dpi * SETTINGS.shadow_cell_in / 4))
    small = np.asarray(grey.reduce(part) if part > 1 else grey, dtype=np.float32)
    h, w = (small.shape[0] // 4) * 4, (small.shape[1] // 4) * 4
    if h < 12 or w < 12:
        return None
    return small[:h, :w].reshape(h // 4, 4, w // 4, 4).max(axis=(1, 3))


def _reaching_the_edge(mask: np.ndarray) -> np.ndarray:
    """The parts of `mask` connected (4-neighbours) to the border of the array."""
    reached = np.zeros_like(mask)
    reached[0], reached[-1], reached[:, 0], reached[:, -1] = mask[0], mask[-1], mask[:, 0], mask[:, -1]
    while True:
        grown = reached.copy()
        grown[1:] |= reached[:-1]
        grown[:-1] |= reached[1:]
        grown[:, 1:] |= reached[:, :-1]
        grown[:, :-1] |= reached[:, 1:]
        grown &= mask
        if (grown == reached).all():
            return reached
        reached = grown


def _next_to(mask: np.ndarray) -> np.ndarray:
    """Cells beside (4-neighbours) a cell of `mask`."""
    near = np.zeros_like(mask)
    near[1:] |= mask[:-1]
    near[:-1] |= mask[1:]
    near[:, 1:] |= mask[:, :-1]
    near[:, :-1] |= mask[:, 1:]
    return near
