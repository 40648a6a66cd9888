"""How a generated page reached the archive: a scanner, a worn photocopier, a phone camera.

Each function takes a clean rendering of the page and a seeded random generator and returns
what the archive holds: a greyscale or colour scan slightly turned, a photocopy of a copy
(soft, speckled, toner dropouts, a shadow along the margin, heavy JPEG), or a photo of the
printed page lying on a desk (perspective, uneven light, a colour cast). The text drawn is
unchanged, so the drawing's gold holds for the capture.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageDraw, ImageFilter


def render(pdf_path: Path, dpi: float, colour: bool) -> list[Image.Image]:
    """Every page of a PDF as an image at `dpi`."""
    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        pages = [pdf[i].render(scale=dpi / 72, grayscale=not colour).to_pil() for i in range(len(pdf))]
    finally:
        pdf.close()
    return [p.convert("RGB" if colour else "L") for p in pages]


def _jpeg(image: Image.Image, quality: int) -> Image.Image:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality)
    buffer.seek(0)
    return Image.open(buffer).copy()


def _noise(image: Image.Image, rng: np.random.Generator, sigma: float) -> Image.Image:
    pixels = np.asarray(image, dtype=np.float32)
    pixels = pixels + rng.normal(0.0, sigma, pixels.shape)
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), image.mode)


def _turn(image: Image.Image, angle: float, paper: int | tuple[int, ...]) -> Image.Image:
    return image.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=paper)


def clean_scan(page: Image.Image, rng: np.random.Generator) -> tuple[Image.Image, dict]:
    """A flatbed scan of a clean print: up to ±1.2°, light grain, light JPEG."""
    angle = float(rng.uniform(-1.2, 1.2))
    paper = 248 if page.mode == "L" else (248, 247, 244)
    image = _turn(page, angle, paper)
    if rng.random() < 0.5:
        image = image.filter(ImageFilter.GaussianBlur(float(rng.uniform(0.2, 0.5))))
    image = _noise(image, rng, float(rng.uniform(1.5, 4.0)))
    quality = int(rng.integers(75, 91))
    return _jpeg(image, quality), {"angle": round(angle, 2), "jpeg": quality}


def photocopy(page: Image.Image, rng: np.random.Generator) -> tuple[Image.Image, dict]:
    """A worn photocopy, scanned: greyed paper, faded toner with dropouts, specks, a shadowed
    margin, soft focus, turned up to ±4°, heavy JPEG."""
    grey = page.convert("L")
    pixels = np.asarray(grey, dtype=np.float32)
    paper = float(rng.uniform(205, 235))
    fade = float(rng.uniform(0.7, 0.9))
    pixels = paper - (255.0 - pixels) * fade * (paper / 255.0)
    h, w = pixels.shape
    # toner dropouts: soft pale blotches over the ink
    for _ in range(int(rng.integers(3, 9))):
        cy, cx = rng.uniform(0, h), rng.uniform(0, w)
        ry, rx = rng.uniform(0.02, 0.08) * h, rng.uniform(0.02, 0.1) * w
        yy, xx = np.ogrid[:h, :w]
        blot = np.exp(-(((yy - cy) / ry) ** 2 + ((xx - cx) / rx) ** 2))
        pixels = pixels + blot * (paper - pixels) * float(rng.uniform(0.2, 0.45))
    # a shadow along one or two margins (the edge of a book or a lid left open)
    for side in rng.choice(4, size=int(rng.integers(1, 3)), replace=False):
        depth = int(rng.uniform(0.03, 0.09) * (w if side in (0, 1) else h))
        ramp = np.linspace(float(rng.uniform(70, 150)), 0.0, depth)[:, None]
        if side == 0:
            pixels[:, :depth] -= ramp.T
        elif side == 1:
            pixels[:, -depth:] -= ramp[::-1].T
        elif side == 2:
            pixels[:depth, :] -= ramp
        else:
            pixels[-depth:, :] -= ramp[::-1]
    # specks of toner and dust
    n_specks = int(rng.uniform(0.0004, 0.0015) * h * w / 10)
    ys, xs = rng.integers(0, h, n_specks), rng.integers(0, w, n_specks)
    pixels[ys, xs] = rng.uniform(20, 90, n_specks)
    image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "L")
    image = image.filter(ImageFilter.GaussianBlur(float(rng.uniform(0.6, 1.2))))
    angle = float(rng.uniform(-4.0, 4.0))
    image = _turn(image, angle, int(paper))
    image = _noise(image, rng, float(rng.uniform(4.0, 8.0)))
    quality = int(rng.integers(40, 71))
    return _jpeg(image, quality), {"angle": round(angle, 2), "jpeg": quality, "paper": round(paper)}


def _perspective_coefficients(src: list[tuple[float, float]], dst: list[tuple[float, float]]) -> list[float]:
    """Coefficients for PIL's PERSPECTIVE transform mapping output points `dst` to input `src`."""
    rows = []
    for (x, y), (u, v) in zip(dst, src):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
    a = np.array(rows, dtype=np.float64)
    b = np.array([c for p in src for c in p], dtype=np.float64)
    return list(np.linalg.solve(a, b))


def phone_photo(page: Image.Image, rng: np.random.Generator) -> tuple[Image.Image, dict]:
    """A printed page photographed on a desk: the page a quadrilateral on a darker background,
    light falling off across it, a warm cast, soft focus and JPEG."""
    page = page.convert("RGB")
    pw, ph = page.size
    margin = float(rng.uniform(0.08, 0.16))
    w, h = int(pw * (1 + 2 * margin)), int(ph * (1 + 2 * margin))
    desk = np.array([rng.uniform(90, 160), rng.uniform(70, 130), rng.uniform(50, 100)], dtype=np.float32)
    background = np.ones((h, w, 3), dtype=np.float32) * desk
    background += rng.normal(0, 6, (h, w, 3))
    # Where the page's corners land in the photo: the page's frame, each corner pushed about.
    x0, y0 = margin * pw, margin * ph
    corners = [(x0, y0), (x0 + pw, y0), (x0 + pw, y0 + ph), (x0, y0 + ph)]
    spread = float(rng.uniform(0.02, 0.07))
    moved = [(x + rng.uniform(-spread, spread) * pw, y + rng.uniform(-spread, spread) * ph) for x, y in corners]
    coefficients = _perspective_coefficients([(0, 0), (pw, 0), (pw, ph), (0, ph)], moved)
    warped = page.transform((w, h), Image.Transform.PERSPECTIVE, coefficients, Image.Resampling.BICUBIC,
                            fillcolor=(0, 0, 0))
    mask = Image.new("L", (w, h), 0)
    ImageDraw.Draw(mask).polygon(moved, fill=255)
    photo = Image.composite(warped, Image.fromarray(np.clip(background, 0, 255).astype(np.uint8), "RGB"), mask)
    # Uneven light: a ramp in a random direction and a soft vignette.
    pixels = np.asarray(photo, dtype=np.float32)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    theta = float(rng.uniform(0, 2 * np.pi))
    ramp = (np.cos(theta) * (xx / w - 0.5) + np.sin(theta) * (yy / h - 0.5)) + 0.5
    low = float(rng.uniform(0.55, 0.8))
    light = low + (1 - low) * np.clip(ramp, 0, 1)
    light *= 1 - 0.25 * (((xx / w - 0.5) ** 2 + (yy / h - 0.5) ** 2) * 2)
    cast = np.array([1.0, float(rng.uniform(0.93, 0.98)), float(rng.uniform(0.82, 0.92))], dtype=np.float32)
    pixels = pixels * light[..., None] * cast
    image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "RGB")
    image = image.filter(ImageFilter.GaussianBlur(float(rng.uniform(0.5, 1.1))))
    image = _noise(image, rng, float(rng.uniform(2.0, 5.0)))
    quality = int(rng.integers(60, 81))
    return _jpeg(image, quality), {"spread": round(spread, 3), "light": round(low, 2), "jpeg": quality}


def image_pdf(images: list[Image.Image], out: Path, dpi: float, title: str) -> None:
    """An image-only PDF (no text layer), a page per image, as a scanner writes it."""
    images[0].save(out, "PDF", save_all=True, append_images=images[1:], resolution=dpi, quality=85, title=title,
                   author="", creator="Skanner", producer="")


def replace_with_scan(pdf_path: Path, page_index: int, scan: Image.Image, dpi: float, out: Path) -> None:
    """`pdf_path` with one page swapped for an image-only scan of itself (a PDF assembled from
    a printout and a scanned sheet: the other pages keep their text layer)."""
    scanned = out.with_suffix(".scan.pdf")
    image_pdf([scan], scanned, dpi, "")
    source, sheet = pdfium.PdfDocument(str(pdf_path)), pdfium.PdfDocument(str(scanned))
    merged = pdfium.PdfDocument.new()
    try:
        n = len(source)
        if page_index > 0:
            merged.import_pages(source, list(range(page_index)))
        merged.import_pages(sheet, [0])
        if page_index + 1 < n:
            merged.import_pages(source, list(range(page_index + 1, n)))
        merged.save(str(out))
    finally:
        for pdf in (merged, source, sheet):
            pdf.close()
        scanned.unlink(missing_ok=True)
