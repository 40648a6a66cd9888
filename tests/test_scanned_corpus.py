"""The corpus files that need OCR, ingested by the real flow and scored against the gold.

The scanned decks (bokmål and nynorsk), the scanned report, the handout picture and the
deck whose slide is a screenshot hold the same facts as their born-digital twins, so their
gold lines are the twins' facts; issue 4 asks a scan to yield them within the stated error,
and issue 5 sets the F1 goals the whole corpus must meet.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CORPUS, ingest
from tests.gold import load_gold
from tests.scoring import score

# Files whose gold pages were read by OCR, and the deck whose second slide is a screenshot.
OCR_FILES = sorted({g["file_name"] for g in load_gold("page") if g["method"] == "ocr"}
                   | {"2014-09-04_temaverksted_sykefravaer_bilde.pptx"})
# The floors sit under what is measured (1.000 for every type but counts) by the miss known:
# a scanned chart is a picture of bars, not a table, so the three counts of the KMD deck's
# chart are lost (count 0.95).
MIN_F1 = {"document": 1.0, "page": 0.95, "table": 0.95, "municipality": 0.97, "theme": 0.95, "count": 0.9, "measure": 0.95}


def _paths() -> list[Path]:
    found = {p.name: p for p in CORPUS.rglob("*") if p.is_file()}
    return [found[name] for name in OCR_FILES]


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> list[dict]:
    kb_path = tmp_path_factory.mktemp("scans") / "scans.db"
    summary = ingest(_paths(), kb_path)
    assert summary.extracted == len(OCR_FILES), summary.errors
    run = subprocess.run([sys.executable, "-m", "flows.cli", "export", "--kb", str(kb_path)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    return [json.loads(line) for line in run.stdout.splitlines()]


def test_the_ocr_files_are_the_ones_gold_marks_as_scanned() -> None:
    assert len(OCR_FILES) == 6 and all(p.exists() for p in _paths())


@pytest.mark.parametrize("record_type", list(MIN_F1))
def test_scans_match_the_gold_of_their_twins(exported, record_type):
    s = score(record_type, exported, load_gold(), set(OCR_FILES))
    assert s.gold > 0, f"gold has {record_type} records for the OCR'd files"
    assert s.f1 >= MIN_F1[record_type], f"missed {s.missed[:5]} extra {s.extra[:5]}"


def test_every_scanned_slide_table_equals_its_twin(exported):
    """Banded slide tables without a single dark rule: header rows that wrap, tick columns,
    a merged cell; each must come back cell for cell."""
    tables = {(r["file_name"], r["page"]): r["rows"] for r in exported if r["type"] == "table"}
    twin = {(g["file_name"], g["page"]): g["rows"] for g in load_gold("table")}
    scan, deck = "2012-08-28_asker_nettverkssamling_skann.pdf", "2012-08-28_asker_nettverkssamling.pptx"
    for page in (3, 6, 7):
        assert tables[(scan, page)] == twin[(deck, page)], page
    assert tables[("2014-09-04_temaverksted_sykefravaer_bilde.pptx", 2)] == twin[(deck, 6)]
    for deck in ("2013-05-22_pulje2_samling_nynorsk", "2014-03-12_kmd_programstatus"):
        # TEMA | ANTALL in nynorsk; goals and shares with the space of `33 %` kept
        assert tables[(f"{deck}_skann.pdf", 4)] == twin[(f"{deck}.pdf", 4)], deck


def test_records_from_ocr_say_so_with_a_confidence(exported):
    tables = {(r["doc_id"], r["table_id"]): r for r in exported if r["type"] == "table"}
    assert tables and all(t["method"] == "ocr" and 0 < t["confidence"] <= 1 for t in tables.values())
    measures = [r for r in exported if r["type"] == "measure"]
    assert measures
    for r in measures:
        # A measure is read from a table (method `table`); its table says the cells came by OCR.
        assert r["method"] == "table" and 0 < r["confidence"] <= 1
        assert tables[(r["doc_id"], r["table_id"])]["method"] == "ocr"


def test_character_error_rate_of_a_scanned_deck_before_and_after_restoring_letters():
    """`python -m bench.cer` scores every scan; here the nynorsk deck, whose `ø`, `å` and `æ`
    OCR loses most (measured 4.6 % before the restoration, 1.0 % after, slide numbers and
    the department's name included)."""
    from bench.cer import score_file

    row = score_file(CORPUS / "scans" / "2013-05-22_pulje2_samling_nynorsk_skann.pdf")
    assert row["pages"] == row["ocr_pages"] == 6
    assert row["after"] <= 2.0 and row["after"] < row["before"] / 2
