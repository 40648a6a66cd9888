"""Which language a text is in: py3langid's identifier, loaded once per process, its model
memory-mapped.

py3langid ships its model LZMA-compressed and unpacks it into every process that loads it:
73 MB of arrays (a 39 MB state machine over bytes, a 28 MB table of feature weights), 100 MB
at its peak while unpacking, and half a second, in each worker. So the model is unpacked once
per machine into saman's cache folder, as plain `.npy` arrays, and mapped from there:
read-only pages of the system's page cache, shared by every process that maps them. The
arrays are the package's own, value for value, so every text gets the same language and score
as from py3langid's loader. Where the cache folder cannot be written, the package's loader is
used.

A few pages of text reach most of the model (the kernel maps a file in pieces of up to 2 MB),
but the model is needed only while a file is read, not while its records are made and stored:
`release` drops its pages from the process (extractors.recognisers.pipeline calls it once a
file is read). They stay in the page cache, and the next file maps them again in
milliseconds; on a 1,000-page PDF that takes 52 MB off the process while its records are made.

The readers that ask (the date-and-language step of extractors.readers.metadata, the
text-layer check of extractors.readers.text_layer) share this one identifier.
"""

from __future__ import annotations

import lzma
import mmap
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path

import numpy as np
from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

from extractors import cache

# The model's arrays, as py3langid's trainer names them in its .npz.
_ARRAYS = ("ptc", "pc", "classes", "nextmove", "nextmove_row", "out_feat")


def cache_folder() -> Path:
    """Where the unpacked model is kept: in saman's cache folder (extractors.cache), one
    subfolder per model file and version."""
    model = MODEL_DIR / MODEL_FILE
    stat = model.stat()
    return cache.folder() / "langid" / f"{model.name.split('.')[0]}-{stat.st_size}-{int(stat.st_mtime)}"


def _unpacked(folder: Path) -> Path:
    """`folder` holding the model's arrays as .npy files, unpacked now if it does not yet;
    a folder is made whole beside it and renamed into place, so a process never maps half a model."""
    if all((folder / f"{name}.npy").is_file() for name in _ARRAYS):
        return folder
    folder.parent.mkdir(parents=True, exist_ok=True)
    partial = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
    try:
        with tempfile.TemporaryFile(dir=partial) as npz:
            with lzma.open(MODEL_DIR / MODEL_FILE) as packed:
                shutil.copyfileobj(packed, npz, length=1 << 20)
            npz.seek(0)
            with np.load(npz, allow_pickle=False) as data:
                for name in _ARRAYS:
                    np.save(partial / f"{name}.npy", data[name], allow_pickle=False)
        try:
            partial.rename(folder)
        except OSError:  # another process put it in place first: theirs is the same
            pass
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    return folder


class MappedModel:
    """py3langid's model mapped from `folder` (unpacked there if missing), read-only."""

    def __init__(self, folder: Path) -> None:
        folder = _unpacked(folder)
        self.maps: list[mmap.mmap] = []
        self.arrays = {name: self._map(folder / f"{name}.npy") for name in _ARRAYS}

    def _map(self, path: Path) -> np.ndarray:
        array, mapped = cache.map_npy(path)
        self.maps.append(mapped)
        return array

    def identifier(self) -> LanguageIdentifier:
        """py3langid's identifier over the mapped model, with probabilities normalised to sum to 1."""
        arrays = self.arrays
        # The state machine is walked a byte at a time in Python: a memoryview gives plain ints
        # as fast as the package's array.array does, without copying the mapped pages.
        return LanguageIdentifier(arrays["ptc"], np.array(arrays["pc"]), arrays["classes"].tolist(),
                                  memoryview(arrays["nextmove"]), memoryview(arrays["out_feat"]),
                                  norm_probs=True, tk_row=memoryview(arrays["nextmove_row"]))

    def release(self) -> None:
        """Drop the model's pages from this process; a text that needs them maps them again."""
        for mapped in self.maps:
            mapped.madvise(mmap.MADV_DONTNEED)


@lru_cache(maxsize=1)
def _model() -> MappedModel | None:
    try:
        return MappedModel(cache_folder())
    except OSError:  # no writable cache folder: the package unpacks the model in memory
        return None


@lru_cache(maxsize=1)
def identifier() -> LanguageIdentifier:
    """py3langid over all its languages, with probabilities normalised to sum to 1."""
    model = _model()
    return model.identifier() if model else LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def release() -> None:
    """Drop the model's pages from this process until a text needs them again (see above)."""
    if identifier.cache_info().currsize and (model := _model()):
        model.release()
