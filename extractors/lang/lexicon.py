"""Post-correction of OCR text: restoring the æ, ø and å that OCR lost.

Scans from 2012–2015 read as `Hgst`, `Fgrste`, `Omdpmme`, `Sykefraveer`: the letters that
carry Norwegian meaning come out as g, p, o, 0, a, e or ee. A token that is not a known word,
but becomes one when a few of those letters are put back, is replaced (case kept). Known words
are left alone, except a short curated list of dictionary words that in this archive nearly
always stand for their æ/ø/å twin (`pa` → `på`, data/wordlists/real_word_confusions.txt),
and a capitalised dictionary word whose restoration is a place name the caller passes
(`Valer` → `Våler`: a municipality column reads names, not nynorsk plurals).

Known words are the Debian `wnorwegian` lists (bokmål and nynorsk) plus words the caller
passes (gazetteer names, theme terms). The lists are hashed into a sorted array, once per
machine and mapped by every process from saman's cache folder: 1.3 million words in ~10 MB
instead of ~240 MB as a Python set, and membership of all candidates of a token is one
vectorised search.

One more OCR habit is undone here: the preposition `i` read as a capital `I` mid-sentence.
This module must not change anything but those letters: no spelling correction, no change
to spacing, punctuation or the number of tokens, so OCR bboxes stay valid.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from extractors import cache

WORDLIST_FILES = (Path("/usr/share/dict/bokmaal"), Path("/usr/share/dict/nynorsk"))
CONFUSIONS_FILE = Path(__file__).resolve().parent / "data" / "wordlists" / "real_word_confusions.txt"

# What OCR makes of each letter, with a cost: the most frequent confusions are cheapest, so
# when two restorations both give known words the likelier one wins.
_RESTORATIONS: dict[str, tuple[tuple[str, float], ...]] = {
    "ø": (("o", 1.0), ("g", 1.0), ("p", 1.2), ("0", 1.0), ("@", 0.8), ("g@", 0.9), ("6", 1.5), ("q", 1.5),
          ("e", 1.5), ("a", 1.6), ("ö", 0.5), ("ó", 0.8), ("ò", 0.8)),
    "å": (("a", 1.0), ("ä", 0.5), ("à", 0.8), ("á", 0.8), ("â", 0.8)),
    "æ": (("ae", 0.8), ("ee", 1.0), ("e", 1.2), ("a", 1.3), ("ä", 0.8), ("œ", 0.5)),
}
# OCR form → [(restored letter, cost)], longest forms first so `ae` is tried as one site.
_SITES: dict[str, list[tuple[str, float]]] = {}
for _letter, _forms in _RESTORATIONS.items():
    for _form, _cost in _forms:
        _SITES.setdefault(_form, []).append((_letter, _cost))
_SITE_FORMS = sorted(_SITES, key=len, reverse=True)

# Bounds that keep a garbage token (`oooooooo` from a ruled line) from costing more than a
# few milliseconds: letters restored per word, candidates per word, candidates tried as compounds.
MAX_RESTORED_LETTERS = 3
MAX_CANDIDATES = 1500
MAX_COMPOUND_CANDIDATES = 200
MAX_WORD_LENGTH = 40
# Parts of a compound: the word lists hold odd short entries (`rvo`), so a tail must be longer.
_MIN_HEAD = 3
_MIN_TAIL = 4
# Shorter capitalised words (`Bo`, `Sel`) open sentences too often to be read as places.
_MIN_NAME_LENGTH = 5

# A token: a run of letters, digits and @ (OCR puts 0, 6 or @ in place of ø: `Omd0mme`).
_TOKEN = re.compile(r"(?:[^\W_]|@)+")
_DIGIT = re.compile(r"\d")
_BLANK_LINES = re.compile(r"\n\n+")
# OCR reads the preposition `i` as `I`. Before a lower-case word it is the preposition, unless
# the word before it takes a Roman numeral (`pulje I`, `fase I`).
_CAPITAL_I = re.compile(r"\b([^\W\d_]+)(,? )I(?= [a-zæøå])")
_TAKES_NUMERAL = frozenset({"pulje", "fase", "del", "trinn", "nivå", "runde", "kapittel", "vedlegg", "tabell", "figur", "type"})


# Word hashes: a polynomial over a word's UTF-8 bytes and its end, modulo 2**64, mixed by
# splitmix64's finaliser; HASH_VERSION names the function in the cache's file names.
HASH_VERSION = 1
_BASE = 0x100000001B3
_MIX_BY = (0xBF58476D1CE4E5B9, 0x94D049BB133111EB)
_MIX = tuple(np.uint64(m) for m in _MIX_BY)
# _BASE's powers and its inverse's (modulo 2**64), as long as the longest text hashed yet.
_powers = np.ones(1, dtype=np.uint64)
_inverses = np.ones(1, dtype=np.uint64)
# Lists of at most this many words are looked up a word at a time, in Python.
_FEW_WORDS = 4
# The word lists are hashed this many characters at a time.
_BUILD_CHUNK_CHARS = 1 << 18


def word_hashes(words: list[str]) -> np.ndarray:
    """64-bit hashes of `words`, the same in every process: Python's own string hash is
    salted per process, and the word lists' hashes are kept between processes (hashes_of).
    Made for a whole list at once, in numpy."""
    data = ("\n".join(words) + "\n").encode("utf-8", "surrogatepass") if words else b""
    if data.count(b"\n") != len(words):  # a word holding a newline: read it as a space
        data = ("\n".join(w.replace("\n", " ") for w in words) + "\n").encode("utf-8", "surrogatepass")
    return _line_hashes(data)


_MASK = 2**64 - 1


def word_hash(word: str) -> int:
    """word_hashes of one word, in Python: a call of numpy's costs more than this whole loop
    (a lexicon asked of one word at a time, as OCR correction asks, paid 40 µs a word)."""
    h = 0
    for byte in reversed((word.replace("\n", " ") + "\n").encode("utf-8", "surrogatepass")):
        h = (h * _BASE + byte) & _MASK
    h ^= h >> 30
    h = (h * _MIX_BY[0]) & _MASK
    h ^= h >> 27
    h = (h * _MIX_BY[1]) & _MASK
    return h ^ (h >> 31)


def _line_hashes(data: bytes) -> np.ndarray:
    """The hash of each word of `data`, words each ended by a newline: the sum of its bytes
    times _BASE's powers by their place in the whole text, brought to the word's own places
    by the inverse power of its start (no array of each byte's place in its word)."""
    global _powers, _inverses
    if not data:
        return np.zeros(0, dtype=np.uint64)
    text = np.frombuffer(data, dtype=np.uint8)
    if len(_powers) < len(text):
        size = max(len(text), 2 * len(_powers))
        # products of uint64 arrays wrap around: modulo 2**64, as meant
        _powers, _inverses = (np.concatenate((np.ones(1, dtype=np.uint64), np.cumprod(np.full(size - 1, base, dtype=np.uint64))))
                              for base in (_BASE, pow(_BASE, -1, 2**64)))
    starts = np.concatenate(([0], np.flatnonzero(text == 10)[:-1] + 1))
    hashes = np.add.reduceat(text.astype(np.uint64) * _powers[:len(text)], starts) * _inverses[starts]
    hashes ^= hashes >> np.uint64(30)
    hashes *= _MIX[0]
    hashes ^= hashes >> np.uint64(27)
    hashes *= _MIX[1]
    hashes ^= hashes >> np.uint64(31)
    return hashes


def _made_hashes(files: tuple[Path, ...]) -> np.ndarray:
    """The word lists' hashes, sorted and unique (a set in 8 bytes a word), a megabyte of
    their text at a time, never as a Python string a word (1.3 million of those took 200 MB)."""
    parts = []
    for path in files:
        if not path.exists():
            continue
        with open(path, encoding="latin-1") as text:
            partial = ""
            while chunk := text.read(_BUILD_CHUNK_CHARS):
                lines, _, partial = (partial + chunk).lower().rpartition("\n")
                parts.append(_line_hashes(_BLANK_LINES.sub("\n", lines + "\n").lstrip("\n").encode("utf-8")))
            if partial:
                parts.append(word_hashes([partial]))
    return np.unique(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.uint64)


def _cache_file(files: tuple[Path, ...]) -> Path:
    """Where the hashes of `files` are kept: named by each list's size and time and the hash
    function's version, so a list updated by the system is hashed again."""
    stats = [f"{p.name}-{st.st_size}-{st.st_mtime_ns}" for p in files if p.exists() and (st := p.stat())]
    return cache.folder() / "wordlists" / f"hashes-v{HASH_VERSION}-{'-'.join(stats)}.npy"


def hashes_of(files: tuple[Path, ...]) -> np.ndarray:
    """The hashes of the word lists `files`, mapped from saman's cache folder (made and kept
    there by the first process that needs them: half a second of CPU that each process, the
    workers' fork server and saman's own, paid at its start); made in memory where the
    folder cannot be written or its file cannot be read."""
    path = _cache_file(files)
    try:
        return cache.map_npy(path)[0]
    except (OSError, ValueError):
        pass
    hashes = _made_hashes(files)
    try:
        cache.save_npy(path, hashes)
    except OSError:
        pass
    return hashes


@lru_cache(maxsize=1)
def _base_hashes() -> np.ndarray:
    """The hashes of the system's word lists, once a process."""
    return hashes_of(WORDLIST_FILES)


@lru_cache(maxsize=1)
def _real_word_confusions() -> dict[str, str]:
    pairs = {}
    for line in CONFUSIONS_FILE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            ocr_form, restored = line.split()
            pairs[ocr_form] = restored
    return pairs


@dataclass(frozen=True)
class _Site:
    start: int
    end: int
    letter: str
    cost: float


def _sites(word: str) -> list[_Site]:
    """Every place in a lower-case word where a restorable OCR form stands."""
    sites = []
    for form in _SITE_FORMS:
        start = word.find(form)
        while start != -1:
            for letter, cost in _SITES[form]:
                sites.append(_Site(start, start + len(form), letter, cost))
            start = word.find(form, start + 1)
    return sites


def _apply(word: str, sites: tuple[_Site, ...]) -> str:
    out, pos = [], 0
    for site in sorted(sites, key=lambda s: s.start):
        out.append(word[pos:site.start])
        out.append(site.letter)
        pos = site.end
    out.append(word[pos:])
    return "".join(out)


def _candidates(word: str, n_letters: int, limit: int) -> list[tuple[str, float]]:
    """Restorations of exactly `n_letters` non-overlapping sites, bounded in number."""
    sites = _sites(word)
    out: list[tuple[str, float]] = []
    for combo in itertools.combinations(sites, n_letters):
        spans = sorted((s.start, s.end) for s in combo)
        if any(a_end > b_start for (_, a_end), (b_start, _) in zip(spans, spans[1:])):
            continue
        out.append((_apply(word, combo), sum(s.cost for s in combo)))
        if len(out) >= limit:
            break
    return out


def _with_case(raw: str, restored: str) -> str:
    if len(raw) > 1 and raw.isupper():
        return restored.upper()
    if raw[:1].isupper():
        return restored[:1].upper() + restored[1:]
    return restored


class Lexicon:
    """Known Norwegian words (the word lists plus the caller's extra words) and the corrector."""

    def __init__(self, extra_words: Iterable[str] = (), names: Iterable[str] = ()) -> None:
        self._hashes = _base_hashes()
        self._names = frozenset(n.lower() for n in names if _TOKEN.fullmatch(n))
        self._extra = frozenset(
            part.lower() for w in extra_words for part in _TOKEN.findall(w) if part
        ) | self._names
        self._confusions = _real_word_confusions()

    def known_many(self, words: list[str]) -> np.ndarray:
        """Membership of lower-case words, as a boolean array (one vectorised search)."""
        if not words:
            return np.zeros(0, dtype=bool)
        if len(words) <= _FEW_WORDS:
            found = np.array([self._listed(word_hash(w)) for w in words], dtype=bool)
            if self._extra:
                found |= np.array([w in self._extra for w in words], dtype=bool)
            return found
        hashes = word_hashes(words)
        found = np.zeros(len(words), dtype=bool)
        if len(self._hashes):
            # looked for in order: each search then starts near the last (half the time of 1,500)
            order = np.argsort(hashes)
            idx = np.empty(len(words), dtype=np.int64)
            idx[order] = np.searchsorted(self._hashes, hashes[order]).clip(max=len(self._hashes) - 1)
            found = self._hashes[idx] == hashes
        if self._extra:
            found |= np.fromiter((w in self._extra for w in words), dtype=bool, count=len(words))
        return found

    def _listed(self, hashed: int) -> bool:
        """Whether one word's hash is the word lists'."""
        at = bisect.bisect_left(self._hashes, hashed)
        return at < len(self._hashes) and int(self._hashes[at]) == hashed

    def __contains__(self, word: str) -> bool:
        return bool(self.known_many([word.lower()])[0])

    def compounds(self, words: list[str]) -> np.ndarray:
        """Which words split into a known head and a known tail (a linking s or e allowed)."""
        owners, heads, tails = [], [], []
        for i, word in enumerate(words):
            for cut in range(_MIN_HEAD, len(word) - _MIN_TAIL + 1):
                head, tail = word[:cut], word[cut:]
                owners.append(i)
                heads.append(head)
                tails.append(tail)
                if head[-1] in "se" and len(head) > _MIN_HEAD:
                    owners.append(i)
                    heads.append(head[:-1])
                    tails.append(tail)
        result = np.zeros(len(words), dtype=bool)
        if heads:
            known = self.known_many(heads + tails)
            both = known[: len(heads)] & known[len(heads):]
            result[np.asarray(owners)[both]] = True
        return result

    def _best(self, candidates: list[tuple[str, float]], compounds: bool) -> str | None:
        """The cheapest listed (or, with `compounds`, compound) candidate; None if none or a tie."""
        if compounds:
            candidates = candidates[:MAX_COMPOUND_CANDIDATES]
            known = self.compounds([c for c, _ in candidates])
        else:
            known = self.known_many([c for c, _ in candidates])
        hits = sorted((cost, c) for (c, cost), ok in zip(candidates, known) if ok)
        if not hits or (len(hits) > 1 and hits[1][0] == hits[0][0] and hits[1][1] != hits[0][1]):
            return None
        return hits[0][1]

    def correct_word(self, token: str) -> str:
        """The token with lost æ/ø/å restored, or the token itself."""
        lower = token.lower()
        # A lone capital is a label (`A)`, `pulje A`) as often as a lost `Å`.
        if lower in self._confusions and not (len(token) == 1 and token.isupper()):
            return _with_case(token, self._confusions[lower])
        digits = _DIGIT.findall(lower)
        if sum(ch.isalpha() for ch in lower) < 2 or len(digits) > 2 or any(d not in "06" for d in digits):
            return token
        if len(lower) > MAX_WORD_LENGTH:
            return token
        if lower in self:
            name = None
            if token[:1].isupper() and len(lower) >= _MIN_NAME_LENGTH and lower not in self._names:
                name = self._restored_name(lower)
            return _with_case(token, name) if name else token
        # A listed word is direct evidence; a compound is only inferred, so compounds are
        # tried after every listed restoration failed (`Arsrapport` → `Årsrapport`, although
        # `ar` + `s` + `rapport` would pass as a compound).
        levels, budget = [], MAX_CANDIDATES
        for n_letters in range(1, MAX_RESTORED_LETTERS + 1):
            candidates = _candidates(lower, n_letters, budget)
            budget -= len(candidates)
            levels.append(candidates)
            best = self._best(candidates, compounds=False)
            if best is not None:
                return _with_case(token, best)
            if budget <= 0:
                break
        if len(lower) < _MIN_HEAD + _MIN_TAIL or self.compounds([lower])[0]:
            return token
        for candidates in levels:
            best = self._best(candidates, compounds=True)
            if best is not None:
                return _with_case(token, best)
        return token

    def _restored_name(self, lower: str) -> str | None:
        """The one place name that restoring letters of `lower` gives, if exactly one does."""
        found = {c for n in range(1, MAX_RESTORED_LETTERS + 1)
                 for c, _ in _candidates(lower, n, MAX_CANDIDATES) if c in self._names}
        return found.pop() if len(found) == 1 else None

    def correct_text(self, text: str) -> str:
        """The text with every token corrected; everything between tokens is kept as it was."""
        text = _TOKEN.sub(lambda m: self.correct_word(m.group(0)), text)
        return _CAPITAL_I.sub(_preposition_i, text)


def _preposition_i(match: re.Match[str]) -> str:
    word, between = match.group(1), match.group(2)
    keep = word.lower() in _TAKES_NUMERAL or word.isupper()
    return f"{word}{between}{'I' if keep else 'i'}"


@lru_cache(maxsize=8)
def lexicon(extra_words: frozenset[str] = frozenset(), names: frozenset[str] = frozenset()) -> Lexicon:
    """The lexicon for a set of extra words and names, built once per process and set of words."""
    return Lexicon(extra_words, names)


def correct_text(text: str, extra_words: frozenset[str] = frozenset(), names: frozenset[str] = frozenset()) -> str:
    """Restore lost æ/ø/å in OCR text; see the module docstring for what is and is not changed."""
    return lexicon(extra_words, names).correct_text(text)
