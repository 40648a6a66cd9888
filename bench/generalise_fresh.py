"""Train-side seeds the rules were never tuned on, scored as bench.generalise scores a split.

    python -m bench.generalise_fresh 400 700 /tmp/fresh --json /tmp/fresh.json
    python -m bench.generalise_fresh 121 355 /tmp/seen --only train-402-clean_scan.pdf,...
    python -m bench.generalise_fresh 701 760 /tmp/fresh --ocr-setting text_height_px=0 --workers 2

The train split (seeds 1-120) and the seeds a helper has tuned on wear out: a rule written
while looking at them scores well on them. This makes the documents of any range of seeds
below the test split's with the split generator (bench.generate.build.generate, as
build_split does), keeps the scanned conditions (clean scan, photocopy, photo, mixed PDF), reads
them in one worker (bench.generalise.read_one) and prints bench.generalise.score's figures
per condition. The documents and their gold are made once in DEST and reused.
"""

from __future__ import annotations

import argparse
import functools
import json
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from bench.generalise import add_ocr_setting_option, parsed_ocr_changes, read_one, score
from bench.generate.build import SPLITS, condition_of, generate

KEPT = ("clean_scan", "photocopy", "photo", "mixed_pdf")


def build(first: int, last: int, dest: Path) -> list[dict]:
    """The gold of seeds first..last of the kept conditions, their files made in `dest` (once)."""
    if last >= SPLITS["test"].start:
        raise SystemExit("seeds of the test split are only ever scored by the lead")
    gold_path = dest / "gold.jsonl"
    if not gold_path.exists():
        dest.mkdir(parents=True, exist_ok=True)
        gold = [g for seed in range(first, last + 1) if condition_of(seed) in KEPT
                for g in generate(seed, "train", dest).gold()]
        gold_path.write_text("".join(json.dumps(g, ensure_ascii=False) + "\n" for g in gold), encoding="utf-8")
    return [json.loads(line) for line in gold_path.read_text(encoding="utf-8").splitlines()]


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(prog="python -m bench.generalise_fresh", description=__doc__.splitlines()[0])
    parser.add_argument("first", type=int)
    parser.add_argument("last", type=int)
    parser.add_argument("dest", type=Path)
    parser.add_argument("--only", default=None, help="comma-separated file names to read")
    parser.add_argument("--json", type=Path, default=None, help="where to write the figures and what was read")
    add_ocr_setting_option(parser)
    parser.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    args = parser.parse_args(argv)
    ocr_changes = parsed_ocr_changes(parser, args)
    gold = build(args.first, args.last, args.dest)
    docs = [g for g in gold if g["type"] == "document"]
    if args.only:
        wanted = set(args.only.split(","))
        docs = [d for d in docs if d["file_name"] in wanted]
    names = {d["file_name"] for d in docs}
    with ProcessPoolExecutor(max(1, args.workers), mp_context=multiprocessing.get_context("spawn")) as pool:
        read = list(pool.map(functools.partial(read_one, ocr_changes=ocr_changes),
                             [str(args.dest / d["file_name"]) for d in docs]))
    rows = score([g for g in gold if g["file_name"] in names], read)
    for condition, r in rows.items():
        print(f"{condition:11s} docs {r['documents']:3d} pages {r['pages']:4d} cells {r['table_cell_accuracy']} "
              f"exact {r['tables_exact']} CER % {r['cer_percent']} municipality F1 {r['municipality']['f1']} "
              f"count F1 {r['count']['f1']} pages/s {r['pages_per_s']}")
    if args.json:
        args.json.write_text(json.dumps({"conditions": rows, "read": read}, ensure_ascii=False), encoding="utf-8")
    return rows


if __name__ == "__main__":
    main()
