"""The recognisers' contract: components declare what they require and emit, the pipeline checks the order."""

from __future__ import annotations

from dataclasses import fields
from datetime import date

import pytest

from extractors.recognisers.base import Found, PipelineError, component
from extractors.recognisers.context import FACTS, PROGRAMME_DATE, Context
from extractors.recognisers.pipeline import (
    COMPONENTS,
    STRUCTURAL,
    build,
    check_order,
    pipeline,
    recognise,
    structural_records,
)
from models import (
    Block,
    CountRecord,
    Document,
    DocumentRecord,
    Fault,
    MeasureRecord,
    MunicipalityRecord,
    Page,
    Table,
    TableRecord,
    ThemeRecord,
)


def _doc(*titles: str, day: str | None = "2014-03-01", tables: list[Table] = ()) -> Document:
    pages = [Page(number=n, kind="slide", method="pptx", blocks=[Block(text=t, role="title", method="pptx"),
                                                                 Block(text="Status", role="body", method="pptx")])
             for n, t in enumerate(titles, 1)]
    return Document(sha256="cd" * 32, path="/x/deck.pptx", media_type="application/x-test", pages=pages,
                    tables=list(tables), date=day, language="nb")


def _document_record(day: str) -> DocumentRecord:
    return DocumentRecord(doc_id="x", file_name="f", sha256="y", path="f", media_type="m", n_pages=1, date=day,
                          pipeline_version="0")


def _reordered(*names: str) -> dict[str, str]:
    return {name: COMPONENTS[name] for name in names}


# --- the order --------------------------------------------------------------------------------

def test_the_pipeline_runs_the_components_of_COMPONENTS_in_their_order():
    assert [c.name for c in pipeline()] == list(COMPONENTS) == ["municipalities", "themes", "counts", "measures"]


def test_a_component_before_the_one_that_emits_what_it_requires_is_an_error_naming_both():
    with pytest.raises(PipelineError) as wrong:
        build(_reordered("municipalities", "measures", "themes", "counts"))
    assert str(wrong.value) == "'measures' requires ThemeRecord, which 'themes' emits only at or after it"


def test_a_requirement_no_component_emits_is_an_error():
    with pytest.raises(PipelineError, match="'measures' requires ThemeRecord, which no component emits"):
        build(_reordered("municipalities", "counts", "measures"))


def test_every_broken_requirement_is_named_at_once():
    with pytest.raises(PipelineError) as wrong:
        build(_reordered("measures", "counts", "themes", "municipalities"))
    assert "'measures' requires MunicipalityRecord, which 'municipalities' emits" in str(wrong.value)
    assert "'measures' requires ThemeRecord, which 'themes' emits" in str(wrong.value)


def test_a_fact_the_context_does_not_hold_is_an_error():
    @component("speakers", requires=["speakers"], emits=[CountRecord])
    def speakers(doc, context, found):
        return []

    with pytest.raises(PipelineError, match="'speakers' requires the fact 'speakers', which the context does not hold"):
        check_order([speakers])


def test_structural_records_need_no_component_and_a_component_may_not_require_its_own_output():
    assert TableRecord in STRUCTURAL

    @component("tables", requires=[TableRecord], emits=[CountRecord])
    def tables(doc, context, found):
        return []

    check_order([tables])

    @component("again", requires=[CountRecord], emits=[CountRecord])
    def again(doc, context, found):
        return []

    with pytest.raises(PipelineError, match="'again' requires CountRecord, which 'again' emits only at or after it"):
        check_order([again])


def test_the_structural_records_are_of_the_types_the_order_check_takes_as_given():
    doc = _doc("Status", tables=[Table(table_id="p1t1", page=1, pages=[1], rows=[["a", "b"]])])
    doc.faults.append(Fault(page=1, kind="internal", message="m"))
    assert {type(r) for r in structural_records(doc)} == set(STRUCTURAL)


def test_an_import_string_that_is_no_component_of_that_name_is_an_error():
    with pytest.raises(PipelineError, match="is not the component 'themes'"):
        build({"themes": COMPONENTS["counts"]})


# --- what a component emits ----------------------------------------------------------------------

def test_a_record_of_a_type_the_component_does_not_declare_fails():
    @component("sloppy", emits=[ThemeRecord])
    def sloppy(doc, context, found):
        return [CountRecord(**doc.provenance(1), value=1, unit="kommune", text="1 kommune")]

    with pytest.raises(PipelineError, match="'sloppy' emitted CountRecord, which its emits does not declare"):
        sloppy(_doc("Status"))


def test_the_measure_recogniser_declares_the_counts_it_finds_in_tables():
    measures = next(c for c in pipeline() if c.name == "measures")
    assert set(measures.emits) == {MeasureRecord, CountRecord}
    table = Table(table_id="p1t1", page=1, pages=[1], rows=[["Tema", "Antall"], ["Omdømme", "7"]])
    assert [(r.type, r.value, r.unit) for r in measures(_doc("Prosjekt etter tema", tables=[table]))] == [
        ("count", 7, "prosjekt")]


# --- what a component receives -------------------------------------------------------------------

def test_found_gives_the_records_of_one_type_in_order():
    doc = _doc("Status")
    themes = [ThemeRecord(**doc.provenance(n), theme="omdomme", score=0.5) for n in (1, 2)]
    count = CountRecord(**doc.provenance(1), value=3, unit="kommune", text="3 kommuner")
    found = Found([themes[0], count, themes[1]])
    assert found.of(ThemeRecord) == themes and found.of(CountRecord) == [count]
    assert found.of(MunicipalityRecord) == [] and list(found) == [themes[0], count, themes[1]] and len(found) == 3


def test_the_facts_are_the_fields_of_the_context():
    assert FACTS == {f.name for f in fields(Context)}


def test_the_context_date_is_the_documents_else_its_records_else_the_programmes():
    assert Context.of(_doc("Status")).date == date(2014, 3, 1)
    assert Context.of(_doc("Status", day=None), [_document_record("2021-01-05")]).date == date(2021, 1, 5)
    assert Context.of(_doc("Status", day=None)).date == PROGRAMME_DATE == date(2013, 6, 30)


def test_the_context_titles_are_the_title_blocks_of_each_page():
    doc = _doc("Oppstartsrapportering:", "Antall prosjekter")
    doc.pages[0].blocks.insert(1, Block(text=" sykefravær ", role="title", method="pptx"))
    context = Context.of(doc)
    assert [context.title(1), context.title(2), context.title(3), context.title(None)] == [
        "Oppstartsrapportering: sykefravær", "Antall prosjekter", "", ""]


def test_the_pipeline_gives_measures_the_themes_and_municipalities_found_before_it():
    """A municipality table on a page about sick leave: its measures carry the page's theme
    (from the theme recogniser) and Våler the county the municipality recogniser chose on the page."""
    table = Table(table_id="p1t1", page=1, pages=[1], rows=[["Kommune", "Tiltak"], ["Våler", "Vikarpool"],
                                                            ["Elverum", "Langvakter"]])
    doc = _doc("Sykefravær i kommunene", tables=[table])
    records = recognise(doc)
    measures = [(r.municipality, r.fylke, r.theme) for r in records if r.type == "measure"]
    assert measures == [("Våler", "Hedmark", "sykefravaer"), ("Elverum", "Hedmark", "sykefravaer")]

