"""Shared fixtures: the corpus, and a knowledge base built from it by the real ingest flow."""

from __future__ import annotations

import fcntl
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.gold import load_gold

if TYPE_CHECKING:
    from flows.plan import Summary

# Each `saman` command the tests run gets a Prefect server of its own, ended with it: a server
# shared between commands (the default) would outlive the tests (tests/test_prefect_server.py
# tests that one).
os.environ.setdefault("SAMAN_PREFECT_SERVER", "temporary")

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
# Files whose every page has a text layer or is a slide: no OCR needed (gold says which).
_NEEDS_OCR = {g["file_name"] for g in load_gold("document") if g.get("ocr_pages")} | {"2014-09-04_temaverksted_sykefravaer_bilde.pptx"}
BORN_DIGITAL = sorted(p for p in CORPUS.glob("*") if p.suffix in {".pptx", ".pdf"} and p.name not in _NEEDS_OCR)


def ingest(paths: list[str | Path], kb_path: str | Path) -> Summary:
    """Run the Prefect ingest flow in this process (its temporary server starts once per process)."""
    from flows.ingest import ingest_flow

    return ingest_flow([str(p) for p in paths], str(kb_path), workers=2, show_progress=False)


@pytest.fixture(scope="session")
def born_digital_docs() -> dict:
    """Every born-digital corpus file read once, as the recognisers see it: {file name: Document}."""
    from extractors.readers.base import read_document
    from extractors.readers.source import ReadOptions

    return {p.name: read_document(p, options=ReadOptions(ocr=False)) for p in BORN_DIGITAL}


@pytest.fixture(scope="session")
def corpus_kb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A KB holding the born-digital corpus files (decks, their PDF twins, the report).

    Built once per test session, also when pytest-xdist runs several workers: the first
    worker builds it under a lock, the others wait and then use it read-only.
    """
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base  # the run's own folder
    kb_path = shared / "corpus.db"
    with open(shared / "corpus.db.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (shared / "corpus.db.done").exists():
            kb_path.unlink(missing_ok=True)
            summary = ingest(BORN_DIGITAL, kb_path)
            assert summary.extracted == len(BORN_DIGITAL), summary.errors
            (shared / "corpus.db.done").touch()
    return kb_path


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    """A private copy of two corpus files, for tests that change, touch or rename files."""
    folder = tmp_path / "archive"
    folder.mkdir()
    for name in ("2014-03-12_kmd_programstatus.pptx", "2015-06-30_sluttrapport_tiltak.pdf"):
        shutil.copy(CORPUS / name, folder / name)
    return folder
