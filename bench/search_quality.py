"""Search quality on the judged query set: saman's search against plain SQLite FTS5, per kind.

    python -m bench.search_quality                        # builds (or reuses) the search KB
    python -m bench.search_quality --kb FILE              # a KB already built from the same documents
    python -m bench.search_quality --latency-kb big.db    # latency on another KB (`make bench`'s 5,000)

The documents are corpus/ and the first 60 generated documents of the train split (never the
test split's), ingested by saman into bench/generated/search/search.db, rebuilt when the
generator, the corpus or the pipeline version changes, and embedded (kb.vectors, as `saman
embed` does: only the pages without a current vector) before every run. The queries and their relevant pages
are bench/queries/queries.jsonl (judged from content by bench/queries/judge.py).

Every query runs three ways on the same pages, the first 10 hits kept:

- **saman**: `kb.search.search(kb, query, limit=10)`, what `saman search` runs;
- **plain OR**: an FTS5 table of its own in memory over the same pages' title, text and raw
  text, `unicode61 remove_diacritics 0`, no stemming, the query's words joined with OR and
  ranked by bm25 (issue 15's "plain FTS5");
- **plain AND**: the same table, the words joined with AND.

Per kind and overall: **success@10** (a relevant page among the first 10), **MRR@10** (1/rank of
the first relevant page, 0 beyond 10), **recall@10** (relevant texts among the first 10 over
min(10, relevant texts): copies of one slide — deck, PDF, scan, .ppt — are one text, so the
figure holds when search shows one hit per work) and **distinct** (distinct texts among the
hits, against the number of hits: copies crowd the first page). Latency: p50/p95 of saman's
search over the judged queries, three rounds after a warm-up. Results go to
bench/results/search_quality.json.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from rich.table import Table

from bench.generalise import generator_stamp
from bench.queries.content import CORPUS, GENERATED, REPO, Page, ensure_generated
from bench.queries.judge import KINDS, QUERIES_FILE, SET_FILE, json_with_rows
from bench.report import context
from kb.query import QueryError
from kb.search import search
from extractors.lang.stemming import tokens
from kb.store import open_kb
from kb.vectors import embed_pages
from models import PIPELINE_VERSION

SEARCH_KB = GENERATED / "search.db"
RESULTS = REPO / "bench" / "results" / "search_quality.json"
TOP = 10
LATENCY_ROUNDS = 3
WARM_UP = 5
SYSTEMS = ("saman", "plain OR", "plain AND")
DOCUMENT_SUFFIXES = frozenset({".pptx", ".ppt", ".pdf", ".png", ".jpg", ".tif"})


def documents(generated: Path) -> list[Path]:
    """The files searched: every document of corpus/ and of the generated folder (not the
    build script, the gold or the stamp)."""
    return [path for folder in (CORPUS, generated) for path in sorted(folder.rglob("*"))
            if path.is_file() and path.suffix in DOCUMENT_SUFFIXES]


def _inputs_digest(files: list[Path]) -> str:
    """What the search KB was built from: the pipeline version and every document's bytes."""
    digest = hashlib.sha256(PIPELINE_VERSION.encode())
    for path in files:
        digest.update(path.name.encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:16]


def ensure_kb(kb_path: Path = SEARCH_KB) -> Path:
    """The search KB, ingested by saman from corpus/ and the generated documents (built again,
    from nothing, when an input or the pipeline version changed), its pages embedded."""
    generated, _ = ensure_generated()
    files = documents(generated)
    stamp_file = kb_path.with_name(kb_path.name + ".stamp")
    want = _inputs_digest(files)
    if not (kb_path.exists() and stamp_file.exists() and stamp_file.read_text() == want):
        _ingest(kb_path, files, want)
    with open_kb(kb_path) as kb:
        done = embed_pages(kb)
    if done.embedded:
        print(f"embedded {done.embedded} of {done.pages} pages in {done.seconds:.1f} s "
              f"({done.embedded / done.seconds:.1f} pages/s)", file=sys.stderr)
    return kb_path


def _ingest(kb_path: Path, files: list[Path], stamp: str) -> None:
    os.environ.setdefault("SAMAN_PREFECT_HOME", str(GENERATED / "prefect"))
    from flows.ingest import ingest_flow

    for old in kb_path.parent.glob(kb_path.name + "*"):
        old.unlink()
    summary = ingest_flow([str(path) for path in files], str(kb_path), show_progress=False)
    for error in summary.errors:
        print(f"not read: {error.file_name}: {error.message}", file=sys.stderr)
    kb_path.with_name(kb_path.name + ".stamp").write_text(stamp)


def load_set() -> tuple[list[dict], dict]:
    queries = [json.loads(line) for line in QUERIES_FILE.read_text(encoding="utf-8").splitlines() if line.strip()]
    meta = json.loads(SET_FILE.read_text(encoding="utf-8"))
    return queries, meta


def text_groups(meta: dict) -> dict[Page, int]:
    """Page → the number of its group of copies (pages with the same text), for pages with copies."""
    return {(name, page): i for i, group in enumerate(meta["copies"]) for name, page in group}


class PlainFTS:
    """An FTS5 table in memory over the KB's pages, no stemming: the reference search."""

    def __init__(self, kb_path: Path) -> None:
        self.db = sqlite3.connect(":memory:")
        self.db.execute("CREATE VIRTUAL TABLE plain USING fts5(body, tokenize='unicode61 remove_diacritics 0')")
        src = sqlite3.connect(f"file:{kb_path}?mode=ro", uri=True)
        rows = src.execute("SELECT file_name, page, title, text, raw_text FROM pages ORDER BY rowid").fetchall()
        src.close()
        self.pages: list[Page] = []
        for rowid, (name, page, *texts) in enumerate(rows, start=1):
            self.pages.append((name, page))
            self.db.execute("INSERT INTO plain(rowid, body) VALUES (?, ?)",
                            (rowid, "\n".join(t for t in texts if t)))

    def search(self, query: str, joiner: str) -> list[Page]:
        words = tokens(query)
        if not words:
            return []
        match = f" {joiner} ".join(f'"{w}"' for w in words)
        rows = self.db.execute("SELECT rowid FROM plain WHERE plain MATCH ? ORDER BY bm25(plain), rowid LIMIT ?",
                               (match, TOP)).fetchall()
        return [self.pages[rowid - 1] for (rowid,) in rows]


def saman_hits(kb, query: str) -> list[Page]:
    try:
        return [(hit.file_name, hit.page) for hit in search(kb, query, limit=TOP)]
    except QueryError:
        return []


def score(hits: list[Page], relevant: set[Page], group: Callable[[Page], object]) -> dict[str, float | int]:
    """The figures of one query's first hits."""
    rank = next((i for i, page in enumerate(hits[:TOP], start=1) if page in relevant), None)
    wanted = {group(page) for page in relevant}
    found = {group(page) for page in hits[:TOP] if page in relevant}
    return {
        "success": 1.0 if rank else 0.0,
        "rr": 1.0 / rank if rank else 0.0,
        "recall": len(found) / min(TOP, len(wanted)),
        "hits": len(hits[:TOP]),
        "distinct": len({group(page) for page in hits[:TOP]}),
    }


def summarise(rows: list[dict[str, float]]) -> dict[str, float]:
    """Means of the per-query figures; hits and distinct texts summed over the queries."""
    n = len(rows)
    out: dict[str, float] = {key: round(sum(r[key] for r in rows) / n, 3) for key in ("success", "rr", "recall")}
    out.update({key: int(sum(r[key] for r in rows)) for key in ("hits", "distinct")})
    out["no_hits"] = sum(r["hits"] == 0 for r in rows)
    out["queries"] = n
    return out


def percentile(ordered: list[float], q: float) -> float:
    return ordered[max(0, round(q * len(ordered)) - 1)]


def latency(kb_path: Path, queries: list[str]) -> dict[str, object]:
    """p50/p95 of saman's search (limit 10) over the judged queries on `kb_path`."""
    with open_kb(kb_path, readonly=True) as kb:
        stats = kb.stats()
        for q in queries[:WARM_UP]:
            saman_hits(kb, q)
        times = []
        for _ in range(LATENCY_ROUNDS):
            for q in queries:
                started = time.perf_counter()
                saman_hits(kb, q)
                times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {"kb": str(kb_path), "documents": stats["documents"], "pages": stats["pages"], "timings": len(times),
            "p50_ms": round(statistics.median(times), 2), "p95_ms": round(percentile(times, 0.95), 2),
            "max_ms": round(times[-1], 2)}


def evaluate(kb_path: Path, queries: list[dict], meta: dict) -> dict[str, object]:
    """Every query through the three searches; per-query hits and figures, and the KB's coverage."""
    groups = text_groups(meta)

    def group(page: Page) -> object:
        return groups.get(page, page)

    plain = PlainFTS(kb_path)
    in_kb = set(plain.pages)
    judged = {tuple(p) for q in queries for p in q["relevant"]}
    per_query = []
    with open_kb(kb_path, readonly=True) as kb:
        for q in queries:
            relevant = {(name, page) for name, page in q["relevant"]}
            hits = {"saman": saman_hits(kb, q["query"]), "plain OR": plain.search(q["query"], "OR"),
                    "plain AND": plain.search(q["query"], "AND")}
            per_query.append({"id": q["id"], "kind": q["kind"], "query": q["query"],
                              "relevant": len(relevant), "relevant_in_kb": len(relevant & in_kb),
                              **{system: {"top": [list(h) for h in found], **score(found, relevant, group)}
                                 for system, found in hits.items()}})
    summary = {system: {kind: summarise([r[system] for r in per_query if kind == "all" or r["kind"] == kind])
                        for kind in (*KINDS, "all")} for system in SYSTEMS}
    return {"summary": summary, "queries": per_query,
            "missing_pages": sorted(list(p) for p in judged - in_kb), "kb_pages": len(in_kb)}


def print_summary(result: dict[str, object], console: Console) -> None:
    table = Table(title=f"search quality: {len(result['queries'])} judged queries, first {TOP} hits "
                        f"(success@{TOP} MRR@{TOP} recall@{TOP})")
    table.add_column("kind")
    table.add_column("n", justify="right")
    for system in SYSTEMS:
        table.add_column(f"{system}\nsucc  MRR  rec", justify="right")
    for system in SYSTEMS[:2]:
        table.add_column(f"{system}\ndistinct/hits", justify="right")
    summary = result["summary"]
    for kind in (*KINDS, "all"):
        cells = [kind, str(summary["saman"][kind]["queries"])]
        for system in SYSTEMS:
            s = summary[system][kind]
            cells.append(f"{s['success']:.2f} {s['rr']:.2f} {s['recall']:.2f}")
        for system in SYSTEMS[:2]:
            s = summary[system][kind]
            cells.append(f"{s['distinct']}/{s['hits']}")
        table.add_row(*cells, end_section=kind == KINDS[-1])
    console.print(table)
    lat = result["latency"]
    console.print(f"saman search latency on {lat['kb']} ({lat['documents']} documents, {lat['pages']} pages): "
                  f"p50 {lat['p50_ms']:.2f} ms, p95 {lat['p95_ms']:.2f} ms, max {lat['max_ms']:.2f} ms "
                  f"over {lat['timings']} searches")
    no_hits = summary["saman"]["all"]["no_hits"]
    console.print(f"saman found nothing for {no_hits} of {summary['saman']['all']['queries']} queries")
    if result["missing_pages"]:
        console.print(f"[red]{len(result['missing_pages'])} judged pages are not in the KB[/]: "
                      f"{result['missing_pages'][:5]}")
    if result["stale"]:
        console.print(f"[red]{result['stale']}[/]")


def main(argv: list[str]) -> dict[str, object]:
    parser = argparse.ArgumentParser(prog="python -m bench.search_quality", description=__doc__.split("\n")[0])
    parser.add_argument("--kb", type=Path, help=f"KB to search (default: build or reuse {SEARCH_KB.relative_to(REPO)})")
    parser.add_argument("--latency-kb", type=Path, help="KB to time saman's search on (default: the searched KB)")
    parser.add_argument("--json", type=Path, default=RESULTS, help=f"results file (default {RESULTS.relative_to(REPO)})")
    args = parser.parse_args(argv)
    queries, meta = load_set()
    stale = ""
    if meta["documents"]["generated"]["generator_stamp"] != generator_stamp():
        stale = ("the generator changed since the set was judged: run `python -m bench.queries.judge` "
                 "to judge the generated pages again")
    kb_path = args.kb or ensure_kb()
    result = evaluate(kb_path, queries, meta)
    result["latency"] = latency(args.latency_kb or kb_path, [q["query"] for q in queries])
    result["stale"] = stale
    result["run"] = context(kb=str(kb_path), pipeline_version=PIPELINE_VERSION)
    console = Console()
    if not console.is_terminal:
        console.width = 180
    print_summary(result, console)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json_with_rows(result, "queries"), encoding="utf-8")
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
