"""Generated documents per capture condition, and the two splits with their gold.

A document is made from one seed: the seed picks its condition, its facts (content.py), its
look (draw.py) and its capture (capture.py), so the same seed gives the same file and gold on
every machine. The **train** split is for looking at and tuning rules; the **test** split's
seeds are kept apart and only scored (`python -m bench.generalise --split test`): a rule is
not changed because of what a test document shows. The conditions:

    clean_scan    a deck printed and scanned clean (image-only PDF)
    photocopy     a deck or a handout photocopied, worn, scanned (image-only PDF or TIFF)
    photo         a printed handout photographed on a desk with a phone (JPEG)
    born_unruled  a report whose long table has no rules, over a page break (text PDF)
    two_column    a report in two text columns with a table (text PDF)
    mixed_pdf     a report whose table page is a scan and whose other pages have text (PDF)
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from bench.generate import capture
from bench.generate.content import PROGRAMME, Content, Sentence, document_content
from bench.generate.draw import A4, SLIDE, Look, PageTruth, Sheet, TableTruth

CONDITIONS = ("clean_scan", "photocopy", "photo", "born_unruled", "two_column", "mixed_pdf")
SCANNED = frozenset({"clean_scan", "photocopy", "photo", "mixed_pdf"})
# Train seeds are for tuning; test seeds are only ever scored. 40 test documents a condition.
SPLITS: dict[str, range] = {"train": range(1, 121), "test": range(900_001, 900_241)}


@dataclass
class Generated:
    """One generated file and its gold."""

    seed: int
    split: str
    condition: str
    file_name: str
    language: str
    date: str
    pages: list[PageTruth]
    tables: list[TableTruth]
    capture: dict = field(default_factory=dict)

    def gold(self) -> list[dict]:
        """Gold records in the export's shape (the fields the scoring compares)."""
        base = {"file_name": self.file_name}
        out: list[dict] = [{**base, "type": "document", "page": None, "condition": self.condition,
                            "n_pages": len(self.pages), "language": self.language, "date": self.date,
                            "seed": self.seed, "capture": self.capture}]
        for number, page in enumerate(self.pages, start=1):
            out.append({**base, "type": "page", "page": number, "text": page.text, "title": page.title})
            out += [{**base, "type": "municipality", "page": number, "kommunenummer": k} for k in page.mentions]
            out += [{**base, "type": "count", "page": number, "value": v, "unit": u} for v, u in page.counts]
        for table in self.tables:
            out.append({**base, "type": "table", "page": table.pages[0], "pages": table.pages, "rows": table.rows,
                        "kind": table.kind, "style": table.style})
        return out


def condition_of(seed: int) -> str:
    return CONDITIONS[seed % len(CONDITIONS)]


def _merge(sentences: list[Sentence]) -> Sentence:
    """Sentences run together into one paragraph, their facts in order."""
    return Sentence(" ".join(s.text for s in sentences), [m for s in sentences for m in s.mentions],
                    [n for s in sentences for n in s.names], [c for s in sentences for c in s.counts])


def _paragraphs(rng: random.Random, sentences: list[Sentence]) -> list[Sentence]:
    out, i = [], 0
    while i < len(sentences):
        k = rng.randint(1, 3)
        out.append(_merge(sentences[i:i + k]))
        i += k
    return out


def _date_sentence(content: Content) -> Sentence:
    return Sentence(content.date_line, [content.place.number], [content.place.name.split(" ")[0]])


# -- layouts ------------------------------------------------------------------------------


def draw_deck(rng: random.Random, content: Content, path: Path) -> Sheet:
    """A title slide, a slide of bullets, a table slide (the table alone or beside bullets),
    sometimes one more slide of bullets."""
    look = Look.draw(rng, slide=True)
    sheet = Sheet(path, SLIDE, look, margin=48, title=content.title)
    width = SLIDE[0] - 2 * sheet.margin
    sheet.y = SLIDE[1] * 0.62
    sheet.title(PROGRAMME)
    sheet.sentence(Sentence(content.subtitle), sheet.margin, width)
    sheet.sentence(_date_sentence(content), sheet.margin, width)
    sheet.footer = content.department
    facts = content.sentences
    per_slide = rng.randint(3, 4)
    sheet.new_page()
    sheet.title(content.title)
    for s in facts[:per_slide]:
        sheet.sentence(s, sheet.margin, width, bullet=True, gap=0.25)
    sheet.new_page()
    sheet.title("Tiltak i kommunane" if content.language == "nn" else "Tiltak i kommunene")
    beside = rng.random() < 0.4 and len(content.table.rows[0]) <= 4
    top = sheet.y
    if beside:
        left_w = width * 0.42
        for s in facts[per_slide:per_slide + 2]:
            sheet.sentence(s, sheet.margin, left_w, bullet=True, gap=0.25)
        sheet.y = top
        sheet.table(content.table, sheet.margin + width * 0.47, width * 0.53, repeat_header=False,
                    fit=sheet.margin * 0.9)
        rest = facts[per_slide + 2:]
    else:
        sheet.table(content.table, sheet.margin, width, repeat_header=False, fit=sheet.margin * 0.9)
        rest = facts[per_slide:]
    if rest:
        sheet.new_page()
        sheet.title("Erfaringar" if content.language == "nn" else "Erfaringer")
        for s in rest[:4]:
            sheet.sentence(s, sheet.margin, width, bullet=True, gap=0.25)
    return sheet


def draw_handout(rng: random.Random, content: Content, path: Path) -> Sheet:
    """One A4 page: a title, the date line, a few lines, a table of a few columns."""
    look = Look.draw(rng, slide=False)
    look.body_size = round(rng.uniform(11, 14), 1)
    look.cell_size = round(rng.uniform(10, 12.5), 1)
    sheet = Sheet(path, A4, look, margin=56, title=content.title)
    width = A4[0] - 2 * sheet.margin
    sheet.title(content.title)
    sheet.sentence(_date_sentence(content), sheet.margin, width)
    for s in content.sentences[:3]:
        sheet.sentence(s, sheet.margin, width)
    sheet.y -= look.body_size
    sheet.table(content.table, sheet.margin, width, repeat_header=False, fit=sheet.margin)
    return sheet


def draw_report(rng: random.Random, content: Content, path: Path, *, columns: int, table_style: str | None,
                table_page_alone: bool = False) -> Sheet:
    """An A4 report: title, date, paragraphs in one or two columns, a table (over a page
    break when long, its header repeated or not), more paragraphs."""
    look = Look.draw(rng, slide=False)
    if table_style:
        look.table_style = table_style
    sheet = Sheet(path, A4, look, margin=62, title=content.title)
    sheet.footer = content.department
    width = A4[0] - 2 * sheet.margin
    sheet.title(f"{content.title} – {content.place.fylke}")
    sheet.sentence(_date_sentence(content), sheet.margin, width, gap=1.0)
    paragraphs = _paragraphs(rng, content.sentences)
    half = max(1, len(paragraphs) // 2)
    _flow(sheet, paragraphs[:half], columns)
    if table_page_alone:
        sheet.new_page()
        sheet.title("Tiltak per kommune")
    sheet.y -= look.body_size * 0.5
    sheet.table(content.table, sheet.margin, width, repeat_header=rng.random() < 0.5)
    if table_page_alone:
        sheet.new_page()
    _flow(sheet, paragraphs[half:], columns)
    return sheet


def _flow(sheet: Sheet, paragraphs: list[Sentence], columns: int) -> None:
    """Paragraphs down one column, or in two columns side by side: the left column is filled
    to the foot of the page, then the right, then the next page the same way."""
    width = A4[0] - 2 * sheet.margin
    if columns == 1:
        for p in paragraphs:
            sheet.sentence(p, sheet.margin, width, gap=0.8)
        return
    gutter = 18.0
    col_w = (width - gutter) / 2
    bottom = sheet.margin * 1.5
    todo = list(paragraphs)
    while todo:
        top, lowest = sheet.y, sheet.y
        # The left column takes about half of what is left (as much as fits), the right the rest.
        half = sum(sheet.height_of(p, col_w, gap=0.8) for p in todo) / 2
        for x, share in ((sheet.margin, half), (sheet.margin + col_w + gutter, float("inf"))):
            sheet.y = top
            while todo and sheet.y - sheet.height_of(todo[0], col_w, gap=0.8) >= bottom and top - sheet.y < share:
                sheet.sentence(todo.pop(0), x, col_w, gap=0.8, bottom=bottom)
            lowest = min(lowest, sheet.y)
        sheet.y = lowest
        if todo:
            sheet.new_page()


# -- one document -------------------------------------------------------------------------


def _content(rng: random.Random, condition: str) -> Content:
    if condition in ("clean_scan", "photocopy"):
        return document_content(rng, n_sentences=9, table_rows=(3, 9), table_cols=(2, 7))
    if condition == "photo":
        return document_content(rng, n_sentences=3, table_rows=(5, 12), table_cols=(3, 4))
    if condition == "born_unruled":
        return document_content(rng, n_sentences=10, table_rows=(30, 60), table_cols=(3, 6),
                                kinds=("measures", "participants"))
    return document_content(rng, n_sentences=12, table_rows=(4, 20), table_cols=(3, 7))


def generate(seed: int, split: str, dest: Path) -> Generated:
    """Make the document of `seed` in `dest`; return it with its gold."""
    rng = random.Random(seed)
    noise = np.random.default_rng(seed)
    condition = condition_of(seed)
    content = _content(rng, condition)
    stem = f"{split}-{seed}-{condition}"
    drawn = dest / f"{stem}.drawn.pdf"
    if condition in ("clean_scan",):
        sheet = draw_deck(rng, content, drawn)
    elif condition == "photocopy":
        sheet = draw_deck(rng, content, drawn) if rng.random() < 0.5 else draw_handout(rng, content, drawn)
    elif condition == "photo":
        sheet = draw_handout(rng, content, drawn)
    elif condition == "born_unruled":
        sheet = draw_report(rng, content, drawn, columns=1, table_style="unruled")
    elif condition == "two_column":
        sheet = draw_report(rng, content, drawn, columns=2, table_style=None)
    else:
        sheet = draw_report(rng, content, drawn, columns=1, table_style=None, table_page_alone=True)
    pages = sheet.finish()
    info: dict = {"font": sheet.look.font, "table_style": sheet.look.table_style}
    if condition in ("born_unruled", "two_column"):
        out = dest / f"{stem}.pdf"
        drawn.rename(out)
    elif condition == "mixed_pdf":
        out = dest / f"{stem}.pdf"
        dpi = int(rng.choice([200, 300]))
        table_page = sheet.tables[0].pages[0] - 1
        scan, how = capture.clean_scan(capture.render(drawn, dpi, colour=False)[table_page], noise)
        capture.replace_with_scan(drawn, table_page, scan, dpi, out)
        info.update(how, dpi=dpi, scanned_page=table_page + 1)
        drawn.unlink()
    elif condition == "photo":
        out = dest / f"{stem}.jpg"
        dpi = int(rng.choice([150, 200]))
        image, how = capture.phone_photo(capture.render(drawn, dpi, colour=True)[0], noise)
        image.save(out, "JPEG", quality=how["jpeg"])
        info.update(how, dpi=dpi)
        drawn.unlink()
    else:
        colour = condition == "clean_scan" and rng.random() < 0.3
        dpi = int(rng.choice([200, 240, 300])) if condition == "clean_scan" else int(rng.choice([150, 200]))
        look = capture.clean_scan if condition == "clean_scan" else capture.photocopy
        scans = []
        for page in capture.render(drawn, dpi, colour):
            image, how = look(page, noise)
            scans.append(image)
        if condition == "photocopy" and rng.random() < 0.3:
            out = dest / f"{stem}.tif"
            scans[0].save(out, "TIFF", save_all=True, append_images=scans[1:], dpi=(dpi, dpi), compression="jpeg")
        else:
            out = dest / f"{stem}.pdf"
            capture.image_pdf(scans, out, dpi, content.title)
        info.update(how, dpi=dpi, colour=colour)
        drawn.unlink()
    return Generated(seed, split, condition, out.name, content.language, content.day.isoformat(), pages,
                     sheet.tables, info)


def build_split(split: str, dest: Path, limit: int | None = None) -> list[Generated]:
    """Every document of a split in `dest`, and `dest/gold.jsonl`."""
    dest.mkdir(parents=True, exist_ok=True)
    seeds = list(SPLITS[split])[:limit]
    made = [generate(seed, split, dest) for seed in seeds]
    with open(dest / "gold.jsonl", "w", encoding="utf-8") as fh:
        for doc in made:
            for record in doc.gold():
                fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    return made

