"""Reading a file: the one way in (`read_document`, or `open_source` and `read_source` for a
caller that draws the file's thumbnails with the same open Source), and the one place where a
reader's failure becomes a `ReadError`.

Which reader reads a file is decided by the bytes it holds, not by the name it was given.
Every file is sniffed once (extractors.readers.sniff); a file whose bytes are a kind the
reader registry (extractors.readers.registry) has an entry for goes to that entry's reader,
anything else becomes a `ReadError` that names in plain words what the file really is:
`unsupported` for a type saman does not read, `mislabelled` when the name claims a type saman
reads, `corrupt` for a zip or OLE file that was cut short.

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

import os
import sys
import zipfile
from pathlib import Path

from PIL import Image

from models.errors import INTERNAL_MESSAGE, ReadError, describe
from extractors.readers.sniff import DAMAGED, FORMATS, Format, damaged_error, kind_for_extension, sniff
from extractors.files import display_path, sha256_of
from extractors.readers.metadata import settle_date_and_language
from extractors.readers.registry import REGISTRY
from extractors.readers.source import ReadOptions, Source
from extractors.lang.text import clean_line
from models import Document

__all__ = ["open_source", "read_document", "read_source", "sniff"]

MAX_FILE_BYTES = 1 << 30
# Declared uncompressed size above which a zip-based file is treated as a zip bomb rather than opened.
MAX_UNZIPPED_BYTES = 1 << 30
_ZIP_KINDS = {"pptx", "docx", "xlsx", "odp", "odt", "ods"}
# Our own code; an exception raised here with a built-in type is our fault, not the file's.
_OUR_PACKAGES = ("extractors", "models", "flows", "kb")
_OUR_DIRS = tuple(str(Path(__file__).resolve().parents[2] / p) + os.sep for p in _OUR_PACKAGES)
_DEFAULTS = ReadOptions()


def read_document(path: str | Path, sha256: str | None = None, options: ReadOptions = _DEFAULTS) -> Document:
    """Read any supported file into a Document; raise ReadError for anything that cannot be read."""
    with open_source(path, sha256) as source:
        return read_source(source, options)


def open_source(path: str | Path, sha256: str | None = None) -> Source:
    """The file checked, hashed and sniffed, as a Source to read (close it when done); raise
    ReadError for a file that is gone, not a regular file, empty, too large or refused."""
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
        return Source(str(path), sha256 or sha256_of(p), sniff(p))
    except OSError as exc:
        raise ReadError("unreadable", "the file could not be opened: the file system refused it (no permission to "
                                      "read it, or it is gone)", describe(exc)) from exc


def read_source(source: Source, options: ReadOptions = _DEFAULTS) -> Document:
    """Read an open Source into a Document; raise ReadError for anything that cannot be read."""
    doc = _read_as(source, options)
    # Document-level text comes from file properties that no block cleaning saw.
    doc = doc.model_copy(update={
        "path": display_path(source.path),
        "title": clean_line(doc.title or "") or None,
        "metadata": {k: v for k, value in doc.metadata.items() if (v := clean_line(value))},
    })
    return settle_date_and_language(doc)


def _read_as(source: Source, options: ReadOptions) -> Document:
    kind = source.kind
    if kind.startswith(DAMAGED):
        raise damaged_error(kind)
    fmt = FORMATS[kind]
    entry = REGISTRY.get(kind)
    if entry is None or entry.names is not None and Path(source.path).suffix.lower() not in entry.names:
        raise _not_readable(Path(source.path), kind)
    try:
        if kind in _ZIP_KINDS:
            _check_zip_sizes(source.path)
        return entry.read(source, options)
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
    if claimed is not None and claimed != kind and claimed in REGISTRY:
        return ReadError("mislabelled", f"the file is named {suffix} but holds {what}, not {FORMATS[claimed].what}; "
                                        "saman cannot read it")
    if (entry := REGISTRY.get(kind)) is not None and entry.names:
        return ReadError("unsupported", f"the file is {what} named {suffix or '(no extension)'}; saman reads "
                                        f"{what} only from files named {', '.join(entry.names)}")
    named = f" ({suffix})" if suffix else ""
    return ReadError("unsupported", f"the file is {what}{named}; saman does not read this type of file")
