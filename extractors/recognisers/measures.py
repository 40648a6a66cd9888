"""Measure recogniser: tables (and charts read as tables) turned into rows researchers can join.

A pipeline component over a `models.Document` that runs after the theme recogniser, so a table
inherits the theme of its page from `found`. Each table is read as the first of these kinds
that fits:

1. municipality × measure matrix: a column (usually the first; or, transposed, the header
   row) names a municipality in at least 60 % of its rows, the other columns are measures.
   One `measure` record per filled cell: the municipality resolved with number and county as
   of the document's date (a shared name such as Våler takes the county the municipality
   recogniser chose for it on the page, from `found`), the column header cleaned as the
   measure, the cell as written as the value. Columns that describe the
   municipality rather than measure it are not measures: a county column (Fylke) is the county
   hint for its row, a theme column (Tema) sets the row's theme. A `Sum` row is compared with
   the number of filled cells in each column; a mismatch is kept and written into `flag` on
   every record of that column, never corrected.
2. category → municipalities ("Hovedprofil i lokalt prosjekt | Kommune", "Molde, Sund
   Bømlo"): one record per municipality, the category column's header as measure and the
   category as value. Names are split on commas and "og", and where a comma is missing, by
   trying which run of words resolves ("Sund Bømlo" → Sund, Bømlo; "Nord Aurdal" stays one).
   Names in brackets are kept, with the rest of the bracket as their flag: "(Løten, men i
   gruppe heltid-deltid)" gives Løten with flag "i parentes: men i gruppe heltid-deltid", since
   the table does list Løten under the profile, with a caveat a researcher should see. A county
   in brackets ("Bø (Telemark)") is a county hint, not a name. Words that name no municipality
   ("KS Agder") are dropped.
3. label → number ("Hovedmål/effektmål | Andel" with "33 %", "TEMA | ANTALL", a chart's
   categories and series): one `count` record per number, the row label as subject and the
   table's id. The unit is prosent for "%" cells or an Andel/Prosent column, else the column
   header when it names what is counted ("Prosjekter"), else the first counted noun of the
   page title ("Prosjekt i pulje 1 etter tema"). A Sum row is a count like the others.
4. anything else: its cells are read like running text by the count recogniser's scanner.

Other languages: as in the count recogniser, a document whose language is not Norwegian (`nb`,
`nn`, `und`) keeps only the counts whose unit the Norwegian unit table knows; an English
"Layoff | 150" table is no count of `layoff`. Measures (municipality × measure cells) are kept
whatever the language: municipality names count in any document.

Rows or names that resolve to no municipality are skipped. This module resolves names only
through extractors.recognisers.municipalities.resolve_municipality (and the county list of
extractors.gazetteer.gazetteer); it keeps no gazetteer of its own. It requires the municipality
and theme records (it runs after those recognisers, which the pipeline checks) and emits both
measure and count records: the counts of tables are its own, the count recogniser reads text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from extractors.gazetteer.gazetteer import load_gazetteer
from extractors.readers.metadata import NORWEGIAN_LANGUAGES
from extractors.recognisers.base import Found, component
from extractors.recognisers.context import Context
from extractors.recognisers.municipalities import resolve_municipality
from extractors.recognisers.quantities import Paragraph, scan, title_subject
from extractors.lang.lexicon import lexicon as word_list
from extractors.lang.words import KOMMUNE_HEADERS
from extractors.lang.numbers import parse_digits
from extractors.recognisers.themes import match_terms
from extractors.lang.units import is_unit_word, split_unit
from models import Block, CountRecord, Document, MeasureRecord, MunicipalityRecord, Record, Table, ThemeRecord

MIN_MUNICIPALITY_SHARE = 0.6  # of a column's filled cells that must name a municipality
MIN_NUMERIC_SHARE = 0.8  # of a column's filled cells that must be numbers for a count table
MIN_CONFIDENCE = 0.5  # below this a resolved name is not trusted as a table's municipality
MAX_NAME_WORDS = 3

_SUM = re.compile(r"^(sum|sum\.|totalt?|i alt|samla|samlet|til saman|tilsammen)$", re.IGNORECASE)
_PERCENT_HEADERS = frozenset({"andel", "prosent", "%", "prosentdel", "del"})
_GENERIC_HEADERS = frozenset({"antall", "antal", "tal", "talet", "sum", "verdi", "n"})
_COUNTY_HEADERS = frozenset({"fylke", "fylket", "fylkesnavn", "fylkesnamn", "county"})
_NUMBER_HEADERS = frozenset({"kommunenummer", "kommunenr", "kommunenr.", "knr", "knr.", "nr", "nr."})
_THEME_HEADERS = frozenset({"tema", "theme", "temaområde", "satsingsområde"})
_LIST_SPLIT = re.compile(r"\s*(?:[,;&/]|\bog\b|\beller\b|\bsamt\b)\s*")
_BRACKETS = re.compile(r"\(([^)]*)\)?")
_NUMBER_CELL = re.compile(r"^\s*(\d+(?:[ .]\d{3})*(?:,\d+)?)\s*(%?)\s*$")


@dataclass(frozen=True)
class Resolved:
    name: str
    kommunenummer: str
    fylke: str
    confidence: float
    flag: str | None = None


def clean_header(text: str) -> str:
    """A column header as one tidy line: whitespace collapsed, "Vikarpool/ flåteordning" →
    "Vikarpool/flåteordning", line-break hyphens joined ("grunn- bemanning" → "grunnbemanning")
    and words broken by a narrow column put back ("samarbeidstur nus" → "samarbeidsturnus")."""
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"\s*/\s*", "/", text)
    text = re.sub(r"(\w)- (?!(?:og|eller|til|samt|and)\b)(\w)", r"\1\2", text)
    words = word_list()
    parts = text.split(" ")
    out: list[str] = []
    for part in parts:
        prev = out[-1] if out else ""
        tail = re.match(r"^[a-zæøå]+", part)
        if (
            tail and tail.group(0) == part.rstrip(".,)")
            and re.search(r"[^\W\d_]{4,}$", prev)
            and part.rstrip(".,)") not in words
        ):
            out[-1] = prev + part
            continue
        out.append(part)
    return " ".join(out)


def _key(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower().rstrip(":")


@lru_cache(maxsize=4096)
def _resolve(name: str, when: date, county: str | None) -> Resolved | None:
    name = name.strip(" .:;")
    if not name or not name[0].isupper() or any(ch.isdigit() for ch in name) or len(name.split()) > MAX_NAME_WORDS:
        return None
    hit = resolve_municipality(name, when, county)
    if hit is None:
        return None
    m, confidence = hit
    if confidence < MIN_CONFIDENCE or _word_count(m.name) != _word_count(name):
        return None  # the resolver found a name inside the text, not the text as a name
    return Resolved(m.name, m.kommunenummer, m.fylke, round(confidence, 3))


def _word_count(name: str) -> int:
    return len([w for w in re.split(r"[\s\-]+", name) if w and w.lower() not in KOMMUNE_HEADERS])


@lru_cache(maxsize=1)
def _county_names() -> frozenset[str]:
    return frozenset(n.lower() for n in load_gazetteer().county_names_any_time())


def _segment(words: list[str], when: date, county: str | None, hints: Mapping[str, str]) -> list[Resolved]:
    """The municipalities in a run of words with its commas missing ("Sund Bømlo").

    Chooses the split that names the most words, then the surest, then the fewest names; words
    that belong to no name are skipped.
    """
    n = len(words)
    best: list[tuple[int, float, int, list[Resolved]]] = [(0, 0.0, 0, [])] * (n + 1)
    for i in range(n - 1, -1, -1):
        skip = best[i + 1]
        options = [(skip[0], skip[1], skip[2], skip[3])]
        for size in range(1, min(MAX_NAME_WORDS, n - i) + 1):
            name = " ".join(words[i : i + size])
            hit = _resolve(name, when, county or hints.get(name))
            if hit is not None:
                rest = best[i + size]
                options.append((rest[0] + size, rest[1] + hit.confidence, rest[2] - 1, [hit, *rest[3]]))
        best[i] = max(options, key=lambda o: (o[0], o[1], o[2]))
    return best[0][3]


def split_municipalities(
    cell: str, when: date, county: str | None = None, hints: Mapping[str, str] | None = None
) -> list[Resolved]:
    """Every municipality a list cell names, in order; bracketed names carry the bracket as flag.

    `hints` maps a name as written to the county the municipality recogniser chose for it on
    this page (it weighs the neighbours of a shared name such as Våler); `county` overrides.
    """
    hints = hints or {}
    found: list[Resolved] = []
    pieces = _pieces(cell)
    for k, (text, in_brackets) in enumerate(pieces):
        if in_brackets:
            if text.strip().lower() in _county_names():
                continue  # "Bø (Telemark)": the hint for the name before it
            parts = [p.strip() for p in _LIST_SPLIT.split(text) if p.strip()]
            named = [(p, _segment(p.split(), when, county, hints)) for p in parts]
            rest = ", ".join(p for p, hits in named if not hits)
            flag = f"i parentes: {rest}" if rest else "i parentes"
            found.extend(Resolved(h.name, h.kommunenummer, h.fylke, h.confidence, flag) for _, hits in named for h in hits)
            continue
        after = pieces[k + 1] if k + 1 < len(pieces) else None
        bracket_county = after[0].strip() if after and after[1] and after[0].strip().lower() in _county_names() else None
        names = [n for n in _LIST_SPLIT.split(text) if n.strip()]
        for n, name in enumerate(names):
            hint = bracket_county if bracket_county and n == len(names) - 1 else county
            found.extend(_segment(name.split(), when, hint, hints))
    return found


def _pieces(cell: str) -> list[tuple[str, bool]]:
    """The cell as runs of text outside brackets and bracket contents (True); an unclosed
    bracket runs to the end of the cell."""
    out: list[tuple[str, bool]] = []
    pos = 0
    for m in _BRACKETS.finditer(cell):
        out.append((cell[pos : m.start()], False))
        out.append((m.group(1), True))
        pos = m.end()
    out.append((cell[pos:], False))
    return [(text, bracket) for text, bracket in out if text.strip()]


def _page_theme(found: Found, page: int) -> str | None:
    themes = [r for r in found.of(ThemeRecord) if r.page == page]
    return max(themes, key=lambda r: r.score).theme if themes else None


def _county_hints(found: Found, table: Table) -> dict[str, str]:
    """Name as written → county, from the municipality recogniser's records for this table's
    pages; a name it resolved to two counties on one page gives no hint."""
    seen: dict[str, set[str]] = {}
    for r in found.of(MunicipalityRecord):
        if r.page in table.pages + [table.page]:
            seen.setdefault(r.surface.strip(), set()).add(r.fylke)
    return {name: next(iter(counties)) for name, counties in seen.items() if len(counties) == 1}


def _cell_theme(text: str) -> str | None:
    matches = match_terms(text)
    return matches[0].theme if matches else None


def _is_sum_row(row: list[str]) -> bool:
    return any(_SUM.match(cell.strip()) for cell in row[:2])


def _municipality_share(cells: list[str], when: date) -> float:
    filled = [c for c in cells if c.strip()]
    if not filled:
        return 0.0
    return sum(_resolve(c, when, None) is not None for c in filled) / len(filled)


def _numeric(cell: str) -> tuple[float, bool] | None:
    m = _NUMBER_CELL.match(cell)
    if not m:
        return None
    value = parse_digits(m.group(1))
    return None if value is None else (value, bool(m.group(2)))


class _TableReader:
    def __init__(self, doc: Document, table: Table, found: Found, context: Context) -> None:
        self.doc, self.table, self.context, self.when = doc, table, context, context.date
        self.page_theme = _page_theme(found, table.page)
        self.hints = _county_hints(found, table)
        width = table.n_cols
        self.rows = [list(r) + [""] * (width - len(r)) for r in table.rows]

    def read(self) -> list[Record]:
        if len(self.rows) < 2:
            return []
        header, body = self.rows[0], [r for r in self.rows[1:] if not _is_sum_row(r)]
        for c in range(len(header)):
            if _municipality_share([r[c] for r in body], self.when) >= MIN_MUNICIPALITY_SHARE:
                return self._matrix(self.rows, c)
        if len(header) > 2 and _municipality_share(header[1:], self.when) >= MIN_MUNICIPALITY_SHARE:
            return self._matrix([list(col) for col in zip(*self.rows)], 0)
        list_col = self._list_column(header, body)
        if list_col is not None:
            return self._profile(header, body, list_col)
        numeric = self._numeric_columns(body)
        if numeric:
            return self._label_counts(header, self.rows[1:], numeric)
        return self._text_counts()

    # -- 1. matrix ------------------------------------------------------------------------------

    def _matrix(self, rows: list[list[str]], key: int) -> list[Record]:
        """Records for a table whose column `key` names a municipality in every row."""
        header = rows[0]
        body = [r for r in rows[1:] if not _is_sum_row(r)]
        sums = [r for r in rows[1:] if _is_sum_row(r)]
        roles = {c: _key(h) for c, h in enumerate(header)}
        county_col = next((c for c, k in roles.items() if k in _COUNTY_HEADERS and c != key), None)
        theme_col = next((c for c, k in roles.items() if k in _THEME_HEADERS and c != key), None)
        measure_cols = [
            c for c in range(len(header))
            if c not in (key, county_col, theme_col) and roles[c] not in _NUMBER_HEADERS
        ]
        flags = self._sum_flags(body, sums, measure_cols)
        records: list[Record] = []
        for row in body:
            county = row[county_col].strip() if county_col is not None and row[county_col].strip() else None
            place = _resolve(row[key], self.when, county or self.hints.get(row[key].strip()))
            if place is None:
                continue
            theme = (_cell_theme(row[theme_col]) if theme_col is not None else None) or self.page_theme
            for c in measure_cols:
                value = row[c].strip()
                if value:
                    records.append(self._measure(place, clean_header(header[c]), value, theme, flags.get(c)))
        return records

    @staticmethod
    def _sum_flags(body: list[list[str]], sums: list[list[str]], cols: list[int]) -> dict[int, str]:
        flags: dict[int, str] = {}
        for row in sums:
            for c in cols:
                stated = parse_digits(row[c]) if row[c].strip() else None
                if stated is None:
                    continue
                filled = sum(1 for r in body if r[c].strip())
                if stated != filled:
                    flags[c] = f"sum row says {row[c].strip()}, the column has {filled} filled cells"
        return flags

    def _measure(self, place: Resolved, measure: str, value: str, theme: str | None, flag: str | None) -> MeasureRecord:
        flags = [f for f in (place.flag, flag) if f]
        confidence = place.confidence * (self.table.confidence if self.table.confidence is not None else 1.0)
        return MeasureRecord(
            **self.doc.provenance(self.table.page),
            method="table",
            confidence=round(confidence, 3),
            table_id=self.table.table_id,
            municipality=place.name,
            kommunenummer=place.kommunenummer,
            fylke=place.fylke,
            theme=theme,
            measure=measure,
            value=value,
            flag="; ".join(flags) or None,
        )

    # -- 2. category → municipalities -----------------------------------------------------------

    def _list_column(self, header: list[str], body: list[list[str]]) -> int | None:
        for c in range(len(header)):
            cells = [r[c] for r in body if r[c].strip()]
            if not cells:
                continue
            named = [split_municipalities(cell, self.when, hints=self.hints) for cell in cells]
            share = sum(bool(n) for n in named) / len(cells)
            if share >= MIN_MUNICIPALITY_SHARE and (any(len(n) > 1 for n in named) or _key(header[c]) in KOMMUNE_HEADERS):
                return c
        return None

    def _profile(self, header: list[str], body: list[list[str]], list_col: int) -> list[Record]:
        category_col = next((c for c in range(len(header)) if c != list_col), None)
        if category_col is None:
            return []
        measure = clean_header(header[category_col])
        records: list[Record] = []
        for row in body:
            category = row[category_col].strip()
            if not category:
                continue
            for place in split_municipalities(row[list_col], self.when, hints=self.hints):
                records.append(self._measure(place, measure, category, self.page_theme, None))
        return records

    # -- 3. label → number ----------------------------------------------------------------------

    def _numeric_columns(self, body: list[list[str]]) -> list[int]:
        cols = []
        for c in range(1, len(self.rows[0])):
            cells = [r[c] for r in body if r[c].strip()]
            if cells and sum(_numeric(x) is not None for x in cells) / len(cells) >= MIN_NUMERIC_SHARE:
                cols.append(c)
        return cols

    def _unit(self, header: str, percent_cell: bool) -> str:
        key = _key(header)
        if percent_cell or key in _PERCENT_HEADERS:
            return "prosent"
        words = re.findall(r"[^\W\d_]+", header)
        if words and key not in _GENERIC_HEADERS and is_unit_word(words[-1]):
            return split_unit(words[-1]).lemma
        page = next((p for p in self.doc.pages if p.number == self.table.page), None)
        title = page.title if page is not None else None
        for word in re.findall(r"[^\W\d_]+", title or ""):
            if word.lower() not in _GENERIC_HEADERS and is_unit_word(word):
                return split_unit(word).lemma
        return split_unit(words[-1]).lemma if words else "antall"

    def _label_counts(self, header: list[str], rows: list[list[str]], cols: list[int]) -> list[Record]:
        records: list[Record] = []
        for row in rows:
            label = re.sub(r"\s+", " ", row[0]).strip()
            for c in cols:
                parsed = _numeric(row[c])
                if parsed is None:
                    continue
                value, percent = parsed
                subject = label if len(cols) == 1 or not header[c].strip() else f"{label} ({clean_header(header[c])})"
                records.append(self._count(value, self._unit(header[c], percent), row[c].strip(), subject or None))
        return records

    def _count(self, value: float, unit: str, text: str, subject: str | None, of: float | None = None, approximate: bool = False) -> CountRecord:
        return CountRecord(
            **self.doc.provenance(self.table.page),
            method="table",
            confidence=self.table.confidence,
            value=value,
            unit=unit,
            text=text,
            subject=subject,
            of=of,
            approximate=approximate,
            table_id=self.table.table_id,
        )

    # -- 4. anything else -------------------------------------------------------------------------

    def _text_counts(self) -> list[Record]:
        fallback = title_subject(self.context.title(self.table.page))
        records: list[Record] = []
        for row in self.rows:
            for cell in row:
                if not cell.strip():
                    continue
                line = Paragraph(text=cell, level=0, block=Block(text=cell, role="table-cell"))
                for f in scan(line, fallback):
                    records.append(self._count(f.value, f.unit, f.text, f.subject, f.of, f.approximate))
        return records


@component("measures", requires=[MunicipalityRecord, ThemeRecord, "date", "titles"], emits=[MeasureRecord, CountRecord])
def recognise_measures(doc: Document, context: Context, found: Found) -> list[Record]:
    """Measure records for municipality tables and count records for goal and count tables."""
    records: list[Record] = []
    for table in doc.tables:
        records.extend(_TableReader(doc, table, found, context).read())
    if doc.language not in NORWEGIAN_LANGUAGES:
        records = [r for r in records if not isinstance(r, CountRecord) or is_unit_word(r.unit)]
    return records
