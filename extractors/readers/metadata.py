"""A document's title, date and language, decided once for every format from what its text says.

Readers only report what they know: the text, and the file's own dates as ISO strings in
`Document.metadata["created"]` / `["modified"]`. `settle_date_and_language` (called once, at
the end of `readers.read_document`) decides `date`, `date_source` and `language` from them.

Why the text comes first: a deck built on a template keeps the template's creation date, and
a PDF exported, converted or scanned years later carries that later date; the county era of
every municipality follows the document's date, so a lying date moves Hedmark to Innlandet.
The order (shared/RECORDS.md), most trusted first:

1. `text`: the first full date on the first two pages (`Asker, 28. august 2012`, `22.05.2013`,
   `2013-05-22`, and in English `24 February 2017`, `February 24, 2017`), else the first month
   and year there (`mars 2014`, `05/2014`: an ISO `2014-03`). A birth date (`født 12.03.1961`)
   and a date after today are not the document's.
2. `year_in_text`: the years the title and first three pages name (an ISO year, `2013`): the
   latest year the title names, else the latest the first pages name. A date of the file name or the
   metadata (as judged in 3 and 4) in that very year makes it precise: that date is taken,
   with its own source (a handout whose text names 2014, saved 2014-03-12). So does a
   metadata date for a year-only file name (`handout_2014.png`). What counts as a year the text
   names is decided in `named_years`: a four-digit 1900–today standing alone, and not
   - a range or a span (`2011–2015`, `2012/13`, `fra 2012 til 2015`): a period, such as the
     programme's own, says nothing about when within it the document was written;
   - a target (`mot 2020`, `innen 2030`, `by 2030`): a plan names years after its own;
   - a birth year (`Hans Fjell 1961`, `f. 1961`; extractors.lang.names);
   - an amount (`2000 kroner`, `2013 %`), a postal code (`, 2013 Skjetten`), a page, phone
     or box number (`side 2013`, `Postboks 2014`), part of a longer number (`12 2013 000`).
   A programme year (`Programåret 2013`) and a pulje year (`pulje 2014`) are years like any
   other. Ranges and targets still count as years the text names when a metadata date is
   checked below.
3. `file_name`: a date or year in the file name, else in its folder (two levels up).
4. `metadata`: the file's created, else modified date, only when nothing contradicts it: not
   in the future, not after the newest year the text names anywhere, not a known template
   date (data/metadata/template_dates.txt), and a created date not older than the year the
   file was last modified (then it is the template's or the original's, not this file's).
5. `none`: date null; municipalities then take the programme period's (2011–2015) counties.

Language is the ISO 639-1 code of the text (`detect_language`). Dates and years reduced to a
month or a year are ISO 8601 too (`2014-03`, `2013`); `date_value` reads all three, a month as
its 15th and a year as its middle (30 June), which is what the municipality era needs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path, PurePath


from extractors.lang.identify import identifier
from extractors.lang.names import BIRTH_MARKERS, is_birth_year
from extractors.lang.numbers import SCALES
from extractors.lang.words import CURRENCY_WORDS, MONTH_NUMBERS, PERCENT_WORDS
from models import Document, DocumentRecord

DATA_DIR = Path(__file__).resolve().parent / "data" / "metadata"

_MONTH_ALT = "|".join(sorted(MONTH_NUMBERS, key=len, reverse=True))
_YEAR_PART = r"((?:19|20)\d\d)"
_WORD_DATE = re.compile(rf"\b(\d{{1,2}})\.?\s*({_MONTH_ALT})\.?\s+{_YEAR_PART}\b", re.IGNORECASE)
_MONTH_DAY_DATE = re.compile(rf"\b({_MONTH_ALT})\.?\s+(\d{{1,2}}),?\s+{_YEAR_PART}\b", re.IGNORECASE)
_NUM_DATE = re.compile(rf"(?<![\d.])(\d{{1,2}})\.(\d{{1,2}})\.{_YEAR_PART}\b")
_ISO_DATE = re.compile(rf"\b{_YEAR_PART}-(\d\d)-(\d\d)\b")
_WORD_MONTH = re.compile(rf"\b({_MONTH_ALT})\.?\s+{_YEAR_PART}\b", re.IGNORECASE)
_NUM_MONTH = re.compile(rf"(?<![\d.,/])(0?[1-9]|1[0-2])[./]{_YEAR_PART}(?![\d.,/]\d)")
_YEAR = re.compile(rf"(?<![\d.,+])\b{_YEAR_PART}\b(?![.,/]\d)(?! \d\d\d\b)")
_RANGE_AFTER = re.compile(r"^(?:\s*[-–—/]\s*(?:(?:19|20)\d\d|\d\d)|\s+(?:til|to|until|through)\s+(?:19|20)\d\d)\b")
_RANGE_BEFORE = re.compile(r"(?:19|20)\d\d\s*[-–—/]\s*$")
_WORDS = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*|\d+|[,(.:]")
# After a comma or at a line's start, a four-digit number followed by a place and nothing more
# is a postal code: `Postboks 8112 Dep, 0032 Oslo`, `2013 Skjetten`.
_POSTAL_PLACE = re.compile(r"^\s+[A-ZÆØÅ][^\W\d_]+(?:[ -][A-ZÆØÅ][^\W\d_]+)?\s*$")

# Words after which a year-like number is the end of a period or a target, not a year the
# document is written in: `mot 2020`, `innen 2030`, `fram til 2025`, `by 2030`, `fra 2012 til 2015`.
_TARGET_WORDS = frozenset({"mot", "innen", "innan", "til", "by", "until", "till", "through", "to", "bis", "jusqu"})
# Words after which a four-digit number is a number of a page, a box, a phone or a case.
_NUMBER_LABELS = frozenset({"side", "sida", "s", "nr", "nummer", "no", "tlf", "telefon", "mobil", "tel", "postboks",
                            "pb", "boks", "page", "p", "kl", "klokka", "klokken", "rom", "room"})
_AMOUNT_WORDS = CURRENCY_WORDS | frozenset(PERCENT_WORDS) | frozenset(SCALES)

FIRST_PAGES_FULL_DATE = 2
FIRST_PAGES_YEARS = 3
# File names and folders: a year stands between non-digits; folders this many levels up count.
_PATH_YEAR = re.compile(rf"(?<!\d){_YEAR_PART}(?!\d)")
_PATH_DATE = re.compile(rf"(?<!\d){_YEAR_PART}[-_.]?(\d\d)[-_.]?(\d\d)(?!\d)")
FOLDER_LEVELS = 2
# Dates before this are zero dates of tools (1970-01-01, 1601-01-01), not a document's.
EARLIEST_METADATA_YEAR = 1985


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _birth_context(text: str, start: int) -> bool:
    words = [w.lower() for w in _WORDS.findall(text[max(0, start - 16):start])]
    return bool(words) and any(w in BIRTH_MARKERS for w in words[-2:])


def _full_dates(text: str) -> Iterator[tuple[int, int, date]]:
    """(start, end, date) of every full date written in the text."""
    for m in _WORD_DATE.finditer(text):
        if (d := _safe_date(int(m.group(3)), MONTH_NUMBERS[m.group(2).lower()], int(m.group(1)))) is not None:
            yield m.start(), m.end(), d
    for m in _MONTH_DAY_DATE.finditer(text):
        if (d := _safe_date(int(m.group(3)), MONTH_NUMBERS[m.group(1).lower()], int(m.group(2)))) is not None:
            yield m.start(), m.end(), d
    for m in _NUM_DATE.finditer(text):
        if (d := _safe_date(int(m.group(3)), int(m.group(2)), int(m.group(1)))) is not None:
            yield m.start(), m.end(), d
    for m in _ISO_DATE.finditer(text):
        if (d := _safe_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))) is not None:
            yield m.start(), m.end(), d


def date_in_text(text: str, today: date | None = None) -> str | None:
    """The first full date written in the text, as an ISO string; not a birth date, not after today."""
    today = today or date.today()
    valid = sorted((start, d) for start, _end, d in _full_dates(text) if d <= today and not _birth_context(text, start))
    return valid[0][1].isoformat() if valid else None


def month_in_text(text: str, today: date | None = None) -> str | None:
    """The first month and year written without a day (`mars 2014`, `05/2014`), as `YYYY-MM`."""
    today = today or date.today()
    text = _blank(text, ((s, e) for s, e, _d in _full_dates(text)))
    found = [(m.start(), int(m.group(2)), MONTH_NUMBERS[m.group(1).lower()]) for m in _WORD_MONTH.finditer(text)]
    found += [(m.start(), int(m.group(2)), int(m.group(1))) for m in _NUM_MONTH.finditer(text)]
    valid = sorted((start, y, mo) for start, y, mo in found if (y, mo) <= (today.year, today.month))
    return f"{valid[0][1]:04d}-{valid[0][2]:02d}" if valid else None


def _blank(text: str, spans: Iterable[tuple[int, int]]) -> str:
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def named_years(text: str, today: date | None = None) -> tuple[list[int], list[int]]:
    """(years the text names as its own time, every year it names incl. ranges and targets).

    See the module docstring for what is not a year the text names. Line by line: a year's
    context never runs over a line break.
    """
    today = today or date.today()
    own: list[int] = []
    every: list[int] = []
    for line in text.splitlines():
        dates = list(_full_dates(line))
        for start, _end, d in dates:  # a full date names its year
            if 1900 <= d.year and d <= today and not _birth_context(line, start):
                own.append(d.year)
                every.append(d.year)
        if dates:
            line = _blank(line, ((start, end) for start, end, _d in dates))
        for m in _YEAR.finditer(line):
            year = int(m.group(1))
            if not 1900 <= year <= today.year:
                continue
            kind = _year_kind(line, m)
            if kind in ("year", "range", "target"):
                every.append(year)
            if kind == "year":
                own.append(year)
    return own, every


def _year_kind(line: str, m: re.Match[str]) -> str:
    before, after = line[:m.start()], line[m.end():]
    words = _WORDS.findall(before)
    prev = words[-1].lower() if words else ""
    nxt = next(iter(_WORDS.findall(after)), "").lower()
    if _RANGE_AFTER.match(after) or _RANGE_BEFORE.search(before):
        return "range"
    if prev in _TARGET_WORDS:
        return "target"
    if is_birth_year(int(m.group(1)), words):
        return "birth"
    if nxt in _AMOUNT_WORDS or after.lstrip().startswith("%"):
        return "amount"
    if prev in _NUMBER_LABELS or (prev == "." and len(words) > 1 and words[-2].lower() in _NUMBER_LABELS):
        return "label"
    if (not before.strip() or before.rstrip().endswith(",")) and _POSTAL_PLACE.match(after):
        return "postal"
    return "year"


def _year_from_text(title: str | None, first_pages: str, today: date) -> str | None:
    for text in (title or "", first_pages):
        own, _every = named_years(text, today)
        if own:
            return str(max(own))
    return None


def path_date(path: str, today: date | None = None) -> str | None:
    """A date (`2013-05-22_samling.pptx`) or year in the file name, else in its folders."""
    today = today or date.today()
    parts = PurePath(path.replace("\\", "/")).parts
    names = [PurePath(parts[-1]).stem] + list(reversed(parts[-1 - FOLDER_LEVELS:-1])) if parts else []
    for name in names:
        for m in _PATH_DATE.finditer(name):
            d = _safe_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            if d is not None and d <= today:
                return d.isoformat()
        years = [int(y) for y in _PATH_YEAR.findall(name) if 1990 <= int(y) <= today.year]
        if years:
            return str(max(years))
    return None


def metadata_date(value: object) -> str | None:
    """A date from file metadata as an ISO string: a datetime (pptx core properties) or a PDF date string."""
    if isinstance(value, datetime | date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, bytes):
        value = value.decode("latin-1", "ignore")
    if isinstance(value, str):
        m = re.search(r"((?:19|20)\d\d)-?(\d\d)-?(\d\d)", value)
        if m:
            d = _safe_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            return d.isoformat() if d else None
    return None


@lru_cache(maxsize=1)
def template_dates() -> frozenset[str]:
    """Creation dates that templates carry into every file made from them (ISO dates)."""
    lines = (DATA_DIR / "template_dates.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(ln.split()[0] for ln in lines if ln.strip() and not ln.startswith("#"))


def _trusted_metadata(metadata: dict[str, str], newest_named: int | None, today: date) -> str | None:
    created, modified = metadata.get("created"), metadata.get("modified")
    for label, value in (("created", created), ("modified", modified)):
        if not value:
            continue
        when = date.fromisoformat(value[:10])
        if when > today or when.year < EARLIEST_METADATA_YEAR or value[:10] in template_dates():
            continue
        if newest_named is not None and when.year > newest_named:
            continue
        if label == "created" and modified and modified[:4] > value[:4]:
            continue  # made from an older file: the template's or the original's date
        return when.isoformat()
    return None


def settle_date_and_language(doc: Document, today: date | None = None) -> Document:
    """The document with `date`, `date_source` and `language` decided (see the module docstring)."""
    today = today or date.today()
    pages = [p.text for p in doc.pages]
    when, source = _date_and_source(doc, pages, today)
    return doc.model_copy(update={"date": when, "date_source": source, "language": detect_language("\n".join(pages))})


def _date_and_source(doc: Document, pages: list[str], today: date) -> tuple[str | None, str]:
    first = "\n".join(pages[:FIRST_PAGES_FULL_DATE])
    found = date_in_text(first, today) or month_in_text(first, today)
    if found:
        return found, "text"
    year = _year_from_text(doc.title, "\n".join(pages[:FIRST_PAGES_YEARS]), today)
    from_path = path_date(doc.path, today)
    _own, every = named_years("\n".join(pages), today)
    trusted = _trusted_metadata(doc.metadata, max(every) if every else None, today)
    for found, source in ((year, "year_in_text"), (from_path, "file_name"), (trusted, "metadata")):
        if not found:
            continue
        # a later source's date in the very year a year-only source names makes that year precise
        for precise, later in ((from_path, "file_name"), (trusted, "metadata")):
            if len(found) == 4 and later != source and precise and len(precise) > 4 and precise[:4] == found:
                return precise, later
        return found, source
    return None, "none"


def date_value(text: str | None) -> date | None:
    """An ISO date, month (`2014-03`: its 15th) or year (`2013`: 30 June, its middle) as a date."""
    if not text:
        return None
    parts = text[:10].split("-")
    try:
        if len(parts) == 1:
            return date(int(parts[0]), 6, 30)
        return date(int(parts[0]), int(parts[1]), int(parts[2]) if len(parts) > 2 else 15)
    except ValueError:
        return None


def record_date(doc: Document, found: list) -> date | None:
    """The document's date, else the date a document record among `found` carries."""
    for text in [doc.date] + [r.date for r in found if isinstance(r, DocumentRecord)]:
        if (when := date_value(text)) is not None:
            return when
    return None


# --- titles -----------------------------------------------------------------------------------

_PROGRAMME_TITLE = re.compile(r"^\s*saman\s+om\s+ein\s+betre\s+kommune\s*[–—:-]?\s*$", re.IGNORECASE)
_GENERIC_META_TITLES = re.compile(r"^(powerpoint[- ]?presentasjon|powerpoint presentation|presentasjon|lysbilde \d+|slide \d+|untitled|uten tittel|microsoft \w+ - .*)$", re.IGNORECASE)


def document_title(text_title: str | None, meta_title: str | None, subtitle: str | None = None) -> str | None:
    """The title as the first page shows it, unless that is only the programme's name.

    Nearly every deck in the archive has "Saman om ein betre kommune" as its title-slide title,
    which tells documents apart no better than no title; then the author's metadata title (if
    it is not a template default) or the first subtitle line says what this document is.
    """
    meta = meta_title.strip() if meta_title and not _GENERIC_META_TITLES.match(meta_title.strip()) else None
    if text_title and not _PROGRAMME_TITLE.match(text_title):
        return text_title
    if meta:
        return meta
    if text_title and subtitle:
        return f"{text_title.rstrip(' –—:-')} – {subtitle}"
    return text_title


# --- language ---------------------------------------------------------------------------------

# Marker words that differ between the written standards; the programme's own nynorsk name
# ("Saman om ein betre kommune") stands in bokmål decks too, so it is removed before counting.
_NYNORSK = {
    "ikkje", "eg", "kva", "korleis", "kommunane", "kommunar", "ein", "eit", "frå", "berre", "noko",
    "meir", "òg", "vert", "vart", "dei", "desse", "sjukefråvær", "sjukefråværet", "kvar",
    "prosjekta", "hjå", "nokre", "fleire", "heile",
}
_BOKMAAL = {
    "ikke", "jeg", "hva", "hvordan", "kommunene", "kommuner", "en", "et", "fra", "bare", "noe",
    "mer", "blir", "ble", "de", "disse", "sykefravær", "sykefraværet", "hver", "prosjektene",
    "hos", "noen", "flere", "hele",
}
# Words only one of the Scandinavian languages writes so: what tells Danish and Swedish from
# Norwegian on a short text, where langid hesitates between them. Words two of them share
# (`ikke`, `også`, `har`) are in none of the sets.
_NORWEGIAN_ONLY = {
    "ikkje", "frå", "berre", "noko", "kva", "korleis", "hva", "noen", "etter", "nå", "mye", "ble", "blir",
    "seg", "meg", "deg", "opp", "gjennom", "kommunene", "kommunane", "sykefravær", "sjukefråvær", "tilsette",
    "mellom", "sykefraværet", "sjukefråværet",
}
_DANISH_ONLY = {
    "af", "efter", "nu", "blev", "bliver", "meget", "gennem", "sig", "mig", "dig", "op", "ud", "hvad", "nogle",
    "kommunerne", "sygefravær", "sygefraværet", "medarbejderne", "medarbejdere", "spørgsmål", "imod", "mellem",
}
_SWEDISH_ONLY = {
    "och", "att", "är", "inte", "för", "till", "också", "hur", "vad", "från", "sjukfrånvaro", "sjukfrånvaron",
    "kommunerna", "medarbetarna", "mellan", "eftersom", "sedan", "mycket",
}
_SCANDINAVIAN = {"no": "nb", "nn": "nn", "da": "da", "sv": "sv"}
NORWEGIAN_LANGUAGES = frozenset({"nb", "nn", "und"})
"""Languages the Norwegian lexicons (themes, count units) are for: bokmål, nynorsk, and text too
short to tell, which in this archive is nearly always Norwegian too."""
_PROGRAMME_NAME = re.compile(r"saman\s+om\s+ein\s+betre\s+kommune", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]+")
# Below this many words the language is not told (`und`); langid reads this many characters.
MIN_WORDS = 3
SAMPLE_CHARS = 20_000
MIN_CONFIDENCE = 0.5
MIN_MARKERS = 2
SURE = 0.9


def detect_language(text: str) -> str:
    """The ISO 639-1 code of what the text is written in; `und` when there is too little text.

    py3langid decides among all its languages, on the words alone, in lower case (numbers,
    punctuation and the capitals of table headers lead it astray: a US precinct bulletin read
    as Lingala); `und` when no language gets half the probability. Within the Scandinavian
    languages, which it confuses on short texts (a title slide, a list of names), marker words
    decide: Swedish, Danish or Norwegian words written as only that language writes them, then
    nynorsk against bokmål marker words (`ikkje`/`ikke`, `frå`/`fra`), bokmål on a tie (the
    archive's majority).
    """
    words = [w.lower() for w in _WORD.findall(_PROGRAMME_NAME.sub(" ", text[:SAMPLE_CHARS])) if len(w) > 1]
    if len(words) < MIN_WORDS:
        return "und"
    ranked = identifier().rank(" ".join(words))
    probs = dict(ranked)
    if sum(probs.get(lang, 0.0) for lang in _SCANDINAVIAN) >= MIN_CONFIDENCE:
        return _scandinavian(words, probs)
    top, p_top = ranked[0]
    if p_top >= MIN_CONFIDENCE:
        return top
    # unsure: Norwegian where its marker words say so (a short slide), else unknown; short
    # markers (`en`, `et`, `de`) are words of French, Latin and English too
    markers = sum(w in _NORWEGIAN_ONLY or (len(w) > 3 and (w in _NYNORSK or w in _BOKMAAL)) for w in words)
    return _scandinavian(words, probs) if markers >= MIN_MARKERS else "und"


def _scandinavian(words: list[str], probs: dict[str, float]) -> str:
    scores = {
        "no": sum(w in _NORWEGIAN_ONLY for w in words),
        "da": sum(w in _DANISH_ONLY for w in words),
        "sv": sum(w in _SWEDISH_ONLY for w in words) + sum("ä" in w or "ö" in w for w in words),
    }
    best = max(scores.values())
    if best > 0:
        leaders = [lang for lang, s in scores.items() if s == best]
        lang = max(leaders, key=lambda code: probs.get(code, 0.0) + (probs.get("nn", 0.0) if code == "no" else 0.0))
    else:  # no marker word: Norwegian, unless langid is sure of another
        lang = max(_SCANDINAVIAN, key=lambda code: probs.get(code, 0.0))
        if probs.get(lang, 0.0) < SURE:
            lang = "no"
    if lang not in ("no", "nn"):
        return _SCANDINAVIAN[lang]
    nn = sum(w in _NYNORSK for w in words)
    nb = sum(w in _BOKMAAL for w in words)
    return "nn" if nn > nb else "nb"
