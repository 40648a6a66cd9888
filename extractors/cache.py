"""saman's cache folder, and arrays kept there as `.npy` files that every process maps.

What a process would otherwise make again at each start (the language model unpacked,
extractors.lang.identify; the word lists' hashes, extractors.lang.lexicon) is made once per
machine and mapped read-only: pages of the system's page cache that every process mapping
them shares, in milliseconds instead of half a second of CPU each.
"""

from __future__ import annotations

import mmap
import os
import tempfile
from pathlib import Path

import numpy as np


def folder() -> Path:
    """saman's cache folder: $XDG_CACHE_HOME/saman, or ~/.cache/saman."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "saman"


def map_npy(path: Path) -> tuple[np.ndarray, mmap.mmap]:
    """The array of the `.npy` file at `path`, mapped read-only, and its map (to release or close)."""
    with open(path, "rb") as fh:
        version = np.lib.format.read_magic(fh)
        read_header = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
        shape, fortran, dtype = read_header(fh)
        offset = fh.tell()
        mapped = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
    count = int(np.prod(shape))
    array = np.frombuffer(mapped, dtype=dtype, count=count, offset=offset).reshape(shape, order="F" if fortran else "C")
    return array, mapped


def save_npy(path: Path, array: np.ndarray) -> None:
    """Write `array` to `path` whole: to a file beside it, renamed into place, so that a
    process never maps half an array (another process's copy, put there first, is the same)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, partial = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            np.save(out, array, allow_pickle=False)
        os.replace(partial, path)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
