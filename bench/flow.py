"""Figures 4 and 5: Prefect's overhead on a whole archive, and an unchanged rerun.

The reference for the flow is the same work in a plain loop: discover, hash, skip what the KB
holds, read the same content once, `extract_file` in a fresh two-process spawn pool, load each
document in one transaction and note every path, as `flows.ingest` does, without Prefect.
Prefect's start-up (import and the temporary local server, which a `saman ingest` pays once
per process) is timed on its own with an empty flow, so the figure shows both the overhead a
user sees and the steady-state overhead of the tasks. On a shared machine wall times swing with
other people's work, so the goal counts as met only when the CPU seconds (this process, its
workers and Prefect's server process) agree with the wall clock.
The rerun figure is what a user sees: `saman ingest FOLDER` run as a whole process twice, into
a fresh KB and then again over the unchanged archive, each timed from process start to exit
(a rerun with nothing to read never starts Prefect). A second `ingest_flow` in the same
process is shown beside it: the flow's own cost when every file is skipped.
"""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import as_completed
from pathlib import Path

from bench.measure import REPO, Clock, Figure, Measurement, clock, ratio, spawn_pool
from extractors.recognisers.pipeline import extract_file
from extractors.files import display_path, sha256_of
from flows.discover import discover
from kb.store import open_kb
from models import PIPELINE_VERSION, Extraction

GOAL_OVERHEAD = 0.10
GOAL_RERUN = 0.05


def plain_loop(folder: str, kb_path: Path, workers: int) -> dict[str, int]:
    """The ingest flow's work without Prefect; returns what it did."""
    found = discover([folder])
    kb = open_kb(kb_path)
    pool = spawn_pool(workers)
    done = {"files": len(found.files), "extracted": 0, "unchanged": 0, "pages": 0, "errors": 0}

    def note(path: str, sha: str, doc_id: str | None) -> None:
        kb.note_path(display_path(path), sha, doc_id, display_path(folder), stat=os.stat(path))

    try:
        todo: dict[str, list[str]] = {}
        for path in found.files:
            sha = sha256_of(path)
            if kb.stored_version(sha) == PIPELINE_VERSION:
                note(path, sha, sha[:16])
                done["unchanged"] += 1
            else:
                todo.setdefault(sha, []).append(path)
        futures = {pool.submit(extract_file, same[0], sha): (sha, same) for sha, same in todo.items()}
        for future in as_completed(futures):
            sha, same = futures[future]
            read = future.result()
            if isinstance(read, Extraction):
                document = read.document.model_copy(update={"paths": [display_path(p) for p in same]})
                kb.save(read.model_copy(update={"document": document}))
                for path in same:
                    note(path, sha, sha[:16])
                done["extracted"] += 1
                done["pages"] += document.n_pages
                done["errors"] += sum(r.type == "error" for r in read.records)
            else:
                for path in same:
                    kb.save_error(read.model_copy(update={"path": display_path(path), "file_name": os.path.basename(path)}))
                    note(path, sha, None)
                    done["errors"] += 1
    finally:
        pool.shutdown(wait=True)
        kb.close()
    return done


def _within(value: float | None, goal: float) -> bool:
    return value is not None and value <= goal


def prefect_start_up() -> None:
    """Import Prefect and run a first (empty) flow: the temporary server starts here."""
    import flows.ingest  # noqa: F401  (applies saman's Prefect settings, imports Prefect)
    from prefect import flow

    @flow(name="saman-bench-start-up")
    def start_up() -> int:
        return 1

    start_up()


def saman_ingest(folder: str, kb_path: Path, workers: int) -> tuple[Clock, str]:
    """`saman ingest FOLDER` as a user runs it, a whole process timed from its start; and its output.

    The CPU seconds miss the workers: they are forked by multiprocessing's fork server, which
    the command does not wait for, so their time is never added to this process's children."""
    argv = [sys.executable, "-m", "flows.cli", "ingest", folder, "--kb", str(kb_path), "--workers", str(workers), "--quiet"]
    with clock() as took:
        done = subprocess.run(argv, cwd=REPO, capture_output=True, text=True, timeout=6 * 3600, check=True,
                              env={**os.environ, "COLUMNS": "200"})
    return took, done.stdout


def figures(folder: str, workdir: Path, workers: int) -> tuple[list[Figure], Path]:
    """Figures 4 and 5, and the KB the flow built (for the search and size figures)."""
    plain_kb, flow_kb = workdir / "plain.db", workdir / "flow.db"
    with clock() as plain_took:
        plain = plain_loop(folder, plain_kb, workers)
    with clock() as start_took:
        prefect_start_up()
    from flows.ingest import ingest_flow

    with clock() as flow_took:
        first = ingest_flow([folder], str(flow_kb), workers=workers, show_progress=False).as_dict()
    with clock() as rerun_took:
        rerun = ingest_flow([folder], str(flow_kb), workers=workers, show_progress=False).as_dict()
    command_first, _ = saman_ingest(folder, workdir / "command.db", workers)
    command_rerun, rerun_output = saman_ingest(folder, workdir / "command.db", workers)

    def overhead(extra_s: float, plain_s: float) -> float | None:
        return ratio(extra_s - plain_s, plain_s)

    with_start = overhead(flow_took.wall_s + start_took.wall_s, plain_took.wall_s)
    steady = overhead(flow_took.wall_s, plain_took.wall_s)
    cpu_with_start = overhead(flow_took.cpu_s + start_took.cpu_s, plain_took.cpu_s)
    cpu_steady = overhead(flow_took.cpu_s, plain_took.cpu_s)
    same_work = plain["extracted"] == first["extracted"] and plain["pages"] == first["pages"]
    server_cpu = flow_took.cpu_parts.get("Prefect server", 0.0)
    flow_own = flow_took.cpu_parts.get("this process", 0.0)
    note = (f"server already up: wall {steady:+.1%}, CPU {cpu_steady:+.1%}; with start-up CPU {cpu_with_start:+.1%}; "
            f"CPU s of the flow's process {flow_own:.0f} (plain loop's {plain_took.cpu_parts.get('this process', 0.0):.0f}), "
            f"of Prefect's server {server_cpu:.0f}; "
            f"{first['files']} files, {first['extracted']} extracted, {first['duplicates']} duplicates, "
            f"{first['pages']} pages, {len(first['errors'])} errors")
    if not same_work:
        note += f"; WARNING: plain loop did other work ({plain})"
    n_files = first["files"]
    overhead_figure = Figure(
        4, "Prefect overhead",
        [
            Measurement("plain loop (same extract_file calls, 2-process pool, KB load)", plain_took.wall_s, n_files, "files", cpu_s=plain_took.cpu_s),
            Measurement("Prefect import + temporary server start (empty flow)", start_took.wall_s, cpu_s=start_took.cpu_s),
            Measurement("ingest_flow (server already running)", flow_took.wall_s, n_files, "files", cpu_s=flow_took.cpu_s),
            Measurement("ingest_flow including Prefect start-up", flow_took.wall_s + start_took.wall_s, n_files, "files",
                        cpu_s=flow_took.cpu_s + start_took.cpu_s),
        ],
        with_start, "(flow + start-up − plain) / plain, wall", f"≤ {GOAL_OVERHEAD:.0%} (wall and CPU)",
        _within(with_start, GOAL_OVERHEAD) and _within(cpu_with_start, GOAL_OVERHEAD) and same_work, note,
        {"plain": plain, "cpu_parts": {"plain loop": plain_took.cpu_parts, "start-up": start_took.cpu_parts,
                                       "ingest_flow": flow_took.cpu_parts, "rerun": rerun_took.cpu_parts},
         "overhead": {"wall_with_start_up": with_start, "wall_steady": steady,
                                      "cpu_with_start_up": cpu_with_start, "cpu_steady": cpu_steady},
         "flow_summary": {k: v for k, v in first.items() if k != "errors"}},
    )
    rerun_ratio = ratio(command_rerun.wall_s, command_first.wall_s)
    incremental = Figure(
        5, "incremental rerun",
        [
            Measurement("first `saman ingest` (whole process, fresh KB)", command_first.wall_s, n_files, "files", cpu_s=command_first.cpu_s),
            Measurement("`saman ingest` again, archive unchanged (whole process)", command_rerun.wall_s, rerun["files"], "files",
                        cpu_s=command_rerun.cpu_s),
            Measurement("second ingest_flow in the same process (Prefect up, every file skipped)", rerun_took.wall_s,
                        rerun["files"], "files", cpu_s=rerun_took.cpu_s),
        ],
        rerun_ratio, "rerun wall / first ingest wall, whole processes", f"≤ {GOAL_RERUN:.0%}",
        rerun_ratio is not None and rerun_ratio <= GOAL_RERUN and rerun["extracted"] == 0,
        f"the in-process rerun skipped {rerun['unchanged']} of {rerun['files']} files as unchanged and "
        f"{rerun['failed_before']} that failed before; read {rerun['extracted']} again; "
        f"in-process rerun / first ingest_flow {ratio(rerun_took.wall_s, flow_took.wall_s):.1%} wall",
        {"rerun_summary": {k: v for k, v in rerun.items() if k != "errors"}, "command_rerun_output": rerun_output[-2000:]},
    )
    return [overhead_figure, incremental], flow_kb
