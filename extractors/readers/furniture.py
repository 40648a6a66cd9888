"""Running headers and footers: text at the head or foot of most pages is furniture, not content.

One rule for every paged format, so a deck and its PDF twin agree on what is furniture. A
title or body block whose top lies in the bottom BOTTOM_BAND of the page, or whose bottom lies
in the top TOP_BAND, is an edge block. Edge blocks that recur on at least half the pages (two
at least), digits aside (`Side 3 av 12`, a date), are furniture, and so is an edge block that
is only a page number (extractors.lang.words.PAGE_NUMBER). Decks often type the department
name and the date into plain text boxes instead of footer placeholders, and PDFs keep their
running heads as ordinary text lines, so repetition is what tells them.

The bands are the slides': a slide's footer boxes sit higher (85 % down) than a page's footer
line, and a page's band within them holds no more than its own header and footer.
"""

from __future__ import annotations

import re
from collections import Counter

from extractors.lang.words import PAGE_NUMBER
from models import Block, Page

TOP_BAND = 0.12
BOTTOM_BAND = 0.15
_DIGITS = re.compile(r"\d+")
_CONTENT_ROLES = ("title", "body")


def _edge_key(block: Block, page: Page) -> str | None:
    """The block's text with its digits as `#`, if the block is a title or body block at an edge."""
    if block.role not in _CONTENT_ROLES or block.bbox is None or not page.height:
        return None
    if block.bbox[1] > page.height * (1 - BOTTOM_BAND) or block.bbox[3] < page.height * TOP_BAND:
        return _DIGITS.sub("#", block.text.lower())
    return None


def mark_repeated_furniture(pages: list[Page]) -> None:
    """Give the role `furniture` to the edge blocks that recur on most pages or are page numbers."""
    counts: Counter[str] = Counter()
    for page in pages:
        counts.update({k for b in page.blocks if (k := _edge_key(b, page))})
    threshold = max(2, (len(pages) + 1) // 2)
    for page in pages:
        for block in page.blocks:
            key = _edge_key(block, page)
            if key is not None and (counts[key] >= threshold or PAGE_NUMBER.match(block.text)):
                block.role = "furniture"
