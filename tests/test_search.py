"""Searching: ranking, Norwegian inflections and compounds, æøå, relaxed queries, "did you mean",
and queries users get wrong. The corpus KB, and a deck made for these tests (tests.searchdeck)."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys

import pytest

from extractors.lang.compounds import index_parts, parts, segment
from extractors.lang.lexicon import lexicon
from extractors.lang.stemming import STEMMING_VERSION, stem, tokens
from kb.query import QueryError, parse
from kb.schema import FTS_DROP
from kb.search import search
from kb.store import open_kb
from tests.searchdeck import SLIDES, search_kb  # noqa: F401  (a fixture)


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


def without_compound_parts(db: sqlite3.Connection) -> None:
    """The page index and its triggers as saman made them before the `parts` column."""
    for statement in FTS_DROP:
        db.execute(statement)
    db.execute("ALTER TABLE pages DROP COLUMN parts")
    db.execute("""CREATE VIRTUAL TABLE pages_fts USING fts5(title, text, raw_text, stemmed, content='pages',
                  tokenize='unicode61 remove_diacritics 0')""")
    insert = "INSERT INTO pages_fts(rowid, title, text, raw_text, stemmed) VALUES (new.rowid, new.title, new.text, new.raw_text, new.stemmed)"
    delete = ("INSERT INTO pages_fts(pages_fts, rowid, title, text, raw_text, stemmed) "
              "VALUES ('delete', old.rowid, old.title, old.text, old.raw_text, old.stemmed)")
    db.execute(f"CREATE TRIGGER pages_ai AFTER INSERT ON pages BEGIN {insert}; END")
    db.execute(f"CREATE TRIGGER pages_ad AFTER DELETE ON pages BEGIN {delete}; END")
    db.execute(f"CREATE TRIGGER pages_au AFTER UPDATE ON pages BEGIN {delete}; {insert}; END")
    db.execute("INSERT INTO pages_fts(pages_fts) VALUES ('rebuild')")
    db.execute("DELETE FROM meta WHERE key = 'compounds_version'")


def test_a_kb_stemmed_by_an_earlier_saman_is_searched_its_way_and_restemmed_when_opened(corpus_kb, tmp_path):
    def old_stems(text: str | None, raw: str | None) -> str:  # nynorsk stemmed as written
        return " ".join(stem(w, bridge_spellings=False) for w in tokens(f"{text or ''}\n{raw or ''}"))

    old = tmp_path / "old.db"
    shutil.copy(corpus_kb, old)
    with sqlite3.connect(old) as db:
        without_compound_parts(db)  # as old as that: no compound parts either
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
    # `omdomme` is no word of the KB: its hits are those of the word meant, and say so.
    mistyped = search(kb, "omdomme", limit=200)
    assert mistyped.corrected == "omdømme" and found(mistyped) == with_o


def test_title_hits_rank_above_body_hits(kb):
    hits = search(kb, "dypdykk", limit=50)
    assert hits[0].title and "dypdykk" in hits[0].title.lower()


def test_phrase_and_boolean_queries(kb):
    phrase = search(kb, '"økt nærvær"', limit=50)
    assert phrase and all("nærvær" in h.snippet.lower() for h in phrase)
    both = found(search(kb, "langvakter AND vikarpool", limit=50))
    either = found(search(kb, "langvakter OR vikarpool", limit=50))
    assert both and both <= either


def test_a_query_of_function_words_alone_is_searched_not_refused(kb):
    # No word of it is counted for "how many words a page holds": the ranking is bm25 alone.
    hits = search(kb, "og i", limit=5)
    assert hits and all(h.page for h in hits)


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
        parse(query)


@pytest.mark.parametrize("query", ['"unbalanced', "AND", "turnus AND", "OR langvakter", "(turnus", "turnus)", "  ", "NOT NOT x"])
def test_malformed_queries_raise_a_clear_error(query):
    with pytest.raises(QueryError) as info:
        parse(query)
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


# -- compounds ----------------------------------------------------------------------------------


@pytest.mark.parametrize("word, expected", [
    ("lederopplæringen", ("leder", "opplæringen")),
    ("arbeidstidsordningane", ("arbeidstid", "ordningane")),  # the linking s dropped
    ("sykefraværet", ("syke", "fraværet")),
    ("kompetanseplanen", ("kompetanse", "planen")),
    ("forslag", None),  # a particle, not `for` + `slag`
    ("kommunene", None),
    ("utfordringer", None),  # a verb and a suffix, not a compound
])
def test_compounds_split_into_the_words_of_the_word_lists(word, expected):
    assert segment(word, lexicon().known_many) == expected


def test_long_parts_are_split_again_and_the_index_holds_their_stems():
    assert parts("lederopplæringsprogrammet", lexicon().known_many) == ["lederopplæring", "programmet", "leder", "opplæring"]
    held = index_parts("Lederopplæringen og arbeidstidsordningane").split()
    assert {stem("opplæring"), stem("leder"), stem("ordning"), stem("arbeidstid")} <= set(held)


def slide_of(title: str) -> int:
    return next(i for i, (t, _) in enumerate(SLIDES, start=1) if t == title)


@pytest.fixture(scope="module")
def deck(search_kb):
    with open_kb(search_kb, readonly=True) as kb:
        yield kb


def slides(result) -> list[int]:
    """The slides of the one deck in rank order: each hit's page, then the pages folded into it
    (one hit per work; `also` keeps the rank order of the pages it folds)."""
    return [page for h in result for page in (h.page, *(p for _, p in h.also))]


def test_a_word_finds_the_compounds_it_is_part_of_below_the_pages_saying_it(deck):
    found = search(deck, "opplæring")
    assert found.matched == "all"
    assert slides(found)[0] == slide_of("Opplæring av ledere")  # the word itself
    assert slide_of("Lederopplæringen") in slides(found)  # inside a compound, below
    assert slide_of("Arbeidstid") in slides(search(deck, "ordning"))  # arbeidstidsordningane


def test_a_compound_query_finds_its_parts_written_apart(deck):
    found = slides(search(deck, "lederopplæring"))
    assert found[0] == slide_of("Lederopplæringen")  # the compound itself first
    assert slide_of("Opplæring av ledere") in found  # `opplæring av nye ledere`


def test_when_no_page_holds_every_word_the_pages_with_the_most_of_them_come_and_say_so(deck):
    relaxed = search(deck, "mindre bruk av vikarer")
    assert relaxed.matched == "some" and relaxed.as_dict()["matched"] == "some"
    assert slides(relaxed)[0] == slide_of("Vikarbruk")  # `mindre` and vikar inside `vikarvakter`
    strict = search(deck, "færre vikarvakter")
    assert strict.matched == "all" and slides(strict) == [slide_of("Vikarbruk")]


def test_operators_and_phrases_are_never_relaxed(deck):
    assert search(deck, "vikarvakter AND lederopplæringen").matched == "none"
    assert search(deck, '"mindre bruk"').matched == "none"
    assert slide_of("Vikarbruk") not in slides(search(deck, "færre NOT overtid"))


@pytest.mark.parametrize("typed, meant", [("omdomme", "omdømme"), ("Lgten", "løten"), ("kompetance", "kompetanse")])
def test_a_mistyped_word_gets_the_kbs_own_word_and_its_hits(deck, typed, meant):
    found = search(deck, typed)
    assert found.corrected == meant and meant in found.suggestions and found.hits
    assert all(meant in h.snippet.lower() for h in found)


def test_a_query_like_no_word_of_the_kb_gets_nothing(deck):
    found = search(deck, "xqzwvk")
    assert found.matched == "none" and not found.hits and found.suggestions == [] and found.corrected is None


def why_of(result) -> dict[int, tuple[str, ...]]:
    return {h.page: h.why for h in result}


def test_each_hit_says_why_it_matched(deck):
    """By the words themselves, by a compound part, by a corrected spelling (meaning: below)."""
    assert why_of(search(deck, "opplæring"))[slide_of("Opplæring av ledere")] == ("words",)
    assert why_of(search(deck, "ordning")) == {slide_of("Arbeidstid"): ("compound",)}  # arbeidstidsordningane
    # `mindre` as written, `vikar` only inside `vikarvakter`
    assert why_of(search(deck, "mindre bruk av vikarer"))[slide_of("Vikarbruk")] == ("words", "compound")
    corrected = search(deck, "omdomme")
    assert corrected.corrected and all(h.why == ("spelling", "words") for h in corrected)
    # with operators, a word missing from a page is not taken for a compound part
    # (slides 6 and 7 hold kompetanse, not omdømme; slide 4 omdømme, not kompetanse)
    either = search(deck, "kompetanse OR omdømme")[0]
    assert either.page in (slide_of("Kompetanse"), slide_of("Kompetanse alene"), slide_of("Omdømme"))
    assert either.why == ("words",)
    assert search(deck, "ordning").as_dict()["hits"][0]["why"] == ["compound"]


def test_a_hit_found_by_meaning_says_so(search_kb, tmp_path):
    from kb.vectors import embed_pages

    kb_path = shutil.copy(search_kb, tmp_path / "kb.db")
    with open_kb(kb_path) as kb:
        embed_pages(kb)
    with open_kb(kb_path, readonly=True) as kb:
        near = search(kb, "xqzwvk")
        assert near.matched == "meaning" and near.hits and all(h.why == ("meaning",) for h in near)
        fused = search(kb, "mindre bruk av vikarer", limit=10)
        assert fused.matched == "some" and fused.vectors_used
        assert "words" in fused[0].why and any("meaning" in h.why for h in fused)
        assert all(set(h.why) <= {"words", "compound", "meaning"} and h.why for h in fused)
        assert search(kb, "opplæring").matched == "all" and all("meaning" not in h.why for h in search(kb, "opplæring"))


def test_a_kb_from_before_compound_parts_is_searched_without_them_and_given_them_when_opened(search_kb, tmp_path):
    old = tmp_path / "old.db"
    shutil.copy(search_kb, old)
    with sqlite3.connect(old) as db:
        without_compound_parts(db)
    with open_kb(old, readonly=True) as stale:
        assert slides(search(stale, "opplæring")) == [slide_of("Opplæring av ledere")]
    with open_kb(old):
        pass
    with open_kb(old, readonly=True) as fresh:
        assert slide_of("Lederopplæringen") in slides(search(fresh, "opplæring"))


def test_cli_says_when_it_relaxed_or_corrected_a_query(search_kb):
    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "flows.cli", "search", *args, "--kb", str(search_kb)],
                              capture_output=True, text=True, timeout=120)

    relaxed = run("mindre bruk av vikarer")
    assert relaxed.returncode == 0 and "No page holds all the words" in relaxed.stdout
    corrected = run("Lgten")
    assert corrected.returncode == 0 and "showing hits for løten" in corrected.stdout
    as_json = json.loads(run("Lgten", "--json").stdout)
    assert as_json["corrected"] == "løten" and as_json["hits"] and as_json["matched"] == "all"
    assert as_json["hits"][0]["why"] == ["spelling", "words"] and "matched by corrected spelling, the words" in " ".join(corrected.stdout.split())


def test_pages_holding_more_of_the_words_come_first_however_many_hold_fewer(tmp_path):
    """A question no page answers in full: the pages holding three of its four words come
    first, then those holding two, and none holding one while pages with two are left, even
    where pages with one word are too many to rank them all (bm25 is reckoned only for the
    pages that can be among the hits)."""
    from tests.conftest import ingest

    import random

    words = ["ambulanse", "brannbil", "politi", "legevakt"]
    # Each note its own filler, so no two notes are copies of one work (kb.works).
    common = ("møte rapport skule tenester budsjett plan innbyggjarar tilsette leiar arbeid rådmann "
              "utval vedtak saka kontor veg hus tilbod elevar barn helse omsorg").split()
    held = {}
    for i in range(3):
        held[f"tre_{i}"] = words[:3]
    for i in range(30):
        held[f"to_{i}"] = [words[i % 4], words[(i + 1) % 4]]
    for i in range(40):
        held[f"ein_{i}"] = [words[i % 4]]
    for seed, (name, found) in enumerate(held.items()):
        filler = " ".join(random.Random(seed).sample(common, 14))
        (tmp_path / f"{name}.txt").write_text(f"{filler}. " + " og ".join(found) + ".\n", encoding="utf-8")
    kb_path = tmp_path / "kb.db"
    assert ingest([tmp_path], kb_path).extracted == len(held)
    with open_kb(kb_path, readonly=True) as kb:
        result = search(kb, " ".join(words), limit=6)
    assert result.matched == "some"
    names = [h.file_name.removesuffix(".txt") for h in result]
    assert len(names) == 6
    assert sorted(names[:3]) == ["tre_0", "tre_1", "tre_2"]
    assert all(n.startswith("to_") for n in names[3:])
