"""The municipality recogniser: every mention of a Norwegian municipality in a Document.

A pipeline component (extractors.recognisers.base) that requires the document's date and emits
one `municipality` record per mention, resolved to the municipality as it was on that date
(number, name, county) and to where it went after later reforms.

How: a spaCy pipeline (`spacy.blank("nb")`) whose components are ours. `municipality_phrases`
is a PhraseMatcher over every official and parallel name in the gazetteer, with their genitive
forms and spaced variants (`Drammens`, `Nord Aurdal`); `municipality_ocr` proposes OCR-damaged
forms (`Lgten`, `Bgmlo`) by edit distance, only on OCR'd text and only for capitalised tokens
that are not Norwegian words, and keeps one only in a place-name context (`i Lgten`, `Lgten
kommune`, a list beside a sure name, a column of names, a table cell): ordinary words and
surnames one or two letters from a name (`Liten`, `Kristiansen`) are not places. The rest is
about the line each candidate stands in, because that is where the meaning is:
- false friends (Time, Sola, Moss, Strand, Bø, ...; data/gazetteer/false_friends.txt) count
  only in a place-name context: a list of municipalities, a table cell, `X kommune`,
  `Kommunen X`, `i X`; a line holding only the name is a list of one in a Norwegian document,
  but not in a document in another language, where `Time` alone is a heading;
- shared names (Bø, Våler, Os, Nes, Herøy, Sande) take their county from a qualifier
  (`Bø (Telemark)`, `Våler i Solør`), a county heading (`Telemark: Bø, Tinn`), a county cell
  in the same table row, or the counties of the other municipalities listed with them;
  failing all, the larger one (data/gazetteer/preferred.csv) with a low confidence;
- `Lofotsamarbeid (Værøy, Moskenes, Flakstad, Røst)`: members of a regional group are
  mentions, and the group is kept on each record;
- people: a name after a given name (`Kari Stryn`, `Ola Nordmann Hole`, `PER LUNNER`), before
  a given name in a `Stryn, Kari` list line, beside a birth year (`Hans Fjell 1961`), or in a
  table column of names (`Etternavn`, or right of a given name) is a surname (extractors.lang.names);
- a line that states the number or the county itself (`4601 Bergen 46 Vestland`, `0821 Bø`,
  `Herøy kommune, Nordland fylke`) decides number, county and era for that mention, over the
  document's date: the row of that name with that number, or in that county, valid on the
  document's date, else the one nearest to it.

Text blocks with role title or body are read line by line (notes and furniture are not the
page's text; table-cell blocks are read through doc.tables, which hold the same cells with
their rows and columns). This module never reads files other than the gazetteer's data.
"""

from __future__ import annotations

import csv
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

import spacy
from rapidfuzz.distance import Levenshtein
from rapidfuzz.process import extract
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token

from extractors.lang.words import KOMMUNE_WORDS
from extractors.gazetteer.gazetteer import DATA_DIR, Gazetteer, Municipality, load_gazetteer, name_key
from extractors.readers.metadata import NORWEGIAN_LANGUAGES
from extractors.recognisers.base import Found, component
from extractors.recognisers.context import PROGRAMME_DATE, Context
from extractors.lang.names import MAX_BIRTH_YEAR, MAX_NAME_WORDS, MIN_BIRTH_YEAR, ends_in_person_name, is_given_name
from models import Document, MunicipalityRecord

TEXT_ROLES = ("title", "body")

# Words that may stand between the names of a list without breaking it.
SEPARATORS = frozenset({",", ";", "/", "&", "+", "-", "–", "·", "•", ":", "og", "samt", "eller", "and", "|"})
PREPOSITIONS = frozenset({"i", "fra", "frå", "til", "på", "ved", "mot", "hos", "rundt", "nær", "utenfor", "utanfor", "om"})
ORGANISATION_PREFIXES = frozenset({"ks", "fylkesmannen", "fylkeskommune", "nav"})

# Confidence of a match, then a factor for how a shared name was resolved.
CONF_EXACT = 0.97
CONF_FALSE_FRIEND_STRONG = 0.93
CONF_FALSE_FRIEND_LIST = 0.88
CONF_FUZZY = {1: 0.8, 2: 0.7, 3: 0.6}
FACTOR_QUALIFIED = 0.93
FACTOR_NEIGHBOURS = 0.85
FACTOR_DEFAULT = 0.6
FACTOR_OTHER_DATE = 0.8
# Neighbours vote for a county with weight 1/(1 + distance); below this total (no namesake's
# county within about two lines or twenty words) the vote says nothing.
MIN_NEIGHBOUR_WEIGHT = 0.04
# Fuzzy matching: the shortest OCR token considered, and the edits allowed by name length.
FUZZY_MIN_LENGTH = 4
# spaCy parses at most 1,000,000 characters at once; a longer line (a 3 MB text in one shape)
# is read in pieces of at most this many, cut where no name can run over the cut.
MAX_PIECE_CHARS = 20_000
# Table headers of columns that hold people's names, not places.
PERSON_HEADERS = frozenset({
    "etternavn", "navn", "namn", "name", "names", "surname", "last name", "family name", "fullt navn",
    "kandidat", "kandidatnavn", "kandidatar", "kandidater", "medlem", "medlemmer", "medlemar", "representant",
    "deltaker", "deltakar", "deltakere", "deltakarar", "kontaktperson", "person",
})


def _max_edits(length: int) -> int:
    return 1 if length <= 6 else 2 if length <= 10 else 3


def _read_lines(filename: str) -> list[str]:
    text = (DATA_DIR / filename).read_text(encoding="utf-8")
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


@lru_cache(maxsize=1)
def false_friends() -> frozenset[str]:
    return frozenset(name_key(n) for n in _read_lines("false_friends.txt"))


@lru_cache(maxsize=1)
def _regions() -> dict[str, str]:
    with open(DATA_DIR / "regions.csv", encoding="utf-8", newline="") as f:
        return {name_key(r["region"]): r["fylke"] for r in csv.DictReader(f)}


@lru_cache(maxsize=1)
def _preferred() -> dict[str, str]:
    with open(DATA_DIR / "preferred.csv", encoding="utf-8", newline="") as f:
        return {name_key(r["name"]): r["kommunenummer"] for r in csv.DictReader(f)}


@lru_cache(maxsize=1)
def _county_keys() -> dict[str, str]:
    """Every county name (any period, parallel names too) and region name → a county name."""
    gaz = load_gazetteer()
    keys = {name_key(n): c.name for c in gaz.all_counties for n in c.names}
    keys.update(_regions())
    return keys


def name_variants(name: str) -> set[str]:
    """The written forms of a name the phrase matcher looks for: as is, spaced, genitive."""
    forms = {name, name.replace("-", " ")}
    for form in list(forms):
        forms.add(form + ("'" if form[-1] in "sxz" else "s"))
    return forms


# --- the spaCy components -------------------------------------------------------------------

if not Doc.has_extension("saman_ocr"):
    Doc.set_extension("saman_ocr", default=False)


@Language.factory("municipality_phrases")
def _phrases_factory(nlp: Language, name: str) -> "PhraseComponent":
    return PhraseComponent(nlp)


@Language.factory("municipality_ocr")
def _ocr_factory(nlp: Language, name: str) -> "OcrComponent":
    return OcrComponent()


class PhraseComponent:
    """Candidate spans for every gazetteer name form, labelled with the name's key."""

    def __init__(self, nlp: Language) -> None:
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        gaz = load_gazetteer()
        by_key: dict[str, set[str]] = {}
        for m in gaz.municipalities:
            for n in m.names:
                by_key.setdefault(name_key(n), set()).update(name_variants(n))
        for key, forms in by_key.items():
            self.matcher.add(key, [nlp.make_doc(f) for f in sorted(forms)])

    def __call__(self, doc: Doc) -> Doc:
        spans = [Span(doc, start, end, label=key) for key, start, end in self.matcher(doc, as_spans=False)
                 for key in [doc.vocab.strings[key]]]
        doc.spans["municipalities"] = spacy.util.filter_spans(spans)
        return doc


class OcrComponent:
    """On OCR'd text: capitalised non-words within a few edits of a name (`Lgten` → Løten)."""

    def __init__(self) -> None:
        gaz = load_gazetteer()
        self.keys = sorted({name_key(n) for m in gaz.municipalities for n in m.names})
        self.counties = set(_county_keys())

    def __call__(self, doc: Doc) -> Doc:
        if not doc._.saman_ocr:
            doc.spans["municipalities_fuzzy"] = []
            return doc
        taken = {i for span in doc.spans["municipalities"] for i in range(span.start, span.end)}
        found: list[Span] = []
        words = [t for t in doc if t.i not in taken and _name_like(t)]
        if words:
            from extractors.lang.lexicon import lexicon

            known = lexicon().known_many([t.text.lower() for t in words])
            for token, is_word in zip(words, known):
                # a word of the word lists is that word (`Liten`, `Rådet`), not a damaged name
                if is_word or name_key(token.text) in self.counties:
                    continue
                span = self._match(doc, token)
                if span is not None:
                    # a repair of a short name (`Bo`) is kept only in a column of names (see _accept)
                    span.id_ = "short" if len(span.label_) < FUZZY_MIN_LENGTH else ""
                    found.append(span)
        doc.spans["municipalities_fuzzy"] = found
        return doc

    def _match(self, doc: Doc, token: Token) -> Span | None:
        text = token.text.casefold()
        best: list[tuple[str, int]] = []
        for probe in {text, text.replace("ae", "æ").replace("aa", "å")}:
            limit = _max_edits(len(probe))
            for key, dist, _ in extract(probe, self.keys, scorer=Levenshtein.distance, score_cutoff=limit, limit=5):
                short_ok = len(key) == len(probe) and dist == 1
                if key[0] == probe[0] and (len(key) >= FUZZY_MIN_LENGTH or short_ok):
                    best.append((key, int(dist)))
        if not best:
            return None
        low = min(d for _, d in best)
        keys = {k for k, d in best if d == low}
        if len(keys) != 1:
            return None
        span = Span(doc, token.i, token.i + 1, label=keys.pop())
        span.kb_id_ = str(max(low, 1))  # `Baerum` → Bærum is still a repair, not an exact match
        return span


def _name_like(token: Token) -> bool:
    text = token.text
    letters = sum(ch.isalpha() for ch in text)
    return (
        len(text) >= 2 and text[0].isupper() and letters >= len(text) - 1
        and all(ch.isalpha() or ch in "06" for ch in text)
    )


@lru_cache(maxsize=1)
def municipality_nlp() -> Language:
    """The pipeline, built once per process: tokenizer, phrase matcher, OCR matcher."""
    nlp = spacy.blank("nb")
    nlp.add_pipe("municipality_phrases")
    nlp.add_pipe("municipality_ocr")
    return nlp


def _parse(text: str, ocr: bool) -> Doc:
    nlp = municipality_nlp()
    doc = nlp.make_doc(text)
    doc._.saman_ocr = ocr
    for _name, pipe in nlp.pipeline:
        doc = pipe(doc)
    return doc


# --- lines and candidates -------------------------------------------------------------------

@dataclass
class Line:
    """One line of a text block, or one table cell, with what the rules need around it."""

    text: str
    page: int
    source_method: str
    context: str
    block: int
    cell: tuple[str, int, int] | None = None  # (table_id, row, column)
    order: int = 0
    table_block: bool = False  # a table-cell block of a page whose table was not recovered
    doc: Doc | None = None
    county_hint: str | None = None
    person: bool = False  # a table cell in a column of people's names
    foreign: bool = False  # the document is not in Norwegian (see _candidates)


@dataclass
class Candidate:
    line: Line
    span: Span
    key: str
    fuzzy_edits: int = 0
    options: list[Municipality] = field(default_factory=list)
    group: str | None = None
    in_list: bool = False
    strong: bool = False
    qualifier: str | None = None
    other_date: bool = False
    fuzzy_kind: str = ""  # "short": a repair of a short name, which needs a column of names around it
    line_start: bool = False  # the first thing on its line
    names_only: bool = False  # its line holds nothing but names, separators and county names
    column: bool = False  # in a run of lines that begin with municipality names
    anchored: bool = False  # listed beside a name matched exactly or standing in a place-name context
    stated_number: str | None = None  # `4601 Bergen`: the number its line gives it
    stated_county: str | None = None  # `Herøy kommune, Nordland fylke`: the county its line writes out


def _capitalised(text: str) -> bool:
    return text[:1].isupper()


def _is_separator(token: Token) -> bool:
    return token.is_punct or token.lower_ in SEPARATORS or token.is_space


def _filler(token: Token) -> bool:
    """Tokens that may stand in a line that is only a list of names."""
    return _is_separator(token) or token.lower_ in KOMMUNE_WORDS or token.like_num or name_key(token.text) in _county_keys()


def _lines(doc: Document) -> Iterator[Line]:
    foreign = doc.language not in NORWEGIAN_LANGUAGES
    table_pages = {p for t in doc.tables for p in (t.pages or [t.page])}
    for page in doc.pages:
        for b, block in enumerate(page.blocks):
            # table cells are read from doc.tables (rows and columns known), unless the reader
            # found the cells but no table (OCR of a ruled page): then the cells themselves
            cell_block = block.role == "table-cell" and page.number not in table_pages
            if block.role not in TEXT_ROLES and not cell_block:
                continue
            for text in (piece for line in block.text.splitlines() for piece in _pieces(line)):
                if text.strip():
                    yield Line(text=text, page=page.number, source_method=block.method, context=text.strip(), block=b,
                               table_block=cell_block, foreign=foreign)
    for table in doc.tables:
        header = [name_key(h) for h in table.rows[0]] if table.rows else []
        for r, row in enumerate(table.rows):
            context = " | ".join(c for c in row if c)
            for c, cell in enumerate(row):
                person = ((r > 0 and c < len(header) and header[c] in PERSON_HEADERS)
                          or (c > 0 and is_given_name(row[c - 1].strip())))  # `Kari | Stryn`
                for piece in _pieces(cell) if cell and cell.strip() else ():
                    yield Line(text=piece, page=table.page_of(r), source_method="table", context=context[:MAX_PIECE_CHARS],
                               block=-1, cell=(table.table_id, r, c), person=person)


_CUTS = (re.compile(r"[.!?;]\s"), re.compile(r"[,:]\s"), re.compile(r"\s(?=[a-zæøå(])"), re.compile(r"\s"))


def _pieces(text: str, limit: int = MAX_PIECE_CHARS) -> Iterator[str]:
    """The text in pieces of at most `limit` characters, each cut after a sentence, else a
    comma, else before a lower-case word: places where no municipality name (`Nord-Aurdal`,
    `Øvre Eiker`) runs over the cut, so no mention is lost at a boundary."""
    while len(text) > limit:
        window = text[:limit]
        cut = next((m.end() for pattern in _CUTS for m in [_last(pattern, window)] if m is not None), limit)
        yield text[:cut]
        text = text[cut:]
    yield text


def _last(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    """The last match of `pattern` in the second half of `text` (a cut near the limit)."""
    found = None
    for found in pattern.finditer(text, len(text) // 2):
        pass
    return found


def _is_ocr(line: Line, doc: Document) -> bool:
    if line.cell is not None:
        return next((t.method == "ocr" for t in doc.tables if t.table_id == line.cell[0]), False)
    return line.source_method == "ocr"


_MEMBERS = re.compile(r"\((?P<members>[^()]+)\)")


def _groups(line: Line) -> list[tuple[int, int, str | None, str | None]]:
    """Parenthesised member lists: (start, end, group name, county hint) by character offsets.

    The group's name is the text before the bracket, back to the previous bracket (found by
    slicing: a regex that matched the head as well took quadratic time on a long line).
    """
    out = []
    head_start = 0
    for m in _MEMBERS.finditer(line.text):
        head_text, head_start = line.text[head_start:m.start()], m.end()
        if not _names_list(m.group("members")):
            continue  # `(222 at Time 2)`: a remark in brackets, not the members of a group
        head = re.split(r"[:;,•\u2022]|\s[-–]\s", head_text)[-1].strip(" ,.-–")
        key = name_key(head)
        if key in _county_keys():
            out.append((m.start("members"), m.end("members"), None, _county_keys()[key]))
        elif head and not load_gazetteer().lookup_any_time(head):
            # `Vesterålen R-råd (...)`: a region in the group's name points to the county
            county = next((_county_keys()[name_key(w)] for w in head.split() if name_key(w) in _county_keys()), None)
            out.append((m.start("members"), m.end("members"), head, county))
    return out


def _names_list(text: str) -> bool:
    """Whether bracketed text is a list of names: capitalised words, separators, `kommune`."""
    words = [w for w in re.split(r"[\s,;/&+·•]+", text) if w]
    return all(w[:1].isupper() or w.lower() in SEPARATORS or w.lower() in KOMMUNE_WORDS for w in words)


def _header_county(line: Line) -> str | None:
    """The county a heading line names: `Telemark`, `Hedmark fylke`, `Telemark: Bø, Tinn`.

    Not `KS Agder` or `Fylkesmannen i Telemark`: organisations named after a county.
    """
    doc = line.doc
    if doc is None or not len(doc) or doc[0].lower_ in ORGANISATION_PREFIXES:
        return None
    text = line.text.strip().rstrip(":").strip()
    key = name_key(re.sub(r"\s+(fylke|fylkeskommune)$", "", text, flags=re.IGNORECASE))
    if key in _county_keys() and not load_gazetteer().lookup_any_time(text):
        return _county_keys()[key]
    head, sep, _rest = line.text.partition(":")
    if sep and name_key(head) in _county_keys():
        return _county_keys()[name_key(head)]
    return None


def _candidates(line: Line) -> list[Candidate]:
    doc = line.doc
    assert doc is not None
    cands = [Candidate(line, s, s.label_) for s in doc.spans["municipalities"]]
    cands += [Candidate(line, s, s.label_, fuzzy_edits=int(s.kb_id_), fuzzy_kind=s.id_)
              for s in doc.spans["municipalities_fuzzy"]]
    cands = sorted((c for c in cands if _capitalised(c.span.text)), key=lambda c: c.span.start)
    groups = _groups(line)
    for c in cands:
        start = c.span.start_char
        for g_start, g_end, group, county in groups:
            if g_start <= start < g_end:
                c.group, c.in_list = group, True
                c.qualifier = c.qualifier or county
    # chains of names with only separators between them are lists
    for a, b in zip(cands, cands[1:]):
        between = doc[a.span.end:b.span.start]
        if all(_is_separator(t) for t in between):
            a.in_list = b.in_list = True
    only_names = all(_filler(t) for t in doc if not any(c.span.start <= t.i < c.span.end for c in cands))
    first = next((t.i for t in doc if not t.is_punct and not t.is_space), None)
    for c in cands:
        c.names_only = only_names
        c.line_start = c.span.start == first
        if only_names and (len(cands) > 1 or line.cell is not None or not line.foreign):
            # a line of names; in a document not in Norwegian one name alone on a line (the
            # heading `Time` of an English survey) is that word, not a list of one place
            c.in_list = True
        after = doc[c.span.end:c.span.end + 1]
        before = doc[c.span.start - 1] if c.span.start > 0 else None
        if (after and after[0].lower_ in KOMMUNE_WORDS) or (before is not None and before.lower_ in KOMMUNE_WORDS):
            c.strong = True
        if before is not None and before.lower_ in PREPOSITIONS:
            c.strong = True
        if c.span.text.endswith("'"):
            c.strong = True  # `Moss' rådhus`: a genitive with an apostrophe is a proper name
        c.qualifier = c.qualifier or _qualifier(doc, c.span.end)
        if c.qualifier and not c.in_list:
            c.strong = True  # `Bø i Vesterålen`: only a place has a county
        c.stated_number = _stated_number(c)
        c.stated_county = _stated_county(doc, c.span.end)
        if c.stated_number or c.stated_county:
            c.strong = True
    for c in cands:
        c.anchored = c.in_list and any(o is not c and o.in_list and (o.strong or not o.fuzzy_edits) for o in cands)
    return cands


def _stated_number(c: Candidate) -> str | None:
    """`4601 Bergen`, `0821 Bø`: a number before the name that is that name's kommunenummer at some time."""
    doc = c.span.doc
    before = doc[c.span.start - 1] if c.span.start > 0 else None
    if before is None or not (before.text.isdigit() and len(before.text) == 4):
        return None
    rows = load_gazetteer().lookup_any_time(c.key)
    return before.text if any(m.kommunenummer == before.text for m in rows) else None


@lru_cache(maxsize=1)
def _real_county_keys() -> frozenset[str]:
    """County names as written (any period, parallel names too), without the regions."""
    return frozenset(name_key(n) for c in load_gazetteer().all_counties for n in c.names)


def _stated_county(doc: Doc, end: int) -> str | None:
    """The county a line writes out after a name: `Herøy kommune, Nordland fylke`, `Bergen 46
    Vestland`, `Bø (Telemark)`, `Herøy i Nordland`, `Herøy, Nordland` at the line's end."""
    i = end
    if i < len(doc) and doc[i].lower_ in KOMMUNE_WORDS:
        i += 1
    comma = i < len(doc) and doc[i].text in (",", "(")
    if comma or (i < len(doc) and doc[i].lower_ in ("i", "på")):
        i += 1
    if i < len(doc) and doc[i].text.isdigit() and len(doc[i].text) == 2:
        i += 1
    elif not (comma or (i > end and doc[i - 1].lower_ in ("i", "på"))):
        return None
    for width in (3, 2, 1):
        key = name_key(doc[i:i + width].text)
        if i + width <= len(doc) and key in _real_county_keys():
            after = doc[i + width] if i + width < len(doc) else None
            if doc[i - 1].text == "," and after is not None and not after.lower_.startswith("fylke") and not after.is_punct:
                return None  # `Bærum, Oslo og Asker`: a list, not a county
            return _county_keys()[key]
    return None


def _qualifier(doc: Doc, end: int) -> str | None:
    """`Bø (Telemark)`, `Våler i Solør`, `Nes kommune på Romerike` → the county they point to."""
    i = end
    if i < len(doc) and doc[i].lower_ in KOMMUNE_WORDS:
        i += 1
    if i + 1 < len(doc) and doc[i].text == "(":
        close = next((j for j in range(i + 1, min(len(doc), i + 6)) if doc[j].text.startswith(")")), None)
        if close is not None:
            return _county_keys().get(name_key(doc[i + 1:close].text))
    if i + 1 < len(doc) and doc[i].lower_ in ("i", "på"):
        for width in (3, 2, 1):
            county = _county_keys().get(name_key(doc[i + 1:i + 1 + width].text))
            if county:
                return county
    return None


def _accept(c: Candidate) -> bool:
    """Whether the candidate is a place-name use (false friends need context)."""
    surface = c.span.text
    if not _capitalised(surface):
        return False
    doc = c.span.doc
    before = doc[c.span.start - 1] if c.span.start > 0 else None
    if before is not None and before.lower_ in ORGANISATION_PREFIXES and not c.strong:
        return False
    if _is_surname(c):
        return False
    if c.fuzzy_kind == "short":
        return c.column and c.names_only
    if c.fuzzy_edits and not (c.strong or c.column or c.anchored or c.line.cell is not None):
        return False  # a repair needs a place-name context: `i Lgten`, `Lgten kommune`, a list
    if c.key not in false_friends():
        return True
    if c.column:
        return True  # a column of names: `Time Hver 4. x` under `Meråker x`
    if c.fuzzy_edits:
        return False
    after = doc[c.span.end] if c.span.end < len(doc) else None
    if after is not None and after.text.startswith("-"):
        return False
    if c.strong:
        return True
    if not c.in_list:
        return False
    # a list context, but not a person's name ("Kari Lund") or a name of something else ("Strand Hotell")
    for neighbour in (before, after):
        if (neighbour is not None and neighbour.is_alpha and _capitalised(neighbour.text)
                and not _is_known_place(neighbour) and neighbour.lower_ not in PREPOSITIONS):
            return False
    return True


def _is_surname(c: Candidate) -> bool:
    """A name standing in a person's name: after a given name (`Kari Stryn`, `Ola Nordmann
    Hole`), before one in a `Stryn, Kari (1961)` line, beside a birth year, or in a column of names."""
    if c.stated_number or c.stated_county:
        return False
    doc, start, end = c.span.doc, c.span.start, c.span.end
    after = doc[end:end + 3]
    if len(after) and after[0].lower_ in KOMMUNE_WORDS:
        return False  # `Gran kommune`: the place, whatever stands before it
    if c.line.person:
        return True
    before = [t.text for t in doc[max(0, start - MAX_NAME_WORDS):start]]
    if ends_in_person_name(before):
        return True
    rest = doc[end:]
    opens_line = all(t.is_punct or t.like_num or t.is_space for t in doc[:start])  # after list numbering
    if (opens_line and len(rest) > 1 and rest[0].text == "," and is_given_name(rest[1].text)
            and not any(t.is_alpha and t.text[:1].islower() for t in rest)):
        return True
    # `Fjell 1961`, `Fjell (1961)`: beside a birth year, unless listed with other places
    year = next((t for t in rest[:3] if t.text.isdigit()), None)
    return (year is not None and len(year.text) == 4 and all(t.is_punct for t in doc[end:year.i])
            and MIN_BIRTH_YEAR <= int(year.text) <= MAX_BIRTH_YEAR and not c.anchored and not c.strong)


def _is_known_place(token: Token) -> bool:
    key = name_key(token.text)
    return key in _county_keys() or bool(load_gazetteer().lookup_any_time(token.text))


# --- resolving shared names ----------------------------------------------------------------

def _options(gaz: Gazetteer, key: str, when: date) -> tuple[list[Municipality], bool]:
    """Municipalities bearing the name on `when`; else the nearest period that bore it (flagged)."""
    found = gaz.lookup(key, when)
    if found:
        return found, False
    return _nearest(gaz.lookup_any_time(key), when), True


def _nearest(rows: list[Municipality], when: date) -> list[Municipality]:
    """The rows valid on `when`, else those of the period nearest to it."""
    if not rows:
        return []

    def distance(m: Municipality) -> int:
        if when < m.valid_from:
            return (m.valid_from - when).days
        return (when - m.valid_to).days if m.valid_to and when >= m.valid_to else 0

    best = min(distance(m) for m in rows)
    return [m for m in rows if distance(m) == best]


def _candidate_options(gaz: Gazetteer, c: Candidate, when: date) -> tuple[list[Municipality], bool]:
    """The rows a candidate may be: those its line states (a number, a county), nearest to the
    document's date; else the name's rows on that date. The flag says the date did not fit."""
    rows = gaz.lookup_any_time(c.key)
    if c.stated_number:
        stated = [m for m in rows if m.kommunenummer == c.stated_number]
    elif c.stated_county:
        stated = [m for m in rows if _county_match(m, c.stated_county)]
    else:
        stated = []
    if stated:
        return _nearest(stated, when), False
    return _options(gaz, c.key, when)


def _county_match(m: Municipality, county: str) -> bool:
    a, b = m.fylke.casefold(), county.casefold()
    return a in b or b in a


def _lineage(gaz: Gazetteer, number: str) -> set[tuple[str, date]]:
    """Every row the municipality numbered `number` in 2013 continued as (itself included)."""
    start = gaz.by_number(number, PROGRAMME_DATE)
    out: set[tuple[str, date]] = set()
    todo = [start] if start else []
    while todo:
        row = todo.pop()
        if (row.kommunenummer, row.valid_from) in out:
            continue
        out.add((row.kommunenummer, row.valid_from))
        if row.valid_to is not None:
            todo += [n for s in row.successors if (n := gaz.by_number(s, row.valid_to))]
    return out


def _resolve(c: Candidate, neighbours: list[list[Candidate]], gaz: Gazetteer) -> tuple[Municipality, str, float]:
    """(municipality, how, factor) for a candidate whose options are already set."""
    if len(c.options) == 1:
        return c.options[0], "exact", 1.0
    for hint in (c.qualifier, c.line.county_hint):
        if hint:
            matching = [m for m in c.options if _county_match(m, hint)]
            if len(matching) == 1:
                return matching[0], "context", FACTOR_QUALIFIED
    for ring in neighbours:
        votes: Counter[str] = Counter()
        for o in ring:
            if o is not c and len(o.options) == 1:
                votes[o.options[0].fylke] += 1 / (1 + _distance(c, o))
        scores = {m.kommunenummer: votes.get(m.fylke, 0.0) for m in c.options}
        top = max(scores.values(), default=0.0)
        if top >= MIN_NEIGHBOUR_WEIGHT and list(scores.values()).count(top) == 1:
            chosen = next(m for m in c.options if scores[m.kommunenummer] == top)
            return chosen, "context", FACTOR_NEIGHBOURS
    preferred = _preferred().get(c.key)
    if preferred:
        lineage = _lineage(gaz, preferred)
        chosen = next((m for m in c.options if (m.kommunenummer, m.valid_from) in lineage), None)
        if chosen is not None:
            return chosen, "exact", FACTOR_DEFAULT
    return sorted(c.options, key=lambda m: m.kommunenummer)[0], "exact", FACTOR_DEFAULT


def _distance(a: Candidate, b: Candidate) -> int:
    """How far apart two mentions stand: table rows, lines, or names within a line."""
    if a.line.cell and b.line.cell:
        return abs(a.line.cell[1] - b.line.cell[1]) + abs(a.line.cell[2] - b.line.cell[2])
    if a.line is b.line:
        return abs(a.span.start - b.span.start)
    return abs(a.line.order - b.line.order) * 10


def _current(gaz: Gazetteer, m: Municipality) -> tuple[str, str]:
    """(name, number) today: the successor of the same name when a split left several."""
    now = gaz.current(m)
    same = [n for n in now if n.name == m.name]
    chosen = same or now
    return " / ".join(n.name for n in chosen), " / ".join(n.kommunenummer for n in chosen)


# --- the component ---------------------------------------------------------------------------

@component("municipalities", requires=["date"], emits=[MunicipalityRecord])
def recognise_municipalities(doc: Document, context: Context, found: Found) -> list[MunicipalityRecord]:
    """One record per municipality mention in the document's titles, body text and tables.

    Every rule looks no further than the mention's page (its line, block, table row or
    column, the page's county headings), so the document is read a page at a time: a parsed
    line holds its tokens, and a 1,000-page report held at once took 270 MB more.
    """
    gaz = load_gazetteer()
    when = context.date
    pages: dict[int | None, list[Line]] = defaultdict(list)
    for order, line in enumerate(_lines(doc)):
        line.order = order
        pages[line.page].append(line)
    mentions = [mention for lines in pages.values() for mention in _page_mentions(doc, lines, when, gaz)]
    return [record for _order, record in sorted(mentions, key=lambda mention: mention[0])]


def _page_mentions(doc: Document, lines: list[Line], when: date, gaz: Gazetteer) -> list[tuple[int, MunicipalityRecord]]:
    """(line order, record) of every mention on one page's lines; the parses are let go."""
    for line in lines:
        line.doc = _parse(line.text, _is_ocr(line, doc))
    _set_county_hints(lines)
    by_line = [_candidates(line) for line in lines]
    _mark_columns(lines, by_line)
    accepted: list[Candidate] = []
    for cands in by_line:
        for c in cands:
            if not _accept(c):
                continue
            c.options, c.other_date = _candidate_options(gaz, c, when)
            if c.options:
                accepted.append(c)
    mentions = []
    for c in accepted:
        m, how, factor = _resolve(c, _neighbour_rings(c, accepted), gaz)
        method, confidence = _scored(c, how, factor)
        current_name, current_number = _current(gaz, m)
        mentions.append((c.line.order, MunicipalityRecord(
            **doc.provenance(c.line.page),
            method=method,
            confidence=confidence,
            name=m.name,
            kommunenummer=m.kommunenummer,
            fylke=m.fylke,
            current_name=current_name,
            current_kommunenummer=current_number,
            surface=c.span.text,
            context=c.line.context,
            source_method=c.line.source_method,
            group=c.group,
        )))
    for line in lines:
        line.doc = None
    return mentions


def _scored(c: Candidate, how: str, factor: float) -> tuple[str, float]:
    """(method, confidence): how sure the match is, times how sure the choice among namesakes is."""
    if c.fuzzy_edits:
        base, method = CONF_FUZZY.get(c.fuzzy_edits, 0.5), "fuzzy"
    elif c.key in false_friends():
        base, method = (CONF_FALSE_FRIEND_STRONG if c.strong else CONF_FALSE_FRIEND_LIST), how
    else:
        base, method = CONF_EXACT, how
    if c.other_date:
        factor *= FACTOR_OTHER_DATE
    return method, round(base * factor, 3)


def resolve_municipality(name: str, when: date, county_hint: str | None = None) -> tuple[Municipality, float] | None:
    """The municipality a table cell names (`Bø`, `Drammen kommune`, OCR's `Bgmlo`), as of `when`.

    For recognisers that already know a cell holds a municipality (a municipality × measure
    table): the cell counts as a place-name context, OCR repair is allowed, and `county_hint`
    (a county column of the same row) picks among namesakes. None when the cell names none.
    """
    gaz = load_gazetteer()
    line = Line(text=name, page=0, source_method="table", context=name, block=-1, cell=("", 0, 0), county_hint=county_hint)
    line.doc = _parse(name, ocr=True)
    cands = [c for c in _candidates(line) if _accept(c)]
    for c in cands:
        c.options, c.other_date = _candidate_options(gaz, c, when)
    cands = [c for c in cands if c.options]
    if not cands:
        return None
    m, how, factor = _resolve(cands[0], [cands], gaz)
    return m, _scored(cands[0], how, factor)[1]


def _set_county_hints(lines: list[Line]) -> None:
    """County headings (`Telemark`, `Telemark:` or `Telemark: Bø, Tinn`) hold for the lines after
    them on the page; a county cell holds for its table row."""
    running: str | None = None
    page = None
    rows: dict[tuple[str, int], str] = {}
    for line in lines:
        if line.cell is None:
            continue
        key = name_key(line.text)
        if key in _county_keys() and not load_gazetteer().lookup_any_time(line.text):
            rows[(line.cell[0], line.cell[1])] = _county_keys()[key]
    for line in lines:
        if line.page != page:
            page, running = line.page, None
        if line.cell is not None:
            line.county_hint = rows.get((line.cell[0], line.cell[1]))
            continue
        if line.table_block and line.doc is not None:
            # a table row OCR read as one line: `Våler Hedmark Heltid/deltid ...`
            named = next((_county_keys()[name_key(t.text)] for t in line.doc if name_key(t.text) in _county_keys()), None)
            if named:
                line.county_hint = named
                continue
        county = _header_county(line)
        if county:
            running = county
        line.county_hint = running


COLUMN_REACH = 2


def _mark_columns(lines: list[Line], by_line: list[list[Candidate]]) -> None:
    """Names that begin lines next to lines beginning with a sure municipality name stand in a
    column of names: a table that OCR or the PDF gave as lines (`Time Hver 4. x` under
    `Meråker x`), or a list down a slide. There a false friend or a repaired OCR form counts."""
    def anchored(i: int) -> bool:
        return any(c.line_start and not c.fuzzy_edits and c.key not in false_friends() for c in by_line[i])

    for i, line in enumerate(lines):
        if line.cell is not None:
            continue
        near = [j for j in range(max(0, i - COLUMN_REACH), min(len(lines), i + COLUMN_REACH + 1))
                if j != i and lines[j].page == line.page and lines[j].cell is None]
        if any(anchored(j) for j in near):
            for c in by_line[i]:
                c.column = c.line_start


def _neighbour_rings(c: Candidate, page: list[Candidate]) -> list[list[Candidate]]:
    """The other mentions around a candidate, nearest first: same line or row, same block or
    column, same page (`page` holds the accepted mentions of the candidate's page)."""
    same_page = [o for o in page if o is not c]
    if c.line.cell is not None:
        t, r, col = c.line.cell
        row = [o for o in same_page if o.line.cell and o.line.cell[:2] == (t, r)]
        column = [o for o in same_page if o.line.cell and o.line.cell[0] == t and o.line.cell[2] == col]
        return [row, column, same_page]
    line = [o for o in same_page if o.line is c.line]
    block = [o for o in same_page if o.line.cell is None and o.line.block == c.line.block]
    return [line, block, same_page]
