"""Full-text search over page text: the one search function behind the CLI, Python and web.

The query is parsed by kb.query. Every word is looked for as written, as its Norwegian stem
(`kommunene` finds `kommune`) and as a part of a compound (`opplæring` finds
`lederopplæringen`, from the index's `parts` column); a compound in the query also finds its
parts side by side (`lederopplæring` finds `opplæring av ledere`). Pages that hold every word
come first, if any page does (`SearchResult.matched == "all"`); otherwise, for a query of words
alone, the pages that hold the most of them (`"some"`), and the result says so. Within either,
a page holding more of the words whole ranks above one holding them only inside compounds,
then bm25 decides, a title match worth more than a body match. The ranked pages are then folded
one hit per work (kb.works): the copies of a deck (its PDF, scan, .ppt) and its other matching
pages go into the hit of its best-ranked page, shown from the work's best copy. A query nothing
matches gets "did you mean" suggestions from the KB's own words (kb.vocabulary), and the hits
of the first suggestion, marked as such (`corrected`).

When the KB holds page vectors (kb.vectors, made by `saman embed`), meaning joins in where
words fall short: the ranking of the pages holding some of the words is fused with the ranking
of the pages nearest the query in meaning by reciprocal rank fusion, meaning weighted above
the partial match of words (`"some"`; the query is embedded while the words are looked for),
and a query no page and no suggestion matches by words gets the pages nearest in meaning
(`"meaning"`). Pages
holding every word stay first and unfused. The result says whether vectors were used and how many
pages had no current vector (`vectors_used`, `without_vectors`); without vectors search works by
words alone.

Speed on an archive: FTS5's bm25 is the cost of a search (a microsecond and a half a page
matched, tens of thousands of pages for a common word), so where the KB's stored shares are
current (kb.phrase_shares) single words are ranked from them, a quoted phrase or a prefix on
many pages within bounds of its bm25 from its words' shares, and what is left to FTS5 is
reckoned once for each text where many pages are copies: always with the scores, hits and
order FTS5 alone gives.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from functools import cached_property, lru_cache
from itertools import takewhile

import numpy as np

from extractors.lang.compounds import segment
from extractors.lang.stemming import STEMMING_VERSION, stem
from kb import phrase_shares, vectors, works
from kb.query import Query, QueryError, Term, parse
from kb.store import KB
from kb.vocabulary import index_columns, known_parts, starting, suggestions, unknown_words

# What a word found only inside a compound, or a compound found only as its parts, counts
# towards how many of the query's words a page holds.
PART_WEIGHT = 0.5
# Snippets stem every word of a hit's page; pages share most of their words.
_stem = lru_cache(maxsize=100_000)(stem)


@dataclass(frozen=True)
class Hit:
    doc_id: str
    file_name: str
    page: int
    kind: str
    title: str | None
    snippet: str
    score: float
    method: str
    work_id: str | None = None
    also: tuple[tuple[str, int], ...] = ()  # the other matching pages folded into this hit: (file name, page)
    copies: tuple[str, ...] = ()  # the work's other files, best source first
    # Why the page matched (WHY): "words" (a word of the query whole, stemmed or inflected),
    # "compound" (a word only inside a compound, or a compound only as its parts), "spelling"
    # (the words of the corrected query), "meaning" (among the pages nearest in meaning).
    why: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, object]:
        """The hit as JSON gives it (lists, not tuples), for the CLI and the web alike."""
        out = asdict(self)
        out["also"] = [list(page) for page in self.also]
        out["copies"] = list(self.copies)
        out["why"] = list(self.why)
        return out


WHY = ("words", "compound", "spelling", "meaning")


# Matching pages read per hit asked for: a work's copies and pages fold into one hit.
PAGES_PER_HIT = 8


@dataclass(frozen=True)
class SearchResult(Sequence[Hit]):
    """The ranked hits, and how they were found.

    `matched`: "all" when every hit holds every word of the query (or satisfies its operators),
    "some" when no page did and the hits hold some of the words, "none" without hits.
    `suggestions`: queries the user may have meant, for a query with words no page holds.
    `corrected`: when the query found nothing, the suggestion whose hits these are instead.
    `"meaning"`: no page held any word (nor a suggestion's), the hits are nearest in meaning.
    `vectors_used`: the ranking drew on page vectors; `without_vectors`: the KB's pages that have
    no current vector (all of them before `saman embed`, some after an ingest since), which
    search by meaning could not find.
    """

    query: str
    hits: list[Hit]
    matched: str
    suggestions: list[str] = field(default_factory=list)
    corrected: str | None = None
    vectors_used: bool = False
    without_vectors: int = 0

    def __getitem__(self, index):  # type: ignore[override]
        return self.hits[index]

    def __len__(self) -> int:
        return len(self.hits)

    def __iter__(self) -> Iterator[Hit]:
        return iter(self.hits)

    def as_dict(self) -> dict[str, object]:
        return {"query": self.query, "matched": self.matched, "suggestions": self.suggestions,
                "corrected": self.corrected, "vectors_used": self.vectors_used,
                "without_vectors": self.without_vectors, "hits": [h.as_dict() for h in self.hits]}


class _Renderer:
    """Writes each term of a query as FTS5 expressions for one KB."""

    def __init__(self, kb: KB) -> None:
        self.kb = kb
        self.bridge = kb.stemming_version == STEMMING_VERSION
        self.has_parts = "parts" in index_columns(kb)
        self._splits: dict[str, tuple[str, ...] | None] = {}
        self._stem_forms: dict[str, list[str]] = {}
        # a search's phrase groups: by rowid, which pages hold one, and their bm25 shares
        self.held: dict[tuple[str, ...], tuple[np.ndarray, np.ndarray]] = {}

    @cached_property
    def shares_stamp(self) -> str | None:
        """The index's stamp if the KB's stored shares are current: checked once a search."""
        return phrase_shares.current_stamp(self.kb.db)

    def shares(self, phrases: list[str]) -> phrase_shares.Stored | None:
        """The stored shares of those of `phrases` that are common (kb.phrase_shares), or None
        when the KB's shares are not current."""
        if self.shares_stamp is None:
            return None
        return phrase_shares.load(self.kb.db, phrases, self.kb.path, self.shares_stamp)

    def rare_shares(self, phrases: list[str]) -> np.ndarray:
        """(rowid, bm25 share) of each page holding any of `phrases`, phrases too rare for
        stored shares: FTS5's bm25 of them alone."""
        rows = _fts(self.kb, f"SELECT rowid, -bm25(pages_fts, {_bm25_weights(self)}) FROM pages_fts "
                             "WHERE pages_fts MATCH ?", (" OR ".join(phrases),), plain=True)
        return np.array(rows, dtype=np.float64).reshape(-1, 2)

    def stem(self, word: str) -> str:
        return stem(word, bridge_spellings=self.bridge)

    def whole(self, term: Term) -> str:
        """The term as written or stemmed (a single word: the stems of its inflections too)."""
        if term.phrase or term.prefix:
            return " OR ".join(self.quoted_phrases(term))
        return " OR ".join(self.whole_phrases(term))

    def quoted_phrases(self, term: Term) -> list[str]:
        """The FTS5 phrases of a quoted phrase or a prefix: as written, and stemmed."""
        return [phrase_shares.phrase(columns, " ".join(words)) + ("*" if term.prefix else "")
                for columns, words in self.quoted_forms(term)]

    def quoted_forms(self, term: Term) -> list[tuple[str, tuple[str, ...]]]:
        """The column set and words of each of quoted_phrases."""
        return [(phrase_shares.WRITTEN, term.words), (phrase_shares.STEMMED, tuple(self.stem(w) for w in term.words))]

    def whole_phrases(self, term: Term) -> list[str]:
        """The FTS5 phrases of a single word's `whole` forms: as written, and each stem of its
        inflections (the phrases kb.phrase_shares keeps the shares of)."""
        word = " ".join(term.words)
        return [phrase_shares.phrase(phrase_shares.WRITTEN, word),
                *(phrase_shares.phrase(phrase_shares.STEMMED, s) for s in self.stem_forms(word))]

    def stems(self, word: str) -> str:
        """The stems of the word's inflections, as an FTS5 OR group."""
        return "(" + " OR ".join(f'"{s}"' for s in self.stem_forms(word)) + ")"

    def stem_forms(self, word: str) -> list[str]:
        """The stems of the word's inflections, in order (once a search: each ranking writes
        them for every form of the word)."""
        if word not in self._stem_forms:
            self._stem_forms[word] = sorted({self.stem(f) for f in inflections(word)})
        return self._stem_forms[word]

    def loose(self, term: Term, relaxed: bool = False) -> str | None:
        """The word inside a page's compounds, or the query's compound as its parts (all of
        them; any of them when `relaxed`); None for phrases, prefixes and a KB without parts."""
        if term.phrase or term.prefix or not self.has_parts:
            return None
        out = " OR ".join(self.inside_phrases(term))
        if split := self.split(term.words[0]):
            out += " OR (" + f" {'OR' if relaxed else 'AND'} ".join(self._part(p) for p in split) + ")"
        return out

    def inside_phrases(self, term: Term) -> list[str]:
        """The FTS5 phrases of a word inside a page's compounds: each stem of its inflections
        in the `parts` column."""
        return [phrase_shares.phrase(phrase_shares.PARTS, s) for s in self.stem_forms(term.words[0])]

    def split(self, word: str) -> tuple[str, ...] | None:
        """The query word as a compound of words the KB holds, if it is one."""
        if word not in self._splits:
            self._splits[word] = segment(word, lambda words: known_parts(self.kb, words))
        return self._splits[word]

    def _part(self, part: str) -> str:
        return "(" + " OR ".join(self.part_phrases(part)) + ")"

    def part_phrases(self, part: str) -> list[str]:
        """The FTS5 phrases of a part of the query's compound on a page: as a word of its own
        in any of its forms (`leder` stems to `led`, `ledere` to `leder`: the stems of its
        inflections find both), or inside a compound there."""
        return [*self.whole_phrases(Term((part,))), *self.inside_phrases(Term((part,)))]

    def term(self, term: Term, relaxed: bool = False) -> str:
        """The whole term, and for a term not under NOT its loose forms too (a NOT excludes
        what the word says, not every page holding its parts)."""
        loose = None if term.negated else self.loose(term, relaxed)
        return f"({self.whole(term)}{' OR ' + loose if loose else ''})"


# Endings of Norwegian nouns in both written standards. The stemmer does not always bring a
# lemma's forms to one stem (innbygger → innbygg, innbyggere → innbygger, innbyggerne →
# innbyggern), so a query word is looked for as the stems of its forms with these endings.
ENDINGS = ("e", "en", "er", "ene", "ne", "a", "ar", "ane", "et")
MIN_BASE = 4


def inflections(word: str) -> set[str]:
    """The word, its base without one of ENDINGS, and each of those with each ending."""
    bases = {word} | {word[:-len(e)] for e in ENDINGS if word.endswith(e) and len(word) - len(e) >= MIN_BASE}
    return {base + ending for base in bases for ending in ("", *ENDINGS)}


# Reciprocal rank fusion: a page's fused score is the sum over the rankings of weight / (RRF_K
# + rank). The usual k of 60 was set for fusing lists of a thousand; ours are PAGES_PER_HIT
# pages a hit, where copies of one slide take several ranks in a row, and with 60 the first page
# of either list (1/61) loses to any page halfway down both (2/80): the hits became the pages
# holding a common word that were vaguely alike. With 20 the first of a list stays ahead.
RRF_K = 20
# When no page holds every word, the pages holding some of them are weaker evidence than their
# count suggests, so the ranking by meaning weighs more.
MEANING_WEIGHT = 1.5


def search(kb: KB, query: str, *, limit: int = 20, theme: str | None = None, county: str | None = None,
           meaning: bool = True) -> SearchResult:
    """Ranked hits for `query`, optionally only pages with a theme or a municipality in a county;
    by words alone when `meaning` is False."""
    parsed = parse(query)
    render = _Renderer(kb)
    without, pages = vectors.coverage(kb)
    hits = _run(kb, render, parsed, False, limit, theme, county)
    if hits:
        return SearchResult(query, _fold(kb, parsed, hits, limit), "all", without_vectors=without)
    # The query is embedded while the words are looked for (kb.vectors.nearest_soon).
    soon = _nearest_soon(kb, query, limit, theme, county) if meaning and without < pages else None
    relaxed = _run(kb, render, parsed, True, limit, theme, county) if parsed.plain and len(parsed.terms) > 1 else []
    near = soon() if soon else []
    used = {"vectors_used": bool(near), "without_vectors": without}
    if relaxed:
        fused = _fuse([(relaxed, 1.0), (near, MEANING_WEIGHT)], limit * PAGES_PER_HIT)
        return SearchResult(query, _fold(kb, parsed, fused, limit), "some", _suggest(kb, parsed), **used)
    suggested = _suggest(kb, parsed)
    if suggested:
        instead = search(kb, suggested[0], limit=limit, theme=theme, county=county, meaning=meaning)
        if instead.hits:
            return replace(instead, query=query, suggestions=suggested, corrected=suggested[0],
                           hits=[replace(h, why=("spelling", *h.why)) for h in instead.hits])
    if near:
        return SearchResult(query, _fold(kb, parsed, _fuse([(near, 1.0)], limit * PAGES_PER_HIT), limit),
                            "meaning", suggested, **used)
    return SearchResult(query, [], "none", suggested, without_vectors=without)


def _filters(theme: str | None, county: str | None) -> tuple[list[str], dict[str, str]]:
    """SQL conditions on a page `p` for the theme and county asked for, and their parameters."""
    where, params = [], {}
    if theme:
        where.append("EXISTS (SELECT 1 FROM themes t WHERE t.doc_id = p.doc_id AND t.page = p.page AND t.theme = :theme)")
        params["theme"] = theme
    if county:
        where.append("EXISTS (SELECT 1 FROM municipalities m WHERE m.doc_id = p.doc_id AND m.page = p.page AND m.fylke = :county COLLATE NOCASE)")
        params["county"] = county
    return where, params


def _nearest_soon(kb: KB, query: str, limit: int, theme: str | None, county: str | None) -> Callable[[], list[Hit]]:
    """Start finding the pages nearest `query` in meaning (within the theme and county asked
    for); call the result for them, best first."""
    where, params = _filters(theme, county)
    allowed = None
    if where:
        allowed = [tuple(r) for r in kb.db.execute(f"SELECT p.doc_id, p.page FROM pages p WHERE {' AND '.join(where)}", params)]
    soon = vectors.nearest_soon(kb, query, limit * PAGES_PER_HIT, allowed)
    return lambda: _page_hits(kb, soon())


def _page_hits(kb: KB, keys: list[tuple[str, int]]) -> list[Hit]:
    """Hits of the pages `keys` found by meaning, in their order, without score or snippet."""
    found = {(r["doc_id"], r["page"]): r for r in _pages_of(kb, keys, ("file_name", "kind", "title", "method"))}
    return [Hit(r["doc_id"], r["file_name"], r["page"], r["kind"], r["title"], "", 0.0, r["method"], why=("meaning",))
            for key in keys if (r := found.get(key))]


def _pages_of(kb: KB, keys: list[tuple[str, int]], columns: tuple[str, ...]) -> list[sqlite3.Row]:
    """doc_id, page and `columns` of the pages `keys`, by the index on (doc_id, page): a row
    value `IN (VALUES ...)` read every page of the KB (90 ms a query on 60,000 pages)."""
    if not keys:
        return []
    return kb.db.execute(f"""SELECT p.doc_id, p.page, {', '.join(f'p.[{c}]' for c in columns)}
                             FROM json_each(?) k JOIN pages p
                             ON p.doc_id = json_extract(k.value, '$[0]') AND p.page = json_extract(k.value, '$[1]')""",
                         (json.dumps(keys),)).fetchall()


def _fuse(rankings: list[tuple[list[Hit], float]], keep: int) -> list[Hit]:
    """The first `keep` pages of the weighted rankings by reciprocal rank fusion (RRF_K), ties
    in the first ranking's order; a hit's score is its fused score."""
    fused: dict[tuple[str, int], float] = {}
    first: dict[tuple[str, int], Hit] = {}
    why: dict[tuple[str, int], tuple[str, ...]] = {}
    for ranking, weight in rankings:
        for rank, hit in enumerate(ranking, start=1):
            key = (hit.doc_id, hit.page)
            fused[key] = fused.get(key, 0.0) + weight / (RRF_K + rank)
            first.setdefault(key, hit)
            why[key] = tuple(dict.fromkeys(why.get(key, ()) + hit.why))
    order = sorted(fused, key=lambda key: -fused[key])[:keep]
    return [replace(first[key], score=round(fused[key], 4), why=why[key]) for key in order]


def _run(kb: KB, render: _Renderer, parsed: Query, relaxed: bool, limit: int,
         theme: str | None, county: str | None) -> list[Hit]:
    """The pages matching the query's words (all of them, or some when `relaxed`), best first.

    A page holding every word whole ranks above any page holding one only inside a compound,
    so when a query of words that must all match (side by side or with AND) has pages enough
    that hold every word whole, those are its hits and the compound forms need not be looked
    for at all: they are what makes a query slow (the parts of `prosjektleiar` match a page
    with any word on `prosjekt*`)."""
    if not relaxed and parsed.conjunctive:
        whole = _ranked(kb, render, parsed, relaxed, limit, theme, county, whole_only=True)
        if len(whole) >= limit * PAGES_PER_HIT or not any(render.loose(t) for t in parsed.terms):
            return whole
    if relaxed and parsed.plain and not theme and not county and any(not t.function_word for t in parsed.terms):
        return _ranked_some(kb, render, parsed, limit)
    return _ranked(kb, render, parsed, relaxed, limit, theme, county)


def _ranked_some(kb: KB, render: _Renderer, parsed: Query, limit: int) -> list[Hit]:
    """_ranked for a plain query relaxed to some of its words, the same hits in the same order,
    with bm25 reckoned only for the pages that can be among them.

    The hits are ranked by how many of the words a page holds, then by bm25; bm25 is what
    costs, and SQL reckons it for every page holding any of the words (a question of five
    common words: most of the KB). So the pages each word matches are counted here first, and
    bm25 reckoned only for the pages holding as many words as the best `limit × PAGES_PER_HIT`
    do (all of the last such count, so their order by bm25 stays exact)."""
    if (hits := _ranked_by_shares(kb, render, parsed, limit, relaxed=True)) is not None:
        return hits
    counted = [t for t in parsed.terms if not t.function_word]
    whole = [_rowids(kb, render.whole(t)) for t in counted]
    loose = {i: _rowids(kb, form) for i, t in enumerate(counted) if (form := render.loose(t, True))}
    size = 1 + max((int(rows.max()) for rows in (*whole, *loose.values()) if rows.size), default=0)
    here = [np.bincount(rows, minlength=size) > 0 for rows in whole]  # by rowid: the page holds word i whole
    inside = {i: np.bincount(rows, minlength=size) > 0 for i, rows in loose.items()}
    held = sum(here, np.zeros(size)) + PART_WEIGHT * sum(inside.values(), np.zeros(size))
    tiers, counts = np.unique(held[held > 0], return_counts=True)
    # the least count of words among the best `keep` pages: every page holding as many is ranked
    keep = limit * PAGES_PER_HIT
    enough = np.nonzero(np.cumsum(counts[::-1]) >= keep)[0]
    floor = tiers[::-1][enough[0]] if enough.size else (tiers[0] if tiers.size else 1.0)
    chosen = np.nonzero(held >= floor)[0].tolist()
    match = parsed.match(lambda term: render.term(term, True), relaxed=True)
    rows = _fts(kb, f"""SELECT p.rowid AS rid, p.doc_id, p.file_name, p.page, p.kind, p.title, p.method,
                               bm25(pages_fts, {_bm25_weights(render)}) AS score
                        FROM pages_fts JOIN pages p ON p.rowid = pages_fts.rowid
                        WHERE pages_fts MATCH ? AND +pages_fts.rowid IN (SELECT value FROM json_each(?))""",
                (match, json.dumps(chosen)))
    rows = sorted(rows, key=lambda r: (-held[r["rid"]], r["score"], r["doc_id"], r["page"]))[:keep]

    def matched(rid: int) -> dict[str, bool]:
        return {**{f"w{i}": bool(found[rid]) for i, found in enumerate(here)}, **{f"l{i}": bool(found[rid]) for i, found in inside.items()}}

    return [_hit(r, _why(matched(r["rid"]), len(counted), set(loose), True)) for r in rows]


def _hit(row: sqlite3.Row, why: tuple[str, ...]) -> Hit:
    """A ranked page as a hit, before folding and snippets; its score is bm25's, made positive."""
    return Hit(row["doc_id"], row["file_name"], row["page"], row["kind"], row["title"], "", round(-row["score"], 4),
               row["method"], why=why)


def _bm25_weights(render: _Renderer) -> str:
    return phrase_shares.weights(render.has_parts)


def _fts(kb: KB, sql: str, params: object, plain: bool = False) -> list:
    """The rows of a query on the page index (`plain`: as tuples, quick to make an array of);
    what the parser lets through, FTS5 still may not."""
    try:
        cursor = kb.db.cursor()
        if plain:
            cursor.row_factory = None
        return cursor.execute(sql, params).fetchall()
    except sqlite3.OperationalError as exc:
        if str(exc).startswith("fts5"):
            raise QueryError(f"the query could not be understood ({exc}); simplify it") from None
        raise


def _rowids(kb: KB, match: str) -> np.ndarray:
    """The rowids of the pages an FTS5 expression matches (one string from SQLite, where a row
    a page cost a microsecond each: a common word matches tens of thousands; read by numpy,
    where splitting it in Python cost a tenth of a microsecond a page more)."""
    listed = _fts(kb, "SELECT group_concat(rowid) FROM pages_fts WHERE pages_fts MATCH ?", (match,), plain=True)[0][0]
    return np.fromstring(listed, dtype=np.int64, sep=",") if listed else np.zeros(0, dtype=np.int64)


def _ranked(kb: KB, render: _Renderer, parsed: Query, relaxed: bool, limit: int,
            theme: str | None, county: str | None, whole_only: bool = False) -> list[Hit]:
    """_run's query: the words in all their forms, or only whole (`whole_only`: every hit then
    holds every word whole, and bm25 weighs those forms alone)."""
    if not theme and not county and not relaxed and (
            hits := _ranked_by_shares(kb, render, parsed, limit, whole_only)) is not None:
        return hits
    if whole_only:
        match = parsed.match(lambda term: f"({render.whole(term)})")
    else:
        match = parsed.match(lambda term: render.term(term, relaxed), relaxed=relaxed)
    where, params = _filters(theme, county)
    where.insert(0, "pages_fts MATCH :match")
    params.update({"match": match, "limit": limit * PAGES_PER_HIT})
    # How many of the words a page holds: each whole word counts 1, each found only as a
    # compound part PART_WEIGHT (when all words match, the parts need not be counted).
    # Each word's whole (w_i) and loose (l_i) match is a column of its own, for `why`: in a
    # plain query matched in full, a word not there whole is there inside a compound.
    held, found, loose_terms = [], [], set()
    counted = [t for t in parsed.terms if not t.negated and not t.function_word]
    for i, term in enumerate(counted):
        if whole_only:
            found.append(f"1 AS w{i}")
            continue
        params[f"w{i}"] = render.whole(term)
        found.append(f"(pages_fts.rowid IN (SELECT rowid FROM pages_fts WHERE pages_fts MATCH :w{i})) AS w{i}")
        held.append(f"w{i}")
        if loose := render.loose(term, relaxed):
            loose_terms.add(i)
            if relaxed or not parsed.plain:
                params[f"l{i}"] = loose
                found.append(f"(pages_fts.rowid IN (SELECT rowid FROM pages_fts WHERE pages_fts MATCH :l{i})) AS l{i}")
                held += [f"{PART_WEIGHT} * l{i}"] if relaxed else []
    measured = relaxed or not parsed.plain
    if len(where) == 1 and (stored := render.shares([])) is not None:
        bounds = _upper_bounds(kb, render, parsed, params["limit"]) if whole_only else None
        return _ranked_here(kb, render, where[0], params, found, held, stored, len(counted), loose_terms, measured, bounds)
    sql = f"""SELECT p.doc_id, p.file_name, p.page, p.kind, p.title, p.method,
                     bm25(pages_fts, {_bm25_weights(render)}) AS score{''.join(', ' + f for f in found)}
              FROM pages_fts JOIN pages p ON p.rowid = pages_fts.rowid
              WHERE {' AND '.join(where)}
              ORDER BY {f"{' + '.join(held)} DESC, " if held else ''}score, p.doc_id, p.page LIMIT :limit"""
    return [_hit(r, _why(r, len(counted), loose_terms, measured)) for r in _fts(kb, sql, params)]


def _ranked_here(kb: KB, render: _Renderer, where: str, params: dict, found: list[str], held: list[str],
                 stored: phrase_shares.Stored, terms: int, loose_terms: set[int], measured: bool,
                 bounds: tuple[np.ndarray, np.ndarray] | None = None) -> list[Hit]:
    """_ranked's query without a theme or county, ranked here rather than by SQL: SQL joined
    every matching page to its document before sorting, to break ties by (doc_id, page) (a
    third of the time of a phrase on 60,000 pages; copies of a slide tie by the thousand);
    here the index rows alone are read, ranked in the page order kept beside the stored
    shares (kb.phrase_shares), and only the pages kept are joined. With `bounds` (of a query
    ranked by bm25 alone, _upper_bounds) bm25 is reckoned only for the pages that can be kept;
    otherwise, where many of the pages are copies of others, once for each text."""
    names = [f.rsplit(" AS ", 1)[1] for f in found]
    sql = (f"SELECT pages_fts.rowid, -bm25(pages_fts, {_bm25_weights(render)})"
           f"{''.join(', ' + f for f in found)} FROM pages_fts WHERE {where}")
    if bounds is not None:
        table = _within_bounds(kb, sql, params, bounds, params["limit"], stored.copies)
    elif not stored.many_copies or (table := _once_a_text(kb, sql, params, stored.copies)) is None:
        table = _table(_fts(kb, sql, params, plain=True))
    if not len(table):
        return []
    rowids, score = table[:, 0].astype(np.int64), table[:, 1]
    best = _best(_held_count(table, names, held), score, stored.order[rowids], params["limit"]).tolist()
    return _kept_hits(kb, [(int(rowids[i]), float(score[i]),
                            _why({name: bool(table[i, 2 + j]) for j, name in enumerate(names)}, terms, loose_terms, measured))
                           for i in best])


# Pages matching a query are read first, to reckon bm25 once a text, when they are more than
# this many times the pages kept; and bm25 is reckoned so when they hold at most three texts
# for four pages (else it saves less than it costs to spread the rows to the copies).
COPIES_FROM = 4


def _once_a_text(kb: KB, sql: str, params: dict, copies: np.ndarray) -> np.ndarray | None:
    """The rows of `sql` (rowid, score, its columns) for every page it matches, reckoned by
    FTS5 once a text (_reckoned); None when the pages matching are few or hardly copies of
    each other, or the copies are not as kept (every page copied must match as its copy does)."""
    matching = _rowids(kb, params["match"])
    if len(matching) <= COPIES_FROM * params["limit"] or 4 * len(np.unique(copies[matching])) > 3 * len(matching):
        return None
    table = _reckoned(kb, sql, params, matching, copies)
    return table if len(table) == len(matching) else None


# A quoted phrase or a prefix whose words are on more pages than this many times the pages
# kept is ranked within bounds of its bm25 (_upper_bounds): FTS5 reckons bm25 on every page
# of a phrase at a microsecond and a half each, and on fewer pages that costs less than
# counting the pages of each FTS5 phrase first, which the bounds need.
BOUND_FROM = 50
# A prefix of more words of the index than this is left to FTS5 (its bound would need them all).
MAX_PREFIX_WORDS = 64
# Where this many times more pages hold a phrase's words than the phrase (`"kommunane i"`: 31,000
# and 6,400), the phrase is left to FTS5: how often a page holds the words says little of how
# often it holds the phrase, and the bounds would leave most of its pages to be reckoned.
LOOSE = 2


def _upper_bounds(kb: KB, render: _Renderer, parsed: Query, keep: int) -> tuple[np.ndarray, np.ndarray] | None:
    """For a query of one quoted phrase or one prefix whose words are on many pages: the pages
    that may match it (rowids) and a bound above its bm25 on each; None for any other query,
    for one on fewer pages, or when the KB's shares are not current.

    bm25 adds, for each FTS5 phrase of the query (as written, stemmed), its idf times a part
    that depends on the page alone and grows with how often the page holds the phrase
    (Shares.per_idf). A page holds a phrase no more often than any of its words, and a prefix
    no more often than all the words it begins together (and that part of a sum is at most
    the sum of the parts): so the words' own shares, stored or reckoned by FTS5 for a rare
    word, bound the phrase's. FTS5 spent most of a phrase's time reckoning bm25 on every page
    holding it (`"og regionaldepartementet"`: 41,000 pages, 100 ms); within the bounds it
    reckons it on those of the best bounds."""
    if len(parsed.items) != 1 or parsed.terms[0].negated or not (parsed.terms[0].phrase or parsed.terms[0].prefix):
        return None
    term = parsed.terms[0]
    # each FTS5 phrase's words whose parts bound it: the least of them for a phrase, the sum
    # of them for a prefix (the index's words it begins, and the pages holding each)
    forms = []
    for columns, words in render.quoted_forms(term):
        if term.prefix and len(words) == 1:
            started = starting(kb, words[0])
            if len(started) > MAX_PREFIX_WORDS:
                return None
            forms.append((columns, started, True))
        else:
            forms.append((columns, dict.fromkeys(words[:-1] if term.prefix else words, 0), False))
    stored = render.shares([phrase_shares.phrase(c, w) for c, words, _ in forms for w in words])
    if stored is None:
        return None
    size, phrases = len(stored.order), render.quoted_phrases(term)
    # how many pages hold each: a prefix counted by FTS5 (quick), a phrase at most those holding its words
    counts = {p: _count(kb, p) for (_, _, summed), p in zip(forms, phrases) if summed}
    if max(counts.get(p, _most_pages(stored, c, words)) for (c, words, _), p in zip(forms, phrases)) <= BOUND_FROM * keep:
        return None
    bounds = []
    for columns, words, summed in forms:
        parts = [stored.phrases[key].per_idf(stored.pages, size) for w in words
                 if (key := phrase_shares.phrase(columns, w).lower()) in stored.phrases]
        rare = [w for w in words if phrase_shares.phrase(columns, w).lower() not in stored.phrases]
        if rare and (summed or not parts):
            # a rare word's shares from FTS5 (quick: it is rare), divided by the least idf of
            # such words (the idf of the most pages any of them is on): at least their parts
            found = render.rare_shares([phrase_shares.phrase(columns, w) for w in (rare if summed else rare[:1])])
            part = np.zeros(size)
            part[found[:, 0].astype(np.int64)] = found[:, 1]
            parts.append(part / phrase_shares.idf(max(words[w] for w in rare) if summed else len(found), stored.pages))
        bounds.append((np.sum if summed else np.min)(parts, axis=0) if parts else np.zeros(size))
    if max(np.count_nonzero(b) for b in bounds) <= BOUND_FROM * keep:
        return None
    total = np.zeros(size)
    for (_, _, summed), bound, fts_phrase in zip(forms, bounds, phrases):
        count = counts[fts_phrase] if fts_phrase in counts else _count(kb, fts_phrase)
        bounded = np.count_nonzero(bound)
        # every page holding a prefix holds one of the words listed for it (if not, the
        # index's words and the list disagree, and the bound is not one)
        if (summed and count != bounded) or bounded > LOOSE * count:
            return None
        total += phrase_shares.idf(count, stored.pages) * bound
    pages = np.nonzero(total)[0]
    return pages, total[pages] * (1 + 1e-9)  # above rounding in the shares' sums


def _most_pages(stored: phrase_shares.Stored, columns: str, words: dict[str, int]) -> float:
    """At most how many pages hold an FTS5 phrase of `words` in `columns`, from the stored
    shares alone: those holding every stored word of it."""
    stored_words = [shares for w in words if (shares := stored.phrases.get(phrase_shares.phrase(columns, w).lower()))]
    if not stored_words:
        return float("inf")
    holding = np.ones(len(stored.order), dtype=bool)
    for shares in stored_words:
        holding &= shares.holding(len(stored.order))
    return int(np.count_nonzero(holding))


def _count(kb: KB, match: str) -> int:
    """How many pages an FTS5 expression matches."""
    return _fts(kb, "SELECT count(*) FROM pages_fts WHERE pages_fts MATCH ?", (match,), plain=True)[0][0]


def _within_bounds(kb: KB, sql: str, params: dict, bounds: tuple[np.ndarray, np.ndarray], keep: int,
                   copies: np.ndarray | None) -> np.ndarray:
    """The rows of `sql` (rowid and score first; _reckoned) for the pages that can be among
    the first `keep` by score: for the pages whose bound is as good as the `keep`-th best
    (copies of a slide tie by the hundred), then, unless the `keep`-th score found is above
    the bound of every other page, for those whose bound reaches it, or when fewer than
    `keep` of the pages asked for hold the query, for all."""
    pages, bound = bounds
    cut = np.partition(bound, len(bound) - keep)[len(bound) - keep] * (1 - 1e-6) if len(bound) > keep else 0.0
    while True:
        asked = bound >= cut
        table = _reckoned(kb, sql, params, pages[asked], copies)
        if cut <= 0.0:
            return table
        scores = table[:, 1]
        score = np.partition(scores, len(scores) - keep)[len(scores) - keep] if len(scores) >= keep else 0.0
        if score > 0.0 and not np.any(bound[~asked] >= score):
            return table
        cut = score if score < cut else 0.0


def _table(rows: list[tuple]) -> np.ndarray:
    """Rows of numbers (rowid, score, its columns) as an array, also none."""
    return np.array(rows, dtype=np.float64).reshape(len(rows), -1) if rows else np.zeros((0, 2))


def _reckoned(kb: KB, sql: str, params: dict, pages: np.ndarray, copies: np.ndarray | None) -> np.ndarray:
    """The rows of `sql` (rowid, score, its columns) for those of `pages` it matches, as an
    array: with `copies` (kb.phrase_shares keeps which pages are copies of which), FTS5
    reckons them for the first page of each text only, and a copy gets the row of the page
    it copies: the same words, the same score."""
    restricted = sql + " AND +pages_fts.rowid IN (SELECT value FROM json_each(:within))"
    firsts = pages if copies is None else copies[pages]
    texts = firsts if copies is None else np.unique(firsts)
    table = _table(_fts(kb, restricted, {**params, "within": json.dumps(texts.tolist())}, plain=True))
    if copies is None or not len(table):
        return table
    table = table[np.argsort(table[:, 0], kind="stable")]
    found = table[:, 0].astype(np.int64)
    at = np.minimum(np.searchsorted(found, firsts), len(found) - 1)
    held = found[at] == firsts
    table = table[at[held]]
    table[:, 0] = pages[held]
    return table


def _kept_hits(kb: KB, kept: list[tuple[int, float, tuple[str, ...]]]) -> list[Hit]:
    """Hits of the pages kept, best first, each (rowid, score, why): joined to their
    documents' rows only now, once ranked."""
    rows = {r["rid"]: r for r in kb.db.execute(
        """SELECT p.rowid AS rid, p.doc_id, p.file_name, p.page, p.kind, p.title, p.method
           FROM json_each(?) k JOIN pages p ON p.rowid = k.value""", (json.dumps([rid for rid, _, _ in kept]),))}
    return [Hit(r["doc_id"], r["file_name"], r["page"], r["kind"], r["title"], "", round(score, 4), r["method"], why=why)
            for rid, score, why in kept if (r := rows.get(rid))]


def _held_count(table: np.ndarray, names: list[str], held: list[str]) -> np.ndarray:
    """_ranked's `held` of each row read (columns rowid, share, then `names`): "w_i" counts 1,
    "PART_WEIGHT * l_i" its weight."""
    count = np.zeros(len(table))
    for h in held:
        weight, _, name = h.rpartition(" * ")
        count += float(weight or 1) * table[:, 2 + names.index(name)]
    return count


def _ranked_by_shares(kb: KB, render: _Renderer, parsed: Query, limit: int, whole_only: bool = False,
                      relaxed: bool = False) -> list[Hit] | None:
    """_ranked's hits (no theme or county) from the stored bm25 shares of the query's common
    phrases (kb.phrase_shares) and FTS5's bm25 of its rare ones: the same scores and the
    same order, without FTS5 reading every page of a common word.

    For single words and quoted phrases of one or two words (whose shares are stored), joined
    by AND or OR, or side by side (relaxed: pages holding some of them, its function words
    left out as Query.match leaves them out); None for anything else (longer phrases, prefixes,
    NOT, brackets), when the KB's shares are not current or no phrase of the query is common:
    those are left to FTS5."""
    if any(item in ("NOT", "(", ")") for item in parsed.items):
        return None
    terms = parsed.terms
    if any(t.prefix or len(t.words) > (phrase_shares.MAX_WORDS if t.phrase else 1)
           or not all(map(phrase_shares.listable, t.words)) for t in terms):
        return None
    if relaxed:
        terms = [t for t in terms if not t.function_word]
        parsed = Query(tuple(terms))
    has_loose = [not whole_only and render.loose(t) is not None for t in terms]
    inside = [render.inside_phrases(t) if has_loose[i] else [] for i, t in enumerate(terms)]
    # a compound in the query: its parts (all of them; any when relaxed), each in its forms
    parts = [[render.part_phrases(p) for p in render.split(t.words[0]) or ()] if has_loose[i] else []
             for i, t in enumerate(terms)]
    whole = [render.quoted_phrases(t) if t.phrase else render.whole_phrases(t) for t in terms]
    all_forms = whole + inside + [f for each in parts for f in each]
    stored = render.shares([p for forms in all_forms for p in forms])
    if stored is None or not stored.phrases:
        return None
    # a quoted phrase is ranked by its stored shares only if they are stored (a pair of words
    # on fewer pages is left to FTS5, whose bounds are quicker for it than its bm25 on all)
    if any(t.phrase and any(p.lower() not in stored.phrases for p in forms) for t, forms in zip(terms, whole)):
        return None
    size = len(stored.order)

    def pages_of(phrases: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Which pages hold any of `phrases`, and the phrases' shares of bm25 on each page;
        once for the three rankings of a search."""
        key = tuple(phrases)
        if key not in render.held:
            holds, shares, rare = np.zeros(size, dtype=bool), np.zeros(size), []
            for p in phrases:
                if (common := stored.phrases.get(p.lower())) is None:
                    rare.append(p)
                else:
                    common.add_to(shares, holds)
            if rare and len(found := render.rare_shares(rare)):
                rowids = found[:, 0].astype(np.int64)  # within `order`: the shares are current
                shares[rowids] += found[:, 1]
                holds[rowids] = True
            render.held[key] = holds, shares
        return render.held[key]

    # every phrase of the query adds its share where a page holds it (a phrase twice in the
    # query counts twice in bm25, so here too)
    groups = [pages_of(forms) for forms in all_forms]
    here = [pages_of(forms)[0] for forms in whole]
    loose = [pages_of(forms)[0] for forms in inside]
    for i, each in enumerate(parts):
        if each:
            held_parts = [pages_of(forms)[0] for forms in each]
            loose[i] = loose[i] | (np.logical_or if relaxed else np.logical_and).reduce(held_parts)
    # FTS5 binds AND before OR: the query holds when every term of one of its OR groups does
    matched, group = np.zeros(size, dtype=bool), None
    terms_seen = 0
    for item in (*parsed.items, "OR"):
        if isinstance(item, Term):
            holds = here[terms_seen] | loose[terms_seen]
            group = holds if group is None else group & holds
            terms_seen += 1
            if relaxed:  # some of the words: each a group of its own
                item = "OR"
        if item == "OR" and group is not None:
            matched |= group
            group = None
    pages = np.nonzero(matched)[0]
    if not len(pages):  # as a query of words no page holds all of is, at first
        return []
    score = np.zeros(size)
    for _, shares in groups:  # in place: a new array a phrase cost more than the adding
        score += shares
    counted = [i for i, t in enumerate(terms) if not t.function_word]
    # how many of the words a page holds (_ranked's `held`): whole words, and when relaxed
    # the words found only inside compounds at PART_WEIGHT
    held = np.zeros(size)
    for i in counted:
        if not whole_only:
            held += here[i]
        if relaxed:
            held += PART_WEIGHT * loose[i]
    keep = limit * PAGES_PER_HIT
    best = pages[_best(held[pages], score[pages], stored.order[pages], keep)].tolist()
    loose_terms = {j for j, i in enumerate(counted) if inside[i]}
    # which words each kept page holds whole and loosely: the pages share a few such marks
    marks = np.array([here[i][best] for i in counted] + [loose[i][best] for i in counted], dtype=bool).reshape(-1, len(best))
    whys: dict[bytes, tuple[str, ...]] = {}

    def why(mark: np.ndarray) -> tuple[str, ...]:
        if (key := mark.tobytes()) not in whys:
            found = {**{f"w{j}": whole_only or bool(mark[j]) for j in range(len(counted))},
                     **{f"l{j}": bool(mark[len(counted) + j]) for j in range(len(counted))}}
            whys[key] = _why(found, len(counted), loose_terms, relaxed or not parsed.plain)
        return whys[key]

    return _kept_hits(kb, [(rid, float(score[rid]), why(mark)) for rid, mark in zip(best, marks.T)])


def _best(held: np.ndarray, score: np.ndarray, rank: np.ndarray, keep: int) -> np.ndarray:
    """The indices of the first `keep` candidates by words held, then score (both the more
    the better), then `rank` (their place in (doc_id, page) order): sorted in full only among
    those that can be among them (ranking with the `keep`-th by a key of words held and score
    together, ties and rounding included)."""
    chosen = np.arange(len(score))
    if len(score) > 4 * keep:
        # held goes in steps of PART_WEIGHT; scaled past every score, it decides first
        scale = 2 * (1 + float(np.abs(score).max())) / PART_WEIGHT
        key = held * scale + score
        cut = np.partition(key, len(key) - keep)[len(key) - keep]
        chosen = np.nonzero(key >= cut - 1e-9 * scale)[0]
    return chosen[np.lexsort((rank[chosen], -score[chosen], -held[chosen]))][:keep]


def _why(row: sqlite3.Row | Mapping[str, bool], terms: int, loose: set[int], measured: bool) -> tuple[str, ...]:
    """Why a page matched the words: some whole ("words"), some only as compound parts
    ("compound"), or both. `measured`: the rows have the loose matches (`l_i`); otherwise (a
    plain query matched in full) a word with loose forms not there whole is there loosely."""
    whole = [bool(row[f"w{i}"]) for i in range(terms)]
    inside = [not whole[i] and (bool(row[f"l{i}"]) if measured else True) for i in sorted(loose)]
    return (("words",) if any(whole) or not any(inside) else ()) + (("compound",) if any(inside) else ())


def _fold(kb: KB, parsed: Query, pages: list[Hit], limit: int) -> list[Hit]:
    """The ranked pages folded one hit per work, each with its snippet."""
    hits = one_per_work(kb, pages, limit)
    if not hits:
        return []
    texts = {(r[0], r[1]): r[2] or r[3] or "" for r in _pages_of(kb, [(h.doc_id, h.page) for h in hits], ("text", "raw_text"))}
    wanted = _wanted(parsed)
    return [replace(h, snippet=snippet(texts.get((h.doc_id, h.page), ""), wanted)) for h in hits]


def one_per_work(kb: KB, hits: list[Hit], limit: int) -> list[Hit]:
    """Ranked page hits folded into the first `limit` works, in the order of each work's best
    page: a work shows the best-ranked page of its best copy among its hits (else its best-ranked
    page), with the score of its best page, the other pages in `also` and its other files in `copies`."""
    of = works.copies(kb.db, (h.doc_id for h in hits))
    grouped: dict[str, list[Hit]] = {}
    for h in hits:
        grouped.setdefault(of[h.doc_id][0] if h.doc_id in of else h.doc_id, []).append(h)
    out = []
    for work_id, group in list(grouped.items())[:limit]:
        members = of[group[0].doc_id][1] if group[0].doc_id in of else ()
        best = next((c.doc_id for c in members if c.best), None)
        shown = next((h for h in group if h.doc_id == best), group[0])
        out.append(replace(shown, score=group[0].score, work_id=work_id,
                           also=tuple((h.file_name, h.page) for h in group if h is not shown),
                           copies=tuple(c.file_name for c in members if c.doc_id != shown.doc_id)))
    return out


def _suggest(kb: KB, parsed: Query) -> list[str]:
    """Queries the user may have meant: the words no page holds spelled as the KB's closest
    words (first the likeliest spelling of every such word, then the others of the first)."""
    words = [w for t in parsed.terms if not t.prefix for w in t.words]
    unknown = unknown_words(kb, words)
    if not unknown:
        return []
    options = {w: suggestions(kb, w) for w in unknown}
    options = {w: found for w, found in options.items() if found}
    if not options:
        return []
    first = parsed.with_words({w: found[0] for w, found in options.items()}).text()
    out = [first]
    for word, found in options.items():
        for other in found[1:]:
            text = parsed.with_words({**{w: f[0] for w, f in options.items()}, word: other}).text()
            if text not in out:
                out.append(text)
    return out


def _wanted(parsed: Query) -> set[str]:
    terms = [t for t in parsed.terms if not t.negated]
    words = [w for t in terms if not t.function_word or all(u.function_word for u in terms) for w in t.words]
    return {stem(w) for w in words} | set(words)


_WORD = re.compile(r"[^\W_]+")


@lru_cache(maxsize=1024)
def _words_starting(heads: tuple[str, ...]) -> re.Pattern[str]:
    """The words of a text that begin with one of `heads`, in any case (the only words a
    snippet need look at: a page's other thousands of words cost most of a search)."""
    if not heads:
        return re.compile(r"(?!)")
    return re.compile(r"(?<![^\W_])(?:" + "|".join(map(re.escape, heads)) + r")[^\W_]*", re.IGNORECASE)


def _words_holding(flat: str, part: re.Pattern[str]) -> Iterator[tuple[int, int]]:
    """The spans of the words of `flat` holding `part` in lower case, in order: found where the
    part is in the text, and widened to their words (a word is a run of letters and digits,
    as _WORD reads it), rather than by looking in each of a page's words."""
    low = flat.lower()
    if len(low) != len(flat):  # a letter lowered to two: look word by word
        yield from (m.span() for m in _WORD.finditer(flat) if part.search(m.group().lower()))
        return
    last = 0
    for m in part.finditer(low):
        start, end = m.start(), m.end()
        if start < last:  # in the word just given
            continue
        while start and flat[start - 1].isalnum():
            start -= 1
        while end < len(flat) and flat[end].isalnum():
            end += 1
        last = end
        yield start, end


def snippet(text: str, wanted: set[str], width: int = 160, mark: tuple[str, str] = ("[", "]")) -> str:
    """The stretch of text around the first matching word, with matching words marked (and
    compounds holding one of them, when no word matches whole)."""
    flat = " ".join(text.split())
    heads = {w[:3] for w in wanted}  # a word's stem begins as the word does: stem only those
    starting = _words_starting(tuple(sorted(heads)))
    # the matching words, looked for only until past the stretch shown (pages run to thousands of words)
    spans = (m.span() for m in starting.finditer(flat)
             if (low := m.group().lower())[:3] in heads and (low in wanted or _stem(low) in wanted))
    first = next(spans, None)
    if first is None and (inside := [re.escape(w) for w in wanted if len(w) >= 4]):
        spans = _words_holding(flat, re.compile("|".join(inside)))
        first = next(spans, None)
    if first is None:
        return flat[:width] + ("…" if len(flat) > width else "")
    start = max(0, first[0] - width // 3)
    end = min(len(flat), start + width)
    out, pos = [], start
    for s, e in (first, *takewhile(lambda span: span[0] < end, spans)):
        if e > end:
            continue
        out += [flat[pos:s], mark[0], flat[s:e], mark[1]]
        pos = e
    out.append(flat[pos:end])
    return ("…" if start else "") + "".join(out) + ("…" if end < len(flat) else "")

