"""People's names: whether a capitalised word stands in a person's name rather than naming a place.

Election records, lists of candidates and members name people far more often than the
programme's decks do, and many Norwegian surnames are municipality names (`Kari Stryn`,
`Ola Nordmann Hole`, `PER LUNNER`, `Hans Fjell 1961`). A word is taken as part of a person's
name when a given name opens the run of capitalised words it ends (data/names/given_names.txt),
and a four-digit number after such a name is a birth year, not a year the document is about.

Both the municipality recogniser and the dating of documents ask these questions, over
different tokens (spaCy's and a regex's), so the helpers here take plain word strings, nearest
word last. This module reads only its data file.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

GIVEN_NAMES_FILE = Path(__file__).resolve().parent / "data" / "names" / "given_names.txt"

# A name is a given name and at most this many more capitalised words (`Ola Nordmann Hole`).
MAX_NAME_WORDS = 4
# Birth years of living candidates and members; a later year beside a name is an event's.
MIN_BIRTH_YEAR, MAX_BIRTH_YEAR = 1900, 2008
# Words that announce a birth year or date: `f. 1961`, `født 12.03.1961`, `b. 1961`.
BIRTH_MARKERS = frozenset({"f", "født", "fødd", "fødselsår", "fødselsdato", "b", "born"})


@lru_cache(maxsize=1)
def given_names() -> frozenset[str]:
    lines = GIVEN_NAMES_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(ln.strip().casefold() for ln in lines if ln.strip() and not ln.startswith("#"))


def is_given_name(word: str) -> bool:
    """`Kari`, `KARI`, `Anne-Lise` (every part a given name); never a lower-case word."""
    parts = [p for p in word.split("-") if p]
    return bool(parts) and word[:1].isupper() and all(p.casefold() in given_names() for p in parts)


def _capitalised_word(word: str) -> bool:
    return word[:1].isupper() and word.replace("-", "").isalpha()


def ends_in_person_name(words: Sequence[str], min_words: int = 1) -> bool:
    """Whether the words (nearest last) end in a person's name: a given name followed by
    capitalised words only, `min_words` words or more (`Ola Nordmann` before `Hole`).

    A lone given name before a year says little (`Per 2013` is "as of 2013"), so the dating of
    documents asks for two words; before a municipality name one given name is enough.
    """
    run: list[str] = []
    for word in reversed(words):
        if not _capitalised_word(word) or len(run) == MAX_NAME_WORDS:
            break
        run.append(word)
        if is_given_name(word) and len(run) >= min_words:
            return True
    return False


def is_birth_year(year: int, words_before: Sequence[str]) -> bool:
    """A year after a person's name (`Hans Fjell 1961`, `Kari Stryn, 1961`, `(1961)`) or after
    `f.`/`født`, within the years people on such lists are born in."""
    if not MIN_BIRTH_YEAR <= year <= MAX_BIRTH_YEAR:
        return False
    words = [w for w in words_before if w not in (",", "(", ".", ":")]
    if words and words[-1].casefold().rstrip(".") in BIRTH_MARKERS:
        return True
    return ends_in_person_name(words, min_words=2)
