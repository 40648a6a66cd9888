"""What can go wrong with a file, and where: the error kinds and scopes of the record contract,
and the one exception readers raise for a file they cannot read (`ReadError`).

`ErrorKind` is the closed list of `error_kind` values the code may emit (a test walks the code
for them), so the KB, the export and a clerk's filter all agree on the words. A `Fault` is a
loss smaller than a file (a page, a shape on a slide, a region of a page) that a reader
records beside what it did read; the pipeline turns each into an `error` record.

This module imports nothing of ours.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

ErrorKind = Literal[
    "empty",        # nothing in it: 0 bytes, a PDF without pages, a deck without slides
    "corrupt",      # damaged or truncated beyond what any reader here can repair
    "encrypted",    # protected by a password
    "unsupported",  # a type saman does not read (an audio file, an archive, an e-mail message, ...)
    "mislabelled",  # the name says one format, the bytes another that saman does not read
    "too_large",    # over a size, page, pixel or memory limit
    "timeout",      # reading took longer than allowed
    "crash",        # the reader process died (out of memory, a fault in a library)
    "conversion",   # LibreOffice could not convert a legacy file
    "unreadable",   # the file system refused to open it (permissions, a vanished file)
    "ocr_failed",   # tesseract failed on a page or picture
    "internal",     # a fault of saman's own, not the file's: please report it
]
"""Every `error_kind` saman emits."""

ERROR_KINDS: tuple[str, ...] = ErrorKind.__args__  # type: ignore[attr-defined]

Scope = Literal["file", "page", "shape", "region"]
"""How much an error cost: the whole file, one page or slide, one shape on a slide, or one region of a page."""


class Fault(BaseModel):
    """A part of a document that could not be read, while the rest was."""

    page: int
    kind: ErrorKind
    message: str
    detail: str | None = None
    scope: Scope = "page"


# The message of an `internal` error: our fault, never blamed on the file.
INTERNAL_MESSAGE = ("saman failed on this file through a fault of its own, not the file's; the rest of the batch "
                    "went on. Please report it with the file (the detail field says what failed).")


class ReadError(Exception):
    """Raised by a reader for a file it cannot read: a batch must go on past a bad file, so
    readers translate library exceptions into this, with a `kind` of `ErrorKind`.

    `message` is for a clerk (what is wrong with the file, what to do); `detail` holds the
    technical cause (the library's exception), kept apart so it never reaches the message."""

    def __init__(self, kind: ErrorKind, message: str, detail: str | None = None) -> None:
        if kind not in ERROR_KINDS:  # a kind the list lacks fails where it is made, not where it is stored
            raise ValueError(f"unknown error kind {kind!r}; add it to models.errors.ErrorKind")
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.detail = detail


def describe(exc: BaseException) -> str:
    """An exception as the `detail` of an error record: its type and text, one line."""
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text[:300]}" if text else type(exc).__name__
