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
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from functools import lru_cache

from extractors.lang.compounds import segment
from extractors.lang.stemming import STEMMING_VERSION, stem
from kb import works
from kb.query import Query, QueryError, Term, parse
from kb.store import KB
from kb.vocabulary import index_columns, known_parts, suggestions, unknown_words

# bm25 weights for the FTS columns title, text, raw_text, stemmed (and parts).
_WEIGHTS = (4.0, 2.0, 0.5, 1.0, 0.5)
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

    def as_dict(self) -> dict[str, object]:
        """The hit as JSON gives it (lists, not tuples), for the CLI and the web alike."""
        out = asdict(self)
        out["also"] = [list(page) for page in self.also]
        out["copies"] = list(self.copies)
        return out


# Matching pages read per hit asked for: a work's copies and pages fold into one hit.
PAGES_PER_HIT = 8


@dataclass(frozen=True)
class SearchResult(Sequence[Hit]):
    """The ranked hits, and how they were found.

    `matched`: "all" when every hit holds every word of the query (or satisfies its operators),
    "some" when no page did and the hits hold some of the words, "none" without hits.
    `suggestions`: queries the user may have meant, for a query with words no page holds.
    `corrected`: when the query found nothing, the suggestion whose hits these are instead.
    """

    query: str
    hits: list[Hit]
    matched: str
    suggestions: list[str] = field(default_factory=list)
    corrected: str | None = None

    def __getitem__(self, index):  # type: ignore[override]
        return self.hits[index]

    def __len__(self) -> int:
        return len(self.hits)

    def __iter__(self) -> Iterator[Hit]:
        return iter(self.hits)

    def as_dict(self) -> dict[str, object]:
        return {"query": self.query, "matched": self.matched, "suggestions": self.suggestions,
                "corrected": self.corrected, "hits": [h.as_dict() for h in self.hits]}


class _Renderer:
    """Writes each term of a query as FTS5 expressions for one KB."""

    def __init__(self, kb: KB) -> None:
        self.kb = kb
        self.bridge = kb.stemming_version == STEMMING_VERSION
        self.has_parts = "parts" in index_columns(kb)
        self._splits: dict[str, tuple[str, ...] | None] = {}

    def stem(self, word: str) -> str:
        return stem(word, bridge_spellings=self.bridge)

    def whole(self, term: Term) -> str:
        """The term as written or stemmed (a single word: the stems of its inflections too)."""
        star = "*" if term.prefix else ""
        phrase = " ".join(term.words)
        if term.phrase or term.prefix:
            stems = " ".join(self.stem(w) for w in term.words)
            return f'{{title text raw_text}} : "{phrase}"{star} OR stemmed : "{stems}"{star}'
        return f'{{title text raw_text}} : "{phrase}" OR stemmed : {self.stems(phrase)}'

    def stems(self, word: str) -> str:
        """The stems of the word's inflections, as an FTS5 OR group."""
        return "(" + " OR ".join(f'"{s}"' for s in sorted({self.stem(f) for f in inflections(word)})) + ")"

    def loose(self, term: Term, relaxed: bool = False) -> str | None:
        """The word inside a page's compounds, or the query's compound as its parts (all of
        them; any of them when `relaxed`); None for phrases, prefixes and a KB without parts."""
        if term.phrase or term.prefix or not self.has_parts:
            return None
        word = term.words[0]
        out = f"parts : {self.stems(word)}"
        if word not in self._splits:
            self._splits[word] = segment(word, lambda words: known_parts(self.kb, words))
        if split := self._splits[word]:
            out += " OR (" + f" {'OR' if relaxed else 'AND'} ".join(self._part(p) for p in split) + ")"
        return out

    def _part(self, part: str) -> str:
        """A part of the query's compound on a page: stemmed, or as the start of a word
        (`leder` stems to `led`, `ledere` to `leder`, so the stems alone miss `ledere`)."""
        return f'({{stemmed parts}} : "{self.stem(part)}" OR {{title text raw_text}} : "{part}"*)'

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


def search(kb: KB, query: str, *, limit: int = 20, theme: str | None = None, county: str | None = None) -> SearchResult:
    """Ranked hits for `query`, optionally only pages with a theme or a municipality in a county."""
    parsed = parse(query)
    render = _Renderer(kb)
    hits = _run(kb, render, parsed, False, limit, theme, county)
    if hits:
        return SearchResult(query, hits, "all")
    if parsed.plain and len(parsed.terms) > 1:
        hits = _run(kb, render, parsed, True, limit, theme, county)
        if hits:
            return SearchResult(query, hits, "some", _suggest(kb, parsed))
    suggested = _suggest(kb, parsed)
    if suggested:
        instead = search(kb, suggested[0], limit=limit, theme=theme, county=county)
        if instead.hits:
            return SearchResult(query, instead.hits, instead.matched, suggested, suggested[0])
    return SearchResult(query, [], "none", suggested)


def _run(kb: KB, render: _Renderer, parsed: Query, relaxed: bool, limit: int,
         theme: str | None, county: str | None) -> list[Hit]:
    match = parsed.match(lambda term: render.term(term, relaxed), relaxed=relaxed)
    where, params = ["pages_fts MATCH :match"], {"match": match, "limit": limit * PAGES_PER_HIT}
    if theme:
        where.append("EXISTS (SELECT 1 FROM themes t WHERE t.doc_id = p.doc_id AND t.page = p.page AND t.theme = :theme)")
        params["theme"] = theme
    if county:
        where.append("EXISTS (SELECT 1 FROM municipalities m WHERE m.doc_id = p.doc_id AND m.page = p.page AND m.fylke = :county COLLATE NOCASE)")
        params["county"] = county
    # How many of the words a page holds: each whole word counts 1, each found only as a
    # compound part PART_WEIGHT (when all words match, the parts need not be counted).
    held = []
    for i, term in enumerate(t for t in parsed.terms if not t.negated and not t.function_word):
        params[f"w{i}"] = render.whole(term)
        held.append(f"(pages_fts.rowid IN (SELECT rowid FROM pages_fts WHERE pages_fts MATCH :w{i}))")
        if relaxed and (loose := render.loose(term, relaxed)):
            params[f"l{i}"] = loose
            held.append(f"{PART_WEIGHT} * (pages_fts.rowid IN (SELECT rowid FROM pages_fts WHERE pages_fts MATCH :l{i}))")
    weights = ", ".join(str(w) for w in _WEIGHTS[:4 + render.has_parts])
    sql = f"""SELECT p.doc_id, p.file_name, p.page, p.kind, p.title, p.text, p.raw_text, p.method,
                     bm25(pages_fts, {weights}) AS score, {' + '.join(held) or '0'} AS held
              FROM pages_fts JOIN pages p ON p.rowid = pages_fts.rowid
              WHERE {' AND '.join(where)}
              ORDER BY held DESC, score, p.doc_id, p.page LIMIT :limit"""
    try:
        rows = kb.db.execute(sql, params).fetchall()
    except sqlite3.OperationalError as exc:  # what the parser lets through, FTS5 still may not
        if str(exc).startswith("fts5"):
            raise QueryError(f"the query could not be understood ({exc}); simplify it") from None
        raise
    hits = [Hit(r["doc_id"], r["file_name"], r["page"], r["kind"], r["title"], "", round(-r["score"], 4), r["method"])
            for r in rows]
    texts = {(r["doc_id"], r["page"]): r["text"] or r["raw_text"] or "" for r in rows}
    wanted = _wanted(parsed)
    return [replace(h, snippet=snippet(texts[(h.doc_id, h.page)], wanted)) for h in one_per_work(kb, hits, limit)]


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


def snippet(text: str, wanted: set[str], width: int = 160, mark: tuple[str, str] = ("[", "]")) -> str:
    """The stretch of text around the first matching word, with matching words marked (and
    compounds holding one of them, when no word matches whole)."""
    flat = " ".join(text.split())
    words = list(re.finditer(r"[^\W_]+", flat))
    heads = {w[:3] for w in wanted}  # a word's stem begins as the word does: stem only those
    spans = [m.span() for m in words
             if (low := m.group().lower())[:3] in heads and (low in wanted or _stem(low) in wanted)]
    if not spans and (inside := [re.escape(w) for w in wanted if len(w) >= 4]):
        part = re.compile("|".join(inside))
        spans = [m.span() for m in words if part.search(m.group().lower())]
    if not spans:
        return flat[:width] + ("…" if len(flat) > width else "")
    start = max(0, spans[0][0] - width // 3)
    end = min(len(flat), start + width)
    out, pos = [], start
    for s, e in spans:
        if s < start or e > end:
            continue
        out += [flat[pos:s], mark[0], flat[s:e], mark[1]]
        pos = e
    out.append(flat[pos:end])
    return ("…" if start else "") + "".join(out) + ("…" if end < len(flat) else "")

