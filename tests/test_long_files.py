"""A long file goes from its worker to the KB in batches (flows.spool, KB.save_parts) and is
stored exactly as when it is stored whole, or not at all; its blocks and records cost little."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import pytest

from extractors.files import sha256_of
from extractors.recognisers.pipeline import extract_file
from flows.spool import SpoolError, spool
from kb.store import open_kb
from models import RECORD_TYPES, Block, DocumentRecord, Extraction
from tests.conftest import ingest
from tests.pdffiles import content, raw_pdf

N_PAGES = 40


def _report(folder: Path) -> Path:
    """A 40-page report whose pages name municipalities, counts and themes, as the archive's do."""
    places = ["Asker", "Bærum", "Drammen", "Hamar", "Larvik", "Molde", "Narvik", "Tromsø"]
    pages = [content([f"Tiltak {k + 1}: {places[k % 8]}",
                      f"{places[k % 8]} kommune har {k + 2} prosjekter om sykefravær i {2012 + k % 4}.",
                      f"{places[(k + 3) % 8]} og {places[(k + 5) % 8]} har {k % 7 + 3} tiltak for heltid og {k + 12} ansatte.",
                      f"Side {k + 1}"]) for k in range(N_PAGES)]
    return raw_pdf(folder / "lang rapport.pdf", pages)


def _stored(kb_path: Path) -> dict[str, list]:
    """Everything the KB holds of what was read: every record type as exported, blocks, thumbnails."""
    with open_kb(kb_path, readonly=True) as kb:
        stored: dict[str, list] = {t: list(kb.records(t)) for t in RECORD_TYPES}
        stored["blocks"] = [tuple(r) for r in kb.db.execute("SELECT * FROM blocks ORDER BY doc_id, page, seq")]
        stored["thumbnails"] = [tuple(r) for r in kb.db.execute("SELECT * FROM thumbnails ORDER BY doc_id, page")]
    return stored


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> tuple[Path, Extraction]:
    path = _report(tmp_path_factory.mktemp("long"))
    extraction = extract_file(str(path), sha256_of(path))
    assert isinstance(extraction, Extraction)
    return path, extraction


def test_an_extraction_stored_from_its_spool_in_batches_is_stored_as_when_saved_whole(report, tmp_path):
    _, extraction = report
    batch = 7
    assert len(extraction.records) > 3 * batch and len(extraction.blocks) > 3 * batch and len(extraction.thumbnails) > batch
    with open_kb(tmp_path / "whole.db") as kb:
        kb.save(extraction)
    spooled = spool(extraction, str(tmp_path), batch=batch)
    assert spooled.record_types == Counter([extraction.document.type, *(r.type for r in extraction.records)])
    with open_kb(tmp_path / "batches.db") as kb, spooled.parts() as (records, blocks, thumbnails):
        kb.save_parts(spooled.document, records, blocks, thumbnails)
    assert not os.path.exists(spooled.path), "the spool file is removed once it is read"
    whole, batches = _stored(tmp_path / "whole.db"), _stored(tmp_path / "batches.db")
    assert whole["page"] and whole["municipality"] and len(whole["blocks"]) == len(extraction.blocks)
    assert batches == whole


def test_a_spool_that_breaks_off_between_batches_stores_nothing_of_the_file(report, tmp_path):
    _, extraction = report
    kb_path = tmp_path / "kb.db"
    with open_kb(kb_path) as kb:
        kb.save(extraction)  # what an earlier run stored of the file
    before = _stored(kb_path)
    for kb_file in (kb_path, tmp_path / "new.db"):
        spooled = spool(extraction, str(tmp_path), batch=5)
        size = os.path.getsize(spooled.path)
        with open(spooled.path, "r+b") as fh:  # the worker's disk filled up among the blocks
            fh.truncate(int(size * 0.6))
        with open_kb(kb_file) as kb, pytest.raises(SpoolError), spooled.parts() as (records, blocks, thumbnails):
            kb.save_parts(spooled.document, records, blocks, thumbnails)
    assert _stored(kb_path) == before, "the file's earlier extraction stays as it was"
    assert all(not rows for rows in _stored(tmp_path / "new.db").values()), "nothing of the file is stored"


def test_the_flow_stores_a_long_file_read_in_a_worker_as_the_file_read_in_one_go(report, tmp_path):
    path, extraction = report
    ingest([path], tmp_path / "flow.db")
    with open_kb(tmp_path / "direct.db") as kb:
        kb.save(extraction)
    assert _stored(tmp_path / "flow.db") == _stored(tmp_path / "direct.db")


def test_blocks_and_records_given_the_same_fields_share_one_set_of_their_names_until_one_is_assigned():
    first, second = Block(text="Asker", role="title"), Block(text="Bærum", role="title")
    assert first.model_fields_set is second.model_fields_set
    first.level = 1
    assert first.model_fields_set == {"text", "role", "level"} and second.model_fields_set == {"text", "role"}
    assert Block(text="Asker").model_fields_set == {"text"}
    record = DocumentRecord(doc_id="d", file_name="f.pdf", sha256="s", path="f.pdf", media_type="application/pdf",
                            n_pages=1, pipeline_version="0")
    copy = record.model_copy(update={"paths": ["f.pdf"]})
    assert copy.model_fields_set == record.model_fields_set | {"paths"} and "paths" not in record.model_fields_set
