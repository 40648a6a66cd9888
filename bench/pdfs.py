"""Figure 1: text PDFs, saman end to end against raw pdfplumber, pdftotext and pypdfium2.

The reference is what a script would do with pdfplumber alone: `extract_text` and
`find_tables` on every page, in one process. pdftotext (poppler) and pypdfium2 only pull text,
so they mark the speed limit. saman's run is the flow's work without Prefect: hash, read and
recognise in the two-process pool, load into a KB. The goal is about the archive's PDFs; the
corpus twins (issue 2's figure) are measured the same way.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium

from bench.measure import Figure, Measurement, clock, ratio, saman_end_to_end, shares_text, stage_shares

GOAL = 0.7


def raw_pdfplumber(paths: list[str]) -> Measurement:
    """A file pdfplumber cannot read (encrypted, broken: a folder of outside PDFs holds
    some) costs what it cost before it failed, as in a script that goes on past it."""
    pages = 0
    with clock() as took:
        for path in paths:
            try:
                with pdfplumber.open(path) as pdf:
                    for page in pdf.pages:
                        page.extract_text()
                        page.find_tables()
                        page.close()
                        pages += 1
            except Exception:  # noqa: BLE001 — the reference script goes on past a bad file
                continue
    return Measurement("raw pdfplumber (extract_text + find_tables, 1 process)", took.wall_s, pages, "pages", cpu_s=took.cpu_s)


def pdftotext(paths: list[str], pages: int) -> Measurement:
    with clock() as took:
        for path in paths:
            subprocess.run(["pdftotext", "-q", "-enc", "UTF-8", path, "-"], stdout=subprocess.DEVNULL, check=False)
    return Measurement("pdftotext (poppler CLI, 1 process)", took.wall_s, pages, "pages", cpu_s=took.cpu_s)


def pypdfium2_text(paths: list[str]) -> Measurement:
    pages = 0
    with clock() as took:
        for path in paths:
            try:
                pdf = pdfium.PdfDocument(path)
            except pdfium.PdfiumError:
                continue
            for page in pdf:
                textpage = page.get_textpage()
                textpage.get_text_range()
                textpage.close()
                page.close()
                pages += 1
            pdf.close()
    return Measurement("pypdfium2 text (1 process)", took.wall_s, pages, "pages", cpu_s=took.cpu_s)


def measure_set(label: str, paths: list[str], pool, workdir: Path) -> tuple[list[Measurement], Measurement, Measurement]:
    """All four readers on one set of PDFs: every row, then raw pdfplumber's and saman's."""
    raw = raw_pdfplumber(paths)
    e2e = saman_end_to_end(pool, paths, workdir / f"pdfs-{label.replace(' ', '-')}.db")
    saman = Measurement("saman end to end (extract_file × 2 processes + KB load)", e2e.wall_s, e2e.pages, "pages", cpu_s=e2e.cpu_s)
    rows = [pdftotext(paths, raw.items or 0), pypdfium2_text(paths), raw, saman]
    for m in rows:
        m.what = f"{label}: {m.what}"
    return rows, raw, saman


def figure(sets: dict[str, list[str]], pool, workdir: Path, warm: Measurement) -> Figure:
    """`warm` is the pool's start-up, shown beside the figure but not counted in it."""
    measurements: list[Measurement] = []
    ratios: dict[str, float | None] = {}
    cpu_ratios: dict[str, float | None] = {}
    for label, paths in sets.items():
        rows, raw, saman = measure_set(label, paths, pool, workdir)
        measurements += rows
        ratios[label] = ratio(saman.wall_s, raw.wall_s)
        cpu_ratios[label] = ratio(saman.cpu_s, raw.cpu_s)
    measurements.append(warm)
    main = list(sets)[-1]
    result = ratios[main]
    stages = stage_shares(sets[main])
    note = "; ".join(f"{label}: saman/raw wall {ratios[label]:.2f}, cpu {cpu_ratios[label]:.2f}"
                     for label in sets if ratios[label] is not None and cpu_ratios[label] is not None)
    note += f"; saman's time, one process: {shares_text(stages)}"
    return Figure(1, "text PDFs", measurements, result, f"wall ratio saman / raw pdfplumber ({main})",
                  f"≤ {GOAL}", result is not None and result <= GOAL, note,
                  {"ratios": ratios, "cpu_ratios": cpu_ratios, "stage_seconds": stages,
                   "files": {k: len(v) for k, v in sets.items()}})
