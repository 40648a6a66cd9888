"""`saman export` follows the record contract (shared/RECORDS.md) and round-trips through pandas."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest

from kb.export import export
from kb.store import open_kb
from models import RECORD_TYPES, DocumentRecord, Extraction
from tests.gold import load_gold

COMMON = {"type", "doc_id", "file_name", "sha256", "page"}
REQUIRED = {
    "document": {"path", "media_type", "n_pages", "title", "date", "date_source", "language", "ocr_pages", "pipeline_version", "work_id"},
    "error": {"path", "error_kind", "scope", "message", "detail"},
    "page": {"text", "raw_text", "method", "confidence"},
    "municipality": {"name", "kommunenummer", "fylke", "current_name", "current_kommunenummer", "surface", "context", "method", "confidence"},
    "theme": {"theme", "score", "evidence"},
    "count": {"value", "unit", "text", "subject"},
    "table": {"table_id", "rows", "method"},
    "measure": {"table_id", "municipality", "kommunenummer", "theme", "measure", "value"},
}


@pytest.fixture(scope="module")
def jsonl(corpus_kb, tmp_path_factory):
    out = tmp_path_factory.mktemp("export") / "records.jsonl"
    run = subprocess.run([sys.executable, "-m", "flows.cli", "export", "--format", "jsonl", "--out", str(out), "--kb", str(corpus_kb)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def test_every_record_has_the_contract_fields(jsonl):
    assert jsonl
    for record in jsonl:
        assert COMMON | REQUIRED[record["type"]] <= set(record), record["type"]
        assert record["sha256"].startswith(record["doc_id"]) and len(record["sha256"]) == 64


def test_pages_are_one_based_and_documents_whole(jsonl):
    for record in jsonl:
        if record["type"] == "document":
            assert record["page"] is None
        elif record["type"] == "page":
            assert record["page"] >= 1 and record["method"] in ("text", "ocr", "pptx")


def test_exported_documents_and_tables_equal_gold(jsonl):
    docs = {r["file_name"]: r for r in jsonl if r["type"] == "document"}
    for gold in load_gold("document"):
        if gold["file_name"] in docs:
            got = docs[gold["file_name"]]
            assert {k: got[k] for k in ("n_pages", "title", "date", "language", "media_type")} == \
                   {k: gold[k] for k in ("n_pages", "title", "date", "language", "media_type")}
    tables = sorted((r["file_name"], r["page"], r["rows"]) for r in jsonl if r["type"] == "table")
    expected = sorted((g["file_name"], g["page"], g["rows"]) for g in load_gold("table") if g["file_name"] in docs)
    assert tables == expected


def test_exported_works_group_the_files_gold_says_are_one_work(jsonl):
    """A deck and its LibreOffice PDF share a work_id, distinct decks and the report do not, and
    the deck is its work's best copy (gold's work_id is a label: the grouping must agree)."""
    docs = {r["file_name"]: r for r in jsonl if r["type"] == "document"}
    gold = [g for g in load_gold("document") if g["file_name"] in docs]

    def grouping(records: list[dict]) -> set[frozenset[str]]:
        works: dict[str, set[str]] = {}
        for r in records:
            works.setdefault(r["work_id"], set()).add(r["file_name"])
        return {frozenset(names) for names in works.values()}

    assert grouping([docs[g["file_name"]] for g in gold]) == grouping(gold)
    assert any(len(group) > 1 for group in grouping(gold))
    assert {name: docs[name]["best_copy"] for name in docs} == {g["file_name"]: g["best_copy"] for g in gold}


def test_page_text_leaves_notes_out(jsonl):
    with_notes = [r for r in jsonl if r["type"] == "page" and r.get("notes")]
    assert with_notes and all(r["notes"] not in r["text"] for r in with_notes)


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_tabular_exports_round_trip_through_pandas(corpus_kb, tmp_path, fmt):
    with open_kb(corpus_kb, readonly=True) as kb:
        folder = export(kb, fmt, str(tmp_path / fmt))
        for record_type in RECORD_TYPES:
            frame = kb.frame(record_type)
            read = pd.read_csv(f"{folder}/{record_type}.csv", dtype=str, keep_default_na=False) if fmt == "csv" \
                else pd.read_parquet(f"{folder}/{record_type}.parquet")
            assert list(read.columns) == list(frame.columns)
            assert len(read) == len(frame)
    if fmt == "parquet":
        tables = pd.read_parquet(tmp_path / "parquet" / "table.parquet")
        assert all(len(list(row)) >= 2 for row in tables["rows"])


def test_frame_has_the_export_columns(corpus_kb, jsonl):
    with open_kb(corpus_kb, readonly=True) as kb:
        pages = kb.frame("page")
    assert len(pages) == sum(r["type"] == "page" for r in jsonl)
    assert list(pages.columns) == list(RECORD_TYPES["page"].model_fields)


def test_page_numbers_stay_integers_in_tabular_exports(corpus_kb, tmp_path):
    with open_kb(corpus_kb, readonly=True) as kb:
        export(kb, "csv", str(tmp_path / "csv"))
        export(kb, "parquet", str(tmp_path / "pq"))
    pages = pd.read_csv(tmp_path / "csv" / "theme.csv", dtype=str, keep_default_na=False)["page"]
    assert "" in set(pages) and all(p == "" or p.isdigit() for p in pages)
    assert str(pd.read_parquet(tmp_path / "pq" / "theme.parquet")["page"].dtype) == "Int64"


@pytest.mark.parametrize("args, words", [
    (["stats", "--kb", "/etc/hostname"], "not a saman knowledge base"),
    (["export", "--out", "/nonexistent/dir/x.jsonl"], "cannot write the export"),
    (["ingest", ".", "--workers", "0"], "not in the range"),
])
def test_cli_mistakes_get_one_line_not_a_traceback(corpus_kb, args, words):
    if "--kb" not in args:
        args = args + ["--kb", str(corpus_kb)]
    run = subprocess.run([sys.executable, "-m", "flows.cli", *args], capture_output=True, text=True, timeout=120)
    assert run.returncode in (1, 2) and words in run.stderr and "Traceback" not in run.stderr


def test_a_kb_from_before_a_field_existed_exports_read_only_with_its_default(tmp_path):
    """An older KB opened read-only (export, search, serve never alter it) lacks the columns
    of fields added since; the export gives those fields their contract default."""
    path = tmp_path / "old.db"
    document = DocumentRecord(doc_id="a" * 16, file_name="x.pdf", sha256="a" * 64, path="/arkiv/x.pdf", paths=["/arkiv/x.pdf"],
                              media_type="application/pdf", n_pages=0, date="2013-05-02", date_source="text", language="nb",
                              pipeline_version="0")
    with open_kb(path) as kb:
        kb.save(Extraction(document=document, records=[], blocks=[], thumbnails=[]))
        kb.db.execute("ALTER TABLE documents DROP COLUMN date_source")
        kb.db.commit()
    with open_kb(path, readonly=True) as kb:
        [doc] = list(kb.records("document"))
    assert doc["date"] == "2013-05-02" and doc["date_source"] == "none"
