"""Hostile and odd inputs from a real archive: each is one clear error (or read correctly),
in bounded time, and the rest of the batch is ingested."""

from __future__ import annotations

import os
import shutil
import time


from models.errors import ReadError
from extractors.readers.base import read_document
from kb.store import open_kb
from tests import badfiles
from tests.conftest import CORPUS, ingest

GOOD = CORPUS / "2013-05-22_pulje2_samling_nynorsk.pptx"


def timed_read(path):
    started = time.monotonic()
    try:
        return read_document(path), time.monotonic() - started
    except ReadError as exc:
        return exc, time.monotonic() - started


def test_zip_bomb_is_refused_before_unpacking(tmp_path):
    result, seconds = timed_read(badfiles.zip_bomb_pptx(tmp_path))
    assert isinstance(result, ReadError) and result.kind == "too_large" and "zip bomb" in result.message
    assert seconds < 5


def test_xml_entity_bomb_is_not_expanded(tmp_path):
    result, seconds = timed_read(badfiles.entity_bomb_pptx(tmp_path))
    assert seconds < 30
    if isinstance(result, ReadError):
        assert result.kind == "corrupt"
    else:  # read without expanding the entities: the slide holds no laughter
        assert "haha" not in result.pages[0].text and len(result.pages) == 8


def test_a_picture_of_400_megapixels_is_too_large(tmp_path):
    result, seconds = timed_read(badfiles.huge_picture(tmp_path))
    assert isinstance(result, ReadError) and result.kind == "too_large"
    assert seconds < 10


def test_ten_thousand_blank_pages_are_refused_quickly(tmp_path):
    result, seconds = timed_read(badfiles.many_blank_pages_pdf(tmp_path))
    assert isinstance(result, ReadError) and result.kind == "too_large" and "10000 pages" in result.message
    assert seconds < 30


def test_blank_pages_are_not_ocrd(tmp_path):
    doc, seconds = timed_read(badfiles.many_blank_pages_pdf(tmp_path, pages=40))
    assert doc.ocr_pages == [] and len(doc.pages) == 40 and seconds < 20


def test_odd_names_and_symlink_loops_in_a_batch(tmp_path):
    folder = tmp_path / "arkiv"
    (folder / "under mappe").mkdir(parents=True)
    shutil.copy(GOOD, folder / "under mappe" / "møte på Bø – æøå.pptx")
    odd = os.path.join(os.fsencode(folder), b"gammal \xe6\xf8\xe5 latin1.pdf")
    shutil.copy(CORPUS / "2015-06-30_sluttrapport_tiltak.pdf", odd)
    os.symlink(folder, folder / "under mappe" / "løkke")            # a folder that contains itself
    os.symlink(folder / "a", folder / "b")                           # links pointing at each other
    os.symlink(folder / "b", folder / "a")
    badfiles.zip_bomb_pptx(folder)
    badfiles.empty(folder)
    kb_path = tmp_path / "kb.db"
    started = time.monotonic()
    summary = ingest([folder], kb_path)
    assert time.monotonic() - started < 300
    assert summary.extracted == 2
    assert sorted(e.error_kind for e in summary.errors) == ["empty", "too_large"]
    with open_kb(kb_path, readonly=True) as kb:
        paths = sorted(p for d in kb.records("document") for p in d["paths"])
    assert any(p.endswith("møte på Bø – æøå.pptx") for p in paths)
    assert any(p.endswith("gammal \\xe6\\xf8\\xe5 latin1.pdf") for p in paths)


def test_a_worker_that_raises_costs_that_file_only():
    from flows.workers import WorkerPool

    pool = WorkerPool(1)
    try:
        assert pool.run(badfiles.raises_in_worker, "x.pdf", timeout=60) == ("internal", "RuntimeError: a bug while reading x.pdf")
        assert pool.run(badfiles.sleeps_in_worker, 0.01, timeout=60) == ("ok", 0.01)
    finally:
        pool.close()


def test_a_timeout_counts_from_when_the_file_starts_not_from_the_queue():
    import threading

    from flows.workers import WorkerPool

    pool = WorkerPool(1)
    results = []
    try:
        pool.run(badfiles.sleeps_in_worker, 0.0, timeout=60)  # a warm worker, so start-up is not timed
        threads = [threading.Thread(target=lambda: results.append(pool.run(badfiles.sleeps_in_worker, 1.5, timeout=4)))
                   for _ in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        pool.close()
    assert results == [("ok", 1.5)] * 3, "files queued behind others must not time out"


def test_a_failed_reextraction_keeps_the_stored_document(corpus_copy, tmp_path, monkeypatch):
    kb_path = tmp_path / "kb.db"
    ingest([corpus_copy], kb_path)
    with open_kb(kb_path) as kb, kb.db:
        kb.db.execute("UPDATE documents SET pipeline_version = '0.0.1'")
    monkeypatch.setenv("SAMAN_FILE_TIMEOUT", "0.001")
    summary = ingest([corpus_copy], kb_path)
    assert summary.extracted == 0 and len(summary.errors) == 2
    assert {e.error_kind for e in summary.errors} <= {"timeout", "crash"}
    with open_kb(kb_path, readonly=True) as kb:
        docs = list(kb.records("document"))
        assert len(docs) == 2 and all(d["paths"] for d in docs), "the earlier extraction is still there"
        assert kb.stats()["pages"] > 0
