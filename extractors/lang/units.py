"""The unit of a count: the singular bokmål lemma of the noun that follows a number.

"18 prosjekter", "110 kommunar", "ca. 50 millioner kroner" must all land on one unit a
researcher can filter by (`prosjekt`, `kommune`, `krone`), whether the text is bokmål or
nynorsk. A small table (data/units.tsv) holds the lemmas the programme's documents count and
the forms no rule reaches (nynorsk lemmas, abbreviations); ending rules do the rest, checked
against the Norwegian word lists where the table is silent. A compound whose last part is a
known unit is split: "18 sjukefråværsprosjekt" counts `prosjekt`, and "sjukefråvær" is what
they are about. This module knows nothing about numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from extractors.lang.lexicon import lexicon as word_list

UNITS_FILE = Path(__file__).resolve().parent / "data" / "units.tsv"

# (ending, replacement) tried in order on a lower-cased word: bokmål -er/-ene/-ere and
# nynorsk -ar/-ane/-a plurals, definite singulars.
_ENDINGS: tuple[tuple[str, str], ...] = (
    ("arane", "ar"), ("erne", "er"), ("ene", ""), ("ene", "e"), ("ane", ""), ("ane", "e"),
    ("ere", "er"), ("arar", "ar"), ("ar", ""), ("ar", "e"), ("er", ""), ("er", "e"),
    ("r", ""), ("a", ""), ("en", ""), ("et", ""), ("e", ""), ("s", ""),
)
# With only the word lists to go by, the -e lemma of an -er plural is tried before the bare
# stem ("timer" → time, not tim), and plural-looking endings before the word itself.
_LIST_ENDINGS: tuple[tuple[str, str], ...] = (
    ("ene", "e"), ("er", "e"), ("ar", "e"), ("ane", "e"), ("ere", "er"), ("arar", "ar"),
    ("ene", ""), ("er", ""), ("ar", ""), ("ane", ""), ("a", ""),
)
_MIN_COMPOUND_HEAD = 4
_MIN_STEM = 3


@dataclass(frozen=True)
class Unit:
    lemma: str
    modifier: str | None = None  # the first part of a split compound: "sjukefråvær"
    known: bool = True  # False when neither the table nor the word lists vouch for it


@cache
def _table() -> tuple[frozenset[str], dict[str, str]]:
    lemmas: set[str] = set()
    forms: dict[str, str] = {}
    for line in UNITS_FILE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        lemma, _, extra = line.partition("\t")
        lemma = lemma.strip()
        lemmas.add(lemma)
        for form in extra.split():
            forms[form.lower()] = lemma
    return frozenset(lemmas), forms


def _candidates(word: str, endings: tuple[tuple[str, str], ...]) -> list[str]:
    return [word[: -len(e)] + r for e, r in endings if word.endswith(e) and len(word) - len(e) >= _MIN_STEM]


def _in_table(candidate: str) -> str | None:
    lemmas, forms = _table()
    return candidate if candidate in lemmas else forms.get(candidate)


def _modifier(prefix: str) -> str | None:
    """The first part of a compound without its linking letter or hyphen: "sjukefråværs-" → "sjukefråvær"."""
    prefix = prefix.rstrip("-")
    if prefix.endswith("s") and len(prefix) > 4 and prefix[:-1] in word_list():
        prefix = prefix[:-1]
    return prefix or None


def split_unit(word: str) -> Unit:
    """The unit lemma of a counted noun, with a compound's first part split off."""
    w = word.lower()
    if "-" in w.strip("-"):
        head_surface = w.rsplit("-", 1)[1]
        head = split_unit(head_surface)
        return Unit(head.lemma, w[: -len(head_surface) - 1] or None, head.known)
    candidates = [w, *_candidates(w, _ENDINGS)]
    for c in candidates:
        hit = _in_table(c)
        if hit:
            return Unit(hit)
    for c in candidates:
        for cut in range(1, len(c) - _MIN_COMPOUND_HEAD + 1):
            hit = _in_table(c[cut:])
            if hit:
                return Unit(hit, _modifier(w[:cut]))
    words = word_list()
    for c in _candidates(w, _LIST_ENDINGS):
        if c in words:
            return Unit(c)
    return Unit(w, known=w in words)


def is_unit_word(word: str) -> bool:
    """Whether the table knows `word` (or its compound head) as something documents count."""
    return split_unit(word).lemma in _table()[0]
