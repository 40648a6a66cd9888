"""Figure 6: peak memory of ingesting one long PDF and one long deck, each in a fresh process.

The child (`python -m bench.memory FILE KB`) does in one process what the flow splits over a
worker and the writer, the way they do it: `extract_to_spool` (read, recognise, write the
extraction to a spool file), then `KB.save_parts` from the spool (flows.spool), and reports its
own peak RSS and its RSS after imports, so the figure is an upper bound for either process. The peak is VmHWM from
/proc, not `ru_maxrss`: Linux carries the parent's high-water mark over fork and exec into
the child's `ru_maxrss`, so a big parent would be reported as the child's peak.
The PDF is also ingested with `saman ingest` as a user runs it, and the peak of each of its
processes is reported (`run_ingest`): the flow's, the workers', their fork server's, and
Prefect's temporary server's, which the figure's result counts too.
Run as a module it is that child; imported, it builds the files and runs the children.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from bench.measure import REPO, WARM_UP_FILES, Figure, Measurement

GOAL_MB = 300.0  # issue 16
CHILD_TIMEOUT_S = 3600
SAMPLE_S = 0.2


def _status_mb(field: str) -> float:
    """A memory line of /proc/self/status (VmRSS now, VmHWM the peak) in MB."""
    return _process_mb(os.getpid(), field)


def child(path: str, kb_path: str) -> dict[str, object]:
    from extractors.files import sha256_of
    from flows.spool import extract_to_spool
    from kb.store import open_kb
    from models import ErrorRecord

    baseline = _status_mb("VmRSS")
    started = time.perf_counter()
    read = extract_to_spool(path, sha256_of(path))
    with open_kb(kb_path) as kb:
        if isinstance(read, ErrorRecord):
            kb.save_error(read)
        else:
            with read.parts() as (records, blocks, thumbnails):
                kb.save_parts(read.document, records, blocks, thumbnails)
    return {
        "seconds": time.perf_counter() - started,
        "pages": None if isinstance(read, ErrorRecord) else read.document.n_pages,
        "error": read.message if isinstance(read, ErrorRecord) else None,
        "baseline_mb": baseline,
        "peak_mb": _status_mb("VmHWM"),
    }


def run_child(path: Path, kb_path: Path) -> dict[str, object]:
    started = time.perf_counter()
    try:
        done = subprocess.run([sys.executable, "-m", "bench.memory", str(path), str(kb_path)], cwd=REPO,
                              capture_output=True, text=True, check=True, timeout=CHILD_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return _failed(started, f"stopped after {CHILD_TIMEOUT_S} s")
    except subprocess.CalledProcessError as exc:
        return _failed(started, f"the child failed: {(exc.stderr or '').strip().splitlines()[-1:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_ingest(path: Path, kb_path: Path) -> dict[str, object]:
    """`saman ingest` of one file in a fresh process tree, and the peak RSS of each kind of
    process in it: the flow's, the workers' fork server, the workers, Prefect's server. VmHWM is
    read every SAMPLE_S while the run lasts, so a rise in a process's last SAMPLE_S is missed."""
    import psutil

    started = time.perf_counter()
    with open(kb_path.with_suffix(".log"), "w") as log:
        run = subprocess.Popen([sys.executable, "-c", "from flows.cli import main; main()", "ingest", "--kb", str(kb_path),
                                str(path)], cwd=REPO, stdout=subprocess.DEVNULL, stderr=log)
        root = psutil.Process(run.pid)
        peaks: dict[int, tuple[str, float]] = {}
        while run.poll() is None and time.perf_counter() - started < CHILD_TIMEOUT_S:
            for process in [root, *root.children(recursive=True)]:
                try:
                    peaks[process.pid] = (_role(process, root), _process_mb(process.pid, "VmHWM"))
                except (psutil.Error, OSError, RuntimeError):  # ended since it was listed
                    continue
            time.sleep(SAMPLE_S)
        if run.poll() is None:
            run.kill()
            return _failed(started, f"saman ingest stopped after {CHILD_TIMEOUT_S} s")
    if run.returncode:
        return _failed(started, f"saman ingest exited with {run.returncode}")
    by_role: dict[str, float] = {}
    for role, mb in peaks.values():
        by_role[role] = max(mb, by_role.get(role, 0.0))
    return {"seconds": time.perf_counter() - started, "error": None, "peak_mb": max(by_role.values()), "by_process": by_role}


def _role(process, root) -> str:
    """What a process of `saman ingest` is, by its command line and its parent."""
    if process.pid == root.pid:
        return "flow"
    command = " ".join(process.cmdline())
    if "uvicorn" in command:
        return "Prefect's server"
    if "forkserver" in command:
        return "fork server" if process.ppid() == root.pid else "worker"
    return "resource tracker" if "resource_tracker" in command else command[:60]


def _process_mb(pid: int, field: str) -> float:
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} in /proc/{pid}/status")


def _failed(started: float, error: str) -> dict[str, object]:
    return {"seconds": time.perf_counter() - started, "pages": None, "baseline_mb": None, "peak_mb": None, "error": error}


def figure(workdir: Path, pdf_pages: int, deck_slides: int, seed: int) -> Figure:
    from bench.archive import make_long_deck, make_long_pdf  # not in the child: it would weigh on its RSS

    started = time.perf_counter()
    pdf = make_long_pdf(workdir, pdf_pages, seed)
    deck = make_long_deck(workdir, deck_slides, seed)
    build_s = time.perf_counter() - started
    runs = {"pdf": run_child(pdf, workdir / "memory-pdf.db"), "deck": run_child(deck, workdir / "memory-deck.db"),
            "pdf_ingest": run_ingest(pdf, workdir / "memory-pdf-ingest.db")}
    floor = run_child(REPO / "corpus" / WARM_UP_FILES[0], workdir / "memory-small.db")
    measurements = []
    for label, size, unit, run in (("PDF", pdf_pages, "pages", runs["pdf"]), ("deck", deck_slides, "slides", runs["deck"])):
        measurements.append(Measurement(f"{label} of {size} {unit}: peak RSS (extract_to_spool + KB.save_parts, fresh process)",
                                        run["seconds"], run["pages"], unit, run["peak_mb"], "MB"))
        measurements.append(Measurement(f"{label}: RSS after imports, before reading", value=run["baseline_mb"], value_unit="MB"))
    ingest = runs["pdf_ingest"]
    for role, mb in (ingest.get("by_process") or {}).items():
        measurements.append(Measurement(f"saman ingest of the PDF: peak RSS of {role}", ingest["seconds"] if role == "flow" else None,
                                        value=mb, value_unit="MB"))
    measurements.append(Measurement(f"the same for a {floor['pages']}-slide corpus deck (the size-independent floor)",
                                    floor["seconds"], floor["pages"], "slides", floor["peak_mb"], "MB"))
    measurements.append(Measurement("building the two files (not counted)", build_s))
    peaks = [run["peak_mb"] for run in runs.values() if run["peak_mb"] is not None]
    peak = max(peaks) if peaks else None
    errors = [f"{k}: {r['error']}" for k, r in runs.items() if r["error"]]
    note = f"PDF {pdf_pages} pages, deck {deck_slides} slides"
    if errors:
        note += "; " + "; ".join(errors)
    return Figure(6, "peak memory", measurements, peak, "highest peak RSS (MB)", f"< {GOAL_MB:.0f} MB",
                  peak is not None and peak < GOAL_MB and not errors, note, {**runs, "small_deck": floor})


if __name__ == "__main__":
    print(json.dumps(child(sys.argv[1], sys.argv[2])))
