"""A deck made for the search and dossier tests, and a KB ingested from it by the real flow.

Each slide holds what one behaviour needs: compounds and their parts written apart, words of
a question spread over slides, a word to be mistyped, and two municipalities named Bø (in
Telemark once, in Nordland twice). Imported by the test modules that use `search_kb`.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pptx import Presentation

from tests.conftest import ingest

SLIDES: tuple[tuple[str, str], ...] = (
    ("Lederopplæringen", "Lederopplæringen startet i Bø (Telemark) i 2013 med tjue deltakere."),
    ("Arbeidstid", "Dei nye arbeidstidsordningane i Bø (Nordland) gav færre små stillingar."),
    ("Opplæring av ledere", "Opplæring av nye ledere skjer på samlinger i Bø (Nordland) hver høst."),
    ("Omdømme", "Omdømmet til Løten kommune er godt blant innbyggerne."),
    ("Vikarbruk", "Turnusen gav færre vikarvakter og mindre overtid."),
    ("Kompetanse", "Kompetanseheving og kompetanseplanen for pleie og omsorg."),
    ("Kompetanse alene", "Kompetanse er viktig for rekruttering."),
)


def write_deck(path: Path, slides: tuple[tuple[str, str], ...] = SLIDES) -> Path:
    """A deck of one title-and-body slide per (title, body)."""
    deck = Presentation()
    for title, body in slides:
        slide = deck.slides.add_slide(deck.slide_layouts[1])
        slide.shapes.title.text = title
        slide.placeholders[1].text = body
    deck.save(path)
    return path


@pytest.fixture(scope="session")
def search_kb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("searchdeck")
    deck = write_deck(folder / "2013-10-01_sokedekk.pptx")
    kb_path = folder / "search.db"
    summary = ingest([deck], kb_path)
    assert summary.extracted == 1, summary.errors
    return kb_path
