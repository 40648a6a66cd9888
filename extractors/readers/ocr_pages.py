"""Which pages of a file are OCR'd, and many pages OCR'd in parallel, each failure costing its
own page: images from an image file or pages of a PDF without a usable text layer. This is the
readers' side of OCR (it renders PDF pages and judges text layers); extractors.ocr reads one
page image and knows nothing of files.

Pages run settings.workers at a time, each thread with a tesseract model of its own
(extractors.ocr.engine);
PDF pages are rendered once, greyscale, in the calling thread (pdfium is not thread-safe)
while earlier pages are OCR'd. A page that fails (its time budget, tesseract, memory, a
fault of ours) becomes a Fault for that page only, never losing the document's other pages
nor the page's own text layer.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait

import pypdfium2 as pdfium
from PIL import Image

from extractors.ocr.layout import image_has_text
from extractors.ocr.page import corrector, ocr_image
from extractors.ocr.settings import DEFAULT_SETTINGS, OcrSettings
from extractors.readers.pdfium_text import render
from extractors.readers.text_layer import TextLayer, layer_fault
from models import Fault, Page, Table
from models.errors import INTERNAL_MESSAGE, ReadError, describe

PageResult = tuple[Page, list[Table]] | Fault


def needs_ocr(layer: TextLayer) -> bool:
    """Whether a PDF page is OCR'd: when its text layer is missing, too thin for the page, or
    shows a fault (extractors.readers.text_layer), never because of the language it is in."""
    return layer_fault(layer) is not None


def ocr_images(pages: Iterable[tuple[int, Image.Image, tuple[float, float] | None]],
               settings: OcrSettings = DEFAULT_SETTINGS) -> dict[int, PageResult]:
    """OCR many page images in parallel (settings.workers pages at a time).

    `pages` is consumed lazily, and never more than workers + 1 images are held at once, so a
    generator that renders pages keeps memory flat on a long scan.
    """
    corrector(settings)  # built once here, not by each worker thread
    results: dict[int, PageResult] = {}
    pending: dict[Future[PageResult], int] = {}

    def collect(done: Iterable[Future[PageResult]]) -> None:
        for future in done:
            results[pending.pop(future)] = future.result()

    with ThreadPoolExecutor(max_workers=max(1, settings.workers)) as pool:
        for number, image, size_pt in pages:
            while len(pending) > settings.workers:
                collect(wait(pending, return_when=FIRST_COMPLETED)[0])
            pending[pool.submit(_ocr_or_error, image, number, settings, size_pt)] = number
        collect(wait(pending)[0])
    return dict(sorted(results.items()))


def ocr_pdf_pages(path: str, page_numbers: list[int], settings: OcrSettings = DEFAULT_SETTINGS, *,
                  tables: list[Table] | None = None, drawings: Collection[int] = ()) -> dict[int, Page | Fault]:
    """OCR the given 1-based pages of a PDF: a Page per page, or a Fault for a page that
    could not be read. A page among `drawings` (its ink is all drawn: no pictures, no text)
    is OCR'd only when its drawing shows text (letters as outlines), not rules, shapes or a
    chart alone; else it is left out of the result, as read.

    Each page is rendered once, greyscale at settings.dpi. Tables found on the pages are
    appended to `tables` when the caller passes a list.
    """
    scale = settings.dpi / 72
    failed: dict[int, PageResult] = {}

    def rendered() -> Iterator[tuple[int, Image.Image, tuple[float, float]]]:
        try:
            pdf = pdfium.PdfDocument(path)
        except pdfium.PdfiumError as exc:
            for number in page_numbers:
                failed[number] = _render_fault(number, exc)
            return
        try:
            for number in page_numbers:
                try:
                    page = pdf[number - 1]
                    size_pt = page.get_size()
                    image = render(page, scale, grayscale=True)
                    page.close()
                except (pdfium.PdfiumError, IndexError) as exc:
                    failed[number] = _render_fault(number, exc)
                    continue
                if image is None:
                    failed[number] = Fault(page=number, kind="too_large", message=f"page {number} is too large to draw "
                                           "for OCR (a picture on it declares more pixels than any page holds); its text "
                                           "is missing")
                    continue
                if number in drawings and not image_has_text(image):
                    continue
                yield number, image, size_pt
        finally:
            pdf.close()

    results = {**ocr_images(rendered(), settings), **failed}
    out: dict[int, Page | Fault] = {}
    for number in sorted(results):
        result = results[number]
        if not isinstance(result, Fault):
            page, page_tables = result
            out[number] = page
            if tables is not None:
                tables.extend(page_tables)
        else:
            out[number] = result
    return out


def _ocr_or_error(image: Image.Image, number: int, settings: OcrSettings,
                  size_pt: tuple[float, float] | None) -> PageResult:
    """The page read, or the Fault that costs this page only."""
    try:
        return ocr_image(image, number, settings, size_pt)
    except ReadError as exc:
        return Fault(page=number, kind=exc.kind, message=exc.message, detail=exc.detail)
    except MemoryError as exc:
        return Fault(page=number, kind="too_large", message=f"page {number} is too large to OCR within saman's memory limit",
                     detail=describe(exc))
    except OSError as exc:
        return Fault(page=number, kind="ocr_failed", message=f"tesseract could not read page {number}; the page's text is missing",
                     detail=describe(exc))
    except Exception as exc:  # noqa: BLE001 — a fault of ours on one page costs that page
        return Fault(page=number, kind="internal", message=f"page {number}: {INTERNAL_MESSAGE}", detail=describe(exc))


def _render_fault(number: int, exc: BaseException) -> Fault:
    return Fault(page=number, kind="corrupt", message=f"page {number} could not be drawn for OCR; it is probably damaged",
                 detail=describe(exc))
