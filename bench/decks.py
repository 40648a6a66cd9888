"""Figure 2: decks, saman's slides per second end to end against a raw python-pptx text walk.

The reference opens each deck with python-pptx and pulls the text of every shape (groups
walked), every table cell and the notes, in one process: the least any reader must do.
saman's run is the flow's work without Prefect (hash, read, recognise in the two-process pool,
load into a KB). The goal is an absolute rate on the archive's decks.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from bench.measure import Figure, Measurement, clock, ratio, saman_end_to_end, shares_text, stage_shares

GOAL_SLIDES_PER_S = 100.0


def _texts(shapes) -> Iterator[str]:
    for shape in shapes:
        if shape.shape_type == MSO_SHAPE_TYPE.GROUP:
            yield from _texts(shape.shapes)
        elif shape.has_text_frame:
            yield shape.text_frame.text
        elif getattr(shape, "has_table", False) and shape.has_table:
            for row in shape.table.rows:
                for cell in row.cells:
                    yield cell.text


def raw_python_pptx(paths: list[str]) -> Measurement:
    slides = 0
    with clock() as took:
        for path in paths:
            for slide in Presentation(path).slides:
                list(_texts(slide.shapes))
                if slide.has_notes_slide:
                    slide.notes_slide.notes_text_frame.text
                slides += 1
    return Measurement("raw python-pptx text walk (1 process)", took.wall_s, slides, "slides", cpu_s=took.cpu_s)


def figure(sets: dict[str, list[str]], pool, workers: int, workdir: Path, warm: Measurement) -> Figure:
    """`warm` is the pool's start-up, shown beside the figure but not counted in it; `workers`
    is the pool's size, for the rate the run's CPU seconds allow on free cores."""
    measurements: list[Measurement] = []
    rates: dict[str, float | None] = {}
    ratios: dict[str, float | None] = {}
    ceilings: dict[str, float | None] = {}
    for label, paths in sets.items():
        raw = raw_python_pptx(paths)
        e2e = saman_end_to_end(pool, paths, workdir / f"decks-{label.replace(' ', '-')}.db")
        saman = Measurement("saman end to end (extract_file × 2 processes + KB load)", e2e.wall_s, e2e.pages, "slides", cpu_s=e2e.cpu_s)
        for m in (raw, saman):
            m.what = f"{label}: {m.what}"
        measurements += [raw, saman]
        rates[label] = saman.rate
        ratios[label] = ratio(e2e.wall_s, raw.wall_s)
        # what the run's CPU seconds allow when every worker has a core of its own
        ceilings[label] = ratio(workers * e2e.pages, e2e.cpu_s)
    measurements.append(warm)
    main = list(sets)[-1]
    result = rates[main]
    stages = stage_shares(sets[main])
    note = "; ".join(f"{label}: saman {rates[label]:.0f} slides/s ({ceilings[label]:.0f} on {workers} free cores), "
                     f"{ratios[label]:.1f}× raw wall"
                     for label in sets if None not in (rates[label], ratios[label], ceilings[label]))
    note += f"; saman's time, one process: {shares_text(stages)}"
    return Figure(2, "decks", measurements, result, f"saman slides/s end to end ({main})",
                  f"≥ {GOAL_SLIDES_PER_S:.0f}", result is not None and result >= GOAL_SLIDES_PER_S, note,
                  {"rates": rates, "cpu_bound_rates": ceilings, "wall_ratios": ratios, "stage_seconds": stages, "files": {k: len(v) for k, v in sets.items()}})
