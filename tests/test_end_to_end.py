"""Ingest → export, compared with the hand-checked gold for every record type.

The corpus KB is built by the real Prefect flow; its export is what a researcher gets.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import BORN_DIGITAL
from tests.gold import load_gold
from tests.scoring import score

FILES = {p.name for p in BORN_DIGITAL}
# The issues' goals; the born-digital corpus meets them with room to spare.
MIN_F1 = {"document": 1.0, "page": 1.0, "table": 1.0, "municipality": 0.97, "theme": 0.95, "count": 0.9, "measure": 0.9}


@pytest.fixture(scope="module")
def exported(corpus_kb) -> list[dict]:
    run = subprocess.run([sys.executable, "-m", "flows.cli", "export", "--kb", str(corpus_kb)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    return [json.loads(line) for line in run.stdout.splitlines()]


@pytest.mark.parametrize("record_type", list(MIN_F1))
def test_export_matches_gold(exported, record_type):
    s = score(record_type, exported, load_gold(), FILES)
    assert s.gold > 0, f"gold has {record_type} records for the born-digital corpus"
    assert s.f1 >= MIN_F1[record_type], f"missed {s.missed[:5]} extra {s.extra[:5]}"


def test_fact_records_carry_provenance(exported):
    docs = {r["doc_id"]: r for r in exported if r["type"] == "document"}
    for r in exported:
        if r["type"] in ("municipality", "theme", "count", "measure"):
            assert r["doc_id"] in docs and r["sha256"] == docs[r["doc_id"]]["sha256"]
            assert r["method"] and (r["page"] is None or 1 <= r["page"] <= docs[r["doc_id"]]["n_pages"])


def test_measures_resolve_municipalities_with_number_and_county(exported):
    drammen = [r for r in exported if r["type"] == "measure" and r["municipality"] == "Drammen"]
    assert drammen and {r["kommunenummer"] for r in drammen} == {"0602"}
    assert {r["fylke"] for r in drammen} == {"Buskerud"}
    assert any(r["value"] == "hver 6." for r in drammen)


def test_search_filters_by_theme(corpus_kb):
    from kb.search import search
    from kb.store import open_kb

    with open_kb(corpus_kb, readonly=True) as kb:
        everything = search(kb, "kommune", limit=500)
        heltid = search(kb, "kommune", limit=500, theme="heltid_deltid")
        themed = {(r["file_name"], r["page"]) for r in kb.records("theme") if r["theme"] == "heltid_deltid"}
    assert heltid and len(heltid) < len(everything)
    assert all((h.file_name, h.page) in themed for h in heltid)
