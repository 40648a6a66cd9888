"""What every page of the searched documents says, from the documents' own definitions.

The judged query set (bench/queries/judge.py) selects each query's relevant pages from this
text, never from what saman read: a page is relevant because of what was put on it.

- **corpus/**: corpus/build.py writes the three decks and the picture deck with python-pptx
  and the report with reportlab; every other corpus file is a copy of one of them (the PDF
  twin, the scan, the `.ppt`: slide for slide, page for page). A slide says what its shapes,
  tables and chart labels say (python-pptx reads them back from the committed deck; notes are
  not on the slide, and saman does not search them either); a report page says what
  reportlab set on it (read back with pdfplumber from the born-digital report). The picture
  deck's second slide shows a screenshot of the Asker deck's sixth slide, the handout is a
  scan of the status deck's slide "Temaverkstedene" (build_picture_deck, build_handout).
- **generated documents**: the first 60 of the train split (never the test split's), made
  in bench/generated/search/train; bench/generate writes each page's drawn lines into its
  gold (`page` records, `text`), from the same data it drew.

Nothing here imports saman's readers: the text is the definition, not a reading.
"""

from __future__ import annotations

import json
from pathlib import Path

import pdfplumber
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from bench.generalise import generator_stamp
from bench.generate.build import build_split

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "corpus"
GENERATED = REPO / "bench" / "generated" / "search"
N_GENERATED = 60  # the first train documents; the test split's are never searched here

Page = tuple[str, int]  # (file_name, page) as saman's KB names a page

ASKER = "2012-08-28_asker_nettverkssamling"
KMD = "2014-03-12_kmd_programstatus"
PULJE2 = "2013-05-22_pulje2_samling_nynorsk"
REPORT = "2015-06-30_sluttrapport_tiltak"
PICTURE_DECK = "2014-09-04_temaverksted_sykefravaer_bilde"
HANDOUT = "handout_2014_temaverksted.png"
# corpus/build.py: the picture deck's slide 2 shows the Asker deck's slide 6 (the profile
# table); the handout is the status deck's slide titled "Temaverkstedene".
SCREENSHOT_OF = (ASKER, 6)
HANDOUT_OF = (KMD, "Temaverkstedene")


def flat(text: str) -> str:
    """White space collapsed: a line break inside a sentence is a space."""
    return " ".join(text.split())


def _shape_texts(shapes) -> list[str]:
    out: list[str] = []
    for shape in shapes:
        if shape.shape_type == MSO_SHAPE_TYPE.GROUP:
            out += _shape_texts(shape.shapes)
            continue
        if shape.has_text_frame:
            out.append(shape.text_frame.text)
        if getattr(shape, "has_table", False):
            out += [cell.text for row in shape.table.rows for cell in row.cells]
        if getattr(shape, "has_chart", False):
            plot = shape.chart.plots[0]
            out += list(plot.categories)
            for series in plot.series:
                out.append(series.name)
                out += [f"{v:g}" for v in series.values]
    return out


def slide_texts(path: Path) -> list[str]:
    """The text on each slide of a deck (titles, bodies, boxes, tables, chart labels, footer)."""
    return [flat("\n".join(_shape_texts(slide.shapes))) for slide in Presentation(path).slides]


def report_texts(path: Path) -> list[str]:
    with pdfplumber.open(path) as pdf:
        return [flat(page.extract_text() or "") for page in pdf.pages]


def corpus_pages() -> dict[Page, str]:
    """Every page of every corpus file, with the text its definition puts there."""
    decks = {base: slide_texts(CORPUS / f"{base}.pptx") for base in (ASKER, KMD, PULJE2, PICTURE_DECK)}
    report = report_texts(CORPUS / f"{REPORT}.pdf")
    copies: dict[str, list[str]] = {
        f"{ASKER}.pptx": decks[ASKER], f"{ASKER}.pdf": decks[ASKER], f"{ASKER}_skann.pdf": decks[ASKER],
        f"{ASKER}.ppt": decks[ASKER],
        f"{KMD}.pptx": decks[KMD], f"{KMD}.pdf": decks[KMD], f"{KMD}_skann.pdf": decks[KMD],
        f"{PULJE2}.pptx": decks[PULJE2], f"{PULJE2}.pdf": decks[PULJE2], f"{PULJE2}_skann.pdf": decks[PULJE2],
        f"{REPORT}.pdf": report, f"{REPORT}_skann.pdf": report,
    }
    picture = list(decks[PICTURE_DECK])
    base, slide = SCREENSHOT_OF
    picture[1] = flat(f"{picture[1]} {decks[base][slide - 1]}")
    copies[f"{PICTURE_DECK}.pptx"] = picture
    kmd_titles = [s.shapes.title.text for s in Presentation(CORPUS / f"{KMD}.pptx").slides]
    copies[HANDOUT] = [decks[KMD][kmd_titles.index(HANDOUT_OF[1])]]
    pages = {(name, i): text for name, texts in copies.items() for i, text in enumerate(texts, start=1)}
    _check_against_gold(pages)
    return pages


def _check_against_gold(pages: dict[Page, str]) -> None:
    """Every corpus file of the gold, with its number of pages, and no other."""
    want = {}
    for line in (CORPUS / "gold.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if record["type"] == "document":
            want[record["file_name"]] = record["n_pages"]
    have: dict[str, int] = {}
    for name, _ in pages:
        have[name] = have.get(name, 0) + 1
    if have != want:
        raise ValueError(f"corpus pages do not match corpus/gold.jsonl: {sorted(set(have.items()) ^ set(want.items()))}")


def generated_pages(gold: Path) -> dict[Page, str]:
    """Every page of the generated documents whose gold is `gold`, with its drawn text."""
    out = {}
    for line in gold.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if record["type"] == "page":
            out[(record["file_name"], record["page"])] = flat(record["text"])
    return out


def ensure_generated() -> tuple[Path, str]:
    """The first N_GENERATED train documents in GENERATED/train (made again when the
    generator changed), and the generator's stamp."""
    dest = GENERATED / "train"
    stamp = generator_stamp()
    stamp_file = dest / "generator.stamp"
    want = f"{stamp} {N_GENERATED}"
    if not (stamp_file.exists() and stamp_file.read_text() == want and (dest / "gold.jsonl").exists()):
        for old in dest.glob("*"):
            old.unlink()
        build_split("train", dest, N_GENERATED)
        stamp_file.write_text(want)
    return dest, stamp
