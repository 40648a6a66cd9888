"""Which reader reads a file: decided by the bytes it holds, not by the name it was given.

The archive holds files whose names lie (HTML saved as .pdf, a PDF named .pptx, old binary
PowerPoint under .pptx), so every file is sniffed first. A file whose content is a format we
read is read as that format; anything else becomes a `ReadError` that names what the file
really is. Every reader failure leaves this module as a ReadError, never as a library
exception, so a batch can always go on.
"""

from __future__ import annotations

import hashlib
import os
import zipfile
from pathlib import Path

from PIL import Image

from extractors.errors import ReadError
from extractors.metadata import settle_date_and_language
from extractors.pdf import read_pdf
from extractors.pptx import PictureReader, read_pptx
from models import Document, Page, Table

PDF_EXTENSIONS = {".pdf"}
PPTX_EXTENSIONS = {".pptx", ".pptm", ".ppsx"}
LEGACY_EXTENSIONS = {".ppt", ".pps", ".pot", ".doc", ".odp", ".odt", ".docx", ".rtf"}
IMAGE_EXTENSIONS = {".png", ".jpg", ".jpeg", ".tif", ".tiff"}
SUPPORTED_EXTENSIONS = PDF_EXTENSIONS | PPTX_EXTENSIONS | LEGACY_EXTENSIONS | IMAGE_EXTENSIONS

MAX_FILE_BYTES = 1 << 30
# Declared uncompressed size above which a .pptx is treated as a zip bomb rather than opened.
MAX_UNZIPPED_BYTES = 1 << 30


def display_path(path: str | Path) -> str:
    """The path as text that can be stored and printed, even when the name is not UTF-8.

    Archive folders copied from old Windows shares hold names in Latin-1 or CP850; Python
    keeps their bytes as lone surrogates, which SQLite and JSON cannot store. Undecodable
    bytes are written as \\xNN, so the name stays readable and distinct.
    """
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def sha256_of(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def sniff(path: str | Path) -> str:
    """What the file's bytes say it is: pdf, pptx, docx, odp, odt, ole, png, jpeg, tiff, zip, html, text or unknown."""
    with open(path, "rb") as fh:
        head = fh.read(2048)
    if head.startswith(b"%PDF") or b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(path)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    lowered = head.lstrip().lower()
    if lowered.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<html" in lowered[:512]:
        return "html"
    try:
        head.decode("utf-8")
        return "text"
    except UnicodeDecodeError:
        return "unknown"


def _zip_kind(path: str | Path) -> str:
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            if "mimetype" in names:
                mimetype = zf.read("mimetype").decode("ascii", "ignore")
                return "odp" if "presentation" in mimetype else "odt" if "text" in mimetype else "zip"
    except (zipfile.BadZipFile, OSError, ValueError):
        return "zip"
    if "ppt/presentation.xml" in names:
        return "pptx"
    if "word/document.xml" in names:
        return "docx"
    return "zip"


def read_document(path: str | Path, sha256: str | None = None, *, ocr: bool = True) -> Document:
    """Read any supported file into a Document; raise ReadError for anything that cannot be read."""
    path = str(path)
    p = Path(path)
    if not p.is_file():
        raise ReadError("unsupported", "not a regular file")
    size = p.stat().st_size
    if size == 0:
        raise ReadError("empty", "the file is empty (0 bytes)")
    if size > MAX_FILE_BYTES:
        raise ReadError("too_large", f"the file is {size / 2**20:.0f} MB; saman reads files up to {MAX_FILE_BYTES >> 20} MB")
    sha = sha256 or sha256_of(p)
    kind = sniff(p)
    doc = settle_date_and_language(_read_as(path, sha, kind, ocr))
    shown = display_path(path)
    return doc if doc.path == shown else doc.model_copy(update={"path": shown})


def _read_as(path: str, sha: str, kind: str, ocr: bool) -> Document:
    p = Path(path)
    try:
        if kind == "pdf":
            return _read_pdf(path, sha, ocr)
        if kind == "pptx":
            _check_zip_sizes(path)
            return read_pptx(path, sha, _picture_reader(ocr))
        if kind in ("ole", "odp", "odt", "docx"):
            return _read_converted(path, sha, ocr)
        if kind in ("png", "jpeg", "tiff"):
            from extractors.images import read_image

            return read_image(path, sha)
    except ReadError:
        raise
    except (Image.DecompressionBombError, MemoryError) as exc:
        raise ReadError("too_large", f"the {kind} file needs more memory than saman allows a file ({type(exc).__name__}: {exc})") from exc
    except Exception as exc:
        raise ReadError("corrupt", f"the {kind} file could not be read ({type(exc).__name__}: {exc}); it is probably damaged") from exc
    raise _not_readable(p, kind)


def _read_pdf(path: str, sha: str, ocr: bool) -> Document:
    if not ocr:
        return read_pdf(path, sha)
    from extractors.ocr import needs_ocr, ocr_pdf_pages

    return read_pdf(path, sha, needs_ocr=needs_ocr, ocr_pages=ocr_pdf_pages)


def _picture_reader(ocr: bool) -> PictureReader | None:
    """OCR for pictures on slides that hold text (screenshots of slides, scanned handouts)."""
    if not ocr:
        return None
    from extractors.ocr import image_has_text, ocr_image

    def read(image: Image.Image, number: int, size_pt: tuple[float, float]) -> tuple[Page, list[Table]] | None:
        if not image_has_text(image):
            return None
        try:
            return ocr_image(image, number, page_size_pt=size_pt)
        except ReadError:  # a picture that times out loses its text, not the slide
            return None

    return read


def _read_converted(path: str, sha: str, ocr: bool) -> Document:
    """Legacy and other office formats: convert with LibreOffice, read the result as usual."""
    from extractors.office import convert_legacy

    converted = convert_legacy(path)
    try:
        doc = read_pptx(str(converted), sha, _picture_reader(ocr)) if converted.suffix == ".pptx" else _read_pdf(str(converted), sha, ocr)
    finally:
        converted.unlink(missing_ok=True)
    return doc.model_copy(update={"path": path})


def _check_zip_sizes(path: str) -> None:
    with zipfile.ZipFile(path) as zf:
        declared = sum(info.file_size for info in zf.infolist())
    if declared > MAX_UNZIPPED_BYTES:
        raise ReadError("too_large", f"the file unpacks to {declared / 2**30:.1f} GB (a zip bomb?); refused")


def _not_readable(p: Path, kind: str) -> ReadError:
    suffix = p.suffix.lower()
    described = {"html": "an HTML web page", "text": "plain text", "zip": "a zip archive", "unknown": "binary data of an unknown kind"}
    what = described.get(kind, kind)
    if suffix in SUPPORTED_EXTENSIONS:
        return ReadError("mislabelled", f"the file is named {suffix} but holds {what}; it is not a document saman can read")
    return ReadError("unsupported", f"files of type {suffix or kind!r} ({what}) are not supported")
