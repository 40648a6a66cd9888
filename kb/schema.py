"""The knowledge base's tables, derived from the record models so the two cannot drift.

One table per record type (its columns are the model's fields; lists and dicts are stored as
JSON text), plus `paths` (every path a document was seen at, for duplicates and reruns) and
`blocks` (the reading-order text runs with their bboxes) and `thumbnails` (a small PNG per page),
and `failures` (contents that could not be read at a pipeline version, so an unchanged file
that failed is not read again, like a stored document), and `work_members` and `work_bands`
(each document's work, and the LSH bands of its text's MinHash, by which kb.works finds its
copies). Page text is indexed three times in FTS5: as written, snowball-stemmed, so `kommunene`
finds `kommune`, and as the stemmed parts of its compounds (`parts`, extractors.lang.compounds),
so `opplæring` finds `lederopplæringen`; `remove_diacritics 0` keeps æ, ø and å as letters of
their own (Våler is not Valer).
"""

from __future__ import annotations

import types
import typing
from collections.abc import Mapping
from functools import cache

from models import RECORD_TYPES

SCHEMA_VERSION = 1

TABLE_OF_TYPE: dict[str, str] = {
    "document": "documents",
    "error": "errors",
    "page": "pages",
    "municipality": "municipalities",
    "theme": "themes",
    "count": "counts",
    "table": "tables",
    "measure": "measures",
}


def _sql_type(annotation: object) -> str:
    origin = typing.get_origin(annotation)
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if origin in (typing.Union, types.UnionType) and len(args) == 1:
        return _sql_type(args[0])
    if annotation in (int, bool):
        return "INTEGER"
    if annotation is float:
        return "REAL"
    if origin in (list, dict, tuple) or annotation in (list, dict):
        return "JSON"
    return "TEXT"


@cache  # asked for every record saved: working it out from the model's annotations was a third of a save
def record_columns(record_type: str) -> Mapping[str, str]:
    model = RECORD_TYPES[record_type]
    return types.MappingProxyType({name: _sql_type(field.annotation) for name, field in model.model_fields.items()})


@cache
def json_columns(record_type: str) -> frozenset[str]:
    return frozenset(name for name, kind in record_columns(record_type).items() if kind == "JSON")


def ddl() -> str:
    statements = [
        "PRAGMA journal_mode=WAL",
        "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)",
        """CREATE TABLE IF NOT EXISTS paths (
            path TEXT PRIMARY KEY, doc_id TEXT, sha256 TEXT NOT NULL, size INTEGER, mtime REAL,
            folder TEXT, first_seen TEXT, last_seen TEXT, gone INTEGER NOT NULL DEFAULT 0)""",
        "CREATE INDEX IF NOT EXISTS paths_doc ON paths(doc_id)",
        """CREATE TABLE IF NOT EXISTS blocks (
            doc_id TEXT NOT NULL, page INTEGER NOT NULL, seq INTEGER NOT NULL, role TEXT, level INTEGER,
            text TEXT, x0 REAL, top REAL, x1 REAL, bottom REAL, method TEXT, confidence REAL)""",
        "CREATE INDEX IF NOT EXISTS blocks_doc ON blocks(doc_id, page, seq)",
        "CREATE TABLE IF NOT EXISTS thumbnails (doc_id TEXT NOT NULL, page INTEGER NOT NULL, png BLOB, PRIMARY KEY (doc_id, page))",
        """CREATE TABLE IF NOT EXISTS failures (
            sha256 TEXT PRIMARY KEY, pipeline_version TEXT NOT NULL, error_kind TEXT NOT NULL,
            message TEXT NOT NULL, detail TEXT, limit_s REAL, failed_at TEXT)""",
        "CREATE TABLE IF NOT EXISTS work_members (doc_id TEXT PRIMARY KEY, work_id TEXT NOT NULL)",
        "CREATE INDEX IF NOT EXISTS work_members_work ON work_members(work_id)",
        "CREATE TABLE IF NOT EXISTS work_bands (band INTEGER NOT NULL, bucket INTEGER NOT NULL, doc_id TEXT NOT NULL)",
        "CREATE INDEX IF NOT EXISTS work_bands_bucket ON work_bands(band, bucket)",
        "CREATE INDEX IF NOT EXISTS work_bands_doc ON work_bands(doc_id)",
        # The municipalities each document names (kb.works compares them before any text).
        "CREATE TABLE IF NOT EXISTS work_places (doc_id TEXT PRIMARY KEY, places TEXT NOT NULL)",
    ]
    for record_type, table in TABLE_OF_TYPE.items():
        cols = record_columns(record_type)
        col_sql = ", ".join(f"[{name}] {'TEXT' if kind == 'JSON' else kind}" for name, kind in cols.items())
        extra = ", stemmed TEXT, parts TEXT" if record_type == "page" else ""
        statements.append(f"CREATE TABLE IF NOT EXISTS [{table}] ({col_sql}, seq INTEGER{extra})")
        statements.append(f"CREATE INDEX IF NOT EXISTS [{table}_doc] ON [{table}](doc_id, page)")
    statements.append("CREATE INDEX IF NOT EXISTS errors_path ON errors(path)")
    return ";\n".join(statements + FTS_DDL) + ";"


# The page index and the triggers that keep it in step with `pages` (made again, as a whole,
# when a KB from before the `parts` column is opened for writing).
_COLUMNS = "title, text, raw_text, stemmed, parts"
_NEW = ", ".join(f"new.{c}" for c in _COLUMNS.split(", "))
_OLD = ", ".join(f"old.{c}" for c in _COLUMNS.split(", "))
FTS_DDL = [
    f"""CREATE VIRTUAL TABLE IF NOT EXISTS pages_fts USING fts5(
        {_COLUMNS}, content='pages', tokenize='unicode61 remove_diacritics 0')""",
    f"""CREATE TRIGGER IF NOT EXISTS pages_ai AFTER INSERT ON pages BEGIN
        INSERT INTO pages_fts(rowid, {_COLUMNS}) VALUES (new.rowid, {_NEW}); END""",
    f"""CREATE TRIGGER IF NOT EXISTS pages_ad AFTER DELETE ON pages BEGIN
        INSERT INTO pages_fts(pages_fts, rowid, {_COLUMNS}) VALUES ('delete', old.rowid, {_OLD}); END""",
    f"""CREATE TRIGGER IF NOT EXISTS pages_au AFTER UPDATE ON pages BEGIN
        INSERT INTO pages_fts(pages_fts, rowid, {_COLUMNS}) VALUES ('delete', old.rowid, {_OLD});
        INSERT INTO pages_fts(rowid, {_COLUMNS}) VALUES (new.rowid, {_NEW}); END""",
]
FTS_DROP = ["DROP TRIGGER IF EXISTS pages_ai", "DROP TRIGGER IF EXISTS pages_ad", "DROP TRIGGER IF EXISTS pages_au",
            "DROP TABLE IF EXISTS pages_fts"]
