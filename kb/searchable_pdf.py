"""`saman export --searchable-pdf DIR`: every OCR'd document back as a PDF any reader can search.

Each page of a document that has OCR'd pages (`documents.ocr_pages`) is drawn again from the
original file (a PDF page through pdfium at RENDER_DPI, an image file's frames through Pillow)
and the KB's text of that page (the `blocks` table: the corrected text, æ/ø/å restored, each
line at its bbox in points) is laid over the picture invisibly (text render mode 3), each line
in a font size fitted to its box's height and stretched to its width, so a viewer's search
lights up the right place and `pdftotext` gives the text in reading order. The font is a TTF
that holds æ, ø and å (DejaVu Sans, Debian's fonts-dejavu-core, which `make system` installs).
A page of a PDF that has a text layer of its own, and was not OCR'd, is copied as it is.

This reads the original files again (an export, not an ingest): a document whose file is gone
or has changed since it was read, or that cannot be drawn (a deck: its OCR'd pictures stand on
slides), is skipped with a reason in plain words and costs only itself. A copy of a content
under a second path is written once, under the path its records are under.
"""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image, ImageChops, UnidentifiedImageError
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from extractors.ocr.layout import to_greyscale
from extractors.readers.image import image_pages
from extractors.readers.pdfium_text import render
from kb.store import KB

RENDER_DPI = 200
JPEG_QUALITY = 75
FONT_NAME = "DejaVuSans"
FONT_PATH = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
PDF_TYPE = "application/pdf"


class FontMissing(RuntimeError):
    """The font the text layer is written in is not installed."""


@dataclass(frozen=True)
class Skipped:
    """A document not written: its file name, a short kind (for the summary) and why, in plain words."""

    file_name: str
    kind: str
    reason: str


@dataclass
class Outcome:
    """What an export did: the PDFs written, and the documents skipped."""

    written: list[Path] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


@dataclass(frozen=True)
class _Line:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float


class _CannotDraw(Exception):
    def __init__(self, kind: str, reason: str) -> None:
        super().__init__(reason)
        self.kind, self.reason = kind, reason


@dataclass(frozen=True)
class _Document:
    doc_id: str
    file_name: str
    sha256: str
    media_type: str
    n_pages: int
    ocr_pages: frozenset[int]
    paths: tuple[str, ...]


def write_searchable_pdfs(kb: KB, folder: str | Path,
                          progress: Callable[[int, int], None] | None = None) -> Outcome:
    """Write folder/<file stem>.pdf for every document with OCR'd pages; `progress(done, total)`
    is called after each document. Raises FontMissing when the text layer's font is missing."""
    font()
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    documents = _documents(kb)
    outcome = Outcome()
    names: set[str] = set()
    for done, doc in enumerate(documents, start=1):
        try:
            if doc.media_type != PDF_TYPE and not doc.media_type.startswith("image/"):
                kind = Path(doc.file_name).suffix or doc.media_type
                raise _CannotDraw("not a scan", f"it is a {kind} file with pictures in it, not a scan; saman does "
                                                "not draw its pages")
            path = _original(doc)
            target = folder / _output_name(doc, names)
            _write(doc, path, _lines(kb, doc.doc_id), target)
            outcome.written.append(target)
        except _CannotDraw as exc:
            outcome.skipped.append(Skipped(doc.file_name, exc.kind, exc.reason))
        if progress:
            progress(done, len(documents))
    return outcome


def font() -> str:
    """The name of the text layer's font, registered with reportlab on first use."""
    if FONT_NAME not in pdfmetrics.getRegisteredFontNames():
        if not FONT_PATH.is_file():
            raise FontMissing(f"the font {FONT_PATH} is not installed (Debian's fonts-dejavu-core; `make system`)")
        pdfmetrics.registerFont(TTFont(FONT_NAME, str(FONT_PATH)))
    return FONT_NAME


def _documents(kb: KB) -> list[_Document]:
    with kb.snapshot():
        return [_Document(r["doc_id"], r["file_name"], r["sha256"], r["media_type"], r["n_pages"], frozenset(r["ocr_pages"]),
                          tuple(dict.fromkeys([*r["paths"], r["path"]])))
                for r in kb.records("document") if r["ocr_pages"] and not r["copy_of"]]


def _lines(kb: KB, doc_id: str) -> dict[int, list[_Line]]:
    """The document's text runs with a place on the page, page by page, in reading order."""
    pages: dict[int, list[_Line]] = {}
    for page, text, x0, top, x1, bottom in kb.db.execute(
            "SELECT page, text, x0, top, x1, bottom FROM blocks WHERE doc_id = ? ORDER BY page, seq", (doc_id,)):
        if text and text.strip() and None not in (x0, top, x1, bottom) and x1 > x0 and bottom > top:
            pages.setdefault(page, []).append(_Line(text, x0, top, x1, bottom))
    return pages


def _original(doc: _Document) -> Path:
    """The first path the document's file is still at with the content that was read."""
    present = [Path(p) for p in doc.paths if Path(p).is_file()]
    if not present:
        raise _CannotDraw("file gone", f"its file is gone (it was at {doc.paths[0]})")
    for path in present:
        try:
            with open(path, "rb") as fh:
                if hashlib.file_digest(fh, "sha256").hexdigest() == doc.sha256:
                    return path
        except OSError:
            continue
    raise _CannotDraw("file changed", f"the file at {present[0]} has changed since it was read; ingest it again")


def _output_name(doc: _Document, taken: set[str]) -> str:
    """<file stem>.pdf, or with the document's id added when another document took that name."""
    stem = Path(doc.file_name).stem or doc.doc_id
    name = f"{stem}.pdf" if f"{stem}.pdf".lower() not in taken else f"{stem}-{doc.doc_id[:8]}.pdf"
    taken.add(name.lower())
    return name


def _write(doc: _Document, path: Path, lines: dict[int, list[_Line]], target: Path) -> None:
    """Write the searchable PDF through a temporary file, so a failure leaves none half written."""
    temp = str(target.with_name(f".{target.name}.part"))
    try:
        if doc.media_type == PDF_TYPE:
            _from_pdf(doc, path, lines, temp)
        else:
            _from_image(doc, path, lines, temp)
        os.replace(temp, target)
    finally:
        Path(temp).unlink(missing_ok=True)


def _from_pdf(doc: _Document, path: Path, lines: dict[int, list[_Line]], target: str) -> None:
    """The PDF's OCR'd pages drawn with their text over them, its other pages copied as they are."""
    try:
        source = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        raise _CannotDraw("cannot draw", f"the PDF could not be opened to draw its pages ({exc})") from None
    try:
        drawn: list[int] = []
        canvas = Canvas(overlay := io.BytesIO(), pageCompression=1)
        for number in sorted(n for n in doc.ocr_pages if 1 <= n <= len(source)):
            page = source[number - 1]
            try:
                size = page.get_size()
                picture = render(page, RENDER_DPI / 72)
            except (pdfium.PdfiumError, MemoryError):
                picture = None
            finally:
                page.close()
            if picture is not None:  # a page that cannot be drawn is copied as it is, unsearchable
                _draw_page(canvas, picture, size, lines.get(number, []))
                drawn.append(number)
        canvas.save()
        output = pdfium.PdfDocument.new()
        drawn_pages = pdfium.PdfDocument(overlay.getvalue()) if drawn else None
        try:
            for number in range(1, len(source) + 1):
                if drawn_pages is not None and number in drawn:
                    output.import_pages(drawn_pages, [drawn.index(number)])
                else:
                    output.import_pages(source, [number - 1])
        except pdfium.PdfiumError as exc:
            raise _CannotDraw("cannot draw", f"its pages could not be copied into a new PDF ({exc})") from None
        output.save(target)
    finally:
        source.close()


def _from_image(doc: _Document, path: Path, lines: dict[int, list[_Line]], target: str) -> None:
    """Every frame the reader read as a page, drawn with its text over it."""
    canvas = Canvas(pdf := io.BytesIO(), pageCompression=1)
    try:
        with Image.open(path) as image:
            for number, picture, size in image_pages(image, max(1, doc.n_pages)):
                _draw_page(canvas, picture, size, lines.get(number, []))
    except (UnidentifiedImageError, OSError, ValueError, EOFError) as exc:
        raise _CannotDraw("cannot draw", f"the image could not be drawn again ({exc})") from None
    canvas.save()
    Path(target).write_bytes(pdf.getvalue())


def _draw_page(canvas: Canvas, picture: Image.Image, size: tuple[float, float], lines: list[_Line]) -> None:
    """One page: the picture filling it, and each line's text, invisible, over its box."""
    width, height = size
    canvas.setPageSize((width, height))
    jpeg = io.BytesIO()
    _stored(picture).save(jpeg, "JPEG", quality=JPEG_QUALITY)
    jpeg.seek(0)
    canvas.drawImage(ImageReader(jpeg), 0, 0, width=width, height=height)
    face = pdfmetrics.getFont(font()).face
    ascent, descent = face.ascent / 1000, face.descent / 1000  # descent is below the baseline: negative
    text = canvas.beginText()
    text.setTextRenderMode(3)
    for line in lines:
        size_pt = max(1.0, (line.bottom - line.top) / (ascent - descent))
        natural = pdfmetrics.stringWidth(line.text, FONT_NAME, size_pt)
        text.setFont(FONT_NAME, size_pt)
        text.setHorizScale(100 * (line.x1 - line.x0) / natural if natural > 0 else 100)
        text.setTextOrigin(line.x0, height - line.bottom - descent * size_pt)
        text.textOut(line.text)
    canvas.drawText(text)
    canvas.showPage()


def _stored(picture: Image.Image) -> Image.Image:
    """The picture as the PDF keeps it: grey when it has no colour (a grey scan drawn by pdfium
    comes as RGB; grey takes a third), see-through parts (a PNG with alpha) on white paper."""
    if _is_grey(picture):
        return to_greyscale(picture)
    if picture.mode not in ("RGBA", "PA") and "transparency" not in picture.info:
        return picture.convert("RGB")
    paper = Image.new("RGBA", picture.size, "white")
    paper.alpha_composite(picture.convert("RGBA"))
    return paper.convert("RGB")


def _is_grey(picture: Image.Image) -> bool:
    if picture.mode in ("1", "L", "LA", "I", "I;16", "I;16B", "I;16L"):
        return True
    red, green, blue = picture.convert("RGB").split()
    return ImageChops.difference(red, green).getbbox() is None and ImageChops.difference(green, blue).getbbox() is None
