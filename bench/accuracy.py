"""Precision, recall and F1 per record type of a corpus KB against corpus/gold.jsonl.

Run as `python -m bench.accuracy [--kb FILE]`: without --kb, the corpus is ingested into a
temporary KB first. Files are grouped as born-digital (text layer or slides) and OCR'd
(scans, pictures, screenshots), because their error rates differ and are reported apart.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from rich.table import Table

from bench.report import show_and_save
from kb.export import write_jsonl
from kb.store import open_kb
from tests.gold import load_gold
from tests.scoring import KEYS, score

ROOT = Path(__file__).resolve().parent.parent


def exported(kb_path: Path) -> list[dict]:
    import io

    out = io.StringIO()
    with open_kb(kb_path, readonly=True) as kb:
        write_jsonl(kb, out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--kb", type=Path, default=None)
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "results" / "accuracy.json")
    args = parser.parse_args(argv)
    kb_path = args.kb
    if kb_path is None:
        from flows.ingest import ingest_flow

        kb_path = Path(tempfile.mkdtemp()) / "corpus.db"
        ingest_flow([str(ROOT / "corpus")], str(kb_path), show_progress=False)
    records = exported(kb_path)
    gold = load_gold()
    docs = {r["file_name"]: r for r in records if r["type"] == "document"}
    ocr = {name for name, d in docs.items() if d["ocr_pages"]}
    groups = {"all": set(docs), "born-digital": set(docs) - ocr, "ocr": ocr}
    table = Table(title="Records against corpus/gold.jsonl")
    for column in ("type", "files", "gold", "found", "precision", "recall", "F1"):
        table.add_column(column)
    results: dict = {}
    for record_type in KEYS:
        for group, files in groups.items():
            s = score(record_type, records, gold, files)
            if not s.gold:
                continue
            results.setdefault(record_type, {})[group] = {
                "gold": s.gold, "found": s.found, "precision": round(s.precision, 3), "recall": round(s.recall, 3),
                "f1": round(s.f1, 3), "missed": [list(k) for k in s.missed], "extra": [list(k) for k in s.extra]}
            table.add_row(record_type, group, str(s.gold), str(s.found), f"{s.precision:.3f}", f"{s.recall:.3f}", f"{s.f1:.3f}")
    show_and_save(table, results, args.json)
    return results


if __name__ == "__main__":
    main()
