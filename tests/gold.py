"""Reading and updating corpus/gold.jsonl, the hand-checked expected records.

Gold lines follow shared/RECORDS.md but leave out `doc_id` and `sha256` (they change whenever
the corpus is rebuilt); `file_name` and `page` identify where a record belongs. A document
line's `work_id` is a label naming the work (the files that share it are one work in the
export, whatever id the export gives it). Several people
grow the file at once, one record type each, so `replace_gold` rewrites only the lines of one
type, under a lock.
"""

from __future__ import annotations

import fcntl
import json
from pathlib import Path

GOLD = Path(__file__).resolve().parent.parent / "corpus" / "gold.jsonl"


def load_gold(record_type: str | None = None) -> list[dict]:
    if not GOLD.exists():
        return []
    lines = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [g for g in lines if record_type is None or g["type"] == record_type]


def replace_gold(record_type: str, records: list[dict]) -> None:
    """Replace every gold line of `record_type` with `records`, keeping the other types."""
    GOLD.parent.mkdir(parents=True, exist_ok=True)
    with open(GOLD.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        kept = [g for g in load_gold() if g["type"] != record_type]
        new = kept + [{"type": record_type, **{k: v for k, v in r.items() if k != "type"}} for r in records]
        text = "".join(json.dumps(g, ensure_ascii=False, sort_keys=False) + "\n" for g in new)
        GOLD.write_text(text, encoding="utf-8")
