"""The reader registry is the one place that says which kinds of file saman reads and how: every
kind it reads is one the bytes can be sniffed as, every name such a kind goes by leads back to
it, a file whose name claims a read kind is judged by the registry, and the run's ReadOptions
reach every reader (no OCR means no OCR, also of image files). All fixtures are made here."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import pillow_heif
import pypdfium2._helpers.document as pdfium_document
import pytest
from pptx import Presentation
from reportlab.pdfgen import canvas

from extractors.ocr.settings import OcrSettings
from extractors.readers.base import open_source, read_document, read_source
from extractors.readers.registry import REGISTRY
from extractors.readers.sniff import FORMATS, kind_for_extension, sniff
from extractors.readers.source import ReadOptions
from extractors.thumbnails import thumbnails
from models.errors import ReadError
from tests import formatfiles as ff

NO_OCR = ReadOptions(ocr=False)
_ODF = "application/vnd.oasis.opendocument"


def _pdf(path: Path) -> Path:
    pdf = canvas.Canvas(str(path))
    pdf.drawString(72, 760, "Sluttrapport for tiltaket i Stryn")
    pdf.showPage()
    pdf.drawString(72, 760, "Heltid og deltid")
    pdf.save()
    return path


def _pptx(path: Path) -> Path:
    prs = Presentation()
    prs.slides.add_slide(prs.slide_layouts[0]).shapes.title.text = "Programstatus"
    prs.save(path)
    return path


def _zip(path: Path, members: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, text in members.items():
            zf.writestr(name, text)
    return path


def _odf(kind: str) -> Callable[[Path], Path]:
    return lambda path: _zip(path, {"mimetype": f"{_ODF}.{kind}", "content.xml": "<office:document-content/>"})


def _picture(pillow_format: str) -> Callable[[Path], Path]:
    def make(path: Path) -> Path:
        pillow_heif.register_heif_opener()
        picture = ff.text_picture(["Stryn"], size=(200, 80))
        picture.save(path, format=pillow_format, **({"save_all": True} if pillow_format == "TIFF" else {}))
        return path
    return make


# A file of every kind the registry reads, made from the format's own structure.
SAMPLES: dict[str, Callable[[Path], Path]] = {
    "pdf": _pdf,
    "pptx": _pptx,
    "docx": lambda p: _zip(p, {"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"}),
    "xlsx": lambda p: ff.xlsx_workbook(p, {"Ark1": [["Kommune"], ["Stryn"]]}),
    "odp": _odf("presentation"),
    "odt": _odf("text"),
    "ods": lambda p: ff.ods_workbook(p, {"Ark1": ff.ods_rows([["Kommune"], ["Stryn"]])}),
    "ppt": lambda p: ff.ole_file(p, {"PowerPoint Document": b"x", "Current User": b"y"}),
    "doc": lambda p: ff.ole_file(p, {"WordDocument": b"x", "1Table": b"y"}),
    "xls": lambda p: ff.xls_workbook(p, {"Ark1": [["Stryn"]]}),
    "encrypted-office": lambda p: ff.ole_file(p, {"EncryptionInfo": b"x", "EncryptedPackage": b"y"}),
    "rtf": lambda p: (p.write_bytes(rb"{\rtf1\ansi Stryn kommune\par}"), p)[1],
    "png": _picture("PNG"), "jpeg": _picture("JPEG"), "tiff": _picture("TIFF"), "bmp": _picture("BMP"),
    "gif": _picture("GIF"), "webp": _picture("WEBP"), "heic": _picture("HEIF"), "avif": _picture("AVIF"),
    "jp2": _picture("JPEG2000"),
    "text": lambda p: (p.write_text("Stryn kommune\nHeltid og deltid\n", encoding="utf-8"), p)[1],
}


@pytest.mark.parametrize("kind", sorted(REGISTRY))
def test_every_kind_the_registry_reads_is_sniffed_from_its_bytes(tmp_path, kind):
    # Under a name that says nothing, so only a sniff rule for its bytes can find the kind.
    assert sniff(SAMPLES[kind](tmp_path / "sample.bin")) == kind


def test_every_name_a_read_kind_goes_by_leads_back_to_it():
    named = {kind: entry.extensions for kind, entry in REGISTRY.items()}
    assert all(named[kind] for kind in REGISTRY if kind != "encrypted-office")  # a protected file has no name of its own
    assert all(kind_for_extension(ext.upper()) == kind for kind, exts in named.items() for ext in exts)
    assert REGISTRY["text"].names == FORMATS["text"].extensions


@pytest.mark.parametrize("suffix", sorted({ext for entry in REGISTRY.values() for ext in entry.extensions}))
def test_a_name_claiming_a_read_kind_over_other_bytes_is_mislabelled(tmp_path, suffix):
    path = tmp_path / f"saved{suffix}"
    path.write_text("<!DOCTYPE html><html><body>Stryn kommune</body></html>", encoding="utf-8")
    with pytest.raises(ReadError) as caught:
        read_document(path, options=NO_OCR)
    assert caught.value.kind == "mislabelled" and f"named {suffix}" in caught.value.message
    assert f"not {FORMATS[kind_for_extension(suffix)].what}" in caught.value.message


@pytest.mark.parametrize("suffix", [".zip", ".mp3", ".html", ".json"])
def test_a_name_of_a_kind_not_read_is_unsupported(tmp_path, suffix):
    path = tmp_path / f"saved{suffix}"
    path.write_text("<!DOCTYPE html><html><body>Stryn kommune</body></html>", encoding="utf-8")
    with pytest.raises(ReadError) as caught:
        read_document(path, options=NO_OCR)
    assert caught.value.kind == "unsupported"


def test_an_image_read_without_ocr_is_a_page_without_text_that_says_so(tmp_path):
    path = tmp_path / "handout.png"
    ff.text_picture(["Sjukefravær i Stryn", "Heltid og deltid"]).save(path, dpi=(300, 300))
    doc = read_document(path, options=NO_OCR)
    assert [(p.number, p.text, p.method) for p in doc.pages] == [(1, "", "text")]
    assert doc.pages[0].width == pytest.approx(1400 * 72 / 300, abs=0.01)
    assert [(f.page, f.kind, f.scope) for f in doc.faults] == [(1, "unsupported", "page")]
    assert "OCR was turned off" in doc.faults[0].message
    with open_source(path) as source:
        assert list(thumbnails(source, doc)) == [1]  # the picture is still drawn


def test_the_ocr_settings_of_the_options_reach_the_ocr_of_an_image(tmp_path):
    path = tmp_path / "handout.png"
    ff.text_picture(["Sjukefravær i Stryn"]).save(path)
    doc = read_document(path, options=ReadOptions(ocr_settings=OcrSettings(page_timeout_s=0.001)))
    assert [(f.page, f.kind) for f in doc.faults] == [(1, "timeout")]


def test_a_pdf_read_and_pictured_is_opened_by_pdfium_once(tmp_path, monkeypatch):
    path = _pdf(tmp_path / "rapport.pdf")
    opened: list[object] = []
    init = pdfium_document.PdfDocument.__init__

    def counting(self, *args, **kwargs):
        opened.append(args[0])
        init(self, *args, **kwargs)

    monkeypatch.setattr(pdfium_document.PdfDocument, "__init__", counting)
    with open_source(path) as source:
        doc = read_source(source, NO_OCR)
        pictures = thumbnails(source, doc)
    assert sorted(pictures) == [1, 2] and len(opened) == 1
