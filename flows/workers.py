"""The worker processes files are read in, and how a hostile file is kept from hurting the run.

Reading runs in spawned worker processes with a memory ceiling, so a decompression bomb or a
runaway parser fails with MemoryError inside its worker instead of taking the machine down. A
file that hangs past its timeout gets its worker pool killed and a `timeout` error; a file
that was only in flight when another file broke the pool is tried once more on a fresh pool
(that failure can pass on retry); a file that breaks a fresh pool itself is a `crash` error.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import resource
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool

WORKER_MEMORY_MB = int(os.environ.get("SAMAN_WORKER_MEMORY_MB", "4096"))


def _limit_memory(megabytes: int) -> None:
    limit = megabytes * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


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
        reuse its warm workers instead of paying their start-up (~3 s: spaCy, the gazetteer)."""
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

    def _current(self) -> tuple[ProcessPoolExecutor, int]:
        with self._lock:
            if self._pool is None:
                self._pool = ProcessPoolExecutor(
                    max_workers=self.workers,
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=_limit_memory,
                    initargs=(self.memory_mb,),
                )
                self._generation += 1
            return self._pool, self._generation

    def _discard(self, generation: int, kill: bool) -> None:
        """Drop the pool of `generation` (once, whichever thread gets here first)."""
        with self._lock:
            if self._pool is None or generation != self._generation:
                return
            pool, self._pool = self._pool, None
        if kill:
            for process in list(getattr(pool, "_processes", {}).values()):
                process.kill()
        pool.shutdown(wait=False, cancel_futures=True)

    def run(self, fn: Callable, *args: object, timeout: float) -> tuple[str, object]:
        """("ok", result), ("timeout", None) or ("crash", None); never raises for a bad file."""
        with self._slots:
            for attempt in range(2):
                pool, generation = self._current()
                try:
                    future = pool.submit(fn, *args)
                    return "ok", future.result(timeout=timeout)
                except FutureTimeout:
                    self._discard(generation, kill=True)
                    return "timeout", None
                except BrokenProcessPool:
                    self._discard(generation, kill=False)
                    if attempt:
                        return "crash", None
                except Exception:  # the worker raised (it should not): this file failed, the pool is fine
                    return "crash", None
        return "crash", None

    def close(self) -> None:
        WorkerPool._open.pop(id(self), None)
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
