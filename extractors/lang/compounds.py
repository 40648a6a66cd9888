"""Norwegian compounds split into their parts, so a word finds the compounds it is part of.

Norwegian writes compounds as one word: a page on `lederopplæringen` never says `opplæring`
on its own, and `arbeidstidsordningane` holds `ordning` only inside it. Search indexes the
parts of every compound on a page (`index_parts`) and splits a query's compounds the same way
(`segment`), so `opplæring` finds `lederopplæringen` and `lederopplæring` finds a page on
`opplæring av ledere`.

A compound is split into the fewest known words that spell it, a linking `s` or `e` allowed
between two parts (`arbeidstid|s|ordningane`, `syke|fravær`); among splits into as many
parts, the most even one wins (`arbeidstid` + `ordningane`, not `arbeid` + `stidsordningane`),
then the one with a linking letter (`arbeidstid|s`, not the genitive `arbeidstids`). A part
of 12 letters or more is split again (`lederopplæring|s|programmet` gives `leder` and
`opplæring` too); shorter parts split again mostly into noise (`kompet` + `anse`). Known words come from the caller: the
index uses the word lists saman ships (extractors.lang.lexicon: bokmål and nynorsk, every
inflected form), the query side the KB's own vocabulary. The word lists hold odd short entries,
so a first part must have 3 letters and every other part 4, and a few endings the lists hold
as words are never a part (`utfordr|inger`, `rekrutt|e|ring` are a verb and a suffix). A word
opening with a particle (`for`, `opp`, `til`, …) is not split there: `forslag` is not `for` + `slag`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache

from extractors.lang.stemming import stem, tokens

# Bumped whenever the parts an index holds would change, so a KB's parts are made again.
COMPOUNDS_VERSION = "1"
MIN_HEAD = 3
MIN_PART = 4
MAX_PARTS = 3
MAX_LENGTH = 40
RESPLIT_LENGTH = 12
LINKS = frozenset("se")
# Prefixes and prepositions that open words without making them compounds of the word after.
PARTICLES = frozenset(
    "for fore før opp inn til med mot sam mis van over under etter gjennom fram frem bort ned "
    "hjem heim uten utan innen mel bak foran pro".split()
)
# Suffixes (with their inflections) that the word lists also hold as words.
ENDINGS = frozenset(
    "ing inga ingen inger ingar ingane ingene ring ringa ringen ringer ringar ringane sjon sjonen "
    "sjoner sjonar else elsen elser het heten heter hets ende ande beid".split()
)

Known = Callable[[list[str]], Sequence[bool]]


def segment(word: str, known: Known) -> tuple[str, ...] | None:
    """The parts of a lower-case compound as written (linking letters dropped), or None."""
    n = len(word)
    if n < MIN_HEAD + MIN_PART or n > MAX_LENGTH or not word.isalpha():
        return None
    known_ends: dict[int, set[int]] = {}  # start → the ends of the known parts from there
    best: dict[int, tuple[tuple[int, int], ...] | None] = {}

    def ends(i: int) -> set[int]:
        """The ends j of the known words word[i:j] that may be parts (asked once per start)."""
        if i not in known_ends:
            js = [j for j in range(i + (MIN_HEAD if i == 0 else MIN_PART), n + 1)
                  if (i, j) != (0, n) and (j == n or j <= n - MIN_PART) and word[i:j] not in ENDINGS
                  and not (i == 0 and word[:j] in PARTICLES)]
            answers = known([word[i:j] for j in js]) if js else []
            known_ends[i] = {j for j, yes in zip(js, answers) if yes}
        return known_ends[i]

    def from_(i: int) -> tuple[tuple[int, int], ...] | None:
        """The best split of word[i:] into parts (as spans), None if it has none."""
        if i in best:
            return best[i]
        options: list[tuple[tuple[int, int], ...]] = []
        for j in sorted(ends(i)):
            if j == n:
                if i:
                    options.append(((i, n),))
                continue
            for nxt in (j, j + 1) if word[j] in LINKS else (j,):
                rest = from_(nxt)
                if rest and len(rest) < MAX_PARTS:
                    options.append(((i, j), *rest))
        best[i] = min(options, key=lambda spans: _cost(spans, n)) if options else None
        return best[i]

    spans_found = from_(0)
    return tuple(word[i:j] for i, j in spans_found) if spans_found else None


def _cost(spans: tuple[tuple[int, int], ...], n: int) -> tuple[int, int, int]:
    """Fewer parts first, then the most even split, then linking letters rather than none."""
    lengths = [j - i for i, j in spans]
    return len(spans), -min(lengths), sum(lengths) - n


def parts(word: str, known: Known) -> list[str]:
    """Every part of a compound, the parts of its long parts too, in order and once each."""
    out: list[str] = []
    todo = [word]
    while todo:
        found = segment(todo.pop(0), known)
        for part in found or ():
            if part not in out:
                out.append(part)
                if len(part) >= RESPLIT_LENGTH:
                    todo.append(part)
    return out


def _lexicon_known(words: list[str]) -> Sequence[bool]:
    from extractors.lang.lexicon import lexicon

    return lexicon().known_many(words)


@lru_cache(maxsize=200_000)
def _stemmed_parts(word: str) -> tuple[str, ...]:
    stems: list[str] = []
    for part in parts(word, _lexicon_known):
        if (s := stem(part)) not in stems:
            stems.append(s)
    return tuple(stems)


def index_parts(text: str) -> str:
    """What the search index holds as compound parts for a text: the search stems of the
    parts of every compound in it, the word lists deciding what is a word."""
    out: list[str] = []
    for word in dict.fromkeys(tokens(text)):
        out.extend(_stemmed_parts(word))
    return " ".join(out)
