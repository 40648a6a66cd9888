"""What is wrong with a PDF page's text layer: the test that decides whether a page is OCR'd.

A born-digital page's text layer is the best text there is, in whatever language it is
written; OCR of it can only lose words and costs a second or more a page. So a layer is
judged by faults it shows, never by its language:
- too little of it: no characters at all on a page that shows something; hardly any beside
  a picture; a picture covering most of the page with no more than a line of text on
  it (a scan with a stamped page number). A page without pictures whose layer holds a few
  words is read as it is: its other ink is drawings (rules, shapes, a chart), and OCR would
  only read those few words again;
- unmapped glyphs: U+FFFD (pdfium's mark for a glyph it could not map), pdfminer's
  `(cid:12)`, private-use, control or surrogate code points in place of letters;
- symbols where letters belong (a font whose codes map onto punctuation);
- (not a reason to OCR, but mended by the readers: characters drawn twice on the same spot,
  `duplicates`, which would double every letter of the text);
- letters that form words of no language: a character map that is shifted or permuted
  (`Uif dpnnjuuff` for `The committee`). In every alphabetic script (Latin, Cyrillic,
  Greek) words alternate vowels and consonants: at least 0.59 of adjacent letter pairs
  inside words change between the two in samples of 1,500 characters in each of 27
  languages measured (an editor's message catalogues; Irish and Vietnamese lowest), where
  a scrambled map leaves the vowels of the script at random places (0.24–0.58 over 600
  shifted and permuted samples). A layer below 0.50 is garbage; between 0.50 and 0.62 it is
  garbage when the language identifier (py3langid: 140-odd languages and `zxx`, its class
  for text of no language) finds no language in it either. The identifier alone does not
  decide: it calls a good table of names, codes and numbers text of no language too.
  Syllabic and logographic scripts (Hangul, CJK, kana) are judged by the glyph tests
  alone: every character of theirs is a syllable or a word;
- a Norwegian layer that lost æ/ø/å (a bad hidden OCR layer over a scan from 2012–2015:
  `Fgrste`, `hgsten`, `Malet er a`): only a layer the language identifier reads as
  Norwegian, that holds few æ/ø/å, and in which the word lists restore many of the words
  they do not know.

`layer_fault` says which fault it found (a few words, for tests and for tuning), or None.
A page with no characters and no pictures (text drawn as outlines, or only rules and shapes)
is judged "no text layer" here; the OCR reader reads it only when its drawing shows text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import groupby

import numpy as np

from extractors.lang.identify import identifier
from extractors.lang.lexicon import lexicon

# Fewer visible characters than this beside a picture is no text layer (a page number, a
# stray mark).
MIN_TEXT_CHARS = 16
# A picture covering this share of the page, with fewer characters than this on the page,
# is a scanned page whose layer holds a stamp or a header at most.
_PICTURE_SHARE = 0.5
_MAX_CHARS_ON_PICTURE = 40
_MAX_BAD_GLYPH_SHARE = 0.1
_MIN_ALNUM_SHARE = 0.5
# Letters of vowel scripts needed to judge how they form words, and the alternation of
# vowels and consonants below which they form none (see the module docstring).
_MIN_JUDGED_LETTERS = 150
_GARBAGE_ALTERNATION = 0.50
_DOUBTFUL_ALTERNATION = 0.62
_NO_LANGUAGE = "zxx"
# The first characters of a page decide as well as a whole dense page would, at a
# fraction of the cost on text-heavy reports.
_SAMPLE_CHARS = 1500
# The Norwegian letter-loss test.
_NORWEGIAN = frozenset({"no", "nb", "nn"})
_MIN_WORDS_FOR_SHARES = 8
_MIN_KNOWN_SHARE = 0.5
_MAX_RESTORABLE_SHARE = 0.05
_RESTORE_SAMPLE = 12
_MIN_NORWEGIAN_LETTER_SHARE = 0.01  # Norwegian prose has ~2 æ/ø/å in 100 letters
_PUNCTUATION = ".,:;!?()[]«»\"'–-"
# A glyph within this many points of the same glyph is the same one drawn twice.
_SAME_PLACE = 1.0

_WORD = re.compile(r"[^\W\d_]+")
_ADDRESS = re.compile(r"\S*(?:www\.|https?:|@|\.(?:com|org|net|no)\b)\S*", re.IGNORECASE)
_VOWELS = frozenset("aeiouyæøåœ" "аеёиоуыэюяіїєў" "αεηιουω")
_VOWEL_SCRIPTS = ("LATIN", "CYRILLIC", "GREEK")
_BAD_CATEGORIES = frozenset({"Co", "Cc", "Cs", "Cn"})


@dataclass(frozen=True)
class TextLayer:
    """What a reader found of one page's text layer.

    `glyphs` holds the text of every visible, non-blank character as the PDF maps it
    (U+FFFD or `(cid:7)` for a glyph the reader could not map); `text` is the page text the
    reader made of them; `picture_share` is the share of the page that pictures cover (0–1).
    """

    glyphs: list[str]
    text: str
    picture_share: float = 0.0


def layer_fault(layer: TextLayer) -> str | None:
    """What is wrong with the layer, in a few words, or None when it is a good layer."""
    glyphs = layer.glyphs
    if not glyphs:
        return "no text layer"
    if layer.picture_share > 0 and len(glyphs) < MIN_TEXT_CHARS:
        return "no text layer"
    if layer.picture_share >= _PICTURE_SHARE and len(glyphs) < _MAX_CHARS_ON_PICTURE:
        return "a picture with little text"
    if sum(_bad_glyph(g) for g in glyphs) > _MAX_BAD_GLYPH_SHARE * len(glyphs):
        return "unmapped glyphs"
    # Runs of one character (dot leaders, rules of underscores) count once.
    runs = [key for key, _ in groupby(glyphs)]
    if sum(g.isalnum() for g in runs) < _MIN_ALNUM_SHARE * len(runs):
        return "symbols for letters"
    sample = unicodedata.normalize("NFKC", layer.text[:_SAMPLE_CHARS])
    judged, alternation = vowel_alternation(sample)
    if judged >= _MIN_JUDGED_LETTERS:
        if alternation < _GARBAGE_ALTERNATION:
            return "letters that form no words"
        if alternation < _DOUBTFUL_ALTERNATION and _language(sample) == _NO_LANGUAGE:
            return "letters that form no words"
    if _lost_norwegian_letters(sample):
        return "lost æ/ø/å"
    return None


def _bad_glyph(glyph: str) -> bool:
    return glyph.startswith("(cid:") or glyph == "\ufffd" or unicodedata.category(glyph[0]) in _BAD_CATEGORIES


def vowel_alternation(text: str) -> tuple[int, float]:
    """(letters judged, share of adjacent letter pairs in words that change between vowel
    and consonant), over the words of vowel scripts (Latin, Cyrillic, Greek) when those make
    up most of the text's letters. Web and mail addresses are left out, and so are
    acronyms (`PDF`, `NRK`); a text mostly in other scripts gives (0, 1.0)."""
    text = _ADDRESS.sub(" ", text)
    letters = judged = pairs = changes = 0
    for word in _WORD.findall(text):
        letters += len(word)
        if len(word) < 2 or (word.isupper() and len(word) <= 4) or not _vowel_script(word[0]):
            continue
        vowel = [unicodedata.normalize("NFD", ch)[0] in _VOWELS for ch in word.lower()]
        judged += len(word)
        pairs += len(word) - 1
        changes += sum(a != b for a, b in zip(vowel, vowel[1:]))
    if not pairs or 2 * judged < letters:
        return 0, 1.0
    return judged, changes / pairs


def _vowel_script(ch: str) -> bool:
    return unicodedata.name(ch, "").startswith(_VOWEL_SCRIPTS)


def _language(text: str) -> str:
    return identifier().classify(text)[0]


def _lost_norwegian_letters(sample: str) -> bool:
    """A Norwegian layer that lost æ/ø/å: few of them left, and many of the words the word
    lists do not know become known words when they are put back."""
    tokens = [t for w in sample.lower().split() if len(t := w.strip(_PUNCTUATION)) >= 3 and t.isalpha()]
    if len(tokens) < _MIN_WORDS_FOR_SHARES:
        return False
    letters = sum(len(t) for t in tokens)
    if sum(t.count(ch) for t in tokens for ch in "æøå") >= _MIN_NORWEGIAN_LETTER_SHARE * letters:
        return False
    lex = lexicon()
    unknown = [t for t, ok in zip(tokens, lex.known_many(tokens)) if not ok]
    if len(unknown) <= _MAX_RESTORABLE_SHARE * len(tokens):  # too few unknown words to matter
        return False
    # Programme jargon (`prosjektledersamling`) is unlisted but a compound of listed words.
    known = len(tokens) - len(unknown) + int(lex.compounds(unknown).sum())
    if known < _MIN_KNOWN_SHARE * len(tokens) or _language(sample) not in _NORWEGIAN:
        return False
    checked = unknown[:_RESTORE_SAMPLE]  # each check costs ~10 ms: estimate from a sample
    restorable = sum(lex.correct_word(t) != t for t in checked) * len(unknown) / len(checked)
    return restorable > _MAX_RESTORABLE_SHARE * len(tokens)


def duplicates(glyphs: list[tuple[str, float, float, float]]) -> set[int]:
    """Indexes of glyphs (text, x0, top, x1) drawn again on an earlier one: the same
    character within a point, and within half its width, of where it already stands (a bold
    faked by drawing each line twice, a shadow). pdftotext drops them; read as they are they
    double every letter (`CCiirrccaa`).

    Sorted by character, line (top to the nearest point, and again offset by half a point,
    so a pair astride a rounding edge meets in one of the two) and x0, a copy comes right
    after its original: two vectorised passes, where pdfplumber's own `dedupe_chars` costs
    nine times the page's reading.
    """
    if len(glyphs) < 2:
        return set()
    texts, x0, top, x1 = zip(*glyphs)
    codes = np.unique(np.asarray(texts), return_inverse=True)[1]
    x0a, topa = np.asarray(x0, dtype=float), np.asarray(top, dtype=float)
    near = np.minimum(_SAME_PLACE, 0.5 * (np.asarray(x1, dtype=float) - x0a))
    found: set[int] = set()
    for offset in (0.0, 0.5):
        order = np.lexsort((x0a, np.floor(topa + offset), codes))
        a, b = order[:-1], order[1:]
        close = ((codes[a] == codes[b]) & (np.abs(x0a[b] - x0a[a]) <= near[a])
                 & (np.abs(topa[b] - topa[a]) <= near[a]))
        found.update(int(max(i, j)) for i, j in zip(a[close], b[close]))
    return found


def picture_share(boxes: Iterable[tuple[float, float, float, float]], width: float, height: float) -> float:
    """The share of a width × height page that the boxes (x0, top, x1, bottom) cover, each
    clipped to the page; overlaps are counted twice, which only matters for pictures laid
    over each other, and the share is capped at 1."""
    if width <= 0 or height <= 0:
        return 0.0
    area = 0.0
    for x0, top, x1, bottom in boxes:
        w = min(x1, width) - max(x0, 0.0)
        h = min(bottom, height) - max(top, 0.0)
        if w > 0 and h > 0:
            area += w * h
    return min(1.0, area / (width * height))
