"""Worn photocopies: what the copier does to a page costs no text of it.

The documents are made by the split generator (bench.generate), train seeds whose copies show
the trouble each test is about: a copier's shadow along the margins of a slide, which OCR read
as a line of capitals (`TEST ENE INT VE YR ENEEIER`) with the footer in it misread; a handout
on grey paper with a shadow along its foot, whose every line but one was lost; a ruled table
on a handout copied at 150 dpi, whose inner vertical rules stand beside the tall letters of
other lines (read at 300 dpi, soft), and were missed: its six columns were read as two; a
table without rules on a handout copied 1.5° askew, which was not levelled and not found; a
banded slide table on grey paper with an empty row between its rules, whose page was lost to
an IndexError of ours; a banded table copied soft, whose shaded rows of letters blurred into
dark bands thin enough to pass for rules, and erased as rules took the letters with them
(seeds 733 and 794 of the fresh train seeds: the table was lost); a table whose only rules
are hairlines under its header and its last row, greyed by the copier to lighter than the
text's threshold on a page whose shadowed margins were evened away, so the rules were not
found nor erased, the first row read as `TET` through its rule and no table found (seed 865);
a banded table on grey paper whose light gaps between cells the copier's speckle broke, so that
two columns and then all rows but one ran together (seed 847).
"""

from __future__ import annotations

import pytest

from tests.generated_docs import make, read

# Train seeds, photocopies.
SHADOWED_SLIDES, SHADOWED_HANDOUT, RULED_HANDOUT, ASKEW_HANDOUT, EMPTY_ROW_SLIDES = 79, 25, 247, 193, 199
# Train seeds a photocopy and a photo of banded tables whose rows blurred into bands.
SOFT_BANDS = (733, 794)
# Train seeds: a photocopy of a table ruled by two hairlines only; one of a banded table on grey paper.
GREYED_HAIRLINES, SPECKLED_GAPS = 865, 847


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    return make(tmp_path_factory, "photocopies",
                (SHADOWED_SLIDES, SHADOWED_HANDOUT, RULED_HANDOUT, ASKEW_HANDOUT, EMPTY_ROW_SLIDES, *SOFT_BANDS,
                 GREYED_HAIRLINES, SPECKLED_GAPS))


def test_a_shadowed_margin_reads_as_no_line_of_junk(made):
    drawn, doc = read(made, SHADOWED_SLIDES)
    words = {w.strip("-.") for w in drawn.pages[0].text.split()}
    page = doc.pages[0]
    # Every line read is mostly words the slide shows (the shadow's ramp is none).
    for block in page.blocks:
        seen = [w.strip("-.") for w in block.text.split()]
        assert sum(w in words for w in seen) >= len(seen) / 2, block.text
    assert "Saman om ein betre kommune" in [b.text for b in page.blocks]


def test_a_handout_with_a_shadowed_foot_keeps_its_text_and_table(made):
    drawn, doc = read(made, SHADOWED_HANDOUT)
    text = "\n".join(b.text for b in doc.pages[0].blocks)
    for line in drawn.pages[0].lines[:5]:
        assert line.replace("\xa0", " ") in text
    assert doc.tables and doc.tables[0].rows == drawn.tables[0].rows


def test_every_inner_vertical_rule_of_a_soft_ruled_table_is_found(made):
    drawn, doc = read(made, RULED_HANDOUT)
    gold = drawn.tables[0].rows
    assert len(doc.tables) == 1
    rows = doc.tables[0].rows
    assert [len(r) for r in rows] == [len(r) for r in gold]
    assert rows[1:] == gold[1:]


def test_a_table_without_rules_on_a_page_copied_askew_is_found(made):
    drawn, doc = read(made, ASKEW_HANDOUT)
    assert abs(drawn.capture["angle"]) > 1.0
    gold = drawn.tables[0].rows
    assert len(doc.tables) == 1
    rows = doc.tables[0].rows
    assert [r[0] for r in rows] == [r[0] for r in gold] and len(rows[0]) == len(gold[0])


def test_a_ruled_table_with_an_empty_row_costs_no_page(made):
    drawn, doc = read(made, EMPTY_ROW_SLIDES)
    assert doc.faults == []
    table_page = drawn.tables[0].pages[0]
    assert "Tiltak i kommunene" in "\n".join(b.text for b in doc.pages[table_page - 1].blocks)


@pytest.mark.parametrize("seed", SOFT_BANDS)
def test_letters_blurred_into_a_band_are_not_erased_as_a_rule(made, seed):
    drawn, doc = read(made, seed)
    (gold,) = drawn.tables
    found = [t for t in doc.tables if t.pages == gold.pages]
    assert len(found) == 1
    # Every row is found by its first cell, the header included.
    assert [" ".join((r[0] or "").split()) for r in found[0].rows] == [r[0] for r in gold.rows]


def test_hairlines_a_copier_greyed_are_rules_and_the_table_is_read(made):
    drawn, doc = read(made, GREYED_HAIRLINES)
    assert drawn.condition == "photocopy"
    (gold,) = drawn.tables
    assert doc.tables and doc.tables[0].rows == gold.rows


def test_light_gaps_a_copier_speckled_still_part_the_cells_of_a_banded_table(made):
    drawn, doc = read(made, SPECKLED_GAPS)
    assert drawn.condition == "photocopy" and drawn.tables[0].style == "banded"
    (gold,) = drawn.tables
    assert doc.tables and doc.tables[0].rows == gold.rows


def test_a_hairline_greyer_than_the_text_is_a_rule_and_a_band_as_grey_is_not():
    """A hairline lighter than the threshold between the text's black and the paper is still
    looked for as a rule; a band of the same grey, thicker than a rule, is shading."""
    import numpy as np

    from extractors.ocr.tables import find_rules, ink_threshold

    page = np.full((700, 900), 228, dtype=np.uint8)
    for y in range(40, 200, 16):  # lines of text, soft as a copy's: black strokes, grey edges
        page[y:y + 10, 100:800:4] = 60
        page[y:y + 10, 101:800:4] = 130
        page[y:y + 10, 102:800:4] = 190
    page[260:262, 100:800] = 175  # a hairline a copier greyed
    page[400:440, 100:800] = 175  # a band of the same grey
    assert 175 > ink_threshold(page)  # not ink by the text's threshold
    found = [round(r.pos) for r in find_rules(page, 150).horizontal]
    assert any(abs(y - 261) <= 2 for y in found)
    assert not any(380 <= y <= 460 for y in found)
