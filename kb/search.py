"""Full-text search over page text: the one search function behind the CLI, Python and web.

A user's query is parsed here, not handed to FTS5 raw, so that a stray quote or a bare `AND`
becomes a clear `QueryError` rather than an SQLite syntax error, and so that every word is
looked for both as written and as its Norwegian stem (`kommunene` finds `kommune`).
Results are ranked by bm25, with a title match worth more than a body match, and then folded
one hit per work (kb.works): the copies of a deck (its PDF, scan, .ppt) and its other matching
pages go into the hit of its best-ranked page, shown from the work's best copy.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import asdict, dataclass, replace

from extractors.lang.stemming import STEMMING_VERSION, stem, tokens
from kb import works
from kb.store import KB

OPERATORS = {"AND", "OR", "NOT"}
_PART = re.compile(r'"[^"]*"|\(|\)|[^\s"()]+')
# bm25 weights for the FTS columns title, text, raw_text, stemmed.
_WEIGHTS = "4.0, 2.0, 0.5, 1.0"


class QueryError(ValueError):
    """A query the user must rephrase; the message says how."""


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


MAX_QUERY_CHARS = 1000
# Matching pages read per hit asked for: a work's copies and pages fold into one hit.
PAGES_PER_HIT = 8
MAX_DEPTH = 16


def fts_query(query: str, *, bridge_spellings: bool = True) -> str:
    """Translate a user query into an FTS5 MATCH expression over original and stemmed text.

    Words side by side must all match (an explicit AND goes between them: FTS5 accepts no
    implied AND next to a bracketed group, and every word becomes one). The stems are made
    the way the KB's were (`bridge_spellings`, see extractors.lang.stemming).
    """
    if len(query) > MAX_QUERY_CHARS:
        raise QueryError(f"the query is longer than {MAX_QUERY_CHARS} characters; shorten it")
    if query.count('"') % 2:
        raise QueryError('unbalanced quote: close the phrase with a second " or remove the quote')
    parts = _PART.findall(query)
    out: list[str] = []
    depth = 0
    for i, part in enumerate(parts):
        if part in OPERATORS:
            prev = out[-1] if out else None
            nxt = parts[i + 1] if i + 1 < len(parts) else None
            if prev is None or prev in OPERATORS or prev == "(" or nxt is None or nxt in OPERATORS or nxt == ")":
                raise QueryError(f"{part} needs a search word on both sides, e.g. 'turnus {part} langvakter'")
            out.append(part)
        elif part == "(":
            depth += 1
            if depth > MAX_DEPTH:
                raise QueryError(f"the query nests parentheses deeper than {MAX_DEPTH} levels")
            _and_if_adjacent(out)
            out.append(part)
        elif part == ")":
            depth -= 1
            if depth < 0 or (out and out[-1] == "("):
                raise QueryError("unbalanced or empty parentheses in the query")
            out.append(part)
        else:
            term = _term(part, bridge_spellings)
            if term:
                _and_if_adjacent(out)
                out.append(term)
    if depth:
        raise QueryError("unbalanced parentheses: a '(' is never closed")
    if not any(p not in OPERATORS and p not in "()" for p in out):
        raise QueryError("the query has no words to search for")
    return " ".join(out)


def _and_if_adjacent(out: list[str]) -> None:
    """Join a new operand to the one before it (a term or a closing bracket) with AND."""
    if out and out[-1] not in OPERATORS and out[-1] != "(":
        out.append("AND")


def _term(part: str, bridge_spellings: bool) -> str | None:
    prefix = part.endswith("*") and not part.startswith('"')
    words = tokens(part.strip('"'))
    if not words:
        return None
    star = "*" if prefix else ""
    phrase = " ".join(words)
    stems = " ".join(stem(w, bridge_spellings=bridge_spellings) for w in words)
    return f'({{title text raw_text}} : "{phrase}"{star} OR stemmed : "{stems}"{star})'


def search(kb: KB, query: str, *, limit: int = 20, theme: str | None = None, county: str | None = None) -> list[Hit]:
    """Ranked hits for `query`, optionally only pages with a theme or a municipality in a county."""
    match = fts_query(query, bridge_spellings=kb.stemming_version == STEMMING_VERSION)
    where, params = ["pages_fts MATCH ?"], [match]
    if theme:
        where.append("EXISTS (SELECT 1 FROM themes t WHERE t.doc_id = p.doc_id AND t.page = p.page AND t.theme = ?)")
        params.append(theme)
    if county:
        where.append("EXISTS (SELECT 1 FROM municipalities m WHERE m.doc_id = p.doc_id AND m.page = p.page AND m.fylke = ? COLLATE NOCASE)")
        params.append(county)
    sql = f"""SELECT p.doc_id, p.file_name, p.page, p.kind, p.title, p.text, p.raw_text, p.method,
                     bm25(pages_fts, {_WEIGHTS}) AS score
              FROM pages_fts JOIN pages p ON p.rowid = pages_fts.rowid
              WHERE {' AND '.join(where)}
              ORDER BY score, p.doc_id, p.page LIMIT ?"""
    params.append(limit * PAGES_PER_HIT)
    try:
        rows = kb.db.execute(sql, params).fetchall()
    except sqlite3.OperationalError as exc:  # what the parser above lets through, FTS5 still may not
        if str(exc).startswith("fts5"):
            raise QueryError(f"the query could not be understood ({exc}); simplify it") from None
        raise
    hits = [Hit(r["doc_id"], r["file_name"], r["page"], r["kind"], r["title"], "", round(-r["score"], 4), r["method"])
            for r in rows]
    texts = {(r["doc_id"], r["page"]): r["text"] or r["raw_text"] or "" for r in rows}
    wanted = _wanted(query)
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


def _wanted(query: str) -> set[str]:
    words = [w for w in tokens(query) if w.upper() not in OPERATORS]
    return {stem(w.rstrip("*")) for w in words} | set(words)


def snippet(text: str, wanted: set[str], width: int = 160, mark: tuple[str, str] = ("[", "]")) -> str:
    """The stretch of text around the first matching word, with matching words marked."""
    flat = " ".join(text.split())
    spans = [m.span() for m in re.finditer(r"[^\W_]+", flat) if m.group().lower() in wanted or stem(m.group()) in wanted]
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
