"""`saman ingest` and `saman rerun` as a user runs them: whole processes, a real KB, real Prefect.

A run with no file left to read ends without loading Prefect at all (so in well under the
seconds Prefect's server takes to start); a run's summary prints every name with its control
characters escaped, counts its errors by kind and scope, and gives each error as path, kind
and message (the technical detail stays in the KB).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from kb.store import open_kb
from tests import badfiles
from tests.conftest import CORPUS, ingest

DECK = "2014-03-12_kmd_programstatus.pptx"


def saman(*args: str, importtime: bool = False) -> subprocess.CompletedProcess:
    python = [sys.executable, "-X", "importtime"] if importtime else [sys.executable]
    return subprocess.run([*python, "-m", "flows.cli", *args], capture_output=True, text=True, timeout=600,
                          env={**os.environ, "COLUMNS": "250"})


def imported(stderr: str) -> set[str]:
    """Top-level packages a process imported, from its `-X importtime` lines."""
    return {line.rsplit("|", 1)[1].strip().split(".")[0] for line in stderr.splitlines() if line.startswith("import time:")}


def summary_rows(stdout: str) -> dict[str, str]:
    """The rows of the printed summary table: label → value."""
    rows = {}
    for line in stdout.splitlines():
        cells = [c.strip() for c in line.strip().strip("│").split("│")]
        if len(cells) == 2:
            rows[cells[0]] = cells[1]
    return rows


def test_a_run_with_nothing_to_read_never_loads_prefect(corpus_copy, tmp_path):
    kb_path = tmp_path / "kb.db"
    bad = badfiles.broken_pptx(corpus_copy)
    first = ingest([corpus_copy], kb_path)
    assert first.extracted == 2 and len(first.errors) == 1
    again = saman("ingest", str(corpus_copy), "--kb", str(kb_path), importtime=True)
    assert again.returncode == 0, again.stderr[-3000:]
    assert "prefect" not in imported(again.stderr) and "kb" in imported(again.stderr)
    rows = summary_rows(again.stdout)
    assert (rows["unchanged (skipped)"], rows["failed before (not read again)"], rows["errors"]) == ("2", "1", "0")
    assert "--retry-errors" in again.stdout
    (corpus_copy / DECK).unlink()
    rerun = saman("rerun", "--kb", str(kb_path), importtime=True)
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    assert "prefect" not in imported(rerun.stderr)
    assert f"gone {corpus_copy / DECK} (its records are kept)" in rerun.stdout
    with open_kb(kb_path, readonly=True) as kb:
        gone = {d["file_name"]: d["gone"] for d in kb.records("document")}
        errors = [e["path"] for e in kb.records("error")]
    assert gone == {DECK: True, "2015-06-30_sluttrapport_tiltak.pdf": False}
    assert errors == [str(bad)], "the error of the file that failed is still on record"


def test_the_summary_escapes_names_counts_errors_by_kind_and_keeps_details_out(tmp_path):
    folder = tmp_path / "archive"
    folder.mkdir()
    shutil.copy(CORPUS / DECK, folder)
    hostile = folder / "rapport\x1b[2J\x07.pptx"
    badfiles.broken_pptx(folder).rename(hostile)
    kb_path = tmp_path / "kb.db"
    run = saman("ingest", str(folder), "--kb", str(kb_path), "--quiet")
    assert run.returncode == 0, run.stderr[-3000:]
    assert "\x1b" not in run.stdout and "\x07" not in run.stdout, "a name must not reach the terminal raw"
    with open_kb(kb_path, readonly=True) as kb:
        (error,) = list(kb.records("error"))
    line = next(line for line in run.stdout.splitlines() if line.startswith("error "))
    assert line == f"error {folder}/rapport\\x1b[2J\\x07.pptx: {error['error_kind']}: {error['message']}"
    assert summary_rows(run.stdout)[f"{error['error_kind']} (file)"] == "1"
    if error["detail"] and error["detail"] not in error["message"]:
        assert error["detail"] not in run.stdout
    assert Path(error["path"]).name.startswith("rapport")


def test_a_run_summary_as_plain_values_keeps_its_record_counts():
    """The summary as JSON holds it (the benchmarks write it): each record type once, with its
    count, as the printed table has them (dataclasses.asdict made each (type, count) a key)."""
    import json

    from flows.plan import Summary

    summary = Summary(files=2, extracted=1)
    summary.records.update(["document", "page", "page"])
    summary.records["error"] += 1
    assert json.loads(json.dumps(summary.as_dict()))["records"] == {"document": 1, "page": 2, "error": 1}
    assert summary.as_dict()["files"] == 2
