"""Search latency on a KB: p50 and p95 by words alone and hybrid (words and meaning), in Python and through the web.

    python -m bench.search_latency                 # builds a KB from corpus/ in a temporary folder
    python -m bench.search_latency --kb saman.db   # the KB `make demo` built, or any other
    python -m bench.search_latency --kb big.db --no-web --json results.json

The queries are bench.search's (seeded, from the KB's own words, in the shapes users type) and
the judged set's (bench/queries: questions, paraphrases, typos). Each is timed, after a few
warm-up queries, three ways: `kb.search.search(..., meaning=False)` (words alone), `kb.search.search`
(hybrid: what `saman search` runs, without interpreter start-up; meaning joins in only for the
queries no page matches with every word, so the hybrid figures are also given over those alone),
and `/-/search.json` on the server `saman serve` runs (the same function, plus HTTP, the facet
counts over up to 1000 hits and JSON). The KB's documents, pages and vectors are reported, and
the one-time cost of reading its vector matrix (kb.vectors.matrix, once per process).
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

from bench.queries.judge import QUERIES_FILE
from bench.search import N_QUERIES, queries
from kb import vectors
from kb.query import QueryError
from kb.search import SearchResult, search
from kb.store import KB, open_kb
from kb.web.serve import serving

REPO = Path(__file__).resolve().parent.parent
SEED = 2015
WARM_UP = 5
GOAL_HYBRID_P95_MS = 100.0
GOAL_WORDS_P95_MS = 20.0


def summary(times_ms: list[float]) -> dict[str, float]:
    ordered = sorted(times_ms)
    if not ordered:
        return {"n": 0}
    return {
        "n": len(ordered),
        "median_ms": round(statistics.median(ordered), 2),
        "p95_ms": round(ordered[max(0, round(0.95 * len(ordered)) - 1)], 2),
        "max_ms": round(ordered[-1], 2),
    }


def judged_queries() -> list[str]:
    return [json.loads(line)["query"] for line in QUERIES_FILE.read_text(encoding="utf-8").splitlines() if line.strip()]


def _timed(kb: KB, q: str, meaning: bool) -> tuple[float, SearchResult | None]:
    started = time.perf_counter()
    try:
        result = search(kb, q, limit=20, meaning=meaning)
    except QueryError:
        result = None
    return (time.perf_counter() - started) * 1000, result


def python_latency(kb_path: Path, qs: list[str]) -> dict[str, object]:
    """Words alone and hybrid, query by query in turn on one connection (the matrix read before the clock)."""
    with open_kb(kb_path, readonly=True) as kb:
        started = time.perf_counter()
        held = vectors.matrix(kb)
        matrix_ms = (time.perf_counter() - started) * 1000
        for q in qs[:WARM_UP]:
            search(kb, q, limit=20)
        words, hybrid, fused, fused_words = [], [], [], []
        for q in qs:
            by_words = _timed(kb, q, False)[0]
            words.append(by_words)
            ms, result = _timed(kb, q, True)
            hybrid.append(ms)
            if result is not None and result.vectors_used:
                fused.append(ms)
                fused_words.append(by_words)
    return {"matrix_rows": len(held.pages), "matrix_read_ms": round(matrix_ms, 1), "words": summary(words),
            "hybrid": summary(hybrid), "hybrid_with_vectors": summary(fused),
            "words_on_those_queries": summary(fused_words)}


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


def kb_counts(kb: KB) -> dict[str, int]:
    """Documents, pages, pages with a current vector and the distinct vectors they point at."""
    stats = kb.stats()
    without, pages = vectors.coverage(kb)
    return {"documents": stats["documents"], "pages": pages, "pages_with_vectors": pages - without,
            "vectors": len(vectors.matrix(kb).pages)}


def main(argv: list[str]) -> dict[str, object]:
    parser = argparse.ArgumentParser(prog="python -m bench.search_latency", description=__doc__.split("\n")[0])
    parser.add_argument("--kb", type=Path, help="KB to measure (default: ingest corpus/ into a temporary folder)")
    parser.add_argument("--no-web", action="store_true", help="skip the timing through `saman serve`")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="saman-bench-search-") as tmp:
        kb_path = args.kb or build_corpus_kb(Path(tmp))
        with open_kb(kb_path, readonly=True) as kb:
            qs = queries(kb, SEED, N_QUERIES) + judged_queries()
        timed = python_latency(kb_path, qs)  # first: it times reading the matrix
        with open_kb(kb_path, readonly=True) as kb:
            counts = kb_counts(kb)
        result: dict[str, object] = {"kb": str(args.kb or "corpus/ (built for this run)"), **counts,
                                     "queries": len(qs), "python": timed}
        if not args.no_web:
            result["web"] = web_latency(kb_path, qs)
    print(f"{result['queries']} queries on a KB of {result['documents']} documents, {result['pages']} pages, "
          f"{result['pages_with_vectors']} of them with a vector, {result['vectors']} distinct vectors")
    py = result["python"]
    print(f"  reading the vector matrix once: {py['matrix_read_ms']:.0f} ms")
    rows = [("words alone", py["words"], GOAL_WORDS_P95_MS), ("hybrid", py["hybrid"], GOAL_HYBRID_P95_MS),
            ("hybrid, vectors used", py["hybrid_with_vectors"], GOAL_HYBRID_P95_MS),
            ("  same, words alone", py["words_on_those_queries"], None)]
    if "web" in result:
        rows.append(("/-/search.json", result["web"], None))
    for label, figures, goal in rows:
        if not figures["n"]:
            print(f"  {label:22} no queries")
            continue
        verdict = "" if goal is None else f"   goal p95 ≤ {goal:.0f} ms: {'met' if figures['p95_ms'] <= goal else 'NOT met'}"
        print(f"  {label:22} n {figures['n']:4}   median {figures['median_ms']:7.2f} ms   p95 {figures['p95_ms']:7.2f} ms"
              f"   max {figures['max_ms']:7.2f} ms{verdict}")
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
