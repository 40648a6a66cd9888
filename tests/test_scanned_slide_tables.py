"""Slide tables printed and scanned: every row found, a header read as the first row.

The fixtures are drawn by the split generator (bench.generate) and scanned by its capture
step, so these tables were not made by the hands that wrote the table rules: a banded table
whose comment column wraps beside one-line cells, and a table with a dark header bar whose
header wraps and whose digit column OCR leaves blank at first; a table beside bullets, a header bar over a
body without rules, a header cell wrapped over two lines, a lone small `x` in a tick cell; a banded
table whose header bar's line of large light letters parts the bar in two (train seed 174);
a table beside bullets set larger than its cells, whose lines run up to it (train seed 798).
"""

from __future__ import annotations

import numpy as np
import pytest

from bench.generate.build import generate
from bench.generate.capture import clean_scan, render
from bench.generate.content import Sentence, TableSpec
from bench.generate.draw import SLIDE, Look, Sheet, fonts
from extractors.ocr.page import ocr_image
from extractors.readers.base import read_document
from extractors.files import sha256_of
from extractors.recognisers.pipeline import reading_options
from tests.generated_docs import make, read

DPI = 200


def scanned_table(tmp_path, spec: TableSpec, style: str, beside: list[str] = (), font: str = "DejaVuSans"):
    """The table drawn on a slide (alone, or right of bullets `beside`, as the generator's decks
    set it), the slide scanned, and what OCR finds on it."""
    assert font in fonts()  # registers the generator's fonts with reportlab
    look = Look(font=font, body_size=20, title_size=32, table_style=style,
                accent=("#4472C4", "#CFD5EA", "#E9EBF5"), cell_size=14)
    sheet = Sheet(tmp_path / "slide.pdf", SLIDE, look, margin=48, title="Tabell")
    sheet.y = SLIDE[1] - 60
    width = SLIDE[0] - 2 * sheet.margin
    if beside:
        for text in beside:
            sheet.sentence(Sentence(text), sheet.margin, width * 0.42, bullet=True, gap=0.25)
        sheet.y = SLIDE[1] - 60
        sheet.table(spec, sheet.margin + width * 0.47, width * 0.53, repeat_header=False, fit=40)
    else:
        sheet.table(spec, sheet.margin, width, repeat_header=False, fit=40)
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


THEMES = TableSpec(
    rows=[["Tema", "Prosjekter", "Kommuner"],
          ["Nærvær og sykefravær", "28", "26"],
          ["Omdømme og arbeidsgiverpolitikk", "26", "16"],
          ["Heltid og deltid", "8", "3"],
          ["Kompetanse og rekruttering", "13", "22"],
          ["Innovasjon i tenestene", "29", "3"]],
    kind="themes", numeric=frozenset({1, 2}))


@pytest.mark.parametrize("style", ["unruled", "no_fill"])
def test_a_table_beside_bullets_is_found_apart_from_them(tmp_path, style):
    # The bullets' lines fall between the table's rows: read as one page of rows, each bullet
    # line joined the table row beside it and no column lined up.
    rows = scanned_table(tmp_path, THEMES, style, font="Carlito", beside=[
        "Sykefraværet i Hitra gikk ned med 8 prosent fra 2012 til 2014.",
        "Tilsammen 19 prosjekter er med i pulje 3."])
    assert rows == THEMES.rows


def test_a_table_beside_larger_bullets_whose_lines_reach_it_keeps_them_out(tmp_path_factory):
    # The gutter between bullets and table is found among the table's smaller type; its middle
    # fell inside the first bullet's line, whose last word (`økt`) joined the table as a column
    # of one cell, and no table was found.
    drawn, doc = read(make(tmp_path_factory, "larger-bullets", (798,)), 798)
    (gold,) = drawn.tables
    found = [t for t in doc.tables if t.pages == gold.pages]
    assert len(found) == 1
    assert [(r[0] or "").strip() for r in found[0].rows] == [r[0] for r in gold.rows]


TICKS = TableSpec(
    rows=[["Kommune", "Velferdsteknologi", "Samskaping", "Innovasjonsplan", "Kommentar"],
          ["Nesodden", "", "hver 4.", "", "Ventar på vedtak i kommunestyret"],
          ["Vefsn", "x", "", "hver 4.", "Starta opp hausten etter første samling"],
          ["Tingvoll", "", "", "", "Tiltaket vert evaluert neste år"]],
    kind="measures")


def test_a_header_bar_over_rows_without_rules_is_the_tables_header(tmp_path):
    # The bold header's cells stand a word space apart: alone it looks like one line of text,
    # and without it the tick column holds one mark, too few for a column. The lone `x` is
    # small, though tesseract reads it as `X`.
    rows = scanned_table(tmp_path, TICKS, "header_fill", font="LiberationSans")
    assert rows == TICKS.rows


PARTICIPANTS = TableSpec(
    rows=[["Kommune", "Fylke", "Deltakere", "Andel heltid", "Prosjekter", "Årsverk"],
          ["Herøy", "Møre og Romsdal", "21", "12 %", "6", "6,2"],
          ["Flora", "Sogn og Fjordane", "125", "72 %", "3", "25,5"],
          ["Vikna", "Nord-Trøndelag", "68", "84 %", "3", "36,5"],
          ["Kvinesdal", "Vest-Agder", "228", "31 %", "6", "10,4"]],
    kind="participants", numeric=frozenset({2, 3, 4, 5}))


def test_a_header_cell_wrapped_over_two_lines_stays_one_cell_of_the_header(tmp_path):
    rows = scanned_table(tmp_path, PARTICIPANTS, "unruled")
    assert rows[0] == PARTICIPANTS.rows[0]
    assert len(rows) == len(PARTICIPANTS.rows)


def test_a_header_bar_parted_by_its_letters_is_read_as_the_header(tmp_path):
    # Seven long bold names in the bar: the fill between the letters is too thin to count as
    # bar, so the bar was found as two, the letters left on the dark fill and read as junk.
    made = generate(174, "train", tmp_path)
    path = str(tmp_path / made.file_name)
    doc = read_document(path, sha256_of(path), reading_options())
    gold = made.tables[0]
    assert gold.style == "banded"
    found = [t for t in doc.tables if t.page == gold.pages[0]]
    assert len(found) == 1 and found[0].rows[0][:5] == gold.rows[0][:5]
