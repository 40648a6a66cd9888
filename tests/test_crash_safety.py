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
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from pptx import Presentation

from kb.export import write_jsonl
from kb.search import search
from kb.store import open_kb
from tests.conftest import CORPUS, ingest
from tests.processes import alive, descendants

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
    assert summary.unchanged == len(done), "finished files were not redone"
    assert summary.extracted == N_DECKS - len(done)
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


def test_kill_9_of_the_ingest_leaves_no_process_and_the_next_run_removes_its_files(decks, tmp_path, monkeypatch):
    """Only the command's own process is killed (not its group), as `kill -9 PID` does: its Prefect
    server, fork server, workers and resource tracker must end by themselves, and the run's
    temporary folder must go with the next run."""
    from flows import rundir

    scratch = tmp_path / "tmp"
    scratch.mkdir()
    kb_path = tmp_path / "kb.db"
    below: dict[int, tuple[int, str]] = {}
    proc = subprocess.Popen([sys.executable, "-m", "flows.cli", "ingest", str(decks), "--kb", str(kb_path), "--workers", "2", "--quiet"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
                            env={**os.environ, "TMPDIR": str(scratch)})
    try:
        deadline = time.monotonic() + 240
        while documents_in(kb_path) < 1 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
        assert proc.poll() is None, proc.stderr.read().decode()
        below.update(descendants(proc.pid))
        assert any("uvicorn" in cmd and "prefect" in cmd for _, cmd in below.values()), below
        servers = [pid for pid, (parent, cmd) in below.items() if parent == proc.pid and "forkserver" in cmd]
        workers = [pid for pid, (parent, _) in below.items() if parent in servers]
        assert len(workers) == 2, below
        run_folder = scratch / f"saman-run-{proc.pid}"
        assert (run_folder / "prefect-server.log").is_file()
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        deadline = time.monotonic() + 20
        while alive(below) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not alive(below), {pid: below[pid] for pid in alive(below)}
    finally:
        for pid in alive([proc.pid, *below]):
            os.kill(pid, signal.SIGKILL)
    assert run_folder.is_dir(), "kill -9 gives the run no chance to remove its folder"
    monkeypatch.setattr("tempfile.tempdir", str(scratch))
    assert rundir.remove_dead() == [run_folder]
    assert not run_folder.exists()


def test_workers_keep_their_temporary_files_in_the_run_folder():
    import tempfile

    from flows import rundir
    from flows.workers import WorkerPool

    pool = WorkerPool(1)
    try:
        assert pool.run(tempfile.gettempdir, timeout=120) == ("ok", str(rundir.current()))
        assert pool.run(os.getenv, "TMPDIR", timeout=60) == ("ok", str(rundir.current())), "tesseract and LibreOffice too"
    finally:
        pool.close()


def test_workers_start_under_a_temporary_folder_too_deep_for_a_socket(tmp_path):
    """A CI job's TMPDIR can be deeper than a UNIX socket path may be (107 bytes); the fork
    server's socket must still be made, or every file of the run fails."""
    deep = tmp_path / ("deep-" * 12) / ("folder-" * 6)
    deep.mkdir(parents=True)
    assert len(str(deep)) > 107
    code = "from flows.workers import WorkerPool\np = WorkerPool(1)\nprint(p.run(len, 'abc', timeout=120))\np.close()"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=180,
                          env={**os.environ, "TMPDIR": str(deep)}, cwd=Path(__file__).parent.parent)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "('ok', 3)"


def test_a_worker_that_dies_is_a_crash_that_names_the_signal_and_the_pool_goes_on():
    from flows.workers import WorkerPool

    pool = WorkerPool(1)
    try:
        assert pool.run(os.abort, timeout=120) == ("crash", "a worker process was ended by SIGABRT")
        assert pool.run(os.getpid, timeout=120)[0] == "ok", "a fresh pool reads the next file"
    finally:
        pool.close()


def test_files_read_ahead_are_read_in_the_order_given_and_handed_over_once(tmp_path):
    """The flow's tasks ask for files in their own order; the pool reads them in the plan's
    (the longest first), and a task asking for a file not begun yet waits for it."""
    from flows.workers import WorkerPool
    from tests.processes import record_call

    log = tmp_path / "calls"
    log.touch()
    lines = lambda: log.read_text().split()  # noqa: E731
    pool = WorkerPool(1)
    try:
        pool.read_ahead(record_call, [(str(log), "a", 0.0), (str(log), "b", 1.0), (str(log), "c", 0.0)], timeout=120)
        # the flow plans again and asks for the same files, and one more: none is read twice
        pool.read_ahead(record_call, [(str(log), "b", 1.0), (str(log), "c", 0.0), (str(log), "d", 0.0)], timeout=120)
        assert pool.run(record_call, str(log), "c", 0.0, timeout=120) == ("ok", "c")
        assert lines()[:3] == ["a", "b", "c"], "c waited for its turn instead of being read at once"
        assert pool.run(record_call, str(log), "a", 0.0, timeout=120) == ("ok", "a")
        assert pool.run(record_call, str(log), "b", 1.0, timeout=120) == ("ok", "b")
        assert pool.run(record_call, str(log), "d", 0.0, timeout=120) == ("ok", "d")
        assert pool.run(record_call, str(log), "e", 0.0, timeout=120) == ("ok", "e"), "a call not read ahead is run"
    finally:
        pool.close()
    assert lines() == ["a", "b", "c", "d", "e"], "every call ran exactly once, in the order given"


def test_closing_a_pool_stops_what_it_reads_ahead_and_ends_the_wait_for_the_rest(tmp_path):
    """A run that fails before its flow takes the files over (Prefect's server did not start)
    closes its pool: the file being read ahead is stopped, the one queued behind it is not
    begun, and a caller waiting for that one gets an `internal` outcome instead of a hang."""
    from flows.workers import WorkerPool
    from tests.processes import record_call

    log = tmp_path / "calls"
    log.touch()
    pool = WorkerPool(1)
    pool.read_ahead(record_call, [(str(log), "a", 60.0), (str(log), "b", 0.0)], timeout=120)
    with ThreadPoolExecutor(1) as waiting:
        queued = waiting.submit(pool.run, record_call, str(log), "b", 0.0, timeout=120)
        time.sleep(1)
        started = time.monotonic()
        pool.close()
        assert queued.result(timeout=30) == ("internal", "the worker pool was closed before the file was read")
    assert time.monotonic() - started < 30, "the file read ahead was stopped, not waited for"
    assert log.read_text() == "", "neither was read to its end"


def test_a_worker_starts_with_what_its_first_file_would_load():
    """The fork server loads the word lists, the spaCy pipelines and the gazetteer once; every
    worker forked from it has them before it reads anything (each paid 1.3 s on its first file)."""
    from flows.workers import WorkerPool
    from tests.badfiles import loaded_before_any_file

    pool = WorkerPool(2)
    try:
        assert pool.run(loaded_before_any_file, timeout=120) == ("ok", (1, 1, 1))
        assert pool.run(os.abort, timeout=120)[0] == "crash"
        assert pool.run(loaded_before_any_file, timeout=120) == ("ok", (1, 1, 1)), "a worker started after a crash too"
    finally:
        pool.close()
