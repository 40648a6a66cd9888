"""Flattening a page image before OCR (extractors.ocr.flatten): a phone photo of a printed
handout is cut out of its desk, levelled onto an upright A4 page and evenly lit; a scan
passes through in place. The images are made by the generator of bench/generate."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from bench.generate import capture
from bench.generate.build import generate
from extractors.ocr.layout import to_greyscale
from extractors.ocr.flatten import flatten_page

PHOTO, REPORT = 2, 3  # train seeds: a phone photo of a handout; a born-digital report


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    dest = tmp_path_factory.mktemp("flatten")
    return {seed: dest / generate(seed, "train", dest).file_name for seed in (PHOTO, REPORT)}


def _paper_spread(grey: Image.Image) -> float:
    """How unevenly lit the paper is: the spread of the brightest pixel of each tile, over the
    middle of the page."""
    a = np.asarray(grey, dtype=np.float32)
    h, w = a.shape
    middle = a[h // 5: 4 * h // 5, w // 5: 4 * w // 5]
    t = max(8, min(middle.shape) // 12)
    tiles = [middle[i:i + t, j:j + t].max() for i in range(0, middle.shape[0] - t, t)
             for j in range(0, middle.shape[1] - t, t)]
    return float(np.percentile(tiles, 90) - np.percentile(tiles, 10))


def test_a_phone_photo_is_cut_out_levelled_and_evenly_lit(made):
    grey = to_greyscale(Image.open(made[PHOTO]))
    flat = flatten_page(grey, 200)
    assert flat.warp is not None
    w, h = flat.image.size
    assert abs(h / w - 2 ** 0.5) < 0.1  # an upright A4 sheet, not the photo's frame
    assert _paper_spread(flat.image) < _paper_spread(grey) / 2
    # The sheet's corner in the photo maps back inside the photo, away from its own corner.
    x, y = flat.warp.back(0.0, 0.0)
    assert 0 < x < grey.size[0] / 3 and 0 < y < grey.size[1] / 3


def test_a_scan_passes_through_in_place(made):
    page = capture.render(made[REPORT], 150, colour=False)[0]
    scan, _ = capture.clean_scan(page, np.random.default_rng(1))
    grey = to_greyscale(scan)
    flat = flatten_page(grey, 150)
    assert flat.warp is None and flat.dpi == 150 and flat.image.size == grey.size
    assert _paper_spread(flat.image) <= _paper_spread(grey) + 2
