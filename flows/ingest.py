"""The ingest flow: discover → hash → skip what the KB holds → extract in parallel → load → report.

Parsing and recognition run in worker processes (PDF parsing is pure Python, so threads would
share one core); Prefect tasks wrap a file or a few (a run shows each task's state and the
files it read), and the KB is written only here, from the flow, one transaction per
document (SQLite has one writer); a worker hands each file over in a spool file
(flows.spool), which the flow stores a batch at a time.
The KB is the cache: a file whose sha256 is stored at the current pipeline version is not
parsed again, whatever its name or mtime, and neither is one that failed at this version
(flows.plan says which); an upgraded pipeline re-extracts everything.
"""

from __future__ import annotations

import os
import time
import uuid

from flows import settings  # noqa: F401  (Prefect settings must be in place before Prefect loads)
from prefect import flow, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.futures import as_completed
from prefect.task_runners import ThreadPoolTaskRunner
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from models import ErrorKind, ErrorRecord, Extraction
from models.errors import INTERNAL_MESSAGE, describe
from extractors.files import display_path, error_record
from extractors.ocr.settings import DEFAULT_SETTINGS, OcrSettings, ocr_settings
from flows.discover import discover
from flows.plan import Plan, Summary, mark_gone, note, plan, rerun_targets, save_error, settle
from flows.spool import SpoolError, Spooled, extract_to_spool, read_ahead
from flows.workers import WorkerPool, file_timeout
from kb.store import open_kb

_FAILURES: dict[ErrorKind, str] = {
    "timeout": "reading took longer than {timeout:.0f} s and was stopped (set SAMAN_FILE_TIMEOUT to allow more)",
    "crash": "the process reading this file died (the file may need more memory than allowed, or it breaks a "
             "library saman uses); the rest of the batch went on",
    "internal": INTERNAL_MESSAGE,
}


# Prefect's server spends 30-40 ms of CPU on every task run, a fifth of a large import's
# time when each small file is a task of its own; so a task reads several files in turn:
# about a fourth of a worker's share of the run, and at most this many files (fewer files
# where each task reads its own, so that the files are spread over the workers).
TASKS_PER_WORKER = 4
MAX_FILES_PER_TASK = 16
MAX_FILES_PER_DEALT_TASK = 4


def extract_one(path: str, sha256: str, pool_id: int | None,
                ocr: OcrSettings = DEFAULT_SETTINGS) -> Extraction | Spooled | ErrorRecord:
    """Parse and recognise one file in a worker process, which hands it over in a spool file
    (flows.spool); failures come back as an error record.

    Without a pool (`pool_id` None: the task runs on a Dask worker, which is a process of its
    own already) the file is read right here, and its Extraction returned.
    """
    if pool_id is None:
        # imported here: this process plans and stores, and never needs the readers otherwise (extractors.files)
        from extractors.recognisers.pipeline import extract_file

        return extract_file(path, sha256, ocr)
    status, result = WorkerPool.by_id(pool_id).run(extract_to_spool, path, sha256, ocr, timeout=file_timeout())
    if status == "ok":
        return result
    message = _FAILURES[status].format(timeout=file_timeout())
    return error_record(path, sha256, status, message, result)


def extract_files(files: list[tuple[str, str]], label: str, pool_id: int | None,
                  ocr_changes: dict[str, object] | None = None,
                  hand_over: bool = False) -> list[Extraction | Spooled | ErrorRecord] | str:
    """(path, sha256) after (path, sha256), one Extraction or Spooled (or file error) each; `label` names the task run;
    `ocr_changes` are OCR settings changed from their defaults (extractors.ocr.settings).

    With `hand_over` (the task runs in the flow's own process) the list is left in this
    process for the flow to `take`, and the task returns only its key: Prefect keeps every
    finished task's result until its flow ends (the flow's transaction holds its tasks'
    states), so results returned through it kept every file of a bulk import in memory
    (1.9 GB after 788 of 5,000 documents).

    A fault here of ours (extract_one already turns a reader's failure into an error record)
    costs its own file only, not the other files of the task or the run.
    """
    ocr = ocr_settings(ocr_changes or {})
    out = []
    for path, sha in files:
        try:
            out.append(extract_one(path, sha, pool_id, ocr))
        except Exception as exc:  # noqa: BLE001 — one file's fault must not end the batch
            out.append(error_record(path, sha, "internal", INTERNAL_MESSAGE, describe(exc)))
    if not hand_over:
        return out
    key = uuid.uuid4().hex
    _HANDED[key] = out
    return key


# What tasks of this process read, by the key each returned, until the flow takes it.
_HANDED: dict[str, list[Extraction | Spooled | ErrorRecord]] = {}


def take(result: list[Extraction | Spooled | ErrorRecord] | str) -> list[Extraction | Spooled | ErrorRecord]:
    """A task's files read: handed over in this process (by key), or returned whole."""
    return _HANDED.pop(result) if isinstance(result, str) else result


# The task wraps a module-level function of another name so Dask can pickle it by reference.
extract = task(name="extract", task_run_name="extract {label}", cache_policy=NO_CACHE)(extract_files)


def _batches(plan: Plan, workers: int, in_turn: bool) -> list[list[tuple[str, list[str]]]]:
    """The files to read in the tasks' batches, about TASKS_PER_WORKER per worker, the
    longest to read first.

    `in_turn`: the pool reads the files ahead in that order whatever order the tasks ask in
    (flows.spool.read_ahead), so a batch holds files read one after another, as many as make
    a task's share of the reading (flows.plan.reading_cost), up to MAX_FILES_PER_TASK: it is
    done, and stored, as soon as they are read, and a long file is a task of its own.
    Otherwise (Dask: each task reads its own files) one file a task until there are enough
    tasks, then up to MAX_FILES_PER_DEALT_TASK, dealt like cards, so each of the first
    tasks starts with one of the longest files and no task holds two of them."""
    items = plan.longest_first()
    n_tasks = TASKS_PER_WORKER * max(1, workers)
    if in_turn:
        share = sum(plan.costs[sha] for sha, _ in items) / n_tasks
        batches: list[list[tuple[str, list[str]]]] = []
        cost = 0
        for item in items:
            if not batches or cost >= share or len(batches[-1]) >= MAX_FILES_PER_TASK:
                batches.append([])
                cost = 0
            batches[-1].append(item)
            cost += plan.costs[item[0]]
        return batches
    size = max(1, min(MAX_FILES_PER_DEALT_TASK, len(items) // n_tasks))
    n_batches = -(-len(items) // size)
    return [items[k::n_batches] for k in range(n_batches)]


def _label(batch: list[tuple[str, list[str]]]) -> str:
    first = os.path.basename(batch[0][1][0])
    return first if len(batch) == 1 else f"{first} and {len(batch) - 1} more"


@flow(name="saman-ingest", task_runner=ThreadPoolTaskRunner(max_workers=8), log_prints=False)
def ingest_flow(paths: list[str], kb_path: str, workers: int = 2, show_progress: bool = True,
                local_workers: bool = True, retry_errors: bool = False,
                ocr_changes: dict[str, object] | None = None) -> Summary:
    """Ingest files, folders or globs into the KB at `kb_path`; returns the run's summary.

    `ocr_changes` changes OCR settings from their defaults by name, as `saman ingest
    --ocr-setting` does: `{"dpi": 200, "tables.min_unruled_rows": 4}` (extractors.ocr.settings;
    a wrong name raises SettingError). Files the KB holds already are not read again.

    `retry_errors` reads again the files whose reading failed before at this pipeline version.
    `local_workers=False` reads files inside the tasks themselves, for task runners (Dask)
    that already run each task in a worker process of their own.
    """
    started = time.monotonic()
    changes = dict(ocr_changes or {})
    ocr_settings(changes)  # a wrong name fails here, before any file is read
    kb = open_kb(kb_path)
    try:
        todo = plan(paths, kb, retry_errors=retry_errors)
        summary = Summary.of(todo)
        settle(kb, todo, summary)
        pool = WorkerPool.shared(workers) if local_workers and todo.todo else None
        if pool is not None:  # what `saman` began reading while Prefect started is not read again
            read_ahead(pool, todo.longest_first(), ocr_settings(changes))
        futures = {
            extract.submit([(paths_[0], sha) for sha, paths_ in batch], _label(batch), id(pool) if pool else None, changes,
                           hand_over=pool is not None): batch
            for batch in _batches(todo, workers, in_turn=pool is not None)
        }
        with _progress(show_progress) as progress:
            bar = progress.add_task("extracting", total=len(todo.todo))
            for future in as_completed(list(futures)):
                for (sha, same), read in zip(futures[future], take(future.result())):
                    _load(kb, summary, sha, same, read, todo.found.folders)
                    progress.advance(bar)
            if not kb.search_current:
                ranking = progress.add_task("ranking common words for search", total=1)
                kb.refresh_search()
                progress.advance(ranking)
    finally:
        kb.close()
    summary.seconds = round(time.monotonic() - started, 2)
    create_table_artifact(key="ingest-summary", table=summary.rows(), description=f"saman ingest into {kb_path}")
    return summary


@flow(name="saman-rerun", log_prints=False)
def rerun_flow(kb_path: str, workers: int = 2, show_progress: bool = True, retry_errors: bool = False) -> Summary:
    """Re-scan the folders (and single files) the KB was filled from.

    New and changed files are ingested, files extracted by an older pipeline version are
    re-extracted, and files that are no longer there are marked gone: their records stay.
    """
    with open_kb(kb_path) as kb:
        targets = rerun_targets(kb)
    summary = ingest_flow(targets, kb_path, workers=workers, show_progress=show_progress,
                          retry_errors=retry_errors) if targets else Summary()
    with open_kb(kb_path) as kb:
        summary.gone = mark_gone(kb, discover(targets))
    return summary


def _load(kb, summary: Summary, sha: str, same: list[str], read: Extraction | Spooled | ErrorRecord,
          folders: list[str]) -> None:
    if isinstance(read, (Extraction, Spooled)):
        document = read.document.model_copy(update={"paths": [display_path(p) for p in same]})
        if isinstance(read, Spooled):
            try:
                with read.parts() as (records, blocks, thumbnails):
                    kb.save_parts(document, records, blocks, thumbnails)
            except SpoolError as exc:  # ours (or the disk's): it costs this file, stored as nothing but its error
                error = error_record(same[0], sha, "internal", INTERNAL_MESSAGE, describe(exc))
                _load(kb, summary, sha, same, error, folders)
                return
            summary.records.update(read.record_types)
            summary.errors += read.errors
        else:
            kb.save(read.model_copy(update={"document": document}))
            summary.records.update([document.type, *(r.type for r in read.records)])
            summary.errors += [r for r in read.records if isinstance(r, ErrorRecord)]
        for path in same:
            note(kb, path, sha, sha[:16], folders)
        summary.extracted += 1
        summary.pages += document.n_pages
    else:
        # The same content extracted earlier (by an older pipeline) stays: a failed re-extraction
        # adds its error beside the stored document, it does not take the document's place.
        kept = sha[:16] if kb.stored_version(sha) else None
        for path in same:
            shown = display_path(path)
            save_error(kb, summary, read.model_copy(update={"path": shown, "file_name": os.path.basename(shown)}))
            note(kb, path, sha, kept, folders)


def _progress(show: bool) -> Progress:
    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        disable=not show,
        transient=False,
    )
