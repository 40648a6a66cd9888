"""The archive-scale run: `saman ingest` on a generated archive of N documents, end to end.

    python -m bench.archive_run --n 5000            # the 5,000-document run of the README
    python -m bench.archive_run --n 60 --keep DIR   # a small one, the archive and KB kept in DIR

What the secretariat's bulk import does, measured as a user meets it: bench.archive builds
the archive (decks, their PDF twins, reports, copies, scans, duplicates, 1 % hostile files),
then the real command `saman ingest ARCHIVE --kb KB` runs in a child process (Prefect's
temporary server, the worker pool, the KB writer: all of it), timed from its start to its
exit, with the CPU of every process it ran. Then search latency on that KB (bench.search's
100 queries through `kb.search.search`, words alone: vectors are not part of this run) and
the KB's size. The ingest's CPU is that of the processes it ran and waited for (its workers
and Prefect's server). The figures go to the terminal and to bench/results/archive-n<N>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.archive import DEFAULT_SEED, Archive, ArchiveFile, build_archive
from bench.report import context
from bench.search import N_QUERIES, queries
from bench.search_latency import python_latency
from kb.store import open_kb

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results"


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _built(workdir: Path, n: int, seed: int) -> Archive | None:
    """The archive of `n` files an earlier run with --keep left in `workdir` (its files all there)."""
    manifest = workdir / "manifest.json"
    if not manifest.exists():
        return None
    files = [ArchiveFile(**f) for f in json.loads(manifest.read_text(encoding="utf-8"))]
    if len(files) != n or not all(Path(f.path).exists() for f in files):
        return None
    return Archive(workdir / "archive", seed, files)


def run(n: int, workdir: Path, seed: int, workers: int) -> dict[str, object]:
    started = time.perf_counter()
    archive = _built(workdir, n, seed) or build_archive(n, workdir, seed)
    build_s = time.perf_counter() - started
    for stale in workdir.glob("kb.db*"):  # the ingest is measured from an empty KB
        stale.unlink()
    kb_path = workdir / "kb.db"
    saman = Path(sys.executable).with_name("saman")
    command = [str(saman), "ingest", str(archive.root), "--kb", str(kb_path), "--workers", str(workers), "--quiet"]
    load_before = os.getloadavg()
    cpu_before, started = _children_cpu(), time.perf_counter()
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
    ingest_s, ingest_cpu = time.perf_counter() - started, _children_cpu() - cpu_before
    if done.returncode != 0:
        raise RuntimeError(f"saman ingest failed ({done.returncode}): {done.stderr.strip()[-2000:]}")
    with open_kb(kb_path, readonly=True) as kb:
        stats = kb.stats()
        qs = queries(kb, seed, N_QUERIES)
    latency = python_latency(kb_path, qs)
    size = kb_path.stat().st_size + sum(p.stat().st_size for p in kb_path.parent.glob(kb_path.name + "-*"))
    pages = stats["pages"]
    return {
        "documents_generated": len(archive.files), "archive": archive.counts(), "archive_build_s": round(build_s, 1),
        "source_bytes": sum(Path(f.path).stat().st_size for f in archive.files),
        "ingest_wall_s": round(ingest_s, 1), "ingest_cpu_s": round(ingest_cpu, 1),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "kb": {k: stats[k] for k in ("documents", "works", "pages")},
        "errors": stats["errors"], "errors_by_kind": stats["errors_by_kind"],
        "pages_per_s": round(pages / ingest_s, 1) if ingest_s else None,
        "search_words_ms": latency, "queries": len(qs),
        "kb_bytes": size, "kb_kib_per_page": round(size / 1024 / pages, 1) if pages else None,
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.archive_run", description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=5000, help="documents in the generated archive (default 5000)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--workers", type=int, default=2, help="as `saman ingest --workers`")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it (default: a temporary one, removed); "
                        "an archive of the same size a run left there is used again")
    args = parser.parse_args(argv)
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="saman-archive-run-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        result = run(args.n, workdir, args.seed, args.workers)
    finally:
        if args.keep is None:
            shutil.rmtree(workdir, ignore_errors=True)
    out = RESULTS / f"archive-n{args.n}.json"
    out.write_text(json.dumps({"run": context(n=args.n, seed=args.seed, workers=args.workers), "result": result},
                              ensure_ascii=False, indent=2), encoding="utf-8")
    kb = result["kb"]
    print(f"{result['documents_generated']} files -> {kb['documents']} documents, {kb['works']} works, "
          f"{kb['pages']} pages; saman ingest {result['ingest_wall_s']} s wall ({result['pages_per_s']} pages/s), "
          f"{result['ingest_cpu_s']} s CPU; search (words) median {result['search_words_ms']['words']['median_ms']} ms, "
          f"p95 {result['search_words_ms']['words']['p95_ms']} ms; KB {result['kb_bytes'] / 2**20:.0f} MiB "
          f"({result['kb_kib_per_page']} KiB per page); wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
