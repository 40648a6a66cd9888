"""Theme recogniser: which of the programme's five themes a page, and a whole document, is about.

A pipeline component over a `models.Document`: it reads the title, body and table-cell blocks
of every page and the categories of its charts (never notes or furniture), matches them
against one lexicon per theme (data/themes/<theme>.txt, bokmål and nynorsk, syntax in
data/themes/README.txt) and returns `theme` records with a 0–1 score and the matched words as
evidence. OCR'd text arrives with its æ/ø/å already restored (extractors.lang.lexicon); matching
on search's stems written in ASCII (extractors.lang.stemming.loose_stem) also catches what the
restoration left ("omdomme"). It does not look at municipalities or numbers; it requires
nothing, and later components read its records from `found`.

Scoring. Every matched word adds its lexicon weight (1, or 0.5 for generic words such as
"kompetanse") times its place: 3 in a title, 2 when it opens a body line or a table cell (a
bullet heading such as "Kompetanse og omdømme – 19. november" names the theme), 1 elsewhere.
The sum is the page weight W, and the page score is 1 − exp(−W / PAGE_SCALE): one theme word
in the title scores 0.63, one inside a body line 0.28, a slide whose title and three bullets
name the theme over 0.9.

Threshold: a page gets a record for a theme when W ≥ MIN_WEIGHT (1.0): one specific theme
word anywhere, or one generic word in a title or opening a line. A page is tagged with every
theme it names, however briefly; the score says how central the theme is. A lone generic word
inside a sentence ("tid, kompetanse og økonomi", "etisk kompetanseheving") is too weak to say
the page is about that theme and gives no record. The document gets a record (page null) for
every theme with a page record, scored 1 − exp(−ΣW / DOC_SCALE) over all its pages, so a deck
that returns to a theme on many slides scores near 1 and one passing mention scores low.

Other languages: the lexicons are bokmål and nynorsk, and the themes are the programme's, so a
document whose language is neither (nor `und`, too little text to tell) gets no theme records.
Stems of Norwegian theme words meet unrelated words of other languages (an English page on
"innovative design" is no `innovasjon` page of the programme), and a Danish or Swedish page on
sick leave writes words the lexicon does not hold, so a score there would mean nothing.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import get_args

from extractors.lang.spelling import loose_spelling
from extractors.lang.stemming import loose_stem
from extractors.readers.metadata import NORWEGIAN_LANGUAGES
from extractors.recognisers.base import Found, component
from extractors.recognisers.context import Context
from models import Document, Page, ThemeRecord
from models.records import ThemeName

LEXICON_DIR = Path(__file__).resolve().parent / "data" / "themes"
THEMES: tuple[str, ...] = get_args(ThemeName)

ROLE_WEIGHTS: dict[str, float] = {"title": 3.0, "body": 1.0, "table-cell": 1.0}
HEAD_WEIGHT = 2.0
MIN_WEIGHT = 1.0
PAGE_SCALE = 3.0
DOC_SCALE = 6.0
MAX_EVIDENCE = 20

_WORD = re.compile(r"[^\W\d_]+")

# How specific a pattern is: an exact word beats a compound part, which beats "anywhere".
_KIND_RANK = {"word": 3, "prefix": 2, "suffix": 2, "contains": 1}


@dataclass(frozen=True)
class Term:
    theme: str
    words: tuple[str, ...]  # stem keys (or folded fragments for prefix/suffix/contains)
    kind: str  # word, prefix, suffix, contains (of the last word when multiword)
    weight: float
    case_sensitive: str | None  # the acronym itself, for all-capital terms
    exclude: bool

    def rank(self) -> tuple[int, int, int]:
        return (len(self.words), _KIND_RANK[self.kind], sum(len(w) for w in self.words))

    def matches(self, surfaces: list[str], keys: list[str], folded: list[str], at: int) -> bool:
        """Whether the term starts at word `at` of a text (given as surfaces, stems, folded)."""
        n = len(self.words)
        if len(keys) - at < n:
            return False
        if self.case_sensitive is not None:
            return surfaces[at] == self.case_sensitive
        if any(keys[at + i] != self.words[i] for i in range(n - 1)):
            return False
        last, key, raw = self.words[-1], keys[at + n - 1], folded[at + n - 1]
        if self.kind == "word":
            return key == last
        if self.kind == "prefix":
            return raw.startswith(last)
        if self.kind == "suffix":
            return key.endswith(last) or raw.endswith(last)
        return last in raw


@cache
def _term_lines() -> tuple[tuple[str, str], ...]:
    """(theme, term line) of every lexicon file, comments and blank lines left out."""
    lines = []
    for theme in THEMES:
        for line in (LEXICON_DIR / f"{theme}.txt").read_text(encoding="utf-8").splitlines():
            line = line.split("#", 1)[0].strip()
            if line:
                lines.append((theme, line))
    return tuple(lines)


def _parse_line(theme: str, line: str) -> Term:
    exclude = line.startswith("!")
    line = line.lstrip("!")
    parts = line.split()
    weight = 1.0
    try:
        weight = float(parts[-1])
        parts = parts[:-1]
    except ValueError:
        pass
    text = " ".join(parts)
    if text.isupper() and len(text) <= 5 and " " not in text and "-" not in text:
        return Term(theme, (text,), "word", weight, text, exclude)
    starred_front, starred_back = text.startswith("*"), text.endswith("*")
    words = _WORD.findall(text.strip("*"))
    kind = {(True, True): "contains", (True, False): "suffix", (False, True): "prefix"}.get(
        (starred_front, starred_back), "word"
    )
    if kind == "word":
        keys = tuple(loose_stem(w) for w in words)
    elif kind == "prefix":
        keys = tuple(loose_stem(w) for w in words[:-1]) + (loose_spelling(words[-1]),)
    else:
        keys = tuple(loose_stem(w) for w in words[:-1]) + (loose_stem(words[-1]) if kind == "suffix" else loose_spelling(words[-1]),)
    return Term(theme, keys, kind, weight, None, exclude)


@cache
def surface_words() -> frozenset[str]:
    """The words of every theme term as written (`flåteordning`, `sjukefråvær`): known words
    for OCR correction, which would otherwise leave a compound it cannot find in the
    dictionaries (`flateordning`) as OCR read it."""
    return frozenset(w.lower() for _theme, line in _term_lines() if not line.startswith("!")
                     for w in _WORD.findall(line))


@cache
def theme_terms() -> tuple[Term, ...]:
    """Every term of every theme, most specific first (so the first match is the best)."""
    terms = [_parse_line(theme, line) for theme, line in _term_lines()]
    return tuple(sorted(terms, key=lambda t: (not t.exclude, tuple(-x for x in t.rank()))))


# Prefix terms are indexed by this many leading letters of the prefix.
_START = 3


@cache
def _term_index() -> tuple[dict[str, list[int]], dict[str, list[int]], list[int]]:
    """Positions in theme_terms() of the terms a word can start: by the word's stem key (phrases
    and whole words), by its first letters (prefixes), and those tried at every word
    (suffixes, fragments, acronyms). Trying all 111 terms at every word took most of the
    time of recognising themes."""
    by_first: dict[str, list[int]] = defaultdict(list)
    by_start: dict[str, list[int]] = defaultdict(list)
    always: list[int] = []
    for k, term in enumerate(theme_terms()):
        if term.case_sensitive is None and (len(term.words) > 1 or term.kind == "word"):
            by_first[term.words[0]].append(k)
        elif term.case_sensitive is None and term.kind == "prefix" and len(term.words[0]) >= _START:
            by_start[term.words[0][:_START]].append(k)
        else:
            always.append(k)
    return dict(by_first), dict(by_start), always


@dataclass(frozen=True)
class Match:
    theme: str
    words: str  # as written, lower-cased: "sjukefråværet", "e-læring"
    weight: float  # the term's lexicon weight
    opens_line: bool  # the term is the first word of the text: a bullet heading


@lru_cache(maxsize=4096)
def match_terms(text: str) -> tuple[Match, ...]:
    """Every theme word in `text`, left to right.

    At each position the most specific term wins (longer phrases, then exact words, then
    compound parts); an exclusion term ("!kompetansemiljø*") consumes its word silently.
    A deck says many of its texts on every slide (its footer, its headings, a table's
    labels), so the matches of a text are kept for the next time it comes.
    """
    spans = list(_WORD.finditer(text))
    surfaces = [m.group(0) for m in spans]
    keys = [loose_stem(w) for w in surfaces]
    folded = [loose_spelling(w) for w in surfaces]
    out: list[Match] = []
    i = 0
    terms = theme_terms()
    by_first, by_start, always = _term_index()
    while i < len(surfaces):
        # Only the terms that could start at this word, tried in the lexicon's order.
        tried = sorted({*by_first.get(keys[i], ()), *by_start.get(folded[i][:_START], ()), *always})
        hit = next((terms[k] for k in tried if terms[k].matches(surfaces, keys, folded, i)), None)
        if hit is None:
            i += 1
            continue
        n = len(hit.words)
        if not hit.exclude:
            words = text[spans[i].start() : spans[i + n - 1].end()].lower()
            out.append(Match(hit.theme, words, hit.weight, i == 0))
        i += n
    return tuple(out)


def _page_texts(doc: Document, page: Page) -> list[tuple[str, str]]:
    """(role, text) of what the page says: its blocks, and the cells of its charts, whose
    category names (often the themes themselves) are on the slide but not in any block."""
    texts = [(b.role, b.text) for b in page.blocks if b.text]
    for table in doc.tables:
        if table.source == "chart" and table.page == page.number:
            texts += [("table-cell", cell) for row in table.rows for cell in row if cell]
    return texts


def _page_weights(doc: Document, page: Page) -> dict[str, tuple[float, dict[str, float]]]:
    weights: dict[str, float] = defaultdict(float)
    evidence: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for role, text in _page_texts(doc, page):
        role_weight = ROLE_WEIGHTS.get(role)
        if role_weight is None:
            continue
        for m in match_terms(text):
            w = m.weight * role_weight * (HEAD_WEIGHT if m.opens_line and role != "title" else 1.0)
            weights[m.theme] += w
            evidence[m.theme][m.words] += w
    return {t: (w, dict(evidence[t])) for t, w in weights.items()}


def _score(weight: float, scale: float) -> float:
    return round(1.0 - math.exp(-weight / scale), 3)


def _ranked(evidence: dict[str, float]) -> list[str]:
    """Evidence words, strongest first (ties in order of first appearance)."""
    order = {w: i for i, w in enumerate(evidence)}
    return sorted(evidence, key=lambda w: (-evidence[w], order[w]))[:MAX_EVIDENCE]


@component("themes", emits=[ThemeRecord])
def recognise_themes(doc: Document, context: Context, found: Found) -> list[ThemeRecord]:
    """Theme records per page (page number) and per document (page None)."""
    records: list[ThemeRecord] = []
    if doc.language not in NORWEGIAN_LANGUAGES:
        return records
    doc_weight: dict[str, float] = defaultdict(float)
    doc_evidence: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    doc_methods: dict[str, set[str]] = defaultdict(set)
    for page in doc.pages:
        page_records = []
        for theme, (weight, evidence) in _page_weights(doc, page).items():
            doc_weight[theme] += weight
            for w, v in evidence.items():
                doc_evidence[theme][w] += v
            if weight < MIN_WEIGHT:
                continue
            doc_methods[theme].add(page.method)
            page_records.append(
                ThemeRecord(
                    **doc.provenance(page.number),
                    method=page.method,
                    confidence=page.confidence,
                    theme=theme,
                    score=_score(weight, PAGE_SCALE),
                    evidence=_ranked(evidence),
                )
            )
        records.extend(sorted(page_records, key=lambda r: -r.score))
    doc_records = [
        ThemeRecord(
            **doc.provenance(None),
            method=next(iter(doc_methods[theme])) if len(doc_methods[theme]) == 1 else None,
            theme=theme,
            score=_score(doc_weight[theme], DOC_SCALE),
            evidence=_ranked(doc_evidence[theme]),
        )
        for theme in doc_methods
    ]
    return records + sorted(doc_records, key=lambda r: -r.score)
