"""OCR (extractors.ocr: page, pages, correct, layout, tables, settings) with real tesseract on images drawn here.

Every image is drawn with Pillow and a DejaVu font, small enough that a page takes about a
second, so the whole file stays well under a minute on two cores.
"""

from __future__ import annotations

import dataclasses
import io
import re
import time
from pathlib import Path

import numpy as np
import pdfplumber
import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageFont
from rapidfuzz.distance import Levenshtein
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from models.errors import ReadError
from extractors.readers import pdfium_text
from extractors.readers.base import read_document
from extractors.readers.source import ReadOptions
from extractors.ocr.correct import mark_columns, spaced_percents, without_bars
from extractors.ocr.layout import image_has_text
from extractors.ocr.page import ocr_image
from extractors.readers.ocr_pages import needs_ocr, ocr_images, ocr_pdf_pages
from extractors.ocr.settings import OcrSettings, SettingError, TableSettings, ocr_settings, parse_assignments
from extractors.readers.text_layer import TextLayer, layer_fault
from extractors.ocr.tables import Word, find_rules
from extractors.recognisers.pipeline import reading_settings
from tests.gold import load_gold

FONTS = Path("/usr/share/fonts/truetype/dejavu")
DPI = 300
LINES = [
    "Første samling i pulje 2 ble holdt høsten 2012.",
    "Målet er å redusere sykefraværet med 10 prosent.",
    "Kompetansemiljø og rekruttering står sentralt.",
    "Bærum, Tønsberg og Ålesund rapporterer årlig.",
    "Færre små stillinger gir et bedre omdømme.",
]
TABLE = [
    ["Kommune", "Tema", "Tiltak", "Antall"],
    ["Asker", "Sykefravær", "Nærværsteam", "12"],
    ["Bærum", "Omdømme", "Årlig måling", "3"],
    ["Tønsberg", "Heltid", "Færre små stillinger", "7"],
    ["Ålesund", "Kompetanse", "Lærlinger", "15"],
]


def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONTS / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")), size)


def text_page(lines: list[str], size: tuple[int, int] = (1900, 620), top: int = 60, font_px: int = 42) -> Image.Image:
    image = Image.new("L", size, 255)
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        draw.text((80, top + i * int(font_px * 1.8)), line, font=font(font_px), fill=0)
    return image


def scanned(image: Image.Image, angle: float = 0.0, quality: int = 60) -> Image.Image:
    """A page that looks scanned: turned a little, softened, grey paper, JPEG artefacts."""
    turned = image.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255) if angle else image
    soft = np.asarray(turned.filter(ImageFilter.GaussianBlur(0.6)), dtype=np.float32) * 0.9 + 14
    out = io.BytesIO()
    Image.fromarray(soft.astype(np.uint8), "L").save(out, "JPEG", quality=quality)
    return Image.open(io.BytesIO(out.getvalue()))


def table_page(rules: str) -> Image.Image:
    """The TABLE drawn with a full grid of rules ("grid"), three horizontal rules ("booktabs"),
    none, or as a slide draws it ("banded"): shaded cells parted by thin white gaps under a
    dark header bar with white text, not one dark rule."""
    image = Image.new("L", (2000, 900), 255)
    draw = ImageDraw.Draw(image)
    draw.text((80, 40), "Tabell 2: Tiltak i kommunene", font=font(40, bold=True), fill=0)
    xs, y0, row_h = [80, 480, 880, 1500, 1800], 140, 110
    if rules == "banded":
        for r in range(len(TABLE)):
            shade = 100 if r == 0 else (200 if r % 2 else 222)
            for c in range(len(xs) - 1):
                draw.rectangle([xs[c] + 3, y0 + r * row_h + 3, xs[c + 1] - 3, y0 + (r + 1) * row_h - 3], fill=shade)
    for r, row in enumerate(TABLE):
        for c, cell in enumerate(row):
            ink = 255 if rules == "banded" and r == 0 else 0
            draw.text((xs[c] + 20, y0 + r * row_h + 30), cell, font=font(38, bold=r == 0), fill=ink)
    if rules == "grid":
        for r in range(len(TABLE) + 1):
            draw.line([(xs[0], y0 + r * row_h), (xs[-1], y0 + r * row_h)], fill=0, width=4)
        for x in xs:
            draw.line([(x, y0), (x, y0 + len(TABLE) * row_h)], fill=0, width=4)
    elif rules == "booktabs":
        for y in (y0, y0 + row_h, y0 + len(TABLE) * row_h):
            draw.line([(xs[0], y), (xs[-1], y)], fill=0, width=4)
    draw.text((80, y0 + len(TABLE) * row_h + 50), "Kilde: rapportering fra kommunene.", font=font(38), fill=0)
    return image


def cer(hypothesis: str, truth: str) -> float:
    def norm(t: str) -> str:
        return re.sub(r"\s+", " ", t).strip()

    return Levenshtein.distance(norm(hypothesis), norm(truth)) / len(norm(truth))


def cell_share(rows: list[list[str]], expected: list[list[str]]) -> float:
    cells = [(r, c) for r in range(len(expected)) for c in range(len(expected[r]))]
    same = sum(r < len(rows) and c < len(rows[r]) and rows[r][c] == expected[r][c] for r, c in cells)
    return same / len(cells)


# ---------------------------------------------------------------------------- pages


@pytest.fixture(scope="module")
def plain_page():
    return ocr_image(scanned(text_page(LINES)), 1)


def test_norwegian_page_is_read_with_letters_boxes_and_confidence(plain_page) -> None:
    page, tables = plain_page
    assert cer(page.text, "\n".join(LINES)) <= 0.02
    assert page.method == "ocr" and page.number == 1 and tables == []
    assert 0.7 <= page.confidence <= 1.0
    width_pt, height_pt = page.width, page.height
    assert (width_pt, height_pt) == pytest.approx((1900 * 72 / DPI, 620 * 72 / DPI), abs=1)
    tops = []
    for block in page.blocks:
        assert block.method == "ocr" and block.raw_text is not None and 0 < block.confidence <= 1
        x0, top, x1, bottom = block.bbox
        assert 0 <= x0 < x1 <= width_pt and 0 <= top < bottom <= height_pt
        tops.append(top)
    assert tops == sorted(tops) and len(page.blocks) == len(LINES)
    # The first line was drawn 60 px from the top: 14.4 pt at 300 dpi.
    assert page.blocks[0].bbox[1] == pytest.approx(60 * 72 / DPI, abs=6)


def test_skewed_page_is_deskewed_and_boxes_map_back(plain_page) -> None:
    page, _ = ocr_image(scanned(text_page(LINES), angle=2.5), 1)
    assert cer(page.text, "\n".join(LINES)) <= 0.03
    # Each line's box, mapped back onto the tilted page, is taller than the level line's box
    # by the tilt (a 330 pt line turned 2.5° climbs 14 pt).
    level = max(b.bbox[3] - b.bbox[1] for b in plain_page[0].blocks)
    assert min(b.bbox[3] - b.bbox[1] for b in page.blocks) > level + 5


def test_upside_down_page_is_turned_by_osd() -> None:
    page, _ = ocr_image(scanned(text_page(LINES).rotate(180)), 1)
    assert cer(page.text, "\n".join(LINES)) <= 0.03
    # Boxes stay on the page as given: the first line read is at the bottom of the image.
    assert page.blocks[0].bbox[1] > page.height / 2


def test_a_space_before_a_per_cent_sign_is_kept_as_printed() -> None:
    # In a shaded table cell tesseract reads `33 %` as one word `33%`; the blank on the page
    # tells the two apart. Words boxed where the text was drawn, as tesseract boxes them.
    image = Image.new("L", (900, 120), 210)
    draw = ImageDraw.Draw(image)
    words = []
    for x, text in ((40, "33 %"), (400, "44%"), (700, "12,5 %")):
        draw.text((x, 30), text, font=font(50), fill=20)
        left, top, right, bottom = draw.textbbox((x, 30), text, font=font(50))
        words.append(Word(text.replace(" ", ""), 90, left, top, right, bottom))
    assert [w.text for w in spaced_percents(words, np.asarray(image), OcrSettings())] == ["33 %", "44%", "12,5 %"]


def test_lost_letters_are_restored_and_raw_ocr_kept() -> None:
    # Without the Norwegian model (a setting changed by name, as --ocr-setting lang=eng does)
    # tesseract loses æ/ø/å: the post-correction puts them back.
    page, _ = ocr_image(text_page(LINES[:3], size=(1900, 330)), 1, ocr_settings({"lang": "eng"}))
    assert "ø" not in page.raw_text and "å" not in page.raw_text
    assert "Første" in page.text and "høsten" in page.text and "Målet" in page.text
    assert cer(page.text, "\n".join(LINES[:3])) < cer(page.raw_text, "\n".join(LINES[:3]))


def test_slide_like_page_gets_a_title() -> None:
    image = Image.new("L", (2400, 1350), 255)
    draw = ImageDraw.Draw(image)
    draw.text((120, 80), "Oppstartsrapportering: sykefravær", font=font(90), fill=0)
    for i, line in enumerate(["• 18 prosjekter", "• To hovedretninger: nærvær og oppfølging"]):
        draw.text((160, 400 + i * 110), line, font=font(50), fill=0)
    page, _ = ocr_image(image, 4, page_size_pt=(960, 540))
    assert page.title == "Oppstartsrapportering: sykefravær"
    assert [b.role for b in page.blocks] == ["title", "body", "body"]
    assert page.blocks[1].text.startswith("• 18 prosjekter")
    assert page.blocks[0].bbox[2] <= 960 and page.number == 4


# ---------------------------------------------------------------------------- tables


@pytest.mark.parametrize("rules", ["grid", "booktabs", "none", "banded"])
def test_table_on_a_scan_is_rebuilt(rules: str) -> None:
    page, tables = ocr_image(scanned(table_page(rules), angle=-1.2), 2)
    assert len(tables) == 1
    table = tables[0]
    assert table.method == "ocr" and table.page == 2 and table.pages == [2] and table.table_id == "p2ocr1"
    assert cell_share(table.rows, TABLE) >= 0.9
    assert 0 < table.confidence <= 1
    # Page text keeps the table row by row, as the PDF reader would; rules leave no debris.
    rows = [b.text for b in page.blocks if b.role == "table-cell"]
    assert "Asker Sykefravær Nærværsteam 12" in rows
    assert not any(ch in page.text for ch in "|_—")


def test_banded_table_is_ruled_by_the_light_gaps_between_its_cells() -> None:
    """No dark rule on the page, yet every row and column edge is found: the white gaps
    between shaded cells, and the edges where the shading meets the paper."""
    rules = find_rules(np.asarray(scanned(table_page("banded"))), DPI)
    xs, y0, row_h = [80, 480, 880, 1500, 1800], 140, 110

    def near(values: list[float], target: float) -> bool:
        return any(abs(v - target) <= 10 for v in values)

    assert all(near([v.pos for v in rules.vertical], x) for x in xs)
    assert all(near([h.pos for h in rules.horizontal], y0 + r * row_h) for r in range(len(TABLE) + 1))
    plain = find_rules(np.asarray(scanned(text_page(LINES))), DPI)
    assert plain.horizontal == [] and plain.vertical == []


def test_a_bar_between_words_is_the_word_i_and_other_bars_are_rule_debris() -> None:
    line = (1, 1, 1)
    body = [Word(w, 95, 60 * k, 500, 60 * k + 50, 525, (3, 1, 1)) for k, w in enumerate("kva har vi lært så langt".split())]
    menu = [Word("Hjem", 95, 0, 600, 50, 625, (4, 1, 1)), Word("|", 90, 60, 598, 65, 632, (4, 1, 1)),
            Word("Kontakt", 95, 75, 600, 150, 625, (4, 1, 1))]  # a printed bar in body type
    words = [Word("Hvor", 96, 0, 0, 90, 40, line), Word("er", 96, 100, 10, 140, 40, line),
             Word("vi", 96, 150, 0, 190, 40, line), Word("|", 91, 200, 0, 210, 40, line),
             Word("programmet?", 95, 220, 0, 480, 52, line),
             Word("|", 90, 500, 0, 510, 40, line),  # at the end of the line: what a rule left
             Word("Samlinger", 95, 0, 100, 200, 140, (2, 1, 1)),
             Word("|", 90, 210, 60, 220, 400, (2, 1, 1)),  # as tall as a table: a rule
             Word("Rapportering", 95, 230, 100, 480, 140, (2, 1, 1))]
    # In a title's large type a bar standing on the baseline between two words is `i`.
    assert [w.text for w in without_bars(words + body + menu, OcrSettings())] == [
        "Hvor", "er", "vi", "i", "programmet?", "Samlinger", "Rapportering", *"kva har vi lært så langt".split(),
        "Hjem", "Kontakt"]
    # A bar that reaches below the baseline is a printed `|`, also in large type.
    descending = [Word("Oslo", 96, 0, 0, 90, 40, line), Word("|", 90, 100, 0, 105, 50, line),
                  Word("Bergen", 96, 115, 0, 240, 50, line)]
    assert [w.text for w in without_bars(descending + body, OcrSettings())][:2] == ["Oslo", "Bergen"]


def test_a_tick_column_reads_its_odd_cells_as_its_mark() -> None:
    rows = [["Kommune", "Langvakter", "Andre"], ["Drammen", "x", "på"], ["Moss", "på", "Fleksible stillinger"],
            ["Time", "Xx", ""], ["Bjugn", "x", "x"], ["Løten", "x", ""], ["Elverum", "x", "langvakter"],
            ["Ski", "Nei", ""], ["Moss", "-", ""], ["Sum", "6", ""]]
    out = mark_columns(rows, OcrSettings())
    # `Langvakter` is a tick column: `på` and `Xx` are misread marks; `Nei`, `-` and the Sum
    # are answers of their own.
    assert [r[1] for r in out] == ["Langvakter", "x", "x", "x", "x", "x", "x", "Nei", "-", "6"]
    # `Andre` holds text as often as marks: left as read.
    assert [r[2] for r in out] == [r[2] for r in rows]
    assert rows[1][1] == "x" and rows[2][1] == "på"  # the input is not changed


def test_text_without_columns_is_not_a_table(plain_page) -> None:
    _, tables = plain_page
    assert tables == []


# ---------------------------------------------------------------------------- PDFs and files


def _image_pdf(path: Path, pages: list[Image.Image], dpi: int = 200) -> None:
    pages[0].save(path, "PDF", save_all=True, append_images=pages[1:], resolution=dpi)


def test_ocr_pdf_pages_of_an_image_only_pdf(tmp_path: Path) -> None:
    pdf = tmp_path / "skann.pdf"
    _image_pdf(pdf, [scanned(text_page(LINES), angle=0.8), scanned(table_page("grid"))], dpi=DPI)
    tables: list = []
    results = ocr_pdf_pages(str(pdf), [1, 2, 3], tables=tables)
    assert set(results) == {1, 2, 3}
    first, second = results[1], results[2]
    assert cer(first.text, "\n".join(LINES)) <= 0.03 and first.method == "ocr"
    # Pillow wrote the page at 300 dpi, so its size in points is the image's pixels * 72 / 300.
    assert first.width == pytest.approx(scanned(text_page(LINES), angle=0.8).width * 72 / DPI, abs=1)
    assert second.number == 2 and [t.page for t in tables] == [2]
    assert results[3].kind == "corrupt" and "page 3" in results[3].message and results[3].detail


def test_page_over_its_time_budget_is_an_error_and_the_rest_is_read() -> None:
    # A page tesseract needs 15-30 s for, and a small one it reads in under a second.
    lines = ["Sykefraværet i kommunene gikk ned i alle puljene fra 2012 til 2015, " * 3] * 130
    dense = text_page(lines, size=(5000, 7000), top=40, font_px=28)
    small = text_page(LINES[:1], size=(1900, 200))
    start = time.monotonic()
    results = ocr_images([(1, dense, None), (2, small, None)], OcrSettings(page_timeout_s=6))
    assert time.monotonic() - start < 12
    assert results[1].kind == "timeout" and "page 1" in results[1].message
    assert "Første samling" in results[2][0].text


def test_a_language_without_its_data_is_a_clear_fault_and_the_languages_present_read() -> None:
    # "sme" (Northern Sami) has no tesseract-ocr package here: the page says what to install.
    small = text_page(LINES[:1], size=(1900, 200))
    missing = ocr_images([(1, small, None)], OcrSettings(lang="nor+sme"))[1]
    assert missing.kind == "ocr_failed" and "language data for sme," in missing.message
    assert "install tesseract-ocr-sme" in missing.message and "eng" in missing.detail
    # The same page in the languages that are installed is read, by the models kept loaded.
    for _ in range(2):
        assert "Første samling" in ocr_images([(1, small, None)], OcrSettings())[1][0].text


# ---------------------------------------------------------------------------- when to OCR


def _layer_of(tmp_path: Path, lines: list[str]) -> TextLayer:
    """The text layer of a one-page PDF of these lines, as the PDF reader hands it to needs_ocr."""
    pdfmetrics.registerFont(TTFont("DejaVu", str(FONTS / "DejaVuSans.ttf")))
    path = tmp_path / "tekst.pdf"
    pdf = canvas.Canvas(str(path))
    pdf.setFont("DejaVu", 11)
    for i, line in enumerate(lines):
        pdf.drawString(60, 780 - 16 * i, line)
    pdf.save()
    return pdfium_text.read_page(pdfium_text.open_pdf(str(path)), 1).layer


def test_a_good_text_layer_needs_no_ocr(tmp_path: Path) -> None:
    assert not needs_ocr(_layer_of(tmp_path, LINES))


def test_missing_or_thin_text_layer_needs_ocr(tmp_path: Path) -> None:
    assert needs_ocr(TextLayer(glyphs=[], text=""))
    page_number = _layer_of(tmp_path, ["Side 3"])
    assert not needs_ocr(page_number)  # alone on a page it is what the page says
    assert needs_ocr(dataclasses.replace(page_number, picture_share=0.9))  # on a scan it is a stamp


def test_a_hidden_ocr_layer_that_lost_letters_needs_ocr(tmp_path: Path) -> None:
    lost = ["Fgrste samling i pulje 2 ble holdt hgsten 2012.", "Malet er a redusere sykefraveret med 10 prosent.",
            "Kompetansemiljg og rekruttering star sentralt.", "Omdpmme og arlig rapportering i kommunene."]
    assert layer_fault(_layer_of(tmp_path, lost)) == "lost æ/ø/å"


def test_unmapped_glyphs_need_ocr() -> None:
    glyphs = [f"(cid:{i})" for i in range(40)]
    assert layer_fault(TextLayer(glyphs=glyphs, text="".join(glyphs))) == "unmapped glyphs"


# ---------------------------------------------------------------------------- pictures


def photo(seed: int = 7) -> Image.Image:
    rng = np.random.default_rng(seed)
    coarse = Image.fromarray(rng.uniform(60, 220, (6, 9, 3)).astype(np.uint8), "RGB").resize((900, 600), Image.Resampling.BICUBIC)
    pixels = np.asarray(coarse.filter(ImageFilter.GaussianBlur(25)), dtype=np.float32) + rng.normal(0, 6, (600, 900, 3))
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "RGB")


def test_image_has_text_tells_text_from_photos_and_logos() -> None:
    screenshot = Image.new("RGB", (1000, 500), (225, 235, 245))
    draw = ImageDraw.Draw(screenshot)
    for i, line in enumerate(LINES):
        draw.text((40, 40 + 80 * i), line, font=font(30), fill=(20, 30, 60))
    logo = Image.new("RGB", (400, 400), "white")
    ImageDraw.Draw(logo).ellipse((50, 50, 350, 350), fill=(200, 30, 40))
    transparent = Image.new("RGBA", (900, 300), (0, 0, 0, 0))
    ImageDraw.Draw(transparent).text((20, 100), LINES[0], font=font(36), fill=(0, 0, 0, 255))
    assert image_has_text(screenshot)
    assert image_has_text(text_page(LINES))
    assert image_has_text(transparent)
    assert not image_has_text(photo())
    assert not image_has_text(logo)
    assert not image_has_text(Image.new("RGB", (48, 48), "navy"))


def test_transparent_screenshot_is_read_on_white() -> None:
    transparent = Image.new("RGBA", (1900, 200), (0, 0, 0, 0))
    ImageDraw.Draw(transparent).text((60, 60), LINES[1], font=font(42), fill=(0, 0, 0, 255))
    page, _ = ocr_image(transparent, 1)
    assert cer(page.text, LINES[1]) <= 0.03


def test_multi_page_tiff_is_one_document(tmp_path: Path) -> None:
    path = tmp_path / "skann.tif"
    first, second = scanned(text_page(LINES[:2], size=(1900, 330))), text_page(LINES[2:4], size=(1900, 330))
    first.save(path, save_all=True, append_images=[second], dpi=(DPI, DPI), compression="tiff_lzw")
    doc = read_document(path)
    assert doc.media_type == "image/tiff" and doc.ocr_pages == [1, 2] and doc.faults == []
    assert cer(doc.pages[1].text, "\n".join(LINES[2:4])) <= 0.03
    assert doc.pages[0].width == pytest.approx(1900 * 72 / DPI, abs=1)


def test_png_image_file(tmp_path: Path) -> None:
    path = tmp_path / "handout.png"
    text_page(LINES[:2], size=(1900, 330)).save(path)
    doc = read_document(path)
    assert doc.media_type == "image/png" and doc.pages[0].method == "ocr"
    assert "sykefraværet" in doc.text


def test_damaged_image_is_a_read_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)
    with pytest.raises(ReadError) as err:
        read_document(path)
    assert err.value.kind == "corrupt"


# ---------------------------------------------------------------------------- the corpus scans

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def _twin_text(name: str, page: int) -> str:
    with pdfplumber.open(CORPUS / name) as pdf:
        return pdf.pages[page - 1].extract_text()


def test_scanned_report_matches_its_born_digital_twin() -> None:
    # 200 dpi JPEG scan, turned ~0.7°, of a nynorsk report whose table runs from page 2 to 3.
    tables: list = []
    pages = ocr_pdf_pages(str(CORPUS / "scans" / "2015-06-30_sluttrapport_tiltak_skann.pdf"), [2, 3], reading_settings(),
                          tables=tables)
    for number in (2, 3):
        # Measured 0.1% and 0.3% on this machine.
        assert cer(pages[number].text, _twin_text("2015-06-30_sluttrapport_tiltak.pdf", number)) <= 0.01
    gold = next(g["rows"] for g in load_gold("table") if g["file_name"] == "2015-06-30_sluttrapport_tiltak_skann.pdf")
    first, second = tables
    rows = first.rows + (second.rows[1:] if second.rows[0] == first.rows[0] else second.rows)
    assert cell_share(rows, gold) >= 0.97 and len(rows) == len(gold)


def test_scanned_slide_with_a_banded_table_matches_its_twin() -> None:
    # Slide 7: a dark header bar with white text over banded rows of `x` marks, no dark rule,
    # header cells wrapping onto a second line.
    tables: list = []
    pages = ocr_pdf_pages(str(CORPUS / "scans" / "2012-08-28_asker_nettverkssamling_skann.pdf"), [7], reading_settings(),
                          tables=tables)
    gold = next(g["rows"] for g in load_gold("table")
                if g["file_name"] == "2012-08-28_asker_nettverkssamling.pdf" and g["page"] == 7)
    assert len(tables) == 1 and tables[0].rows == gold
    # The twin's text layer gives a wrapped header line by line (`Langvakter ... Ikke`, then
    # `helg ... bestemt`) where the OCR'd table gives each cell whole, so the words are
    # compared in sorted order. Measured 0.3% (the slide number is left out as furniture).
    words = sorted(pages[7].text.split())
    twin = sorted(_twin_text("2012-08-28_asker_nettverkssamling.pdf", 7).split())
    assert cer(" ".join(words), " ".join(twin)) <= 0.02


# ---------------------------------------------------------------------------- settings


def test_settings_are_set_by_name_with_their_types_and_a_wrong_one_is_refused() -> None:
    changes = parse_assignments(["dpi=200", "tables.min_unruled_rows=4", "known_words=flåteordning, vikarpool",
                                 "lang = eng"])
    settings = ocr_settings(changes)
    assert (settings.dpi, settings.lang, settings.tables.min_unruled_rows) == (200, "eng", 4)
    assert settings.known_words == {"flåteordning", "vikarpool"}
    assert settings.tables.min_horizontal_rule_in == TableSettings().min_horizontal_rule_in  # the rest as before
    assert ocr_settings() == OcrSettings()
    with pytest.raises(SettingError, match="no OCR setting named 'dpii'; did you mean dpi"):
        ocr_settings({"dpii": 200})
    with pytest.raises(SettingError, match="tables.min_unruled_row"):
        ocr_settings({"tables.min_unruled_row": 4})
    with pytest.raises(SettingError, match="dpi takes a whole number, not 'high'"):
        ocr_settings({"dpi": "high"})
    with pytest.raises(SettingError, match="is not NAME=VALUE"):
        parse_assignments(["dpi"])


def test_a_table_setting_changes_which_tables_are_found() -> None:
    # The unruled table has five rows: found by default, not when a table needs six.
    image = scanned(table_page("none"))
    assert len(ocr_image(image, 1)[1]) == 1
    page, tables = ocr_image(image, 1, ocr_settings({"tables.min_unruled_rows": 6}))
    assert tables == [] and "Asker" in page.text


def test_the_words_a_caller_knows_reach_the_correction() -> None:
    # `flateordning` splits into two dictionary words, so the word lists alone keep it; a
    # caller that knows the theme term (as the recogniser pipeline does) gets it restored.
    image = text_page(["Vikarpool og flateordning i kommunen."], size=(1900, 200))
    plain, _ = ocr_image(image, 1)
    known, _ = ocr_image(image, 1, ocr_settings({"known_words": "flåteordning"}))
    assert "flateordning" in plain.text and "flåteordning" in known.text


def test_an_ocr_setting_on_the_command_line_reaches_the_run(tmp_path: Path) -> None:
    import json
    import subprocess
    import sys

    pdf = tmp_path / "skann.pdf"
    _image_pdf(pdf, [text_page(LINES[:2], size=(1900, 330))], dpi=DPI)
    kb = tmp_path / "kb.db"
    wrong = subprocess.run([sys.executable, "-m", "flows.cli", "ingest", "--kb", str(kb), "--ocr-setting", "dpii=200",
                            str(pdf)], capture_output=True, text=True, timeout=120)
    assert wrong.returncode == 2 and "no OCR setting named 'dpii'; did you mean dpi?" in wrong.stderr
    assert not kb.exists()  # refused before anything was read or written
    # A page budget too short for any tesseract call: the page is a timeout error, the file is read.
    run = subprocess.run([sys.executable, "-m", "flows.cli", "ingest", "--kb", str(kb), "--quiet",
                          "--ocr-setting", "page_timeout_s=0.01", str(pdf)], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    export = subprocess.run([sys.executable, "-m", "flows.cli", "export", "--kb", str(kb)],
                            capture_output=True, text=True, timeout=120)
    records = [json.loads(line) for line in export.stdout.splitlines()]
    errors = [r for r in records if r["type"] == "error"]
    assert [(e["error_kind"], e["page"]) for e in errors] == [("timeout", 1)]
    assert "0.01 s" in errors[0]["message"]
