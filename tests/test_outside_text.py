"""The recognisers on outside-like text: people, stated numbers, numbered labels, other languages, long text.

The samples and their truth are in tests/outside_text.py (candidate and members' lists, a
ministry report paragraph, a meeting protocol, OCR'd text, stated-number lines, an English
report); each test here holds one class of issue 12 items 5, 4, 10, 6 and 12 to what a careful
reader finds, on text generated here.
"""

from __future__ import annotations

import pytest

from extractors.recognisers.counts import recognise_counts
from extractors.recognisers.municipalities import MAX_PIECE_CHARS, recognise_municipalities
from extractors.recognisers.pipeline import recognise
from extractors.recognisers.themes import recognise_themes
from models import Block, Document, Page
from tests.outside_text import SAMPLES, Sample, errors, score

BY_NAME = {s.name: s for s in SAMPLES}


def _doc(*lines: str, method: str = "text", day: str | None = "2014-06-01", language: str = "nb") -> Document:
    return Sample("x", lines, (), day=day, method=method, language=language).document()


def _mentions(doc: Document) -> list[tuple[str, str, str]]:
    return [(r.surface, r.kommunenummer, r.fylke) for r in recognise_municipalities(doc, [])]


def _counts(*lines: str, language: str = "nb") -> list[tuple[float, str]]:
    return [(r.value, r.unit) for r in recognise_counts(_doc(*lines, language=language), [])]


def test_every_outside_sample_is_read_as_its_truth() -> None:
    assert errors() == []
    figures = score()
    assert figures["municipality_precision"] == figures["municipality_recall"] == 1.0
    assert figures["count_precision"] == figures["count_recall"] == 1.0


# --- people ---------------------------------------------------------------------------------

def test_a_candidate_list_gives_no_surname_mentions() -> None:
    found = _mentions(BY_NAME["kandidatliste_hole_2015"].document())
    assert found == [("Hole", "0612", "Buskerud")], "only `Hole kommune` in the heading"


@pytest.mark.parametrize("line", [
    "Kari Stryn", "Ola Nordmann Hole", "PER LUNNER", "Hans Fjell 1961", "Anne-Lise Voss", "3. Kristian Stange, 1977",
    "Stryn, Kari (1961)", "Fjell (1961)",
])
def test_a_name_after_a_given_name_or_beside_a_birth_year_is_a_surname(line: str) -> None:
    assert _mentions(_doc(line)) == []


@pytest.mark.parametrize(("line", "surface"), [
    ("Astrid Voss, Voss kommune", "Voss"), ("Per Gran, Gran kommune", "Gran"), ("Kari bor i Stryn", "Stryn"),
    ("Kari Fjell (Bergen)", "Bergen"), ("Stryn, Voss og Lom", "Stryn"),
])
def test_the_place_beside_a_person_still_counts(line: str, surface: str) -> None:
    assert surface in [s for s, _n, _f in _mentions(_doc(line))]


def test_a_column_of_names_in_a_table_holds_surnames() -> None:
    from models import Table

    rows = [["Fornavn", "Etternavn", "Kommune"], ["Kari", "Stryn", "Voss"], ["Ola", "Lunner", "Hamar"]]
    doc = _doc("Deltakarar").model_copy(update={"tables": [Table(table_id="p1t1", page=1, pages=[1], rows=rows)]})
    assert [s for s, _n, _f in _mentions(doc)] == ["Voss", "Hamar"]
    rows = [["Etternavn", "Kommune"], ["Stryn", "Voss"], ["Lunner", "Hamar"]]
    doc = doc.model_copy(update={"tables": [Table(table_id="p1t1", page=1, pages=[1], rows=rows)]})
    assert [s for s, _n, _f in _mentions(doc)] == ["Voss", "Hamar"]


def test_ocr_fuzzy_matches_need_a_place_context() -> None:
    # surnames and ordinary words one or two letters from a name
    assert _mentions(_doc("Kari Olsen og Per Karlsen deltar", "Liten endring", "Rådet møtte", method="ocr")) == []
    assert _mentions(_doc("Kristiansen og Karlsen deltar", method="ocr")) == []
    assert [s for s, _n, _f in _mentions(_doc("Prosjektet i Lgten", "Hamar, Lgten og Stange", method="ocr"))] == [
        "Lgten", "Hamar", "Lgten", "Stange"]


# --- lines that state a number or a county ------------------------------------------------------

def test_a_stated_number_or_county_decides_number_county_and_era() -> None:
    assert _mentions(_doc("4601 Bergen 46 Vestland", day="2013-06-01")) == [("Bergen", "4601", "Vestland")]
    assert _mentions(_doc("1201 Bergen", day="2024-06-01")) == [("Bergen", "1201", "Hordaland")]
    assert _mentions(_doc("Herøy kommune, Nordland fylke", day="2013-06-01")) == [("Herøy", "1818", "Nordland")]
    assert _mentions(_doc("Herøy kommune, Møre og Romsdal fylke")) == [("Herøy", "1515", "Møre og Romsdal")]
    assert _mentions(_doc("0821 Bø", day="2013-06-01")) == [("Bø", "0821", "Telemark")]
    assert _mentions(_doc("1867 Bø", day="2013-06-01")) == [("Bø", "1867", "Nordland")]
    # a county of another era moves the mention to that era: Vestland in a 2013 document
    assert _mentions(_doc("Stord kommune, Vestland fylke", day="2013-06-01")) == [("Stord", "4614", "Vestland")]
    # a postal code is no kommunenummer: the document's date decides
    assert _mentions(_doc("0159 Oslo", day="2013-06-01")) == [("Oslo", "0301", "Oslo")]


def test_a_remark_in_brackets_is_no_list_of_members() -> None:
    # from an English survey report: `Time` is a false friend, and `(222 at Time 2)` no group
    line = "The 244 total responses received at Time 1 for these questions (222 at Time 2) were"
    assert _mentions(_doc(line, language="en")) == []
    # a false friend alone on a line: a heading in English, a list of one in Norwegian
    assert _mentions(_doc("Time", "Markers", method="ocr", language="en")) == []
    assert [s for s, _n, _f in _mentions(_doc("Time", language="nb"))] == ["Time"]
    assert [s for s, _n, _f in _mentions(_doc("Jærsamarbeidet (Time, Klepp og Hå kommunar)"))] == ["Time", "Klepp", "Hå"]


def test_a_list_of_places_is_not_a_county_statement() -> None:
    assert _mentions(_doc("Bærum, Oslo og Asker", day="2013-06-01")) == [
        ("Bærum", "0219", "Akershus"), ("Oslo", "0301", "Oslo"), ("Asker", "0220", "Akershus")]


# --- numbered labels ------------------------------------------------------------------------------

@pytest.mark.parametrize(("line", "expected"), [
    ("Gruppe 2, 17 prosjekter, 20 kommuner", [(17, "prosjekt"), (20, "kommune")]),
    ("Gruppe 2 – 17 prosjekter, 20 kommuner", [(17, "prosjekt"), (20, "kommune")]),
    ("Gruppe 2, 17 prosjekter", [(17, "prosjekt")]),
    ("Gruppe 2 har 17 prosjekter", [(17, "prosjekt")]),
    ("Pulje 1 – 12 kommunar", [(12, "kommune")]),
    ("Fase 3, 4 nye tiltak", [(4, "tiltak")]),
    ("Tiltak 4 – 6 kommuner", [(6, "kommune")]),
    ("Kapittel 5: 3 fylker", [(3, "fylke")]),
    ("Årsrapportering 1 og 2", []),
    ("Gruppe 2", []),
    ("2–3 kommuner", []),
])
def test_a_labels_number_is_no_count_and_does_not_swallow_the_next(line: str, expected: list) -> None:
    assert _counts(line) == expected


# --- other languages ------------------------------------------------------------------------------

def test_norwegian_recognisers_say_what_they_do_with_other_languages() -> None:
    english = _doc("Innovation and recruitment: 3 projects, 12 percent, 20 kommuner, 15 %", language="en")
    assert [(r.value, r.unit) for r in recognise_counts(english, [])] == [(20, "kommune"), (15, "prosent")]
    assert recognise_themes(english, []) == []
    norwegian = _doc("Innovasjon og rekruttering: 3 prosjekter", language="nb")
    assert recognise_themes(norwegian, []) and recognise_counts(norwegian, [])
    from extractors.recognisers.measures import recognise_measures
    from models import Table

    table = Table(table_id="p1t1", page=1, pages=[1], rows=[["Reason", "Layoff"], ["Closure", "150"], ["Share", "12 %"]])
    tabled = english.model_copy(update={"tables": [table]})
    assert [(r.value, r.unit) for r in recognise_measures(tabled, []) if r.type == "count"] == [(12, "prosent")]
    in_norwegian = tabled.model_copy(update={"language": "nb"})
    assert [(r.value, r.unit) for r in recognise_measures(in_norwegian, []) if r.type == "count"] == [
        (150, "layoff"), (12, "prosent")]
    # municipality names count whatever the language
    assert [s for s, _n, _f in _mentions(BY_NAME["annual_report_en_2019"].document())] == ["Oslo", "Bergen"]


# --- long text ------------------------------------------------------------------------------------

def test_a_text_of_megabytes_in_one_shape_loses_no_mention() -> None:
    """3 MB in one block (spaCy parses at most 1,000,000 characters at once): every one of the
    names placed through it is found, at the start, at the end and across every piece boundary."""
    filler = "og arbeidet i kommunen fortsetter med 12 prosjekter om sykefravær, "
    chunk = filler * (MAX_PIECE_CHARS // len(filler) // 3)
    names = ["Nord-Aurdal", "Øvre Eiker", "Drammen", "Våler i Solør"]
    parts = [f"{names[i % len(names)]} kommune {chunk}" for i in range(3_000_000 // len(chunk) + 1)]
    text = "".join(parts) + "Til slutt Bodø kommune."
    assert len(text) > 3_000_000
    page = Page(number=1, kind="slide", method="pptx", blocks=[Block(text=text, method="pptx")])
    doc = Document(sha256="ef" * 32, path="/x/lang.pptx", media_type="x", pages=[page], date="2014-06-01", language="nb")
    records = recognise(doc)
    mentions = [r for r in records if r.type == "municipality"]
    assert len(mentions) == len(parts) + 1
    assert mentions[-1].surface == "Bodø" and mentions[0].surface == "Nord-Aurdal"
    assert all(len(r.context) <= MAX_PIECE_CHARS for r in mentions)
    assert sum(r.type == "count" for r in records) >= len(parts)
