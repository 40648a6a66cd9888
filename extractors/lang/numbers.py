"""Reading Norwegian numbers: digits as the documents write them, number words in bokmål and
nynorsk, and the scale words that multiply them.

Shared by the count recogniser (quantities in running text) and the measure recogniser
(numbers in table cells), so both read "8,5", "1 200" and "tolv" the same way. This module
only turns strings into numbers; deciding whether a number is a count (and not a year, a date
or a list number) is the count recogniser's job.
"""

from __future__ import annotations

import re

# Cardinals 0-19 and the tens, bokmål and nynorsk spellings (tjue/tjuge, førti/fyrti, syv/sju).
# "en", "ei" and "ein" are left out: they are mostly articles; see ONE_WORDS.
UNITS: dict[str, int] = {
    "null": 0,
    "ett": 1, "eitt": 1, "én": 1, "éin": 1, "éi": 1,
    "to": 2, "tre": 3, "fire": 4, "fem": 5, "seks": 6, "sju": 7, "syv": 7, "åtte": 8, "ni": 9,
    "ti": 10, "elleve": 11, "tolv": 12, "tretten": 13, "fjorten": 14, "femten": 15,
    "seksten": 16, "sytten": 17, "atten": 18, "nitten": 19,
}
TENS: dict[str, int] = {
    "tjue": 20, "tjuge": 20, "tyve": 20, "tretti": 30, "tredve": 30, "førti": 40, "fyrti": 40,
    "femti": 50, "seksti": 60, "sytti": 70, "søtti": 70, "åtti": 80, "nitti": 90,
}
# Words for one that are also the indefinite article; they count only where the sentence
# makes them a number ("en av tre kommuner").
ONE_WORDS: frozenset[str] = frozenset({"en", "ei", "ein"})

# Scale words after a number: "50 millioner", "1,5 mrd.", "tre tusen".
SCALES: dict[str, int] = {
    "hundre": 100,
    "tusen": 1_000, "tusener": 1_000, "tusenar": 1_000,
    "million": 1_000_000, "millioner": 1_000_000, "millionar": 1_000_000, "mill": 1_000_000,
    "mln": 1_000_000,
    "milliard": 1_000_000_000, "milliarder": 1_000_000_000, "milliardar": 1_000_000_000,
    "mrd": 1_000_000_000,
}

_DIGITS = re.compile(r"^(\d{1,3}(?:[ \u00a0\u202f.]\d{3})+|\d+)(?:,(\d+))?$")


def parse_digits(text: str) -> float | None:
    """The value of a number written with digits: "18", "8,5", "1 200", "1.200.000".

    A dot is read as a thousands separator only in groups of three ("1.200"); other dotted
    forms ("2.9", "10.30") are dates, times or versions and give None.
    """
    m = _DIGITS.match(text.strip())
    if not m:
        return None
    whole = re.sub(r"[ \u00a0\u202f.]", "", m.group(1))
    return float(f"{whole}.{m.group(2)}") if m.group(2) else float(whole)


def _compound_tens(word: str) -> int | None:
    """Tens written as one word with their unit: "tjueto", "femtiåtte", "trettifem"."""
    for tens, value in TENS.items():
        if word.startswith(tens) and word != tens:
            unit = UNITS.get(word[len(tens):])
            if unit is not None and 0 < unit < 10:
                return value + unit
            if word[len(tens):] in ONE_WORDS:
                return value + 1
    return None


def word_value(word: str) -> int | None:
    """The value of one number word (not the article forms of one), else None."""
    w = word.lower()
    if w in UNITS:
        return UNITS[w]
    if w in TENS:
        return TENS[w]
    return _compound_tens(w)


def parse_number_words(words: list[str]) -> tuple[int, int] | None:
    """Read number words from the start of `words`: ("to", "hundre", "og", "femti") → 250.

    Returns (value, how many words were used), or None when the first word is not a number
    word. "hundre" and "tusen" alone count as 100 and 1000.
    """
    total = 0
    current: int | None = None
    used = 0
    i = 0
    while i < len(words):
        w = words[i].lower()
        value = word_value(w)
        if value is not None and (current is None or (current % 100 == 0 and value < 100)):
            current = value + (current or 0)
            i += 1
            used = i
            continue
        if w in ("hundre", "tusen"):
            scale = SCALES[w]
            current = (current if current is not None else 1) * scale
            if scale == 1000:
                total += current
                current = None
            i += 1
            used = i
            continue
        if w == "og" and used and i + 1 < len(words) and word_value(words[i + 1]) is not None:
            i += 1
            continue
        break
    if not used:
        return None
    return total + (current or 0), used
