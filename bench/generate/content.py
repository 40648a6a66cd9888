"""What a generated document says: the programme's facts, drawn from a seed, with their gold.

Every fact a page states is chosen here and kept beside the text that states it: the
municipality mentions (kommunenummer as of the document's date, read from the gazetteer's
data file, not through the recogniser), the counts with their value and unit, the tables
cell by cell. The drawing (draw.py) only places this text; the gold is never typed twice.

Text also holds what real documents hold and the programme's decks seldom do: people's names
whose surnames are municipality names, places that are not municipalities, years, dates,
phone numbers and page numbers. None of these is in the gold: a reader that reports them
loses precision.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
KOMMUNER_CSV = REPO / "extractors" / "gazetteer" / "data" / "kommuner.csv"
FALSE_FRIENDS = REPO / "extractors" / "gazetteer" / "data" / "false_friends.txt"

PROGRAMME = "Saman om ein betre kommune"
DEPARTMENTS = ("Kommunal- og regionaldepartementet", "Kommunal- og moderniseringsdepartementet", "KS")
MONTHS_NB = ("januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september", "oktober",
             "november", "desember")
NBSP = "\u00a0"  # between a number and its unit, as Norwegian typesetting keeps them on one line

THEMES = {
    "sykefravaer": {"nb": "sykefravær", "nn": "sjukefråvær", "title_nb": "Nærvær og sykefravær",
                    "title_nn": "Nærvær og sjukefråvær",
                    "measures": ["Oppfølging av sykemeldte", "Nærværssamtaler", "Tilrettelegging", "Lederopplæring",
                                 "IA-avtale", "Bedriftshelsetjeneste", "Trivselstiltak"]},
    "heltid_deltid": {"nb": "heltid og deltid", "nn": "heiltid og deltid", "title_nb": "Heltid og deltid",
                      "title_nn": "Heiltid og deltid",
                      "measures": ["Langvakter helg", "3+3", "Ønsketurnus", "Vikarpool", "Økt grunnbemanning",
                                   "Kombinerte stillinger", "Ikke bestemt"]},
    "kompetanse_rekruttering": {"nb": "kompetanse og rekruttering", "nn": "kompetanse og rekruttering",
                                "title_nb": "Kompetanse og rekruttering", "title_nn": "Kompetanse og rekruttering",
                                "measures": ["Kompetanseplan", "Lærlinger", "Videreutdanning", "Mentorordning",
                                             "Traineeprogram", "Stipend", "Rekrutteringsplan"]},
    "omdomme": {"nb": "omdømme", "nn": "omdømme", "title_nb": "Omdømme og arbeidsgiverpolitikk",
                "title_nn": "Omdømme og arbeidsgjevarpolitikk",
                "measures": ["Omdømmeplan", "Ambassadører", "Nettside", "Mediestrategi", "Brukerundersøkelse",
                             "Stolthetskampanje", "Medarbeiderundersøkelse"]},
    "innovasjon": {"nb": "innovasjon", "nn": "innovasjon", "title_nb": "Innovasjon i tenestene",
                   "title_nn": "Innovasjon i tenestene",
                   "measures": ["Velferdsteknologi", "Tjenestedesign", "Piloter", "Samskaping",
                                "Digitalisering", "Innovasjonsplan", "Gevinstrealisering"]},
}

# Surnames that are municipality names and given names: the people of real lists.
GIVEN_NAMES = ("Kari", "Ola", "Per", "Anne", "Hans", "Ingrid", "Knut", "Marit", "Nils", "Astrid", "Jon", "Liv",
               "Tone", "Arne", "Siri", "Bjørn", "Randi", "Lars", "Gunn", "Odd")
PERSON_SURNAMES = ("Stryn", "Hole", "Lunner", "Fjell", "Berg", "Lier", "Voss", "Gran", "Hamar", "Moss", "Bø",
                   "Sola", "Tinn", "Vik", "Dal", "Nordmann", "Hansen", "Johansen", "Olsen", "Larsen")
NOT_MUNICIPALITIES = ("Gardermoen", "Oslofjorden", "Jotunheimen", "Nordmarka", "Lofoten", "Hardanger",
                      "Romerike", "Sunnmøre", "Finnskogen", "Soria Moria", "Thon Hotel Opera", "Quality Hotel Expo")


@dataclass(frozen=True)
class Kommune:
    number: str
    name: str
    fylke: str


@dataclass
class Sentence:
    """A line or paragraph of running text with the facts it states."""

    text: str
    mentions: list[str] = field(default_factory=list)  # kommunenummer, in order
    names: list[str] = field(default_factory=list)     # the surface of each mention, to place it on a line
    counts: list[tuple[float, str]] = field(default_factory=list)  # (value, unit)


@dataclass
class TableSpec:
    """A table as a reader should return it: "" for cells a merge covers (the text in the first)."""

    rows: list[list[str]]
    kind: str
    header_rows: int = 1
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # (row0, col0, row1, col1)
    numeric: frozenset[int] = frozenset()  # right-aligned columns
    mentions: dict[int, str] = field(default_factory=dict)  # row → kommunenummer of its municipality cell
    wrap: frozenset[int] = frozenset()  # columns whose long text wraps inside the cell


@dataclass
class Content:
    """Everything one document says, before it is laid out."""

    language: str
    day: date
    theme: str
    place: Kommune
    title: str
    subtitle: str
    date_line: str
    sentences: list[Sentence]
    table: TableSpec
    department: str


@lru_cache(maxsize=8)
def kommuner_at(day: date) -> tuple[Kommune, ...]:
    """The municipalities valid on `day`, from the gazetteer's data file."""
    out = []
    with open(KOMMUNER_CSV, encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["valid_from"] <= day.isoformat() and (not row["valid_to"] or day.isoformat() < row["valid_to"]):
                out.append(Kommune(row["kommunenummer"], row["name"], row["fylke"]))
    return tuple(out)


@lru_cache(maxsize=1)
def false_friends() -> frozenset[str]:
    lines = FALSE_FRIENDS.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def _pools(day: date) -> tuple[list[Kommune], list[Kommune], list[Kommune]]:
    """(names safe in running text, names for a plain municipality column, every municipality).

    A name shared by two municipalities needs its county beside it, so it stands only in a
    table with a county column; a name that is also a word (Time, Moss) needs a place-name
    context, so it stands in tables, not in sentences; running text also avoids names of
    more than one word (a wrapped line could part them).
    """
    every = list(kommuner_at(day))
    names = [k.name for k in every]
    shared = {n for n in names if names.count(n) > 1}
    column = [k for k in every if k.name not in shared]
    text = [k for k in column if k.name not in false_friends() and " " not in k.name]
    return text, column, every


def _date_line(rng: random.Random, place: Kommune, day: date) -> str:
    if rng.random() < 0.5:
        return f"{place.name}, {day.day}. {MONTHS_NB[day.month - 1]} {day.year}"
    return f"{place.name} {day.day:02d}.{day.month:02d}.{day.year}"


def _n(value: int | float) -> str:
    return f"{value:g}".replace(".", ",")


def fact_sentences(rng: random.Random, language: str, theme: str, pool: list[Kommune], day: date,
                   n: int) -> list[Sentence]:
    """`n` sentences stating counts about municipalities, each with its facts."""
    words = THEMES[theme]
    nn = language == "nn"
    out: list[Sentence] = []
    for _ in range(n):
        k = rng.choice(pool)
        kind = rng.randrange(7)
        if kind == 0:
            v = rng.randint(3, 40)
            text = (f"{v}{NBSP}kommunar deltek i nettverket for {words['nn']}." if nn
                    else f"{v}{NBSP}kommuner deltar i nettverket for {words['nb']}.")
            out.append(Sentence(text, counts=[(v, "kommune")]))
        elif kind == 1:
            v = rng.randint(4, 120)
            text = (f"I {k.name} har {v}{NBSP}tilsette fått større stillingar." if nn
                    else f"I {k.name} har {v}{NBSP}ansatte fått økt stillingsstørrelse.")
            out.append(Sentence(text, [k.number], [k.name], [(v, "ansatt")]))
        elif kind == 2:
            v = rng.randint(2, 12)
            text = (f"{k.name} kommune har sett i gang {v}{NBSP}tiltak i prosjektet." if nn
                    else f"{k.name} kommune har satt i gang {v}{NBSP}tiltak i prosjektet.")
            out.append(Sentence(text, [k.number], [k.name], [(v, "tiltak")]))
        elif kind == 3:
            v = rng.choice([1, 1.5, 2, 2.5, 3, 4, 5])
            text = (f"Prosjektet i {k.name} fekk {_n(v)}{NBSP}millionar kroner i skjønsmidlar." if nn
                    else f"Prosjektet i {k.name} fikk {_n(v)}{NBSP}millioner kroner i skjønnsmidler.")
            out.append(Sentence(text, [k.number], [k.name], [(v * 1_000_000, "krone")]))
        elif kind == 4:
            v = rng.randint(2, 30)
            y0 = day.year - rng.randint(1, 2)
            text = (f"Sjukefråværet i {k.name} gjekk ned med {v}{NBSP}prosent frå {y0} til {day.year}." if nn
                    else f"Sykefraværet i {k.name} gikk ned med {v}{NBSP}prosent fra {y0} til {day.year}.")
            out.append(Sentence(text, [k.number], [k.name], [(v, "prosent")]))
        elif kind == 5:
            v, pulje = rng.randint(6, 40), rng.randint(1, 3)
            text = (f"Til saman {v}{NBSP}prosjekt er med i pulje {pulje}." if nn
                    else f"Til sammen {v}{NBSP}prosjekter er med i pulje {pulje}.")
            out.append(Sentence(text, counts=[(v, "prosjekt")]))
        else:
            v = rng.randint(5, 80)
            text = (f"{v}{NBSP}deltakarar frå {k.name} var med på samlinga." if nn
                    else f"{v}{NBSP}deltakere fra {k.name} var med på samlingen.")
            out.append(Sentence(text, [k.number], [k.name], [(v, "deltaker")]))
    return out


def distractors(rng: random.Random, language: str, day: date, n: int) -> list[Sentence]:
    """Sentences with no fact in the gold: people, places that are no municipality, dates,
    phone numbers. Real documents are full of them."""
    nn = language == "nn"
    out = []
    for _ in range(n):
        kind = rng.randrange(4)
        person = f"{rng.choice(GIVEN_NAMES)} {rng.choice(PERSON_SURNAMES)}"
        if kind == 0:
            phone = f"{rng.randint(40, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}"
            text = f"Kontaktperson: {person}, tlf. {phone}"
        elif kind == 1:
            place = rng.choice(NOT_MUNICIPALITIES)
            text = (f"Samlinga vart halden på {place} {day.day}. {MONTHS_NB[day.month - 1]} {day.year}." if nn
                    else f"Samlingen ble holdt på {place} {day.day}. {MONTHS_NB[day.month - 1]} {day.year}.")
        elif kind == 2:
            text = (f"Prosjektleiar {person} presenterte erfaringane frå {day.year - 1}." if nn
                    else f"Prosjektleder {person} presenterte erfaringene fra {day.year - 1}.")
        else:
            text = (f"Neste samling er planlagd til hausten {day.year + 1}." if nn
                    else f"Neste samling er planlagt til høsten {day.year + 1}.")
        out.append(Sentence(text))
    return out


def measure_table(rng: random.Random, theme: str, column: list[Kommune], n_rows: int, n_cols: int,
                  merged_header: bool, wrapped: bool) -> TableSpec:
    """A municipality × measure matrix (`x`, `hver 4.`, blank), the programme's commonest table."""
    measures = rng.sample(THEMES[theme]["measures"], k=min(n_cols - 1 - int(wrapped), 7))
    chosen = rng.sample(column, k=n_rows)
    header = ["Kommune", *measures] + (["Kommentar"] if wrapped else [])
    body, mentions = [], {}
    notes = ("Starta opp hausten etter første samling", "Ventar på vedtak i kommunestyret",
             "Samarbeid med tillitsvalde og verneombod", "Tiltaket vert evaluert neste år")
    for k in chosen:
        cells = [rng.choice(["x", "x", "", "", "hver 4.", "Hver 6."]) for _ in measures]
        row = [k.name, *cells] + ([rng.choice(notes)] if wrapped else [])
        mentions[len(body) + (2 if merged_header else 1)] = k.number
        body.append(row)
    wrap = frozenset({len(header) - 1}) if wrapped else frozenset()
    if not merged_header or len(measures) < 2:
        return TableSpec([header, *body], "measures", mentions=mentions, wrap=wrap)
    # Two header rows: `Tiltak` spans the measure columns, `Kommune` spans both rows.
    top = ["Kommune", "Tiltak"] + [""] * (len(measures) - 1) + (["Kommentar"] if wrapped else [])
    second = [""] + measures + ([""] if wrapped else [])
    merges = [(0, 0, 1, 0), (0, 1, 0, len(measures))] + ([(0, len(header) - 1, 1, len(header) - 1)] if wrapped else [])
    return TableSpec([top, second, *body], "measures", header_rows=2, merges=merges, mentions=mentions, wrap=wrap)


def participant_table(rng: random.Random, every: list[Kommune], n_rows: int, n_cols: int) -> TableSpec:
    """Municipality, county and numbers right-aligned: shared names are told apart by their county."""
    chosen = rng.sample(every, k=n_rows)
    header = ["Kommune", "Fylke", "Deltakere", "Andel heltid", "Prosjekter", "Årsverk"][:max(3, n_cols)]
    body, mentions = [], {}
    for k in chosen:
        values = [str(rng.randint(4, 250)), f"{rng.randint(10, 90)} %", str(rng.randint(1, 6)), _n(rng.randint(10, 400) / 10)]
        mentions[len(body) + 1] = k.number
        body.append([k.name, k.fylke, *values][:len(header)])
    return TableSpec([header, *body], "participants", numeric=frozenset(range(2, len(header))), mentions=mentions)


def theme_table(rng: random.Random, language: str) -> TableSpec:
    """Theme | projects | municipalities: a status table without municipalities."""
    header = ["Tema", "Prosjekter", "Kommunar" if language == "nn" else "Kommuner"]
    rows = [[THEMES[t]["title_nn" if language == "nn" else "title_nb"], str(rng.randint(3, 30)), str(rng.randint(3, 40))]
            for t in rng.sample(list(THEMES), k=rng.randint(3, 5))]
    return TableSpec([header, *rows], "themes", numeric=frozenset({1, 2}))


def document_content(rng: random.Random, *, n_sentences: int, table_rows: tuple[int, int],
                     table_cols: tuple[int, int], kinds: tuple[str, ...] = ("measures", "measures", "participants",
                                                                             "themes")) -> Content:
    """The facts of one document: date, place, theme, sentences, one table."""
    language = rng.choice(["nb", "nb", "nn"])
    day = date(rng.randint(2012, 2015), rng.randint(1, 12), rng.randint(1, 28))
    text_pool, column, every = _pools(day)
    theme = rng.choice(list(THEMES))
    place = rng.choice(text_pool)
    words = THEMES[theme]
    title = words["title_nn" if language == "nn" else "title_nb"]
    sentences = fact_sentences(rng, language, theme, text_pool, day, n_sentences)
    sentences += distractors(rng, language, day, max(1, n_sentences // 3))
    rng.shuffle(sentences)
    n_rows = rng.randint(*table_rows)
    n_cols = rng.randint(*table_cols)
    kind = rng.choice(kinds)
    if kind == "measures":
        table = measure_table(rng, theme, column, n_rows, n_cols, merged_header=rng.random() < 0.25,
                              wrapped=n_cols >= 4 and rng.random() < 0.3)
    elif kind == "participants":
        table = participant_table(rng, every, n_rows, n_cols)
    else:
        table = theme_table(rng, language)
    subtitle = (f"Samling for {words['nn']} i {place.fylke}" if language == "nn"
                else f"Samling om {words['nb']} i {place.fylke}")
    return Content(language, day, theme, place, title, subtitle, _date_line(rng, place, day), sentences, table,
                   rng.choice(DEPARTMENTS))
