"""Running headers and footers (extractors.readers.furniture): one rule for pages and slides."""

from __future__ import annotations

import pytest

from extractors.readers.furniture import mark_repeated_furniture
from models import Block, Page

HEIGHT = 800.0
FOOT = (50.0, 760.0, 300.0, 780.0)  # in the bottom band
HEAD = (50.0, 20.0, 300.0, 40.0)  # in the top band
MIDDLE = (50.0, 380.0, 300.0, 400.0)


def _page(number: int, kind: str, *blocks: Block) -> Page:
    return Page(number=number, kind=kind, width=600.0, height=HEIGHT, blocks=list(blocks))


@pytest.mark.parametrize("kind", ["page", "slide"])
def test_text_at_the_edge_of_most_pages_is_furniture_digits_aside(kind):
    pages = [_page(n, kind,
                   Block(text=f"Årsrapport 2014 – side {n}", bbox=FOOT),
                   Block(text="Kommunen", role="title", bbox=HEAD),
                   Block(text="Kommunen", bbox=MIDDLE))
             for n in range(1, 5)]
    mark_repeated_furniture(pages)
    for page in pages:
        assert [b.role for b in page.blocks] == ["furniture", "furniture", "body"]


def test_text_at_the_edge_of_fewer_than_half_the_pages_stays():
    pages = [_page(n, "slide") for n in range(1, 6)]  # five slides: furniture recurs on three
    for page in pages[:3]:
        page.blocks.append(Block(text="Saman om ein betre kommune", bbox=FOOT))
    for page in pages[:2]:
        page.blocks.append(Block(text="Kontakt: Kari", bbox=HEAD))
    mark_repeated_furniture(pages)
    assert [(b.text, b.role) for b in pages[0].blocks] == [("Saman om ein betre kommune", "furniture"),
                                                           ("Kontakt: Kari", "body")]


def test_a_lone_page_number_at_the_edge_is_furniture_even_on_one_page():
    [page] = [_page(1, "page", Block(text="Side 1 av 9", bbox=FOOT), Block(text="7", bbox=MIDDLE), Block(text="Tiltak", bbox=FOOT))]
    mark_repeated_furniture([page])
    assert [b.role for b in page.blocks] == ["furniture", "body", "body"]


def test_table_cells_notes_and_blocks_without_a_place_are_left_alone():
    pages = [_page(n, "page", Block(text="Sum", role="table-cell", bbox=FOOT), Block(text="3", bbox=None),
                   Block(text="Notat", role="notes", bbox=FOOT)) for n in range(1, 4)]
    mark_repeated_furniture(pages)
    assert {b.role for p in pages for b in p.blocks} == {"table-cell", "body", "notes"}
