"""Ink on a page image that no OCR word covers: a lone page number, a short word alone.

tesseract's page segmentation drops a short mark standing far from any line of text as
noise: a slide's page number in its corner, the `2` at the foot of a scanned report page.
Cut out and read on its own, the same mark reads at once. This module finds such marks:
the page's ink with every word's box (and every table, whose cells are read again on their
own) cleared, grouped into boxes of the size of printed characters; specks, a shadow along
a margin and the rim of a turned scan are not of that size, or touch the image's edge.

Works on numpy masks in image pixels and knows nothing of tesseract; extractors.ocr.page
reads the boxes found. The thresholds are fields of extractors.ocr.settings.OcrSettings.
"""

from __future__ import annotations

import numpy as np

from extractors.ocr.settings import OcrSettings
from extractors.ocr.tables import Word, merged_segments, nonzero_runs

Box = tuple[int, int, int, int]


def unread_ink(ink: np.ndarray, words: list[Word], covered: list[tuple[float, float, float, float]], dpi: int,
               settings: OcrSettings) -> list[Box]:
    """Boxes (x0, top, x1, bottom) of ink that no word and no `covered` area (tables) holds,
    the size of a line of a few printed characters: from settings.min_mark_height_in to
    settings.max_mark_height_in tall, at most settings.max_mark_width_in wide, inked at least
    settings.min_mark_ink, and at least settings.mark_edge_in from the image's edge."""
    h, w = ink.shape
    left = ink.copy()
    for word in words:
        pad = max(2.0, 0.3 * word.height)
        left[max(int(word.top - pad), 0):int(word.bottom + pad) + 1, max(int(word.left - pad), 0):int(word.right + pad) + 1] = False
    for x0, top, x1, bottom in covered:
        left[max(int(top), 0):int(bottom) + 1, max(int(x0), 0):int(x1) + 1] = False
    edge = int(dpi * settings.mark_edge_in)
    left[:edge], left[h - edge:], left[:, :edge], left[:, w - edge:] = False, False, False, False
    if not left.any():
        return []
    low, high = dpi * settings.min_mark_height_in, dpi * settings.max_mark_height_in
    boxes = []
    for x0, top, x1, bottom in _pieces(left, 0, 0, max(1, int(0.25 * low))):
        if low <= bottom - top <= high and x1 - x0 <= dpi * settings.max_mark_width_in \
                and left[top:bottom, x0:x1].mean() >= settings.min_mark_ink:
            boxes.append((x0, top, x1, bottom))
    return boxes


def _pieces(mask: np.ndarray, x: int, y: int, gap: int, depth: int = 3) -> list[Box]:
    """The mask cut at blank rows, each band at blank columns (a gap of a letter's width parts
    two marks), and each piece cut again: specks elsewhere on the page in the same rows or
    columns as a mark then no longer stretch its box."""
    out: list[Box] = []
    for top, bottom in merged_segments(mask.any(axis=1), gap):
        band = mask[top:bottom]
        for x0, x1 in merged_segments(band.any(axis=0), max(2, int(0.6 * (bottom - top)))):
            rows = nonzero_runs(band[:, x0:x1].any(axis=1))
            t, b = top + rows[0][0], top + rows[-1][1]
            piece = mask[t:b, x0:x1]
            if depth > 1 and piece.shape != mask.shape:
                out += _pieces(piece, x + x0, y + t, gap, depth - 1)
            else:
                out.append((x + x0, y + t, x + x1, y + b))
    return out
