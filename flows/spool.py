"""How a worker hands a file's extraction to the process that stores it: through a file, in batches.

Only the flow's process writes the KB, so what a worker reads has to travel to it. Returned
whole through the process pool, a 1,000-page PDF's 53,000 records, 38,000 blocks and 1,000
thumbnails were pickled into one 28 MB buffer in the worker (half as much again while the
buffer grew) and unpickled whole in the flow's process, beside Prefect. So the worker writes
the extraction into a spool file in the run's folder (the workers' TMPDIR, flows.rundir):
records, blocks and thumbnails in batches of `BATCH`, each batch a pickle of its own, written
as it is pickled. It returns a `Spooled`: the document record, what the run's summary counts
of it, and the file's path. The flow's process stores it with `KB.save_parts`, which reads the
batches one after another inside the document's one transaction: a batch at a time is in
memory, and a spool that breaks off (a full disk, a damaged file) fails the transaction, so
nothing of the file is stored.

This module runs in the workers: it imports nothing of Prefect, and nothing of kb.
"""

from __future__ import annotations

import os
import pickle
import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Literal

from extractors.ocr.settings import DEFAULT_SETTINGS, OcrSettings
from flows.workers import file_timeout
from models import DocumentRecord, ErrorRecord, Extraction, Record, StoredBlock, Thumbnail

if TYPE_CHECKING:
    from flows.workers import WorkerPool

BATCH = 2000
Part = Literal["records", "blocks", "thumbnails"]
_PARTS: tuple[Part, ...] = ("records", "blocks", "thumbnails")


class SpoolError(Exception):
    """A spool file that does not hold what was written to it: our fault (or the disk's), never the file's."""


@dataclass(frozen=True)
class Spooled:
    """One file's extraction, waiting in a spool file for the flow's process to store it."""

    path: str
    document: DocumentRecord
    record_types: dict[str, int]
    """How many records of each type, the document's own included, for the run's summary."""
    errors: list[ErrorRecord]
    """The page, shape and region errors among the records, for the run's summary."""

    @contextmanager
    def parts(self) -> Iterator[tuple[Iterator[Record], Iterator[StoredBlock], Iterator[Thumbnail]]]:
        """The records, blocks and thumbnails as written, to be read in that order (each to
        its end before the next), a batch at a time; the spool file is removed afterwards."""
        try:
            with open(self.path, "rb") as spool:
                yield tuple(_read(spool, part) for part in _PARTS)  # type: ignore[misc]
        finally:
            os.remove(self.path)


def extract_to_spool(path: str, sha256: str, ocr: OcrSettings = DEFAULT_SETTINGS) -> Spooled | ErrorRecord:
    """`extract_file` in a worker, its extraction written to a spool file in the worker's
    temporary folder; a file that could not be read yields its error record, as there."""
    # imported in the worker, where the fork server has it loaded: saman's own process, which
    # imports this module for the spool files, never reads a file (extractors.files)
    from extractors.recognisers.pipeline import extract_file

    read = extract_file(path, sha256, ocr)
    return read if isinstance(read, ErrorRecord) else spool(read)


def read_ahead(pool: WorkerPool, files: list[tuple[str, list[str]]], ocr: OcrSettings) -> None:
    """Have `pool` read `files` (sha256 and paths, read in this order) into spool files ahead
    of the flow's tasks, which take each over by asking for the same call (WorkerPool.read_ahead)."""
    pool.read_ahead(extract_to_spool, [(paths[0], sha, ocr) for sha, paths in files], file_timeout())


def spool(extraction: Extraction, folder: str | None = None, batch: int = BATCH) -> Spooled:
    """Write `extraction` to a new spool file (in `folder`, else the temporary folder), `batch`
    records, blocks or thumbnails to a pickle."""
    records = extraction.records
    fd, path = tempfile.mkstemp(prefix="saman-spool-", suffix=".pickle", dir=folder)
    try:
        with os.fdopen(fd, "wb") as out:
            for part, items in zip(_PARTS, (records, extraction.blocks, extraction.thumbnails)):
                _write(out, part, items, batch)
    except BaseException:
        os.remove(path)
        raise
    return Spooled(path=path, document=extraction.document,
                   record_types=dict(Counter([extraction.document.type, *(r.type for r in records)])),
                   errors=[r for r in records if isinstance(r, ErrorRecord)])


def _write(out: IO[bytes], part: Part, items: list, batch: int) -> None:
    for start in range(0, len(items), batch):
        pickle.dump((part, items[start:start + batch]), out, protocol=pickle.HIGHEST_PROTOCOL)
    pickle.dump((part, None), out, protocol=pickle.HIGHEST_PROTOCOL)


def _read(spool: IO[bytes], part: Part) -> Iterator:
    while True:
        try:
            kind, batch = pickle.load(spool)
        except (EOFError, pickle.UnpicklingError, ValueError) as exc:
            raise SpoolError(f"the spool {spool.name} ends before its {part} do ({exc!r})") from exc
        if kind != part:
            raise SpoolError(f"the spool {spool.name} holds {kind} where its {part} should be")
        if batch is None:
            return
        yield from batch

