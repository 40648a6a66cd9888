"""Interrupted runs, readers during a write, and reproducible results.

A batch killed with SIGKILL must leave whole documents only, and the rerun must do only the
files that were not finished; searches and exports running while an ingest writes must
never fail or see half a document; two ingests of the same files must export byte for byte.
"""

from __future__ import annotations

import io
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pptx import Presentation

from kb.export import write_jsonl
from kb.search import search
from kb.store import open_kb
from tests.conftest import CORPUS, ingest

N_DECKS = 14


@pytest.fixture
def decks(tmp_path: Path) -> Path:
    """Distinct decks (each with its own title slide text), so none is a duplicate of another."""
    folder = tmp_path / "decks"
    folder.mkdir()
    for i in range(N_DECKS):
        prs = Presentation(CORPUS / "2012-08-28_asker_nettverkssamling.pptx")
        prs.slides[1].shapes.title.text_frame.text = f"Nettverkssamling nummer {i} om langvakter"
        prs.save(folder / f"samling_{i:02d}.pptx")
    return folder


def start_ingest(folder: Path, kb_path: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "flows.cli", "ingest", str(folder), "--kb", str(kb_path), "--workers", "1", "--quiet"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)


def documents_in(kb_path: Path) -> int:
    if not kb_path.exists():
        return 0
    try:
        with open_kb(kb_path, readonly=True) as kb:
            return kb.db.execute("SELECT count(*) FROM documents").fetchone()[0]
    except (sqlite3.OperationalError, ValueError):  # the ingest is still creating the schema
        return 0


def assert_whole_documents(kb_path: Path) -> list[str]:
    with open_kb(kb_path, readonly=True) as kb:
        docs = list(kb.records("document"))
        pages = kb.db.execute("SELECT doc_id, count(*) FROM pages GROUP BY doc_id").fetchall()
    per_doc = {doc_id: n for doc_id, n in pages}
    for d in docs:
        assert per_doc.get(d["doc_id"]) == d["n_pages"], f"{d['file_name']} is not whole"
    assert set(per_doc) == {d["doc_id"] for d in docs}
    return [p for d in docs for p in d["paths"]]


def test_sigkill_mid_batch_then_rerun_finishes_exactly_once(decks, tmp_path):
    kb_path = tmp_path / "kb.db"
    proc = start_ingest(decks, kb_path)
    deadline = time.monotonic() + 240
    while documents_in(kb_path) < 2 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    done = assert_whole_documents(kb_path)
    assert 2 <= len(done) < N_DECKS, "the kill landed mid-batch"
    summary = ingest([decks], kb_path)
    assert summary["unchanged"] == len(done), "finished files were not redone"
    assert summary["extracted"] == N_DECKS - len(done)
    paths = assert_whole_documents(kb_path)
    assert sorted(paths) == sorted(str(p) for p in decks.iterdir())


def test_search_and_export_while_an_ingest_writes(decks, tmp_path):
    kb_path = tmp_path / "kb.db"
    proc = start_ingest(decks, kb_path)
    reads = 0
    try:
        while proc.poll() is None:
            if documents_in(kb_path):
                with open_kb(kb_path, readonly=True) as kb:
                    hits = search(kb, "langvakter", limit=100)
                    out = io.StringIO()
                    write_jsonl(kb, out)
                lines = out.getvalue().splitlines()
                n_docs = sum('"type": "document"' in line for line in lines)
                n_pages = sum('"type": "page"' in line for line in lines)
                assert n_pages == 10 * n_docs, "a reader saw part of a document"
                assert len({(h.doc_id) for h in hits}) <= n_docs
                reads += 1
            time.sleep(0.02)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 0, proc.stderr.read().decode()
    assert reads >= 3
    assert len(assert_whole_documents(kb_path)) == N_DECKS


def test_two_ingests_of_the_same_files_export_identically(corpus_copy, tmp_path):
    exports = []
    for run in ("a", "b"):
        kb_path = tmp_path / f"{run}.db"
        ingest([corpus_copy], kb_path)
        out = io.StringIO()
        with open_kb(kb_path, readonly=True) as kb:
            write_jsonl(kb, out)
        exports.append(out.getvalue())
    assert exports[0] and exports[0] == exports[1]
