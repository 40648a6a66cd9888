"""`python -m bench` (`make bench`): every figure of issue 7 against its reference, in one run.

    python -m bench                      # all figures on a 500-document archive (long: tens of minutes)
    python -m bench --quick              # n=60, 4 OCR pages, smaller memory files: a few minutes
    python -m bench --only pdf,decks     # some figure groups: pdf decks scans flow memory search size
    python -m bench --n 5000 --name n5000-big
    python -m bench --only pdf --pdf-dir ../shared/peer-dev/pdfplumber   # figure 1 on PDFs of a folder

Work happens in a temporary folder (removed unless --keep); Prefect keeps its state in a
folder of the bench's own so a run does not share a database with the tests. The tables go
to the terminal, the same figures as JSON to bench/results/<name>.json.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from rich.console import Console

GROUPS = ("pdf", "decks", "scans", "flow", "memory", "search", "size")
QUICK = {"n": 60, "ocr_pages": 4, "memory_pages": 150, "memory_slides": 300}
FULL = {"n": 500, "ocr_pages": 6, "memory_pages": 1000, "memory_slides": 300}


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description="saman benchmarks against the raw tools")
    parser.add_argument("--quick", action="store_true", help="small run: n=60, 4 OCR pages, a 150-page PDF")
    parser.add_argument("--n", type=int, help="documents in the generated archive (default 500; 60 with --quick)")
    parser.add_argument("--only", default=",".join(GROUPS), help=f"comma-separated groups of {', '.join(GROUPS)}")
    parser.add_argument("--seed", type=int, default=None, help="archive seed (default 2015)")
    parser.add_argument("--workers", type=int, default=2, help="worker processes, as `saman ingest --workers`")
    parser.add_argument("--ocr-pages", type=int, help="scanned pages for the OCR figure (default 6; 4 with --quick)")
    parser.add_argument("--memory-pages", type=int, help="pages of the long PDF (default 1000; 150 with --quick)")
    parser.add_argument("--memory-slides", type=int, help="slides of the long deck (default 300)")
    parser.add_argument("--pdf-dir", type=Path, help="figure 1 on the PDFs in this folder (any PDFs: broken and "
                        "encrypted ones count as each reader makes of them) instead of the corpus and the archive")
    parser.add_argument("--name", help="results file name under bench/results/ (default quick or n<N>)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (archive, KBs)")
    args = parser.parse_args(argv)
    defaults = QUICK if args.quick else FULL
    for key, value in defaults.items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    wanted = {g.strip() for g in args.only.split(",") if g.strip()}
    unknown = wanted - set(GROUPS)
    if unknown:
        parser.error(f"unknown group(s) {', '.join(sorted(unknown))}; choose from {', '.join(GROUPS)}")
    if args.pdf_dir is not None and not sorted(args.pdf_dir.glob("*.pdf")):
        parser.error(f"no PDFs in {args.pdf_dir}")
    args.wanted = wanted
    return args


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    os.environ.setdefault("SAMAN_PREFECT_HOME", str(Path(base) / "saman" / "prefect-bench"))

    from bench import decks, flow, kb_size, memory, pdfs, scans, search
    from bench.archive import DEFAULT_SEED, build_archive, corpus_decks, corpus_pdfs
    from bench.measure import Figure, Measurement, saman_pool
    from bench.report import context, print_tables, write_json

    seed = DEFAULT_SEED if args.seed is None else args.seed
    log = Console(stderr=True)
    wanted = args.wanted
    name = args.name or ("quick" if args.quick else f"n{args.n}")
    workdir = Path(tempfile.mkdtemp(prefix="saman-bench-"))
    figures: list[Figure] = []
    run: dict[str, object] = {"n": args.n, "seed": seed, "workers": args.workers, "groups": sorted(wanted),
                              "quick": args.quick, "load_average_start": [round(x, 2) for x in os.getloadavg()]}
    started = time.perf_counter()

    def measure(titles: dict[int, str], work: Callable[[], list[Figure]]) -> None:
        """Run one figure group; a failure in the pipeline becomes a figure that says so, and
        the figures so far are written at once, so a long run never loses what it measured."""
        try:
            new = work()
        except Exception as exc:  # the pipeline changes under the bench: report, go on
            log.print_exception(max_frames=3)
            new = [Figure(number, title, [], None, "", "", None, f"FAILED: {type(exc).__name__}: {exc}")
                   for number, title in titles.items()]
        for fig in new:
            fig.details["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
        figures.extend(new)
        write_json(sorted(figures, key=lambda f: f.number), name, context(**run, partial=True))

    try:
        archive = None
        if wanted & {"decks", "flow", "search", "size"} or ("pdf" in wanted and args.pdf_dir is None):
            log.log(f"building an archive of {args.n} documents (seed {seed}) in {workdir}")
            t = time.perf_counter()
            archive = build_archive(args.n, workdir, seed)
            run["archive"] = {"build_s": round(time.perf_counter() - t, 1), "counts": archive.counts(),
                              "pages": sum(f.pages or 0 for f in archive.files)}
            log.log(f"archive built in {run['archive']['build_s']} s: {archive.counts()}")
        if wanted & {"pdf", "decks"}:
            with saman_pool(args.workers) as (pool, warm_s):
                warm = Measurement("starting and warming the 2-process pool (not counted)", warm_s)
                if "pdf" in wanted:
                    if args.pdf_dir is not None:
                        run["pdf_dir"] = str(args.pdf_dir)
                        sets = {f"PDFs in {args.pdf_dir.name}": [str(p) for p in sorted(args.pdf_dir.glob("*.pdf"))]}
                    else:
                        sets = {"corpus PDFs": [str(p) for p in corpus_pdfs()],
                                "archive text PDFs": [f.path for f in archive.of_kind("pdf_twin", "pdf_report", "pdf_copy")]}
                    log.log(f"figure 1: text PDFs ({', '.join(f'{k}: {len(v)}' for k, v in sets.items())})")
                    measure({1: "text PDFs"}, lambda: [pdfs.figure(sets, pool, workdir, warm)])
                if "decks" in wanted:
                    log.log("figure 2: decks")
                    measure({2: "decks"}, lambda: [decks.figure(
                        {"corpus decks": [str(p) for p in corpus_decks()],
                         "archive decks": [f.path for f in archive.of_kind("deck")]}, pool, args.workers, workdir, warm)])
        if "scans" in wanted:
            log.log(f"figure 3: OCR of {args.ocr_pages} scanned pages")
            measure({3: "scans (OCR)"}, lambda: [scans.figure(args.ocr_pages, workdir)])
        kb_path = workdir / "plain.db"
        if "flow" in wanted:
            log.log(f"figures 4 and 5: plain loop, then ingest_flow twice, on {len(archive.files)} files")

            def flow_figures() -> list[Figure]:
                nonlocal kb_path
                found, kb_path = flow.figures(str(archive.root), workdir, args.workers)
                return found

            measure({4: "Prefect overhead", 5: "incremental rerun"}, flow_figures)
        elif wanted & {"search", "size"}:
            log.log("building a KB for the search and size figures (plain loop, no Prefect)")
            flow.plain_loop(str(archive.root), kb_path, args.workers)
        if "search" in wanted:
            log.log("figure 7: search latency")
            measure({7: "search latency"}, lambda: [search.figure(kb_path, seed)])
        if "size" in wanted:
            measure({8: "KB size"}, lambda: [kb_size.figure(kb_path, archive.root)])
        if "memory" in wanted:
            log.log(f"figure 6: peak memory, a {args.memory_pages}-page PDF and a {args.memory_slides}-slide deck")
            measure({6: "peak memory"}, lambda: [memory.figure(workdir, args.memory_pages, args.memory_slides, seed)])
    finally:
        if args.keep:
            log.log(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    figures.sort(key=lambda f: f.number)
    run["total_s"] = round(time.perf_counter() - started, 1)
    print_tables(figures, f"{name}, {run['total_s']:.0f} s")
    out = write_json(figures, name, context(**run))
    log.log(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
