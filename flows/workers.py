"""The worker processes files are read in, and how a hostile file is kept from hurting the run.

Reading runs in worker processes with a memory ceiling, so a decompression bomb or a runaway
parser fails with MemoryError inside its worker instead of taking the machine down. A file
that hangs past its timeout gets its worker pool killed and a `timeout` error; a file that was
only in flight when another file broke the pool is tried once more on a fresh pool (that
failure can pass on retry); a file that breaks a fresh pool itself is a `crash` error, and an
exception that escapes the reader (which should not happen) is `internal`, ours.

Workers are forked from a fork server that has imported what reading needs once (spaCy, the
recognisers, OCR: ~3 s), so a pool starts at once and a pool replaced after a timeout too; the
fork server is kept single-threaded (no BLAS or allocator threads) so forking it is safe.
Nothing outlives the run: each worker watches the run's process (a pidfd, so a reused pid
cannot fool it) and, when it ends however it ends, ends its own children (tesseract,
LibreOffice) and itself; the fork server exits once the run and its workers are gone (they
all hold its pipe), and so does multiprocessing's resource tracker. The workers keep their
temporary files in the run's folder (flows.rundir), which a later run removes if this one was
killed.
"""

from __future__ import annotations

import atexit
import multiprocessing
import multiprocessing.forkserver
import multiprocessing.util
import os
import resource
import select
import signal
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from typing import Literal

from models.errors import describe
from flows import rundir

WORKER_MEMORY_MB = int(os.environ.get("SAMAN_WORKER_MEMORY_MB", "4096"))

Outcome = Literal["ok", "timeout", "crash", "internal"]
"""How a call in a worker ended: every outcome but `ok` is also the `error_kind` of the file's error."""


def file_timeout() -> float:
    """Seconds a file may take to read (SAMAN_FILE_TIMEOUT, default 900)."""
    return float(os.environ.get("SAMAN_FILE_TIMEOUT", "900"))


# What a call that a closed pool never read ends with.
_CLOSED = "the worker pool was closed before the file was read"
# How often a worker checks that the run's process is still there, where pidfds are missing.
RUN_CHECK_S = 0.5
# One thread per process (the pool is the parallelism): BLAS and pyarrow's allocator would
# otherwise start threads in the fork server, and a process with threads is unsafe to fork.
_SINGLE_THREADED = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "JE_ARROW_MALLOC_CONF": "background_thread:false"}


def _preload() -> list[str]:
    """The modules reading a file imports, loaded once in the fork server (a name that no
    longer exists is skipped by multiprocessing, and costs each worker the import only), and
    last flows.fork_warm_up, which loads the data a first file would (and so imports every
    recogniser). Named here, not found by importing them: the fork server is started before
    this process has imported any of them (start_fork_server)."""
    return ["extractors.recognisers.pipeline", "extractors.readers.ocr_pages", "extractors.readers.office",
            "extractors.readers.image", "flows.spool", "flows.fork_warm_up"]


def start_fork_server() -> None:
    """Start the workers' fork server now: it loads the readers, the recognisers and their
    data (about 2 s) while this process plans the files and imports Prefect, instead of after.
    The pool's workers are forked from it when the first file is read; a command that finds
    nothing to read leaves it to stop with this process."""
    _context()
    multiprocessing.forkserver.ensure_running()


# The longest path of a UNIX socket (sun_path holds 108 bytes with its NUL).
_SOCKET_PATH_MAX = 107


def _context() -> multiprocessing.context.BaseContext:
    for key, value in _SINGLE_THREADED.items():
        os.environ.setdefault(key, value)
    _short_socket_folder()
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(_preload())
    return context


def _short_socket_folder() -> None:
    """The fork server listens on a UNIX socket in multiprocessing's temporary folder
    (`$TMPDIR/pymp-XXXXXXXX/listener-XXXXXXXX`); under a deep TMPDIR (a CI job's folder) that
    path is longer than a socket may be, and every file would fail with "AF_UNIX path too long".
    Then multiprocessing's folder is made under /tmp instead (it removes it at exit as usual)."""
    longest = os.path.join(tempfile.gettempdir(), "pymp-" + "x" * 8, "listener-" + "x" * 8)
    if len(os.fsencode(longest)) <= _SOCKET_PATH_MAX:
        return
    chosen = tempfile.tempdir
    tempfile.tempdir = "/tmp"
    try:
        multiprocessing.util.get_temp_dir()  # made once per process, and kept
    finally:
        tempfile.tempdir = chosen


def _start_worker(memory_mb: int, tmpdir: str, run_pid: int) -> None:
    """The initializer of every worker: memory ceiling, the run's temporary folder, and a
    watch on the run's process."""
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    os.environ["TMPDIR"] = tmpdir  # for tesseract and LibreOffice too
    tempfile.tempdir = tmpdir
    threading.Thread(target=_end_with_run, args=(run_pid,), name="saman-run-watch", daemon=True).start()


def _end_with_run(run_pid: int) -> None:
    _wait_for_end(run_pid)
    _kill(_descendants(os.getpid()))
    os._exit(1)


def _wait_for_end(pid: int) -> None:
    """Return when process `pid` has ended."""
    pidfd_open = getattr(os, "pidfd_open", None)
    try:
        fd = pidfd_open(pid) if pidfd_open else None
    except ProcessLookupError:
        return
    except OSError:  # a kernel without pidfds
        fd = None
    if fd is not None:
        select.select([fd], [], [])
        return
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(RUN_CHECK_S)


def _kill(pids: list[int]) -> None:
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:  # ended already
            pass


def _descendants(root: int) -> list[int]:
    """Every live process below `root` (Linux /proc), children first."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _exit_detail(pool: ProcessPoolExecutor) -> str:
    """How the pool's workers ended, for the `detail` of a `crash` error."""
    codes = [p.exitcode for p in list((getattr(pool, "_processes", None) or {}).values())]
    died = [c for c in codes if c not in (None, 0, -signal.SIGTERM)]
    if not died:
        return "a worker process ended abruptly"
    # A worker ended by a signal is the cause; others of the broken pool may exit with a status.
    code = min(died)
    if code < 0:
        name = signal.Signals(-code).name
        why = " (killed: often the system's out-of-memory killer)" if -code == signal.SIGKILL else ""
        return f"a worker process was ended by {name}{why}"
    return f"a worker process exited with status {code}"


class WorkerPool:
    """A process pool that can be killed and replaced while threads keep submitting to it.

    Open pools are registered by id, so a Prefect task can name its pool in a parameter that
    stays picklable (a pool itself cannot travel to another process).
    """

    _open: dict[int, WorkerPool] = {}
    _shared: dict[int, WorkerPool] = {}

    @classmethod
    def shared(cls, workers: int) -> WorkerPool:
        """The process's pool of this size: successive flow runs (a Python session, the tests)
        reuse its workers instead of starting new ones."""
        if workers not in cls._shared:
            if not cls._shared:
                atexit.register(cls._close_shared)
            pool = cls._shared[workers] = cls(workers)
            cls._open[id(pool)] = pool
        return cls._shared[workers]

    @classmethod
    def _close_shared(cls) -> None:
        for pool in list(cls._shared.values()):
            pool.close()
        cls._shared.clear()

    @classmethod
    def by_id(cls, pool_id: int) -> WorkerPool:
        return cls._open[pool_id]

    def __init__(self, workers: int, memory_mb: int = WORKER_MEMORY_MB) -> None:
        self.workers = workers
        self.memory_mb = memory_mb
        self._lock = threading.Lock()
        # Files wait here, not in the pool's queue, so a file's timeout starts when it starts.
        self._slots = threading.BoundedSemaphore(workers)
        self._pool: ProcessPoolExecutor | None = None
        self._generation = 0
        self._closed = False
        self._ahead_lock = threading.Lock()
        self._ahead: dict[tuple, Future] = {}  # (fn, *args) read ahead → its result, until taken
        self._ahead_queue: deque[tuple[tuple, Future, float]] = deque()  # the calls not begun yet, with their timeouts
        self._readers = 0  # threads reading the queue

    def _current(self) -> tuple[ProcessPoolExecutor | None, int]:
        """The live pool (started on first use), or None once the pool is closed."""
        with self._lock:
            if self._closed:
                return None, self._generation
            if self._pool is None:
                self._pool = ProcessPoolExecutor(
                    max_workers=self.workers,
                    mp_context=_context(),
                    initializer=_start_worker,
                    initargs=(self.memory_mb, str(rundir.current()), os.getpid()),
                )
                self._generation += 1
            return self._pool, self._generation

    def _discard(self, generation: int, kill: bool) -> None:
        """Drop the pool of `generation` (once, whichever thread gets here first)."""
        with self._lock:
            if self._pool is None or generation != self._generation:
                return
            pool, self._pool = self._pool, None
        if kill:  # with what it started: a hung tesseract or LibreOffice must not live on
            for process in list((getattr(pool, "_processes", None) or {}).values()):
                _kill(_descendants(process.pid))
                process.kill()
        pool.shutdown(wait=False, cancel_futures=True)

    def read_ahead(self, fn: Callable, calls: list[tuple], timeout: float) -> None:
        """Start the workers and `fn(*args)` for each of `calls`, in this order, in the
        background: a run reads its files from the moment its plan is made, while Prefect
        starts, and the flow's `run` of the same call takes its result over (waiting for it,
        so the files are read in the order given here, not in the order the flow's tasks ask
        for them: the plan puts the longest first, so the run does not end on one long file
        begun late). What waits to be taken is small: a file read is handed over in a spool
        file (flows.spool), only its name and counts in memory."""
        with self._ahead_lock:
            for args in calls:
                call = (fn, *args)
                if call not in self._ahead:
                    future = self._ahead[call] = Future()
                    self._ahead_queue.append((call, future, timeout))
            # One reader a worker, however often calls are added: each takes the next call
            # and a slot, so the calls begin in order. A reader stops being counted, under
            # the lock, as it finds the queue empty: none is counted that will not read.
            while self._readers < self.workers:
                self._readers += 1
                threading.Thread(target=self._reader, name="saman-read-ahead", daemon=True).start()

    def _reader(self) -> None:
        """Read the queued calls one after another until none is left."""
        while True:
            with self._ahead_lock:
                if not self._ahead_queue:
                    self._readers -= 1
                    return
                call, future, timeout = self._ahead_queue.popleft()
            try:
                result = self._run(call[0], *call[1:], timeout=timeout)
            except Exception as exc:  # noqa: BLE001 — ours (the pool would not start): the flow waits for every result
                result = ("internal", describe(exc))
            future.set_result(result)

    def run(self, fn: Callable, *args: object, timeout: float) -> tuple[Outcome, object]:
        """("ok", result), ("timeout", None), ("crash", detail) or ("internal", detail); never
        raises for a bad file. `crash`: the worker process died on the file; `internal`: an
        exception escaped `fn` in the worker, a fault of ours. A call read ahead is not run
        again: its result is handed over, once it is read."""
        with self._ahead_lock:
            ahead = self._ahead.pop((fn, *args), None)
        if ahead is not None:
            return ahead.result()
        return self._run(fn, *args, timeout=timeout)

    def _run(self, fn: Callable, *args: object, timeout: float) -> tuple[Outcome, object]:
        with self._slots:
            detail = "a worker process ended abruptly"
            for attempt in range(2):
                pool, generation = self._current()
                if pool is None:  # closed while this call waited (a file read ahead for a run that ended)
                    return "internal", _CLOSED
                try:
                    future = pool.submit(fn, *args)
                    return "ok", future.result(timeout=timeout)
                except FutureTimeout:
                    self._discard(generation, kill=True)
                    return "timeout", None
                except BrokenProcessPool:
                    detail = _exit_detail(pool)
                    self._discard(generation, kill=False)
                    if attempt:
                        return "crash", detail
                except Exception as exc:  # the worker raised (it should not): this file failed, the pool is fine
                    return "internal", describe(exc)
        return "crash", detail

    def close(self) -> None:
        WorkerPool._open.pop(id(self), None)
        with self._lock:
            self._closed = True
        with self._ahead_lock:
            for _, future, _ in self._ahead_queue:  # not begun: nothing to wait for
                future.set_result(("internal", _CLOSED))
            self._ahead_queue.clear()
            abandoned = any(not future.done() for future in self._ahead.values())
        if abandoned:  # read ahead for a run that ended before it took them (Prefect failed): no waiting for them
            self._discard(self._generation, kill=True)
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
