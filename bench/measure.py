"""What every figure shares: the Measurement and Figure records, and saman's end-to-end run.

A figure is a goal about one number (a wall-time ratio, a rate, a latency) plus the
measurements it was computed from, saman's and the reference's, taken in the same run.
`saman_pool` gives the worker pool the ingest flow uses (two spawned processes) already warm,
so a throughput figure measures pages, not interpreter start-up; the flow figure measures
start-up on its own. This module must not import Prefect.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

from extractors.recognisers.pipeline import extract_file
from extractors.files import sha256_of
from kb.store import open_kb
from models import ErrorRecord

REPO = Path(__file__).resolve().parent.parent
# Small corpus files each worker reads once before timing starts, so lexicons and models are loaded.
WARM_UP_FILES = ("2013-05-22_pulje2_samling_nynorsk.pptx", "2015-06-30_sluttrapport_tiltak.pdf")


@dataclass
class Measurement:
    """One timed run: `items` of `unit` in `wall_s` seconds, or a `value` that is not a rate."""

    what: str
    wall_s: float | None = None
    items: int | None = None
    unit: str = ""
    value: float | None = None
    value_unit: str = ""
    cpu_s: float | None = None

    @property
    def rate(self) -> float | None:
        if self.items is None or not self.wall_s:
            return None
        return self.items / self.wall_s

    def as_dict(self) -> dict[str, object]:
        rate = self.rate
        return {**asdict(self), "rate": round(rate, 3) if rate is not None else None}


@dataclass
class Figure:
    """A benchmark figure: the number its goal is about, the goal, and whether it was met."""

    number: int
    title: str
    measurements: list[Measurement]
    result: float | None
    result_label: str
    goal: str
    met: bool | None
    note: str = ""
    details: dict[str, object] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        out = asdict(self)
        out["measurements"] = [m.as_dict() for m in self.measurements]
        return out


def _warm_worker() -> None:
    for name in WARM_UP_FILES:
        path = str(REPO / "corpus" / name)
        extract_file(path, sha256_of(path))


def _worker_pid(pause: float) -> int:
    time.sleep(pause)
    return os.getpid()


def spawn_pool(workers: int, *, warm: bool = False) -> ProcessPoolExecutor:
    """A pool like the ingest flow's: spawned processes (no forked state), optionally warmed."""
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_warm_worker if warm else None)


@contextmanager
def saman_pool(workers: int = 2) -> Iterator[tuple[ProcessPoolExecutor, float]]:
    """A warm pool and the seconds it took to start and warm every worker."""
    started = time.perf_counter()
    pool = spawn_pool(workers, warm=True)
    try:
        seen: set[int] = set()
        while len(seen) < workers:  # a pid comes back only from a worker whose initializer finished
            seen |= {f.result() for f in [pool.submit(_worker_pid, 0.3) for _ in range(workers)]}
        yield pool, time.perf_counter() - started
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def cpu_parts() -> dict[str, float]:
    """CPU seconds so far of this process, its finished children, and every live process below
    it (from /proc; Prefect's temporary server counted apart), for telling where a run's time
    went. Below, not only children: the ingest's workers are forked from a fork server.

    On a shared two-core machine wall times swing with other people's work; CPU seconds
    do not, so every timed run records both.
    """
    own, done = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    parts = {"this process": own.ru_utime + own.ru_stime, "finished children": done.ru_utime + done.ru_stime}
    tick = os.sysconf("SC_CLK_TCK")
    stats: dict[int, list[str]] = {}
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                with open(f"/proc/{entry.name}/stat") as fh:
                    fields = fh.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            stats[int(entry.name)] = fields
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    todo = [os.getpid()]
    while todo:
        for pid in children.get(todo.pop(), []):
            todo.append(pid)
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as fh:
                    label = "Prefect server" if b"uvicorn" in fh.read() else "live children"
            except OSError:
                continue
            # utime, stime, and the times of its own finished children (tesseract under a worker);
            # a live grandchild counts for itself until its parent reaps it
            parts[label] = parts.get(label, 0.0) + sum(int(f) for f in stats[pid][11:15]) / tick
    return parts


@dataclass
class Clock:
    wall_s: float = 0.0
    cpu_s: float = 0.0
    cpu_parts: dict[str, float] = field(default_factory=dict)


@contextmanager
def clock() -> Iterator[Clock]:
    """Wall and CPU seconds of the block (CPU summed over this process and its children).

    A child that was live at the start and finished by the end moves between the parts, so
    only the total is exact; the parts tell which processes worked.
    """
    result = Clock()
    wall, before = time.perf_counter(), cpu_parts()
    try:
        yield result
    finally:
        result.wall_s = time.perf_counter() - wall
        after = cpu_parts()
        result.cpu_parts = {k: round(after.get(k, 0.0) - before.get(k, 0.0), 2) for k in sorted(set(after) | set(before))}
        result.cpu_s = sum(after.values()) - sum(before.values())


@dataclass
class EndToEnd:
    wall_s: float
    cpu_s: float
    pages: int
    documents: int
    records: Counter


def saman_end_to_end(pool: ProcessPoolExecutor, paths: list[str], kb_path: Path) -> EndToEnd:
    """Hash, extract in the pool and load into a KB, as the flow does, without Prefect."""
    kb = open_kb(kb_path)
    pages = documents = 0
    records_by_type: Counter = Counter()
    try:
        with clock() as took:
            futures = [pool.submit(extract_file, p, sha256_of(p)) for p in paths]
            for future in as_completed(futures):
                read = future.result()
                if isinstance(read, ErrorRecord):
                    kb.save_error(read)
                    records_by_type["error"] += 1
                else:
                    kb.save(read)
                    records_by_type.update([read.document.type, *(r.type for r in read.records)])
                    pages += read.document.n_pages
                    documents += 1
    finally:
        kb.close()
    return EndToEnd(took.wall_s, took.cpu_s, pages, documents, records_by_type)


def stage_shares(paths: list[str], limit: int = 20) -> dict[str, float]:
    """Where saman's time goes, in one process on up to `limit` files: seconds per stage.

    The stages are the pipeline's own steps (read, structural records, each named recogniser,
    blocks, thumbnails, KB save), timed one by one, after one warm-up file.
    """
    from models.errors import ReadError
    from extractors.recognisers.base import Found
    from extractors.recognisers.context import Context
    from extractors.recognisers.pipeline import page_thumbnails, pipeline, reading_options, stored_blocks, structural_records
    from extractors.readers.base import open_source, read_source
    from models import DocumentRecord, Extraction

    _warm_worker()
    seconds: Counter = Counter()
    kb = open_kb(":memory:")
    try:
        for path in paths[:limit]:
            t = time.perf_counter()
            try:
                source = open_source(path, sha256_of(path))
                doc = read_source(source, reading_options())
            except ReadError:  # an outside folder holds broken files: their reading is all they cost
                seconds["read"] += time.perf_counter() - t
                continue
            seconds["read"] += time.perf_counter() - t
            t = time.perf_counter()
            found = Found(structural_records(doc))
            context = Context.of(doc, found.of(DocumentRecord))
            seconds["structural records"] += time.perf_counter() - t
            for recogniser in pipeline():
                t = time.perf_counter()
                found.extend(recogniser.run(doc, context, found))
                seconds[recogniser.name] += time.perf_counter() - t
            t = time.perf_counter()
            blocks = stored_blocks(doc)
            seconds["blocks"] += time.perf_counter() - t
            t = time.perf_counter()
            with source:  # the thumbnails draw through what the reader opened
                pictures = page_thumbnails(source, doc)
            seconds["thumbnails"] += time.perf_counter() - t
            t = time.perf_counter()
            kb.save(Extraction.of(found, blocks, pictures))
            seconds["KB save"] += time.perf_counter() - t
    finally:
        kb.close()
    return {k: round(v, 3) for k, v in seconds.items()}


def shares_text(seconds: dict[str, float]) -> str:
    total = sum(seconds.values()) or 1.0
    top = sorted(seconds.items(), key=lambda kv: -kv[1])
    return ", ".join(f"{name} {100 * s / total:.0f}%" for name, s in top if s / total >= 0.02)


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or not denominator:
        return None
    return numerator / denominator
