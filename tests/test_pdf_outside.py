"""PDFs from outside the project: every class of input that lost text or whole files on
documents no one here wrote (issue 12), each on a PDF generated here.

- a good text layer in any language is kept, never OCR'd, and reads as drawn;
- a layer whose letters form no words (a shifted or permuted character map), that maps no
  glyphs, or that is a picture with a stamp on it, is OCR'd;
- characters drawn twice (a faked bold) read once;
- a file pdfminer cannot read (a MediaBox too large or missing, xref offsets that point
  nowhere) is read through pdfium, lines, boxes and title as the pdfplumber path gives them;
- a page that cannot be read or OCR'd costs that page only, with a plain message;
- a picture that would inflate to gigabytes (a Flate bomb) or a page of an extreme size
  costs neither the document nor the worker: the page is not drawn, its text stays.
"""

from __future__ import annotations

import functools
import io
import re
from pathlib import Path

import pdfplumber
import pytest
from PIL import Image, ImageDraw, ImageFont
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from extractors.readers import pdfium_text
from extractors.readers.ocr_pages import needs_ocr, ocr_pdf_pages
from extractors.ocr.settings import OcrSettings
from extractors.recognisers.pipeline import extract_file
from extractors.readers.base import open_source, read_document
from extractors.readers.source import ReadOptions
from extractors.readers.text_layer import TextLayer, layer_fault
from extractors.thumbnails import MAX_ASPECT, WIDTH, draw_page, thumbnails
from tests import pdffiles

SHA = "5a" * 32
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
# What peer-check counts as an exception shown to a clerk, and raw PDF syntax.
EXCEPTION_TEXT = re.compile(r"Error|Exception|Traceback|\bb'|/[A-Z][a-z]+|\d+ 0 R\b")

ENGLISH = ["The committee met on the third of March to discuss the budget for the coming year.",
           "Seven members voted for the proposal, two voted against it and one abstained.",
           "The chair thanked the secretariat for preparing the documents in good time.",
           "A report on the results will be published on the council's website in April."]
FRENCH = ["Le comité s'est réuni le trois mars pour examiner le budget de l'année prochaine.",
          "Sept membres ont voté pour la proposition, deux contre, et un s'est abstenu.",
          "La présidente a remercié le secrétariat d'avoir préparé les documents à temps.",
          "Un rapport sur les résultats sera publié sur le site de la commune en avril."]
# One paragraph of each script and of languages far from Norwegian, long enough to judge.
PROSE = {
    "da": "Udvalget mødtes den tredje marts for at drøfte budgettet for det kommende år. Syv medlemmer "
          "stemte for forslaget, to stemte imod, og et medlem undlod at stemme. Formanden takkede sekretariatet.",
    "de": "Der Ausschuss trat am dritten März zusammen, um den Haushalt für das kommende Jahr zu beraten. "
          "Sieben Mitglieder stimmten für den Vorschlag, zwei dagegen, und eines enthielt sich der Stimme.",
    "fi": "Valiokunta kokoontui maaliskuun kolmantena päivänä keskustelemaan ensi vuoden talousarviosta. "
          "Seitsemän jäsentä äänesti ehdotuksen puolesta, kaksi vastaan ja yksi pidättäytyi äänestämästä.",
    "pl": "Komisja zebrała się trzeciego marca, aby omówić budżet na przyszły rok. Siedmiu członków "
          "głosowało za wnioskiem, dwóch przeciw, a jeden wstrzymał się od głosu. Przewodnicząca podziękowała.",
    "ru": "Комитет собрался третьего марта, чтобы обсудить бюджет на следующий год. Семь членов "
          "проголосовали за предложение, двое против, а один воздержался. Председатель поблагодарила секретариат.",
    "el": "Η επιτροπή συνεδρίασε στις τρεις Μαρτίου για να συζητήσει τον προϋπολογισμό του επόμενου έτους. "
          "Επτά μέλη ψήφισαν υπέρ της πρότασης, δύο κατά και ένα απείχε από την ψηφοφορία της ημέρας.",
    "ko": "위원회는 삼월 삼일에 내년 예산을 논의하기 위해 회의를 열었습니다. 일곱 명의 위원이 제안에 찬성했고 "
          "두 명은 반대했으며 한 명은 기권했습니다. 위원장은 사무국에 감사를 표했습니다. 보고서는 사월에 공개됩니다.",
    "zh": "委员会于三月三日开会讨论明年的预算。七名委员投票赞成该提案，两名反对，一名弃权。主席感谢秘书处及时准备了文件。"
          "结果报告将于四月在市政府网站上公布。",
}


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def recall(got: str, want: str) -> float:
    have = words(got)
    return sum(w in have for w in words(want)) / len(words(want))


def text_pdf(path: Path, pages: list[list[str]], title: str | None = None) -> Path:
    """A born-digital PDF in Helvetica: an optional 20-point title, then 11-point lines."""
    c = canvas.Canvas(str(path))
    for lines in pages:
        y = 720
        if title:
            c.setFont("Helvetica-Bold", 20)
            c.drawString(72, y, title)
            y -= 40
        c.setFont("Helvetica", 11)
        for line in lines:
            c.drawString(72, y, line)
            y -= 16
        c.showPage()
    c.save()
    return path


def picture_of(lines: list[str], size: tuple[int, int] = (2480, 1200)) -> Image.Image:
    """Lines of text drawn as a 300-dpi picture: what a scanner gives."""
    image = Image.new("L", size, 255)
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        draw.text((120, 120 + i * 90), line, font=ImageFont.truetype(FONT, 46), fill=0)
    return image


def layer_of(path: Path, page: int = 1) -> TextLayer:
    """The text layer of a page as the PDF reader hands it to needs_ocr."""
    return pdfium_text.read_page(pdfium_text.open_pdf(str(path)), page).layer


# -------------------------------------------------------------- good layers in any language


@pytest.mark.parametrize("lines", [ENGLISH, FRENCH], ids=["english", "french"])
def test_a_text_layer_in_english_or_french_is_kept_as_drawn(tmp_path, lines):
    doc = read_document(text_pdf(tmp_path / "minutes.pdf", [lines]))
    assert doc.ocr_pages == []
    assert doc.pages[0].text == "\n".join(lines)
    assert doc.pages[0].method == "text"


def test_a_korean_text_layer_is_kept(tmp_path):
    pdfmetrics.registerFont(UnicodeCIDFont("HYSMyeongJo-Medium"))
    path = tmp_path / "korean.pdf"
    c = canvas.Canvas(str(path))
    c.setFont("HYSMyeongJo-Medium", 12)
    sentences = [s.strip() + "." for s in PROSE["ko"].split(".") if s.strip()]
    for i, sentence in enumerate(sentences):
        c.drawString(72, 720 - 20 * i, sentence)
    c.save()
    doc = read_document(path)
    assert doc.ocr_pages == []
    assert doc.pages[0].text.split("\n") == sentences


@pytest.mark.parametrize("lang", sorted(PROSE))
def test_prose_of_any_script_has_no_fault(lang):
    text = PROSE[lang]
    glyphs = [ch for ch in text if not ch.isspace()]
    assert layer_fault(TextLayer(glyphs, text)) is None


@pytest.mark.parametrize("lang", ["da", "de", "fi", "pl"])
@pytest.mark.parametrize("scramble", [functools.partial(pdffiles.shifted_letters, 1),
                                      functools.partial(pdffiles.shifted_letters, 3),
                                      functools.partial(pdffiles.permuted_letters, 7),
                                      functools.partial(pdffiles.permuted_letters, 11)],
                         ids=["shift1", "shift3", "perm7", "perm11"])
def test_scrambled_letters_form_no_words_in_any_language(lang, scramble):
    mapping = scramble()
    text = "".join(mapping.get(ch, ch) for ch in PROSE[lang])
    glyphs = [ch for ch in text if not ch.isspace()]
    assert layer_fault(TextLayer(glyphs, text)) == "letters that form no words"


def test_a_table_of_names_and_codes_is_no_garbage(tmp_path):
    # Upper-case names, abbreviations and numbers: few words of prose, yet a good layer.
    rows = [f"{name:<22} {party}  {votes:>6}  VR.NO {code}" for name, party, votes, code in [
        ("NEEL KASHKARI", "REP", 1523, "0050003A"), ("EDMUND G BROWN", "DEM", 2411, "0050003B"),
        ("GAVIN NEWSOM", "DEM", 2280, "0050004A"), ("RON NEHRING", "REP", 1602, "0050004B"),
        ("PETE PETERSON", "REP", 1499, "0050005A"), ("ALEX PADILLA", "DEM", 2390, "0050005B"),
        ("BETTY T YEE", "DEM", 2301, "0050006A"), ("ASHLEY SWEARENGIN", "REP", 1587, "0050006B")]]
    assert layer_fault(layer_of(text_pdf(tmp_path / "bulletin.pdf", [rows]))) is None


# -------------------------------------------------------------- bad layers are OCR'd


def test_a_scrambled_character_map_is_ocrd_and_reads_as_drawn(tmp_path):
    lines = ENGLISH
    path = pdffiles.with_scrambled_map(tmp_path / "scrambled.pdf", [pdffiles.content(lines, size=14)],
                                       pdffiles.shifted_letters(1))
    with pdfplumber.open(path) as pdf:
        assert pdf.pages[0].extract_text().startswith("Uif dpnnjuuff")  # the layer lies
    doc = read_document(path)
    assert doc.ocr_pages == [1] and doc.faults == []
    assert recall(doc.pages[0].text, "\n".join(lines)) >= 0.9


def test_unmapped_glyphs_are_ocrd():
    glyphs = [f"(cid:{3 + i % 40})" for i in range(300)]
    assert needs_ocr(TextLayer(glyphs, "".join(glyphs)))
    private = "".join(chr(0xE000 + i % 90) for i in range(300))
    assert layer_fault(TextLayer(list(private), private)) == "unmapped glyphs"


def test_dot_leaders_are_no_symbol_garbage():
    line = "Chapter 1: The committee and its members " + "." * 60 + " 5"
    glyphs = [ch for ch in line * 8 if not ch.isspace()]
    assert layer_fault(TextLayer(glyphs, "\n".join([line] * 8))) is None


def test_a_scan_with_a_stamp_on_it_is_ocrd(tmp_path):
    scan = picture_of(ENGLISH)
    path = tmp_path / "stamped.pdf"
    c = canvas.Canvas(str(path), pagesize=(595, 288))
    c.drawImage(ImageReader(scan), 0, 0, 595, 288)
    c.setFont("Helvetica", 8)
    c.drawString(440, 10, "Scanned 2014-03-12, page 1 of 1")  # the scanner's stamp: a text layer
    c.save()
    doc = read_document(path)
    assert doc.ocr_pages == [1]
    assert recall(doc.pages[0].text, "\n".join(ENGLISH)) >= 0.9


def test_a_good_hidden_ocr_layer_over_a_scan_is_kept(tmp_path):
    # What OCRmyPDF makes: the page picture, and its words as invisible text on top.
    path = tmp_path / "ocred.pdf"
    c = canvas.Canvas(str(path), pagesize=(595, 288))
    c.drawImage(ImageReader(picture_of(ENGLISH)), 0, 0, 595, 288)
    text = c.beginText(29, 252)
    text.setTextRenderMode(3)
    text.setFont("Helvetica", 10)
    for line in ENGLISH:
        text.textLine(line)
    c.drawText(text)
    c.save()
    doc = read_document(path)
    assert doc.ocr_pages == [] and doc.pages[0].text == "\n".join(ENGLISH)


def test_characters_drawn_twice_read_once(tmp_path):
    # A bold faked by drawing each line again a third of a point to the right.
    path = tmp_path / "fake_bold.pdf"
    c = canvas.Canvas(str(path))
    c.setFont("Helvetica", 11)
    for i, line in enumerate(FRENCH):
        for dx in (0, 0.3):
            c.drawString(72 + dx, 720 - 16 * i, line)
    c.save()
    doc = read_document(path)
    assert doc.pages[0].text == "\n".join(FRENCH) and doc.ocr_pages == []
    pdf = pdfium_text.open_pdf(str(path))
    try:
        assert [ln.text for ln in pdfium_text.read_page(pdf, 1).lines] == FRENCH
    finally:
        pdf.close()


# -------------------------------------------------------------- what pdfminer cannot open


def _pages(n: int) -> list[bytes]:
    return [pdffiles.content([f"Page {k}: {ENGLISH[0]}", ENGLISH[1]], top=500) for k in range(1, n + 1)]


@pytest.mark.parametrize("case", ["media box 1e400", "media box 10^20", "no media box", "shifted xref"])
def test_a_file_pdfminer_cannot_read_is_read_through_pdfium(tmp_path, case):
    make = {
        "media box 1e400": lambda p: pdffiles.raw_pdf(p, _pages(3), media_box=b"[0 0 1e400 1e400]"),
        "media box 10^20": lambda p: pdffiles.raw_pdf(p, _pages(3), media_box=b"[0 0 %d %d]" % (10 ** 20, 10 ** 20)),
        "no media box": lambda p: pdffiles.raw_pdf(p, _pages(3), media_box=None),
        "shifted xref": lambda p: pdffiles.raw_pdf(p, _pages(10), xref_shift=37),
    }
    path = make[case](tmp_path / "odd.pdf")
    doc = read_document(path)
    assert len(doc.pages) == (10 if case == "shifted xref" else 3) and doc.faults == [] and doc.ocr_pages == []
    for k, page in enumerate(doc.pages, start=1):
        assert page.text == f"Page {k}: {ENGLISH[0]}\n{ENGLISH[1]}"
        assert (page.width, page.height) == (612, 792)  # pdfium's Letter for a box it cannot use
    assert len(extract_file(str(path), SHA).thumbnails) == len(doc.pages)


def test_pdfium_lines_match_pdfplumbers_and_find_the_title(tmp_path):
    path = text_pdf(tmp_path / "report.pdf", [ENGLISH, FRENCH], title="Annual report 2014")
    pdf = pdfium_text.open_pdf(str(path))
    try:
        mine = [pdfium_text.read_page(pdf, n) for n in (1, 2)]
    finally:
        pdf.close()
    with pdfplumber.open(path) as plumbed:
        theirs = [page.extract_text_lines(layout=False, strip=True, return_chars=True) for page in plumbed.pages]
    for read, lines in zip(mine, theirs):
        assert [ln.text for ln in read.lines] == [ln["text"] for ln in lines]
        for line, their in zip(read.lines, lines):
            assert all(abs(a - b) <= 1.0 for a, b in zip(line.bbox, (their["x0"], their["top"], their["x1"], their["bottom"])))
        assert read.lines[0].size == pytest.approx(20, abs=0.5) and read.lines[1].size == pytest.approx(11, abs=0.5)
    doc = read_document(path)
    assert doc.title == "Annual report 2014" and doc.pages[0].blocks[0].role == "title"
    assert [b.text for b in doc.pages[1].blocks[1:]] == FRENCH


def test_a_ruled_table_in_a_cropped_page_is_found_and_filled(tmp_path):
    # pdfplumber finds the grid, pdfium's characters fill it: both in the crop box's frame.
    rows = [["Kommune", "Tiltak", "Antall"], ["Asker", "Nærværsteam", "12"], ["Bærum", "Årlig måling", "3"]]
    ops = [b"0.5 w"]
    for k in range(4):
        ops.append(b"100 %d m 460 %d l S" % (600 - 30 * k, 600 - 30 * k))
    for x in (100, 220, 380, 460):
        ops.append(b"%d 600 m %d 510 l S" % (x, x))
    for r, row in enumerate(rows):
        for x, cell in zip((106, 226, 386), row):
            ops.append(b"BT /F1 11 Tf %d %d Td (" % (x, 580 - 30 * r) + cell.encode("cp1252") + b") Tj ET")
    path = pdffiles.raw_pdf(tmp_path / "cropped.pdf", [b"\n".join(ops)])
    path.write_bytes(path.read_bytes().replace(b"/MediaBox [0 0 612 792]", b"/MediaBox [0 0 612 792] /CropBox [50 100 562 742]"))
    doc = read_document(path, options=ReadOptions(ocr=False))
    assert [t.rows for t in doc.tables] == [rows]
    x0, top, x1, bottom = doc.tables[0].bbox
    assert (x0, top, x1, bottom) == pytest.approx((50, 142, 410, 232), abs=1)  # 100 - 50, 742 - 600, ...
    assert [b.role for b in doc.pages[0].blocks] == ["table-cell"] * 3


# -------------------------------------------------------------- a fault costs its page only


def test_a_page_no_reader_can_open_costs_that_page_only(tmp_path):
    # The page tree names a second page that is not in the file: pdfminer skips it (and
    # would number the pages after it wrongly), pdfium counts it and cannot load it.
    path = pdffiles.raw_pdf(tmp_path / "missing_page.pdf", _pages(2))
    data = path.read_bytes().replace(b"/Kids [4 0 R 6 0 R]", b"/Kids [4 0 R 99 0 R]")
    path.write_bytes(data)
    doc = read_document(path)
    assert doc.pages[0].text.startswith("Page 1:")
    assert [(f.page, f.kind, f.scope) for f in doc.faults] == [(2, "corrupt", "page")]
    assert not EXCEPTION_TEXT.search(doc.faults[0].message) and doc.faults[0].detail


def test_a_page_whose_ocr_fails_costs_that_page_and_keeps_its_layer(tmp_path):
    # Page 1: a good layer. Page 2: a scrambled layer, OCR'd, but OCR runs out of time: the
    # layer stays. Page 3: a scan, whose OCR runs out of time too: an empty page and a fault.
    extra = pdffiles.first_extra(3)
    font, cmap = pdffiles.scrambled_font(pdffiles.permuted_letters(3), extra + 1)
    scan = pdffiles.jpeg_image(picture_of(ENGLISH))
    pages = [pdffiles.content(ENGLISH), pdffiles.content(FRENCH, font=b"F2"), b"q 595 0 0 288 0 500 cm /Im1 Do Q"]
    path = pdffiles.raw_pdf(tmp_path / "three.pdf", pages, extra_objects=[font, cmap, scan],
                            resources=b"/Font << /F1 3 0 R /F2 %d 0 R >> /XObject << /Im1 %d 0 R >>" % (extra, extra + 2))
    doc = read_document(path, options=ReadOptions(ocr_settings=OcrSettings(page_timeout_s=0.01)))
    assert doc.pages[0].text == "\n".join(ENGLISH)
    assert doc.pages[1].method == "text" and len(doc.pages[1].text) == len("\n".join(FRENCH))  # the layer, as it is
    assert doc.pages[2].text == ""
    assert [(f.page, f.kind, f.scope) for f in doc.faults] == [(2, "timeout", "page"), (3, "timeout", "page")]
    assert all(not EXCEPTION_TEXT.search(f.message) for f in doc.faults)


# -------------------------------------------------------------- side jobs never cost the document


def test_a_flate_bomb_picture_costs_neither_the_text_nor_the_worker(tmp_path):
    # Page 1 draws a picture declaring 100,000 × 100,000 pixels (10 GB) beside its text;
    # page 2 is only that picture. pdfium would abort the process allocating it.
    bomb = pdffiles.flate_bomb_image()
    pages = [pdffiles.content(ENGLISH) + b"\nq 100 0 0 100 400 100 cm /Im1 Do Q", b"q 500 0 0 700 50 50 cm /Im1 Do Q"]
    path = pdffiles.raw_pdf(tmp_path / "bomb.pdf", pages, extra_objects=[bomb],
                            resources=b"/Font << /F1 3 0 R >> /XObject << /Im1 %d 0 R >>" % pdffiles.first_extra(2))
    result = extract_file(str(path), SHA)
    assert result.document.n_pages == 2
    page_one = next(r for r in result.records if r.type == "page" and r.page == 1)
    assert page_one.text == "\n".join(ENGLISH)
    errors = [r for r in result.records if r.type == "error"]
    assert [(e.page, e.error_kind, e.scope) for e in errors] == [(2, "too_large", "page")]
    assert not EXCEPTION_TEXT.search(errors[0].message)
    assert [t.page for t in result.thumbnails] == [1, 2]  # drawn from the blocks, not rendered


def test_a_page_of_extreme_size_gets_a_bounded_thumbnail(tmp_path):
    path = pdffiles.raw_pdf(tmp_path / "till_roll.pdf", [pdffiles.content(["Receipt 2014"], size=4, top=14390, left=1)],
                            media_box=b"[0 0 40 14400]")
    doc = read_document(path, options=ReadOptions(ocr=False))
    assert doc.pages[0].text == "Receipt 2014"
    with open_source(path) as source:
        rendered = Image.open(io.BytesIO(thumbnails(source, doc)[1]))
    assert rendered.height <= WIDTH * MAX_ASPECT and rendered.width <= WIDTH
    drawn = draw_page(doc.pages[0].model_copy(update={"width": 0.001}), doc.tables)
    assert drawn.size == (WIDTH, WIDTH * MAX_ASPECT)


# -------------------------------------------------------------- pages of drawings


def _drawn_text_pdf(path: Path, lines: list[str]) -> Path:
    """A page whose words are drawn, not written: the text as a picture, every run of its
    dark pixels one rectangle of a single filled path (text converted to outlines, as print
    shops do)."""
    picture = picture_of(lines, size=(2480, 700)).point(lambda v: 0 if v < 128 else 255)
    scale = 595 / picture.width
    c = canvas.Canvas(str(path), pagesize=(595, 700 * scale))
    outline = c.beginPath()
    pixels = picture.load()
    for y in range(picture.height):
        x = 0
        while x < picture.width:
            if pixels[x, y] == 0:
                start = x
                while x < picture.width and pixels[x, y] == 0:
                    x += 1
                outline.rect(start * scale, (picture.height - y - 1) * scale, (x - start) * scale, scale)
            x += 1
    c.drawPath(outline, stroke=0, fill=1)
    c.save()
    return path


def test_text_drawn_as_outlines_is_ocrd_and_a_page_of_shapes_is_not(tmp_path):
    drawn = read_document(_drawn_text_pdf(tmp_path / "outlines.pdf", ENGLISH[:2]))
    assert drawn.ocr_pages == [1] and recall(drawn.pages[0].text, "\n".join(ENGLISH[:2])) >= 0.9
    shapes = tmp_path / "shapes.pdf"
    c = canvas.Canvas(str(shapes))
    for k in range(8):  # a chart's bars and the rules of an empty form
        c.rect(80 + 50 * k, 100, 30, 40 + 30 * k, stroke=0, fill=1)
        c.line(72, 500 + 20 * k, 520, 500 + 20 * k)
    c.save()
    doc = read_document(shapes)
    assert doc.ocr_pages == [] and doc.faults == [] and doc.pages[0].text == ""


@pytest.mark.parametrize("rotate", [90, 270])
def test_text_on_a_turned_page_reads_along_its_lines(tmp_path, rotate):
    # A portrait page turned to landscape for display: its lines run down (or up) the page as shown.
    path = pdffiles.raw_pdf(tmp_path / "turned.pdf", [pdffiles.content(ENGLISH, size=11, top=700)])
    path.write_bytes(path.read_bytes().replace(b"/MediaBox [0 0 612 792]", b"/MediaBox [0 0 612 792] /Rotate %d" % rotate))
    doc = read_document(path, options=ReadOptions(ocr=False))
    assert (doc.pages[0].width, doc.pages[0].height) == (792, 612)
    assert doc.pages[0].text == "\n".join(ENGLISH)
