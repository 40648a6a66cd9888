"""Correcting what tesseract read: its habits undone word by word, and lost æ/ø/å restored.

tesseract reads what is left of a rule as `|`, a bullet as `*`, `¢` or `e`, every dash as `-`,
`33 %` as `33%`, a speck of noise in a table cell as `oe`, and a lone tick mark on a shaded
band as `på`. The page image and the words' boxes tell these apart; the functions here put
back what was printed, and leave every word's box as tesseract gave it.

The æ/ø/å restoration is the Lexicon's (extractors.lang.lexicon), which the caller builds
with the words it knows (theme terms, place names: OcrSettings.known_words, place_names):
this module takes it and decides nothing about which words are known.
"""

from __future__ import annotations

import re
from collections import Counter
from statistics import median

import numpy as np

from extractors.lang.lexicon import Lexicon
from extractors.lang.text import clean_line
from extractors.ocr.settings import OcrSettings
from extractors.ocr.tables import Word, nonzero_runs

# What tesseract makes of a bullet (•) at the start of a line: a sign or two, or an `e` before
# a capital or a number (`e 66 deltakere`).
BULLET = re.compile(r"^(?:[*¢«°·©®+»]{1,2}|e(?= [A-ZÆØÅ\d]))(?= )")
# Lone dashes: tesseract reads -, – and — alike.
DASHES = frozenset({"-", "–", "—"})
_BARS = frozenset("|¦")
# A number with its per cent sign read as one word.
_PERCENT = re.compile(r"^(\d+(?:[.,]\d+)?)%$")


def without_bars(words: list[Word], settings: OcrSettings) -> list[Word]:
    """Words without the `|` tesseract makes of what is left of a rule, but with the `|` it
    makes of a lone `i` in a title's large type (`Hvor er vi | programmet?`) read as `i`.

    Such a bar stands between two words of its line, in type clearly larger than the page's
    own (settings.title_height_ratio), and stops at the baseline; a printed `|` (a menu, a
    column rule) reaches below it.
    """
    if not words:
        return words
    typical = median(w.height for w in words)
    kept = []
    for k, word in enumerate(words):
        if not set(word.text) <= _BARS:
            kept.append(word)
            continue
        before = words[k - 1] if k > 0 else None
        after = words[k + 1] if k + 1 < len(words) else None
        if (before is None or after is None or len(word.text) != 1
                or not before.line_key == word.line_key == after.line_key
                or set(before.text) <= _BARS or set(after.text) <= _BARS):
            continue
        neighbours = min(before.height, after.height)
        large_type = neighbours >= settings.title_height_ratio * typical
        on_baseline = word.bottom <= min(before.bottom, after.bottom) + 0.08 * word.height
        if large_type and on_baseline and word.height <= 1.2 * max(before.height, after.height):
            kept.append(Word("i", word.conf, word.left, word.top, word.right, word.bottom, word.line_key))
    return kept


def spaced_percents(words: list[Word], image: np.ndarray, settings: OcrSettings) -> list[Word]:
    """`33 %` as printed: tesseract drops the space between a number and its per cent sign
    (Norwegian sets one), and the gap on the page (`image`, the pixels tesseract read) tells
    whether there was one. Between the last digit and the `%` a space leaves about 0.55 of
    the word's height blank, letter spacing alone 0.1–0.25 (settings.percent_space parts them)."""
    out = []
    for word in words:
        match = _PERCENT.match(word.text)
        if match and word.height > 0:
            crop = image[int(word.top):int(word.bottom) + 1, int(word.left):int(word.right) + 1].astype(np.int16)
            if crop.size:
                columns = (crop < (int(crop.max()) + int(crop.min())) / 2).any(axis=0)
                runs = nonzero_runs(columns.astype(np.int32))
                if len(runs) >= 2 and runs[-1][0] - runs[-2][1] >= settings.percent_space * word.height:
                    word = Word(f"{match.group(1)} %", word.conf, word.left, word.top, word.right, word.bottom,
                                word.line_key)
        out.append(word)
    return out


def line_text(line: list[Word], line_height: float, lex: Lexicon, settings: OcrSettings) -> tuple[str, str]:
    """(raw, corrected) text of one line of words: the raw as tesseract read it; the corrected
    with each lone dash as printed, æ/ø/å restored by `lex`, and a leading bullet as `•`."""
    raw = clean_line(" ".join(w.text for w in line))
    shown = " ".join(_dash(w, line_height, n == 0, settings) for n, w in enumerate(line))
    return raw, BULLET.sub("•", lex.correct_text(clean_line(shown)))


def cell_texts(rows: list[list[list[Word]]], lex: Lexicon,
               settings: OcrSettings) -> tuple[list[list[str]], list[list[str]]]:
    """(raw, corrected) text of a table's cells, given as the words in each cell: the
    corrected without specks of noise, with æ/ø/å restored and a tick column's misread
    marks read as its mark (mark_columns)."""
    raw = [[clean_line(" ".join(w.text for w in cell)) for cell in row] for row in rows]
    tall = _letter_height([w for row in rows for cell in row for w in cell])
    kept = [[clean_line(" ".join(_mark_case(w, tall) for w in cell if not _speck(w, settings))) for cell in row]
            for row in rows]
    return raw, mark_columns([[lex.correct_text(c) for c in row] for row in kept], settings)


def mark_columns(rows: list[list[str]], settings: OcrSettings) -> list[list[str]]:
    """Cells of a tick column read as the column's mark (a new list; `rows` is not changed).

    In a column whose body cells are mostly one mark (settings.marks: `x`), tesseract,
    leaning on its Norwegian dictionary, reads a lone `x` on a shaded band as `på` or `Xx` now
    and then (settings.mark_misreads): those misreads become the mark. Anything else (`-`,
    `Nei`, a number in a `Sum` row) is an answer of its own and is left as read.
    """
    if len(rows) < 3:
        return rows
    out = [list(row) for row in rows]
    for c in range(len(rows[0])):
        cells = [row[c] for row in rows[1:] if row[c] and not any(ch.isdigit() for ch in row[c])]
        marks = Counter(t for t in cells if t.lower() in settings.marks)
        misread = sum(t.lower() in settings.mark_misreads for t in cells)
        if sum(marks.values()) < 3 or sum(marks.values()) + misread < settings.mark_column_share * len(cells):
            continue
        mark = marks.most_common(1)[0][0]
        for row in out[1:]:
            if row[c].lower() in settings.mark_misreads:
                row[c] = mark
    return out


# Letters that reach below the baseline: a word without them stands from its baseline up.
_DESCENDERS = frozenset("gjpqy,;")
_TALL = re.compile(r"[A-ZÆØÅbdfhklt]")


def _letter_height(words: list[Word]) -> float | None:
    """The height of a capital (or a b, d, h...) in these words: the median height of the
    words of letters that hold one and reach nowhere below the baseline (`Kommune`, `hver`)."""
    heights = [w.height for w in words if len(w.text) > 1 and w.text.isalpha() and _TALL.search(w.text)
               and not _DESCENDERS & set(w.text) and not set(w.text) & set("ÅÆØ")]
    return median(heights) if heights else None


def _mark_case(word: Word, tall: float | None) -> str:
    """A lone `x` or `X` as printed: tesseract reads a lone small x in a cell as `X` now and then,
    and the box tells them apart. A small x stands about 0.7 of a capital's height (`tall`)."""
    if word.text not in ("x", "X") or not tall:
        return word.text
    return "x" if word.height < 0.85 * tall else "X"


def _speck(word: Word, settings: OcrSettings) -> bool:
    """A word of a character or two, no digit in it, read with little confidence: a speck of
    noise or the rim of a shaded cell, not text (`oe` before a header). A short number in a
    shaded cell is often read with little confidence too, and is kept."""
    return len(word.text) <= 2 and word.conf < settings.speck_confidence and not any(ch.isdigit() for ch in word.text)


def _dash(word: Word, line_height: float, first: bool, settings: OcrSettings) -> str:
    """A lone dash as printed. At the start of a line it is a bullet (–); elsewhere its width
    against the line's text height tells (a hyphen is about a third of it, an en dash half
    or more)."""
    if word.text not in DASHES or not line_height:
        return word.text
    ratio = (word.right - word.left) / line_height
    if ratio >= settings.em_dash_width:
        return "—"
    return "–" if first or ratio >= settings.en_dash_width else "-"
