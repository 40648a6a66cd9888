"""Norwegian words and marks that readers and recognisers both look for, listed once.

Month names (to read dates and to keep `12 mai` from being counted as twelve of something),
the bullet glyphs a document keeps as text, the forms a page or slide number takes, and the
inflections of `kommune`. Bokmål and nynorsk forms side by side; English month names too, for
documents from outside. Data only: no file is read and nothing is computed here beyond the
patterns built from these lists.
"""

from __future__ import annotations

import re

# Month names and their abbreviations → the month's number. The names Norwegian and English
# write alike (april, august, september, november) are listed once.
MONTH_NUMBERS: dict[str, int] = {
    "januar": 1, "jan": 1, "februar": 2, "feb": 2, "mars": 3, "mar": 3, "april": 4, "apr": 4,
    "mai": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9, "oktober": 10, "okt": 10, "november": 11, "nov": 11,
    "desember": 12, "des": 12,
    "january": 1, "february": 2, "march": 3, "may": 5, "june": 6, "july": 7, "october": 10, "oct": 10,
    "december": 12, "dec": 12,
}
MONTHS: frozenset[str] = frozenset(MONTH_NUMBERS)

# Glyphs that open a bullet line when a file keeps them as text (a PDF's text layer, a typed
# "- " in a text box or a text file); the second list marks a sub-bullet.
BULLET_GLYPHS = "•▪◦●○■□►▸‣⁃–—-*"
SUB_BULLET_GLYPHS: frozenset[str] = frozenset("◦○–—-▸‣⁃")
BULLET_CLASS = "[" + "".join(re.escape(g) for g in BULLET_GLYPHS) + "]"
# A bullet glyph and the space after it; group 1 is the glyph. The space is required, so a
# leading minus (`-5 %`) or a footnote star (`*Kilde`) is not a bullet.
BULLET = re.compile(rf"^\s*({BULLET_CLASS})\s+")

# A line that is only a page or slide number: `3`, `Side 3`, `s. 3`, `3/12`, `3 av 12`,
# `Page 3 of 12`. At most three digits: a lone four-digit number is a year or a figure.
PAGE_NUMBER = re.compile(
    r"^\s*(?:side|sida|slide|lysbilde|page|s\.)?\s*\d{1,3}\s*(?:(?:/|av|of)\s*\d{1,3})?\s*$", re.IGNORECASE
)

# Words that make a number an amount of money or a share: `50 kroner`, `12 pst.`. Percent words
# map to the unit a count of them gets.
CURRENCY_WORDS: frozenset[str] = frozenset({"kr", "kroner", "kronar", "krone", "nok"})
PERCENT_WORDS: dict[str, str] = {"%": "prosent", "prosent": "prosent", "pst": "prosent", "prosentpoeng": "prosentpoeng"}

# `kommune` and its inflections, bokmål and nynorsk: the word after (or before) a
# municipality's name that is not part of the name.
KOMMUNE_WORDS: frozenset[str] = frozenset(
    {"kommune", "kommunes", "kommuner", "kommunar", "kommunene", "kommunane", "kommunen", "kommuna"}
)
# What a table's municipality column is headed: a kommune word or "the municipality's name".
KOMMUNE_HEADERS: frozenset[str] = KOMMUNE_WORDS | {"kommunenavn", "kommunenamn"}
