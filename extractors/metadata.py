"""Document title, date and language from what the text says, before falling back to metadata.

The programme's decks carry their real date on the title slide ("Asker, 28. august 2012")
while file metadata often holds the date a template was made or a copy was saved, so the
text wins and metadata is the fallback. Language is nb or nn by counting marker words.
"""

from __future__ import annotations

import re
from datetime import date, datetime

MONTHS = {
    "januar": 1, "jan": 1, "februar": 2, "feb": 2, "mars": 3, "mar": 3, "april": 4, "apr": 4,
    "mai": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9, "oktober": 10, "okt": 10, "november": 11, "nov": 11,
    "desember": 12, "des": 12,
}
_MONTH_ALT = "|".join(sorted(MONTHS, key=len, reverse=True))
_WORD_DATE = re.compile(rf"\b(\d{{1,2}})\.\s*({_MONTH_ALT})\.?\s+((?:19|20)\d\d)\b", re.IGNORECASE)
_NUM_DATE = re.compile(r"\b(\d{1,2})\.(\d{1,2})\.((?:19|20)\d\d)\b")
_ISO_DATE = re.compile(r"\b((?:19|20)\d\d)-(\d\d)-(\d\d)\b")


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


def date_in_text(text: str) -> str | None:
    """The first full date written in the text, as an ISO string."""
    candidates: list[tuple[int, date]] = []
    for m in _WORD_DATE.finditer(text):
        candidates.append((m.start(), _safe_date(int(m.group(3)), MONTHS[m.group(2).lower()], int(m.group(1)))))
    for m in _NUM_DATE.finditer(text):
        candidates.append((m.start(), _safe_date(int(m.group(3)), int(m.group(2)), int(m.group(1)))))
    for m in _ISO_DATE.finditer(text):
        candidates.append((m.start(), _safe_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))))
    valid = sorted((pos, d) for pos, d in candidates if d is not None)
    return valid[0][1].isoformat() if valid else None


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def metadata_date(value: object) -> str | None:
    """A date from file metadata: a datetime (pptx core properties) or a PDF date string."""
    if isinstance(value, datetime | date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, bytes):
        value = value.decode("latin-1", "ignore")
    if isinstance(value, str):
        m = re.search(r"((?:19|20)\d\d)(\d\d)(\d\d)", value)
        if m:
            d = _safe_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            return d.isoformat() if d else None
    return None


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
_PROGRAMME_NAME = re.compile(r"saman\s+om\s+ein\s+betre\s+kommune", re.IGNORECASE)
_WORD = re.compile(r"[a-zæøåàòé]+", re.IGNORECASE)


def detect_language(text: str) -> str:
    """'nn' when nynorsk marker words outnumber bokmål ones, else 'nb' (the archive's majority)."""
    words = [w.lower() for w in _WORD.findall(_PROGRAMME_NAME.sub(" ", text))]
    nn = sum(w in _NYNORSK for w in words)
    nb = sum(w in _BOKMAAL for w in words)
    return "nn" if nn > nb else "nb"
