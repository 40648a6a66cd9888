"""The knowledge base file: SQLite in WAL mode, written one whole document at a time.

All writes of what was read go through `KB.save`, which takes one typed `models.Extraction` and
stores it in one transaction that first removes whatever the KB held for that document, so a
re-ingest replaces records and an interrupted run never leaves half a document behind
(`save_parts` does the same from the extraction's parts read as they come, so a long file is
stored without its records all in memory at once); a file
that could not be read is stored by `save_error` (or `save_failure`, which also remembers that
its content failed). Rows are inserted by column name, from the models' fields. Readers
(search, export, Datasette) can read while an ingest writes. The KB is also the ingest cache: a file whose sha256 is stored at the current pipeline version
is not parsed again, and neither is one whose content failed at that version (`failures`:
a bomb or a broken file costs its reading once, not on every run) unless a run asks to retry.
pandas is imported only by `frame`, so a command that only looks up the cache starts quickly.
"""

from __future__ import annotations

import itertools
import json
import os
import sqlite3
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from kb import phrase_shares, works
from kb.schema import FTS_DDL, FTS_DROP, SCHEMA_VERSION, TABLE_OF_TYPE, ddl, json_columns, record_columns
from extractors.lang.compounds import COMPOUNDS_VERSION, index_parts
from extractors.lang.stemming import STEMMING_VERSION, stemmed_text
from models import RECORD_TYPES, DocumentRecord, ErrorKind, ErrorRecord, Extraction, Record, StoredBlock, Thumbnail

if TYPE_CHECKING:
    import pandas as pd

DEFAULT_KB = "saman.db"


# The page cache of a read-only connection, in KiB.
READER_CACHE_KIB = 64 * 1024


def default_kb_path() -> str:
    return os.environ.get("SAMAN_KB", DEFAULT_KB)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _page_stems(text: str | None, raw_text: str | None) -> str:
    """What the `stemmed` search column holds for a page: its corrected and raw OCR text, stemmed."""
    return stemmed_text(f"{text or ''}\n{raw_text or ''}")


class Failure(NamedTuple):
    """A content that could not be read at `pipeline_version`; `limit_s` is the time a
    `timeout` was allowed (a longer limit later is worth a new try)."""

    pipeline_version: str
    error_kind: ErrorKind
    message: str
    detail: str | None
    limit_s: float | None


class KB:
    """A saman knowledge base. Use `open_kb(path)`; safe to use from one thread at a time."""

    def __init__(self, path: str | Path, *, readonly: bool = False) -> None:
        self.path = str(path)
        try:
            if readonly:
                if not Path(self.path).is_file():
                    raise FileNotFoundError(f"no knowledge base at {self.path}: run `saman ingest` first")
                self.db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=30)
                self.db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
                # A reader searches: keep the index pages of common words between queries
                # (SQLite's default 2 MB held less than one query of them on 60,000 pages).
                self.db.execute(f"PRAGMA cache_size = -{READER_CACHE_KIB}")
            else:
                self.db = sqlite3.connect(self.path, timeout=30)
                self.db.executescript(ddl())
                self._add_new_columns()
                self.db.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
                self._restem_if_older()
                self._split_compounds_if_older()
                works.refresh(self.db)
                self.db.commit()
        except sqlite3.DatabaseError as exc:
            raise ValueError(f"{self.path} is not a saman knowledge base ({exc})") from None
        self.db.row_factory = sqlite3.Row

    def _add_new_columns(self) -> None:
        """A KB made by an earlier saman gets the columns record types have gained since."""
        for record_type, table in TABLE_OF_TYPE.items():
            have = {row[1] for row in self.db.execute(f"PRAGMA table_info([{table}])")}
            for name, kind in record_columns(record_type).items():
                if name not in have:
                    self.db.execute(f"ALTER TABLE [{table}] ADD COLUMN [{name}] {'TEXT' if kind == 'JSON' else kind}")

    @property
    def stemming_version(self) -> str:
        """How the KB's search stems were made ("1" for a KB from before the setting existed);
        search stems queries the same way, also in a KB opened read-only."""
        row = self.db.execute("SELECT value FROM meta WHERE key = 'stemming_version'").fetchone()
        return row[0] if row else "1"

    def _restem_if_older(self) -> None:
        """A KB whose search stems an earlier saman made gets today's, a few hundred pages at
        a time (the FTS index follows through the pages' update trigger)."""
        if self.stemming_version == STEMMING_VERSION:
            return
        last = 0
        while pages := self.db.execute("SELECT rowid, text, raw_text FROM pages WHERE rowid > ? ORDER BY rowid LIMIT 500",
                                       (last,)).fetchall():
            self.db.executemany("UPDATE pages SET stemmed = ? WHERE rowid = ?",
                                [(_page_stems(text, raw), rowid) for rowid, text, raw in pages])
            last = pages[-1][0]
        self.db.execute("INSERT OR REPLACE INTO meta VALUES ('stemming_version', ?)", (STEMMING_VERSION,))

    def _split_compounds_if_older(self) -> None:
        """A KB whose compound parts an earlier saman made (or that has none) gets today's; one
        from before the `parts` column gets the column and its page index made anew."""
        row = self.db.execute("SELECT value FROM meta WHERE key = 'compounds_version'").fetchone()
        if row and row[0] == COMPOUNDS_VERSION:
            return
        have = {r[1] for r in self.db.execute("PRAGMA table_info(pages)")}
        if "parts" not in have:
            for statement in FTS_DROP:
                self.db.execute(statement)
            self.db.execute("ALTER TABLE pages ADD COLUMN parts TEXT")
        last = 0
        while pages := self.db.execute("SELECT rowid, text, raw_text FROM pages WHERE rowid > ? ORDER BY rowid LIMIT 500",
                                       (last,)).fetchall():
            self.db.executemany("UPDATE pages SET parts = ? WHERE rowid = ?",
                                [(index_parts(f"{text or ''}\n{raw or ''}"), rowid) for rowid, text, raw in pages])
            last = pages[-1][0]
        if "parts" not in have:
            for statement in FTS_DDL:
                self.db.execute(statement)
            self.db.execute("INSERT INTO pages_fts(pages_fts) VALUES ('rebuild')")
        self.db.execute("INSERT OR REPLACE INTO meta VALUES ('compounds_version', ?)", (COMPOUNDS_VERSION,))

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> KB:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the ingest cache -------------------------------------------------------------------

    def stored_version(self, sha256: str) -> str | None:
        """The pipeline version a document with this content was extracted at, if any."""
        row = self.db.execute("SELECT pipeline_version FROM documents WHERE doc_id = ? AND sha256 = ?", (sha256[:16], sha256)).fetchone()
        return row[0] if row else None

    def unchanged_sha(self, path: str, size: int, mtime: float, pipeline_version: str) -> str | None:
        """The content hash of `path` if it was seen with this size and mtime, and its content
        was stored (or failed) at this version.

        Lets a rerun over thousands of unchanged files skip reading them to hash them; a file
        whose mtime moved is hashed again (and still skipped if its content is the same).
        """
        row = self.db.execute(
            """SELECT p.sha256 FROM paths p WHERE p.path = ? AND p.size = ? AND p.mtime = ? AND (
                 EXISTS (SELECT 1 FROM documents d WHERE d.doc_id = substr(p.sha256, 1, 16)
                         AND d.sha256 = p.sha256 AND d.pipeline_version = ?)
                 OR EXISTS (SELECT 1 FROM failures f WHERE f.sha256 = p.sha256 AND f.pipeline_version = ?))""",
            (path, size, mtime, pipeline_version, pipeline_version)).fetchone()
        return row[0] if row else None

    def failure(self, sha256: str) -> Failure | None:
        """How this content failed the last time it was read, if its reading failed."""
        row = self.db.execute("SELECT pipeline_version, error_kind, message, detail, limit_s FROM failures WHERE sha256 = ?",
                              (sha256,)).fetchone()
        return Failure(*row) if row else None

    def note_path(self, path: str, sha256: str, doc_id: str | None, folder: str | None = None,
                  stat: os.stat_result | None = None) -> None:
        """Remember that `path` (as displayed) holds this content now; drop what it held before if orphaned."""
        self.note_paths([(path, sha256, doc_id, folder, stat)])

    def note_paths(self, notes: list[tuple[str, str, str | None, str | None, os.stat_result | None]]) -> None:
        """`note_path` for many paths in one transaction (an unchanged rerun notes every file)."""
        with self.db:
            for path, sha256, doc_id, folder, st in notes:
                old = self.db.execute("SELECT doc_id FROM paths WHERE path = ?", (path,)).fetchone()
                self.db.execute(
                    """INSERT INTO paths(path, doc_id, sha256, size, mtime, folder, first_seen, last_seen, gone)
                       VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0)
                       ON CONFLICT(path) DO UPDATE SET doc_id=excluded.doc_id, sha256=excluded.sha256,
                       size=excluded.size, mtime=excluded.mtime, folder=COALESCE(excluded.folder, folder),
                       last_seen=excluded.last_seen, gone=0""",
                    (path, doc_id, sha256, st.st_size if st else None, st.st_mtime if st else None, folder, _now(), _now()),
                )
                if old and old[0] and old[0] != doc_id:
                    still_used = self.db.execute("SELECT 1 FROM paths WHERE doc_id = ? LIMIT 1", (old[0],)).fetchone()
                    if not still_used:
                        self._delete_document(old[0])

    def has_error(self, path: str, sha256: str) -> bool:
        """Whether `path` holds its file error for this content already."""
        return self.db.execute("SELECT 1 FROM errors WHERE path = ? AND sha256 = ? AND page IS NULL LIMIT 1",
                               (path, sha256)).fetchone() is not None

    def sources(self) -> tuple[list[str], list[str]]:
        """The folders ingested, and the files ingested on their own (outside those folders)."""
        folders = [r[0] for r in self.db.execute("SELECT DISTINCT folder FROM paths WHERE folder IS NOT NULL ORDER BY folder")]
        files = [r[0] for r in self.db.execute("SELECT path FROM paths WHERE folder IS NULL AND gone = 0 ORDER BY path")]
        return folders, files

    def mark_gone(self, present: set[str]) -> list[str]:
        """Mark every known path not in `present` as gone (records are kept); returns them."""
        known = [r[0] for r in self.db.execute("SELECT path FROM paths WHERE gone = 0")]
        gone = sorted(p for p in known if p not in present)
        with self.db:
            self.db.executemany("UPDATE paths SET gone = 1 WHERE path = ?", [(p,) for p in gone])
        return gone

    # -- writing ----------------------------------------------------------------------------

    def save(self, extraction: Extraction) -> None:
        """Store one document (its records, blocks and thumbnails) in a single transaction,
        in place of whatever the KB held for it and of the errors of the paths it was read at."""
        self.save_parts(extraction.document, extraction.records, extraction.blocks, extraction.thumbnails)

    def save_parts(self, document: DocumentRecord, records: Iterable[Record], blocks: Iterable[StoredBlock],
                   thumbnails: Iterable[Thumbnail]) -> None:
        """`save` of an extraction given as its parts, each read once, in this order: the flow
        stores a long file's records and blocks as they come from the worker's spool
        (flows.spool), never all in memory at once. One transaction all the same: a part that
        fails while it is read leaves the KB as it was."""
        with self.db:
            self._delete_document(document.doc_id)
            self.db.execute("DELETE FROM failures WHERE sha256 = ?", (document.sha256,))
            self.db.executemany("DELETE FROM errors WHERE path = ? AND page IS NULL", [(p,) for p in document.paths])
            self._insert(itertools.chain([document], records))
            self._insert_rows("blocks", list(StoredBlock._fields), (block._asdict() for block in blocks))
            self._insert_rows("thumbnails", ["doc_id", *Thumbnail.model_fields],
                              ({"doc_id": document.doc_id, **t.model_dump()} for t in thumbnails))
            works.place(self.db, document.doc_id)

    @property
    def search_current(self) -> bool:
        """Whether the stored bm25 shares of the common words are those of the pages now."""
        return phrase_shares.current(self.db)

    def refresh_search(self, min_pages: int = phrase_shares.MIN_PAGES) -> int:
        """If pages changed since it was last done (the ingest flow does it after each run):
        merge the page index's segments into one (FTS5 looks a word up in each segment; a bulk
        import leaves a few dozen) and reckon the stored bm25 shares of the common words again
        (kb.phrase_shares; until then a search for common words is right but slow). Returns
        for how many phrases (0 when current)."""
        return phrase_shares.refresh(self.db, min_pages)

    def save_error(self, error: ErrorRecord) -> None:
        """Store the error of a file that could not be read: one per path, the latest wins."""
        with self.db:
            self._store_error(error)

    def save_failure(self, error: ErrorRecord, pipeline_version: str, limit_s: float | None = None) -> None:
        """Store a file's error and remember that its content failed at this version, in one transaction."""
        with self.db:
            self._store_error(error)
            self.db.execute(
                """INSERT OR REPLACE INTO failures(sha256, pipeline_version, error_kind, message, detail, limit_s, failed_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?)""",
                (error.sha256, pipeline_version, error.error_kind, error.message, error.detail, limit_s, _now()))

    def _store_error(self, error: ErrorRecord) -> None:
        self.db.execute("DELETE FROM errors WHERE path = ? AND page IS NULL", (error.path,))
        self._insert([error])

    def _delete_document(self, doc_id: str) -> None:
        works.forget(self.db, doc_id)
        for table in TABLE_OF_TYPE.values():
            self.db.execute(f"DELETE FROM [{table}] WHERE doc_id = ?", (doc_id,))
        self.db.execute("DELETE FROM blocks WHERE doc_id = ?", (doc_id,))
        self.db.execute("DELETE FROM thumbnails WHERE doc_id = ?", (doc_id,))

    def _insert(self, records: Iterable[Record]) -> None:
        """Insert records (one document's, or one file's error) by column name, `seq` in their order."""
        for seq, record in enumerate(records):
            values = record.model_dump(mode="json")
            json_cols = json_columns(record.type)
            row = {c: json.dumps(values[c], ensure_ascii=False) if c in json_cols else values[c] for c in record_columns(record.type)}
            row["seq"] = seq
            if record.type == "page":
                row["stemmed"] = _page_stems(values["text"], values["raw_text"])
                row["parts"] = index_parts(f"{values['text'] or ''}\n{values['raw_text'] or ''}")
            self._insert_rows(TABLE_OF_TYPE[record.type], list(row), [row])

    def _insert_rows(self, table: str, columns: list[str], rows: Iterable[dict]) -> None:
        """INSERT rows into `table`, each a dict keyed by the column names."""
        column_sql = ",".join(f"[{c}]" for c in columns)
        placeholders = ",".join(f":{c}" for c in columns)
        self.db.executemany(f"INSERT INTO [{table}] ({column_sql}) VALUES ({placeholders})", rows)

    # -- reading ----------------------------------------------------------------------------

    def records(self, record_type: str) -> Iterator[dict]:
        """Records of one type exactly as the export contract shapes them, in a stable order."""
        if record_type not in RECORD_TYPES:
            raise ValueError(f"unknown record type {record_type!r}; choose from {', '.join(RECORD_TYPES)}")
        cols = list(record_columns(record_type))
        json_cols = json_columns(record_type)
        table = TABLE_OF_TYPE[record_type]
        # A KB written by an earlier saman and opened read-only lacks the fields added since:
        # those read as the field's default, as the record model gives it.
        have = {row[1] for row in self.db.execute(f"PRAGMA table_info([{table}])")}
        fields = RECORD_TYPES[record_type].model_fields
        missing = {c: fields[c].get_default(call_default_factory=True) for c in cols if c not in have}
        column_sql = ",".join(f"[{c}]" if c in have else f"NULL AS [{c}]" for c in cols)
        rows = self.db.execute(f"SELECT {column_sql} FROM [{table}] ORDER BY doc_id, page IS NOT NULL, page, seq")
        paths = self._paths_by_doc()
        copies = self._copies(paths)
        for row in rows:
            record = {c: (json.loads(row[c]) if c in json_cols and row[c] is not None else row[c]) for c in cols}
            record.update(missing)
            if record_type == "document" and record["doc_id"] in paths:
                current = [p for p, gone in paths[record["doc_id"]] if not gone]
                record["paths"] = current or [p for p, _ in paths[record["doc_id"]]]
                record["gone"] = not current
            if record_type == "document":
                record["best_copy"] = bool(record["best_copy"])
            yield record
            # The contract has records per ingested file: a copy of the same content under
            # another name gets every record of it under its own name (the KB stores them once);
            # its document record says which path it is a copy of.
            for other in copies.get(record["doc_id"], ()):
                copy = {**record, "file_name": other.replace("\\", "/").rsplit("/", 1)[-1]}
                if "path" in copy:
                    copy["path"] = other
                if record_type == "document":
                    copy["copy_of"] = record["path"]
                    copy["best_copy"] = False  # the work's best source is the path its records are under
                yield copy

    def _copies(self, paths: dict[str, list[tuple[str, bool]]]) -> dict[str, list[str]]:
        """doc_id → the other paths its content is at today (all of them once every one is gone)."""
        out: dict[str, list[str]] = {}
        for doc_id, own in self.db.execute("SELECT doc_id, path FROM documents"):
            seen = paths.get(doc_id, [])
            current = [p for p, gone in seen if not gone] or [p for p, _ in seen]
            if others := [p for p in current if p != own]:
                out[doc_id] = others
        return out

    def _paths_by_doc(self) -> dict[str, list[tuple[str, bool]]]:
        out: dict[str, list[tuple[str, bool]]] = {}
        for doc_id, path, gone in self.db.execute("SELECT doc_id, path, gone FROM paths WHERE doc_id IS NOT NULL ORDER BY path"):
            out.setdefault(doc_id, []).append((path, bool(gone)))
        return out

    @contextmanager
    def snapshot(self) -> Iterator[KB]:
        """Read several tables as of one moment, while an ingest may be committing documents."""
        if self.db.in_transaction:
            yield self
            return
        self.db.execute("BEGIN")
        try:
            yield self
        finally:
            self.db.rollback()

    def frame(self, record_type: str) -> pd.DataFrame:
        """A pandas DataFrame of one record type, with the export's columns.

        Integer columns that may be null (`page` of a whole-document record) stay integers
        (pandas' nullable Int64), not floats.
        """
        import pandas as pd

        columns = record_columns(record_type)
        frame = pd.DataFrame(list(self.records(record_type)), columns=list(columns))
        for name, kind in columns.items():
            if kind == "INTEGER" and RECORD_TYPES[record_type].model_fields[name].annotation is not bool:
                frame[name] = frame[name].astype("Int64")
        return frame

    def stats(self) -> dict[str, object]:
        counts = {t: self.db.execute(f"SELECT count(*) FROM [{table}]").fetchone()[0] for t, table in TABLE_OF_TYPE.items()}
        errors = Counter(dict(self.db.execute("SELECT error_kind, count(*) FROM errors GROUP BY error_kind").fetchall()))
        return {
            "documents": counts.pop("document"),
            "works": works.count(self.db),
            "pages": counts.pop("page"),
            "errors": counts.pop("error"),
            "errors_by_kind": dict(sorted(errors.items())),
            "records": counts,
        }


def open_kb(path: str | Path | None = None, *, readonly: bool = False) -> KB:
    """Open (or create) a knowledge base; `readonly` for search, export and serving."""
    return KB(path or default_kb_path(), readonly=readonly)


__all__ = ["DEFAULT_KB", "KB", "Failure", "default_kb_path", "open_kb"]
