"""Slide tables printed and scanned: every row found, a header read as the first row.

The fixtures are drawn by the split generator (bench.generate) and scanned by its capture
step, so these tables were not made by the hands that wrote the table rules: a banded table
whose comment column wraps beside one-line cells, and a table with a dark header bar whose
header wraps and whose digit column OCR leaves blank at first.
"""

from __future__ import annotations

import numpy as np
import pytest

from bench.generate.draw import SLIDE
from bench.generate.capture import clean_scan, render
from bench.generate.content import TableSpec
from bench.generate.draw import Look, Sheet, fonts
from extractors.ocr.page import ocr_image

DPI = 200


def scanned_table(tmp_path, spec: TableSpec, style: str):
    """The table drawn alone on a slide, the slide scanned, and what OCR finds on it."""
    assert "DejaVuSans" in fonts()  # registers the generator's fonts with reportlab
    look = Look(font="DejaVuSans", body_size=20, title_size=32, table_style=style,
                accent=("#4472C4", "#CFD5EA", "#E9EBF5"), cell_size=14)
    sheet = Sheet(tmp_path / "slide.pdf", SLIDE, look, margin=48, title="Tabell")
    sheet.y = SLIDE[1] - 60
    sheet.table(spec, sheet.margin, SLIDE[0] - 2 * sheet.margin, repeat_header=False, fit=40)
    sheet.finish()
    page = render(tmp_path / "slide.pdf", DPI, colour=False)[0]
    image, _ = clean_scan(page, np.random.default_rng(3))
    _, tables = ocr_image(image, 1, page_size_pt=SLIDE)
    assert len(tables) == 1
    return [[" ".join((c or "").split()) for c in row] for row in tables[0].rows]


WRAPPED = TableSpec(
    rows=[["Kommune", "Tiltak", "Kommentar"],
          ["Stange", "Hver 6.", "Tiltaket vert evaluert neste år"],
          ["Overhalla", "hver 4.", "Samarbeid med tillitsvalde og verneombod, og med leiarane i einingane"],
          ["Ringebu", "Hver 6.", "Starta opp hausten etter første samling, med ei gruppe frå kvar eining"],
          ["Tokke", "hver 4.", "Samarbeid med tillitsvalde og verneombod, og med leiarane i einingane"]],
    kind="measures", wrap=frozenset({2}))


def test_a_wrapped_cell_beside_one_line_cells_stays_in_its_row(tmp_path):
    rows = scanned_table(tmp_path, WRAPPED, "banded")
    assert [r[0] for r in rows] == [r[0] for r in WRAPPED.rows]
    assert rows[2][2] == WRAPPED.rows[2][2]


DIGITS = TableSpec(
    rows=[["Kommune", "Fylke", "Deltakere", "Prosjekter"],
          ["Bjugn", "Sør-Trøndelag", "33", "2"],
          ["Hornindal", "Sogn og Fjordane", "124", "6"],
          ["Rana", "Nordland", "204", "1"],
          ["Tynset", "Hedmark", "204", "4"],
          ["Balsfjord", "Troms", "230", "1"]],
    kind="counts", numeric=frozenset({2, 3}))


def test_a_table_under_a_dark_header_bar_is_found_with_its_header(tmp_path):
    rows = scanned_table(tmp_path, DIGITS, "header_fill")
    assert rows == DIGITS.rows
