"""What every reader is given: the file as a `Source` (its path, sha256 and sniffed kind, and
for a PDF the one pdfium document every reader and renderer of it shares) and the run's
`ReadOptions`.

A file is checked, hashed and sniffed once (extractors.readers.base.open_source); its reader
and its thumbnails then use what the Source holds instead of sniffing the file again, and a
PDF is opened by pdfium once for both. Closing the Source closes what it opened.

This module reads no content and imports no reader.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Self

import pypdfium2 as pdfium

from extractors.ocr.settings import OcrSettings
from extractors.readers import pdfium_text


@dataclass(frozen=True)
class ReadOptions:
    """How a run reads its files: `ocr=False` reads only what files hold as text (no page,
    picture or image file is OCR'd); `ocr_settings` tunes the OCR."""

    ocr: bool = True
    ocr_settings: OcrSettings = field(default_factory=OcrSettings)


@dataclass(eq=False)
class Source:
    """A file being read, as sniffed; use it as a context manager, or close it."""

    path: str
    sha256: str
    kind: str
    """A key of extractors.readers.sniff.FORMATS, or damaged-<key>."""
    _pdf: pdfium.PdfDocument | None = field(default=None, init=False, repr=False)
    _pdf_error: pdfium.PdfiumError | None = field(default=None, init=False, repr=False)

    def pdfium(self) -> pdfium.PdfDocument:
        """The file opened by pdfium, once for all who read or draw it; raises
        pdfium.PdfiumError (the same one on every call) when pdfium cannot open it."""
        if self._pdf is None:
            if self._pdf_error is None:
                try:
                    self._pdf = pdfium_text.open_pdf(self.path)
                    return self._pdf
                except pdfium.PdfiumError as exc:
                    self._pdf_error = exc
            raise self._pdf_error
        return self._pdf

    def close(self) -> None:
        if self._pdf is not None:
            self._pdf.close()
            self._pdf = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
