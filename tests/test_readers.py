"""The format readers on every born-digital corpus file, checked against the hand-made gold."""

from __future__ import annotations

import pytest

from extractors.readers.base import read_document, sniff
from extractors.readers.source import ReadOptions
from tests.conftest import BORN_DIGITAL, CORPUS
from tests.gold import load_gold

GOLD_DOCS = {g["file_name"]: g for g in load_gold("document")}
DIGITAL_NAMES = [p.name for p in BORN_DIGITAL]


@pytest.fixture(scope="module")
def docs():
    return {p.name: read_document(p, options=ReadOptions(ocr=False)) for p in BORN_DIGITAL}


def test_every_born_digital_file_has_gold():
    assert DIGITAL_NAMES and set(DIGITAL_NAMES) <= set(GOLD_DOCS)


@pytest.mark.parametrize("name", DIGITAL_NAMES)
def test_document_metadata_matches_gold(docs, name):
    doc, gold = docs[name], GOLD_DOCS[name]
    assert len(doc.pages) == gold["n_pages"]
    assert doc.media_type == gold["media_type"]
    assert doc.date == gold["date"]
    assert doc.language == gold["language"]
    assert doc.title == gold["title"]


@pytest.mark.parametrize("name", DIGITAL_NAMES)
def test_tables_match_gold_cell_by_cell(docs, name):
    expected = sorted((g["page"], g["rows"]) for g in load_gold("table") if g["file_name"] == name)
    got = sorted((t.page, t.rows) for t in docs[name].tables)
    assert got == expected


@pytest.mark.parametrize("name", DIGITAL_NAMES)
def test_page_titles_match_gold(docs, name):
    expected = {g["page"]: g["title"] for g in load_gold("page") if g["file_name"] == name}
    assert expected, "gold has page titles for every corpus file"
    assert {p.number: p.title for p in docs[name].pages if p.number in expected} == expected


def test_pptx_keeps_bullet_levels_reading_order_and_notes_apart(docs):
    slide = docs["2012-08-28_asker_nettverkssamling.pptx"].pages[3]
    body = [(b.level, b.text) for b in slide.blocks if b.role == "body"]
    assert body[0][0] == 0 and any(level == 1 for level, _ in body)
    assert slide.blocks[0].role == "title"
    assert slide.notes and slide.notes not in slide.text


def test_pptx_reads_text_inside_grouped_shapes(docs):
    org_chart = docs["2012-08-28_asker_nettverkssamling.pptx"].pages[4]
    assert "Programråd" in org_chart.text and "Sekretariatet" in org_chart.text


def test_footers_and_slide_numbers_are_furniture_in_the_page_text(docs):
    """The contract's page text leaves out only notes: a footer is on the page. It is marked
    furniture, so recognisers (which read by role) do not take it for the slide's content."""
    for name in ("2012-08-28_asker_nettverkssamling.pptx", "2012-08-28_asker_nettverkssamling.pdf"):
        for page in docs[name].pages[1:]:
            footers = [b.text for b in page.blocks if b.role == "furniture"]
            assert any("regionaldepartementet" in t for t in footers), (name, page.number)
            assert all(t in page.text for t in footers)
            assert page.notes not in page.text or not page.notes


def test_chart_data_becomes_a_table(docs):
    charts = [t for t in docs["2014-03-12_kmd_programstatus.pptx"].tables if t.source == "chart"]
    assert len(charts) == 1
    assert all(len(row) == len(charts[0].rows[0]) for row in charts[0].rows)
    assert any(row[1].isdigit() for row in charts[0].rows[1:])


def test_table_over_a_page_break_is_one_table(docs):
    tables = docs["2015-06-30_sluttrapport_tiltak.pdf"].tables
    assert len(tables) == 1 and tables[0].pages == [2, 3]
    header = tables[0].rows[0]
    assert tables[0].rows.count(header) == 1, "the repeated header row is dropped"


def test_pdf_running_header_is_furniture(docs):
    report = docs["2015-06-30_sluttrapport_tiltak.pdf"]
    furniture = {b.text for p in report.pages for b in p.blocks if b.role == "furniture"}
    assert any("Side" in t or t[-1:].isdigit() for t in furniture)
    for page in report.pages[1:]:  # the running head repeats the title: furniture, not the page's title
        heads = [b for b in page.blocks if b.text == report.title]
        assert heads and all(b.role == "furniture" for b in heads), page.number


def test_pdf_blocks_carry_bboxes_inside_the_page(docs):
    page = docs["2015-06-30_sluttrapport_tiltak.pdf"].pages[0]
    for b in page.blocks:
        x0, top, x1, bottom = b.bbox
        assert 0 <= x0 < x1 <= page.width and 0 <= top < bottom <= page.height


def test_reading_order_is_top_to_bottom(docs):
    for page in docs["2015-06-30_sluttrapport_tiltak.pdf"].pages:
        tops = [b.bbox[1] for b in page.blocks if b.role != "furniture"]
        assert tops == sorted(tops)


def test_sniff_goes_by_content_not_name():
    assert sniff(CORPUS / "2015-06-30_sluttrapport_tiltak.pdf") == "pdf"
    assert sniff(CORPUS / "2014-03-12_kmd_programstatus.pptx") == "pptx"
