"""Figure 7: search latency, median and p95 of `kb.search.search` over 100 queries.

The queries are drawn (seeded) from the words the KB holds, in the shapes users type: single
words, inflected forms, two words with AND or OR, a NOT, quoted phrases, prefixes, plus the
programme's own vocabulary. Each query is timed alone, after a few warm-up queries, on the KB
the flow figure built; the issue's goal is stated for a 5,000-document KB.
"""

from __future__ import annotations

import random
import re
import statistics
import time
from pathlib import Path

from bench.measure import Figure, Measurement
from kb.query import QueryError
from kb.search import search
from kb.store import open_kb

GOAL_P95_MS = 20.0
N_QUERIES = 100
DOMAIN_QUERIES = [
    "kommunene", "sykefravær", "heltid AND deltid", '"ufrivillig deltid"', "omdømme", "prosjekter",
    "turnus*", "langvakter", "kompetanse OR rekruttering", "nærvær NOT sykefravær", "sjukefråvær",
    "innovasjon", "pulje", "nettverkssamling", "oppstartsrapportering",
]
_WORD = re.compile(r"[^\W\d_]{5,}")


def queries(kb, seed: int, n: int = N_QUERIES) -> list[str]:
    rng = random.Random(seed)
    texts = [row[0] for row in kb.db.execute("SELECT text FROM pages WHERE text IS NOT NULL ORDER BY rowid LIMIT 5000")]
    words = sorted({w for t in texts for w in _WORD.findall(t)})
    lines = [t.split() for text in texts for t in text.splitlines() if len(t.split()) >= 3]
    out = list(DOMAIN_QUERIES)
    while len(out) < n and words:
        kind = rng.random()
        if kind < 0.45:
            out.append(rng.choice(words))
        elif kind < 0.6:
            out.append(f"{rng.choice(words)} AND {rng.choice(words)}")
        elif kind < 0.7:
            out.append(f"{rng.choice(words)} OR {rng.choice(words)}")
        elif kind < 0.85 and lines:
            line = rng.choice(lines)
            start = rng.randrange(0, len(line) - 1)
            phrase = " ".join(re.sub(r'["()*]', "", w) for w in line[start:start + 2]).strip()
            out.append(f'"{phrase}"' if phrase else rng.choice(words))
        else:
            out.append(rng.choice(words)[:4] + "*")
    return out[:n]


def figure(kb_path: Path, seed: int) -> Figure:
    kb = open_kb(kb_path, readonly=True)
    try:
        pages = kb.db.execute("SELECT count(*) FROM pages").fetchone()[0]
        documents = kb.db.execute("SELECT count(*) FROM documents").fetchone()[0]
        qs = queries(kb, seed)
        for q in qs[:5]:
            search(kb, q, limit=20)
        times_ms, hits, refused = [], 0, []
        started = time.perf_counter()
        for q in qs:
            t = time.perf_counter()
            try:
                hits += len(search(kb, q, limit=20))
            except QueryError as exc:
                refused.append(f"{q!r}: {exc}")
            times_ms.append((time.perf_counter() - t) * 1000)
        wall = time.perf_counter() - started
    finally:
        kb.close()
    times_ms.sort()
    median = statistics.median(times_ms)
    p95 = times_ms[max(0, round(0.95 * len(times_ms)) - 1)]
    note = f"KB of {documents} documents, {pages} pages; {hits / len(qs):.1f} hits per query (limit 20)"
    if refused:
        note += f"; {len(refused)} queries refused: " + "; ".join(refused[:3])
    return Figure(
        7, "search latency",
        [
            Measurement(f"{len(qs)} queries, limit 20", wall, len(qs), "queries"),
            Measurement("median latency", value=median, value_unit="ms"),
            Measurement("p95 latency", value=p95, value_unit="ms"),
            Measurement("slowest query", value=times_ms[-1], value_unit="ms"),
        ],
        p95, "p95 latency (ms)", f"≤ {GOAL_P95_MS:.0f} ms", p95 <= GOAL_P95_MS, note,
        {"queries": qs, "median_ms": median, "p95_ms": p95, "documents": documents, "pages": pages, "refused": refused},
    )
