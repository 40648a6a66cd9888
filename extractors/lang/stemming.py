"""Norwegian stemming shared by indexing and querying, so both sides agree on every token.

Tokens follow SQLite's unicode61 tokenizer (runs of letters and digits, lower-cased, with æ ø å
kept), then the snowball Norwegian stemmer: kommunene and kommuner → kommun.

The programme wrote in bokmål and nynorsk, and a researcher searching `sykefravær` wants the
nynorsk reports about `sjukefråvær` too. The stemmer folds the inflections of each written
form (kommunar, kommunane → kommun), not one form into the other, so before stemming the
spellings that set the programme's nynorsk vocabulary apart are written the bokmål way:
`sjukefråværet` and `sykefraværet` both index as `sykefravær`.
"""

from __future__ import annotations

import re
from functools import lru_cache

import Stemmer

TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
# Bumped whenever the stems change, so a KB indexed by an earlier saman is re-stemmed.
STEMMING_VERSION = "2"
# Nynorsk spelling → bokmål spelling, inside a word (`arbeidsgjevarrolla`, `sjukmelde`).
NYNORSK_SPELLINGS: tuple[tuple[str, str], ...] = (
    ("heiltid", "heltid"),
    ("sjuk", "syk"),
    ("fråvær", "fravær"),
    ("omdøme", "omdømme"),
    ("gjevar", "giver"),
    ("innbyggjar", "innbygger"),
    ("medarbeidar", "medarbeider"),
    ("vidareutdann", "videreutdann"),
    ("tenkj", "tenk"),
    ("leiar", "leder"),
)
_SPELLING = re.compile("|".join(re.escape(nn) for nn, _ in NYNORSK_SPELLINGS))
_BOKMAL = dict(NYNORSK_SPELLINGS)


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("norwegian")


def tokens(text: str) -> list[str]:
    return TOKEN.findall(text.lower())


def bokmal_spelling(word: str) -> str:
    """`word` (lower case) with the nynorsk spellings above written the bokmål way."""
    return _SPELLING.sub(lambda m: _BOKMAL[m.group(0)], word)


def stem(word: str, *, bridge_spellings: bool = True) -> str:
    """The search stem of a word; `bridge_spellings=False` stems as a KB indexed before
    STEMMING_VERSION 2 did (nynorsk spelled as written), for searching such a KB read-only."""
    word = word.lower()
    return _stemmer().stemWord(bokmal_spelling(word) if bridge_spellings else word)


def stemmed_text(text: str) -> str:
    return " ".join(_stemmer().stemWords([bokmal_spelling(t) for t in tokens(text)]))
