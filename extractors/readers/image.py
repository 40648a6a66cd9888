"""Image files (PNG, JPEG, TIFF, BMP, GIF, WebP, HEIC, AVIF, JPEG 2000) as documents of their
own, read by OCR; Pillow decodes them (HEIC through pillow-heif's plugin). Pictures on slides
that hold text are read the same way (`read_picture_text`), and image files are drawn for
their thumbnails here too (`render_image`).

A multi-page TIFF (a scanner's usual output) is one document with a page per frame. The other
formats' extra frames are not pages: a GIF's or WebP's are an animation, a JPEG's (MPO) a
stereo or preview picture, a HEIC's a burst or a depth map, so only the first is read. Boxes
are in points from the image's own resolution when the file states one; screenshots and
phone pictures rarely do, so a large image without one is taken as a 300 dpi scan and a
small one as a 96 dpi screen capture, which only sets the scale of the boxes and the text
size tesseract expects. Read without OCR (ReadOptions.ocr off), an image is a page without
text and a Fault that says its text was not read.

This module must not OCR anything itself: extractors.readers.ocr_pages does, pages in parallel.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator

import pillow_heif
from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

from models.errors import ReadError, describe
from extractors.readers.metadata import date_in_text, document_title
from extractors.ocr.layout import image_has_text
from extractors.ocr.page import ocr_image
from extractors.readers.ocr_pages import ocr_images
from extractors.ocr.settings import OcrSettings
from extractors.readers.source import ReadOptions, Source
from extractors.lang.text import clean_line
from models import Document, Fault, Page, Table

pillow_heif.register_heif_opener()

MEDIA_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "MPO": "image/jpeg", "TIFF": "image/tiff", "BMP": "image/bmp",
               "DIB": "image/bmp", "GIF": "image/gif", "WEBP": "image/webp", "HEIF": "image/heic", "AVIF": "image/avif",
               "JPEG2000": "image/jp2"}
# Formats whose frames are pages; every other format's first frame is the picture.
_PAGED_FORMATS = {"TIFF"}
MAX_FRAMES = 500
MAX_PIXELS = 200_000_000
_SCAN_DPI = 300
_SCREEN_DPI = 96
_SCAN_LONG_SIDE_PX = 2000
# EXIF/TIFF tags: DateTimeOriginal, DateTime, ImageDescription.
_EXIF_DATE_TAGS = (36867, 306)
_EXIF_TITLE_TAG = 270


def _metadata(image: Image.Image) -> tuple[str | None, str | None]:
    """(date, title) the file states: PNG text chunks, TIFF tags or EXIF."""
    exif = image.getexif()
    stamps = [image.info.get("Creation Time"), *(exif.get(tag) for tag in _EXIF_DATE_TAGS)]
    # EXIF writes dates as 2014:03:12 10:00:00.
    dates = [date_in_text(str(v)[:10].replace(":", "-")) for v in stamps if v]
    title = clean_line(str(image.info.get("Title") or exif.get(_EXIF_TITLE_TAG) or ""))
    return next((d for d in dates if d), None), title or None


def _dpi(frame: Image.Image) -> float:
    stated = frame.info.get("dpi")
    if isinstance(stated, tuple) and stated and 50 <= float(stated[0]) <= 2400:
        return float(stated[0])
    return _SCAN_DPI if max(frame.size) >= _SCAN_LONG_SIDE_PX else _SCREEN_DPI


def image_pages(image: Image.Image, n_frames: int) -> Iterator[tuple[int, Image.Image, tuple[float, float]]]:
    """The image's first `n_frames` frames as pages: (number, picture, size in points), each
    picture a copy (the iterator reuses one object that seeks to the next frame) turned upright
    as the camera's EXIF orientation says, its size from the resolution the frame states."""
    for number, frame in enumerate(ImageSequence.Iterator(image), start=1):
        if number > n_frames:
            return
        dpi = _dpi(frame)
        upright = ImageOps.exif_transpose(frame.copy())
        yield number, upright, (upright.width * 72 / dpi, upright.height * 72 / dpi)


def read_image(source: Source, options: ReadOptions) -> Document:
    """OCR an image file into a Document, a page per TIFF frame (method "ocr" on every page).

    Raises ReadError for a file that is not a readable image; a frame whose OCR fails or runs
    over its time limit becomes a page error and the other frames are still read. Without
    `options.ocr` every frame is a page without text, with a Fault saying so.
    """
    path, sha256 = source.path, source.sha256
    try:
        image = Image.open(path)
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise ReadError("corrupt", "the image could not be opened; it is damaged or was cut short",
                        describe(exc)) from exc
    with image:
        media_type = MEDIA_TYPES.get(image.format or "")
        if media_type is None:
            raise ReadError("unsupported", f"the file is an image in the {image.format} format, which saman does not read")
        n_frames = getattr(image, "n_frames", 1) if image.format in _PAGED_FORMATS else 1
        if n_frames > MAX_FRAMES:
            raise ReadError("too_large", f"the image has {n_frames} pages; saman reads at most {MAX_FRAMES}")
        if image.width * image.height > MAX_PIXELS:
            raise ReadError("too_large", f"the image is {image.width}×{image.height} pixels; too large to OCR")

        try:
            meta_date, meta_title = _metadata(image)
            frames = image_pages(image, n_frames)
            results = ocr_images(frames, options.ocr_settings) if options.ocr else _unread(frames)
        except (OSError, ValueError, EOFError) as exc:
            raise ReadError("corrupt", "the image could not be decoded; it is damaged or was cut short",
                            describe(exc)) from exc
    pages: list[Page] = []
    tables: list[Table] = []
    faults: list[Fault] = []
    for result in results.values():
        if isinstance(result, Fault):
            faults.append(result)
        else:
            pages.append(result[0])
            tables.extend(result[1])
    if not options.ocr:
        faults = [Fault(page=page.number, kind="unsupported", message=f"page {page.number} is a picture, and OCR was "
                        "turned off for this reading: its text was not read") for page in pages]
    return Document(
        sha256=sha256,
        path=path,
        media_type=media_type,
        pages=pages,
        tables=tables,
        title=document_title(next((p.title for p in pages if p.title), None), meta_title),
        metadata={k: v for k, v in {"Title": meta_title, "created": meta_date}.items() if v},
        faults=faults,
    )


def _unread(frames: Iterator[tuple[int, Image.Image, tuple[float, float]]]) -> dict[int, tuple[Page, list[Table]]]:
    """Every frame as a page of its size without text: OCR is off."""
    return {number: (Page(number=number, width=width, height=height), []) for number, _, (width, height) in frames}


def read_picture_text(image: Image.Image, number: int, size_pt: tuple[float, float],
                      settings: OcrSettings) -> tuple[Page, list[Table]] | None:
    """The text of a picture on a slide (a screenshot of a slide, a scanned handout) as an OCR'd
    page of `size_pt` points and its tables; None for a picture without text (a photo, a logo)
    or one whose OCR runs out of time (it loses its text, not the slide)."""
    if not image_has_text(image):
        return None
    try:
        return ocr_image(image, number, settings, page_size_pt=size_pt)
    except ReadError:
        return None


def render_image(source: Source, numbers: Collection[int], width: int, max_height: int) -> Iterator[tuple[int, Image.Image]]:
    """The given pages (frames) of the image file, scaled down to fit `width` × `max_height`;
    nothing for an image Pillow cannot decode."""
    try:
        with Image.open(source.path) as image:
            for number, frame in enumerate(ImageSequence.Iterator(image), start=1):
                if number in numbers:
                    picture = frame.convert("RGB")
                    picture.thumbnail((width, max_height))
                    yield number, picture
    except (OSError, ValueError):
        return
