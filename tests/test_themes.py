"""The theme recogniser: lexicon matching (inflections, nynorsk, compounds, OCR), weights,
threshold and the page and document records."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractors.recognisers.themes import LEXICON_DIR, THEMES, match_terms, recognise_themes
from models import Block, Document, Page, Table


def page(number: int, title: str | None, *bodies: str, role: str = "body") -> Page:
    blocks = [Block(text=title, role="title", method="pptx")] if title else []
    blocks += [Block(text=b, role=role, method="pptx") for b in bodies]
    return Page(number=number, kind="slide", blocks=blocks, method="pptx")


def deck(*pages: Page, tables: list[Table] | None = None) -> Document:
    return Document(sha256="0" * 64, path="x.pptx", media_type="application/pptx", pages=list(pages), tables=tables or [])


def themes_of(text: str) -> list[str]:
    return [m.theme for m in match_terms(text)]


def test_every_theme_has_a_lexicon():
    assert sorted(p.stem for p in Path(LEXICON_DIR).glob("*.txt") if p.stem in THEMES) == sorted(THEMES)


@pytest.mark.parametrize(
    ("text", "theme"),
    [
        ("sykefraværet går ned", "sykefravaer"),  # inflection through the stemmer
        ("sjukefråværet går ned", "sykefravaer"),  # nynorsk
        ("arbeid med nærværskultur", "sykefravaer"),  # compound head
        ("oppfølging av sykmeldte", "sykefravaer"),
        ("Ny IA-avtale", "sykefravaer"),
        ("ufrivillig deltid", "heltid_deltid"),
        ("heiltidskultur i kommunane", "heltid_deltid"),  # nynorsk
        ("samarbeidsturnusen", "heltid_deltid"),  # compound tail, inflected
        ("langvakter i helgene", "heltid_deltid"),
        ("vikarpool", "heltid_deltid"),
        ("strategisk kompetanseplan", "kompetanse_rekruttering"),
        ("rekruttering av sykepleiere", "kompetanse_rekruttering"),
        ("kurs og e-læring", "kompetanse_rekruttering"),
        ("omdømmet er godt", "omdomme"),
        ("omdøme", "omdomme"),  # nynorsk spelling
        ("rolla som arbeidsgjevar og arbeidsgjevarrolla", "omdomme"),
        ("stedsutvikling", "omdomme"),
        ("innbyggerdialog", "omdomme"),
        ("tjenesteinnovasjon", "innovasjon"),  # anywhere in a word
        ("fornying av sektoren", "innovasjon"),
        ("nytenking", "innovasjon"),
        ("omdomme og sykefravaer", "omdomme"),  # OCR lost æ/ø/å
    ],
)
def test_lexicon_matches(text, theme):
    assert theme in themes_of(text)


def test_exclusions_and_ordinary_words_do_not_match():
    assert themes_of("Avtale inngått med kompetansemiljøer") == []
    assert themes_of("Kommunal- og moderniseringsdepartementet") == []
    assert themes_of("ia") == []  # the acronym is matched case-sensitively


def test_heltid_deltid_written_together_is_one_term():
    assert [m.words for m in match_terms("Oppstartsrapportering: heltid/deltid")] == ["heltid/deltid"]


def test_evidence_is_the_words_as_written():
    assert [m.words for m in match_terms("kurspakker og e-læring")] == ["kurspakker", "e-læring"]


def test_title_weighs_more_than_body():
    doc = deck(page(1, "Sykefravær"), page(2, "Status", "sykefravær"))
    by_page = {r.page: r.score for r in recognise_themes(doc, []) if r.page is not None}
    assert by_page[1] > by_page[2] > 0


def test_page_record_has_score_evidence_and_provenance():
    doc = deck(page(1, "Oppstartsrapportering: sykefravær", "nærvær og oppfølging av sykmeldte"))
    [rec] = [r for r in recognise_themes(doc, []) if r.page == 1]
    assert rec.theme == "sykefravaer"
    assert 0.8 < rec.score <= 1  # W = 3 (title) + 2 (opens a line) + 1
    assert rec.evidence[0] == "sykefravær"  # the title's word weighs most
    assert set(rec.evidence) == {"sykefravær", "nærvær", "sykmeldte"}
    assert (rec.file_name, rec.method, rec.sha256) == ("x.pptx", "pptx", "0" * 64)


def test_threshold_a_lone_generic_word_in_a_sentence_is_not_enough():
    doc = deck(page(1, "Dypdykk", "tid, kompetanse og økonomi"))
    assert recognise_themes(doc, []) == []


def test_threshold_a_generic_word_opening_a_line_or_in_a_title_is_enough():
    opening = deck(page(1, "Temaverkstedene", "Kompetanse og omdømme – 19. november i Oslo"))
    assert {r.theme for r in recognise_themes(opening, []) if r.page == 1} == {"kompetanse_rekruttering", "omdomme"}
    titled = deck(page(1, "Kompetanse", "Status"))
    assert {r.theme for r in recognise_themes(titled, [])} == {"kompetanse_rekruttering"}


def test_page_without_theme_words_gets_no_record():
    doc = deck(page(1, "Velkommen", "Dagens program"), page(2, "Innovasjon"))
    assert {r.page for r in recognise_themes(doc, [])} == {2, None}


def test_notes_and_furniture_are_not_read():
    p = page(1, "Status")
    p.blocks += [Block(text="sykefravær og heltid", role="notes"), Block(text="Innovasjon Norge", role="furniture")]
    assert recognise_themes(deck(p), []) == []


def test_table_cells_and_chart_categories_count():
    cells = deck(page(1, "Tiltak", "Langvakter helg", "Vikarpool", role="table-cell"))
    assert {r.theme for r in recognise_themes(cells, [])} == {"heltid_deltid"}
    chart = Table(table_id="p1t1", page=1, pages=[1], rows=[["", "Prosjekter"], ["Omdømme", "7"]], source="chart")
    charted = deck(page(1, "Antall prosjekter per tema"), tables=[chart])
    assert {r.theme for r in recognise_themes(charted, [])} == {"omdomme"}


def test_document_record_covers_every_page_theme_and_grows_with_mentions():
    doc = deck(page(1, "Heltid", "turnus"), page(2, "Heltid", "langvakter"), page(3, "Status", "omdømme"))
    records = recognise_themes(doc, [])
    doc_level = {r.theme: r for r in records if r.page is None}
    page_level = {(r.page, r.theme) for r in records if r.page is not None}
    assert set(doc_level) == {t for _, t in page_level} == {"heltid_deltid", "omdomme"}
    assert doc_level["heltid_deltid"].score > doc_level["omdomme"].score
    assert set(doc_level["heltid_deltid"].evidence) == {"heltid", "turnus", "langvakter"}


def test_corpus_themes_against_the_gold(born_digital_docs):
    """F1 on the hand-checked gold of the born-digital corpus (pages and documents; key: file,
    page, theme)."""
    from tests.gold import load_gold
    from tests.scoring import prf

    found = [(name, r.page, r.theme) for name, doc in born_digital_docs.items() for r in recognise_themes(doc, [])]
    expected = [(g["file_name"], g["page"], g["theme"]) for g in load_gold("theme") if g["file_name"] in born_digital_docs]
    s = prf(found, expected)
    assert s.gold >= 50 and s.f1 >= 0.95, (s.extra, s.missed)

