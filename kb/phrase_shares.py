"""Each common phrase's share of bm25 on every page holding it, kept so that a search for
common words adds up stored numbers instead of having FTS5 reckon bm25 on tens of thousands
of pages.

bm25 is a sum over the query's phrases (each written or stemmed form of a word, as kb.search
renders it) of that phrase's share on the page: its idf times a function of how often the
page holds it and how long the page is. A phrase's share on a page depends only on the index
as a whole (page count, token totals, how many pages hold the phrase) and on that page, never
on the query. On an archive of 60,000 pages `kommune` in its forms is on 37,000 of them, and
FTS5 reads every one of its occurrences and reckons bm25 on each page before it can sort
them; here the shares of every word on at least MIN_PAGES pages are reckoned once for each
column set search writes it in (as written, stemmed, inside compounds), by FTS5 itself (a query
of that phrase alone), and stored: also where the word is rare or absent in a column set, since
FTS5 reads all of a common word's pages to find it in any column. A search adds the stored shares of its common phrases to the shares FTS5 gives for its rare ones
(quick, since they are rare), and gets the same scores FTS5 would: the same hits in the same
order. Two words side by side on MIN_PAGES pages or more are stored as well, as a quoted
phrase writes them and stemmed: users quote such pairs (`"om ein"`, `"og regionaldepartementet"`:
41,000 pages), and FTS5 reads both words' positions on every page to find a phrase, three
times a query. A longer phrase or a prefix is not stored, but a page holds it no more often
than its rarest word, or than all the words it begins together: the words' shares bound its
bm25 (Shares.per_idf), and FTS5 reckons it only on the pages whose bound could place them
among the hits (kb.search).

Beside the shares the refresh keeps which pages are copies of which (`page_copies`: by rowid,
the first page whose indexed columns hold the same text): a slide in many decks, a re-saved
deck. A copy has the same bm25 as the page it copies for any query, so FTS5 need reckon it
once a text (in the 5,000-document benchmark 63,546 pages hold 16,670 texts).

The shares are reckoned again after an ingest that changed the index (`refresh`); whether
they are current is told by a stamp of the index (its page count and token totals, and the
highest page rowid), and shares that are not current are not used: a KB written without
refreshing them is still searched right, by FTS5 alone.
"""

from __future__ import annotations

import hashlib
import math
import re
import sqlite3
from collections import Counter, OrderedDict
from dataclasses import dataclass

import numpy as np

from extractors.lang.stemming import stem, tokens

# bm25 weights for the FTS columns title, text, raw_text, stemmed (and parts).
WEIGHTS = (4.0, 2.0, 0.5, 1.0, 0.5)
# A phrase on fewer pages is left to FTS5 (quick on that few).
MIN_PAGES = 1000
# Phrases of a word, or of two words side by side, are stored.
MAX_WORDS = 2
# The column sets kb.search writes a single word's phrases for: as written, stemmed, and
# stemmed inside a compound.
WRITTEN = "{title text raw_text}"
STEMMED = "stemmed"
PARTS = "parts"
_COLUMNS_OF = {WRITTEN: ("title", "text", "raw_text"), STEMMED: ("stemmed",), PARTS: ("parts",)}
_STAMP_KEY = "phrase_shares_stamp"
_ONE_TOKEN = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Shares:
    """A phrase's pages (rowids) and its share of bm25 on each, made positive; for a phrase on
    many pages also both by rowid (`dense`, `held`), which are added whole, where picking its
    tens of thousands of pages one by one took a third of a millisecond."""

    rowids: np.ndarray
    shares: np.ndarray
    dense: np.ndarray | None = None
    held: np.ndarray | None = None

    def add_to(self, total: np.ndarray, holds: np.ndarray) -> None:
        """Add the shares to `total` and mark the pages in `holds` (both by rowid)."""
        if self.dense is not None and self.held is not None:
            np.add(total, self.dense, out=total)
            np.logical_or(holds, self.held, out=holds)
        else:
            total[self.rowids] += self.shares
            holds[self.rowids] = True

    @property
    def nbytes(self) -> int:
        return sum(a.nbytes for a in (self.rowids, self.shares, self.dense, self.held) if a is not None)

    def holding(self, size: int) -> np.ndarray:
        """By rowid, whether the page holds the phrase."""
        if self.held is not None:
            return self.held
        out = np.zeros(size, dtype=bool)
        out[self.rowids] = True
        return out

    def per_idf(self, pages: int, size: int) -> np.ndarray:
        """By rowid, the share on each page divided by the phrase's idf (an index of `pages`
        pages): the part of bm25 that depends on the page alone, which grows with how often
        the page holds the phrase."""
        out = np.zeros(size)
        out[self.rowids] = self.shares / idf(len(self.rowids), pages)
        return out


def idf(holding: int, pages: int) -> float:
    """FTS5's idf of a phrase on `holding` of the index's `pages` pages (its bm25, in
    fts5_aux.c): a phrase on half the pages or more counts almost nothing."""
    value = math.log((pages - holding + 0.5) / (holding + 0.5))
    return value if value > 0 else 1e-6


@dataclass(frozen=True)
class Stored:
    """The shares of the common phrases asked for, each page's place in the order of
    (doc_id, page) by rowid, that ties are broken in, the index's page count, and which pages
    are copies of which (None in a KB whose shares were reckoned before they were kept)."""

    phrases: dict[str, Shares]
    order: np.ndarray
    pages: int
    copies: np.ndarray | None = None  # by rowid, the first page of the same text (_keep_copies)
    many_copies: bool = False  # a quarter of the pages or more are copies of another


def phrase(columns: str, word: str) -> str:
    """The FTS5 phrase of one word in a column set, as search writes it and the shares key it."""
    return f'{columns} : "{word}"'


def listable(word: str) -> bool:
    """Whether a word is one token of the index, so that, common, its shares are stored."""
    return _ONE_TOKEN.fullmatch(word) is not None


def weights(has_parts: bool) -> str:
    """The bm25 weights as SQL arguments, for an index with or without its `parts` column."""
    return ", ".join(str(w) for w in WEIGHTS[:4 + has_parts])


def _pages_indexed(averages: bytes) -> int:
    """The page count FTS5's averages record begins with (a varint: 7 bits a byte, high bit set
    on all but the last)."""
    value = 0
    for byte in averages[:9]:
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            break
    return value


def stamp(db: sqlite3.Connection) -> str:
    """What the shares were reckoned from: the index's page count and token totals (FTS5's
    averages record) and the highest page rowid (a page deleted and added again is new)."""
    averages = db.execute("SELECT block FROM pages_fts_data WHERE id = 1").fetchone()
    top = db.execute("SELECT max(rowid) FROM pages").fetchone()[0]
    return f"{averages[0].hex() if averages else ''}:{top}"


def _tables(db: sqlite3.Connection) -> bool:
    return db.execute("SELECT count(*) FROM sqlite_master WHERE name IN ('phrase_shares', 'page_order')").fetchone()[0] == 2


def current(db: sqlite3.Connection) -> bool:
    """Whether the KB has shares reckoned from its index as it is now."""
    return current_stamp(db) is not None


def current_stamp(db: sqlite3.Connection) -> str | None:
    """The index's stamp when the KB's shares were reckoned from the index as it is now, else
    None (then none may be used)."""
    if not _tables(db):
        return None
    now = stamp(db)
    return now if _stored_stamp(db) == now else None


def _stored_stamp(db: sqlite3.Connection) -> str | None:
    row = db.execute("SELECT value FROM meta WHERE key = ?", (_STAMP_KEY,)).fetchone()
    return row[0] if row else None


def refresh(db: sqlite3.Connection, min_pages: int = MIN_PAGES) -> int:
    """If the index changed since the shares were reckoned: merge its segments into one (FTS5
    looks a word up in each; a bulk import leaves a few dozen), and reckon the shares of the
    words, and of the pairs of words side by side, on at least `min_pages` pages again. Returns for how many phrases (0 when they were
    current). Commits."""
    if current(db):
        if not _has_copies(db):  # shares reckoned before the copies were kept
            _keep_copies(db)
            db.commit()
        return 0
    db.execute("INSERT INTO pages_fts(pages_fts) VALUES ('optimize')")  # the stamp stays as it is
    has_parts = "parts" in {r[1] for r in db.execute("PRAGMA table_info(pages_fts)")}
    if (db.execute("SELECT max(rowid) FROM pages").fetchone()[0] or 0) >= 2**31:
        return 0  # rowids are stored in 32 bits; such a KB is searched by FTS5 alone
    db.execute("CREATE TABLE IF NOT EXISTS phrase_shares (phrase TEXT PRIMARY KEY, rowids BLOB NOT NULL, "
               "shares BLOB NOT NULL) WITHOUT ROWID")
    db.execute("CREATE TABLE IF NOT EXISTS page_order (id INTEGER PRIMARY KEY CHECK (id = 1), ranks BLOB NOT NULL)")
    db.execute("DELETE FROM phrase_shares")
    db.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.phrase_shares_vocab USING fts5vocab(main, 'pages_fts', 'col')")
    sql = f"SELECT rowid, -bm25(pages_fts, {weights(has_parts)}) FROM pages_fts WHERE pages_fts MATCH ?"
    # The words on min_pages pages or more in any columns: FTS5 reads every page of such a
    # word for a phrase of it in any column set, also one where it is rare or absent (`parts :
    # "i"` read 53,000 pages to find none), so each of its column sets gets shares, if empty.
    docs: dict[str, dict[str, int]] = {}
    for term, col, doc in db.execute(
            "SELECT term, col, doc FROM temp.phrase_shares_vocab WHERE term IN "
            "(SELECT term FROM temp.phrase_shares_vocab GROUP BY term HAVING sum(doc) >= ?)", (min_pages,)):
        docs.setdefault(term, {})[col] = doc
    firsts = _keep_copies(db)
    made = 0
    for word in filter(listable, docs):
        for columns, names in _COLUMNS_OF.items():
            key = phrase(columns, word)
            rows = np.zeros((0, 2))
            if any(docs[word].get(c) for c in names):
                rows = np.array(db.execute(sql, (key,)).fetchall(), dtype=np.float64).reshape(-1, 2)
            made += _store(db, key, rows)
    # Two words side by side on min_pages pages or more, as a quoted phrase writes them and
    # stemmed; a pair's stems may be those of another pair's (`kommunen i`, `kommunane i`).
    for pair in _common_pairs(db, firsts, min_pages):
        for columns, words in ((WRITTEN, pair), (STEMMED, tuple(stem(w) for w in pair))):
            key = phrase(columns, " ".join(words))
            made += _store(db, key, np.array(db.execute(sql, (key,)).fetchall(), dtype=np.float64).reshape(-1, 2))
    in_order = np.array([r[0] for r in db.execute("SELECT rowid FROM pages ORDER BY doc_id, page")], dtype=np.int64)
    ranks = np.full(int(in_order.max(initial=0)) + 1, len(in_order), dtype=np.int64)
    ranks[in_order] = np.arange(len(in_order))
    db.execute("INSERT OR REPLACE INTO page_order VALUES (1, ?)", (ranks.tobytes(),))
    db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (_STAMP_KEY, stamp(db)))
    db.commit()
    return made


def _store(db: sqlite3.Connection, key: str, rows: np.ndarray) -> int:
    """Keep a phrase's shares (rows of rowid and share); 1 if it was not kept yet."""
    return db.execute("INSERT OR IGNORE INTO phrase_shares VALUES (?, ?, ?)",
                      (key, rows[:, 0].astype(np.int32).tobytes(), rows[:, 1].tobytes())).rowcount


def _common_pairs(db: sqlite3.Connection, firsts: np.ndarray, min_pages: int) -> list[tuple[str, str]]:
    """The pairs of words side by side in a page's title, text or raw text on `min_pages`
    pages or more, counted once a text (`firsts`: by rowid, the page each copies, _keep_copies;
    a rowid no page has stands for itself and is never read) and read as search tokens (FTS5's
    own words but for a rare odd character: a pair counted wrong is stored or not, and a
    search without it asks FTS5, as for any phrase)."""
    texts, copies = np.unique(firsts, return_counts=True)
    copies_of = dict(zip(texts.tolist(), copies.tolist()))
    pages: Counter[tuple[str, str]] = Counter()
    for rowid, *columns in db.execute("SELECT rowid, title, text, raw_text FROM pages"):
        if (copies := copies_of.get(rowid)) is None:  # a copy: counted with the page it copies
            continue
        pairs: set[tuple[str, str]] = set()
        for value in columns:
            words = tokens(value or "")
            pairs.update(zip(words, words[1:]))
        for pair in pairs:
            pages[pair] += copies
    return sorted(pair for pair, count in pages.items() if count >= min_pages)


def _has_copies(db: sqlite3.Connection) -> bool:
    return db.execute("SELECT count(*) FROM sqlite_master WHERE name = 'page_copies'").fetchone()[0] == 1


def _keep_copies(db: sqlite3.Connection) -> np.ndarray:
    """Store, by rowid, the first page (least rowid) whose indexed columns hold the same text:
    such copies (a slide in many decks, a re-saved deck) have the same bm25 for any query,
    which search then reckons once (a phrase of boilerplate on 3,500 pages of the 5,000
    documents holds 800 texts). The text is known by a 128-bit hash of its columns.
    Returns what it stored."""
    columns = [r[1] for r in db.execute("PRAGMA table_info(pages_fts)")]
    top = db.execute("SELECT max(rowid) FROM pages").fetchone()[0] or 0
    firsts, seen = np.arange(top + 1, dtype=np.int64), {}
    for rowid, *values in db.execute(f"SELECT rowid, {', '.join(f'[{c}]' for c in columns)} FROM pages ORDER BY rowid"):
        digest = hashlib.blake2b(digest_size=16)
        for value in values:
            data = b"" if value is None else str(value).encode()
            digest.update((len(data) if value is not None else -1).to_bytes(8, "little", signed=True) + data)
        firsts[rowid] = seen.setdefault(digest.digest(), rowid)
    db.execute("CREATE TABLE IF NOT EXISTS page_copies (id INTEGER PRIMARY KEY CHECK (id = 1), firsts BLOB NOT NULL)")
    db.execute("INSERT OR REPLACE INTO page_copies VALUES (1, ?)", (firsts.tobytes(),))
    return firsts


# Shares read, kept per KB file while its index stays as it was (a web server, a session in
# Python and the three rankings of one search ask for the same common phrases again).
CACHE_BYTES = 64 * 2**20


@dataclass
class _Kept:
    """What is kept of one KB file: its stamp, page order and the shares read (None for a
    phrase too rare to have any), least recently asked first, and their bytes."""

    stamp: str
    order: np.ndarray
    pages: int
    copies: np.ndarray | None
    many_copies: bool
    known: OrderedDict[str, Shares | None]
    nbytes: int = 0


_cache: dict[str, _Kept] = {}


def load(db: sqlite3.Connection, phrases: list[str], path: str, now: str) -> Stored:
    """The stored shares of those of `phrases` that are common, for the KB file at `path`
    whose shares are current at the stamp `now` (current_stamp: a search checks it once)."""
    if path not in _cache or _cache[path].stamp != now:
        ranks = db.execute("SELECT ranks FROM page_order WHERE id = 1").fetchone()[0]
        row = db.execute("SELECT firsts FROM page_copies WHERE id = 1").fetchone() if _has_copies(db) else None
        firsts = np.frombuffer(row[0], dtype=np.int64) if row else None
        pages = _pages_indexed(bytes.fromhex(now.split(":")[0]))
        many = firsts is not None and 4 * int(np.count_nonzero(firsts != np.arange(len(firsts)))) >= pages
        _cache[path] = _Kept(now, np.frombuffer(ranks, dtype=np.int64), pages, firsts, many, OrderedDict())
    kept = _cache[path]
    keys = sorted({p.lower() for p in phrases})
    if missing := [k for k in keys if k not in kept.known]:
        rows = {r[0]: _shares(np.frombuffer(r[1], dtype=np.int32), np.frombuffer(r[2], dtype=np.float64), len(kept.order))
                for r in db.execute(f"SELECT phrase, rowids, shares FROM phrase_shares WHERE phrase IN "
                                    f"({','.join('?' * len(missing))})", missing)}
        for k in missing:
            kept.known[k] = found = rows.get(k)
            kept.nbytes += found.nbytes if found is not None else 0
    for k in keys:
        kept.known.move_to_end(k)
    while kept.nbytes > CACHE_BYTES and len(kept.known) > len(keys):
        _, oldest = kept.known.popitem(last=False)
        kept.nbytes -= oldest.nbytes if oldest is not None else 0
    return Stored({k: v for k in keys if (v := kept.known[k]) is not None}, kept.order, kept.pages, kept.copies,
                  kept.many_copies)


def _shares(rowids: np.ndarray, shares: np.ndarray, size: int) -> Shares:
    """A phrase's stored shares, also by rowid when it is on a sixteenth of the pages or more."""
    if len(rowids) * 16 < size:
        return Shares(rowids, shares)
    dense, held = np.zeros(size), np.zeros(size, dtype=bool)
    dense[rowids] = shares
    held[rowids] = True
    return Shares(rowids, shares, dense, held)
