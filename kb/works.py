"""Works: the documents of the KB whose pages hold the same text, and which copy to read.

A deck, its PDF, its scan, its old `.ppt` and a re-save are four or five files but one work for
a researcher: search shows it once, the charts count it once. Two documents are one work when
the word pairs of their pages (letters and digits, lower case; pairs never cross a page) overlap
with a Jaccard similarity of at least SAME_WORK, and name the same municipalities. Word pairs,
not single words: distinct documents of the programme share most of their vocabulary but few
pairs (the generated bench documents, written from the same sentence templates, stay below 0.3
with their tables, and short ones without tables below 0.36), while a copy keeps most of them
through OCR noise and table cells read in another order (a phone photo of a handout with a table
kept 0.54, a worn photocopy 0.78, the corpus scans 0.88 and more).

Text alone is not enough where municipalities fill in one template: decks assembled from the
same slides for other municipalities share half their word pairs or more (on the 5,000-document
bench archive a fifth of random deck pairs reached 0.45, and chains of them made one work of
3,658 documents), yet each is a document of its own. A copy names the municipalities its source
names (OCR may lose a few), a deck for another municipality does not: of the archive's true
copies that share enough text, 95 % name municipality sets alike by 0.75 or more (Jaccard, by
current kommunenummer); of the distinct decks that share enough text, none by more than 0.2.
So two documents are one work only if the municipalities they name overlap by SAME_PLACES,
and a document naming none is no copy of one naming several (a copy of the archive that named
none had a source naming none; a deck without names, made of slides many decks hold, would
otherwise join them all); only where the two name one municipality between them, or none,
does the text decide alone. A work is a best copy and the documents that copy it, not a
chain of copies of copies.

A new document finds the documents it may copy without a comparison with every document: the
MinHash of its word pairs, cut into LSH bands (`work_bands`), names the few documents sharing a
band, and only those are compared, exactly, from their page text. `work_members` holds each
document's work; `place` runs in the transaction that saves a document, `forget` in the one
that deletes it, and `refresh` places what a KB of an earlier saman lacks.
A work's id is the smallest doc_id among its copies, so the same files give the same work ids
whatever the order they were read in; it changes only when a copy with a smaller doc_id joins
the work or that copy leaves the KB. The work's best copy (the source to read and cite) is the
one with the fewest OCR pages, then in its original format (a deck before its PDF before a
conversion or a picture), then the one with the most text.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import unicodedata
from collections import Counter
from collections.abc import Iterable
from typing import NamedTuple

import numpy as np

from extractors.lang.stemming import tokens

WORKS_VERSION = "2"
SAME_WORK = 0.45
SAME_PLACES = 0.5
# Below this many word pairs a share of them says little: such documents are one work only with
# a document of exactly the same pairs (a title slide and its PDF), and one without text never.
MIN_SHINGLES = 10
BANDS, ROWS = 40, 3  # 120 MinHash values; a pair at Jaccard 0.45 shares a band with p = 0.98, at 0.55 p = 0.999
MIN_SHARED_BANDS = 2
PERMUTATIONS = BANDS * ROWS
_RNG = np.random.default_rng(15)
_A = _RNG.integers(1, 2**63, size=PERMUTATIONS, dtype=np.uint64) | np.uint64(1)
_B = _RNG.integers(0, 2**63, size=PERMUTATIONS, dtype=np.uint64)

_CHUNK = 4096  # word pairs hashed at a time: a long report's pairs × 120 would not fit in memory


class Print(NamedTuple):
    """What two documents are compared by: their word pairs and the municipalities they name."""

    pairs: set[str]
    places: frozenset[str] = frozenset()


class Copy(NamedTuple):
    """One file of a work, as search lists it."""

    doc_id: str
    file_name: str
    best: bool


def shingles(pages: Iterable[str]) -> set[str]:
    """The word pairs of the pages, each page on its own."""
    out: set[str] = set()
    for text in pages:
        words = tokens(unicodedata.normalize("NFKC", text or ""))
        out.update(f"{a} {b}" for a, b in zip(words, words[1:]))
    return out


def minhash(found: set[str]) -> np.ndarray:
    """PERMUTATIONS MinHash values of a non-empty set of word pairs."""
    hashed = np.array([int.from_bytes(hashlib.blake2b(s.encode(), digest_size=8).digest(), "little") for s in found],
                      dtype=np.uint64)
    # (a·x + b) mod 2^64 per permutation: numpy's uint64 arithmetic wraps, which is the modulus.
    values = np.full(PERMUTATIONS, np.iinfo(np.uint64).max, dtype=np.uint64)
    for start in range(0, len(hashed), _CHUNK):
        part = hashed[None, start:start + _CHUNK]
        values = np.minimum(values, (part * _A[:, None] + _B[:, None]).min(axis=1))
    return values


def similarity(a: set[str], b: set[str]) -> float:
    """The Jaccard similarity of two documents' word pairs."""
    return len(a & b) / len(a | b) if a or b else 0.0


def same_text(a: set[str], b: set[str]) -> bool:
    """Whether two documents' word pairs are those of one text."""
    if min(len(a), len(b)) < MIN_SHINGLES:
        return bool(a) and a == b
    return similarity(a, b) >= SAME_WORK


def same_places(a: frozenset[str], b: frozenset[str]) -> bool:
    """Whether the municipalities two documents name allow them to be copies of each other."""
    named = a | b
    return len(named) <= 1 or len(a & b) / len(named) >= SAME_PLACES


def same_work(a: Print, b: Print) -> bool:
    return same_places(a.places, b.places) and same_text(a.pairs, b.pairs)


def _buckets(values: np.ndarray) -> list[tuple[int, int]]:
    return [(band, int.from_bytes(hashlib.blake2b(values[band * ROWS:(band + 1) * ROWS].tobytes(), digest_size=8)
                                  .digest(), "little", signed=True))
            for band in range(BANDS)]


# -- keeping works up to date (inside the caller's transaction) ---------------------------------


def place(db: sqlite3.Connection, doc_id: str) -> None:
    """Give a document just saved its work: join the work whose best copy it copies (and the
    works it joins together, see _works_copied), or found its own; and set every affected
    document's work and best copy. A document that comes back changed regroups its old work."""
    old = _work_of(db, doc_id)
    _drop(db, doc_id)
    own = Print(_shingles_of(db, [doc_id])[doc_id], _named(db, doc_id))
    db.execute("INSERT INTO work_members(doc_id, work_id) VALUES (?, ?)", (doc_id, doc_id))
    db.execute("INSERT INTO work_places(doc_id, places) VALUES (?, ?)", (doc_id, json.dumps(sorted(own.places))))
    copied: list[str] = []
    if own.pairs:
        buckets = _buckets(minhash(own.pairs))
        db.executemany("INSERT INTO work_bands(band, bucket, doc_id) VALUES (?, ?, ?)",
                       [(band, bucket, doc_id) for band, bucket in buckets])
        copied = _works_copied(db, doc_id, own, buckets)
    if old:
        _regroup(db, {doc_id} | _members(db, old) | {d for w in copied for d in _members(db, w)})
    else:
        _join(db, doc_id, set(copied))


def _works_copied(db: sqlite3.Connection, doc_id: str, own: Print, buckets: list[tuple[int, int]]) -> list[str]:
    """The works a new document belongs to: the one whose best copy it is most alike among those
    it copies, and any other it copies whose best copy copies that one's too.

    A work is its best copy and the copies of it, not a chain: in a chain, two documents that
    each copy a third (a short deck without names, made of slides that several decks hold)
    would join works that copy neither each other nor it. So a document is compared with the
    best copy of each work among its LSH candidates (those sharing MIN_SHARED_BANDS bands: a
    pair at SAME_WORK shares two with p = 0.89, at 0.54, a phone photo's, 0.99), the
    municipalities first, in one query for all of them, before any text is read."""
    shared = _candidates(db, doc_id, buckets)
    members = {d for d, n in shared.items() if n >= MIN_SHARED_BANDS}
    centres = dict(_rows_in(db, "SELECT c.work_id, c.doc_id FROM work_members m JOIN work_members c ON c.work_id = m.work_id "
                                "JOIN documents d ON d.doc_id = c.doc_id WHERE d.best_copy = 1 AND m.doc_id IN ({})",
                            sorted(members)))
    places = _places_of(db, sorted(centres.values()))
    alike: dict[str, float] = {}
    prints: dict[str, Print] = {}
    for work, centre in sorted(centres.items()):
        if same_places(own.places, places[centre]):
            prints[work] = Print(_shingles_of(db, [centre])[centre], places[centre])
            if same_work(own, prints[work]):
                alike[work] = similarity(own.pairs, prints[work].pairs)
    if not alike:
        return []
    first = max(alike, key=lambda w: (alike[w], w))
    return [first, *(w for w in sorted(alike) if w != first and same_work(prints[first], prints[w]))]


def _join(db: sqlite3.Connection, doc_id: str, works_copied: set[str]) -> None:
    """`doc_id` and the works it copies made one work: its id the least of theirs (a work's id
    is its least member), its best copy the best of their best copies and the new document."""
    bests = [r[0] for r in _rows_in(db, "SELECT d.doc_id FROM work_members m JOIN documents d ON d.doc_id = m.doc_id "
                                        "WHERE d.best_copy = 1 AND m.work_id IN ({})", sorted(works_copied))]
    contenders = [doc_id, *bests]
    ranks = _ranks(db, contenders, _shingles_of(db, contenders))
    best = min(contenders, key=lambda d: ranks[d])
    work_id = min([doc_id, *works_copied])
    for work in works_copied:
        db.execute("UPDATE work_members SET work_id = ? WHERE work_id = ?", (work_id, work))
    db.execute("UPDATE work_members SET work_id = ? WHERE doc_id = ?", (work_id, doc_id))
    db.execute("UPDATE documents SET work_id = ?, best_copy = (doc_id = ?) WHERE doc_id IN "
               "(SELECT doc_id FROM work_members WHERE work_id = ?)", (work_id, best, work_id))


def forget(db: sqlite3.Connection, doc_id: str) -> None:
    """Take a document that leaves the KB out of its work; the copies left are regrouped
    (without it, they may no longer be one work)."""
    old = _work_of(db, doc_id)
    _drop(db, doc_id)
    if old:
        _regroup(db, _members(db, old))


def refresh(db: sqlite3.Connection) -> int:
    """Place every document without a work (a KB from before works, or from before
    WORKS_VERSION); returns how many were placed."""
    row = db.execute("SELECT value FROM meta WHERE key = 'works_version'").fetchone()
    if row is None or row[0] != WORKS_VERSION:
        db.execute("DELETE FROM work_members")
        db.execute("DELETE FROM work_bands")
        db.execute("DELETE FROM work_places")
        db.execute("UPDATE documents SET work_id = NULL, best_copy = 0")
        db.execute("INSERT OR REPLACE INTO meta VALUES ('works_version', ?)", (WORKS_VERSION,))
    missing = [r[0] for r in db.execute(
        "SELECT d.doc_id FROM documents d LEFT JOIN work_members s ON s.doc_id = d.doc_id "
        "WHERE s.doc_id IS NULL ORDER BY d.doc_id")]
    for doc_id in missing:
        place(db, doc_id)
    return len(missing)


def _work_of(db: sqlite3.Connection, doc_id: str) -> str | None:
    row = db.execute("SELECT work_id FROM work_members WHERE doc_id = ?", (doc_id,)).fetchone()
    return row[0] if row else None


def _members(db: sqlite3.Connection, work_id: str | None) -> set[str]:
    return {r[0] for r in db.execute("SELECT doc_id FROM work_members WHERE work_id = ?", (work_id,))}


def _drop(db: sqlite3.Connection, doc_id: str) -> None:
    db.execute("DELETE FROM work_members WHERE doc_id = ?", (doc_id,))
    db.execute("DELETE FROM work_bands WHERE doc_id = ?", (doc_id,))
    db.execute("DELETE FROM work_places WHERE doc_id = ?", (doc_id,))


def _candidates(db: sqlite3.Connection, doc_id: str, buckets: list[tuple[int, int]]) -> Counter[str]:
    """The other documents sharing a band with `doc_id`, and how many bands each shares."""
    found: Counter[str] = Counter()
    for band, bucket in buckets:
        found.update(r[0] for r in db.execute("SELECT doc_id FROM work_bands WHERE band = ? AND bucket = ?", (band, bucket)))
    del found[doc_id]
    return found


def _shingles_of(db: sqlite3.Connection, doc_ids: Iterable[str]) -> dict[str, set[str]]:
    """The word pairs of each document's pages, from the text the KB holds."""
    pages: dict[str, list[str]] = {d: [] for d in doc_ids}
    for doc_id, text in _rows_in(db, "SELECT doc_id, text FROM pages WHERE doc_id IN ({}) ORDER BY doc_id, page", list(pages)):
        pages[doc_id].append(text)
    return {d: shingles(texts) for d, texts in pages.items()}


def _named(db: sqlite3.Connection, doc_id: str) -> frozenset[str]:
    """The municipalities a document names, by current kommunenummer (a copy dated by other
    metadata may date a name before or after a reform), from its records."""
    return frozenset(r[0] for r in db.execute("SELECT DISTINCT coalesce(current_kommunenummer, kommunenummer) FROM municipalities "
                                              "WHERE doc_id = ?", (doc_id,)) if r[0])


def _places_of(db: sqlite3.Connection, doc_ids: Iterable[str]) -> dict[str, frozenset[str]]:
    """The municipalities each placed document names (work_places: one row a document, where
    its records are a row a mention), in the order of `doc_ids`."""
    named = {d: frozenset() for d in doc_ids}
    for doc_id, places in _rows_in(db, "SELECT doc_id, places FROM work_places WHERE doc_id IN ({})", list(named)):
        named[doc_id] = frozenset(json.loads(places))
    return named


def _prints_of(db: sqlite3.Connection, doc_ids: Iterable[str]) -> dict[str, Print]:
    wanted = list(doc_ids)
    pairs, places = _shingles_of(db, wanted), _places_of(db, wanted)
    return {d: Print(pairs[d], places[d]) for d in wanted}


def _regroup(db: sqlite3.Connection, doc_ids: set[str]) -> None:
    """Split `doc_ids` into works and store each document's work and whether it is its work's
    best copy, in `work_members` and on its document row. As in _works_copied, a work is a best
    copy and the copies of it: the documents, best first, each join the first work whose best
    copy they copy, or found one."""
    found = _prints_of(db, _known(db, doc_ids))
    ranks = _ranks(db, sorted(found), {d: p.pairs for d, p in found.items()})
    groups: list[list[str]] = []
    for d in sorted(found, key=lambda d: ranks[d]):
        group = next((g for g in groups if same_work(found[g[0]], found[d])), None)
        if group is None:
            groups.append([d])
        else:
            group.append(d)
    for best, *copies in groups:
        work_id = min([best, *copies])
        for d in (best, *copies):
            db.execute("UPDATE work_members SET work_id = ? WHERE doc_id = ?", (work_id, d))
            db.execute("UPDATE documents SET work_id = ?, best_copy = ? WHERE doc_id = ?", (work_id, int(d == best), d))


_OWN_FORMATS = frozenset({".pptx", ".pptm", ".docx", ".docm", ".xlsx"})
_PICTURES = frozenset({".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".gif", ".webp"})


def _format_rank(file_name: str) -> int:
    """A deck or document in its own format reads best, then a PDF, then one read through a
    conversion (.ppt, .odp, .doc by LibreOffice: its media type is the converted one's, so the
    file's name says it), then a picture."""
    suffix = "." + file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    if suffix in _OWN_FORMATS:
        return 0
    if suffix == ".pdf":
        return 1
    if suffix in _PICTURES:
        return 3
    return 2


def _known(db: sqlite3.Connection, doc_ids: set[str]) -> list[str]:
    return [r[0] for r in _rows_in(db, "SELECT doc_id FROM work_members WHERE doc_id IN ({})", sorted(doc_ids))]


def _ranks(db: sqlite3.Connection, doc_ids: list[str], found: dict[str, set[str]]) -> dict[str, tuple]:
    ranks: dict[str, tuple] = {}
    rows = _rows_in(db, "SELECT doc_id, file_name, n_pages, ocr_pages FROM documents WHERE doc_id IN ({})", doc_ids)
    for doc_id, file_name, n_pages, ocr_pages in rows:
        ocr = len(json.loads(ocr_pages or "null") or []) / max(1, n_pages or 0)
        ranks[doc_id] = (ocr, _format_rank(file_name or ""), -len(found[doc_id]), doc_id)
    for doc_id in doc_ids:  # a member without its document row (never expected): last
        ranks.setdefault(doc_id, (2.0, 9, 0, doc_id))
    return ranks


# -- reading --------------------------------------------------------------------------------


def _has_works(db: sqlite3.Connection) -> bool:
    """Whether the KB has works (a KB of an earlier saman, opened read-only, has not)."""
    return "work_id" in {row[1] for row in db.execute("PRAGMA table_info(documents)")}


def copies(db: sqlite3.Connection, doc_ids: Iterable[str]) -> dict[str, tuple[str, tuple[Copy, ...]]]:
    """doc_id → (its work_id, every copy of the work, best copy first) for the given documents.

    A document of a KB without works is a work of its own, named by its doc_id.
    """
    wanted = sorted(set(doc_ids))
    if not _has_works(db):
        rows = _rows_in(db, "SELECT doc_id, file_name, 1, doc_id FROM documents WHERE doc_id IN ({})", wanted)
    else:  # by work_members' indexes: `coalesce(work_id, doc_id) IN` read every document of the KB
        work_ids = sorted({r[0] for r in _rows_in(db, "SELECT work_id FROM work_members WHERE doc_id IN ({})", wanted)})
        rows = _rows_in(db, "SELECT d.doc_id, d.file_name, d.best_copy, m.work_id FROM work_members m "
                            "JOIN documents d ON d.doc_id = m.doc_id WHERE m.work_id IN ({})", work_ids)
    works: dict[str, list[Copy]] = {}
    work_of: dict[str, str] = {}
    for doc_id, file_name, best, work in sorted(rows, key=lambda r: (r[3], not r[2], r[1])):
        works.setdefault(work, []).append(Copy(doc_id, file_name, bool(best)))
        work_of[doc_id] = work
    return {d: (work_of[d], tuple(works[work_of[d]])) for d in wanted if d in work_of}


def _rows_in(db: sqlite3.Connection, sql: str, values: list[str]) -> list[tuple]:
    """`sql` with its `IN ({})` filled by `values`, a few hundred at a time."""
    out: list[tuple] = []
    for start in range(0, len(values), 500):
        chunk = values[start:start + 500]
        out += db.execute(sql.format(",".join("?" * len(chunk))), chunk).fetchall()
    return out


def count(db: sqlite3.Connection) -> int:
    """How many works the KB holds (every document counts as one in a KB without works)."""
    if not _has_works(db):
        return db.execute("SELECT count(*) FROM documents").fetchone()[0]
    return db.execute("SELECT count(DISTINCT coalesce(work_id, doc_id)) FROM documents").fetchone()[0]
