"""A document's date, its source and its language, on files and texts generated here.

The classes of issue 12 item 4 and 6: a deck built on an old template, a PDF converted years
after the year its title names (and the county era that follows the date), years that are
not the document's (ranges, targets, birth years, amounts, postal codes), dates in file names
and folders, metadata that contradicts the text, and texts in English, French, Danish,
Swedish, German, bokmål and nynorsk.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from pptx import Presentation
from reportlab.pdfgen import canvas

from extractors.readers.metadata import date_in_text, detect_language, month_in_text, named_years, path_date, settle_date_and_language
from extractors.recognisers.municipalities import recognise_municipalities
from extractors.readers.base import read_document
from extractors.readers.source import ReadOptions
from models import Block, Document, Page

TODAY = date(2026, 12, 1)


def _deck(path: Path, lines: list[str], created: datetime | None, modified: datetime | None) -> Path:
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[1])
    slide.shapes.title.text = lines[0]
    body = slide.placeholders[1].text_frame
    body.text = lines[1]
    for line in lines[2:]:
        body.add_paragraph().text = line
    if created is not None:
        prs.core_properties.created = created
    if modified is not None:
        prs.core_properties.modified = modified
    prs.save(path)
    return path


def _pdf(path: Path, lines: list[str], title: str | None = None, pages: int = 1) -> Path:
    """A text PDF; reportlab stamps it with today's creation date, as a late conversion would."""
    pdf = canvas.Canvas(str(path))
    if title:
        pdf.setTitle(title)
    for _ in range(pages):
        y = 800
        for line in lines:
            pdf.drawString(60, y, line)
            y -= 18
        pdf.showPage()
    pdf.save()
    return path


def _doc(text: str, path: str = "/arkiv/notat.pdf", metadata: dict[str, str] | None = None,
         title: str | None = None) -> Document:
    page = Page(number=1, blocks=[Block(text=line) for line in text.splitlines()])
    return Document(sha256="cd" * 32, path=path, media_type="application/pdf", pages=[page],
                    metadata=metadata or {}, title=title)


def _settled(text: str, **kw) -> tuple[str | None, str]:
    doc = settle_date_and_language(_doc(text, **kw), today=TODAY)
    return doc.date, doc.date_source


# --- files: the readers report, one function decides -----------------------------------------

def test_a_deck_on_an_old_template_takes_the_year_its_text_names(tmp_path: Path) -> None:
    deck = _deck(tmp_path / "status.pptx", ["Programstatus 2014", "Kommunane i pulje 2", "Nye prosjekt"],
                 created=datetime(2013, 1, 27, 9, 14), modified=datetime(2013, 1, 27, 9, 15))
    doc = read_document(deck, options=ReadOptions(ocr=False))
    assert doc.metadata["created"] == "2013-01-27"
    assert (doc.date, doc.date_source) == ("2014", "year_in_text")


def test_a_save_date_in_the_year_the_text_names_makes_that_year_precise(tmp_path: Path) -> None:
    deck = _deck(tmp_path / "status.pptx", ["Programstatus 2014", "Kommunane i pulje 2", "Nye prosjekt"],
                 created=datetime(2013, 1, 27, 9, 14), modified=datetime(2014, 3, 12, 15, 0))
    doc = read_document(deck, options=ReadOptions(ocr=False))
    assert (doc.date, doc.date_source) == ("2014-03-12", "metadata")


def test_a_deck_without_years_takes_its_save_date_not_its_templates(tmp_path: Path) -> None:
    lines = ["Temaverksted om heltid", "Erfaringer fra kommunene", "Hva har vi lært?"]
    saved = _deck(tmp_path / "verksted.pptx", lines, created=datetime(2011, 3, 1), modified=datetime(2014, 10, 2))
    assert (read_document(saved, options=ReadOptions(ocr=False)).date, read_document(saved, options=ReadOptions(ocr=False)).date_source) == ("2014-10-02", "metadata")
    # python-pptx's own template date: the date of a template, never of a document
    template = _deck(tmp_path / "mal.pptx", lines, created=None, modified=None)
    doc = read_document(template, options=ReadOptions(ocr=False))
    assert (doc.date, doc.date_source) == (None, "none")


def test_a_pdf_converted_years_later_keeps_the_year_of_its_title_and_its_counties(tmp_path: Path) -> None:
    pdf = _pdf(tmp_path / "deltakarar.pdf", ["Deltakarliste 2013", "Hamar kommune", "Stord kommune", "Arendal kommune"],
               title="Deltakarliste 2013")
    doc = read_document(pdf, options=ReadOptions(ocr=False))
    assert doc.metadata["created"][:4] >= "2025", "reportlab stamps the conversion date"
    assert (doc.date, doc.date_source) == ("2013", "year_in_text")
    counties = {r.surface: r.fylke for r in recognise_municipalities(doc, [])}
    assert counties == {"Hamar": "Hedmark", "Stord": "Hordaland", "Arendal": "Aust-Agder"}


def test_a_date_in_the_file_name_comes_before_the_metadata(tmp_path: Path) -> None:
    pdf = _pdf(tmp_path / "2013-05-22_samling.pdf", ["Samling for kommunane", "Program og deltakarar"])
    doc = read_document(pdf, options=ReadOptions(ocr=False))
    assert (doc.date, doc.date_source) == ("2013-05-22", "file_name")


def test_english_and_french_text_pdfs_are_told_apart(tmp_path: Path) -> None:
    english = _pdf(tmp_path / "report.pdf", ["The municipality reduced sick leave by ten percent",
                                              "after the project started, and staff are more satisfied."])
    french = _pdf(tmp_path / "rapport.pdf", ["La commune a réduit les absences pour maladie de dix pour cent",
                                              "depuis le début du projet, et le personnel est plus satisfait."])
    assert read_document(english, options=ReadOptions(ocr=False)).language == "en"
    assert read_document(french, options=ReadOptions(ocr=False)).language == "fr"


# --- the order of evidence ---------------------------------------------------------------------

def test_a_full_date_in_the_text_wins() -> None:
    meta = {"created": "2026-11-30", "modified": "2026-11-30"}
    assert _settled("Asker, 28. august 2012\nProgram 2013", metadata=meta) == ("2012-08-28", "text")
    assert _settled("Møtedato: 12.03.2013", metadata=meta) == ("2013-03-12", "text")
    assert _settled("Status mars 2014\nI 2013 kom pulje 2", metadata=meta) == ("2014-03", "text")
    assert _settled("Energy round-up, February 24, 2017", metadata=meta) == ("2017-02-24", "text")


def test_birth_dates_and_future_dates_are_not_the_documents() -> None:
    assert date_in_text("Kari Stryn, født 12.03.1961", TODAY) is None
    assert date_in_text("Frist 01.01.2031", TODAY) is None
    assert month_in_text("Kari Stryn, født 12.03.1961", TODAY) is None


def test_the_title_year_comes_before_the_years_of_the_pages() -> None:
    assert _settled("Innhald\nI 2011 og 2012 starta prosjekta", title="Årsrapport 2014") == ("2014", "year_in_text")
    assert _settled("Årsmelding\nI 2011 og 2012 starta prosjekta, i 2013 kom pulje 2") == ("2013", "year_in_text")


@pytest.mark.parametrize(("text", "own"), [
    ("Programperioden 2011–2015", []),                 # a span says nothing of when within it
    ("Skoleåret 2012/13 og 2012/2013", []),
    ("fra 2012 til 2015", []),
    ("Heltid som norm mot 2020", []),                  # a target
    ("innen 2030 skal alle ha heltid", []),
    ("Hans Fjell 1961", []),                           # a birth year
    ("Kari Stryn, f. 1961", []),
    ("Tilskudd: 2000 kroner per deltaker", []),        # an amount
    ("Postboks 8112 Dep, 2013 Skjetten", []),          # a postal code
    ("Se side 2013", []),                              # a page
    ("Pulje 2014 og programåret 2013", [2014, 2013]),  # a pulje year and a programme year are years
    ("Per 2013 hadde 12 kommuner", [2013]),            # `Per 2013` is "as of 2013"
    ("Referat fra møtet 12.03.2013", [2013]),           # a full date names its year
    ("Kari Stryn, født 12.03.1961", []),
])
def test_what_a_year_the_text_names_is(text: str, own: list[int]) -> None:
    assert named_years(text, TODAY)[0] == own


def test_file_name_and_folder_years() -> None:
    assert path_date("/arkiv/2012/notat.pdf", TODAY) == "2012"
    assert path_date("/arkiv/2012/samling_20130522.pdf", TODAY) == "2013-05-22"
    assert path_date("/arkiv/notat.pdf", TODAY) is None
    assert _settled("Notat om heltid", path="/arkiv/2012/notat.pdf",
                    metadata={"created": "2026-11-30"}) == ("2012", "file_name")
    # a metadata date in the year a file name (or the text) names makes that year precise
    assert _settled("Temaverkstedene", path="/arkiv/handout_2014.png",
                    metadata={"created": "2014-03-12"}) == ("2014-03-12", "metadata")


def test_metadata_only_where_nothing_contradicts_it() -> None:
    assert _settled("Notat om heltid", metadata={"created": "2014-04-02"}) == ("2014-04-02", "metadata")
    # after the newest year the text names (a span, a target): a later conversion
    assert _settled("Programmet 2011–2015\nNotat", metadata={"created": "2026-11-30"}) == (None, "none")
    assert _settled("Heltid mot 2020", metadata={"created": "2026-11-30"}) == (None, "none")
    assert _settled("Heltid mot 2020", metadata={"created": "2013-09-01"}) == ("2013-09-01", "metadata")
    assert _settled("Notat", metadata={"created": "2027-01-01"}) == (None, "none"), "the future"
    assert _settled("Notat", metadata={"created": "1970-01-01"}) == (None, "none"), "a tool's zero date"


def test_no_date_means_the_programme_periods_counties() -> None:
    doc = settle_date_and_language(_doc("Hamar kommune og Stord kommune"), today=TODAY)
    assert doc.date is None
    assert {r.fylke for r in recognise_municipalities(doc, [])} == {"Hedmark", "Hordaland"}


# --- language ----------------------------------------------------------------------------------

LANGUAGE_SAMPLES = {
    "en": "The municipality has reduced sick leave by ten percent since the project started.",
    "fr": "La commune a réduit les absences pour maladie de dix pour cent depuis le début du projet.",
    "de": "Die Gemeinde hat den Krankenstand seit Beginn des Projekts um zehn Prozent gesenkt.",
    "da": "Kommunen har nedbragt sygefraværet med ti procent, siden projektet startede, og medarbejderne er blevet "
          "mere tilfredse.",
    "sv": "Kommunen har minskat sjukfrånvaron med tio procent sedan projektet startade och medarbetarna är mer nöjda.",
    "nb": "Kommunen har redusert sykefraværet med ti prosent siden prosjektet startet, og de ansatte er mer fornøyde.",
    "nn": "Kommunen har redusert sjukefråværet med ti prosent sidan prosjektet starta, og dei tilsette er meir nøgde.",
}
SHORT_SAMPLES = {
    "nb": ["Hvor står vi, og hvor går vi? Nettverkssamling i Asker", "Kommunene i pulje 1 har ikke levert ennå",
           "Erfaringer fra prosjektene"],
    "nn": ["Samling for pulje 2. Kommunane i pulje 2", "Dei fleste kommunane har ikkje levert enno",
           "Saman om ein betre kommune – erfaringar frå prosjekta"],
    "da": ["Kommunerne har ikke leveret endnu, men arbejdet fortsætter efter planen"],
    "sv": ["Kommunerna har inte lämnat in rapporten än"],
}


@pytest.mark.parametrize("code", sorted(LANGUAGE_SAMPLES))
def test_language_of_a_paragraph(code: str) -> None:
    assert detect_language(LANGUAGE_SAMPLES[code]) == code


@pytest.mark.parametrize(("code", "text"), [(c, t) for c, texts in SHORT_SAMPLES.items() for t in texts])
def test_language_of_a_short_scandinavian_text(code: str, text: str) -> None:
    assert detect_language(text) == code


def test_too_little_text_is_und() -> None:
    assert detect_language("") == "und"
    assert detect_language("Bergen 2013") == "und"
    assert detect_language("1 2 3 4 5 — 12 %") == "und"
    # French headings with `en`, a bokmål marker that is a French word too: not Norwegian
    assert detect_language("Titre\nLorem ipsum dolor\nListe\nEn-tête 1 En-tête 2 En-tête 3") == "und"
