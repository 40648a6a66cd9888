"""Which reader reads a file: decided by the bytes it holds, not by the name it was given.

Every file is sniffed first (extractors.readers.sniff); a file whose bytes are a format saman reads
goes to that format's reader family, anything else becomes a `ReadError` that names in plain
words what the file really is: `unsupported` for a type saman does not read, `mislabelled`
when the name claims a type saman reads, `corrupt` for a zip or OLE file that was cut short.

Every reader failure leaves this module as a ReadError, never as a library exception, so a
batch can always go on. Whose fault a failure is decides its kind:
- a reader that knows a library call may refuse bad input translates that refusal into a
  ReadError itself, with a message of its own;
- anything else that escapes is judged by where it was raised (`_raised_by_library`): an
  exception raised inside a library's code, or of a library's own exception class, is that
  library refusing the file's bytes (`corrupt`; `unsupported` for a NotImplementedError, a
  feature the library does not read), while an exception that our own code raised with a
  built-in type is a fault of ours (`internal`), never blamed on the file.
The exception itself goes into the error's `detail`, never into its message.
"""

from __future__ import annotations

import functools
import hashlib
import os
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

from PIL import Image

from models.errors import INTERNAL_MESSAGE, ReadError, describe
from extractors.readers.sniff import DAMAGED, FORMATS, Format, damaged_error, kind_for_extension, sniff
from extractors.readers.metadata import settle_date_and_language
from extractors.readers.pdf import read_pdf
from extractors.readers.pptx import PictureReader, read_pptx
from extractors.lang.text import clean_line
from extractors.ocr.settings import DEFAULT_SETTINGS, OcrSettings
from models import Document, Page, Table

__all__ = ["display_path", "read_document", "sha256_of", "sniff"]

MAX_FILE_BYTES = 1 << 30
# Declared uncompressed size above which a zip-based file is treated as a zip bomb rather than opened.
MAX_UNZIPPED_BYTES = 1 << 30
_ZIP_KINDS = {"pptx", "docx", "xlsx", "odp", "odt", "ods"}
_CSV_SUFFIXES = {".csv", ".tsv"}
# Our own code; an exception raised here with a built-in type is our fault, not the file's.
_OUR_PACKAGES = ("extractors", "models", "flows", "kb")
_OUR_DIRS = tuple(str(Path(__file__).resolve().parents[2] / p) + os.sep for p in _OUR_PACKAGES)


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


def read_document(path: str | Path, sha256: str | None = None, *, ocr: bool = True,
                  ocr_settings: OcrSettings = DEFAULT_SETTINGS) -> Document:
    """Read any supported file into a Document; raise ReadError for anything that cannot be read.
    Pages and pictures without a text layer are OCR'd with `ocr_settings` unless `ocr` is False."""
    path = str(path)
    p = Path(path)
    if not p.exists():
        raise ReadError("unreadable", "the file is gone: it was moved or deleted before saman could read it")
    if not p.is_file():
        raise ReadError("unsupported", "this is not a regular file (a folder, a device or a link to nothing)")
    size = p.stat().st_size
    if size == 0:
        raise ReadError("empty", "the file is empty (0 bytes)")
    if size > MAX_FILE_BYTES:
        raise ReadError("too_large", f"the file is {size / 2**20:.0f} MB; saman reads files up to {MAX_FILE_BYTES >> 20} MB")
    try:
        sha = sha256 or sha256_of(p)
        kind = sniff(p)
    except OSError as exc:
        raise ReadError("unreadable", "the file could not be opened: the file system refused it (no permission to "
                                      "read it, or it is gone)", describe(exc)) from exc
    doc = _read_as(path, sha, kind, ocr_settings if ocr else None)
    # Document-level text comes from file properties that no block cleaning saw.
    doc = doc.model_copy(update={
        "path": display_path(path),
        "title": clean_line(doc.title or "") or None,
        "metadata": {k: v for k, value in doc.metadata.items() if (v := clean_line(value))},
    })
    return settle_date_and_language(doc)


def _read_as(path: str, sha: str, kind: str, ocr: OcrSettings | None) -> Document:
    if kind.startswith(DAMAGED):
        raise damaged_error(kind)
    fmt = FORMATS[kind]
    read = _FAMILIES.get(fmt.family or "")
    if read is None:
        raise _not_readable(Path(path), kind)
    try:
        if kind in _ZIP_KINDS:
            _check_zip_sizes(path)
        return read(path, sha, kind, ocr)
    except ReadError:
        raise
    except (Image.DecompressionBombError, MemoryError) as exc:
        raise ReadError("too_large", f"the file ({fmt.what}) needs more memory than saman allows a file",
                        describe(exc)) from exc
    except Exception as exc:
        raise _translate(exc, fmt) from exc


def _translate(exc: Exception, fmt: Format) -> ReadError:
    """A failure no reader translated, as the error of its kind (see the module docstring)."""
    if not _raised_by_library(exc):
        return ReadError("internal", INTERNAL_MESSAGE, describe(exc))
    if isinstance(exc, NotImplementedError):
        return ReadError("unsupported", f"the file ({fmt.what}) uses a feature that saman's reader for it "
                                        "cannot read yet", describe(exc))
    return ReadError("corrupt", f"the file ({fmt.what}) could not be read; it is probably damaged. "
                                "Ask the sender for a new copy", describe(exc))


def _raised_by_library(exc: BaseException) -> bool:
    """Whether a library raised `exc` while reading the file, rather than saman's own code.

    A library's own exception class (zipfile.BadZipFile, lxml's XMLSyntaxError, pdfminer's
    PSEOF, calamine's errors) or an exception whose innermost frame is in a library's or the
    standard library's code counts as the library's; a NameError or ImportError is a fault in
    code whoever raised it. Known limit: a library that fails because we called it wrongly
    looks like a refusal of the file.
    """
    module = type(exc).__module__.split(".")[0]
    if module == "builtins" and isinstance(exc, (NameError, ImportError, SyntaxError)):
        return False  # (lxml's XMLSyntaxError is a SyntaxError too, but a library's own class)
    if module not in _OUR_PACKAGES and module != "builtins" and module not in sys.stdlib_module_names:
        return True
    tb = exc.__traceback__
    if tb is None:
        return False
    while tb.tb_next is not None:
        tb = tb.tb_next
    return not os.path.realpath(tb.tb_frame.f_code.co_filename).startswith(_OUR_DIRS)


def _read_pdf(path: str, sha: str, kind: str, ocr: OcrSettings | None) -> Document:
    if not ocr:
        return read_pdf(path, sha)
    from extractors.ocr.pages import needs_ocr, ocr_pdf_pages

    return read_pdf(path, sha, needs_ocr=needs_ocr, ocr_pages=functools.partial(ocr_pdf_pages, settings=ocr))


def _read_pptx(path: str, sha: str, kind: str, ocr: OcrSettings | None) -> Document:
    return read_pptx(path, sha, _picture_reader(ocr))


def _picture_reader(ocr: OcrSettings | None) -> PictureReader | None:
    """OCR for pictures on slides that hold text (screenshots of slides, scanned handouts)."""
    if not ocr:
        return None
    from extractors.ocr.layout import image_has_text
    from extractors.ocr.page import ocr_image

    def read(image: Image.Image, number: int, size_pt: tuple[float, float]) -> tuple[Page, list[Table]] | None:
        if not image_has_text(image):
            return None
        try:
            return ocr_image(image, number, ocr, page_size_pt=size_pt)
        except ReadError:  # a picture that times out loses its text, not the slide
            return None

    return read


def _read_converted(path: str, sha: str, kind: str, ocr: OcrSettings | None) -> Document:
    """Legacy and other office formats: convert with LibreOffice, read the result as usual."""
    from extractors.readers.office import convert_legacy

    converted = convert_legacy(path)
    try:
        doc = (_read_pptx if converted.suffix == ".pptx" else _read_pdf)(str(converted), sha, kind, ocr)
    finally:
        converted.unlink(missing_ok=True)
    return doc.model_copy(update={"path": path})


def _read_image(path: str, sha: str, kind: str, ocr: OcrSettings | None) -> Document:
    from extractors.readers.image import read_image

    return read_image(path, sha, ocr or DEFAULT_SETTINGS)


def _read_sheet(path: str, sha: str, kind: str, ocr: OcrSettings | None) -> Document:
    from extractors.readers.spreadsheet import read_spreadsheet

    return read_spreadsheet(path, sha, kind)


def _read_text(path: str, sha: str, kind: str, ocr: OcrSettings | None) -> Document:
    """Plain text is read by its name: .csv and .tsv as a table, .txt and .md as text; text
    under any other name (.json, .log, a .pptx that is a note) is not a document."""
    from extractors.readers.text import read_csv, read_text

    suffix = Path(path).suffix.lower()
    if suffix in _CSV_SUFFIXES:
        return read_csv(path, sha)
    if suffix in FORMATS["text"].extensions:
        return read_text(path, sha)
    raise _not_readable(Path(path), kind)


def _refuse_encrypted(path: str, sha: str, kind: str, ocr: OcrSettings | None) -> Document:
    raise ReadError("encrypted", "the file is protected by a password; ask the sender for an unprotected copy")


_FAMILIES: dict[str, Callable[[str, str, str, OcrSettings | None], Document]] = {
    "pdf": _read_pdf, "pptx": _read_pptx, "office": _read_converted, "image": _read_image,
    "sheet": _read_sheet, "text": _read_text, "encrypted": _refuse_encrypted,
}


def _check_zip_sizes(path: str) -> None:
    with zipfile.ZipFile(path) as zf:
        declared = sum(info.file_size for info in zf.infolist())
    if declared > MAX_UNZIPPED_BYTES:
        raise ReadError("too_large", f"the file unpacks to {declared / 2**30:.1f} GB (a zip bomb?); refused")


def _not_readable(p: Path, kind: str) -> ReadError:
    """The error for a file of a kind saman does not read: mislabelled when its name claims a
    kind saman reads, unsupported otherwise."""
    suffix = p.suffix.lower()
    what = FORMATS[kind].what
    claimed = kind_for_extension(suffix)
    if claimed is not None and claimed != kind and FORMATS[claimed].family is not None:
        return ReadError("mislabelled", f"the file is named {suffix} but holds {what}, not {FORMATS[claimed].what}; "
                                        "saman cannot read it")
    if kind == "text":
        readable = ", ".join(FORMATS["text"].extensions)
        return ReadError("unsupported", f"the file is plain text named {suffix or '(no extension)'}; saman reads "
                                        f"plain text only from files named {readable}")
    named = f" ({suffix})" if suffix else ""
    return ReadError("unsupported", f"the file is {what}{named}; saman does not read this type of file")
