"""Norwegian stemming shared by indexing and querying, so both sides agree on every token.

Tokens follow SQLite's unicode61 tokenizer (runs of letters and digits, lower-cased, with æ ø å
kept), then the snowball Norwegian stemmer: kommunene and kommuner → kommun.
"""

from __future__ import annotations

import re
from functools import lru_cache

import Stemmer

TOKEN = re.compile(r"[^\W_]+", re.UNICODE)


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("norwegian")


def tokens(text: str) -> list[str]:
    return TOKEN.findall(text.lower())


def stem(word: str) -> str:
    return _stemmer().stemWord(word.lower())


def stemmed_text(text: str) -> str:
    return " ".join(_stemmer().stemWords(tokens(text)))
