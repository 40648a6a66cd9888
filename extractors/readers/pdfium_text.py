"""PDF pages through pdfium (pypdfium2): characters and text lines with boxes and font
sizes, what a page draws besides text, and pictures of pages drawn within bounds.

The PDF reader takes every page's text from here: pdfium reads characters with their boxes
at C speed (a fifth of what pdfminer's parse costs), parts words by the PDF's own spacing
(it knows the character spacing a producer set, where a fixed tolerance either runs 6-point
type together or breaks letter-spaced dates apart), and opens PDFs pdfminer refuses (a
MediaBox missing or not a number, xref offsets that point nowhere, page trees pdfminer
cannot walk). Characters are grouped into lines as pdfplumber groups them, by baseline
within a tolerance, read along the direction their text runs (turned pages, mirrored text),
with a space where pdfium has one or the gap between two characters is wider than
X_TOLERANCE_RATIO of the type; each line has its box in points from the top-left corner of
the page as shown (its crop box) and its largest font size. A ligature stays one character
and a character drawn twice on the same spot (a faked bold) is dropped.

Drawing a page (for OCR or a thumbnail) is bounded before pdfium allocates anything: a page
whose pictures declare more pixels than `MAX_PICTURE_PIXELS` (a Flate bomb declares
100,000 × 100,000 from a few kilobytes, and pdfium aborts the process when the allocation
fails) is not drawn, and the drawing's own size is capped at `MAX_RENDER_PIXELS`.
"""

from __future__ import annotations

import ctypes
import math
from dataclasses import dataclass, field

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image

from extractors.readers import pdfium_paths
from extractors.readers.text_layer import TextLayer, duplicates, picture_share

# Characters whose tops lie within this many points of the line's last character share a
# line (pdfplumber's tolerance); a gap wider than this share of the font size between two
# characters is a space. pdfplumber's fixed 3 points ran the words of small type together
# (`DOCUMENTNO.`, `LEGISLATIVECORRESPONDENT` in 6-point tables); pdftotext breaks at 0.1 em,
# and 0.15 em keeps letter-spaced headings whole.
Y_TOLERANCE = 3.0
X_TOLERANCE_RATIO = 0.15
# Pictures on a page may declare this many pixels in all before the page is not drawn:
# 150 megapixels is a full A4 scan at 1,200 dpi in colour, beyond any real page.
MAX_PICTURE_PIXELS = 150_000_000
# A drawing of a page is at most this many pixels (a page at 300 dpi: 8.7 Mpx for A4).
MAX_RENDER_PIXELS = 60_000_000
# Form XObjects nest; a page this deep or with this many objects is not walked further.
_MAX_DEPTH = 8
_MAX_OBJECTS = 200_000


@dataclass(frozen=True)
class Line:
    """One line of text as read: its text, box (x0, top, x1, bottom) and largest font size."""

    text: str
    bbox: tuple[float, float, float, float]
    size: float


@dataclass
class Char:
    """One character: its text (a ligature's letters together), box in top-left points,
    font size, whether a space stands before it in the PDF, its origin (the point on its
    baseline it was drawn from) and the direction its text runs on the page as shown
    (`ltr`, `rtl`, `ttb`, `btt`)."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    space_before: bool
    origin: tuple[float, float]
    direction: str = "ltr"


@dataclass
class PageText:
    """A page read through pdfium: its size in points, its characters and lines, its layer
    to judge, whether anything at all is drawn on it (a blank page has nothing to OCR),
    whether it holds vector paths (rules, boxes: the signal that it may hold a ruled table)
    and their axis-aligned edges for pdfplumber's table finder (extractors.readers.pdfium_paths;
    None: more than the page may have read, left to pdfplumber)."""

    number: int
    width: float
    height: float
    chars: list[Char]
    lines: list[Line]
    layer: TextLayer
    has_ink: bool
    has_paths: bool
    edges: list[dict] | None


def open_pdf(path: str) -> pdfium.PdfDocument:
    """The PDF opened by pdfium; raises pdfium.PdfiumError when pdfium cannot open it."""
    return pdfium.PdfDocument(path)


def is_password_error(exc: pdfium.PdfiumError) -> bool:
    return getattr(exc, "err_code", None) == pdfium_c.FPDF_ERR_PASSWORD


def metadata(pdf: pdfium.PdfDocument) -> dict[str, str]:
    """The document information (Title, Author, Producer, CreationDate, ...) pdfium reads."""
    try:
        return {k: v for k, v in pdf.get_metadata_dict(skip_empty=True).items() if isinstance(v, str)}
    except pdfium.PdfiumError:
        return {}


def read_page(pdf: pdfium.PdfDocument, number: int) -> PageText:
    """Page `number` (1-based): its characters, its lines in reading order, its text layer."""
    page = pdf[number - 1]
    try:
        width, height = page.get_size()
        mapped = _to_top_left(page, width, height)
        textpage = page.get_textpage()
        try:
            chars = _chars(textpage, mapped)
        finally:
            textpage.close()
        objects = _objects(page, mapped)
        has_ink = pdfium_c.FPDFPage_CountObjects(page) > 0
    finally:
        page.close()
    visible = [c for c in chars if -1 <= c.x0 <= width + 1 and -1 <= c.top <= height + 1]
    twice = duplicates([(c.text, c.x0, c.top, c.x1) for c in visible])
    visible = [c for i, c in enumerate(visible) if i not in twice]
    lines = lines_of(visible)
    layer = TextLayer(glyphs=[c.text for c in visible], text="\n".join(ln.text for ln in lines),
                      picture_share=picture_share([box for box, _ in objects.pictures], width, height))
    return PageText(number, float(width), float(height), visible, lines, layer, has_ink, objects.paths > 0,
                    None if objects.budget.exceeded else objects.edges)


def _to_top_left(page: pdfium.PdfPage, width: float, height: float):
    """A function mapping page space (PDF user space, y up) to points from the top-left
    corner of the page as shown, the page's rotation and box origin included."""
    def device(x: float, y: float) -> tuple[float, float]:
        dx, dy = ctypes.c_int(), ctypes.c_int()
        # At 1000 device units per point, the rounding pdfium does to integers is negligible.
        pdfium_c.FPDF_PageToDevice(page, 0, 0, round(width * 1000), round(height * 1000), 0, x, y, dx, dy)
        return dx.value / 1000, dy.value / 1000

    ox, oy = device(0.0, 0.0)
    ax, ay = device(1000.0, 0.0)
    bx, by = device(0.0, 1000.0)
    m = ((ax - ox) / 1000, (bx - ox) / 1000, (ay - oy) / 1000, (by - oy) / 1000)

    def mapped(x: float, y: float) -> tuple[float, float]:
        return ox + m[0] * x + m[1] * y, oy + m[2] * x + m[3] * y

    return mapped


def _chars(textpage: pdfium.PdfTextPage, mapped) -> list[Char]:
    """Every character pdfium finds, with its loose box mapped to top-left points; pdfium's
    own spaces and line breaks are not kept as characters but mark a space before the next.

    The text comes in one call, and a font size and direction are asked for only when the
    text object changes: a page of 10,000 characters costs a third of what a call per
    question did.
    """
    handle = textpage.raw
    count = pdfium_c.FPDFText_CountChars(handle)
    text = textpage.get_text_range()
    if len(text) != count:  # characters beyond the BMP came as two UTF-16 units: one by one
        text = "".join(_code_text(pdfium_c.FPDFText_GetUnicode(handle, i)) for i in range(count))
    out: list[Char] = []
    rect, matrix = pdfium_c.FS_RECTF(), pdfium_c.FS_MATRIX()
    origin_x, origin_y = ctypes.c_double(), ctypes.c_double()
    space = False
    size, direction, owner = 0.0, "ltr", None
    for i, ch in enumerate(text):
        if ch.isspace():
            space = True
            continue
        if ch == "\x00" or pdfium_c.FPDFText_HasUnicodeMapError(handle, i) == 1:
            ch = "\ufffd"  # a glyph pdfium could not map, as a layer without a map shows it
        elif ch == "\ufffe":
            ch = "-"  # pdfium's mark for a hyphen that ends a line
        if not pdfium_c.FPDFText_GetLooseCharBox(handle, i, rect):
            continue
        pdfium_c.FPDFText_GetCharOrigin(handle, i, origin_x, origin_y)
        ox, oy = origin_x.value, origin_y.value
        obj = ctypes.cast(pdfium_c.FPDFText_GetTextObject(handle, i), ctypes.c_void_p).value
        if obj != owner or owner is None:
            owner = obj
            size, direction = float(pdfium_c.FPDFText_GetFontSize(handle, i)), "ltr"
            if pdfium_c.FPDFText_GetMatrix(handle, i, matrix):
                size *= math.hypot(matrix.c, matrix.d)  # the font size times the text's own scale
                direction = _direction(mapped, ox, oy, matrix.a, matrix.b)
        xa, ya = mapped(rect.left, rect.top)
        xb, yb = mapped(rect.right, rect.bottom)
        x0, x1, top, bottom = min(xa, xb), max(xa, xb), min(ya, yb), max(ya, yb)
        if direction in ("ltr", "rtl") and size > 0:
            # pdfium's loose box spans the font's ascent and descent; pdfminer's (and so
            # every other line's box here) is one font size tall, from the descent up.
            top = max(top, bottom - size)
        last = out[-1] if out else None
        if last is not None and not space and (last.x0, last.x1, last.top, last.bottom) == (x0, x1, top, bottom):
            last.text += ch  # a ligature's letters share its glyph's box: one character, as pdfminer has it
            continue
        out.append(Char(ch, x0, top, x1, bottom, size, space, mapped(ox, oy), direction))
        space = False
    return out


def _direction(mapped, ox: float, oy: float, a: float, b: float) -> str:
    """Which way text advances on the page as shown, from its matrix's x axis (a, b)."""
    (x0, y0), (x1, y1) = mapped(ox, oy), mapped(ox + a, oy + b)
    dx, dy = x1 - x0, y1 - y0
    if abs(dx) >= abs(dy):
        return "ltr" if dx >= 0 else "rtl"
    return "ttb" if dy > 0 else "btt"


def _code_text(code: int) -> str:
    try:
        return chr(code)
    except ValueError:
        return "\ufffd"


# How each direction is read: (start, end) of a character along its line, and the
# coordinate across lines that orders them (a horizontal line's baseline; a line running
# down the page is read right to left, as a page turned a quarter clockwise).
_READING = {
    "ltr": (lambda c: (c.x0, c.x1), lambda c: c.origin[1]),
    "rtl": (lambda c: (-c.x1, -c.x0), lambda c: c.origin[1]),
    "ttb": (lambda c: (c.top, c.bottom), lambda c: -c.origin[0]),
    "btt": (lambda c: (-c.bottom, -c.top), lambda c: c.origin[0]),
}


def baseline_rows(chars: list[Char], direction: str = "ltr") -> list[list[Char]]:
    """The characters that run in `direction`, grouped into rows by their baselines (each
    within Y_TOLERANCE of the row's previous one), rows in reading order across the page and
    each row's characters in reading order along it."""
    span, across = _READING[direction]
    rows: list[list[Char]] = []
    for char in sorted((c for c in chars if c.direction == direction), key=across):
        if rows and across(char) - across(rows[-1][-1]) <= Y_TOLERANCE:
            rows[-1].append(char)
        else:
            rows.append([char])
    for row in rows:
        row.sort(key=lambda c: span(c)[0])
    return rows


def words_of(row: list[Char], direction: str = "ltr") -> list[list[Char]]:
    """A row's characters parted into words: where pdfium has a space, or the gap between two
    characters is wider than X_TOLERANCE_RATIO of the type."""
    span = _READING[direction][0]
    words: list[list[Char]] = []
    previous: Char | None = None
    for char in row:
        if previous is None or char.space_before or span(char)[0] - span(previous)[1] > X_TOLERANCE_RATIO * previous.size:
            words.append([char])
        else:
            words[-1].append(char)
        previous = char
    return words


def lines_of(chars: list[Char]) -> list[Line]:
    """Characters grouped into lines by their baselines (baseline_rows), in reading order
    along their direction, with spaces between words (words_of). The baseline, not the top,
    holds a bullet or a word in larger type on its line. Horizontal lines come first, top to
    bottom; lines of turned text after them."""
    lines = []
    for direction in _READING:
        for row in baseline_rows(chars, direction):
            text = " ".join("".join(c.text for c in word) for word in words_of(row, direction)).strip()
            if text:
                bbox = (min(c.x0 for c in row), min(c.top for c in row), max(c.x1 for c in row), max(c.bottom for c in row))
                lines.append(Line(text, bbox, max(c.size for c in row)))
    return lines


# -- drawing pages within bounds ---------------------------------------------------------------


@dataclass
class _Objects:
    """What a page draws besides text: its pictures (box in top-left points, declared
    pixels), how many vector paths, and their edges as long as `budget` lasts."""

    pictures: list[tuple[tuple[float, float, float, float], int]]
    paths: int = 0
    edges: list[dict] = field(default_factory=list)
    budget: pdfium_paths.Budget = field(default_factory=pdfium_paths.Budget)


def _objects(page: pdfium.PdfPage, mapped, with_edges: bool = True) -> _Objects:
    """The page's pictures and paths (with their edges if `with_edges`), in form XObjects
    too, read from the objects' dictionaries without decoding any picture."""
    found = _Objects([], budget=pdfium_paths.Budget(pdfium_paths.MAX_SEGMENTS if with_edges else -1))
    budget = [_MAX_OBJECTS]
    count = pdfium_c.FPDFPage_CountObjects(page)
    _walk([pdfium_c.FPDFPage_GetObject(page, i) for i in range(min(count, budget[0]))], mapped, found, budget, 0,
          pdfium_paths.IDENTITY)
    return found


def _walk(objects: list, mapped, found: _Objects, budget: list[int], depth: int, matrix: pdfium_paths.Matrix) -> None:
    left, bottom, right, top = ctypes.c_float(), ctypes.c_float(), ctypes.c_float(), ctypes.c_float()
    w, h = ctypes.c_uint(), ctypes.c_uint()
    for obj in objects:
        budget[0] -= 1
        if budget[0] < 0:
            return
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
            found.paths += 1
            if not found.budget.exceeded:
                found.edges += pdfium_paths.path_edges(obj, pdfium_paths.object_matrix(obj, matrix), mapped, found.budget)
        elif kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            pixels = w.value * h.value if pdfium_c.FPDFImageObj_GetImagePixelSize(obj, w, h) else 0
            box = (0.0, 0.0, 0.0, 0.0)
            if pdfium_c.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
                (xa, ya), (xb, yb) = mapped(left.value, top.value), mapped(right.value, bottom.value)
                box = (min(xa, xb), min(ya, yb), max(xa, xb), max(ya, yb))
            found.pictures.append((box, pixels))
        elif kind == pdfium_c.FPDF_PAGEOBJ_FORM and depth < _MAX_DEPTH:
            n = pdfium_c.FPDFFormObj_CountObjects(obj)
            _walk([pdfium_c.FPDFFormObj_GetObject(obj, i) for i in range(max(0, min(n, budget[0])))], mapped, found,
                  budget, depth + 1, pdfium_paths.object_matrix(obj, matrix))


def too_large_to_draw(page: pdfium.PdfPage) -> bool:
    """Whether the page's pictures declare more pixels than any real page holds."""
    width, height = page.get_size()
    return sum(pixels for _, pixels in _objects(page, _to_top_left(page, width, height), with_edges=False).pictures) > MAX_PICTURE_PIXELS


def render(page: pdfium.PdfPage, scale: float, *, grayscale: bool = False,
           max_pixels: int = MAX_RENDER_PIXELS) -> Image.Image | None:
    """The page drawn at `scale` pixels per point, smaller when that would exceed
    `max_pixels`; None when the page cannot be drawn safely (its pictures declare too many
    pixels) or its size is no size at all."""
    width, height = page.get_size()
    if not (width > 0 and height > 0) or too_large_to_draw(page):
        return None
    pixels = width * scale * height * scale
    if pixels > max_pixels:
        scale *= (max_pixels / pixels) ** 0.5
    if width * scale < 1 or height * scale < 1:
        return None
    return page.render(scale=scale, grayscale=grayscale).to_pil()
