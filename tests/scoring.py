"""Precision, recall and F1 of records against the gold, one match key per record type.

A record counts as found when its key equals a gold record's key; the keys name what a
researcher would check first (where, and the value), not every field. Used by the
end-to-end test and by `python -m bench.accuracy` for the figures in the closing notes.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

KEYS: dict[str, Callable[[dict], tuple]] = {
    "document": lambda r: (r["file_name"], r["n_pages"], r["title"], r["date"], r["language"]),
    "page": lambda r: (r["file_name"], r["page"], r["title"]),
    "table": lambda r: (r["file_name"], r["page"], json.dumps(r["rows"], ensure_ascii=False)),
    "municipality": lambda r: (r["file_name"], r["page"], r["kommunenummer"]),
    "theme": lambda r: (r["file_name"], r["page"], r["theme"]),
    "count": lambda r: (r["file_name"], r["page"], float(r["value"]), r["unit"]),
    "measure": lambda r: (r["file_name"], r["page"], r["kommunenummer"], r["measure"], r["value"]),
}


@dataclass(frozen=True)
class Score:
    gold: int
    found: int
    hits: int
    missed: tuple[tuple, ...]
    extra: tuple[tuple, ...]

    @property
    def precision(self) -> float:
        return self.hits / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.hits / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def score(record_type: str, found: Iterable[dict], gold: Iterable[dict], files: set[str]) -> Score:
    """Score the records of one type on the given files (both sides restricted to them)."""
    key = KEYS[record_type]
    return prf((key(r) for r in found if r["type"] == record_type and r["file_name"] in files),
               (key(g) for g in gold if g["type"] == record_type and g["file_name"] in files))


def prf(found: Iterable[tuple], expected: Iterable[tuple]) -> Score:
    """Score found keys against expected keys (a multiset: a key found twice counts twice)."""
    got, want = Counter(found), Counter(expected)
    hits = want & got
    return Score(
        gold=sum(want.values()),
        found=sum(got.values()),
        hits=sum(hits.values()),
        missed=tuple(sorted((want - got).elements(), key=str)),
        extra=tuple(sorted((got - want).elements(), key=str)),
    )
