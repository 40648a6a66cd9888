"""The one registry of the formats saman reads: for each sniffed kind, its reader and, where a
picture of its pages can be drawn from the file itself, its renderer for thumbnails.

What a file is, and the names each kind goes by, is extractors.readers.sniff.FORMATS: every
kind the bytes can show, read or not, so a file saman does not read still gets a record that
says what it is. A kind is read exactly when it has an entry here; read_document, the
thumbnails and the error for a file whose name claims a read kind all ask this table.

Adding a format: a module in extractors/readers/ with `read(source, options) -> Document`
(and, if its pages can be drawn from the file, `render(source, numbers, width, max_height)`),
its kind and names in sniff.FORMATS with the bytes that tell it, and its entry below.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass
from typing import Protocol

from PIL import Image

from extractors.readers.image import read_image, render_image
from extractors.readers.office import convert_legacy
from extractors.readers.pdf import read_pdf, render_pdf
from extractors.readers.pptx import read_pptx
from extractors.readers.sniff import FORMATS
from extractors.readers.source import ReadOptions, Source
from extractors.readers.spreadsheet import read_spreadsheet
from extractors.readers.text import read_plain_text
from models import Document
from models.errors import ReadError


class Reader(Protocol):
    """Reads a sniffed file into a Document; raises ReadError for a file it cannot read."""

    def __call__(self, source: Source, options: ReadOptions, /) -> Document: ...


class Renderer(Protocol):
    """Pictures of the given pages, `width` pixels wide and at most `max_height` tall, drawn
    from the file; a page it cannot draw is left out (the thumbnail is drawn from its blocks)."""

    def __call__(self, source: Source, numbers: Collection[int], width: int, max_height: int, /
                 ) -> Iterator[tuple[int, Image.Image]]: ...


@dataclass(frozen=True)
class Entry:
    kind: str
    read: Reader
    render: Renderer | None = None
    names: tuple[str, ...] | None = None
    """Read only from files so named (plain text: .json or .log is not a document); None: any name."""

    @property
    def extensions(self) -> tuple[str, ...]:
        """The names files of this kind go by (sniff.FORMATS)."""
        return FORMATS[self.kind].extensions


def read_converted(source: Source, options: ReadOptions) -> Document:
    """Legacy and OpenDocument office files: converted by LibreOffice (extractors.readers.office)
    and the result read by the reader of the kind it became, as a file of its own."""
    converted = convert_legacy(source)
    try:
        with Source(str(converted), source.sha256, "pptx" if converted.suffix == ".pptx" else "pdf") as result:
            doc = REGISTRY[result.kind].read(result, options)
    finally:
        converted.unlink(missing_ok=True)
    return doc.model_copy(update={"path": source.path})


def refuse_encrypted(source: Source, options: ReadOptions) -> Document:
    raise ReadError("encrypted", "the file is protected by a password; ask the sender for an unprotected copy")


REGISTRY: dict[str, Entry] = {entry.kind: entry for entry in (
    Entry("pdf", read_pdf, render_pdf),
    Entry("pptx", read_pptx),
    *(Entry(kind, read_converted) for kind in ("ppt", "odp", "doc", "docx", "odt", "rtf")),
    *(Entry(kind, read_spreadsheet) for kind in ("xlsx", "ods", "xls")),
    *(Entry(kind, read_image, render_image) for kind in ("png", "jpeg", "tiff", "bmp", "gif", "webp", "heic", "avif", "jp2")),
    Entry("text", read_plain_text, names=FORMATS["text"].extensions),
    Entry("encrypted-office", refuse_encrypted),
)}
"""Sniffed kind → how it is read (a kind without an entry is not read)."""
