"""The count recogniser, rule by rule: what is a count (value, unit, of, subject) and what is not."""

from __future__ import annotations

import pytest

from extractors.recognisers.counts import recognise_counts
from models import Block, Document, Page


def slide(*bodies: str | tuple[str, int], title: str = "Status", kind: str = "slide") -> Document:
    blocks = [Block(text=title, role="title", method="pptx")]
    for body in bodies:
        text, level = body if isinstance(body, tuple) else (body, 0)
        blocks.append(Block(text=text, role="body", level=level, method="pptx"))
    return Document(sha256="0" * 64, path="x.pptx", media_type="application/pptx", pages=[Page(number=1, kind=kind, blocks=blocks)])


def counts(*bodies: str | tuple[str, int], title: str = "Status") -> list[tuple[float, str]]:
    return [(r.value, r.unit) for r in recognise_counts(slide(*bodies, title=title), [])]


def one(text: str, title: str = "Status"):
    records = recognise_counts(slide(text, title=title), [])
    assert len(records) == 1, [r.text for r in records]
    return records[0]


# --- what is a count ----------------------------------------------------------------------------

def test_digits_with_their_noun_lemmatised():
    assert counts("18 prosjekter") == [(18, "prosjekt")]
    assert counts("48 prosjekter, 51 kommuner") == [(48, "prosjekt"), (51, "kommune")]


def test_number_words_bokmal_and_nynorsk():
    assert counts("tolv kommuner deltar") == [(12, "kommune")]
    assert counts("Vi held tre temaverkstader") == [(3, "temaverksted")]
    assert counts("To hovedretninger") == [(2, "hovedretning")]
    assert counts("tjueto deltakarar") == [(22, "deltaker")]
    assert counts("to hundre og femti ansatte") == [(250, "ansatt")]


def test_nynorsk_plurals_become_bokmal_lemmas():
    assert counts("110 kommunar") == [(110, "kommune")]
    assert counts("48 prosjekt") == [(48, "prosjekt")]
    assert counts("30 tilsette") == [(30, "ansatt")]


def test_scale_words_and_currency_are_multiplied_and_approximate():
    r = one("Det svarar til ca. 50 millionar kroner årleg")
    assert (r.value, r.unit, r.approximate) == (50_000_000, "krone", True)
    assert r.text == "ca. 50 millionar kroner"
    assert counts("1,5 mrd. kroner") == [(1_500_000_000, "krone")]
    assert counts("kr 2 000 per deltaker") == [(2000, "krone")]


def test_approximation_words():
    assert one("Om lag 110 kommunar er med").approximate is True
    assert one("110 kommunar er med").approximate is False


def test_percentages():
    r = one("33 % av målene")
    assert (r.value, r.unit, r.text) == (33, "prosent", "33 %")
    assert counts("8,5 prosent sjukefråvær") == [(8.5, "prosent")]


def test_thousands_separated_by_space():
    assert counts("1 200 ansatte") == [(1200, "ansatt")]


def test_ratio_with_whole_and_subject_from_the_sentence():
    r = one("12 av 16 kommuner har i 2013 økt nærvær sammenlignet med 2012")
    assert (r.value, r.of, r.unit, r.subject) == (12, 16, "kommune", "økt nærvær")
    r = one("15 av 16 kommunar hadde høgare nærvær enn då prosjekta starta")
    assert (r.value, r.of, r.subject) == (15, 16, "høgare nærvær")


def test_one_as_a_word_counts_only_in_a_ratio():
    r = one("en av tre kommuner har redusert fraværet")
    assert (r.value, r.of, r.unit) == (1, 3, "kommune")
    assert counts("Ledelse er en viktig faktor, og en kommune kan ha flere mål") == []


def test_ett_is_the_number_one():
    assert counts("ett prosjekt") == [(1, "prosjekt")]


def test_adjective_between_number_and_noun():
    assert counts("I 2013 kom tolv nye kommunar til") == [(12, "kommune")]


def test_compound_unit_is_split_into_unit_and_subject():
    r = one("Det var 18 sjukefråværsprosjekt i pulje 1")
    assert (r.unit, r.subject) == ("prosjekt", "sjukefråvær")
    r = one("14 heltid/deltid-prosjekt")
    assert (r.unit, r.subject) == ("prosjekt", "heltid/deltid")


def test_subject_from_pulje_in_the_sentence_or_the_parent_bullet():
    assert one("48 prosjekt i pulje 1 har levert").subject == "pulje 1"
    records = recognise_counts(slide("Pulje 2 startar no", ("tolv kommunar i den nye puljen", 1)), [])
    assert [(r.value, r.subject) for r in records] == [(12, "pulje 2")]


def test_subject_from_a_year_in_the_sentence():
    assert one("I 2014 heldt sekretariatet tre temaverkstader").subject == "2014"


def test_subject_from_the_slide_title_after_its_colon():
    r = one("18 prosjekter", title="Oppstartsrapportering: sykefravær")
    assert r.subject == "sykefravær"
    assert one("18 prosjekter", title="Dypdykk").subject is None


def test_subject_from_a_parent_bullet_ending_in_a_colon():
    records = recognise_counts(slide("Sykefravær:", ("16 kommuner deltar", 1)), [])
    assert [(r.value, r.subject) for r in records] == [(16, "sykefravær")]


def test_number_in_brackets_counts_the_noun_before_it():
    r = one("Temaverksted (3 i 2014)")
    assert (r.value, r.unit, r.subject) == (3, "temaverksted", "2014")


def test_record_carries_provenance_and_method():
    r = one("18 prosjekter")
    assert (r.type, r.file_name, r.page, r.method, r.sha256) == ("count", "x.pptx", 1, "pptx", "0" * 64)
    assert 0 < r.confidence <= 1


def test_wrapped_pdf_lines_are_read_as_one_sentence():
    blocks = [
        Block(text="Rapport", role="title", bbox=(50, 40, 300, 60)),
        Block(text="For kommunane svarar nedgangen til ca. 50 millionar", role="body", bbox=(50, 100, 540, 112)),
        Block(text="kroner årleg.", role="body", bbox=(50, 114, 120, 126)),
    ]
    doc = Document(sha256="1" * 64, path="r.pdf", media_type="application/pdf", pages=[Page(number=1, blocks=blocks)])
    [r] = recognise_counts(doc, [])
    assert (r.value, r.unit, r.text) == (50_000_000, "krone", "ca. 50 millionar kroner")


def test_a_chart_flattened_into_text_under_an_antall_title():
    blocks = [
        Block(text="Antall prosjekter per tema", role="title", bbox=(190, 40, 760, 84)),
        Block(text="Omdømme 7", role="body", bbox=(200, 185, 495, 199)),
        Block(text="Sykefravær 18", role="body", bbox=(198, 376, 811, 390)),
        Block(text="0 2 4 6 8 10 12 14 16 18 20", role="body", bbox=(284, 423, 855, 437)),
    ]
    doc = Document(sha256="1" * 64, path="r.pdf", media_type="application/pdf", pages=[Page(number=1, blocks=blocks)])
    assert [(r.value, r.unit, r.subject) for r in recognise_counts(doc, [])] == [
        (7, "prosjekt", "Omdømme"),
        (18, "prosjekt", "Sykefravær"),
    ]


def test_notes_furniture_and_table_cells_are_not_read():
    doc = slide("Status")
    doc.pages[0].blocks += [
        Block(text="18 prosjekter", role="notes"),
        Block(text="12 kommuner", role="furniture"),
        Block(text="14 prosjekter", role="table-cell"),
    ]
    assert recognise_counts(doc, []) == []


# --- what is not a count --------------------------------------------------------------------------

@pytest.mark.parametrize(
    "text",
    [
        "Programmet varer ut 2015",  # year
        "Neste nettverkssamling blir hausten 2013",  # year
        "Temaverksted heltid 8. mai i Drammen",  # date
        "Statsråden møtte programrådet 27. aug",  # abbreviated month
        "Prosjektledersamling 2. september, Trondheim",  # date
        "Temaverksted 8.mai",  # date without a space
        "Prosjektledersamlinger (2.9.)",  # numeric date
        "Asker, 28. august 2012",  # place and date
        "Møtet starter kl. 10.30",  # time
        "Vi møtes 10:30",  # time
        "Se side 3 av 12",  # page numbers, even in the shape of a ratio
        "Ring tlf 22 24 90 90",  # phone number
        "Postboks 8112 Dep, 0032 Oslo",  # postal box and postal code
        "1. Nettverkssamling i Asker",  # list numbering
        "2 Resultat",  # section number
        "Nettverkssamling 3 pulje 2",  # label numbers
        "Årsrapportering 1 og 2",  # label numbers in a list
        "Invitasjon til pulje 2 er sendt",  # pulje number
        "versjon 2.1 av malen",  # version
        "3+3 (el lign)",  # turnus name
        "Vi prøver 3+3-turnus",  # turnus name as a compound
        "2 års markering med hefte",  # duration used as an adjective
        "ein 3-årig plan",  # duration used as an adjective
        "Langvakter kvar 6. helg",  # ordinal
        "hver 4. helg",  # ordinal
        "2-3 kommuner",  # range: no single value
        "Kommunane arbeidde med eitt eller fleire tema",  # idiom, not a quantity
        "Økonomirapportering to ganger",  # frequency, not a quantity of things
        "0 2 4 6 8 10 12 14 16 18 20",  # chart axis
        "Dagens tema er viktig for 3",  # number with no counted noun
        "De to viktigste sakene",  # a number word counts only a noun the unit table knows
        "Rapport 2013 Drammen",  # year-like number before a name
    ],
)
def test_not_a_count(text):
    assert recognise_counts(slide(text), []) == []


def test_subject_from_what_the_things_are_counted_within():
    assert one("Djupdykket i 16 kommunar synte at tid og forankring betyr mest").subject == "djupdykket"


def test_subject_from_a_year_opening_the_sentence():
    assert one("2014 heldt sekretariatet tre temaverkstader").subject == "2014"


def test_corpus_counts_against_the_gold(born_digital_docs):
    """F1 on the hand-checked gold of the born-digital corpus (key: file, page, value, unit;
    counts from tables come from the measure recogniser, so it runs too)."""
    from extractors.recognisers.measures import recognise_measures
    from extractors.recognisers.themes import recognise_themes
    from models import CountRecord
    from tests.gold import load_gold
    from tests.scoring import prf

    found = []
    for name, doc in born_digital_docs.items():
        records = recognise_themes(doc, [])
        records = recognise_counts(doc, records) + recognise_measures(doc, records)
        found += [(name, r.page, r.value, r.unit) for r in records if isinstance(r, CountRecord)]
    expected = [(g["file_name"], g["page"], g["value"], g["unit"]) for g in load_gold("count") if g["file_name"] in born_digital_docs]
    s = prf(found, expected)
    assert s.gold >= 20 and s.f1 >= 0.9, (s.extra, s.missed)

def test_a_label_number_wrapped_onto_the_next_pdf_line_is_not_a_count():
    blocks = [
        Block(text="Rapport", role="title", bbox=(50, 40, 300, 60)),
        Block(text="Nettverkssamling 3 pulje", role="body", bbox=(50, 100, 300, 112)),
        Block(text="2 forts.", role="body", bbox=(50, 114, 120, 126)),
    ]
    doc = Document(sha256="1" * 64, path="r.pdf", media_type="application/pdf", pages=[Page(number=1, blocks=blocks)])
    assert recognise_counts(doc, []) == []
