"""The plugin's own read-only connection to the KB, one per server thread, under the time limit.

Search and the dossier run saman's Python API (kb.search, kb.dossier) rather than Datasette's
SQL, so they need a kb.store.KB: `reading(kb_path, work)` runs `work(kb)` on this thread's KB
(opened read-only once per thread), stopped by SQLite when it runs past the server's time limit
(the interrupted query raises sqlite3.OperationalError "interrupted").
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TypeVar

from kb.store import KB, open_kb
from kb.web.datasette_metadata import SQL_TIME_LIMIT_MS

T = TypeVar("T")
_local = threading.local()


def _kb(path: str) -> KB:
    kb = getattr(_local, "kb", None)
    if kb is None or kb.path != path:
        kb = _local.kb = open_kb(path, readonly=True)
    return kb


def _deadline_handler(seconds: float):
    """An SQLite progress handler that stops a query running past the server's time limit."""
    deadline = time.monotonic() + seconds
    return lambda: 1 if time.monotonic() > deadline else 0


def reading(kb_path: str, work: Callable[[KB], T]) -> T:
    """`work(kb)` on this thread's read-only KB, within the server's time limit."""
    kb = _kb(kb_path)
    kb.db.set_progress_handler(_deadline_handler(SQL_TIME_LIMIT_MS / 1000), 10_000)
    try:
        return work(kb)
    finally:
        kb.db.set_progress_handler(None, 0)
