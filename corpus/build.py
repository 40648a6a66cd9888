"""Build saman's sample corpus: slide decks, PDF twins, a report, scans and legacy files.

The programme's real archive cannot be shipped, so the tests and the demo run on documents
written here, in the genres of the real decks and with their facts (municipalities, counts,
the heltid/deltid measure table, the sykefravær profile table, the omdømme goals), but in our
own words. Every file is rebuilt deterministically: fixed core properties and dates, fixed
zip timestamps, fixed PDF ids, seeded noise. The built files are committed, so tests and the
demo never need LibreOffice; only this script does.

Run from the repository root: `.venv/bin/python corpus/build.py`. It also rewrites the
`document`, `table` and `page` lines of corpus/gold.jsonl from the facts below, which were
hand-checked against the built files.

This script must not be imported by the pipeline or the tests: it is a build tool.
"""

from __future__ import annotations

import hashlib
import io
import re
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from copy import deepcopy
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
import pdfplumber
import pypdfium2 as pdfium
from PIL import Image, ImageFilter
from PIL.PngImagePlugin import PngInfo
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.enum.text import PP_ALIGN
from pptx.util import Emu, Inches, Pt
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

CORPUS = Path(__file__).resolve().parent
REPO = CORPUS.parent
SCANS = CORPUS / "scans"
LEGACY = CORPUS / "legacy"

PPTX_TYPE = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
PROGRAMME = "Saman om ein betre kommune"
KRD = "Kommunal- og regionaldepartementet"
KMD = "Kommunal- og moderniseringsdepartementet"
SLIDE_W, SLIDE_H = Emu(12192000), Emu(6858000)

ASKER_2012 = "2012-08-28_asker_nettverkssamling"
KMD_2014 = "2014-03-12_kmd_programstatus"
PULJE2_2013 = "2013-05-22_pulje2_samling_nynorsk"
REPORT_2015 = "2015-06-30_sluttrapport_tiltak"
PICTURE_DECK_2014 = "2014-09-04_temaverksted_sykefravaer_bilde"
HANDOUT_2014 = "handout_2014_temaverksted"
HANDOUT_TITLE = "Temaverkstedene"

# --------------------------------------------------------------------------------------------
# Facts from the programme's decks (the tables are given exactly as a reader should return them)
# --------------------------------------------------------------------------------------------

SYKEFRAVAER_PROFILES = [
    ["Hovedprofil i lokalt prosjekt", "Kommune"],
    ["Ikke definert - forprosjekt", "KS Agder, Kongsberg, Skiptvet"],
    ["Nærvær og oppfølging av sykemeldte", "Molde, Sund Bømlo"],
    [
        "Oppfølging av sykemeldte",
        "Nord Aurdal, Nedre Eiker, Mandal, Arendal, Horten, Vegårshei "
        "(Løten, men i gruppe heltid-deltid)",
    ],
    ["Nærværsprofil", "Steinkjer, Stavanger, Sola, Jondal, Tinn, Vefsn"],
]

HELTID_MEASURES = [
    ["Kommune", "Langvakter helg", "3+3 (el lign)", "Ønsketurnus/samarbeidsturnus",
     "Vikarpool/ flåteordning", "Økt grunnbemanning", "Andre", "Ikke bestemt"],
    ["Drammen", "hver 6.", "x", "x", "x", "", "Fleksible stillinger", ""],
    ["Lillesand", "", "x", "", "", "", "Pusleturnus, brukerrettet turnus)", ""],
    ["Bjugn", "", "", "", "x", "", "Kombinerte stillinger", ""],
    ["Løten", "Hver 4.", "", "", "", "", "", "x"],
    ["Meråker", "", "", "", "", "", "", "x"],
    ["Time", "Hver 4.", "", "", "", "", "Bunden/ubunden arb.tid", ""],
    ["Sortland", "", "", "", "", "", "", "x"],
    ["Songdalen", "", "", "", "", "", "", "x"],
    ["Elverum", "x", "", "x", "x", "x", "Diverse andre ordninger skal testes", ""],
    ["Våler", "x", "", "x", "x", "", "langvakter", ""],
    ["Eidsvoll", "", "x", "x", "", "", "", ""],
    ["Fredrikstad", "", "", "", "x", "", "", "x"],
    ["Kvinesdal", "", "", "", "", "", "", "x"],
    ["Moss", "", "x", "", "x", "", "langvakter", ""],
    ["Sum", "5", "4", "4", "6", "1", "", "6"],
]

# The programme timeline of 2012-2013; "" marks cells covered by a merge (value in the first).
TIMELINE = [
    ["År", "Samlinger", "Rapportering"],
    ["2012", "1. nettverkssamling og prosjektledersamling", "Oppstartsrapportering"],
    ["", "2. nettverkssamling og temadager", "Økonomirapportering to ganger"],
    ["2013", "Prosjektledersamling og siste nettverkssamling", "Årsrapportering"],
    ["", "Ny pulje starter", ""],
]
TIMELINE_MERGES = [((1, 0), (2, 0)), ((3, 0), (4, 0)), ((4, 1), (4, 2))]

OMDOMME_GOALS = [
    ["Hovedmål/effektmål", "Andel"],
    ["Fornøyde ansatte", "33 %"],
    ["Fornøyde brukere", "44 %"],
    ["Attraktiv for arbeidssøkere", "11 %"],
    ["Attraktiv å bo i", "33 %"],
]

# Projects per theme in pulje 1 at the start-up reporting (18 + 14 + 9 + 7 = 48 projects).
PROJECTS_PER_THEME_NB = [("Sykefravær", 18), ("Heltid/deltid", 14),
                         ("Kompetanse/rekruttering", 9), ("Omdømme", 7)]
TEMA_ANTALL_NN = [
    ["TEMA", "ANTALL"],
    ["Sjukefråvær", "18"],
    ["Heltid/deltid", "14"],
    ["Kompetanse/rekruttering", "9"],
    ["Omdømme", "7"],
    ["Sum", "48"],
]

# Municipalities, their county in 2015 (before the 2020 reform), theme and one measure.
TILTAK_PER_KOMMUNE = [
    ["Kommune", "Fylke", "Tema", "Tiltak"],
    ["Arendal", "Aust-Agder", "Sjukefråvær", "Tett oppfølging av sjukmelde"],
    ["Asker", "Akershus", "Kompetanse/rekruttering", "Kurspakkar for nye leiarar"],
    ["Bjugn", "Sør-Trøndelag", "Heltid/deltid", "Kombinerte stillingar"],
    ["Bø", "Telemark", "Omdømme", "Dialogmøte med innbyggjarane"],
    ["Bømlo", "Hordaland", "Sjukefråvær", "Nærværssamtalar i alle einingar"],
    ["Drammen", "Buskerud", "Heltid/deltid", "Langvakter kvar 6. helg"],
    ["Eidsvoll", "Akershus", "Heltid/deltid", "3+3-turnus og ønsketurnus"],
    ["Elverum", "Hedmark", "Heltid/deltid", "Vikarpool og auka grunnbemanning"],
    ["Fredrikstad", "Østfold", "Heltid/deltid", "Vikarpool"],
    ["Førde", "Sogn og Fjordane", "Kompetanse/rekruttering", "Strategisk kompetanseplan"],
    ["Hamar", "Hedmark", "Omdømme", "Etisk kompetanseheving"],
    ["Herøy", "Møre og Romsdal", "Omdømme", "Omdømme i leiarutvikling"],
    ["Horten", "Vestfold", "Sjukefråvær", "Oppfølging av sjukmelde"],
    ["Jondal", "Hordaland", "Sjukefråvær", "Nærværsprofil"],
    ["Kongsberg", "Buskerud", "Sjukefråvær", "Forprosjekt og kartlegging"],
    ["Kvinesdal", "Vest-Agder", "Heltid/deltid", "Kartlegging av deltid"],
    ["Larvik", "Vestfold", "Kompetanse/rekruttering", "Medarbeidarskap"],
    ["Lenvik", "Troms", "Kompetanse/rekruttering", "E-læring for tilsette"],
    ["Lillesand", "Aust-Agder", "Heltid/deltid", "Brukarretta turnus"],
    ["Løten", "Hedmark", "Heltid/deltid", "Langvakter kvar 4. helg"],
    ["Mandal", "Vest-Agder", "Sjukefråvær", "Oppfølging av sjukmelde"],
    ["Meråker", "Nord-Trøndelag", "Heltid/deltid", "Kartlegging av deltid"],
    ["Molde", "Møre og Romsdal", "Sjukefråvær", "Nærvær og oppfølging"],
    ["Moss", "Østfold", "Heltid/deltid", "3+3-turnus og vikarpool"],
    ["Nedre Eiker", "Buskerud", "Sjukefråvær", "Oppfølging av sjukmelde"],
    ["Nord-Aurdal", "Oppland", "Sjukefråvær", "Oppfølging av sjukmelde"],
    ["Skiptvet", "Østfold", "Sjukefråvær", "Forprosjekt og kartlegging"],
    ["Sogndal", "Sogn og Fjordane", "Kompetanse/rekruttering", "Kompetansekartlegging"],
    ["Sola", "Rogaland", "Sjukefråvær", "Nærværsprofil"],
    ["Songdalen", "Vest-Agder", "Heltid/deltid", "Kartlegging av deltid"],
    ["Sortland", "Nordland", "Heltid/deltid", "Kartlegging av deltid"],
    ["Stavanger", "Rogaland", "Sjukefråvær", "Nærværsprofil"],
    ["Steinkjer", "Nord-Trøndelag", "Sjukefråvær", "Nærværsprofil"],
    ["Sund", "Hordaland", "Sjukefråvær", "Nærværssamtalar i alle einingar"],
    ["Time", "Rogaland", "Heltid/deltid", "Langvakter og ubunden arbeidstid"],
    ["Tinn", "Telemark", "Sjukefråvær", "Nærværsprofil"],
    ["Vefsn", "Nordland", "Sjukefråvær", "Nærværsprofil"],
    ["Vegårshei", "Aust-Agder", "Sjukefråvær", "Oppfølging av sjukmelde"],
    ["Våler", "Hedmark", "Heltid/deltid", "Ønsketurnus og vikarpool"],
    ["Ålesund", "Møre og Romsdal", "Omdømme", "Kommunikasjon med nye innbyggjarar"],
]


@dataclass(frozen=True)
class DeckInfo:
    """What the gold lines of a deck (and its twins) say about it."""

    base: str
    title: str
    date: str
    language: str
    slide_titles: tuple[str, ...]


# --------------------------------------------------------------------------------------------
# Deterministic output
# --------------------------------------------------------------------------------------------


def freeze_zip(path: Path, when: datetime) -> None:
    """Rewrite an OOXML zip with one fixed timestamp, so rebuilding gives the same bytes."""
    with zipfile.ZipFile(path) as src:
        members = [(info.filename, src.read(info.filename)) for info in src.infolist()]
    with zipfile.ZipFile(path, "w") as dst:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=when.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(info, data)


def _fixed_xlsx(blob: bytes, when: datetime) -> bytes:
    """The chart's embedded workbook with its creation date fixed (XlsxWriter stamps 'now')."""
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(blob)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>" + stamp.encode(), data)
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, data)
    return out.getvalue()


def freeze_pdf(path: Path, when: datetime) -> None:
    """Set a PDF's dates and /ID to values derived from `when` and its content.

    The replacements keep every byte length, so the cross-reference table stays valid.
    """
    data = path.read_bytes()

    stamp = when.strftime("%Y%m%d%H%M%S").encode()

    def fix_date(match: re.Match[bytes]) -> bytes:
        # Keep the producer's time-zone suffix; only the 14 digits after "D:" change.
        old = match.group(2)
        return match.group(1) + old[:2] + stamp + old[16:] + match.group(3)

    data = re.sub(rb"(/(?:CreationDate|ModDate)\s*\()([^)]*)(\))", fix_date, data)
    ids = rb"/ID\s*\[\s*<[0-9A-Fa-f]*>\s*<[0-9A-Fa-f]*>\s*\]|/DocChecksum\s*/[0-9A-Fa-f]+"
    digest = hashlib.md5(re.sub(ids, b"", data)).hexdigest().upper().encode()

    def fix_hex(match: re.Match[bytes]) -> bytes:
        return re.sub(rb"(?<=[</])[0-9A-Fa-f]{8,}", lambda m: (digest * 2)[: len(m.group(0))], match.group(0))

    data = re.sub(ids, fix_hex, data)
    path.write_bytes(data)


# --------------------------------------------------------------------------------------------
# Slide-deck helpers (python-pptx)
# --------------------------------------------------------------------------------------------

Bullets = list[tuple[str, int]]


def new_deck(title: str, author: str, when: datetime, language: str) -> Presentation:
    """A 16:9 deck on python-pptx's template, its placeholders widened to the new width."""
    prs = Presentation()
    scale = SLIDE_W / prs.slide_width
    prs.slide_width, prs.slide_height = SLIDE_W, SLIDE_H
    master = prs.slide_master
    for holder in [*master.placeholders, *(p for lay in master.slide_layouts for p in lay.placeholders)]:
        if holder._element.spPr.xfrm is not None:
            holder.left, holder.width = Emu(int(holder.left * scale)), Emu(int(holder.width * scale))
    footer = next(p for p in master.placeholders if p.placeholder_format.type == PP_PLACEHOLDER.FOOTER)
    footer.left, footer.width = Emu(int((SLIDE_W - Inches(6)) / 2)), Inches(6)
    props = prs.core_properties
    props.title, props.author, props.last_modified_by = title, author, author
    props.created = props.modified = props.last_printed = when
    props.revision, props.language = 1, language
    props.subject, props.keywords, props.comments, props.category = PROGRAMME, "", "", ""
    return prs


def _clone_layout_placeholder(slide, kind: PP_PLACEHOLDER):
    """Copy the layout's footer or slide-number placeholder onto the slide (python-pptx does not)."""
    source = next(p for p in slide.slide_layout.placeholders if p.placeholder_format.type == kind)
    element = deepcopy(source._element)
    slide.shapes._spTree.append(element)
    return next(s for s in slide.placeholders if s.placeholder_format.idx == source.placeholder_format.idx)


def add_footer(slide, footer: str, number: int) -> None:
    """Every slide carries the department as footer text and a slide-number field."""
    foot = _clone_layout_placeholder(slide, PP_PLACEHOLDER.FOOTER)
    foot.text_frame.text = footer
    num = _clone_layout_placeholder(slide, PP_PLACEHOLDER.SLIDE_NUMBER)
    for text in num._element.iter("{http://schemas.openxmlformats.org/drawingml/2006/main}t"):
        text.text = str(number)


def fill_bullets(frame, bullets: Bullets, size: int | None = None) -> None:
    """Write (text, level) pairs as paragraphs of a placeholder or text box."""
    frame.clear()
    for i, (text, level) in enumerate(bullets):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        para.text, para.level = text, level
        if size:
            for run in para.runs:
                run.font.size = Pt(size - 2 * level)


def add_slide(prs, footer: str, title: str, bullets: Bullets = (), notes: str | None = None,
              body_height: float | None = None, body_size: int | None = None):
    """A 'Title and Content' slide (or 'Title Only' when there are no bullets) with footer."""
    layout = prs.slide_layouts[1 if bullets else 5]
    slide = prs.slides.add_slide(layout)
    slide.shapes.title.text = title
    if bullets:
        body = slide.placeholders[1]
        if body_height is not None:
            # Copy the inherited position first: setting only the height would zero the rest.
            body.left, body.top, body.width = body.left, body.top, body.width
            body.height = Inches(body_height)
        fill_bullets(body.text_frame, list(bullets), body_size)
    if notes:
        slide.notes_slide.notes_text_frame.text = notes
    add_footer(slide, footer, len(prs.slides))
    return slide


def add_title_slide(prs, footer: str, title: str, lines: list[str], notes: str | None = None):
    slide = prs.slides.add_slide(prs.slide_layouts[0])
    slide.shapes.title.text = title
    frame = slide.placeholders[1].text_frame
    fill_bullets(frame, [(line, 0) for line in lines])
    if notes:
        slide.notes_slide.notes_text_frame.text = notes
    add_footer(slide, footer, len(prs.slides))
    return slide


def add_table(slide, rows: list[list[str]], left: float, top: float, col_widths: list[float],
              row_height: float, size: int, merges=()):
    """A real PowerPoint table; `merges` are ((r0, c0), (r1, c1)) corner pairs."""
    shape = slide.shapes.add_table(len(rows), len(rows[0]), Inches(left), Inches(top),
                                   Inches(sum(col_widths)), Inches(row_height * len(rows)))
    table = shape.table
    for c, width in enumerate(col_widths):
        table.columns[c].width = Inches(width)
    for r in range(len(rows)):
        table.rows[r].height = Inches(row_height)
    for (r0, c0), (r1, c1) in merges:
        table.cell(r0, c0).merge(table.cell(r1, c1))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            cell = table.cell(r, c)
            if cell.is_spanned:
                continue
            cell.text = text
            cell.margin_top = cell.margin_bottom = Inches(0.02)
            for para in cell.text_frame.paragraphs:
                # Empty cells would otherwise keep the template's 18 pt line height.
                para._p.get_or_add_endParaRPr().set("sz", str(size * 100))
                for run in para.runs:
                    run.font.size = Pt(size)
                    run.font.bold = r == 0
    return shape


def add_text_box(shapes, text: str, left: float, top: float, width: float, height: float,
                 size: int = 14, fill: RGBColor | None = None):
    box = shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height))
    frame = box.text_frame
    frame.word_wrap = True
    lines = text.split("\n")
    fill_bullets(frame, [(line, 0) for line in lines], size)
    for para in frame.paragraphs:
        para.alignment = PP_ALIGN.CENTER
    if fill is not None:
        box.fill.solid()
        box.fill.fore_color.rgb = fill
        box.line.color.rgb = RGBColor(0x1F, 0x3A, 0x5F)
    return box


def save_deck(prs, path: Path, when: datetime) -> None:
    prs.save(path)
    freeze_zip(path, when)


# --------------------------------------------------------------------------------------------
# The three born-digital decks
# --------------------------------------------------------------------------------------------

ASKER_INFO = DeckInfo(
    ASKER_2012, "Hvor står vi, og hvor går vi? Nettverkssamling i Asker", "2012-08-28", "nb",
    (PROGRAMME, "Velkommen til nettverkssamling", "Hvor er vi i programmet?",
     "Hva skjer i programmet sentralt?", "Saman om ein betre kommune – prosjektorganisering",
     "Oppstartsrapportering: sykefravær", "Oppstartsrapportering: heltid/deltid",
     "Oppstartsrapportering: kompetanse/rekruttering", "Oppstartsrapportering: omdømme",
     "Innovasjon og fornying"),
)


def _org_chart(slide) -> None:
    """The programme organisation as one group of boxes (a group shape readers must open)."""
    group = slide.shapes.add_group_shape()
    light, mid = RGBColor(0xDC, 0xE6, 0xF2), RGBColor(0xF2, 0xE6, 0xC8)
    add_text_box(group.shapes, "Kommunalministeren", 5.17, 1.85, 3.0, 0.5, 14, light)
    add_text_box(group.shapes, "Programråd\nKRD, KS, LO Kommune, Unio, YS Kommune, Akademikerne",
                 0.6, 2.65, 4.2, 0.85, 12, light)
    add_text_box(group.shapes, "Sekretariatet\nKRD, kommunalavdelingen", 5.17, 2.65, 3.0, 0.85, 12, light)
    add_text_box(group.shapes, "Ressursgruppe\nhovedsammenslutningene", 8.55, 2.65, 4.2, 0.85, 12, light)
    add_text_box(group.shapes, "Nettverksledere\nKS", 2.3, 3.85, 3.0, 0.75, 12, mid)
    add_text_box(group.shapes, "Kompetansemiljø", 8.0, 3.85, 3.0, 0.75, 12, mid)
    for i in range(6):
        add_text_box(group.shapes, "Kommune", 0.6 + i * 2.05, 5.00, 1.85, 0.5, 12, mid)
    add_text_box(group.shapes, "Prosjektledere i kommunene", 4.17, 5.75, 5.0, 0.5, 12, None)


def build_asker_2012(path: Path) -> None:
    """The network meeting in Asker: start-up reporting per theme, with the two tables."""
    when = datetime(2012, 8, 28, 9, 0, 0)
    prs = new_deck(ASKER_INFO.title, "Kommunal- og regionaldepartementet", when, "nb-NO")
    t = ASKER_INFO.slide_titles
    add_title_slide(prs, KRD, t[0], [
        "– et rammeprogram for lokale prosjekter",
        "Hvor står vi, og hvor går vi videre?",
        "Fagdirektør Ina K. Ruud",
        "Asker, 28. august 2012",
    ])
    add_slide(prs, KRD, t[1], [
        ("Andre samling i nettverket for pulje 1", 0),
        ("Dagens program: status, oppstartsrapporteringen og veien videre", 0),
        ("Arbeid i grupper etter tema etter lunsj", 1),
    ], notes="Ønsk velkommen, presenter vertskommunen Asker og gå kort gjennom dagens program.")
    slide = add_slide(prs, KRD, t[2])
    add_table(slide, TIMELINE, 0.9, 1.7, [1.6, 5.6, 4.3], 0.62, 16, TIMELINE_MERGES)
    add_slide(prs, KRD, t[3], [
        ("Statsråden møtte programrådet 27. august", 0),
        ("Invitasjonen til pulje 2 er sendt til kommunene", 0),
        ("Søknadsfrist for kommunene er satt til høsten", 1),
        ("Avtale inngått med kompetansemiljøer", 0),
    ], notes="Programrådet ga tydelig støtte til at programmet utvides med en ny pulje.")
    slide = add_slide(prs, KRD, t[4])
    _org_chart(slide)
    slide = add_slide(prs, KRD, t[5], [
        ("18 prosjekter", 0),
        ("To hovedretninger: nærvær og oppfølging av sykmeldte", 0),
    ], body_height=1.3, body_size=20)
    add_table(slide, SYKEFRAVAER_PROFILES, 0.9, 3.0, [3.9, 7.6], 0.62, 14)
    slide = add_slide(prs, KRD, t[6], [
        ("14 prosjekter", 0),
        ("For det meste i pleie og omsorg (PLO)", 1),
        ("Mange starter med kartlegging", 1),
    ], notes="Tabellen viser hvilke turnusordninger kommunene oppga ved oppstart. "
             "Summen nederst teller kommuner per tiltak.", body_height=0.95, body_size=16)
    add_table(slide, HELTID_MEASURES, 0.3, 2.75, [1.05, 1.25, 1.05, 2.55, 1.55, 1.55, 2.65, 1.0], 0.255, 9)
    add_slide(prs, KRD, t[7], [
        ("Krevende å formulere mål og tiltak", 0),
        ("Noen er kommet langt, for andre er temaet helt nytt", 0),
        ("Stikkord fra prosjektene:", 0),
        ("strategisk plan for kompetansestyring", 1),
        ("kartlegging av kompetansegap og behov", 1),
        ("kurspakker og e-læring", 2),
        ("medarbeiderskap", 1),
        ("Målene i avtalene skal gjøres konkrete", 0),
    ])
    add_slide(prs, KRD, t[8], [
        ("Begrepet omdømme brukes svært ulikt", 0),
        ("Prosjektene er innrettet på mange måter", 0),
        ("Stikkord:", 0),
        ("dialog og kommunikasjon med innbyggerne", 1),
        ("etisk kompetanseheving og omdømme i lederutvikling", 1),
        ("ungdom, nye innbyggere og e-dialog", 1),
        ("samarbeid på tvers av fag", 1),
    ])
    add_slide(prs, KRD, t[9], [
        ("Utfordringene krever at vi", 0),
        ("tenker nytt om gamle problemer", 1),
        ("tør å være litt modige", 1),
        ("samarbeider godt på tvers", 1),
        ("Innovasjonsstrategi for kommunesektoren er på vei", 0),
        ("Innovasjon løftes fram i den nye invitasjonen", 0),
    ], notes="Knytt innovasjon til invitasjonen for pulje 2.")
    save_deck(prs, path, when)


KMD_INFO = DeckInfo(
    KMD_2014, "Saman om ein betre kommune – status for programmet", "2014-03-12", "nb",
    (PROGRAMME, "Om programmet", "Inntrykk fra årsrapporteringen 2013", "Omdømme – Målsettinger",
     "Antall prosjekter per tema", "Dypdykk", "Temaverkstedene", "Takk for innsatsen i nettverket!"),
)


KMD_WHEN = datetime(2014, 3, 12, 9, 0, 0)


def _projects_chart(slide) -> None:
    data = CategoryChartData()
    data.categories = [name for name, _ in PROJECTS_PER_THEME_NB]
    data.add_series("Prosjekter", [n for _, n in PROJECTS_PER_THEME_NB])
    frame = slide.shapes.add_chart(XL_CHART_TYPE.BAR_CLUSTERED, Inches(1.2), Inches(1.6),
                                   Inches(10.9), Inches(5.0), data)
    chart = frame.chart
    workbook = chart.part.chart_workbook
    workbook.update_from_xlsx_blob(_fixed_xlsx(workbook.xlsx_part.blob, KMD_WHEN))
    chart.has_legend = True
    chart.legend.position, chart.legend.include_in_layout = XL_LEGEND_POSITION.BOTTOM, False
    plot = chart.plots[0]
    plot.has_data_labels = True
    plot.data_labels.font.size = Pt(14)
    chart.font.size = Pt(14)


def build_kmd_2014(path: Path) -> None:
    """The department's status deck after the 2013 annual reporting, with a native chart."""
    when = KMD_WHEN
    prs = new_deck(KMD_INFO.title, KMD, when, "nb-NO")
    t = KMD_INFO.slide_titles
    add_title_slide(prs, KMD, t[0], ["Status for programmet", "Sekretariatet i KMD", "Oslo, 12. mars 2014"])
    add_slide(prs, KMD, t[1], [
        ("Programmet varer ut 2015", 0),
        ("Mål og tema ligger fast", 0),
        ("Ingen nye kommuner tas opp", 0),
        ("Sekretariatet i KMD og ressursgruppa fortsetter som før", 0),
        ("Det viktigste vi gjør sentralt:", 0),
        ("bygge kunnskap", 1),
        ("formidle erfaringer", 1),
        ("temaverksted og samlinger for prosjektledere", 1),
    ])
    add_slide(prs, KMD, t[2], [
        ("Sykefravær:", 0),
        ("12 av 16 kommuner har i 2013 økt nærvær sammenlignet med 2012", 1),
        ("15 av 16 kommuner har økt nærvær siden oppstart", 1),
        ("Kompetanse/rekruttering: kartlegging og planer – men hvordan få dem inn i styringen?", 0),
        ("Omdømme:", 0),
        ("pulje 1 knytter omdømmet mest til arbeidsgiverrollen og stedsutvikling", 1),
        ("pulje 2 ser mer på kommunen som tjenesteyter", 1),
        ("Innovasjon: mange er fortsatt i behovsfasen", 0),
        ("Ledelse trekkes fram som avgjørende", 0),
    ], notes="Tallene for nærvær gjelder kommunene med sykefravær som tema.", body_size=20)
    slide = add_slide(prs, KMD, t[3])
    add_table(slide, OMDOMME_GOALS, 2.4, 1.8, [5.6, 2.2], 0.6, 18)
    add_text_box(slide.shapes, "Andel av kommunenes hovedmålformuleringer; en kommune kan ha flere mål",
                 2.4, 5.1, 7.8, 0.5, 12)
    slide = add_slide(prs, KMD, t[4], notes="Tallene er fra oppstartsrapporteringen for pulje 1.")
    _projects_chart(slide)
    add_slide(prs, KMD, t[5], [
        ("16 kommuner", 0),
        ("Hva gjør de, og hvorfor lykkes de?", 0),
        ("Drivere:", 0),
        ("suksess i utviklingsarbeid", 1),
        ("hensikt, mål, forankring og involvering", 2),
        ("tid, kompetanse og økonomi", 2),
        ("grunnleggende forutsetninger – svake og sterke drivere", 1),
    ])
    add_slide(prs, KMD, t[6], [
        ("Heltid – 8. mai i Drammen", 0),
        ("Sykefravær – 3. september i Trondheim", 0),
        ("Kompetanse og omdømme – 19. november i Oslo", 0),
        ("Prosjektledersamling 2. september, Trondheim", 0),
    ], body_size=24)
    add_slide(prs, KMD, t[7])
    save_deck(prs, path, when)


PULJE2_INFO = DeckInfo(
    PULJE2_2013, "Saman om ein betre kommune – samling for pulje 2", "2013-05-22", "nn",
    (PROGRAMME, "Programmet no", "Kommunane i pulje 2", "Prosjekt i pulje 1 etter tema",
     "Kva har vi lært så langt?", "Vegen vidare"),
)


def build_pulje2_2013(path: Path) -> None:
    """A nynorsk deck for the second round: municipalities by county, a TEMA/ANTALL table."""
    when = datetime(2013, 5, 22, 9, 0, 0)
    prs = new_deck(PULJE2_INFO.title, KRD, when, "nn-NO")
    t = PULJE2_INFO.slide_titles
    add_title_slide(prs, KRD, t[0], ["Samling for pulje 2", "Trondheim, 22. mai 2013"])
    add_slide(prs, KRD, t[1], [
        ("Om lag 110 kommunar er med i programmet", 0),
        ("48 prosjekt i pulje 1 har levert oppstartsrapport", 0),
        ("Pulje 2 startar opp no i vår", 0),
        ("tolv kommunar i den nye puljen", 1),
    ])
    add_slide(prs, KRD, t[2], [
        ("Telemark: Bø, Tinn", 0),
        ("Hedmark: Løten, Elverum, Våler", 0),
        ("Østfold: Moss, Fredrikstad", 0),
        ("Møre og Romsdal: Herøy, Ålesund", 0),
        ("Sogn og Fjordane: Førde, Sogndal", 0),
        ("Troms: Lenvik", 0),
    ], notes="Dei tolv kommunane presenterer seg kort etter lunsj.")
    slide = add_slide(prs, KRD, t[3])
    add_table(slide, TEMA_ANTALL_NN, 3.2, 1.8, [4.6, 2.0], 0.6, 18)
    add_slide(prs, KRD, t[4], [
        ("Sjukefråvær: tett oppfølging og nærværsarbeid gjev resultat", 0),
        ("Heltidskultur tek tid å byggje", 0),
        ("langvakter og ønsketurnus er mykje brukte tiltak", 1),
        ("turnus må planleggjast saman med dei tilsette", 2),
        ("Omdømme handlar både om arbeidsgjevaren og om tenestene", 0),
        ("Innovasjon krev at leiarane gjev rom for å prøve nytt", 0),
    ])
    add_slide(prs, KRD, t[5], [
        ("Prosjektplanane skal vere klare før sommaren", 0),
        ("Neste nettverkssamling blir hausten 2013", 0),
        ("Rapportering til sekretariatet kvart halvår", 0),
    ], notes="Minn om fristen for prosjektplanane.")
    save_deck(prs, path, when)


# --------------------------------------------------------------------------------------------
# PDF twins (LibreOffice) and the 2015 report (reportlab)
# --------------------------------------------------------------------------------------------


def convert_with_libreoffice(sources: list[Path], fmt: str, outdir: Path) -> list[Path]:
    """Convert with a private LibreOffice profile, so a running office or the user's is untouched."""
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        subprocess.run(
            ["soffice", f"-env:UserInstallation=file://{profile}", "--headless",
             "--convert-to", fmt, "--outdir", str(outdir), *map(str, sources)],
            check=True, capture_output=True, timeout=600,
        )
    return [outdir / f"{src.stem}.{fmt}" for src in sources]


REPORT_TITLE = "Saman om ein betre kommune – tiltak i kommunane"
# Each page's title: the report's on the first, then the largest heading in a page's top half.
REPORT_PAGE_TITLES = (REPORT_TITLE, "5 Tiltak per kommune", "6 Vidare arbeid")
REPORT_DATE = "2015-06-30"
REPORT_PAGES = 3
REPORT_TABLE_PAGES = (2, 3)

REPORT_SECTIONS: list[tuple[str, list[str]]] = [
    ("1 Om programmet", [
        "Saman om ein betre kommune vart sett i gang i 2011 av Kommunal- og regionaldepartementet "
        "saman med KS og arbeidstakarorganisasjonane. Kommunane arbeidde med eitt eller fleire av "
        "tema sjukefråvær, heltid/deltid, kompetanse og rekruttering og omdømme, medan innovasjon "
        "var eit perspektiv som gjekk igjen i alle tema. Programmet blir avslutta ved utgangen av 2015.",
        "Ved oppstartsrapporteringa i 2012 var det 18 sjukefråværsprosjekt og 14 heltid/deltid-prosjekt "
        "i pulje 1. Dei fleste heltidsprosjekta låg i pleie- og omsorgssektoren, og mange tok til "
        "med å kartleggje turnusar og storleiken på stillingane. I 2013 kom pulje 2 med tolv nye "
        "kommunar til.",
    ]),
    ("2 Resultat", [
        "Årsrapporteringa for 2013 viste at 12 av 16 kommunar hadde auka nærværet samanlikna med "
        "2012, og at 15 av 16 kommunar hadde høgare nærvær enn då prosjekta starta. Når færre "
        "tilsette er borte, treng kommunane færre vikarar: for kommunane i programmet svarar "
        "nedgangen til ca. 50 millionar kroner årleg.",
        "I heltidsprosjekta prøvde kommunane ut langvakter i helgane, 3+3-turnus, ønsketurnus og "
        "vikarpoolar. Fleire melder om færre små stillingar, men òg om at ein heltidskultur tek "
        "tid å byggje og må forankrast hos dei tillitsvalde.",
        "Kommunane i pulje 1 knytte omdømme mest til rolla som arbeidsgjevar og til stadutvikling, "
        "medan pulje 2 la meir vekt på kommunen som tenesteytar. Få kommunar målte omdømmet sitt "
        "systematisk. Innovasjon var ikkje eit eige tema, men prosjekta viser at nye arbeidsformer "
        "krev god leiing, forankring og samarbeid på tvers.",
    ]),
    ("3 Temaverkstader og samlingar", [
        "I 2014 heldt sekretariatet tre temaverkstader: heltid i Drammen 8. mai, sjukefråvær i "
        "Trondheim 3. september og kompetanse og omdømme i Oslo 19. november. Prosjektleiarane "
        "møttest i Trondheim 2. september.",
        "Djupdykket i 16 kommunar synte at hensikt, mål og forankring, nok tid og kompetanse og "
        "god oppfølging skil dei prosjekta som lukkast frå dei andre. Kommunane peikar sjølve "
        "på leiing som den viktigaste drivaren.",
    ]),
    ("4 Erfaringar frå kommunane", [
        "Dei kommunane som fekk til varige endringar, hadde gjort prosjektet til ein del av den "
        "ordinære styringa: måla stod i økonomiplanen, leiarane rapporterte på dei, og "
        "tillitsvalde og verneombod var med frå første dag. Der prosjektleiaren gjekk over i "
        "anna arbeid utan at ansvaret vart plassert, stoppa arbeidet ofte opp.",
        "Fleire kommunar har laga eigne rettleiarar for nærværsarbeid og for heltidskultur. Nettverka "
        "mellom kommunane har vore viktige: prosjektleiarane fortel at dei har lært mest av å "
        "sjå korleis andre kommunar løyste dei same utfordringane, og mange av nettverka held fram "
        "etter at programmet er slutt.",
        "Gevinstane er ikkje berre økonomiske. Kommunane peikar òg på betre kvalitet i tenestene, "
        "meir føreseielege turnusar for dei tilsette og eit betre omdømme som arbeidsgjevar, "
        "sjølv om få av dei har målt dette systematisk.",
    ]),
    ("5 Tiltak per kommune", [
        "Tabellen under viser eit utval av tiltaka kommunane har rapportert, med fylke slik "
        "inndelinga var i 2015.",
    ]),
]

REPORT_CLOSING: list[tuple[str, list[str]]] = [
    ("6 Vidare arbeid", [
        "Sekretariatet samlar erfaringane i eit hefte som blir sendt til alle kommunane hausten "
        "2015. Rettleiarane og rapportane frå programmet ligg òg ute på nettsidene.",
    ]),
]


class _NumberedCanvas(rl_canvas.Canvas):
    """Draws the running header and 'Side N av M' once the page count is known."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            width, height = A4
            self.setFont("Helvetica", 9)
            self.drawString(20 * mm, height - 14 * mm, REPORT_TITLE)
            self.line(20 * mm, height - 16 * mm, width - 20 * mm, height - 16 * mm)
            self.drawRightString(width - 20 * mm, 12 * mm, f"Side {self._pageNumber} av {total}")
            super().showPage()
        super().save()


def build_report_2015(path: Path) -> None:
    """An A4 report whose one ruled table runs over a page break (header row repeated)."""
    body = ParagraphStyle("body", fontName="Helvetica", fontSize=10.5, leading=14.5,
                          alignment=TA_LEFT, spaceAfter=7)
    heading = ParagraphStyle("heading", parent=body, fontName="Helvetica-Bold", fontSize=13,
                             leading=17, spaceBefore=8, spaceAfter=5)
    title = ParagraphStyle("title", parent=body, fontName="Helvetica-Bold", fontSize=20, leading=25,
                           spaceAfter=6)
    story = [Paragraph(REPORT_TITLE, title),
             Paragraph("Sluttrapport frå programsekretariatet", body),
             Paragraph("Oslo, 30. juni 2015", body), Spacer(1, 10)]
    for head, paragraphs in REPORT_SECTIONS:
        story.append(Paragraph(head, heading))
        story.extend(Paragraph(text, body) for text in paragraphs)
    table = Table(TILTAK_PER_KOMMUNE, colWidths=[32 * mm, 36 * mm, 42 * mm, 60 * mm], repeatRows=1)
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), "Helvetica", 9),
        ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 9),
        ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.85, 0.88, 0.93)),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]))
    story.append(table)
    for head, paragraphs in REPORT_CLOSING:
        story.append(Paragraph(head, heading))
        story.extend(Paragraph(text, body) for text in paragraphs)
    doc = SimpleDocTemplate(str(path), pagesize=A4, title=REPORT_TITLE, author="Programsekretariatet",
                            subject=PROGRAMME, creator="saman corpus/build.py", invariant=1,
                            leftMargin=20 * mm, rightMargin=20 * mm, topMargin=24 * mm, bottomMargin=22 * mm)
    doc.build(story, canvasmaker=_NumberedCanvas)
    freeze_pdf(path, datetime(2015, 6, 30, 12, 0, 0))
    with pdfplumber.open(path) as pdf:
        table_pages = tuple(p.page_number for p in pdf.pages if p.find_tables())
        assert (len(pdf.pages), table_pages) == (REPORT_PAGES, REPORT_TABLE_PAGES), "report layout moved"


# --------------------------------------------------------------------------------------------
# Scanned, pictured and legacy twins
# --------------------------------------------------------------------------------------------

SCAN_DPI = 200
SCAN_JPEG_QUALITY = 40


def render_pages(pdf_path: Path, dpi: int, grey: bool = True, pages: list[int] | None = None) -> list[Image.Image]:
    """Pages of a PDF as images (1-based page numbers; all pages when `pages` is None)."""
    pdf = pdfium.PdfDocument(pdf_path)
    numbers = pages or list(range(1, len(pdf) + 1))
    images = [pdf[n - 1].render(scale=dpi / 72, grayscale=grey).to_pil() for n in numbers]
    pdf.close()
    return [im.convert("L") if grey else im.convert("RGB") for im in images]


def scan_look(page: Image.Image, rng: np.random.Generator) -> Image.Image:
    """Make a clean page look photocopied and scanned: soft, slightly rotated, grey paper, noise."""
    angle = float(rng.uniform(0.5, 1.0) * rng.choice([-1, 1]))
    soft = page.filter(ImageFilter.GaussianBlur(0.7)).rotate(
        angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
    pixels = np.asarray(soft, dtype=np.float32) * 0.9 + 14.0
    pixels += rng.normal(0.0, 3.5, pixels.shape)
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), mode="L")


def build_scan(pdf_path: Path, out: Path, title: str, when: datetime, seed: int) -> None:
    """An image-only PDF of `pdf_path`: no text layer, JPEG pages at the scanner's resolution."""
    rng = np.random.default_rng(seed)
    pages = [scan_look(page, rng) for page in render_pages(pdf_path, SCAN_DPI)]
    out.parent.mkdir(parents=True, exist_ok=True)
    pages[0].save(out, "PDF", save_all=True, append_images=pages[1:], resolution=SCAN_DPI,
                  quality=SCAN_JPEG_QUALITY, title=title, author="", creator="Skanner",
                  producer="", creationDate=when.timetuple(), modDate=when.timetuple())


def build_handout(pdf_path: Path, page: int, out: Path, title: str, when: datetime, seed: int) -> None:
    """One scanned slide handout as a greyscale PNG, JPEG artefacts included."""
    image = scan_look(render_pages(pdf_path, SCAN_DPI, pages=[page])[0], np.random.default_rng(seed))
    jpeg = io.BytesIO()
    image.save(jpeg, "JPEG", quality=SCAN_JPEG_QUALITY)
    meta = PngInfo()
    meta.add_text("Title", title)
    meta.add_text("Creation Time", when.date().isoformat())
    out.parent.mkdir(parents=True, exist_ok=True)
    Image.open(jpeg).save(out, "PNG", optimize=True, pnginfo=meta, dpi=(SCAN_DPI, SCAN_DPI))


def _photo_without_text(seed: int) -> bytes:
    """A photo-like picture (soft colour blobs and grain) that holds no text for OCR to find."""
    rng = np.random.default_rng(seed)
    coarse = rng.uniform(60, 220, (6, 9, 3)).astype(np.uint8)
    image = Image.fromarray(coarse, mode="RGB").resize((900, 600), Image.Resampling.BICUBIC)
    pixels = np.asarray(image.filter(ImageFilter.GaussianBlur(25)), dtype=np.float32)
    pixels += rng.normal(0.0, 6.0, pixels.shape)
    out = io.BytesIO()
    Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), mode="RGB").save(out, "JPEG", quality=80)
    return out.getvalue()


PICTURE_INFO = DeckInfo(
    PICTURE_DECK_2014, "Temaverksted sykefravær – erfaringer fra prosjektene", "2014-09-04", "nb",
    ("Temaverksted sykefravær", "Der vi startet: oppstartsrapporteringen 2012", "Spørsmål til gruppene"),
)


def build_picture_deck(path: Path, screenshot_source: Path) -> None:
    """A small deck whose second slide holds a screenshot of a slide (text only OCR can read)."""
    when = datetime(2014, 9, 4, 9, 0, 0)
    prs = new_deck(PICTURE_INFO.title, KMD, when, "nb-NO")
    t = PICTURE_INFO.slide_titles
    add_title_slide(prs, KMD, t[0], ["Erfaringer fra prosjektene", "Trondheim, 4. september 2014"])
    slide = add_slide(prs, KMD, t[1], notes="Bildet er et skjermbilde av lysarket fra samlingen i Asker 2012.")
    shot = io.BytesIO()
    render_pages(screenshot_source, 110, grey=False, pages=[6])[0].save(shot, "PNG", optimize=True)
    picture = slide.shapes.add_picture(shot, Inches(0.6), Inches(1.7), width=Inches(8.0))
    picture.line.color.rgb, picture.line.width = RGBColor(0x80, 0x80, 0x80), Pt(1)
    slide.shapes.add_picture(io.BytesIO(_photo_without_text(7)), Inches(9.0), Inches(2.2), width=Inches(3.8))
    add_slide(prs, KMD, t[2], [
        ("Hva har virket best i deres kommune?", 0),
        ("Hvordan følger lederne opp sykmeldte?", 0),
        ("tidlig dialog", 1),
        ("tilrettelegging på arbeidsplassen", 1),
        ("Hva trenger dere fra sekretariatet?", 0),
    ])
    save_deck(prs, path, when)


def build_scanned_and_legacy() -> None:
    """Twins made from the born-digital files: image-only scans, a picture deck, a .ppt."""
    asker_pdf, kmd_pdf = CORPUS / f"{ASKER_2012}.pdf", CORPUS / f"{KMD_2014}.pdf"
    build_scan(asker_pdf, SCANS / f"{ASKER_2012}_skann.pdf", ASKER_INFO.title,
               datetime.fromisoformat(ASKER_INFO.date), seed=2012)
    build_scan(CORPUS / f"{REPORT_2015}.pdf", SCANS / f"{REPORT_2015}_skann.pdf", REPORT_TITLE,
               datetime.fromisoformat(REPORT_DATE), seed=2015)
    for info, seed in ((KMD_INFO, 2014), (PULJE2_INFO, 2013)):
        build_scan(CORPUS / f"{info.base}.pdf", SCANS / f"{info.base}_skann.pdf", info.title,
                   datetime.fromisoformat(info.date), seed=seed)
    build_handout(kmd_pdf, KMD_INFO.slide_titles.index(HANDOUT_TITLE) + 1, SCANS / f"{HANDOUT_2014}.png",
                  HANDOUT_TITLE, datetime.fromisoformat(KMD_INFO.date), seed=2014)
    build_picture_deck(CORPUS / f"{PICTURE_DECK_2014}.pptx", asker_pdf)
    convert_with_libreoffice([CORPUS / f"{ASKER_2012}.pptx"], "ppt", LEGACY)


# --------------------------------------------------------------------------------------------
# Gold lines
# --------------------------------------------------------------------------------------------


def _document(file_name: str, media_type: str, n_pages: int, title: str, date: str, language: str,
              work: str, best: bool) -> dict:
    """A document line; `work` names the work it is a copy of (the gold's work_id is a label:
    what must hold is that files of one label share one work_id in the export, and no others),
    `best` whether it is the work's best source (born-digital before OCR, its own format first)."""
    return {"file_name": file_name, "page": None, "media_type": media_type, "n_pages": n_pages,
            "title": title, "date": date, "language": language, "work_id": work, "best_copy": best}


def _table(file_name: str, page: int, rows: list[list[str]], method: str, **extra) -> dict:
    return {"file_name": file_name, "page": page, "rows": rows, "method": method, **extra}


def _chart_rows(categories: list[tuple[str, int]], series: str) -> list[list[str]]:
    return [["", series], *([name, str(n)] for name, n in categories)]


def _page_titles(file_name: str, titles: tuple[str, ...], method: str) -> list[dict]:
    return [{"file_name": file_name, "page": i, "title": title, "method": method}
            for i, title in enumerate(titles, start=1)]


SLIDE_TABLES: dict[str, list[tuple[int, list[list[str]]]]] = {
    ASKER_2012: [(3, TIMELINE), (6, SYKEFRAVAER_PROFILES), (7, HELTID_MEASURES)],
    KMD_2014: [(4, OMDOMME_GOALS)],
    PULJE2_2013: [(4, TEMA_ANTALL_NN)],
}


def gold_lines() -> dict[str, list[dict]]:
    """The document, table and page-title lines for every built file.

    Every copy of a document has its twin's tables: the born-digital twins, the `.ppt`, the
    scans (banded slide tables and the ruled report table, read by OCR) and the screenshot
    of the profile table on the picture deck's second slide.
    """
    documents, tables, pages = [], [], []
    twins = [(".pptx", PPTX_TYPE, "pptx", "pptx"), (".pdf", "application/pdf", "text", "pdf")]
    for info in (ASKER_INFO, KMD_INFO, PULJE2_INFO):
        for ext, media, page_method, table_method in twins:
            name = info.base + ext
            documents.append(_document(name, media, len(info.slide_titles), info.title, info.date, info.language,
                                       info.base, ext == ".pptx"))
            tables.extend(_table(name, page, rows, table_method) for page, rows in SLIDE_TABLES[info.base])
            pages.extend(_page_titles(name, info.slide_titles, page_method))
    tables.append(_table(f"{KMD_2014}.pptx", 5, _chart_rows(PROJECTS_PER_THEME_NB, "Prosjekter"),
                         "pptx", source="chart"))

    report, report_scan = f"{REPORT_2015}.pdf", f"{REPORT_2015}_skann.pdf"
    for name, method in [(report, "text"), (report_scan, "ocr")]:
        documents.append(_document(name, "application/pdf", REPORT_PAGES, REPORT_TITLE, REPORT_DATE, "nn",
                                   REPORT_2015, method == "text"))
        tables.append(_table(name, REPORT_TABLE_PAGES[0], TILTAK_PER_KOMMUNE, "pdf" if method == "text" else "ocr"))
        pages.extend(_page_titles(name, REPORT_PAGE_TITLES, method))

    # A chart scanned is a picture of bars: its numbers are not a table, so a deck's scan has
    # the slide tables only.
    for info in (ASKER_INFO, KMD_INFO, PULJE2_INFO):
        scan = f"{info.base}_skann.pdf"
        documents.append(_document(scan, "application/pdf", len(info.slide_titles), info.title, info.date,
                                   info.language, info.base, False))
        tables.extend(_table(scan, page, rows, "ocr") for page, rows in SLIDE_TABLES[info.base])
        pages.extend(_page_titles(scan, info.slide_titles, "ocr"))

    legacy = f"{ASKER_2012}.ppt"
    documents.append(_document(legacy, "application/vnd.ms-powerpoint", len(ASKER_INFO.slide_titles),
                               ASKER_INFO.title, ASKER_INFO.date, "nb", ASKER_2012, False))
    tables.extend(_table(legacy, page, rows, "pptx") for page, rows in SLIDE_TABLES[ASKER_2012])
    pages.extend(_page_titles(legacy, ASKER_INFO.slide_titles, "pptx"))

    picture = f"{PICTURE_DECK_2014}.pptx"
    # Its title slide has a title of its own (not the programme name), so that is its title.
    documents.append(_document(picture, PPTX_TYPE, len(PICTURE_INFO.slide_titles), PICTURE_INFO.slide_titles[0],
                               PICTURE_INFO.date, "nb", PICTURE_DECK_2014, True))
    tables.append(_table(picture, 2, SYKEFRAVAER_PROFILES, "ocr"))
    pages.extend(_page_titles(picture, PICTURE_INFO.slide_titles, "pptx"))

    handout = f"{HANDOUT_2014}.png"
    documents.append(_document(handout, "image/png", 1, HANDOUT_TITLE, KMD_INFO.date, "nb", HANDOUT_2014, True))
    pages.extend(_page_titles(handout, (HANDOUT_TITLE,), "ocr"))
    return {"document": documents, "table": tables, "page": pages}


def write_gold() -> None:
    sys.path.insert(0, str(REPO))
    from tests.gold import replace_gold

    for record_type, records in gold_lines().items():
        replace_gold(record_type, records)


# --------------------------------------------------------------------------------------------


def build_born_digital() -> None:
    """The three decks, their LibreOffice PDF twins and the reportlab report."""
    decks: list[tuple[Callable[[Path], None], DeckInfo]] = [
        (build_asker_2012, ASKER_INFO), (build_kmd_2014, KMD_INFO), (build_pulje2_2013, PULJE2_INFO)]
    for build, info in decks:
        build(CORPUS / f"{info.base}.pptx")
    convert_with_libreoffice([CORPUS / f"{info.base}.pptx" for _, info in decks], "pdf", CORPUS)
    for _, info in decks:
        freeze_pdf(CORPUS / f"{info.base}.pdf", datetime.fromisoformat(info.date).replace(hour=9))
    build_report_2015(CORPUS / f"{REPORT_2015}.pdf")


def main() -> None:
    build_born_digital()
    build_scanned_and_legacy()
    write_gold()
    for path in sorted(CORPUS.rglob("*")):
        if path.is_file() and path.suffix in {".pptx", ".pdf", ".ppt", ".png"}:
            print(f"{path.relative_to(CORPUS)}  {path.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
