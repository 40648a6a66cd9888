"""The judged query set and the search-quality bench (bench/queries, bench/search_quality).

The set must stay what its rules select from the documents' content, name only pages that
exist (corpus files and train-split generated documents, never the test split), and the
bench's figures must mean what its docstring says. The documents here are the born-digital
corpus KB and two text-PDF train documents generated for the test; the bench's own KB (every
corpus file and 60 generated documents, OCR included) is too slow to build in a test.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from bench.generate.build import CONDITIONS, SPLITS, condition_of, generate
from bench.queries.content import N_GENERATED, corpus_pages, generated_pages
from bench.queries.judge import KINDS, QUERIES, judged
from bench.search_quality import PlainFTS, evaluate, load_set, score
from tests.conftest import BORN_DIGITAL, ingest
from tests.gold import load_gold

GENERATED_NAME = re.compile(rf"(train|test)-(\d+)-({'|'.join(CONDITIONS)})\.(pdf|tif|jpg)")
# Two train documents that are text PDFs (no OCR), so a test can ingest them in seconds.
TEXT_SEEDS = (3, 4)


@pytest.fixture(scope="module")
def judged_set() -> tuple[list[dict], dict]:
    return load_set()


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """Two generated train documents and their pages' text, as the judged set saw them."""
    folder = tmp_path_factory.mktemp("generated")
    records = [record for seed in TEXT_SEEDS for record in generate(seed, "train", folder).gold()]
    gold = folder / "gold.jsonl"
    gold.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return folder, generated_pages(gold)


def test_the_set_has_every_kind_and_well_formed_judgements(judged_set):
    queries, meta = judged_set
    corpus_files = {d["file_name"]: d["n_pages"] for d in load_gold("document")}
    kinds = Counter(q["kind"] for q in queries)
    assert len(queries) >= 80 and set(kinds) == set(KINDS) and min(kinds.values()) >= 13, kinds
    assert meta["queries"] == dict(kinds)
    assert len({q["id"] for q in queries}) == len(queries)
    assert len({(q["kind"], q["query"]) for q in queries}) == len(queries)
    train = set(list(SPLITS["train"])[:N_GENERATED])
    for q in queries:
        pages = [tuple(p) for p in q["relevant"]]
        assert pages and pages == sorted(set(pages)), q["id"]
        for name, page in pages:
            assert isinstance(page, int) and page >= 1, (q["id"], name, page)
            if name in corpus_files:
                assert page <= corpus_files[name], (q["id"], name, page)
                continue
            m = GENERATED_NAME.fullmatch(name)
            assert m, f"{q['id']}: {name} is neither a corpus file nor a generated document"
            split, seed, condition = m.group(1), int(m.group(2)), m.group(3)
            assert split == "train" and seed in train and condition == condition_of(seed), (q["id"], name)


def test_the_committed_set_is_what_the_rules_select_from_content(judged_set, generated):
    """Judged again from the corpus definitions and two regenerated documents, every query
    names the same pages of those files as the committed set."""
    queries, _ = judged_set
    _, generated_text = generated
    pages = corpus_pages() | generated_text
    names = {name for name, _ in pages}
    again = {line["id"]: line["relevant"] for line in judged(QUERIES, pages, require_hits=False)}
    for q in queries:
        committed = [p for p in q["relevant"] if p[0] in names]
        assert again[q["id"]] == committed, f"{q['id']}: judge the set again (python -m bench.queries.judge)"


def test_every_judged_page_of_the_ingested_files_is_a_page_of_the_kb(judged_set, corpus_kb, generated, tmp_path):
    queries, _ = judged_set
    folder, _ = generated
    kb_path = tmp_path / "generated.db"
    summary = ingest(sorted(folder.glob("*.pdf")), kb_path)
    assert summary.extracted == len(TEXT_SEEDS), summary.errors
    in_kb = set(PlainFTS(corpus_kb).pages) | set(PlainFTS(kb_path).pages)
    ingested = {p.name for p in BORN_DIGITAL} | {p.name for p in folder.glob("*.pdf")}
    judged_pages = {tuple(p) for q in queries for p in q["relevant"] if p[0] in ingested}
    assert len(judged_pages) > 50
    assert judged_pages <= in_kb, sorted(judged_pages - in_kb)[:5]


def test_the_bench_runs_saman_and_plain_fts5_on_a_kb(judged_set, corpus_kb):
    queries, meta = judged_set
    result = evaluate(corpus_kb, queries, meta)
    summary = result["summary"]
    assert set(summary) == {"saman", "plain OR", "plain AND"}
    assert all(set(per_kind) == {*KINDS, "all"} for per_kind in summary.values())
    by_id = {row["id"]: row for row in result["queries"]}
    # A rare word of a born-digital deck: plain FTS5 finds its slide in the deck and its PDF twin.
    pusle = next(q["id"] for q in queries if q["query"] == "Pusleturnus")
    assert by_id[pusle]["plain OR"]["success"] == 1.0
    assert {tuple(p) for p in by_id[pusle]["plain OR"]["top"]} == {
        ("2012-08-28_asker_nettverkssamling.pptx", 7), ("2012-08-28_asker_nettverkssamling.pdf", 7)}
    # No page holds all four words of this question: AND finds nothing, OR ranks pages anyway.
    vikarer = next(q["id"] for q in queries if q["query"] == "mindre bruk av vikarer")
    assert by_id[vikarer]["plain AND"]["hits"] == 0 < by_id[vikarer]["plain OR"]["hits"]
    # Pages the born-digital KB lacks (scans, generated documents) are listed, not hidden.
    assert ["2015-06-30_sluttrapport_tiltak_skann.pdf", 1] in result["missing_pages"]


def test_scores_count_copies_of_one_text_once():
    a, b, b_scan, c = ("deck.pptx", 1), ("deck.pptx", 2), ("deck_skann.pdf", 2), ("other.pdf", 1)
    group = {b: "b", b_scan: "b"}.get
    figures = score([a, b, b_scan, c], {b, b_scan, c}, lambda p: group(p, p))
    assert figures["success"] == 1.0 and figures["rr"] == 0.5
    assert figures["recall"] == 1.0  # both relevant texts (b in two copies, and c) are in the hits
    assert (figures["distinct"], figures["hits"]) == (3, 4)
    missed = score([a], {b, b_scan, c}, lambda p: group(p, p))
    assert (missed["success"], missed["rr"], missed["recall"]) == (0.0, 0.0, 0.0)


def test_saman_is_ahead_of_plain_fts5_on_compounds_typos_and_questions(judged_set, corpus_kb):
    """On the born-digital corpus KB: a word found inside compounds, a mistyped word found as
    the word meant, a question no page holds every word of still finding pages."""
    queries, meta = judged_set
    result = evaluate(corpus_kb, queries, meta)
    saman, plain = result["summary"]["saman"], result["summary"]["plain OR"]
    for kind in ("compound", "typo", "inflection", "bokmal_nynorsk"):
        assert saman[kind]["success"] > plain[kind]["success"], kind
    assert saman["paraphrase"]["no_hits"] < saman["paraphrase"]["queries"]
    assert saman["exact"]["success"] >= plain["exact"]["success"]
