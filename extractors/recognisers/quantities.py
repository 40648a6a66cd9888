"""The grammar of a stated quantity: every explicit number a paragraph states, with its unit.

Not a component: the count recogniser (extractors.recognisers.counts) reads a page's title and
body text through it, and the measure recogniser the cells of tables that are neither a
municipality table nor a label → number table. `paragraphs(page)` splits a page as the rules
need (a bullet, or PDF lines joined where a sentence wraps, each with its parent bullet), and
`scan` finds in a paragraph

- digits and number words, bokmål and nynorsk: "18 prosjekter", "tolv kommunar", "To hovedretninger";
- scale words and currency: "ca. 50 millionar kroner" → 50000000 krone, approximate;
- percentages: "33 %" → 33 prosent;
- ratios: "12 av 16 kommuner har økt nærvær" → 12, of 16, unit kommune, subject "økt nærvær";

and `chart_quantities` the label–value lines of a chart flattened into text, under a title that
says what is counted ("Antall prosjekter per tema" / "Omdømme 7").

`unit` is the singular bokmål lemma of the counted noun (extractors.lang.units). `subject` is set
when the text says what the count is about, first of: the predicate of the sentence ("har økt
nærvær"), the first part of a compound unit ("18 sjukefråværsprosjekt" → sjukefråvær), what
the things are counted within ("Djupdykket i 16 kommunar" → djupdykket), a "pulje N" in the
sentence or its parent bullet, a year ("i 2014", or one that opens the sentence), a label
before a colon on the line or a parent bullet ending in one ("Sykefravær:"), the part after
the colon in the slide title ("Oppstartsrapportering: sykefravær").

Not counts, by rule: years (1900–2099 unless followed by kroner or %), dates ("8. mai",
"2.9."), ordinals ("hver 6.", "kvar 4. helg"), times ("kl. 10.30"), page and slide numbers
("side 3 av 12"), phone numbers, postal codes ("0032 Oslo"), list and section numbering
("1. nettverkssamling", "2 Resultat"), numbers after a label noun ("pulje 2", "Nettverkssamling
3", "Årsrapportering 1 og 2", "Gruppe 2", "Tiltak 4", "Kapittel 5"), versions ("versjon 2.1"), turnus names ("3+3", "2+2-turnus"),
durations used as adjectives ("2 års markering", "3-årig"), ranges ("2–3 kommuner": no single
value), a number with no counted noun after it, and the words "en/ei/ein" except in a ratio
("en av tre"), since they are the indefinite article far more often than the number one.
A label's own number does not swallow the count after it: "Gruppe 2, 17 prosjekter, 20
kommuner" and "Gruppe 2 – 17 prosjekter" count the 17 prosjekter (neither an enumeration of
labels, "1 og 2", nor a range, "2–3", begins at a label's number when a counted noun follows).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field

from extractors.lang.numbers import ONE_WORDS, SCALES, parse_digits, parse_number_words, word_value
from extractors.lang.units import is_unit_word, split_unit
from extractors.lang.words import BULLET, CURRENCY_WORDS, MONTHS, PERCENT_WORDS, SUB_BULLET_GLYPHS
from models import Block, Page

_TOKEN = re.compile(r"\d+(?:[.,:/]\d+)*|[^\W\d_]+(?:[-/'][^\W\d_]+)*-?|\S")
_THOUSANDS_GAP = re.compile(r"^[ \u00a0\u202f]$")

APPROX = frozenset("ca ca. cirka omkring rundt omlag anslagsvis bortimot nærmere drøyt nesten over under".split())
# Nouns after which a number is a name or a position, not a quantity.
LABEL_NOUNS = frozenset(
    "pulje puljen pulja side sida s slide lysbilde figur fig tabell vedlegg kapittel kap punkt pkt "
    "sak fase trinn steg del versjon ver v nr nummer uke veke kl klokka klokken postboks pb boks "
    "tlf telefon mobil tel gruppe modul runde kull rom nettverkssamling samling tiltak tema område "
    "delprosjekt aktivitet avsnitt alternativ case eksempel periode".split()
)

LABEL_SUFFIXES = ("rapportering", "rapporteringa", "rapporteringen", "samling", "samlinga", "samlingen")
# Words a counted noun can be preceded by between the number and the noun.
ADJECTIVES = frozenset(
    "nye nya ulike forskjellige deltakende deltakande aktive store små gode andre sentrale "
    "lokale tidligere tidlegare faste frivillige viktige nyttige".split()
)
# Words that are never the counted noun.
STOPWORDS = frozenset(
    "og eller i av på til med for fra frå om som er var har hadde blir ble vert vart kan skal vil "
    "må det den de dei der her at en ei ein et eit ett eitt men enn så også ogso òg ikkje ikke "
    "ved etter før under over mot hos per pr mellom seg sin sitt sine år års årleg årlig "
    "gang gonger ganger siden sidan".split()
) | MONTHS
VERBS = frozenset("har hadde fikk får fekk viser viste synte gav ga gjev gir".split())
SUBJECT_SKIP = frozenset("i sum allerede alt no nå fortsatt framleis".split())
SUBJECT_STOP = frozenset(
    "siden sidan sammenlignet samanlikna sammenliknet enn fra frå i på til med ved etter før og "
    "eller som men da då når der at om".split()
)
_YEAR = re.compile(r"^(19|20)\d\d$")
_TITLE_COUNTED = re.compile(r"^(?:antall|antal|tal på|talet på)\s+([^\W\d_]+)", re.IGNORECASE)
_LABEL_VALUE_LINE = re.compile(r"^([^\W\d_][^\d]*?)\s+(\d+(?:,\d+)?)\s*(%?)$")
# A count's sentence is looked for this many tokens either side of it at most: a text of
# megabytes without a full stop (one shape holding a whole report) would otherwise cost the
# square of its length.
MAX_SENTENCE_TOKENS = 120


@dataclass
class Token:
    text: str
    start: int
    end: int

    @property
    def low(self) -> str:
        return self.text.lower()

    @property
    def is_num(self) -> bool:
        return self.text[0].isdigit()

    @property
    def is_word(self) -> bool:
        return self.text[0].isalpha()


@dataclass
class Quantity:
    """A quantity found in a paragraph, before it becomes a record."""

    value: float
    unit: str
    text: str
    of: float | None = None
    approximate: bool = False
    subject: str | None = None
    known_unit: bool = True


@dataclass
class Paragraph:
    """A paragraph of text: one slide bullet, or PDF lines joined where a sentence wraps."""

    text: str
    level: int
    block: Block
    last: Block | None = None  # the last PDF line joined into this paragraph
    parent: Paragraph | None = None
    tokens: list[Token] = field(default_factory=list)


def tokenize(text: str) -> list[Token]:
    """Words, numbers and punctuation with offsets; "1 200" is joined into one number.

    A regex rather than spaCy's tokenizer: the rules below need "8,5", "2.9." and "10:30" as
    single tokens and "8.mai" or "3+3" split at exactly the places a count would not be.
    """
    raw = [Token(m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(text)]
    out: list[Token] = []
    for tok in raw:
        prev = out[-1] if out else None
        if (
            prev is not None
            and tok.text.isdigit() and len(tok.text) == 3
            and re.fullmatch(r"\d{1,3}(?:[ \u00a0\u202f]\d{3})*", prev.text)
            and _THOUSANDS_GAP.match(text[prev.end : tok.start])
            and not _YEAR.match(prev.text)
        ):
            out[-1] = Token(text[prev.start : tok.end], prev.start, tok.end)
            continue
        out.append(tok)
    return out


def _attached(a: Token, b: Token) -> bool:
    return a.end == b.start


def _subject_text(words: list[str]) -> str | None:
    if not words:
        return None
    text = " ".join(words)
    return text if text.isupper() else text[:1].lower() + text[1:]


class _Scanner:
    """Finds quantities in one line, given its tokens."""

    def __init__(self, line: Paragraph, title_subject: str | None) -> None:
        self.line = line
        self.toks = line.tokens
        self.title_subject = title_subject
        self.colons = [k for k, t in enumerate(self.toks) if t.text == ":"]

    def at(self, i: int) -> Token | None:
        return self.toks[i] if 0 <= i < len(self.toks) else None

    def low(self, i: int) -> str:
        tok = self.at(i)
        return tok.low if tok else ""

    # -- what a number is not -------------------------------------------------------------

    def _is_label_number(self, i: int) -> bool:
        """A number that names or numbers something: "pulje 2", "Årsrapportering 1 og 2"."""
        prev = self.at(i - 1)
        if prev is None:
            return False
        if prev.is_word and (prev.low in LABEL_NOUNS or prev.low.endswith(LABEL_SUFFIXES)):
            return True
        if prev.low in ("og", ",", "-", "–") and self.at(i - 2) is not None and self.at(i - 2).is_num:
            # `Årsrapportering 1 og 2`, but not `Gruppe 2, 17 prosjekter`: a counted noun ends the labels
            return self._noun_after(i + 1) is None and self._is_label_number(i - 2)
        return False

    def _not_a_count(self, i: int) -> bool:
        tok, nxt, prev = self.toks[i], self.at(i + 1), self.at(i - 1)
        if any(c in tok.text for c in ":/") or (("." in tok.text) and parse_digits(tok.text) is None):
            return True  # times, dates, fractions, versions: 10:30, 2.9, 3/12, 2.1
        if (nxt is not None and nxt.text == "+" and _attached(tok, nxt)) or (
            prev is not None and prev.text == "+" and _attached(prev, tok)
        ):
            return True  # turnus names and phone prefixes: 3+3, +47
        if nxt is not None and nxt.text == "." and _attached(tok, nxt):
            after = self.at(i + 2)
            if after is None or after.low in MONTHS or after.text[:1].islower() or i == 0:
                return True  # dates, ordinals ("hver 6."), list numbering ("1. ...")
        if nxt is not None and (nxt.low in MONTHS or nxt.low.rstrip(".") in MONTHS):
            return True  # "8 mai"
        if nxt is not None and nxt.text in ("-", "–") and self.at(i + 2) is not None:
            return True  # ranges and compound adjectives: 2-3, 3-årig
        if nxt is not None and nxt.low in ("års", "årig", "årige"):
            return True  # "2 års markering"
        if i == 0 and nxt is not None and nxt.is_word and nxt.text[0].isupper() and not nxt.text.isupper():
            return True  # section numbers: "2 Resultat"
        if _YEAR.match(tok.text):
            return not (nxt is not None and (nxt.low in CURRENCY_WORDS or nxt.low in PERCENT_WORDS))
        if len(tok.text) == 4 and nxt is not None and nxt.is_word and nxt.text[0].isupper():
            return True  # postal code: "0032 Oslo"
        if len(tok.text) >= 8 or self._phone_run(i):
            return True
        if prev is not None and prev.low.rstrip(".") in ("kl", "klokka", "klokken", "tlf", "telefon"):
            return True
        if (prev is not None and prev.text in ("-", "–") and self.at(i - 2) is not None and self.at(i - 2).is_num
                and not self._is_label_number(i - 2)):
            return True  # second half of a range (`Gruppe 2 – 17 prosjekter` is none)
        return self._is_label_number(i)

    def _phone_run(self, i: int) -> bool:
        """Three or more 2–3 digit groups in a row: "22 24 90 90"."""
        j = i
        while j > 0 and self.toks[j - 1].is_num:
            j -= 1
        k = j
        while k < len(self.toks) and self.toks[k].is_num and len(self.toks[k].text) in (2, 3):
            k += 1
        return k - j >= 3

    # -- what follows a number ------------------------------------------------------------

    def _noun_after(self, i: int) -> int | None:
        """Index of the counted noun at or after i (skipping a few adjectives), or None."""
        j = i
        while self.at(j) is not None and self.low(j) in ADJECTIVES:
            j += 1
        tok = self.at(j)
        if tok is None or not tok.is_word:
            return None
        word = tok.text.rstrip("-")
        if tok.low in STOPWORDS or tok.low in APPROX or len(word) < 2:
            return None
        if word[0].isupper() and not word.isupper() and not is_unit_word(word):
            return None  # a name or a new sentence, not a counted noun
        return j

    def _number_at(self, i: int) -> tuple[float, int, bool] | None:
        """(value, tokens used, written as words) for the number starting at token i."""
        tok = self.at(i)
        if tok is None:
            return None
        if tok.is_num:
            value = parse_digits(tok.text)
            return None if value is None else (value, 1, False)
        if tok.is_word:
            if word_value(tok.text) is None and tok.low not in ("hundre", "tusen"):
                return None
            words: list[str] = []
            for t in self.toks[i : i + 6]:
                if not t.is_word:
                    break
                words.append(t.text)
            parsed = parse_number_words(words)
            if parsed is not None:
                return float(parsed[0]), parsed[1], True
        return None

    def _approx_before(self, i: int) -> int | None:
        """Index where an approximation word before token i starts ("ca.", "om lag")."""
        prev = self.at(i - 1)
        if prev is None:
            return None
        if prev.text == "." and self.low(i - 2) == "ca":
            return i - 2
        if prev.low in APPROX:
            return i - 1
        if prev.low == "lag" and self.low(i - 2) == "om":
            return i - 2
        return None

    # -- subjects ---------------------------------------------------------------------------

    def _sentence_bounds(self, i: int) -> tuple[int, int]:
        start, lowest = i, max(0, i - MAX_SENTENCE_TOKENS)
        while start > lowest and not self._sentence_end(start - 1):
            start -= 1
        end, highest = i, min(len(self.toks) - 1, i + MAX_SENTENCE_TOKENS)
        while end < highest and not self._sentence_end(end):
            end += 1
        return start, end

    def _sentence_end(self, j: int) -> bool:
        tok, nxt = self.toks[j], self.at(j + 1)
        if tok.text in (";", "!", "?"):
            return True
        return tok.text == "." and nxt is not None and nxt.text[:1].isupper() and self.low(j - 1) != "ca"

    def _predicate(self, j: int) -> str | None:
        """What the counted things have or do: "kommuner har (i 2013) økt nærvær" → "økt nærvær"."""
        k = j + 1
        if self.low(k) == "som":
            k += 1
        if self.low(k) not in VERBS:
            return None
        k += 1
        while self.at(k) is not None:
            if self.low(k) == "i" and self.at(k + 1) is not None and _YEAR.match(self.toks[k + 1].text):
                k += 2
            elif self.low(k) in SUBJECT_SKIP and self.low(k) != "i":
                k += 1
            else:
                break
        words: list[str] = []
        while self.at(k) is not None and self.toks[k].is_word and self.low(k) not in SUBJECT_STOP and len(words) < 3:
            words.append(self.toks[k].text)
            k += 1
        return _subject_text(words)

    def _pulje(self, tokens: list[Token]) -> str | None:
        for a, b in zip(tokens, tokens[1:]):
            if a.low.startswith("pulje") and b.is_num:
                return f"pulje {b.text}"
        return None

    def _year(self, lo: int, hi: int) -> str | None:
        """"i 2014" in the sentence, or a year that opens it ("2014 heldt sekretariatet ...")."""
        if _YEAR.match(self.toks[lo].text):
            return self.toks[lo].text
        for k in range(lo, hi + 1):
            if self.low(k) == "i" and self.at(k + 1) is not None and _YEAR.match(self.toks[k + 1].text):
                return self.toks[k + 1].text
        return None

    def _container(self, i: int, start: int) -> str | None:
        """What the counted things are part of: "Djupdykket i 16 kommunar" → "djupdykket"."""
        before, noun = self.at(start - 1), self.at(start - 2)
        if before is None or before.low not in ("i", "blant") or noun is None or not noun.is_word:
            return None
        if noun.low in STOPWORDS or _YEAR.match(noun.text) or noun.low.startswith("pulje"):
            return None
        return _subject_text([noun.text])

    def _subject(self, i: int, start: int, noun: int | None, modifier: str | None) -> str | None:
        if noun is not None:
            predicate = self._predicate(noun)
            if predicate:
                return predicate
        if modifier:
            return modifier
        container = self._container(i, start)
        if container:
            return container
        lo, hi = self._sentence_bounds(i)
        pulje = self._pulje(self.toks[lo : hi + 1])
        parent = self.line.parent
        if pulje is None and parent is not None:
            pulje = self._pulje(parent.tokens)
        if pulje:
            return pulje
        year = self._year(lo, hi)
        if year:
            return year
        label = self._line_label(i)
        if label:
            return label
        return self.title_subject

    def _line_label(self, i: int) -> str | None:
        """"Sykefravær: 18 prosjekter" or a parent bullet "Sykefravær:" → "sykefravær"."""
        nearest = bisect_left(self.colons, i) - 1  # the last colon before token i, if any
        if nearest >= 0 and self.colons[nearest] > 0:
            k = self.colons[nearest]
            words: list[str] = []
            for t in (self.toks[j] for j in range(k)):
                if t.is_word:
                    words.append(t.text)
                    if len(words) > 4:
                        return None
            return _subject_text(words) if words else None
        parent = self.line.parent
        if parent is not None and parent.text.rstrip().endswith(":"):
            words = [t.text for t in parent.tokens if t.is_word]
            return _subject_text(words) if 0 < len(words) <= 4 else None
        return None

    # -- the scan ---------------------------------------------------------------------------

    def scan(self) -> list[Quantity]:
        found: list[Quantity] = []
        i = 0
        while i < len(self.toks):
            hit = self._count_at(i)
            if hit is None:
                i += 1
                continue
            item, next_i = hit
            found.append(item)
            i = next_i
        return found

    def _count_at(self, i: int) -> tuple[Quantity, int] | None:
        """The quantity that starts at token i and the index after it, or None."""
        tok = self.toks[i]
        if tok.is_num and self._not_a_count(i):
            return None
        if tok.low in ONE_WORDS and self.low(i + 1) == "av" and self._number_at(i + 2) is not None:
            value, used, as_words = 1.0, 1, True  # "en av tre"
        else:
            number = self._number_at(i)
            if number is None:
                return None
            value, used, as_words = number
        if as_words and self.low(i + used) == "eller":
            return None  # "eitt eller fleire": an idiom, not a quantity
        approx_start = self._approx_before(i)
        start = i if approx_start is None else approx_start
        approximate = approx_start is not None
        if self.low(start - 1) in ("kr", "nok") or (self.low(start - 1) == "." and self.low(start - 2) == "kr"):
            return self._currency_first(i, start - (2 if self.low(start - 1) == "." else 1), value, used, approximate)
        j = i + used
        of = None
        if self.low(j) == "av" and (whole := self._number_at(j + 1)) is not None:
            of = whole[0]
            j += 1 + whole[1]
        nxt = self.at(j)
        if nxt is not None and nxt.low in PERCENT_WORDS and of is None:
            return self._make(i, start, j, value, PERCENT_WORDS[nxt.low], approximate, of, None, None)
        scale = self._scale(j, as_words)
        if scale != 1:
            j += 2 if self.low(j + 1) == "." and _attached(self.toks[j], self.toks[j + 1]) else 1
        nxt = self.at(j)
        if nxt is not None and nxt.low in CURRENCY_WORDS:
            return self._make(i, start, j, value * scale, "krone", approximate, of, None, None)
        noun = self._noun_after(j)
        if noun is None:
            return self._parenthetical(i, value, approximate) if tok.is_num else None
        word = self.toks[noun].text.rstrip("-")
        if as_words and not is_unit_word(word):
            return None  # "to", "tre", "fire", "ni" are also ordinary words: as numbers they count a known noun
        unit = split_unit(word)
        return self._make(i, start, noun, value * scale, unit.lemma, approximate, of, noun, unit.modifier, unit.known)

    def _scale(self, j: int, as_words: bool) -> int:
        """The multiplier a scale word at token j gives ("millionar", "mrd."); "to hundre" was
        already read as a number, so "hundre" after number words is not a scale again."""
        word = self.low(j).rstrip(".")
        if word not in SCALES or (as_words and word in ("hundre", "tusen")):
            return 1
        return SCALES[word]

    def _currency_first(self, i: int, start: int, value: float, used: int, approximate: bool) -> tuple[Quantity, int]:
        j = i + used
        scale = 1
        nxt = self.at(j)
        if nxt is not None and nxt.low.rstrip(".") in SCALES:
            scale = SCALES[nxt.low.rstrip(".")]
        end = j if scale != 1 else i + used - 1
        return self._make(i, start, end, value * scale, "krone", approximate, None, None, None)

    def _parenthetical(self, i: int, value: float, approximate: bool) -> tuple[Quantity, int] | None:
        """"Temaverksted (3 i 2014)": the number in brackets counts the noun before them."""
        if self.low(i - 1) != "(" or self.at(i - 2) is None or not self.toks[i - 2].is_word:
            return None
        close = next((k for k in range(i + 1, min(i + 5, len(self.toks))) if self.toks[k].text == ")"), None)
        if close is None:
            return None
        unit = split_unit(self.toks[i - 2].text)
        year = self._year(i + 1, close)
        text = self.line.text[self.toks[i - 2].start : self.toks[close].end]
        found = Quantity(value, unit.lemma, text, None, approximate, year or unit.modifier or self.title_subject, unit.known)
        return found, close + 1

    def _make(
        self, i: int, start: int, end: int, value: float, unit: str, approximate: bool,
        of: float | None, noun: int | None, modifier: str | None, known: bool = True,
    ) -> tuple[Quantity, int]:
        text = re.sub(r"\s+", " ", self.line.text[self.toks[start].start : self.toks[end].end])
        subject = self._subject(i, start, noun, modifier)
        return Quantity(value, unit, text, of, approximate, subject, known), end + 1


def paragraphs(page: Page) -> list[Paragraph]:
    """Title and body blocks as paragraphs, wrapped PDF lines joined, bullets given parents."""
    lines: list[Paragraph] = []
    for block in page.blocks:
        if block.role not in ("title", "body") or not block.text.strip():
            continue
        text = block.text
        bullet = BULLET.match(text)
        level = block.level
        if bullet:
            text = text[bullet.end():]
            if block.level == 0 and bullet.group(1) in SUB_BULLET_GLYPHS:
                level = 1
        prev = lines[-1] if lines else None
        if page.kind == "page" and prev is not None and bullet is None and _wraps(prev, block, text):
            prev.text = f"{prev.text} {text}"
            prev.last = block
            continue
        lines.append(Paragraph(text=text, level=level, block=block, last=block))
    for n, line in enumerate(lines):
        line.tokens = tokenize(line.text)
        line.parent = next((p for p in reversed(lines[:n]) if p.level < line.level and p.block.role == "body"), None)
    return lines


def _wraps(prev: Paragraph, block: Block, text: str) -> bool:
    """Whether a PDF line continues the sentence above it rather than starting a new item.

    A continuation sits right under the line above (a gap under one line height), is not
    indented deeper, and starts in lower case ("kroner årleg.", "september og ..."). A line
    that starts with a capital or a digit is taken as a new item, except a number under a line
    that ends in a label noun ("... i pulje" / "1. Dei fleste"), which is that label's number.
    """
    above = prev.last
    last_word = prev.text.rsplit(None, 1)[-1].lower() if prev.text.split() else ""
    starts = text[:1].islower() or (text[:1].isdigit() and last_word in LABEL_NOUNS)  # "i pulje" / "1. Dei"
    if above is None or above.role != block.role or not starts or block.level > above.level:
        return False
    if above.bbox is not None and block.bbox is not None:
        height = above.bbox[3] - above.bbox[1]
        return block.bbox[1] - above.bbox[3] <= 0.8 * height
    return True


def title_subject(title: str) -> str | None:
    """The topic after the colon in a slide title: "Oppstartsrapportering: sykefravær" → "sykefravær"."""
    if ":" not in title:
        return None
    topic = title.split(":", 1)[1].strip()
    return _subject_text(topic.split()) if topic and len(topic.split()) <= 4 else None


def scan(line: Paragraph, subject: str | None = None) -> list[Quantity]:
    """Every quantity in one paragraph; `subject` is the fallback topic (a slide title's)."""
    if not line.tokens:
        line.tokens = tokenize(line.text)
    return _Scanner(line, subject).scan()


def chart_quantities(title: str, lines: list[Paragraph]) -> list[tuple[Paragraph, Quantity]]:
    """A chart flattened into text lines ("Omdømme 7") under a title that says what is counted."""
    m = _TITLE_COUNTED.match(title)
    if not m:
        return []
    unit = split_unit(m.group(1))
    out = []
    for line in lines:
        if line.block.role != "body":
            continue
        lm = _LABEL_VALUE_LINE.match(line.text.strip())
        if lm and not _YEAR.match(lm.group(2)):
            value = parse_digits(lm.group(2))
            if value is not None:
                out.append((line, Quantity(value, "prosent" if lm.group(3) else unit.lemma, line.text.strip(), subject=lm.group(1).strip())))
    return out
