"""What a run has to read and what it need not, decided without Prefect or a worker.

Planning is discovery, a stat per file, a sha256 of each new or touched file, and a look-up in
the KB: a content stored at this pipeline version is unchanged; one whose reading failed at
this version failed before and is not read again (a bomb or a broken file costs its reading
once), unless the run retries errors or a `timeout` has more time now; the same content under
a second name is read once. `saman ingest` and `saman rerun` plan first and start Prefect and
the workers only when a file is left to read, so a run with none ends in well under a second:
`settle` does for the files it skips what the flow would have done (notes where each was
seen, stores the errors of files that could not be opened), and the flow calls the same two
functions, so both ways give one result.

Remembered: every error kind of a content but `internal` (saman's own fault, which a new
saman may have mended without a new pipeline version) and `unreadable` (the file system's
refusal, which has no content to remember).
"""

from __future__ import annotations

import os
import time
import zipfile
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from models.errors import describe
from extractors.files import display_path, error_record, sha256_of
from flows.discover import Discovery, discover
from flows.workers import file_timeout
from kb.store import KB, Failure
from models import PIPELINE_VERSION, ErrorKind, ErrorRecord

NOT_REMEMBERED: frozenset[ErrorKind] = frozenset({"internal", "unreadable"})
UNREADABLE = "the file could not be opened (check that it exists and that saman may read it)"

# sha256 and reading cost of files planned in this process, by (path, size, mtime): the flow
# plans again what the command planned before it started Prefect, and must not read every new
# file twice.
_hashes: dict[tuple[str, int, int], str] = {}
_costs: dict[tuple[str, int, int], int] = {}


@dataclass
class Plan:
    found: Discovery
    todo: dict[str, list[str]] = field(default_factory=dict)  # content (sha256) to read → its paths
    costs: dict[str, int] = field(default_factory=dict)  # how long each content to read takes, estimated (reading_cost)
    unchanged: list[tuple[str, str]] = field(default_factory=list)  # (path, sha256) stored at this version
    failed_before: list[tuple[str, str, Failure]] = field(default_factory=list)  # not read again
    unreadable: list[ErrorRecord] = field(default_factory=list)  # errors of files that would not open
    duplicates: int = 0

    def longest_first(self) -> list[tuple[str, list[str]]]:
        """The contents to read (sha256, paths), the longest to read first: a run whose
        longest file is begun last ends on it while the other workers idle."""
        return sorted(self.todo.items(), key=lambda item: -self.costs[item[0]])


@dataclass
class Summary:
    """What a run did: `saman ingest` prints it, Prefect keeps its rows as the run's artifact."""

    files: int = 0
    extracted: int = 0
    unchanged: int = 0
    failed_before: int = 0
    duplicates: int = 0
    hidden: int = 0
    pages: int = 0
    records: Counter = field(default_factory=Counter)
    errors: list[ErrorRecord] = field(default_factory=list)
    seconds: float = 0.0
    gone: list[str] = field(default_factory=list)  # a rerun's paths no longer there (their records stay)

    @classmethod
    def of(cls, plan: Plan) -> Summary:
        found = plan.found
        return cls(files=len(found.files), duplicates=plan.duplicates,
                   hidden=len(found.hidden))

    def as_dict(self) -> dict[str, object]:
        """The summary as plain values, for JSON: dataclasses.asdict rebuilds a Counter from
        its (key, count) pairs, which makes each pair a key of its own."""
        return {**asdict(self), "records": dict(self.records)}

    def rows(self) -> list[dict[str, object]]:
        rows: list[dict[str, object]] = [
            {"what": "files", "count": self.files},
            {"what": "extracted", "count": self.extracted},
            {"what": "unchanged (skipped)", "count": self.unchanged},
            {"what": "failed before (not read again)", "count": self.failed_before},
            {"what": "duplicates", "count": self.duplicates},
            {"what": "hidden files (skipped)", "count": self.hidden},
            {"what": "pages", "count": self.pages},
        ]
        rows += [{"what": f"records: {t}", "count": n} for t, n in sorted(self.records.items())]
        rows.append({"what": "errors", "count": len(self.errors)})
        return rows


def plan(paths: list[str], kb: KB, *, retry_errors: bool = False) -> Plan:
    """Sort the files under `paths` into those to read, unchanged, failed before and unreadable."""
    out = Plan(discover(paths))
    for path in out.found.files:
        try:
            stat = os.stat(path)
            sha = kb.unchanged_sha(display_path(path), stat.st_size, stat.st_mtime, PIPELINE_VERSION) or _sha256(path, stat)
        except OSError as exc:
            out.unreadable.append(error_record(path, "0" * 64, "unreadable", UNREADABLE, describe(exc)))
            continue
        if kb.stored_version(sha) == PIPELINE_VERSION:
            out.unchanged.append((path, sha))
        elif sha in out.todo:
            out.todo[sha].append(path)
            out.duplicates += 1
        elif (failure := kb.failure(sha)) and not _worth_retrying(failure, retry_errors):
            out.failed_before.append((path, sha, failure))
        else:
            out.todo[sha] = [path]
            out.costs[sha] = _cost(path, stat)
    return out


_ZIP = b"PK\x03\x04"


def reading_cost(path: str, size: int) -> int:
    """How long a file takes to read, estimated as the bytes a reader parses: for a deck,
    document or workbook (a zip of XML parts) its XML, which slide after slide of text makes
    many times its bytes on disk, while the pictures and embedded files that make a deck
    large on disk are not parsed (a 300-slide deck: 0.6 MB on disk, 1.8 MB of XML; a deck of
    eight charts: 1.4 MB on disk, 0.2 MB of XML); for any other file its size."""
    try:
        with open(path, "rb") as fh:
            if fh.read(4) != _ZIP:
                return size
            with zipfile.ZipFile(fh) as package:
                return sum(info.file_size for info in package.infolist() if info.filename.endswith((".xml", ".rels")))
    except Exception:  # noqa: BLE001 — a damaged zip is the reader's to judge; here it is only an estimate
        return size


def _sha256(path: str, stat: os.stat_result) -> str:
    return _remembered(_hashes, path, stat, lambda: sha256_of(path))


def _cost(path: str, stat: os.stat_result) -> int:
    return _remembered(_costs, path, stat, lambda: reading_cost(path, stat.st_size))


def _remembered(cache: dict, path: str, stat: os.stat_result, reckon: Callable[[], object]):
    """What `reckon` gives for the file, reckoned once while it keeps its size and mtime."""
    key = (path, stat.st_size, stat.st_mtime_ns)
    if key not in cache:
        cache[key] = reckon()
    return cache[key]


def _worth_retrying(failure: Failure, retry_errors: bool) -> bool:
    if retry_errors or failure.pipeline_version != PIPELINE_VERSION or failure.error_kind in NOT_REMEMBERED:
        return True
    return failure.error_kind == "timeout" and (failure.limit_s or 0.0) < file_timeout()


def settle(kb: KB, plan: Plan, summary: Summary) -> None:
    """Bring the KB up to date on the files the run does not read, and count them."""
    folders = plan.found.folders
    notes = [_note_of(path, sha, sha[:16], folders) for path, sha in plan.unchanged]
    for path, sha, failure in plan.failed_before:
        shown = display_path(path)
        if not kb.has_error(shown, sha):  # the same content under a name not seen before
            kb.save_error(error_record(path, sha, failure.error_kind, failure.message, failure.detail))
        notes.append(_note_of(path, sha, sha[:16] if kb.stored_version(sha) else None, folders))
    kb.note_paths(notes)
    summary.unchanged += len(plan.unchanged)
    summary.failed_before += len(plan.failed_before)
    for error in plan.unreadable:
        save_error(kb, summary, error)


def settled(kb: KB, plan: Plan, started: float) -> Summary:
    """The summary of a run with no file to read (`started`: its time.monotonic() at the start)."""
    summary = Summary.of(plan)
    settle(kb, plan, summary)
    summary.seconds = round(time.monotonic() - started, 2)
    return summary


def save_error(kb: KB, summary: Summary, error: ErrorRecord) -> None:
    """Store one file's error and count it in the run's summary."""
    if error.error_kind in NOT_REMEMBERED:
        kb.save_error(error)
    else:
        kb.save_failure(error, PIPELINE_VERSION, file_timeout() if error.error_kind == "timeout" else None)
    summary.errors.append(error)
    summary.records["error"] += 1


def note(kb: KB, path: str, sha: str, doc_id: str | None, folders: list[str]) -> None:
    """Remember where this content was seen (and in which of the run's folders)."""
    kb.note_paths([_note_of(path, sha, doc_id, folders)])


def _note_of(path: str, sha: str, doc_id: str | None, folders: list[str]) -> tuple:
    folder = next((f for f in folders if path.startswith(f.rstrip(os.sep) + os.sep)), None)
    try:
        stat = os.stat(path)
    except OSError:  # gone since discovery: the KB still learns what it held
        stat = None
    return display_path(path), sha, doc_id, display_path(folder) if folder else None, stat


def rerun_targets(kb: KB) -> list[str]:
    """The folders and single files the KB was filled from that are still there."""
    folders, files = kb.sources()
    return [f for f in folders if os.path.isdir(f)] + [f for f in files if os.path.exists(f)]


def mark_gone(kb: KB, found: Discovery) -> list[str]:
    """Mark the KB's paths that the rerun did not find as gone (their records stay)."""
    return kb.mark_gone({display_path(p) for p in found.files})
