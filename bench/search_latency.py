"""Search latency on the corpus KB: median and p95 over 100 queries, in Python and through the web.

    python -m bench.search_latency                 # builds a KB from corpus/ in a temporary folder
    python -m bench.search_latency --kb saman.db   # the KB `make demo` built
    python -m bench.search_latency --json results.json

The queries are bench.search's (seeded, from the KB's own words, in the shapes users type).
Each is timed twice, after a few warm-up queries: `kb.search.search` in this process (what
`saman search` runs, without interpreter start-up), and `/-/search.json` on the server `saman
serve` runs (the same function, plus HTTP, the facet counts over up to 1000 hits and JSON).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from bench.search import N_QUERIES, queries
from kb.query import QueryError
from kb.search import search
from kb.web.serve import serving
from kb.store import open_kb

REPO = Path(__file__).resolve().parent.parent
SEED = 2015
WARM_UP = 5


def summary(times_ms: list[float]) -> dict[str, float]:
    ordered = sorted(times_ms)
    return {
        "median_ms": round(statistics.median(ordered), 2),
        "p95_ms": round(ordered[max(0, round(0.95 * len(ordered)) - 1)], 2),
        "max_ms": round(ordered[-1], 2),
    }


def python_latency(kb_path: Path, qs: list[str]) -> dict[str, float]:
    with open_kb(kb_path, readonly=True) as kb:
        for q in qs[:WARM_UP]:
            search(kb, q, limit=20)
        times = []
        for q in qs:
            started = time.perf_counter()
            try:
                search(kb, q, limit=20)
            except QueryError:
                pass
            times.append((time.perf_counter() - started) * 1000)
    return summary(times)


def web_latency(kb_path: Path, qs: list[str]) -> dict[str, float]:
    with serving(kb_path) as base:
        def get(q: str) -> None:
            url = f"{base}/-/search.json?" + urllib.parse.urlencode({"q": q})
            try:
                with urllib.request.urlopen(url, timeout=60) as response:
                    response.read()
            except urllib.error.HTTPError as exc:  # a query the search refuses: 400 with a message
                if exc.code != 400:
                    raise

        for q in qs[:WARM_UP]:
            get(q)
        times = []
        for q in qs:
            started = time.perf_counter()
            get(q)
            times.append((time.perf_counter() - started) * 1000)
    return summary(times)


def build_corpus_kb(folder: Path) -> Path:
    from flows.ingest import ingest_flow

    kb_path = folder / "corpus.db"
    ingest_flow([str(REPO / "corpus")], str(kb_path), show_progress=False)
    return kb_path


def main(argv: list[str]) -> dict[str, object]:
    parser = argparse.ArgumentParser(prog="python -m bench.search_latency", description=__doc__.split("\n")[0])
    parser.add_argument("--kb", type=Path, help="KB to measure (default: ingest corpus/ into a temporary folder)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="saman-bench-search-") as tmp:
        kb_path = args.kb or build_corpus_kb(Path(tmp))
        with open_kb(kb_path, readonly=True) as kb:
            qs = queries(kb, SEED, N_QUERIES)
            stats = kb.stats()
        result: dict[str, object] = {
            "kb": str(args.kb or "corpus/ (built for this run)"),
            "documents": stats["documents"],
            "pages": stats["pages"],
            "queries": len(qs),
            "python": python_latency(kb_path, qs),
            "web": web_latency(kb_path, qs),
        }
    print(f"{result['queries']} queries on a KB of {result['documents']} documents, {result['pages']} pages")
    for where, label in (("python", "kb.search.search"), ("web", "/-/search.json")):
        figures = result[where]
        print(f"  {label:18} median {figures['median_ms']:7.2f} ms   p95 {figures['p95_ms']:7.2f} ms   max {figures['max_ms']:7.2f} ms")
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
