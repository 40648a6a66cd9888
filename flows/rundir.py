"""One folder for the temporary files of a run, removed when the run ends, or by the next run.

Readers make temporary files (OCR page images, LibreOffice conversions and profiles, the
Prefect server's log); a run killed with `kill -9` gets no chance to remove them. So every
temporary file a run's processes make goes under `$TMPDIR/saman-run-<pid>/` (the workers get it
as their TMPDIR and `tempfile.tempdir`), the run holds an flock on that folder's lock file as
long as it lives, and a later run removes every such folder whose lock it can take: the kernel
releases a lock when its holder dies, however it dies, so a live run's folder is never taken
and a dead one's is never kept (a reused pid cannot fool it).
"""

from __future__ import annotations

import atexit
import fcntl
import os
import shutil
import tempfile
from pathlib import Path

PREFIX = "saman-run-"
_LOCK = ".lock"
_current: tuple[Path, object] | None = None


def current() -> Path:
    """This process's run folder, made (and the dead runs' folders removed) on first use."""
    global _current
    if _current is None or _current[0].parent != Path(tempfile.gettempdir()):
        remove_dead()
        folder = Path(tempfile.gettempdir()) / f"{PREFIX}{os.getpid()}"
        folder.mkdir(exist_ok=True)
        lock = open(folder / _LOCK, "w")  # noqa: SIM115 — held open for the life of the process
        fcntl.flock(lock, fcntl.LOCK_EX)
        _current = (folder, lock)
        atexit.register(_remove, folder, lock)
    return _current[0]


def remove_dead() -> list[Path]:
    """Remove the run folders whose run has ended; returns them."""
    removed = []
    for folder in Path(tempfile.gettempdir()).glob(f"{PREFIX}*"):
        if folder.name != f"{PREFIX}{os.getpid()}" and folder.is_dir() and _ended(folder):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def _ended(folder: Path) -> bool:
    try:
        with open(folder / _LOCK) as lock:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
    except BlockingIOError:  # its run holds the lock: alive
        return False
    except FileNotFoundError:  # made but not locked yet, or its run died in between
        pid = folder.name[len(PREFIX):]
        return pid.isdigit() and not _alive(int(pid))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def _remove(folder: Path, lock: object) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    lock.close()  # type: ignore[attr-defined]
