"""How well a KB's works match the truth of an archive made by bench.archive: which file copies which.

    python -m bench.works_truth KB MANIFEST      # e.g. the KB and manifest.json of bench.archive_run --keep DIR

bench.archive writes, for every file it makes, the file it was made from (a deck's PDF twin, a
copy or a scan of a corpus PDF, a duplicate). The true works are the connected groups of that
relation (copies of one corpus PDF are one work though the PDF itself is not in the archive);
the KB's works are its `work_members`. Printed: how many works each way, and over pairs of
documents in one work, precision (pairs the KB joins that are truly one work) and recall (true
pairs the KB joins), the recall also by the kinds of the two files.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sqlite3
import sys
from collections import defaultdict
from pathlib import Path


def _pairs(groups: dict[str, str]) -> set[tuple[str, str]]:
    members: dict[str, list[str]] = defaultdict(list)
    for doc_id, group in groups.items():
        members[group].append(doc_id)
    return {tuple(sorted(p)) for m in members.values() for p in itertools.combinations(m, 2)}  # type: ignore[misc]


def truth(kb: Path, manifest: Path) -> dict[str, object]:
    files = json.loads(manifest.read_text(encoding="utf-8"))
    db = sqlite3.connect(f"file:{kb}?mode=ro", uri=True)
    doc_of = {path: doc for path, doc in db.execute("SELECT path, doc_id FROM paths") if doc}
    predicted = dict(db.execute("SELECT doc_id, work_id FROM work_members"))
    db.close()
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    kind: dict[str, str] = {}
    for f in files:
        doc = doc_of.get(f["path"])
        if not doc:
            continue
        kind.setdefault(doc, f["kind"])
        root(doc)
        if f["source"]:
            parent[root(doc)] = root(doc_of.get(f["source"]) or "source:" + f["source"])
    docs = [d for d in kind if d in predicted]
    true_pairs = _pairs({d: root(d) for d in docs})
    kb_pairs = _pairs({d: predicted[d] for d in docs})
    both = true_pairs & kb_pairs
    by_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for a, b in true_pairs:
        tally = by_kind["+".join(sorted({kind[a], kind[b]}))]
        tally[0] += 1
        tally[1] += (a, b) in kb_pairs
    return {"documents": len(docs), "true_works": len({root(d) for d in docs}), "kb_works": len({predicted[d] for d in docs}),
            "true_pairs": len(true_pairs), "kb_pairs": len(kb_pairs),
            "precision": round(len(both) / max(1, len(kb_pairs)), 4), "recall": round(len(both) / max(1, len(true_pairs)), 4),
            "recall_by_kind": {k: {"pairs": n, "recall": round(found / n, 3)} for k, (n, found) in sorted(by_kind.items())}}


def main(argv: list[str]) -> dict[str, object]:
    parser = argparse.ArgumentParser(prog="python -m bench.works_truth", description=__doc__.split("\n")[0])
    parser.add_argument("kb", type=Path)
    parser.add_argument("manifest", type=Path)
    args = parser.parse_args(argv)
    result = truth(args.kb, args.manifest)
    print(f"{result['documents']} documents: {result['kb_works']} works in the KB, {result['true_works']} true; "
          f"pairs in one work: precision {result['precision']}, recall {result['recall']}")
    for k, v in result["recall_by_kind"].items():  # type: ignore[union-attr]
        print(f"  {k:28} {v['pairs']:6} pairs, recall {v['recall']}")
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
