"""Character error rate of every scanned corpus file against its born-digital twin.

`python -m bench.cer` reads each file in corpus/scans/ and its twin the way `saman ingest`
does (read_document: for the scan rendering, OCR, table search and æ/ø/å restoration) and
scores, page by page, the scan's text before the restoration (`raw_text`) and after it
(`text`) against the twin's text: every block of the page but slide notes, running heads
and slide numbers included on both sides (a single scanned picture cannot tell its footer
from its text by repetition). Words are compared in sorted order (bench.scans.normalise),
so reading order does not count; every misread, lost or extra letter does. Writes
bench/results/cer.json.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.table import Table

from bench.archive import CORPUS
from bench.report import show_and_save
from bench.scans import cer
from models import Page

RESULTS = Path(__file__).resolve().parent / "results"
# Scans whose twin is not the PDF of the same name: the handout is slide 7 of the KMD deck.
TWIN_PAGES = {"handout_2014_temaverksted.png": ("2014-03-12_kmd_programstatus", [7])}


def twin_of(scan: Path, n_pages: int) -> tuple[str, list[int]]:
    """The twin PDF's stem and the twin page of each scanned page."""
    if scan.name in TWIN_PAGES:
        return TWIN_PAGES[scan.name]
    return scan.stem.removesuffix("_skann"), list(range(1, n_pages + 1))


def score_file(scan: Path) -> dict:
    from extractors.readers.base import read_document
    from extractors.files import sha256_of
    from extractors.recognisers.pipeline import reading_options

    doc = read_document(str(scan), sha256_of(str(scan)), reading_options())
    stem, twin_pages = twin_of(scan, len(doc.pages))
    twin_path = CORPUS / f"{stem}.pdf"
    twin = read_document(str(twin_path), sha256_of(str(twin_path)))
    refs = [all_text(twin.pages[n - 1], raw=False) for n in twin_pages]
    return {
        "file": scan.name,
        "twin": f"{stem}.pdf",
        "pages": len(doc.pages),
        "ocr_pages": len(doc.ocr_pages),
        "before": cer([(all_text(page, raw=True), ref) for page, ref in zip(doc.pages, refs)]),
        "after": cer([(all_text(page, raw=False), ref) for page, ref in zip(doc.pages, refs)]),
    }


def all_text(page: Page, *, raw: bool) -> str:
    """Every block of a page but slide notes: its running heads and numbers too (a scan cannot
    tell its footer from its text by repetition)."""
    return "\n".join((b.raw_text if raw and b.raw_text is not None else b.text)
                     for b in page.blocks if b.role != "notes" and b.text)


def main() -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, default=RESULTS / "cer.json")
    args = parser.parse_args()
    rows = [score_file(scan) for scan in sorted((CORPUS / "scans").iterdir()) if scan.suffix in {".pdf", ".png"}]
    table = Table(title="OCR character error rate against the born-digital twin (words in sorted order)")
    for column in ("scanned file", "twin", "pages", "CER before æøå", "CER after"):
        table.add_column(column)
    for row in rows:
        table.add_row(row["file"], row["twin"], str(row["pages"]), f"{row['before']:.2f} %", f"{row['after']:.2f} %")
    show_and_save(table, rows, args.json)
    return rows


if __name__ == "__main__":
    main()
