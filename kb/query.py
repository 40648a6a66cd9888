"""A search query as a user typed it, parsed into terms and operators before FTS5 sees it.

A stray quote or a bare `AND` becomes a clear `QueryError` rather than an SQLite syntax error.
A term is a word, a `"quoted phrase"` or a `prefix*`; the operators `AND`, `OR`, `NOT` and
brackets keep FTS5's meaning. Terms side by side must all match; a query of such terms alone
(`plain`) may be relaxed by search to pages holding only some of them, which never happens to
a query that spells out its logic. `match` writes the FTS5 expression, each term rendered by
the caller (kb.search, which looks for every word as written, stemmed and as a compound part).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from extractors.lang.stemming import tokens

OPERATORS = frozenset({"AND", "OR", "NOT"})
MAX_QUERY_CHARS = 1000
MAX_DEPTH = 16
_PART = re.compile(r'"[^"]*"|\(|\)|[^\s"()]+')
# Words of a question that say nothing about what a page is about: they do not count towards
# how many of a query's words a page holds, and a relaxed query does not look for them.
FUNCTION_WORDS = frozenset(
    "og eller i av på til med for fra frå om som er var har hadde blir ble vert vart kan skal vil "
    "må det den de dei der her at en ei ein et eit ett eitt men enn så også òg ikke ikkje ved "
    "etter før under over mot hos per mellom seg sin sitt sine hva kva hvem kven hvor kor hvordan "
    "korleis hvilke kva når kor mange mye mykje jeg eg du vi me dere dykk meg deg oss noe noko "
    "nokre noen alle hver kvar hvorfor kvifor få".split()
)


class QueryError(ValueError):
    """A query the user must rephrase; the message says how."""


@dataclass(frozen=True)
class Term:
    """One thing to look for: a word, a phrase (several words in order) or a prefix."""

    words: tuple[str, ...]
    phrase: bool = False
    prefix: bool = False
    negated: bool = False

    @property
    def function_word(self) -> bool:
        return not self.phrase and not self.prefix and self.words[0] in FUNCTION_WORDS


@dataclass(frozen=True)
class Query:
    """A parsed query: terms, operators and brackets in the order typed."""

    items: tuple[Term | str, ...]

    @property
    def terms(self) -> list[Term]:
        return [item for item in self.items if isinstance(item, Term)]

    @property
    def plain(self) -> bool:
        """Only terms side by side, no operators or brackets: a query that may be relaxed."""
        return all(isinstance(item, Term) for item in self.items)

    @property
    def conjunctive(self) -> bool:
        """Terms that must all match: side by side or joined by AND, no OR, NOT or brackets."""
        return all(isinstance(item, Term) or item == "AND" for item in self.items)

    def match(self, render: Callable[[Term], str], *, relaxed: bool = False) -> str:
        """The FTS5 expression: every term rendered, terms side by side joined by AND (by OR
        when `relaxed`, a plain query's function words then left out while others remain)."""
        items = list(self.items)
        if relaxed and self.plain and any(not t.function_word for t in self.terms):
            items = [t for t in self.terms if not t.function_word]
        out: list[str] = []
        for item in items:
            if isinstance(item, Term) or item == "(":
                if out and out[-1] not in OPERATORS and out[-1] != "(":
                    out.append("OR" if relaxed else "AND")
                out.append(render(item) if isinstance(item, Term) else item)
            else:
                out.append(item)
        return " ".join(out)

    def with_words(self, replace: dict[str, str]) -> Query:
        """The same query with some words replaced (a suggestion's spelling)."""
        return Query(tuple(
            Term(tuple(replace.get(w, w) for w in item.words), item.phrase, item.prefix, item.negated)
            if isinstance(item, Term) else item for item in self.items))

    def text(self) -> str:
        """The query written out again, as a user could type it."""
        out = []
        for item in self.items:
            if isinstance(item, Term):
                word = " ".join(item.words)
                out.append(f'"{word}"' if item.phrase else word + ("*" if item.prefix else ""))
            else:
                out.append(item)
        return " ".join(out).replace("( ", "(").replace(" )", ")")


def parse(query: str) -> Query:
    """The query's terms and operators; a QueryError says what is wrong with a malformed one."""
    if len(query) > MAX_QUERY_CHARS:
        raise QueryError(f"the query is longer than {MAX_QUERY_CHARS} characters; shorten it")
    if query.count('"') % 2:
        raise QueryError('unbalanced quote: close the phrase with a second " or remove the quote')
    parts = _PART.findall(query)
    items: list[Term | str] = []
    negated_depths: list[int] = []  # depths of the groups a NOT applies to
    depth = 0
    for i, part in enumerate(parts):
        prev = items[-1] if items else None
        if part in OPERATORS:
            nxt = parts[i + 1] if i + 1 < len(parts) else None
            if prev is None or prev in OPERATORS or prev == "(" or nxt is None or nxt in OPERATORS or nxt == ")":
                raise QueryError(f"{part} needs a search word on both sides, e.g. 'turnus {part} langvakter'")
            items.append(part)
        elif part == "(":
            depth += 1
            if depth > MAX_DEPTH:
                raise QueryError(f"the query nests parentheses deeper than {MAX_DEPTH} levels")
            if prev == "NOT":
                negated_depths.append(depth)
            items.append(part)
        elif part == ")":
            if depth == 0 or prev == "(":
                raise QueryError("unbalanced or empty parentheses in the query")
            if negated_depths and negated_depths[-1] == depth:
                negated_depths.pop()
            depth -= 1
            items.append(part)
        elif words := tuple(tokens(part.strip('"'))):
            quoted = part.startswith('"')
            items.append(Term(words, phrase=quoted or len(words) > 1, prefix=part.endswith("*") and not quoted,
                              negated=prev == "NOT" or bool(negated_depths)))
    if depth:
        raise QueryError("unbalanced parentheses: a '(' is never closed")
    if not any(isinstance(item, Term) for item in items):
        raise QueryError("the query has no words to search for")
    return Query(tuple(items))
