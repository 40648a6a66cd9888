"""A KB many times the size of an embedded one, for search latency at archive scale without reading or embedding again.

    python -m bench.scale_kb SOURCE.db BIG.db --copies 270     # 224 pages × 270 ≈ 60,000 pages
    python -m bench.search_latency --kb BIG.db --no-web

Reading and embedding 5,000 documents takes hours on this machine; search latency depends on
how many pages, words and vectors the KB holds, not on where they came from. So every document
of SOURCE (an ingested and embedded KB, such as bench.search_quality's) is stored `--copies`
times more, as a document of its own (doc_id, file name and work suffixed with the copy's
number, so copies stay apart in works and hits), with its pages, themes, municipalities and
counts. Each copied page's text gets the copy's number appended, so every page keeps a passage
of its own, as an archive of distinct documents does; its vector is the source page's real
embedding moved by a little noise (cosine about 0.9 to it) and L2-normalised, under the key of
its new passage (kb.vectors.passage_key), so the KB counts as fully embedded. The figures of a
KB built so are latency figures only: its copies say nothing of search quality.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from pathlib import Path

import numpy as np

from kb import phrase_shares, vectors
from kb.store import open_kb

# Tables copied per document, besides documents and pages.
RECORD_TABLES = ("themes", "municipalities", "counts", "measures")
NOISE = 0.5  # the norm of the noise added to a unit vector: cosine about 0.9


def _columns(db: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in db.execute(f"PRAGMA table_info([{table}])")]


def scale(source: Path, dest: Path, copies: int, seed: int = 15) -> dict[str, int]:
    """Write to `dest` the KB at `source` with `copies` more copies of each document; its counts."""
    if dest.exists():
        raise SystemExit(f"{dest} exists: choose another path")
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    out = sqlite3.connect(dest)
    src.backup(out)
    src.close()
    out.close()
    open_kb(dest).close()  # brings the copy to this saman's schema
    db = sqlite3.connect(dest)
    rng = np.random.default_rng(seed)
    base = {(d, p): np.frombuffer(blob, dtype=vectors.STORED).astype(np.float32) for d, p, blob in db.execute(
        """SELECT pv.doc_id, pv.page, v.vector FROM page_vectors pv JOIN passage_vectors v ON v.key = pv.key
           WHERE v.stamp = ?""", (vectors.stamp(),))}
    pages = db.execute("SELECT * FROM pages ORDER BY rowid").fetchall()
    page_cols = _columns(db, "pages")
    doc_cols = _columns(db, "documents")
    at = {name: page_cols.index(name) for name in ("doc_id", "file_name", "page", "title", "text", "raw_text")}
    current = vectors.stamp()
    for i in range(1, copies + 1):
        suffix = f"-{i:05d}"
        doc_sql = ", ".join(
            f"[{c}] || '{suffix}'" if c in ("doc_id", "work_id") else
            f"replace([{c}], '.', '{suffix}.')" if c == "file_name" else f"[{c}]" for c in doc_cols)
        db.execute(f"INSERT INTO documents ({', '.join(f'[{c}]' for c in doc_cols)}) SELECT {doc_sql} FROM documents "
                   "WHERE doc_id NOT LIKE '%-_____'")
        for table in RECORD_TABLES:
            cols = _columns(db, table)
            sql = ", ".join(f"[{c}] || '{suffix}'" if c == "doc_id" else f"[{c}]" for c in cols)
            db.execute(f"INSERT INTO [{table}] ({', '.join(f'[{c}]' for c in cols)}) SELECT {sql} FROM [{table}] "
                       "WHERE doc_id NOT LIKE '%-_____'")
        rows, links, held = [], [], []
        for row in pages:
            row = list(row)
            key = (row[at["doc_id"]], row[at["page"]])
            row[at["doc_id"]] += suffix
            stem, dot, ext = row[at["file_name"]].rpartition(".")
            row[at["file_name"]] = f"{stem}{suffix}{dot}{ext}" if dot else row[at["file_name"]] + suffix
            field = "text" if row[at["text"]] else "raw_text"
            row[at[field]] = f"{row[at[field]] or ''}\nkopi {i}"
            rows.append(row)
            if key in base:
                body = vectors.passage(row[at["title"]], row[at["text"]] or row[at["raw_text"]])
                vec = base[key] + NOISE * rng.standard_normal(vectors.DIM).astype(np.float32) / np.sqrt(vectors.DIM)
                vec /= np.linalg.norm(vec)
                passage_key = vectors.passage_key(body, current)
                links.append((row[at["doc_id"]], row[at["page"]], passage_key))
                held.append((passage_key, current, vec.astype(vectors.STORED).tobytes()))
        db.executemany(f"INSERT INTO pages ({', '.join(f'[{c}]' for c in page_cols)}) VALUES ({', '.join('?' * len(page_cols))})", rows)
        db.executemany("INSERT OR REPLACE INTO passage_vectors (key, stamp, vector) VALUES (?, ?, ?)", held)
        db.executemany("INSERT OR REPLACE INTO page_vectors (doc_id, page, key) VALUES (?, ?, ?)", links)
        db.commit()
    vectors.changed(db)
    phrase_shares.refresh(db)  # as the ingest flow does after a run
    db.commit()
    counts = {"documents": db.execute("SELECT count(*) FROM documents").fetchone()[0],
              "pages": db.execute("SELECT count(*) FROM pages").fetchone()[0],
              "vectors": db.execute("SELECT count(*) FROM passage_vectors").fetchone()[0]}
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return counts


def main(argv: list[str]) -> dict[str, int]:
    parser = argparse.ArgumentParser(prog="python -m bench.scale_kb", description=__doc__.split("\n")[0])
    parser.add_argument("source", type=Path, help="an ingested and embedded KB")
    parser.add_argument("dest", type=Path, help="the KB to write (must not exist)")
    parser.add_argument("--copies", type=int, required=True, help="copies of each document to add")
    args = parser.parse_args(argv)
    counts = scale(args.source, args.dest, args.copies)
    print(f"{args.dest}: {counts['documents']} documents, {counts['pages']} pages, {counts['vectors']} vectors")
    return counts


if __name__ == "__main__":
    main(sys.argv[1:])
