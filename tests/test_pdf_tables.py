"""Tables without ruling lines in born-digital PDFs, read through read_document.

The documents are drawn by the generator of bench/generate (its gold comes from its own
data) or, for what must not become a table, on the generator's sheet with its fonts: two
columns of prose full of numbers, a bullet list of counts, a numbered list.
"""

from __future__ import annotations

import random
from datetime import date

import pytest

from bench.generate.build import generate
from bench.generate.content import document_content, kommuner_at
from bench.generate.draw import A4, Look, Sheet, fonts
from extractors.readers.base import read_document
from extractors.files import sha256_of
from extractors.recognisers.pipeline import recognise

# Train seeds: a participants table over a page break, its header not repeated; a measures
# table with a wrapped comment column, its header repeated on the next page; a two-column
# report with an unruled table.
LONG_TABLE, REPEATED_HEADER, TWO_COLUMNS = 3, 87, 34


def _read(path):
    return read_document(str(path), sha256_of(str(path)))


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    dest = tmp_path_factory.mktemp("unruled")
    return {seed: (generate(seed, "train", dest), dest) for seed in (LONG_TABLE, REPEATED_HEADER, TWO_COLUMNS)}


@pytest.mark.parametrize("seed", [LONG_TABLE, REPEATED_HEADER])
def test_an_unruled_table_over_a_page_break_is_one_table_cell_for_cell(generated, seed):
    made, dest = generated[seed]
    gold = made.tables[0]
    assert gold.style == "unruled" and len(gold.pages) >= 2
    doc = _read(dest / made.file_name)
    assert [(t.pages, t.rows) for t in doc.tables] == [(gold.pages, gold.rows)]


def test_a_repeated_header_is_dropped_and_wrapped_cells_stay_one_cell(generated):
    made, dest = generated[REPEATED_HEADER]
    rows = _read(dest / made.file_name).tables[0].rows
    assert rows.count(made.tables[0].rows[0]) == 1
    comments = {r[-1] for r in rows[1:]}
    assert "Samarbeid med tillitsvalde og verneombod" in comments  # drawn over two lines


def test_the_cells_of_an_unruled_table_are_table_cells_not_prose(generated):
    made, dest = generated[LONG_TABLE]
    doc = _read(dest / made.file_name)
    body = {b.text for p in doc.pages for b in p.blocks if b.role == "body"}
    cells = {b.text for p in doc.pages for b in p.blocks if b.role == "table-cell"}
    first_row = " ".join(made.tables[0].rows[1])
    assert first_row in cells and first_row not in body
    assert any("deltakere" in t or "kommuner" in t or "prosjekt" in t for t in body)


def test_a_table_between_two_columns_of_prose_is_found_and_the_prose_is_not(generated):
    made, dest = generated[TWO_COLUMNS]
    assert made.tables[0].style == "unruled"
    doc = _read(dest / made.file_name)
    assert [t.rows for t in doc.tables] == [made.tables[0].rows]


def _sheet(path):
    assert "DejaVuSans" in fonts()
    look = Look(font="DejaVuSans", body_size=10.5, title_size=16.0, table_style="unruled",
                accent=("#4472C4", "#CFD5EA", "#E9EBF5"), cell_size=9.5)
    return Sheet(path, A4, look, margin=62, title="Ikkje ein tabell")


def _sentences(seed: int):
    content = document_content(random.Random(seed), n_sentences=16, table_rows=(3, 4), table_cols=(3, 3))
    return content.sentences


def test_two_columns_of_prose_with_numbers_are_no_table(tmp_path):
    path = tmp_path / "two-columns.pdf"
    sheet = _sheet(path)
    width = A4[0] - 2 * sheet.margin
    column = (width - 18) / 2
    for page in range(2):
        top = sheet.y
        sentences = _sentences(page)
        for s in sentences[:8]:
            sheet.sentence(s, sheet.margin, column, gap=0.8)
        sheet.y = top
        for s in sentences[8:]:
            sheet.sentence(s, sheet.margin + column + 18, column, gap=0.8)
        sheet.new_page()
    sheet.finish()
    doc = _read(path)
    assert doc.tables == []
    assert sum(len(p.blocks) for p in doc.pages) > 40


def test_lists_of_counts_are_no_table(tmp_path):
    path = tmp_path / "lists.pdf"
    sheet = _sheet(path)
    width = A4[0] - 2 * sheet.margin
    for s in _sentences(7)[:8]:
        sheet.sentence(s, sheet.margin, width, bullet=True, gap=0.25)
    sheet.y -= 20
    canvas, size = sheet.canvas, sheet.look.body_size
    places = kommuner_at(date(2014, 1, 1))[:8]
    for n, k in enumerate(places, start=1):
        sheet.y -= size * 1.6
        canvas.setFont(sheet.look.font, size)
        canvas.drawString(sheet.margin, sheet.y, f"{n}.")
        canvas.drawString(sheet.margin + 2 * size, sheet.y, f"{k.name}: {n * 7} deltakere")
    sheet.finish()
    doc = _read(path)
    assert doc.tables == []
    text = doc.pages[0].text
    assert f"{places[2].name}: 21 deltakere" in text and "kommune" in text


def test_municipalities_of_a_table_over_a_page_break_are_on_the_page_of_their_row(generated):
    made, dest = generated[LONG_TABLE]
    records = recognise(_read(dest / made.file_name))
    found = {(r.page, r.kommunenummer) for r in records if r.type == "municipality"}
    for page in made.tables[0].pages:
        assert {(page, k) for k in made.pages[page - 1].mentions} <= found
