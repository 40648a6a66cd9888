"""Spellings of one word that matching must treat as one: nynorsk and bokmål, and æ/ø/å in ASCII.

The programme wrote in bokmål and nynorsk, and a researcher searching `sykefravær` wants the
nynorsk reports about `sjukefråvær` too. The Snowball stemmer folds the inflections of each
written form (kommunar, kommunane → kommun), not one form into the other, so the spellings
that set the programme's nynorsk vocabulary apart are written the bokmål way before stemming:
`sjukefråværet` and `sykefraværet` both become `sykefraværet`.

OCR sometimes leaves a word without its æ, ø or å even after correction (`omdomme`), and
files from outside write them in ASCII; `ascii_spelling` writes them so on both sides of a
comparison. It is for matching only: stored text keeps its letters.

This module holds spelling data and pure string functions; it reads no files.
"""

from __future__ import annotations

import re

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
_ASCII = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "é": "e", "è": "e", "ä": "ae", "ö": "o", "ü": "u"})


def bokmal_spelling(word: str) -> str:
    """`word` (lower case) with the nynorsk spellings above written the bokmål way."""
    return _SPELLING.sub(lambda m: _BOKMAL[m.group(0)], word)


def ascii_spelling(word: str) -> str:
    """`word` (lower case) with æ, ø, å and the accented vowels written in ASCII: omdømme → omdomme."""
    return word.translate(_ASCII)


def loose_spelling(word: str) -> str:
    """`word` lower-cased, in bokmål spelling, then in ASCII: the form two spellings of one
    word share (`Sjukefråvær`, `sykefravær` and `sykefravaer` all → `sykefravaer`)."""
    return ascii_spelling(bokmal_spelling(word.lower()))
