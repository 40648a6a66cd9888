"""What search by meaning costs: embedding per page against reading per page, and vector search latency.

    python -m bench.embed                  # the born-digital corpus files, 4 of them
    python -m bench.embed --files 8 --json results.json

Reading and embedding are timed in the same run on the same pages, so their ratio holds under
a loaded machine where the absolute figures do not: each file is read by
`extract_file` (what an ingest worker runs, one process here), then its pages' passages are
embedded by kb.vectors in batches, as `saman embed` does (the model loaded before the clock),
each distinct passage once (the share of distinct passages among the pages is reported: copies
of a page cost no embedding). Then brute-force cosine search (kb.vectors.rank) over 5,000 and
60,000 random unit vectors of e5's 384 dimensions (a 5,000-document archive holds about 60,000
pages), and the embedding of a query: the two parts of a query's meaning ranking. The KB's
extra size is a vector's blob (384 float16) per distinct passage, plus its key and stamp, and
a page's link to it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

from extractors.recognisers.pipeline import extract_file
from kb.vectors import BATCH, DIM, STORED, model, passage, rank
from models import PageRecord
from tests.conftest import BORN_DIGITAL

SYNTHETIC = (5_000, 60_000)
QUERIES = 200
TOP = 80


def _percentile(ordered: list[float], q: float) -> float:
    return ordered[max(0, round(q * len(ordered)) - 1)]


def reading_and_embedding(files: list[Path]) -> dict[str, float]:
    """Seconds spent reading the files and embedding their pages, and the pages' count."""
    model()  # loaded before the clock
    read_s, embed_s, pages = 0.0, 0.0, 0
    distinct: set[str] = set()
    for path in files:
        started = time.perf_counter()
        extraction = extract_file(str(path), hashlib.sha256(path.read_bytes()).hexdigest())
        read_s += time.perf_counter() - started
        texts = [passage(r.title, r.text or r.raw_text) for r in getattr(extraction, "records", [])
                 if isinstance(r, PageRecord)]
        started = time.perf_counter()
        for i in range(0, len(texts), BATCH):
            model().passage(texts[i:i + BATCH])
        embed_s += time.perf_counter() - started
        pages += len(texts)
        distinct.update(texts)
    return {"files": len(files), "pages": pages, "distinct_passages": len(distinct), "read_s": round(read_s, 3),
            "embed_s": round(embed_s, 3), "read_pages_per_s": round(pages / read_s, 2),
            "embed_pages_per_s": round(pages / embed_s, 2), "embed_over_read": round(embed_s / read_s, 3)}


def vector_search_latency() -> dict[str, object]:
    """Brute force over each of SYNTHETIC's counts of unit vectors, and a query's embedding: p50/p95 in ms."""
    rng = np.random.default_rng(15)
    out: dict[str, object] = {"bytes_per_vector": DIM * np.dtype(STORED).itemsize, "brute": []}
    for n in SYNTHETIC:
        vectors = rng.standard_normal((n, DIM)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        brute = []
        for q in vectors[rng.integers(0, n, QUERIES)]:
            started = time.perf_counter()
            rank(vectors, q, TOP)
            brute.append((time.perf_counter() - started) * 1000)
        brute.sort()
        out["brute"].append({"vectors": n, "p50_ms": round(statistics.median(brute), 3),
                             "p95_ms": round(_percentile(brute, 0.95), 3)})
    embed = []
    for q in ("mindre bruk av vikarer", "penger fra staten", "hvem kan jeg ringe", "lavere sykefravær") * 5:
        started = time.perf_counter()
        model().query(q)
        embed.append((time.perf_counter() - started) * 1000)
    embed.sort()
    out.update({"query_embed_p50_ms": round(statistics.median(embed), 2), "query_embed_p95_ms": round(_percentile(embed, 0.95), 2)})
    return out


def main(argv: list[str]) -> dict[str, object]:
    parser = argparse.ArgumentParser(prog="python -m bench.embed", description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, default=4, help="born-digital corpus files to read and embed")
    parser.add_argument("--json", type=Path, help="write the results here")
    args = parser.parse_args(argv)
    result = {"cost": reading_and_embedding(BORN_DIGITAL[:args.files]), "search": vector_search_latency()}
    c, s = result["cost"], result["search"]
    print(f"{c['pages']} pages of {c['files']} files, {c['distinct_passages']} distinct passages: reading "
          f"{c['read_pages_per_s']} pages/s, embedding {c['embed_pages_per_s']} pages/s; embedding costs "
          f"{c['embed_over_read']:.2f} × reading")
    for b in s["brute"]:
        print(f"brute-force cosine over {b['vectors']} vectors: p50 {b['p50_ms']} ms, p95 {b['p95_ms']} ms")
    print(f"embedding a query: p50 {s['query_embed_p50_ms']} ms, p95 {s['query_embed_p95_ms']} ms; "
          f"{s['bytes_per_vector']} bytes a distinct passage")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
