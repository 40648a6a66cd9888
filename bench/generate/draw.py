"""How a generated document looks: slides and A4 pages drawn on a reportlab canvas.

The drawing keeps track of where every fact lands (which page a sentence's municipality or
count is on, which rows of a table went to which page) so the gold follows the layout
without reading the file back. Table styles imitate the built-in styles of PowerPoint and
LibreOffice: banded (shaded rows parted by thin white gaps), a filled header only, no fill
with thin rules, a full grid, and none at all (columns aligned by white space).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.lib.colors import Color, HexColor, black, white
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from bench.generate.content import NBSP, Sentence, TableSpec

SLIDE = (960.0, 540.0)  # points: PowerPoint's 16:9 slide
A4 = (595.28, 841.89)
TABLE_STYLES = ("banded", "header_fill", "no_fill", "ruled", "unruled")

_FONT_FILES = {
    "DejaVuSans": ("dejavu/DejaVuSans.ttf", "dejavu/DejaVuSans-Bold.ttf"),
    "DejaVuSerif": ("dejavu/DejaVuSerif.ttf", "dejavu/DejaVuSerif-Bold.ttf"),
    "DejaVuSansCondensed": ("dejavu/DejaVuSansCondensed.ttf", "dejavu/DejaVuSansCondensed-Bold.ttf"),
    "Carlito": ("crosextra/Carlito-Regular.ttf", "crosextra/Carlito-Bold.ttf"),
    "Caladea": ("crosextra/Caladea-Regular.ttf", "crosextra/Caladea-Bold.ttf"),
    "LiberationSans": ("liberation2/LiberationSans-Regular.ttf", "liberation2/LiberationSans-Bold.ttf"),
    "LiberationSerif": ("liberation2/LiberationSerif-Regular.ttf", "liberation2/LiberationSerif-Bold.ttf"),
}
_FONT_ROOT = Path("/usr/share/fonts/truetype")
# (header fill, band 1, band 2): PowerPoint's accents with their Medium Style 2 tints.
_ACCENTS = (("#4472C4", "#CFD5EA", "#E9EBF5"), ("#ED7D31", "#F8CBAD", "#FBE5D6"),
            ("#70AD47", "#C5E0B4", "#E2F0D9"), ("#7F7F7F", "#D9D9D9", "#EDEDED"),
            ("#1F4E79", "#BDD7EE", "#DEEBF7"))


def fonts() -> list[str]:
    """The font families drawn with, registered once (regular and bold). The fonts come from
    Debian packages the Makefile installs (fonts-dejavu-core, fonts-crosextra-carlito,
    fonts-crosextra-caladea, fonts-liberation2); a missing one is an error, not a silent
    substitute, so a split is the same documents on every machine."""
    for family, (regular, bold) in _FONT_FILES.items():
        if family in pdfmetrics.getRegisteredFontNames():
            continue
        for name, file in ((family, regular), (family + "-Bold", bold)):
            path = _FONT_ROOT / file
            if not path.exists():
                raise FileNotFoundError(f"font {path} is missing: run `make system`")
            pdfmetrics.registerFont(TTFont(name, str(path)))
    return list(_FONT_FILES)


@dataclass
class Look:
    """The typography and table style of one document."""

    font: str
    body_size: float
    title_size: float
    table_style: str
    accent: tuple[str, str, str]
    cell_size: float
    gap: float = 1.5

    @classmethod
    def draw(cls, rng: random.Random, slide: bool) -> Look:
        body = rng.uniform(17, 24) if slide else rng.uniform(9.5, 12)
        return cls(font=rng.choice(fonts()), body_size=round(body, 1),
                   title_size=round(body * rng.uniform(1.45, 1.9), 1), table_style=rng.choice(TABLE_STYLES),
                   accent=rng.choice(_ACCENTS), cell_size=round(rng.uniform(12, 18) if slide else rng.uniform(8.5, 10.5), 1))


@dataclass
class PageTruth:
    """What one drawn page says: its lines as drawn, and the facts on it."""

    lines: list[str] = field(default_factory=list)
    mentions: list[str] = field(default_factory=list)
    counts: list[tuple[float, str]] = field(default_factory=list)
    title: str | None = None

    @property
    def text(self) -> str:
        return "\n".join(self.lines).replace(NBSP, " ")


@dataclass
class TableTruth:
    rows: list[list[str]]
    pages: list[int]
    kind: str
    style: str


def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Lines of at most `width` points, broken at plain spaces only (a no-break space holds a
    number to its unit)."""
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        trial = f"{current} {word}" if current else word
        if current and pdfmetrics.stringWidth(trial, font, size) > width:
            lines.append(current)
            current = word
        else:
            current = trial
    if current:
        lines.append(current)
    return lines


class Sheet:
    """A canvas that knows its page number, the truth of every page, and the free space left."""

    def __init__(self, path: Path, size: tuple[float, float], look: Look, margin: float, title: str) -> None:
        self.canvas = Canvas(str(path), pagesize=size, invariant=1, pageCompression=1)
        self.canvas.setTitle(title)
        self.canvas.setAuthor("")
        self.canvas.setCreator("saman bench.generate")
        self.size, self.look, self.margin = size, look, margin
        self.pages: list[PageTruth] = [PageTruth()]
        self.tables: list[TableTruth] = []
        self.y = size[1] - margin
        self.footer: str | None = None
        self._size = look.cell_size  # the cell size of the table being drawn

    @property
    def page(self) -> PageTruth:
        return self.pages[-1]

    @property
    def number(self) -> int:
        return len(self.pages)

    def new_page(self) -> None:
        self._draw_footer()
        self.canvas.showPage()
        self.pages.append(PageTruth())
        self.y = self.size[1] - self.margin

    def finish(self) -> list[PageTruth]:
        self._draw_footer()
        self.canvas.showPage()
        self.canvas.save()
        return self.pages

    def _draw_footer(self) -> None:
        if self.footer is None:
            return
        size = max(8.0, self.look.body_size * 0.55)
        self.canvas.setFont(self.look.font, size)
        self.canvas.setFillColor(black)
        self.canvas.drawString(self.margin, self.margin * 0.45, self.footer)
        self.canvas.drawRightString(self.size[0] - self.margin, self.margin * 0.45, str(self.number))
        self.page.lines += [self.footer, str(self.number)]

    def text_line(self, text: str, x: float, size: float, bold: bool = False, right: float | None = None) -> None:
        font = self.look.font + ("-Bold" if bold else "")
        self.canvas.setFont(font, size)
        self.canvas.setFillColor(black)
        self.y -= size * 1.25
        if right is None:
            self.canvas.drawString(x, self.y, text)
        else:
            self.canvas.drawRightString(right, self.y, text)
        self.page.lines.append(text)

    def title(self, text: str, x: float | None = None, width: float | None = None) -> None:
        x = self.margin if x is None else x
        width = width or self.size[0] - 2 * self.margin
        for line in wrap(text, self.look.font + "-Bold", self.look.title_size, width):
            self.text_line(line, x, self.look.title_size, bold=True)
        self.page.title = text
        self.y -= self.look.title_size * 0.5

    def height_of(self, s: Sentence, width: float, bullet: bool = False, gap: float = 0.4) -> float:
        """The height `sentence` would take (a paragraph that does not fit is not started)."""
        size = self.look.body_size
        lines = wrap(s.text, self.look.font, size, width - (size * 1.1 if bullet else 0.0))
        return len(lines) * size * 1.25 + size * gap

    def sentence(self, s: Sentence, x: float, width: float, bullet: bool = False, bottom: float | None = None,
                 gap: float = 0.4) -> None:
        """A sentence wrapped to `width`; each fact goes to the page its line is drawn on."""
        size = self.look.body_size
        indent = size * 1.1 if bullet else 0.0
        lines = wrap(s.text, self.look.font, size, width - indent)
        names, counts = list(zip(s.mentions, s.names)), list(s.counts)
        bottom = self.margin * 1.2 if bottom is None else bottom
        for i, line in enumerate(lines):
            if self.y - size * 1.25 < bottom:
                self.new_page()
            shown = ("• " if bullet and i == 0 else "") + line
            self.canvas.setFont(self.look.font, size)
            self.canvas.setFillColor(black)
            self.y -= size * 1.25
            if bullet and i == 0:
                self.canvas.drawString(x, self.y, "•")
            self.canvas.drawString(x + indent, self.y, line)
            self.page.lines.append(shown)
            words = line.split(" ")
            # A name followed by its comma or full stop (`Stange, 21. juli 2013`) is on the line too.
            bare = [w.strip(".,;:!?()") for w in words]
            while names and names[0][1] in bare:
                self.page.mentions.append(names.pop(0)[0])
            for _ in range(sum(NBSP in w for w in words)):
                if counts:
                    self.page.counts.append(counts.pop(0))
        self.y -= size * gap

    # -- tables ---------------------------------------------------------------------------

    def table(self, spec: TableSpec, x: float, width: float, repeat_header: bool, bottom: float | None = None,
              fit: float | None = None) -> None:
        """Draw `spec` from the current height down, over as many pages as it needs.

        A table too wide for `width` at the look's cell size is set smaller until it fits,
        as PowerPoint's autofit does, so no cell's text runs into its neighbour; with `fit`
        (a slide) it is also set smaller until it ends above that height, on this page."""
        size = self.look.cell_size
        while True:
            widths = _column_widths(spec, self.look.font, size, width, size * 0.45)
            heights = [_row_height(spec, r, widths, self.look.font, size, size * 0.45) for r in range(len(spec.rows))]
            wide = sum(widths) > width + 0.5
            tall = fit is not None and self.y - sum(heights) < fit
            if not (wide or tall) or size <= 6:
                break
            size = round(size * 0.93, 2)
        self._size = size
        bottom = self.margin * 1.2 if bottom is None else bottom
        truth = TableTruth(spec.rows, [self.number], spec.kind, self.look.table_style)
        row = 0
        drawn_here: list[int] = []
        while row < len(spec.rows):
            if drawn_here and self.y - heights[row] < bottom and row >= spec.header_rows:
                self._rule_under(drawn_here, x, widths)
                self.new_page()
                truth.pages.append(self.number)
                drawn_here = []
                if repeat_header:
                    for h in range(spec.header_rows):
                        self._row(spec, h, x, widths, heights)
                        drawn_here.append(h)
            self._row(spec, row, x, widths, heights)
            if row in spec.mentions:
                self.page.mentions.append(spec.mentions[row])
            drawn_here.append(row)
            row += 1
        self._rule_under(drawn_here, x, widths)
        self.tables.append(truth)
        self.y -= size

    def _row(self, spec: TableSpec, r: int, x: float, widths: list[float], heights: list[float]) -> None:
        look, c = self.look, self.canvas
        header = r < spec.header_rows
        top = self.y
        self.y -= heights[r]
        fill = _fill(look, r, spec.header_rows)
        xs = [x + sum(widths[:i]) for i in range(len(widths) + 1)]
        for col, text in enumerate(spec.rows[r]):
            span = _span(spec, r, col)
            if span is None:
                continue  # covered by a merge drawn from its first cell
            r1, c1 = span
            cell_h = sum(heights[r:r1 + 1])
            cell_w = xs[c1 + 1] - xs[col]
            if fill is not None:
                g = look.gap / 2 if look.table_style == "banded" else 0
                c.setFillColor(fill)
                c.rect(xs[col] + g, top - cell_h + g, cell_w - 2 * g, cell_h - 2 * g, stroke=0, fill=1)
            if look.table_style == "ruled":
                c.setStrokeColor(black)
                c.setLineWidth(0.7)
                c.rect(xs[col], top - cell_h, cell_w, cell_h, stroke=1, fill=0)
            if text:
                self._cell_text(spec, col, text, xs[col], cell_w, top, cell_h, header)
        if look.table_style == "no_fill" and header and r == spec.header_rows - 1:
            c.setStrokeColor(HexColor(look.accent[0]))
            c.setLineWidth(1.0)
            c.line(x, self.y, xs[-1], self.y)

    def _cell_text(self, spec: TableSpec, col: int, text: str, x0: float, w: float, top: float, h: float,
                   header: bool) -> None:
        look, c = self.look, self.canvas
        size = self._size
        pad = size * 0.45
        font = look.font + ("-Bold" if header else "")
        lines = wrap(text, font, size, w - 2 * pad) if (col in spec.wrap or header) else [text]
        light = header and look.table_style in ("banded", "header_fill")
        c.setFillColor(white if light else black)
        c.setFont(font, size)
        block = len(lines) * size * 1.2
        y = top - (h - block) / 2 - size * 0.95
        for line in lines:
            if col in spec.numeric and not header:
                c.drawRightString(x0 + w - pad, y, line)
            else:
                c.drawString(x0 + pad, y, line)
            self.page.lines.append(line)
            y -= size * 1.2

    def _rule_under(self, rows: list[int], x: float, widths: list[float]) -> None:
        """The outer line under each part of a `no_fill` table, as Light styles draw it."""
        if self.look.table_style == "no_fill" and rows:
            self.canvas.setStrokeColor(HexColor(self.look.accent[0]))
            self.canvas.setLineWidth(1.0)
            self.canvas.line(x, self.y, x + sum(widths), self.y)


def _span(spec: TableSpec, r: int, col: int) -> tuple[int, int] | None:
    """(last row, last column) of the cell drawn at (r, col); None if a merge covers it."""
    for r0, c0, r1, c1 in spec.merges:
        if (r, col) == (r0, c0):
            return r1, c1
        if r0 <= r <= r1 and c0 <= col <= c1:
            return None
    return r, col


def _fill(look: Look, r: int, header_rows: int) -> Color | None:
    header, band1, band2 = look.accent
    if look.table_style == "banded":
        return HexColor(header) if r < header_rows else HexColor(band1 if (r - header_rows) % 2 == 0 else band2)
    if look.table_style == "header_fill" and r < header_rows:
        return HexColor(header)
    return None


def _column_widths(spec: TableSpec, font: str, size: float, width: float, pad: float) -> list[float]:
    """Each column as wide as its widest cell, a wrapped column taking what is left; scaled to `width`."""
    n = max(len(r) for r in spec.rows)
    natural = []
    for col in range(n):
        if col in spec.wrap:
            natural.append(0.0)
            continue
        # Body cells stand on one line; a header wraps at its spaces (`Andel` over `heltid`).
        body = [row[col] for row in spec.rows[spec.header_rows:] if col < len(row) and row[col]]
        words = [w for row in spec.rows[:spec.header_rows] if col < len(row) for w in row[col].split()]
        widest = max([pdfmetrics.stringWidth(t, font, size) for t in body]
                     + [pdfmetrics.stringWidth(w, font + "-Bold", size) for w in words], default=size)
        natural.append(widest + 2 * pad)
    if spec.wrap:
        rest = max(width - sum(natural), width * 0.25)
        natural = [rest / len(spec.wrap) if col in spec.wrap else w for col, w in enumerate(natural)]
    elif sum(natural) < width * 0.6:
        natural = [w * 0.6 * width / sum(natural) for w in natural]  # a small table is not squeezed
    return natural


def _row_height(spec: TableSpec, r: int, widths: list[float], font: str, size: float, pad: float) -> float:
    lines = 1
    for col, text in enumerate(spec.rows[r]):
        if text and (col in spec.wrap or r < spec.header_rows) and _span(spec, r, col) is not None:
            _, c1 = _span(spec, r, col)  # type: ignore[misc]
            w = sum(widths[col:c1 + 1])
            lines = max(lines, len(wrap(text, font + "-Bold", size, w - 2 * pad)))
    return lines * size * 1.2 + 2 * pad
