"""`saman export --searchable-pdf DIR`: OCR'd documents come back as PDFs whose text pdftotext reads.

The fixture is made here: a page of text drawn by reportlab, rendered to a picture and put
into a PDF without a text layer (a scan), followed by a page with a text layer of its own; the
same kind of picture as a PNG file with see-through paper; a scan whose file is deleted after the ingest and one
that is overwritten; and a born-digital PDF. They are ingested by the real flow (tesseract included) and exported
through the command line.
"""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageOps
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from kb.searchable_pdf import FONT_NAME, font
from tests.conftest import ingest

SCANNED_LINES = ["Kommunane på Sørlandet har gjort", "ei særleg god økt om læring,", "og Ålesund følgjer etter."]
PICTURE_LINES = ["Rapport frå Bærum og Tønsberg", "om sjukefråvær på små arbeidsplassar"]
TEXT_PAGE_LINES = ["Vedlegg med eit eige tekstlag", "Denne sida vart ikkje skanna."]


def _text_pdf(lines: list[str], size: float = 20) -> bytes:
    """One A4 page of lines in DejaVu Sans, a text layer and nothing else."""
    canvas = Canvas(buf := io.BytesIO(), pagesize=A4)
    canvas.setFont(font(), size)
    for k, line in enumerate(lines):
        canvas.drawString(72, A4[1] - 120 - k * size * 1.8, line)
    canvas.showPage()
    canvas.save()
    return buf.getvalue()


def _scan(lines: list[str], dpi: int = 200) -> Image.Image:
    """The page of `lines` as a scanner would give it: a greyscale picture."""
    pdf = pdfium.PdfDocument(_text_pdf(lines))
    return pdf[0].render(scale=dpi / 72, grayscale=True).to_pil()


def _see_through(picture: Image.Image) -> Image.Image:
    """The picture as black ink on see-through paper (a PNG with alpha, as screenshot tools write)."""
    return Image.merge("LA", (Image.new("L", picture.size, 0), ImageOps.invert(picture)))


def _scanned_then_text(path: Path) -> Path:
    """A PDF whose first page is a scan (a picture, no text) and whose second has a text layer."""
    picture = io.BytesIO()
    _scan(SCANNED_LINES).save(picture, "PNG")
    canvas = Canvas(str(path), pagesize=A4)
    canvas.drawImage(ImageReader(picture), 0, 0, *A4)
    canvas.showPage()
    canvas.setFont(FONT_NAME, 14)
    for k, line in enumerate(TEXT_PAGE_LINES):
        canvas.drawString(72, A4[1] - 100 - k * 24, line)
    canvas.showPage()
    canvas.save()
    return path


def _pdftotext(path: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True).stdout


def _in_order(text: str, words: list[str]) -> bool:
    at = 0
    for word in words:
        found = text.find(word, at)
        if found < 0:
            return False
        at = found + len(word)
    return True


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess]:
    folder = tmp_path_factory.mktemp("archive")
    _scanned_then_text(folder / "skanna_rapport.pdf")
    _see_through(_scan(PICTURE_LINES)).save(folder / "fotokopi.png", dpi=(200, 200))
    _scan(["Dette arket er kasta."]).save(folder / "borte.pdf", resolution=200)
    _scan(["Eit ark som vart skanna om att."]).save(folder / "endra.png", dpi=(200, 200))
    (folder / "digital.pdf").write_bytes(_text_pdf(["Eit born-digitalt notat om heiltid."]))
    kb = folder.parent / "kb.db"
    summary = ingest(sorted(folder.iterdir()), kb)
    assert summary.extracted == 5, summary.errors
    (folder / "borte.pdf").unlink()
    _scan(["Eit anna ark."]).save(folder / "endra.png", dpi=(200, 200))
    out = folder.parent / "searchable"
    run = subprocess.run([sys.executable, "-m", "flows.cli", "export", "--searchable-pdf", str(out), "--kb", str(kb)],
                         check=False, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    return out, run


def test_a_scanned_page_comes_back_searchable_with_its_words_in_order(exported):
    out, _ = exported
    text = _pdftotext(out / "skanna_rapport.pdf")
    assert _in_order(text, ["Kommunane", "på", "Sørlandet", "særleg", "økt", "læring", "Ålesund", "følgjer"]), text


def test_a_page_with_its_own_text_layer_is_copied_so_every_page_is_there(exported):
    out, _ = exported
    pdf = pdfium.PdfDocument(str(out / "skanna_rapport.pdf"))
    assert len(pdf) == 2
    assert pdf[0].get_size() == pytest.approx(A4, abs=0.5)
    page_two = _pdftotext(out / "skanna_rapport.pdf").split("\f")[1]
    assert _in_order(page_two, ["Vedlegg", "eige", "tekstlag", "ikkje", "skanna"]), page_two


def test_the_page_is_its_picture_with_the_text_invisible_over_it(exported):
    out, _ = exported
    page = pdfium.PdfDocument(str(out / "skanna_rapport.pdf"))[0]
    kinds = [o.type for o in page.get_objects()]
    assert kinds.count(pdfium.raw.FPDF_PAGEOBJ_IMAGE) == 1
    texts = [o for o in page.get_objects() if o.type == pdfium.raw.FPDF_PAGEOBJ_TEXT]
    assert texts and all(pdfium.raw.FPDFTextObj_GetTextRenderMode(o.raw) == pdfium.raw.FPDF_TEXTRENDERMODE_INVISIBLE
                         for o in texts)
    assert page.render(scale=1, grayscale=True).to_pil().getextrema()[0] < 80  # the scan's ink is drawn


def test_an_image_file_becomes_a_searchable_pdf_page_of_its_size(exported):
    out, _ = exported
    pdf = pdfium.PdfDocument(str(out / "fotokopi.pdf"))
    assert len(pdf) == 1
    assert pdf[0].get_size() == pytest.approx(A4, abs=1.0)  # 200 dpi picture of an A4 page
    picture = pdf[0].render(scale=1, grayscale=True).to_pil()
    assert picture.getpixel((5, 5)) > 245 and picture.getextrema()[0] < 80  # see-through paper is white, ink black
    text = _pdftotext(out / "fotokopi.pdf")
    assert _in_order(text, ["Rapport", "frå", "Bærum", "Tønsberg", "sjukefråvær", "små", "arbeidsplassar"]), text


def test_a_document_whose_file_is_gone_or_changed_is_skipped_in_plain_words(exported):
    out, run = exported
    assert not (out / "borte.pdf").exists() and not (out / "endra.pdf").exists()
    lines = run.stderr.strip().splitlines()
    assert any(line.startswith("skipped borte.pdf: its file is gone") for line in lines), run.stderr
    assert any(line.startswith("skipped endra.png: the file at") and line.endswith("has changed since it was read; "
                                                                                   "ingest it again") for line in lines)
    assert "Traceback" not in run.stderr
    assert lines[-1].startswith("written 2 searchable PDFs to"), lines
    assert lines[-1].endswith("skipped 2 (1 file changed, 1 file gone)"), lines


def test_a_born_digital_document_without_ocr_pages_is_not_exported(exported):
    out, _ = exported
    assert sorted(p.name for p in out.iterdir()) == ["fotokopi.pdf", "skanna_rapport.pdf"]


def test_searchable_pdfs_are_asked_for_without_a_records_format(tmp_path):
    run = subprocess.run([sys.executable, "-m", "flows.cli", "export", "--searchable-pdf", str(tmp_path / "pdf"),
                          "--format", "csv", "--kb", str(tmp_path / "kb.db")], check=False, capture_output=True, text=True)
    assert run.returncode == 2
    assert "--searchable-pdf writes PDFs only" in run.stderr and "Traceback" not in run.stderr
    assert not (tmp_path / "pdf").exists()
