"""The words a KB's page index holds: which a query's words are, and "did you mean" for the rest.

FTS5's `fts5vocab` lists the index's terms per column without reading a page. Search asks it
two things: whether the parts of a query's compound are words of the KB (so the query side
splits compounds by the KB's own words, without loading the word lists), and, for a word no
page holds, which words of the KB it was likely meant to be. Likeness is an edit distance
(insertions, deletions, substitutions, swaps) measured after folding æ, ø and å to a, o and a,
the way people type without a Norwegian keyboard and OCR reads them (`omdomme` → `omdømme`,
`narvar` → `nærvær`, `Lgten` → `Løten`): among words as close, the more common one comes first.
The vocabulary is a temporary table of the connection, so a read-only KB can be asked too.
"""

from __future__ import annotations

from rapidfuzz.distance import DamerauLevenshtein
from rapidfuzz.process import extract

from extractors.lang.stemming import stem
from kb import phrase_shares
from kb.store import KB

_VOCAB = "temp.saman_vocab"  # per column: term, col, doc, cnt
# The columns a suggestion may come from: words as written, not stems or compound parts
# (raw OCR text is left out too: its misreadings are what a suggestion should not repeat).
_WRITTEN = ("title", "text")
_FOLD = str.maketrans({"æ": "a", "ø": "o", "å": "a", "ä": "a", "ö": "o", "é": "e"})
MAX_SUGGESTIONS = 3


def _vocab(kb: KB) -> str:
    kb.db.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS {_VOCAB} USING fts5vocab(main, 'pages_fts', 'col')")
    return _VOCAB


def _held(kb: KB, terms: set[str]) -> set[str]:
    """The terms some page holds (in any column), each looked up on its own by a match that
    stops at its first page: fts5vocab reads every page of a term to count them (11 ms for a
    question's words on 60,000 pages), and the whole vocabulary for a list of terms."""
    return {t for t in terms if kb.db.execute(
        "SELECT 1 FROM pages_fts WHERE pages_fts MATCH ? LIMIT 1", ('"' + t.replace('"', '""') + '"',)).fetchone()}


def index_columns(kb: KB) -> list[str]:
    """The columns of the KB's page index (a KB from before `parts` has four)."""
    return [row[1] for row in kb.db.execute("PRAGMA table_info(pages_fts)")]


def known_parts(kb: KB, words: list[str]) -> list[bool]:
    """Whether each word could be a part of a compound in the query: some page holds it as a
    word, as written or as its search stem (`leder` stems to `led`, `ledere` to `leder`:
    either is enough). A part of some page's compound is not enough (the word lists split
    nynorsk `kommunane` into `kom` + `munane`, `mun` being a word), nor is being the start of
    some page's word: either made `kommunene` `kom` + `munene`, and every page with a word
    on `kom*` matched it."""
    stems = [stem(w) for w in words]
    # A match stops at its first page, where fts5vocab counts every page of a common term.
    found = {t for t in set(words) | set(stems) if kb.db.execute(
        "SELECT 1 FROM pages_fts WHERE pages_fts MATCH ? LIMIT 1", (f'{{title text raw_text stemmed}} : "{t}"',)).fetchone()}
    return [w in found or s in found for w, s in zip(words, stems)]


def starting(kb: KB, head: str) -> dict[str, int]:
    """The index's terms that begin with `head` (what FTS5 matches `head*` with), each with the
    pages holding it in any column, summed over the columns: at least the pages holding it in
    any set of them."""
    rows = kb.db.execute(f"SELECT term, sum(doc) FROM {_vocab(kb)} WHERE term >= ? AND term < ? GROUP BY term",
                         (head, head + "\U0010ffff"))
    return {term: docs for term, docs in rows if term.startswith(head)}


def unknown_words(kb: KB, words: list[str]) -> list[str]:
    """The words no page holds, as written, stemmed or as a compound part."""
    found = _held(kb, set(words) | {stem(w) for w in words})
    return [w for w in dict.fromkeys(words) if w not in found and stem(w) not in found]


def _fold(word: str) -> str:
    return word.translate(_FOLD)


def suggestions(kb: KB, word: str, limit: int = MAX_SUGGESTIONS) -> list[str]:
    """The KB's words most like `word` (lower case), likeliest first; none if none is close."""
    longest = 1 if len(word) <= 6 else 2
    terms, folded, docs = _written(kb)
    close = extract(_fold(word), folded, scorer=DamerauLevenshtein.distance, score_cutoff=longest, limit=50)
    ranked = sorted((dist, DamerauLevenshtein.distance(word, terms[i]), -docs[i], terms[i])
                    for _, dist, i in close if terms[i] != word and not terms[i].isdigit())
    return [term for *_, term in ranked[:limit]]


_WRITTEN_CACHE: dict[str, tuple[str, tuple[list[str], list[str], list[int]]]] = {}


def _written(kb: KB) -> tuple[list[str], list[str], list[int]]:
    """The words as written in the KB, folded, and the pages holding each; read from the
    vocabulary once per KB file and change (a web server asks for many suggestions)."""
    key = f"{kb.path}:{phrase_shares.stamp(kb.db)}"  # the index's stamp: counting pages took 4 ms a word
    if kb.path in _WRITTEN_CACHE and _WRITTEN_CACHE[kb.path][0] == key:
        return _WRITTEN_CACHE[kb.path][1]
    rows = kb.db.execute(f"""SELECT term, sum(doc) FROM {_vocab(kb)} WHERE col IN ({','.join('?' * len(_WRITTEN))})
                             GROUP BY term""", _WRITTEN).fetchall()
    value = ([t for t, _ in rows], [_fold(t) for t, _ in rows], [d for _, d in rows])
    _WRITTEN_CACHE[kb.path] = (key, value)
    return value
