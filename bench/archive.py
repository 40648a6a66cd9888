"""A seeded archive of N documents made from corpus/, for the benchmarks.

The real programme archive cannot be shipped, so the benchmarks run on an archive grown from
the sample corpus: decks are corpus decks with slides dropped, copied in from other decks and
reordered, municipality names swapped for others from the gazetteer and table rows shuffled;
text PDFs are slide-shaped twins of such decks and A4 reports drawn with reportlab, plus
re-saved copies of the corpus PDFs; scans are image-only PDFs rendered from corpus pages
(few of them: OCR is slow); then duplicates under other names and about 1% hostile files
(empty, truncated PDF, HTML named .pdf, text named .pptx). The same seed gives byte-identical
files, so runs compare.

This module only writes files into the folder it is given; it must not touch corpus/ or the KB.
"""

from __future__ import annotations

import csv
import io
import json
import random
import re
import shutil
import zipfile
from copy import deepcopy
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
from lxml import etree
from PIL import Image
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE, PP_PLACEHOLDER
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"
KOMMUNER_CSV = REPO / "extractors" / "gazetteer" / "data" / "kommuner.csv"
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")

DEFAULT_SEED = 2015
FIXED_TIME = (2015, 6, 30, 12, 0, 0)
THEMES = ["Sykefravær", "Heltid/deltid", "Kompetanse og rekruttering", "Omdømme", "Innovasjon"]
FOOTERS = ["Kommunal- og regionaldepartementet", "Kommunal- og moderniseringsdepartementet", "KS"]
SLIDE_SIZE = (960.0, 540.0)  # points: a 16:9 slide as LibreOffice exports it
HOSTILE_KINDS = ("empty", "truncated_pdf", "html_as_pdf", "text_as_pptx")

_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_MERGE_ATTRS = ("gridSpan", "rowSpan", "hMerge", "vMerge")


@dataclass
class ArchiveFile:
    """One file of the archive: what it is, how many pages it should have, where it came from."""

    path: str
    kind: str  # deck, pdf_twin, pdf_report, pdf_copy, scan, duplicate, hostile
    pages: int | None = None
    source: str | None = None
    source_pages: list[int] = field(default_factory=list)


@dataclass
class Archive:
    root: Path
    seed: int
    files: list[ArchiveFile]

    def of_kind(self, *kinds: str) -> list[ArchiveFile]:
        return [f for f in self.files if f.kind in kinds]

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for f in self.files:
            out[f.kind] = out.get(f.kind, 0) + 1
        return out

    def write_manifest(self, out: Path) -> None:
        """What each file is and where it came from, beside (not inside) the archive folder."""
        out.write_text(json.dumps([asdict(f) for f in self.files], ensure_ascii=False, indent=1), encoding="utf-8")


@dataclass(frozen=True)
class Mix:
    """How many files of each kind an archive of n documents holds."""

    decks: int
    twins: int
    reports: int
    copies: int
    scans: int
    duplicates: int
    hostile: int

    @classmethod
    def for_size(cls, n: int) -> Mix:
        hostile = max(len(HOSTILE_KINDS), round(n / 100))
        duplicates = max(1, round(n * 0.05))
        scans = max(1, round(n * 0.02))
        rest = max(4, n - hostile - duplicates - scans)
        decks = rest // 2
        twins = rest // 4
        copies = max(1, rest // 20)
        reports = max(1, rest - decks - twins - copies)
        return cls(decks, twins, reports, copies, scans, duplicates, hostile)


# ---------------------------------------------------------------------------- sources


def municipality_names() -> list[str]:
    """Names of municipalities that existed during the programme (2011–2015), from the gazetteer."""
    with open(KOMMUNER_CSV, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    names = {r["name"] for r in rows if r["valid_from"] <= "2015-12-31" and (not r["valid_to"] or r["valid_to"] > "2012-01-01")}
    return sorted(names)


def corpus_decks() -> list[Path]:
    """The corpus decks without pictures: a picture of text goes to OCR, which the scans figure measures."""
    return sorted(p for p in CORPUS.glob("*.pptx")
                  if not any(s.shape_type == MSO_SHAPE_TYPE.PICTURE for slide in Presentation(str(p)).slides for s in slide.shapes))


def corpus_pdfs() -> list[Path]:
    return sorted(CORPUS.glob("*.pdf"))


def _register_fonts() -> tuple[str, str]:
    """DejaVu Sans (Debian fonts-dejavu-core, which `make setup` installs), embedded as a subset
    the way LibreOffice embeds its fonts."""
    if "DejaVuSans" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVuSans", str(FONT_DIR / "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(FONT_DIR / "DejaVuSans-Bold.ttf")))
    return "DejaVuSans", "DejaVuSans-Bold"


@dataclass
class SlideText:
    """What a slide says, for drawing its PDF twin and for report prose."""

    title: str
    bullets: list[tuple[int, str]]
    table: list[list[str]] | None
    footer: str | None


_TITLES = (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE, PP_PLACEHOLDER.VERTICAL_TITLE)
_SKIPPED = (PP_PLACEHOLDER.SLIDE_NUMBER, PP_PLACEHOLDER.DATE)


def slide_texts(prs: Presentation) -> list[SlideText]:
    out = []
    for slide in prs.slides:
        title, bullets, table, footer = "", [], None, None
        for shape in slide.shapes:
            ph = shape.placeholder_format.type if shape.is_placeholder else None
            if shape.has_text_frame:
                if ph in _TITLES:
                    title = shape.text_frame.text.replace("\n", " ").replace("\x0b", " ")
                elif ph == PP_PLACEHOLDER.FOOTER:
                    footer = shape.text_frame.text
                elif ph in _SKIPPED:
                    continue
                else:
                    bullets += [(p.level, p.text.replace("\x0b", " ")) for p in shape.text_frame.paragraphs if p.text.strip()]
            elif shape.has_table and table is None:
                table = [[c.text.replace("\n", " ") for c in row.cells] for row in shape.table.rows]
        out.append(SlideText(title, bullets, table, footer))
    return out


# ---------------------------------------------------------------------------- decks


class DeckMaker:
    """Makes varied decks from the corpus decks, all by one seeded random generator."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.names = municipality_names()
        self._name_re = re.compile(r"(?<![\w-])(" + "|".join(re.escape(n) for n in sorted(self.names, key=len, reverse=True)) + r")(?![\w-])")
        self.templates = corpus_decks()
        self._sources = {p: Presentation(str(p)) for p in self.templates}
        # slides that hold only text and tables (no pictures, charts or links) can be copied anywhere
        self.pool = [(p, i) for p, prs in self._sources.items() for i, s in enumerate(prs.slides) if i > 0 and _copyable(s)]
        self.phrases = sorted({t for prs in self._sources.values() for st in slide_texts(prs)
                               for _lvl, t in st.bullets if 12 <= len(t) <= 70})

    def make(self, out: Path, n_slides: int) -> Presentation:
        """Write a deck of about n_slides slides to out and return it (for its PDF twin)."""
        rng = self.rng
        prs = Presentation(str(rng.choice(self.templates)))
        layouts = {layout.name: layout for layout in prs.slide_layouts}
        n_template = len(prs.slides)
        for _ in range(max(0, n_slides - n_template + 2)):
            src_path, index = rng.choice(self.pool)
            _copy_slide(prs, self._sources[src_path].slides[index], layouts)
        # drops come after copies: python-pptx names a new slide part by the slide count
        keep = [0] + sorted(rng.sample(range(1, len(prs.slides)), min(len(prs.slides) - 1, max(1, n_slides - 1))))
        ids = list(prs.slides._sldIdLst)
        for i, sld_id in enumerate(ids):
            if i not in keep:
                prs.part.drop_rel(sld_id.rId)
                prs.slides._sldIdLst.remove(sld_id)
        rest = list(prs.slides._sldIdLst)[1:]
        rng.shuffle(rest)
        for sld_id in rest:
            prs.slides._sldIdLst.remove(sld_id)
            prs.slides._sldIdLst.append(sld_id)
        renames: dict[str, str] = {}
        for slide in prs.slides:
            self._rename_municipalities(slide._element, renames)
            self._shuffle_tables(slide._element)
            if rng.random() < 0.2:
                slide.notes_slide.notes_text_frame.text = " ".join(rng.sample(self.phrases, 2))
        prs.core_properties.modified = datetime(*FIXED_TIME)
        prs.core_properties.created = datetime(rng.randint(2011, 2015), rng.randint(1, 12), rng.randint(1, 28), 9, 0)
        prs.save(str(out))
        freeze_zip(out)
        return prs

    def _rename_municipalities(self, element: etree._Element, renames: dict[str, str]) -> None:
        def swap(m: re.Match[str]) -> str:
            return renames.setdefault(m.group(1), self.rng.choice(self.names))

        for t in element.iter(f"{{{_A}}}t"):
            if t.text:
                t.text = self._name_re.sub(swap, t.text)

    def _shuffle_tables(self, element: etree._Element) -> None:
        for tbl in element.iter(f"{{{_A}}}tbl"):
            rows = tbl.findall(f"{{{_A}}}tr")
            merged = any(tc.get(a) for tr in rows for tc in tr.iter(f"{{{_A}}}tc") for a in _MERGE_ATTRS)
            if merged or len(rows) < 3:
                continue
            body = rows[1:]
            self.rng.shuffle(body)
            for tr in body:
                tbl.remove(tr)
                tbl.append(tr)


def _copyable(slide) -> bool:
    tree = slide.shapes._spTree
    return not any(k.startswith(f"{{{_R}}}") for el in tree.iter() for k in el.attrib)


def _copy_slide(prs: Presentation, source, layouts: dict) -> None:
    layout = layouts.get(source.slide_layout.name) or prs.slide_layouts[-1]
    slide = prs.slides.add_slide(layout)
    for ph in list(slide.placeholders):
        ph._element.getparent().remove(ph._element)
    for shape in source.shapes:
        slide.shapes._spTree.insert_element_before(deepcopy(shape._element), "p:extLst")
    if source.has_notes_slide and source.notes_slide.notes_text_frame.text:
        slide.notes_slide.notes_text_frame.text = source.notes_slide.notes_text_frame.text


def freeze_zip(path: Path) -> None:
    """Rewrite a zip with fixed timestamps so the same seed gives the same bytes."""
    with zipfile.ZipFile(path) as zf:
        members = [(info, zf.read(info)) for info in zf.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, data in members:
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(fixed, data)


# ---------------------------------------------------------------------------- text PDFs


def draw_twin(slides: list[SlideText], out: Path) -> int:
    """A slide-shaped PDF of a deck, as LibreOffice would export it: one page per slide."""
    regular, bold = _register_fonts()
    w, h = SLIDE_SIZE
    c = rl_canvas.Canvas(str(out), pagesize=SLIDE_SIZE, invariant=1)
    for number, st in enumerate(slides, 1):
        y = h - 60
        for line in simpleSplit(st.title or " ", bold, 30, w - 120)[:2]:
            c.setFont(bold, 30)
            c.drawString(60, y, line)
            y -= 38
        y -= 10
        for level, text in st.bullets:
            size = 20 if level == 0 else 16
            x = 70 + 30 * level
            for k, line in enumerate(simpleSplit(text, regular, size, w - x - 80)):
                if y < 70:
                    break
                c.setFont(regular, size)
                if k == 0:
                    c.drawString(x - 18, y, "•" if level == 0 else "–")
                c.drawString(x, y, line)
                y -= size * 1.3
        if st.table and y > 120:
            _draw_table(c, st.table, 60, y - 10, w - 120, 70, regular, bold)
        c.setFont(regular, 10)
        if st.footer:
            c.drawString(60, 24, st.footer)
        c.drawRightString(w - 40, 24, str(number))
        c.showPage()
    c.save()
    return len(slides)


def _draw_table(c: rl_canvas.Canvas, rows: list[list[str]], x: float, top: float, width: float,
                bottom: float, regular: str, bold: str) -> None:
    n_cols = max(len(r) for r in rows)
    col_w = width / n_cols
    size = 11
    y = top
    for r, row in enumerate(rows):
        cells = [simpleSplit(cell, bold if r == 0 else regular, size, col_w - 8) or [""] for cell in row]
        height = max(len(lines) for lines in cells) * size * 1.25 + 6
        if y - height < bottom:
            break
        for k, lines in enumerate(cells):
            cx = x + k * col_w
            c.rect(cx, y - height, col_w, height)
            c.setFont(bold if r == 0 else regular, size)
            for j, line in enumerate(lines):
                c.drawString(cx + 4, y - 4 - size - j * size * 1.25, line)
        y -= height


def draw_report(rng: random.Random, out: Path, names: list[str], phrases: list[str], n_rows: int) -> int:
    """An A4 report: a title and date line, prose per theme and a ruled table over page breaks."""
    regular, bold = _register_fonts()
    body = ParagraphStyle("body", fontName=regular, fontSize=10.5, leading=14)
    head = ParagraphStyle("head", fontName=bold, fontSize=14, leading=18, spaceBefore=8, spaceAfter=4)
    title = ParagraphStyle("title", fontName=bold, fontSize=20, leading=24, spaceAfter=10)
    year = rng.randint(2012, 2015)
    story = [
        Paragraph(f"Saman om ein betre kommune – {rng.choice(THEMES).lower()} i kommunane", title),
        Paragraph(f"{rng.choice(['Oslo', 'Trondheim', 'Bergen', 'Drammen'])}, {rng.randint(1, 28)}. "
                  f"{rng.choice(['mars', 'juni', 'september', 'desember'])} {year}", body),
        Spacer(1, 8),
    ]
    for theme in rng.sample(THEMES, rng.randint(2, 4)):
        story.append(Paragraph(theme, head))
        for _ in range(rng.randint(1, 3)):
            sentences = [p[0].upper() + p[1:].rstrip(".:?") for p in rng.sample(phrases, rng.randint(3, 6))]
            mentioned = ", ".join(rng.sample(names, 3))
            story.append(Paragraph(". ".join(sentences) + f". Blant kommunane er {mentioned}.", body))
            story.append(Spacer(1, 4))
    rows = [["Kommune", "Tema", "Tiltak", "Start"]]
    rows += [[rng.choice(names), rng.choice(THEMES), rng.choice(phrases), str(rng.randint(2011, year))] for _ in range(n_rows)]
    cells = [[Paragraph(cell, body) for cell in row] for row in rows]
    table = Table(cells, colWidths=[35 * mm, 35 * mm, 75 * mm, 20 * mm], repeatRows=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey)]))
    story += [Paragraph("Tiltak i kommunane", head), table]
    pages = [0]

    def footer(c: rl_canvas.Canvas, _doc: SimpleDocTemplate) -> None:
        pages[0] += 1
        c.setFont(regular, 9)
        c.drawString(20 * mm, 12 * mm, "Saman om ein betre kommune")
        c.drawRightString(A4[0] - 20 * mm, 12 * mm, f"Side {c.getPageNumber()}")

    doc = SimpleDocTemplate(str(out), pagesize=A4, invariant=1, leftMargin=20 * mm, rightMargin=20 * mm,
                            topMargin=20 * mm, bottomMargin=22 * mm, title="", author="Sekretariatet")
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return pages[0]


def draw_long_report(rng: random.Random, out: Path, n_pages: int, names: list[str], phrases: list[str]) -> int:
    """A long A4 PDF drawn page by page (fast for 1,000 pages): text lines, a ruled table every fourth page."""
    regular, bold = _register_fonts()
    w, h = A4
    c = rl_canvas.Canvas(str(out), pagesize=A4, invariant=1)
    for number in range(1, n_pages + 1):
        c.setFont(bold, 14)
        c.drawString(60, h - 70, f"{rng.choice(THEMES)}: {rng.choice(names)}")
        y = h - 100
        if number % 4 == 0:
            rows = [["Kommune", "Tema", "Tiltak"]] + [[rng.choice(names), rng.choice(THEMES), rng.choice(phrases)] for _ in range(12)]
            _draw_table(c, rows, 60, y, w - 120, 80, regular, bold)
        else:
            c.setFont(regular, 10.5)
            for _ in range(40):
                c.drawString(60, y, f"{rng.choice(phrases)} i {rng.choice(names)}.")
                y -= 15
        c.setFont(regular, 9)
        c.drawString(60, 30, "Saman om ein betre kommune – sluttrapport")
        c.drawRightString(w - 60, 30, f"Side {number}")
        c.showPage()
    c.save()
    return n_pages


def copy_with_new_bytes(source: Path, out: Path, tag: str) -> None:
    """A PDF re-saved elsewhere: the same text, other bytes (a comment after %%EOF), so another sha256."""
    out.write_bytes(source.read_bytes() + f"\n% saman-bench {tag}\n".encode())


# ---------------------------------------------------------------------------- scans


def render_page(pdf_path: Path, number: int, dpi: int) -> Image.Image:
    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        page = pdf[number - 1]
        image = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
        page.close()
        return image
    finally:
        pdf.close()


def draw_scan(rng: random.Random, source: Path, pages: list[int], out: Path, dpi: int = 200) -> None:
    """An image-only PDF of some pages: slight rotation, grain and JPEG loss, like an office scanner."""
    noise = np.random.default_rng(rng.randint(0, 2**31))
    images = []
    for number in pages:
        image = render_page(source, number, dpi).rotate(rng.uniform(-1.0, 1.0), fillcolor=255, resample=Image.BICUBIC)
        pixels = np.asarray(image, dtype=np.int16) + noise.normal(0, 8, (image.height, image.width)).astype(np.int16)
        image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "L")
        buf = io.BytesIO()
        image.save(buf, "JPEG", quality=55)
        images.append(Image.open(io.BytesIO(buf.getvalue())))
    when = datetime(*FIXED_TIME).timetuple()
    images[0].save(str(out), "PDF", resolution=dpi, save_all=True, append_images=images[1:],
                   creationDate=when, modDate=when, producer="scanner")


# ---------------------------------------------------------------------------- hostile files


def write_hostile(kind: str, out: Path, pdf_source: Path) -> None:
    if kind == "empty":
        out.write_bytes(b"")
    elif kind == "truncated_pdf":
        data = pdf_source.read_bytes()
        out.write_bytes(data[: len(data) // 3])
    elif kind == "html_as_pdf":
        out.write_text("<!DOCTYPE html><html><head><title>Saman</title></head><body><p>Lagret nettside</p></body></html>\n", encoding="utf-8")
    elif kind == "text_as_pptx":
        out.write_text("Notater fra samlinga: husk å sende presentasjonen til sekretariatet.\n", encoding="utf-8")
    else:
        raise ValueError(f"unknown hostile kind {kind!r}")


HOSTILE_NAMES = {"empty": "tom fil.pdf", "truncated_pdf": "avbrote nedlasting.pdf",
                 "html_as_pdf": "nettside lagra som.pdf", "text_as_pptx": "notat frå møtet.pptx"}


# ---------------------------------------------------------------------------- the archive


def slide_count(rng: random.Random) -> int:
    """Slides per deck: mostly 5–25, now and then a long one."""
    return rng.randint(30, 60) if rng.random() < 0.08 else rng.randint(5, 25)


def _safe(name: str) -> str:
    return re.sub(r"[/\\:]", "-", name)


def build_archive(n: int, dest: Path, seed: int = DEFAULT_SEED) -> Archive:
    """Write an archive of about n documents under dest/archive and return what it holds."""
    rng = random.Random(seed)
    root = dest / "archive"
    root.mkdir(parents=True, exist_ok=True)
    mix = Mix.for_size(n)
    decks = DeckMaker(rng)
    names = decks.names
    files: list[ArchiveFile] = []
    used: set[str] = set()

    def place(folder: str, stem: str, suffix: str) -> Path:
        name, k = f"{_safe(stem)}{suffix}", 1
        while f"{folder}/{name}" in used:
            k += 1
            name = f"{_safe(stem)} ({k}){suffix}"
        used.add(f"{folder}/{name}")
        (root / folder).mkdir(parents=True, exist_ok=True)
        return root / folder / name

    def dated(kommune: str, genre: str) -> tuple[str, str]:
        year = rng.randint(2011, 2015)
        return str(year), f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} {kommune} {genre}"

    twin_sources: list[tuple[Path, list[SlideText]]] = []
    for i in range(mix.decks):
        year, stem = dated(rng.choice(names), rng.choice(["nettverkssamling", "samling", "presentasjon", "temaverksted", "status"]))
        out = place(f"{year}/presentasjonar", stem, ".pptx")
        prs = decks.make(out, slide_count(rng))
        files.append(ArchiveFile(str(out), "deck", len(prs.slides)))
        if i < mix.twins:
            twin_sources.append((out, slide_texts(prs)))
    for deck_path, texts in twin_sources:
        out = place(str(Path(deck_path).parent.relative_to(root)).replace("presentasjonar", "pdf"), deck_path.stem, ".pdf")
        files.append(ArchiveFile(str(out), "pdf_twin", draw_twin(texts, out), str(deck_path)))
    for _ in range(mix.reports):
        year, stem = dated(rng.choice(names), rng.choice(["rapport", "sluttrapport", "årsrapport", "oppsummering"]))
        out = place(f"{year}/rapportar", stem, ".pdf")
        files.append(ArchiveFile(str(out), "pdf_report", draw_report(rng, out, names, decks.phrases, rng.randint(8, 90))))
    sources = corpus_pdfs()
    for i in range(mix.copies):
        source = rng.choice(sources)
        out = place("diverse", f"{source.stem} kopi {i + 1}", ".pdf")
        copy_with_new_bytes(source, out, f"copy {i + 1}")
        files.append(ArchiveFile(str(out), "pdf_copy", _pdf_pages(source), str(source)))
    for i in range(mix.scans):
        source = rng.choice(sources)
        total = _pdf_pages(source)
        first = rng.randint(1, total)
        pages = list(range(first, min(total, first + rng.randint(0, 2)) + 1))
        out = place("skannet", f"skann {i + 1:03d} {source.stem}", ".pdf")
        draw_scan(rng, source, pages, out)
        files.append(ArchiveFile(str(out), "scan", len(pages), str(source), pages))
    originals = [f for f in files if f.kind != "scan"]
    for i in range(mix.duplicates):
        original = rng.choice(originals)
        suffix = Path(original.path).suffix
        out = place("kopiar", f"Kopi av {Path(original.path).stem}" if i % 2 else f"{i + 1:03d} {rng.choice(names)}", suffix)
        shutil.copyfile(original.path, out)
        files.append(ArchiveFile(str(out), "duplicate", original.pages, original.path))
    report = next(f for f in files if f.kind == "pdf_report")
    for i in range(mix.hostile):
        kind = HOSTILE_KINDS[i % len(HOSTILE_KINDS)]
        base = HOSTILE_NAMES[kind]
        out = place("innboks", f"{Path(base).stem}{'' if i < len(HOSTILE_KINDS) else f' {i}'}", Path(base).suffix)
        write_hostile(kind, out, Path(report.path))
        files.append(ArchiveFile(str(out), "hostile", None, kind))
    archive = Archive(root, seed, files)
    archive.write_manifest(dest / "manifest.json")
    return archive


def _pdf_pages(path: Path) -> int:
    pdf = pdfium.PdfDocument(str(path))
    try:
        return len(pdf)
    finally:
        pdf.close()


def make_long_deck(dest: Path, n_slides: int, seed: int = DEFAULT_SEED) -> Path:
    """One deck of n_slides slides (for the memory figure)."""
    out = dest / f"lang presentasjon {n_slides} lysark.pptx"
    DeckMaker(random.Random(seed)).make(out, n_slides)
    return out


def make_long_pdf(dest: Path, n_pages: int, seed: int = DEFAULT_SEED) -> Path:
    """One A4 PDF of n_pages pages (for the memory figure)."""
    rng = random.Random(seed)
    maker = DeckMaker(rng)
    out = dest / f"lang rapport {n_pages} sider.pdf"
    draw_long_report(rng, out, n_pages, maker.names, maker.phrases)
    return out


__all__ = ["Archive", "ArchiveFile", "Mix", "build_archive", "make_long_deck", "make_long_pdf", "render_page", "slide_texts"]
