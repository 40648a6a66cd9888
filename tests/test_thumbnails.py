"""Page pictures: small PNGs of real pages and slides that show what the page says, where it says it."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import pytesseract
from PIL import Image, ImageChops, ImageDraw, ImageFont

from extractors.readers.base import open_source, read_document
from extractors.readers.source import ReadOptions
from extractors.thumbnails import WIDTH, _font, _text, _wrap, draw_page, thumbnails
from models import Document, Page
from tests.conftest import CORPUS

DECK = CORPUS / "2012-08-28_asker_nettverkssamling.pptx"
DECK_PDF = CORPUS / "2012-08-28_asker_nettverkssamling.pdf"
REPORT = CORPUS / "2015-06-30_sluttrapport_tiltak.pdf"
SCAN = CORPUS / "scans" / "2015-06-30_sluttrapport_tiltak_skann.pdf"
HANDOUT = CORPUS / "scans" / "handout_2014_temaverksted.png"
LEGACY = CORPUS / "legacy" / "2012-08-28_asker_nettverkssamling.ppt"
MAX_PNG_BYTES = 40_000


def pictures_of(path: Path, doc: Document) -> dict[int, bytes]:
    with open_source(path) as source:
        return thumbnails(source, doc)


def image(png: bytes) -> Image.Image:
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    return Image.open(io.BytesIO(png)).convert("L")


def ink(picture: Image.Image, box: tuple[float, float, float, float]) -> int:
    """How many clearly dark pixels lie inside the box."""
    return sum(picture.crop(tuple(round(v) for v in box)).histogram()[:140])


@pytest.fixture(scope="module")
def deck() -> Document:
    return read_document(DECK)


def test_one_small_png_per_slide_drawn_where_the_slide_has_its_text(deck):
    pictures = pictures_of(DECK, deck)
    assert sorted(pictures) == [p.number for p in deck.pages]
    for page in deck.pages:
        picture = image(pictures[page.number])
        assert len(pictures[page.number]) < MAX_PNG_BYTES
        assert picture.width == WIDTH
        assert picture.height == round(page.height * WIDTH / page.width)
        scale = WIDTH / page.width
        title = next(b for b in page.blocks if b.role == "title")
        assert ink(picture, tuple(v * scale for v in title.bbox)) > 30
        # Where no block and no table stands, the slide is blank.
        boxes = [b.bbox for b in page.blocks if b.bbox] + [t.bbox for t in deck.tables if t.page == page.number and t.bbox]
        top = min(b[1] for b in boxes) * scale
        assert top > 4 and ink(picture, (2, 2, picture.width - 2, top - 1)) == 0


def test_a_drawn_slide_reads_back_as_the_slide_text(deck):
    slide = next(p for p in deck.pages if p.title == "Oppstartsrapportering: heltid/deltid")
    drawn = draw_page(slide, deck.tables, width=1280)
    text = pytesseract.image_to_string(drawn, lang="nor")
    assert "Oppstartsrapportering: heltid/deltid" in text
    assert "14 prosjekter" in text
    table = next(t for t in deck.tables if t.page == slide.number)
    for row in table.rows[1:6]:
        assert row[0] in text  # the municipalities in the table's first column
    assert "Langvakter helg" in text


def test_pdf_pages_are_the_rendered_pages():
    doc = read_document(REPORT)
    pictures = pictures_of(REPORT, doc)
    assert sorted(pictures) == [1, 2, 3]
    for page in doc.pages:
        picture = image(pictures[page.number])
        assert len(pictures[page.number]) < MAX_PNG_BYTES
        assert picture.width == WIDTH
        assert abs(picture.height - page.height * WIDTH / page.width) <= 1
        scale = WIDTH / page.width
        first = next(b for b in page.blocks if b.bbox and b.role != "furniture")
        assert ink(picture, tuple(v * scale for v in first.bbox)) > 10


def test_a_scan_is_pictured_without_ocr():
    doc = read_document(SCAN, options=ReadOptions(ocr=False))
    pictures = pictures_of(SCAN, doc)
    assert sorted(pictures) == [p.number for p in doc.pages]
    assert all(ink(image(png), (0, 0, WIDTH, 200)) > 100 for png in pictures.values())


def test_an_image_file_is_its_own_picture():
    with Image.open(HANDOUT) as original:
        width, height = original.size
    doc = Document(sha256="0" * 64, path=str(HANDOUT), media_type="image/png", pages=[Page(number=1)])
    picture = image(pictures_of(HANDOUT, doc)[1])
    assert picture.width == WIDTH
    assert abs(picture.height - height * WIDTH / width) <= 1
    assert ink(picture, (0, 0, picture.width, picture.height)) > 200


def test_a_file_pdfium_cannot_open_is_drawn_from_its_content(deck):
    # A legacy .ppt is read through LibreOffice; its Document is the converted deck's.
    legacy = deck.model_copy(update={"path": str(LEGACY)})
    drawn = pictures_of(LEGACY, legacy)
    assert drawn == pictures_of(DECK, deck)


def greedy_wrap(text: str, font: ImageFont.FreeTypeFont, max_width: float) -> list[str]:
    """Word wrap measuring every trial line, as thumbnails wrapped before it guessed line ends."""
    lines = []
    for paragraph in text.splitlines() or [""]:
        current = ""
        for word in paragraph.split():
            trial = f"{current} {word}".strip()
            if current and font.getlength(trial) > max_width:
                lines.append(current)
                current = word
            else:
                current = trial
        lines.append(current)
    return lines


LONG_TEXT = ("Kommunal- og moderniseringsdepartementet følger opp 17 prosjekter i 20 kommuner: AV-utstyr, "
             "Tiltaksplan for Ålesund, Øvre Eiker og Våler (Innlandet), WAVE-Tøyen, «fiffige» løsninger, "
             "ekstraordinærtlangtordsomikkefårplasspåénlinje og to små ord\n\nNytt avsnitt etter en tom linje")


def test_slide_text_wraps_where_measuring_every_trial_line_wraps_it():
    for size, bold in ((5, False), (11, False), (11, True), (18, True), (40, False)):
        font = _font(size, bold)
        for max_width in (1.0, 37.5, 80.0, 143.3, 280.0, 1000.0):
            assert _wrap(LONG_TEXT, font, max_width) == greedy_wrap(LONG_TEXT, font, max_width)
    # a run of words exactly as wide as the line fits; a hair narrower a line, it does not
    font = _font(11)
    exact = font.getlength("Tiltaksplan for Ålesund")
    assert _wrap("Tiltaksplan for Ålesund og Våler", font, exact)[0] == "Tiltaksplan for Ålesund"
    assert _wrap("Tiltaksplan for Ålesund og Våler", font, exact - 0.01)[0] == "Tiltaksplan for"


def test_text_drawn_from_kept_masks_is_the_text_imagedraw_draws():
    direct, kept = Image.new("RGB", (320, 240), "white"), Image.new("RGB", (320, 240), "white")
    lines = [((10.3, 20.7), "Åpning – Øvre Eiker", _font(18, True)), ((-3.6, -2.25), "jÅg kant", _font(11)),
             ((250.5, 100.0), "Kommunal- og regionaldepartementet, langt ut over kanten", _font(9)),
             ((40.0, 230.9), "Tiltak", _font(11)), ((12.125, 60.5), "", _font(11))]
    for _ in range(2):  # the second round draws from the kept masks
        for xy, text, font in lines:
            ImageDraw.Draw(direct).text(xy, text, fill=(24, 44, 92), font=font)
            _text(ImageDraw.Draw(kept), xy, text, font, (24, 44, 92))
        assert kept.tobytes() == direct.tobytes()
    assert ink(kept.convert("L"), (0, 0, 320, 240)) > 100


def test_slides_drawn_in_the_same_colours_share_a_palette_and_a_chart_keeps_its_bars():
    """A deck's slides are mapped onto the palette of its first slide drawn in the same
    colours (finding a palette for each slide was half the cost of its picture); a slide
    drawn in other colours (a chart's bars) gets a palette of its own, so its bars stay blue."""
    from models import Block, Table
    from extractors.thumbnails import BAR

    def slide(number: int, words: str) -> Page:
        return Page(number=number, kind="slide", width=720, height=540, method="pptx", blocks=[
            Block(text=f"Lysark {number}", role="title", bbox=(40, 30, 680, 90), method="pptx"),
            Block(text=words, role="body", bbox=(40, 120, 680, 200), method="pptx")])

    chart = Table(table_id="p3t1", page=3, pages=[3], rows=[["", "Prosjekt"], ["Asker", "3"], ["Bærum", "5"]],
                  bbox=(40, 240, 680, 500), method="pptx", source="chart")
    doc = Document(sha256="0" * 64, path="deck.pptx", media_type="application/vnd.ms-powerpoint", tables=[chart],
                   pages=[slide(1, "Heltid og deltid"), slide(2, "Sykefravær i 12 kommuner"), slide(3, "Prosjekt")])
    pictures = pictures_of(DECK, doc)
    palette = {n: Image.open(io.BytesIO(png)).getpalette() for n, png in pictures.items()}
    assert palette[1] == palette[2], "slides drawn alike share one palette"
    assert palette[3] != palette[1]
    scale = WIDTH / 720
    bars = Image.open(io.BytesIO(pictures[3])).convert("RGB").crop(tuple(round(v * scale) for v in chart.bbox))
    nearest = min(sum((a - b) ** 2 for a, b in zip(colour, BAR)) for _, colour in bars.getcolors(4096))
    assert nearest < 100, "the chart's bars are drawn in their own blue"
    for n, png in pictures.items():  # each slide as the drawing shows it
        drawn = draw_page(doc.pages[n - 1], doc.tables)
        off = ImageChops.difference(drawn, Image.open(io.BytesIO(png)).convert("RGB")).convert("L").histogram()
        assert sum(off[48:]) == 0
