"""Running tesseract on one page: its languages, the page's time budget, words with boxes, OSD.

Speed (shared STACK_NOTES): tesseract runs with one OpenMP thread per process and pages run
in parallel (extractors.readers.ocr_pages), one tesseract subprocess per worker thread; images reach
tesseract as PGM files the caller wrote (PNG encoding alone costs 0.18 s a page). Every call
for a page shares the page's time budget; a page that runs over it raises
ReadError("timeout"), which costs that page only.

This module knows nothing of tables, layout or text correction: it returns tesseract's words
as it read them.
"""

from __future__ import annotations

import os
import time

import pytesseract

from extractors.ocr.tables import Word
from models.errors import ReadError

# A call is not started with less than this left of the page's budget (seconds).
_LEAST_TIME_S = 0.5


def use_one_thread() -> None:
    """pytesseract passes os.environ to tesseract; more than one OpenMP thread per process
    thrashes on two cores (STACK_NOTES: 99 s instead of 17 s for three pages)."""
    os.environ["OMP_THREAD_LIMIT"] = "1"


class Tesseract:
    """tesseract for one page: its languages, and the time budget every call on it shares,
    counted from when this object is made."""

    def __init__(self, lang: str, page_number: int, budget_s: float) -> None:
        use_one_thread()
        self.lang, self.page_number, self.budget_s = lang, page_number, budget_s
        self.deadline = time.monotonic() + budget_s

    def words(self, pgm: str, dpi: int, psm: int) -> list[Word]:
        """The words tesseract reads in the image file, with boxes, confidences and line keys
        (block, paragraph, line); `psm` is tesseract's page segmentation mode."""
        data = self._run(pytesseract.image_to_data, pgm, lang=self.lang, config=f"--psm {psm} --dpi {dpi}",
                         output_type=pytesseract.Output.DICT)
        words = []
        for i, text in enumerate(data["text"]):
            text = (text or "").strip()
            conf = float(data["conf"][i])
            if data["level"][i] != 5 or not text or conf < 0:
                continue
            left, top = float(data["left"][i]), float(data["top"][i])
            words.append(Word(text, conf, left, top, left + data["width"][i], top + data["height"][i],
                              (data["block_num"][i], data["par_num"][i], data["line_num"][i])))
        return words

    def rotation(self, pgm: str, dpi: int, min_confidence: float) -> int:
        """Degrees (Pillow sense) to turn the page upright according to OSD; 0 when OSD is
        less sure than `min_confidence` or cannot tell (sparse pages make tesseract refuse:
        'Too few characters')."""
        try:
            osd = self._run(pytesseract.image_to_osd, pgm, config=f"--psm 0 --dpi {dpi}",
                            output_type=pytesseract.Output.DICT)
        except pytesseract.TesseractError:
            return 0
        if float(osd.get("orientation_conf", 0)) < min_confidence:
            return 0
        # OSD's "rotate" is clockwise; Pillow turns counter-clockwise.
        return (-int(osd.get("rotate", 0))) % 360

    def _run(self, call, *args: object, **kwargs: object):
        """A pytesseract call within the page's time budget; a timeout becomes ReadError('timeout')."""
        left = self.deadline - time.monotonic()
        if left < _LEAST_TIME_S:
            raise self._timeout()
        try:
            return call(*args, timeout=left, **kwargs)
        except RuntimeError as exc:
            if "timeout" in str(exc).lower():
                raise self._timeout() from exc
            raise

    def _timeout(self) -> ReadError:
        return ReadError("timeout", f"OCR of page {self.page_number} took longer than {self.budget_s:g} s; "
                                    "the page was skipped")
