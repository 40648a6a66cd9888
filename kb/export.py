"""`saman export`: the KB's records in the shape shared/RECORDS.md fixes.

JSON Lines holds every record type in one stream (documents first); CSV and Parquet are
tabular, so they get one file per record type in the output folder, written through pandas,
with list fields as JSON text in CSV and as real lists in Parquet.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import IO

from kb.schema import json_columns
from kb.store import KB
from models import RECORD_TYPES

FORMATS = ("jsonl", "csv", "parquet")


def write_jsonl(kb: KB, out: IO[str]) -> int:
    n = 0
    with kb.snapshot():
        for record_type in RECORD_TYPES:
            for record in kb.records(record_type):
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
                n += 1
    return n


def export(kb: KB, fmt: str, out: str | None) -> str:
    """Write the export; returns where it went (a file, a folder, or '-' for stdout)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if fmt == "jsonl":
        if out in (None, "-"):
            write_jsonl(kb, sys.stdout)
            return "-"
        with open(out, "w", encoding="utf-8") as fh:
            write_jsonl(kb, fh)
        return out
    folder = Path(out or "export")
    folder.mkdir(parents=True, exist_ok=True)
    with kb.snapshot():
        frames = {record_type: kb.frame(record_type) for record_type in RECORD_TYPES}
    for record_type, frame in frames.items():
        target = folder / f"{record_type}.{fmt}"
        if fmt == "csv":
            for col in json_columns(record_type):
                frame[col] = frame[col].map(lambda v: json.dumps(v, ensure_ascii=False))
            frame.to_csv(target, index=False)
        else:
            frame.to_parquet(target, index=False)
    return str(folder)
