"""Running tesseract on one page: its languages, the page's time budget, words with boxes, OSD.

Speed (issue 16): tesseract runs in this process through tesserocr's API. A loaded model
(about 1 s to load nor+eng) is kept in a small pool per language and lent to one call at a
time, so pages OCR'd in parallel threads (extractors.readers.ocr_pages), every cell re-read
and every later document of the process reuse the models already loaded: the pool holds as
many as calls ran at once. Images reach tesseract as the page's greyscale pixels in memory,
no file and no encoding. The wheel's libtesseract is built
without OpenMP, so each call uses one thread. tesserocr is pinned at 2.7.1, whose wheel
bundles tesseract 5.3.4, the engine the system's CLI (5.3.0) is: 2.13.0 bundles 5.5.4, which
segments the corpus scans differently and read them worse (CER 1.1 % against 0.3 %). The
language data is the system's (tesseract-ocr-nor); `tessdata()` finds it.

Every call for a page shares the page's time budget: recognition is cancelled at the
deadline, and a page that runs over it raises ReadError("timeout"), which costs that page
only. Tesseract's layout analysis, which runs before recognition, cannot be cancelled in
process: a page holds its thread until that is done (about 1 s for an A4 page at 300 dpi,
15 s for a 35-megapixel page of dense text) even when its budget is spent.

This module knows nothing of tables, layout or text correction: it returns tesseract's words
as it read them.
"""

from __future__ import annotations

import functools
import glob
import re
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import tesserocr

from extractors.ocr.tables import Word
from models.errors import ReadError

# A call is not started with less than this left of the page's budget (seconds).
_LEAST_TIME_S = 0.5
# Where distributions put tesseract's language data, when `tesseract --list-langs` cannot say.
_KNOWN_TESSDATA = ("/usr/share/tesseract-ocr/*/tessdata", "/usr/share/tessdata", "/usr/local/share/tessdata")
_OSD = "osd"

_idle: dict[str, list[tesserocr.PyTessBaseAPI]] = {}
_idle_lock = threading.Lock()


@functools.cache
def tessdata() -> tuple[str, frozenset[str]]:
    """The folder of tesseract's language data and the languages in it: the one the tesseract
    CLI names, else the first known folder that holds any (the newest version first)."""
    folders = []
    cli = shutil.which("tesseract")
    if cli:
        try:
            listed = subprocess.run([cli, "--list-langs"], capture_output=True, text=True, timeout=30).stdout
            folders += re.findall(r'"([^"]+)"', listed.splitlines()[0]) if listed else []
        except (OSError, subprocess.SubprocessError):
            pass
    folders += sorted((f for pattern in _KNOWN_TESSDATA for f in glob.glob(pattern)), reverse=True)
    for folder in folders:
        languages = frozenset(tesserocr.get_languages(folder)[1])
        if languages:
            return folder.rstrip("/") + "/", languages
    return "", frozenset()


def _require(lang: str) -> str:
    """The tessdata folder that holds every language of `lang` ("nor+eng"); a clear
    ReadError("ocr_failed") saying what to install when one is missing."""
    folder, languages = tessdata()
    missing = [code for code in lang.split("+") if code not in languages]
    if missing:
        where = f"in {folder}" if folder else "(no tessdata folder found)"
        raise ReadError("ocr_failed", f"OCR needs tesseract's language data for {', '.join(missing)}, which is not "
                                      f"installed {where}; install " + " and ".join(f"tesseract-ocr-{c}" for c in missing),
                        detail=f"found languages: {', '.join(sorted(languages)) or 'none'}")
    return folder


@contextmanager
def _api(lang: str) -> Iterator[tesserocr.PyTessBaseAPI]:
    """A loaded tesseract for `lang`, lent to this call alone (a PyTessBaseAPI must not be
    used by two threads at once) and given back to the pool afterwards."""
    with _idle_lock:
        api = _idle[lang].pop() if _idle.get(lang) else None
    if api is None:
        api = _load(lang)
    try:
        yield api
    finally:
        with _idle_lock:
            _idle.setdefault(lang, []).append(api)


def _load(lang: str) -> tesserocr.PyTessBaseAPI:
    folder = _require(lang)
    psm = tesserocr.PSM.OSD_ONLY if lang == _OSD else tesserocr.PSM.AUTO
    try:
        return tesserocr.PyTessBaseAPI(path=folder, lang=lang, psm=psm)
    except RuntimeError as exc:
        raise ReadError("ocr_failed", f"tesseract could not load its language data for {lang} from {folder}",
                        detail=str(exc)) from exc


def _set_image(api: tesserocr.PyTessBaseAPI, image: np.ndarray, dpi: int) -> None:
    """Hand the greyscale pixels to tesseract as they lie in memory."""
    pixels = np.ascontiguousarray(image, dtype=np.uint8)
    height, width = pixels.shape
    api.SetImageBytes(pixels.tobytes(), width, height, 1, width)
    api.SetSourceResolution(dpi)


class Tesseract:
    """tesseract for one page: its languages, and the time budget every call on it shares,
    counted from when this object is made."""

    def __init__(self, lang: str, page_number: int, budget_s: float) -> None:
        self.lang, self.page_number, self.budget_s = lang, page_number, budget_s
        self.deadline = time.monotonic() + budget_s

    def words(self, image: np.ndarray, dpi: int, psm: int) -> list[Word]:
        """The words tesseract reads in the greyscale image, with boxes, confidences and line
        keys (block, paragraph, line, numbered as tesseract's TSV output numbers them);
        `psm` is tesseract's page segmentation mode."""
        with _api(self.lang) as api:
            api.SetPageSegMode(psm)
            _set_image(api, image, dpi)
            self._recognise(api)
            return _words(api)

    def rotation(self, image: np.ndarray, dpi: int, min_confidence: float) -> int:
        """Degrees (Pillow sense) to turn the page upright according to OSD; 0 when OSD is
        less sure than `min_confidence` or cannot tell (sparse pages: too few characters)."""
        self._time_left()
        with _api(_OSD) as api:
            _set_image(api, image, dpi)
            osd = api.DetectOrientationScript()
        if not osd or float(osd.get("orient_conf", 0)) < min_confidence:
            return 0
        # orient_deg is how far the page is turned clockwise; Pillow turns counter-clockwise.
        return int(osd.get("orient_deg", 0)) % 360

    def _recognise(self, api: tesserocr.PyTessBaseAPI) -> None:
        """Recognition within the page's time budget: cancelled at the deadline, which
        becomes ReadError('timeout')."""
        left = self._time_left()
        if not api.Recognize(timeout=max(1, int(left * 1000))):
            if time.monotonic() >= self.deadline - 0.05:
                raise self._timeout()
            raise ReadError("ocr_failed", f"tesseract could not read page {self.page_number}; the page's text is missing")

    def _time_left(self) -> float:
        left = self.deadline - time.monotonic()
        if left < _LEAST_TIME_S:
            raise self._timeout()
        return left

    def _timeout(self) -> ReadError:
        return ReadError("timeout", f"OCR of page {self.page_number} took longer than {self.budget_s:g} s; "
                                    "the page was skipped")


def _words(api: tesserocr.PyTessBaseAPI) -> list[Word]:
    """The recognised words with boxes, the empty and the unsure (confidence < 0) left out."""
    words: list[Word] = []
    iterator = api.GetIterator()
    if iterator is None:
        return words
    block = par = line = 0
    level = tesserocr.RIL.WORD
    for word in tesserocr.iterate_level(iterator, level):
        if word.IsAtBeginningOf(tesserocr.RIL.BLOCK):
            block, par, line = block + 1, 0, 0
        if word.IsAtBeginningOf(tesserocr.RIL.PARA):
            par, line = par + 1, 0
        if word.IsAtBeginningOf(tesserocr.RIL.TEXTLINE):
            line += 1
        try:
            text = (word.GetUTF8Text(level) or "").strip()
        except RuntimeError:  # tesserocr's "No text returned": a word element holding no text
            continue
        conf = float(word.Confidence(level))
        box = word.BoundingBox(level)
        if not text or conf < 0 or box is None:
            continue
        left, top, right, bottom = (float(v) for v in box)
        words.append(Word(text, conf, left, top, right, bottom, (block, par, line)))
    return words
