"""The one Norwegian stemmer: the search index, search queries and the theme lexicons stem with it.

Tokens follow SQLite's unicode61 tokenizer (runs of letters and digits, lower-cased, with æ ø å
kept), then the nynorsk spellings are written the bokmål way (extractors.lang.spelling) and
the Snowball Norwegian stemmer folds inflections: kommunene, kommuner and kommunane → kommun;
sjukefråværet and sykefraværet → sykefravær. Indexing and querying both stem with `stem`, so
the two sides agree on every token.

`loose_stem` is the same stem written in ASCII afterwards, for matching text that OCR may have
left without its æ/ø/å (`omdomme` meets `omdømme`). Folding after stemming, not before, keeps
every inflection of a word on one key: folding first turned `sykefravær` into `sykefravaer`,
whose `-er` Snowball then cut (`sykefrava`), while `sykefraværet` kept it (`sykefravaer`).
The search index keeps æ/ø/å: in ASCII, `får` and `far`, `før` and `for` would be one word.
"""

from __future__ import annotations

import re
from functools import lru_cache

import Stemmer

from extractors.lang.spelling import ascii_spelling, bokmal_spelling

TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
# Bumped whenever the stems change, so a KB indexed by an earlier saman is re-stemmed.
STEMMING_VERSION = "2"


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("norwegian")


def tokens(text: str) -> list[str]:
    return TOKEN.findall(text.lower())


def stem(word: str, *, bridge_spellings: bool = True) -> str:
    """The search stem of a word; `bridge_spellings=False` stems as a KB indexed before
    STEMMING_VERSION 2 did (nynorsk spelled as written), for searching such a KB read-only."""
    word = word.lower()
    return _stemmer().stemWord(bokmal_spelling(word) if bridge_spellings else word)


def loose_stem(word: str) -> str:
    """The stem of `word` with æ/ø/å written in ASCII: omdømme, omdømmet and omdomme → omdomm."""
    return ascii_spelling(stem(word))


def stemmed_text(text: str) -> str:
    return " ".join(_stemmer().stemWords([bokmal_spelling(t) for t in tokens(text)]))
