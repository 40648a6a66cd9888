"""How saman reads documents it was not written on: generated splits, scored per condition.

    python -m bench.generalise --split train          # the split to look at while tuning
    python -m bench.generalise --split test           # the split that is only ever scored
    python -m bench.generalise --split test --limit 60 --conditions photo,photocopy
    python -m bench.generalise --split train --ocr-setting dpi=200   # an OCR setting changed

Each document of the split (bench/generate) is read the way `saman ingest` reads it (sniff,
read, OCR where needed, the recognisers; `--ocr-setting NAME=VALUE`, repeatable, changes an
OCR setting as it does there) in worker processes, and scored against the gold
the generator wrote from its own data, per capture condition:

- **table cell accuracy**: each gold table against the best-matching table the reader found
  on its pages; rows are aligned in order (a lost row costs its own cells, not every row
  after it) and cells compared at the same column, after white space is collapsed; matched
  non-empty cells over the larger of the gold's and the found table's non-empty cells, so
  junk cells cost as much as lost ones. A table not found scores 0.
- **CER**: character error rate of each page's text (every block but slide notes) against
  the text drawn on it, words in sorted order (bench.scans.cer), so reading order does not
  count but every wrong, lost or extra letter does.
- **municipality and count F1**: mentions keyed by page and kommunenummer; counts by page,
  value and unit (counts saman reads from tables are left out on both sides).
- **pages/s**: pages over the summed reading time of the workers (reading and recognising;
  no KB, no thumbnails).

Results go to bench/results/generalise-<split>.json. The generated files are cached under
bench/generated/<split>/ and remade when the generator's code changes.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import json
import multiprocessing
import time
import unicodedata
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from rich.table import Table

from bench.cer import all_text
from bench.generate.build import CONDITIONS, SPLITS, build_split
from bench.report import show_and_save
from bench.scans import cer
from extractors.ocr.settings import SettingError, ocr_settings, parse_assignments
from tests.scoring import prf

ROOT = Path(__file__).resolve().parent.parent
GENERATED = ROOT / "bench" / "generated"
RESULTS = ROOT / "bench" / "results"


def generator_stamp() -> str:
    """A hash of the generator's code: cached documents are remade when it changes."""
    digest = hashlib.sha256()
    for path in sorted((ROOT / "bench" / "generate").glob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def ensure_split(split: str, limit: int | None) -> tuple[Path, list[dict]]:
    """The split's folder and its gold, generated if missing or stale."""
    dest = GENERATED / split
    stamp = dest / "generator.stamp"
    want = f"{generator_stamp()} {limit}"
    if not (stamp.exists() and stamp.read_text() == want and (dest / "gold.jsonl").exists()):
        for old in dest.glob("*"):
            old.unlink()
        build_split(split, dest, limit)
        stamp.write_text(want)
    gold = [json.loads(line) for line in (dest / "gold.jsonl").read_text(encoding="utf-8").splitlines()]
    return dest, gold


def read_one(path: str, ocr_changes: dict[str, str] | None = None) -> dict:
    """Read and recognise one file in a worker: what scoring needs, and how long it took."""
    from models.errors import ReadError
    from extractors.ocr.settings import ocr_settings
    from extractors.recognisers.pipeline import reading_options, recognise
    from extractors.readers.base import read_document
    from extractors.files import sha256_of

    started = time.process_time()
    try:
        doc = read_document(path, sha256_of(path), reading_options(ocr_settings(ocr_changes or {})))
        records = [r.model_dump(mode="json") for r in recognise(doc)]
    except ReadError as exc:
        return {"file_name": Path(path).name, "error": f"{exc.kind}: {exc.message}", "seconds": time.process_time() - started}
    return {
        "file_name": Path(path).name,
        "seconds": time.process_time() - started,
        "pages": {p.number: all_text(p, raw=False) for p in doc.pages},
        "tables": [{"pages": t.pages, "rows": t.rows} for t in doc.tables],
        "municipalities": [(r["page"], r["kommunenummer"]) for r in records if r["type"] == "municipality"],
        "counts": [(r["page"], float(r["value"]), r["unit"]) for r in records
                   if r["type"] == "count" and not r.get("table_id")],
    }


def _cell(text: str | None) -> str:
    return " ".join(unicodedata.normalize("NFC", text or "").split())


def table_accuracy(gold: list[list[str]], found: list[list[str]]) -> float:
    """Matched non-empty cells, rows aligned in order, over the larger side's non-empty cells."""
    g = [[_cell(c) for c in row] for row in gold]
    f = [[_cell(c) for c in row] for row in found]

    def matches(a: list[str], b: list[str]) -> int:
        return sum(1 for x, y in zip(a, b) if x and x == y)

    best = [[0] * (len(f) + 1) for _ in range(len(g) + 1)]
    for i in range(len(g)):
        for j in range(len(f)):
            best[i + 1][j + 1] = max(best[i][j + 1], best[i + 1][j], best[i][j] + matches(g[i], f[j]))
    cells = max(sum(1 for row in g for c in row if c), sum(1 for row in f for c in row if c))
    return best[len(g)][len(f)] / cells if cells else 1.0


def score_tables(gold: list[dict], found: list[dict]) -> list[float]:
    """One accuracy per gold table: the best unused found table on its pages."""
    used: set[int] = set()
    out = []
    for table in gold:
        pages = set(table["pages"])
        options = [(table_accuracy(table["rows"], t["rows"]), k) for k, t in enumerate(found)
                   if k not in used and pages & set(t["pages"])]
        accuracy, k = max(options, default=(0.0, None))
        if k is not None:
            used.add(k)
        out.append(accuracy)
    return out


def score(gold: list[dict], read: list[dict]) -> dict[str, dict]:
    """Figures per condition (and `all`)."""
    by_file = {r["file_name"]: r for r in read}
    docs = [g for g in gold if g["type"] == "document"]
    rows: dict[str, dict] = {}
    groups = {c: [d for d in docs if d["condition"] == c] for c in CONDITIONS}
    groups["all"] = docs
    for condition, members in groups.items():
        if not members:
            continue
        names = {d["file_name"] for d in members}
        mine = [g for g in gold if g["file_name"] in names]
        got = [by_file[n] for n in sorted(names) if n in by_file]
        ok = [r for r in got if "error" not in r]
        tables: list[float] = []
        for name in sorted(names):
            found = by_file.get(name, {}).get("tables", [])
            tables += score_tables([g for g in mine if g["type"] == "table" and g["file_name"] == name], found)
        pairs = [(by_file.get(g["file_name"], {}).get("pages", {}).get(g["page"], ""), g["text"])
                 for g in mine if g["type"] == "page"]
        municipalities = prf(((r["file_name"], p, k) for r in ok for p, k in r["municipalities"]),
                             ((g["file_name"], g["page"], g["kommunenummer"]) for g in mine if g["type"] == "municipality"))
        counts = prf(((r["file_name"], p, v, u) for r in ok for p, v, u in r["counts"]),
                     ((g["file_name"], g["page"], float(g["value"]), g["unit"]) for g in mine if g["type"] == "count"))
        seconds = sum(r["seconds"] for r in got)
        pages = sum(d["n_pages"] for d in members)
        rows[condition] = {
            "documents": len(members), "errors": len(got) - len(ok) + len(names) - len(got), "pages": pages,
            "tables": len(tables), "table_cell_accuracy": round(sum(tables) / len(tables), 4) if tables else None,
            "tables_exact": round(sum(a == 1.0 for a in tables) / len(tables), 4) if tables else None,
            "cer_percent": round(cer(pairs), 3) if pairs else None,
            "municipality": {"precision": round(municipalities.precision, 4), "recall": round(municipalities.recall, 4),
                             "f1": round(municipalities.f1, 4), "gold": municipalities.gold},
            "count": {"precision": round(counts.precision, 4), "recall": round(counts.recall, 4),
                      "f1": round(counts.f1, 4), "gold": counts.gold},
            "pages_per_s": round(pages / seconds, 2) if seconds else None,
        }
    return rows



def add_ocr_setting_option(parser: argparse.ArgumentParser) -> None:
    """`--ocr-setting NAME=VALUE` (repeatable), as `saman ingest` has it."""
    parser.add_argument("--ocr-setting", action="append", default=[], metavar="NAME=VALUE",
                        help="change an OCR setting (extractors.ocr.settings), e.g. dpi=200; repeatable")


def parsed_ocr_changes(parser: argparse.ArgumentParser, args: argparse.Namespace) -> dict[str, str]:
    """The --ocr-setting changes, checked against OcrSettings (a wrong one ends the command)."""
    try:
        changes = parse_assignments(args.ocr_setting)
        ocr_settings(changes)
    except SettingError as exc:
        parser.error(f"--ocr-setting: {exc}")
    return changes

def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(prog="python -m bench.generalise", description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=sorted(SPLITS), default="train")
    parser.add_argument("--limit", type=int, default=None, help="only the first N documents of the split")
    parser.add_argument("--conditions", default=",".join(CONDITIONS), help="comma-separated conditions to read")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--json", type=Path, default=None)
    add_ocr_setting_option(parser)
    args = parser.parse_args(argv)
    ocr_changes = parsed_ocr_changes(parser, args)
    dest, gold = ensure_split(args.split, args.limit)
    wanted = set(args.conditions.split(","))
    docs = [g for g in gold if g["type"] == "document" and g["condition"] in wanted]
    names = {d["file_name"] for d in docs}
    gold = [g for g in gold if g["file_name"] in names]
    paths = [str(dest / d["file_name"]) for d in docs]
    started = time.monotonic()
    with ProcessPoolExecutor(args.workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        read = list(pool.map(functools.partial(read_one, ocr_changes=ocr_changes), paths))
    wall = time.monotonic() - started
    rows = score(gold, read)
    table = Table(title=f"Generated {args.split} split ({len(docs)} documents, read in {wall:.0f} s)")
    for column in ("condition", "docs", "pages", "tables", "cell acc.", "exact", "CER %", "muni P/R/F1",
                   "count P/R/F1", "pages/s"):
        table.add_column(column)
    for condition, r in rows.items():
        m, c = r["municipality"], r["count"]
        table.add_row(condition, str(r["documents"]), str(r["pages"]), str(r["tables"]),
                      f"{r['table_cell_accuracy']:.3f}" if r["table_cell_accuracy"] is not None else "–",
                      f"{r['tables_exact']:.2f}" if r["tables_exact"] is not None else "–",
                      f"{r['cer_percent']:.2f}" if r["cer_percent"] is not None else "–",
                      f"{m['precision']:.2f}/{m['recall']:.2f}/{m['f1']:.3f}",
                      f"{c['precision']:.2f}/{c['recall']:.2f}/{c['f1']:.3f}",
                      f"{r['pages_per_s']:.2f}" if r["pages_per_s"] else "–")
    result = {"split": args.split, "ocr_settings": ocr_changes, "documents": len(docs), "wall_s": round(wall, 1), "conditions": rows,
              "errors": [r for r in read if "error" in r]}
    show_and_save(table, result, args.json or RESULTS / f"generalise-{args.split}.json")
    return result


if __name__ == "__main__":
    main()
