"""Searching the corpus KB: ranking, Norwegian inflections, æøå, and queries users get wrong."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys

import pytest

from kb.search import QueryError, fts_query, search
from extractors.lang.stemming import STEMMING_VERSION, stem, tokens
from kb.store import open_kb


@pytest.fixture(scope="module")
def kb(corpus_kb):
    with open_kb(corpus_kb, readonly=True) as kb:
        yield kb


def pages_with(kb, word: str) -> set[tuple[str, int]]:
    """Pages whose text holds `word` as written (case-insensitive), found without FTS."""
    rows = kb.db.execute("SELECT file_name, page, text FROM pages").fetchall()
    return {(r["file_name"], r["page"]) for r in rows if word.lower() in (r["text"] or "").lower()}


def found(hits) -> set[tuple[str, int]]:
    """Every page the hits hold: each hit's own and the pages of its work folded into it."""
    return {(h.file_name, h.page) for h in hits} | {page for h in hits for page in h.also}


def test_one_hit_per_work_shows_the_deck_and_lists_its_pdf(kb):
    """The deck and its LibreOffice PDF are one work: one hit, from the deck, the PDF listed."""
    hits = search(kb, "kommune", limit=20)
    assert len({h.work_id for h in hits}) == len(hits) > 1
    decks = {r["file_name"] for r in kb.records("document") if r["file_name"].endswith(".pptx")}
    for h in hits:
        twin = h.file_name.replace(".pptx", ".pdf")
        if h.file_name in decks:
            assert twin in h.copies and any(name == twin for name, _ in h.also)
        assert h.file_name not in h.copies
    assert len(found(hits)) > len(hits)


def test_langvakter_finds_the_heltid_slide_with_file_and_slide(kb):
    hits = search(kb, "langvakter")
    assert hits
    assert found(hits) >= pages_with(kb, "langvakter")
    top = hits[0]
    assert "[" in top.snippet and "langvakter" in top.snippet.lower()


def test_inflected_forms_find_each_other(kb):
    # The corpus has 'kommunene' and 'kommuner' but we search for the base form, and back.
    plain = found(search(kb, "kommune", limit=200))
    assert pages_with(kb, "kommunene") <= plain
    definite = found(search(kb, "kommunene", limit=200))
    assert pages_with(kb, "kommuner ") & definite
    assert found(search(kb, "prosjekt", limit=200)) >= pages_with(kb, "prosjekter")


def test_bokmal_finds_nynorsk_and_back(kb):
    # The nynorsk deck and report say `sjukefråvær`, the bokmål decks `sykefravær`.
    nynorsk = pages_with(kb, "sjukefråvær")
    bokmal = pages_with(kb, "sykefravær")
    assert nynorsk and bokmal and not nynorsk <= bokmal
    assert found(search(kb, "sykefravær", limit=200)) >= nynorsk | bokmal
    assert found(search(kb, "sjukefråværet", limit=200)) >= nynorsk | bokmal
    # Only the spelling is bridged, not the meaning: every hit says sick leave in one form.
    assert found(search(kb, "sykefravær", limit=200)) <= (
        pages_with(kb, "fravær") | pages_with(kb, "fråvær"))


def test_a_kb_stemmed_by_an_earlier_saman_is_searched_its_way_and_restemmed_when_opened(corpus_kb, tmp_path):
    def old_stems(text: str | None, raw: str | None) -> str:  # nynorsk stemmed as written
        return " ".join(stem(w, bridge_spellings=False) for w in tokens(f"{text or ''}\n{raw or ''}"))

    old = tmp_path / "old.db"
    shutil.copy(corpus_kb, old)
    with sqlite3.connect(old) as db:
        db.create_function("old_stems", 2, old_stems)
        db.execute("UPDATE pages SET stemmed = old_stems(text, raw_text)")
        db.execute("DELETE FROM meta WHERE key = 'stemming_version'")
    with open_kb(old, readonly=True) as stale:
        nynorsk, bokmal = pages_with(stale, "sjukefråvær"), pages_with(stale, "sykefravær")
        # Read-only, the KB is searched the way it was indexed: each spelling finds its own.
        assert stale.stemming_version == "1"
        assert found(search(stale, "sjukefråværet", limit=200)) >= nynorsk
        before = found(search(stale, "sykefravær", limit=200))
    assert nynorsk and not nynorsk <= before
    with open_kb(old):  # opened for writing, as `saman ingest` and `saman rerun` do
        pass
    with open_kb(old, readonly=True) as fresh:
        after = found(search(fresh, "sykefravær", limit=200))
        assert fresh.stemming_version == STEMMING_VERSION
    assert nynorsk | bokmal <= after


def test_norwegian_letters_are_letters(kb):
    with_o = found(search(kb, "omdømme", limit=200))
    assert with_o and with_o >= pages_with(kb, "omdømme")
    assert search(kb, "omdomme") == []


def test_title_hits_rank_above_body_hits(kb):
    hits = search(kb, "dypdykk", limit=50)
    assert hits[0].title and "dypdykk" in hits[0].title.lower()


def test_phrase_and_boolean_queries(kb):
    phrase = search(kb, '"økt nærvær"', limit=50)
    assert phrase and all("nærvær" in h.snippet.lower() for h in phrase)
    both = found(search(kb, "langvakter AND vikarpool", limit=50))
    either = found(search(kb, "langvakter OR vikarpool", limit=50))
    assert both and both <= either


@pytest.mark.parametrize("query, explicit", [
    ("heltid deltid", "heltid AND deltid"),
    ('"økt nærvær" kommuner', '"økt nærvær" AND kommuner'),
    ("(turnus OR langvakter) kommune", "(turnus OR langvakter) AND kommune"),
    ("langvakter (vikarpool OR turnus)", "langvakter AND (vikarpool OR turnus)"),
    ("a + b", "a AND b"),
    ("kommune - sykefravær", "kommune AND sykefravær"),
])
def test_words_side_by_side_must_all_match(kb, query, explicit):
    assert [(h.file_name, h.page) for h in search(kb, query, limit=200)] == \
           [(h.file_name, h.page) for h in search(kb, explicit, limit=200)]


def test_two_words_narrow_what_one_word_finds(kb):
    one = found(search(kb, "heltid", limit=500))
    two = found(search(kb, "heltid langvakter", limit=500))
    assert two and two < one


@pytest.mark.parametrize("query", ["(" * 40 + "a" + ")" * 40, "x" * 2000])
def test_absurd_queries_are_refused_clearly(query):
    with pytest.raises(QueryError):
        fts_query(query)


@pytest.mark.parametrize("query", ['"unbalanced', "AND", "turnus AND", "OR langvakter", "(turnus", "turnus)", "  ", "NOT NOT x"])
def test_malformed_queries_raise_a_clear_error(query):
    with pytest.raises(QueryError) as info:
        fts_query(query)
    assert len(str(info.value)) > 10


def test_cli_search_prints_hits_and_rejects_bad_queries_without_traceback(corpus_kb):
    ok = subprocess.run([sys.executable, "-m", "flows.cli", "search", "langvakter", "--kb", str(corpus_kb), "--json"],
                        capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0 and '"file_name"' in ok.stdout
    bad = subprocess.run([sys.executable, "-m", "flows.cli", "search", '"unbalanced', "--kb", str(corpus_kb)],
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2
    assert "unbalanced quote" in bad.stderr and "Traceback" not in bad.stderr


def test_cli_search_without_a_kb_says_what_to_do(tmp_path):
    run = subprocess.run([sys.executable, "-m", "flows.cli", "search", "x", "--kb", str(tmp_path / "none.db")],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 1 and "saman ingest" in run.stderr and "Traceback" not in run.stderr
