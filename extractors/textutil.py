"""Small text normalisations every reader needs, kept in one place so they agree."""

from __future__ import annotations

import re

_SPACE = re.compile(r"[ \t\u00a0\u2009\u202f]+")


def clean_line(text: str) -> str:
    """Collapse runs of spaces (incl. non-breaking ones) and strip; keeps newlines out."""
    return _SPACE.sub(" ", text.replace("\x0b", " ").replace("\r", " ").replace("\n", " ")).strip()


def clean_cell(text: str | None) -> str:
    """A table cell as one line: soft line breaks in a cell are layout, not content."""
    return clean_line(text or "")
