"""The gazetteer: every Norwegian municipality and county valid at any date from 2012 to today.

Why it exists: the programme's documents (2011–2015) name municipalities as they were then,
while researchers ask about municipalities as they are now. Each row of the gazetteer is one
municipality under one number and one name for one period (KLASS 131), with its county of
that period (KLASS 104) and the number(s) it continued under when the period ended; so a
mention can be resolved as of the document's date and followed through the 2017–2020
mergers, the 2020 renumbering and the 2024 splits to where it is today.

The data are CSV files inside the package (extractors/gazetteer/data, built from the saved
KLASS versions by `extractors.gazetteer.update`). This module only reads them: it never
touches the network and never writes.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
KOMMUNER_CSV = "kommuner.csv"
FYLKER_CSV = "fylker.csv"
KOMMUNER_COLUMNS = (
    "kommunenummer", "name", "parallel_names", "fylke", "fylkesnummer", "valid_from", "valid_to", "successors",
)
FYLKER_COLUMNS = ("fylkesnummer", "name", "parallel_names", "valid_from", "valid_to")
LIST_SEPARATOR = "|"


def name_key(name: str) -> str:
    """How names are compared: case-folded, hyphens and runs of spaces as one space.

    So `Nord Aurdal`, `NORD-AURDAL` and `Nord-Aurdal` are one name, as writers treat them.
    """
    return " ".join(name.replace("-", " ").replace("\u2013", " ").casefold().split())


def _date(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


def _split(text: str) -> tuple[str, ...]:
    return tuple(p for p in text.split(LIST_SEPARATOR) if p)


@dataclass(frozen=True)
class Municipality:
    """One municipality under one number and one name, valid from `valid_from` until `valid_to`.

    `valid_to` is exclusive (the date the next state began) and None while still valid;
    `successors` are the numbers it continued under from `valid_to` on (empty while valid).
    """

    kommunenummer: str
    name: str
    fylke: str
    valid_from: date
    valid_to: date | None
    parallel_names: tuple[str, ...] = ()
    successors: tuple[str, ...] = ()

    @property
    def fylkesnummer(self) -> str:
        return self.kommunenummer[:2]

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.parallel_names)

    def valid_on(self, when: date) -> bool:
        return self.valid_from <= when and (self.valid_to is None or when < self.valid_to)


@dataclass(frozen=True)
class County:
    fylkesnummer: str
    name: str
    valid_from: date
    valid_to: date | None
    parallel_names: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.parallel_names)

    def valid_on(self, when: date) -> bool:
        return self.valid_from <= when and (self.valid_to is None or when < self.valid_to)


class Gazetteer:
    """Municipalities and counties through time, with lookups by date, name and number."""

    def __init__(self, municipalities: list[Municipality], counties: list[County]) -> None:
        self.municipalities = sorted(municipalities, key=lambda m: (m.valid_from, m.kommunenummer))
        self.all_counties = sorted(counties, key=lambda c: (c.valid_from, c.fylkesnummer))
        self._by_key: dict[str, list[Municipality]] = {}
        for m in self.municipalities:
            for n in m.names:
                self._by_key.setdefault(name_key(n), []).append(m)
        self._by_number: dict[str, list[Municipality]] = {}
        for m in self.municipalities:
            self._by_number.setdefault(m.kommunenummer, []).append(m)

    def at(self, when: date) -> list[Municipality]:
        """The municipalities valid on `when`, by number."""
        return sorted((m for m in self.municipalities if m.valid_on(when)), key=lambda m: m.kommunenummer)

    def lookup(self, name: str, when: date) -> list[Municipality]:
        """Municipalities valid on `when` whose official or parallel name is `name` (any case).

        Several for shared names (Bø, Våler, Herøy, ...): choosing among them needs context.
        """
        return [m for m in self._by_key.get(name_key(name), []) if m.valid_on(when)]

    def lookup_any_time(self, name: str) -> list[Municipality]:
        """Every period in which some municipality bore `name`."""
        return list(self._by_key.get(name_key(name), []))

    def by_number(self, kommunenummer: str, when: date) -> Municipality | None:
        return next((m for m in self._by_number.get(kommunenummer, []) if m.valid_on(when)), None)

    def current(self, m: Municipality) -> list[Municipality]:
        """Where `m` went after the later reforms: the valid row(s) it continued as (itself if unchanged).

        A merger gives one row, a split (Snillfjord 2020, Ålesund 2024) several.
        """
        found: dict[tuple[str, date], Municipality] = {}
        todo, seen = [m], set()
        while todo:
            row = todo.pop()
            if (row.kommunenummer, row.valid_from) in seen:
                continue
            seen.add((row.kommunenummer, row.valid_from))
            if row.valid_to is None:
                found[(row.kommunenummer, row.valid_from)] = row
                continue
            for number in row.successors:
                nxt = self.by_number(number, row.valid_to)
                if nxt is not None:
                    todo.append(nxt)
        return sorted(found.values(), key=lambda r: r.kommunenummer)

    def counties(self, when: date) -> list[str]:
        """County names valid on `when`, by county number."""
        return [c.name for c in sorted(self.all_counties, key=lambda c: c.fylkesnummer) if c.valid_on(when)]

    def county_names_any_time(self) -> set[str]:
        """Every county name (and parallel name) used 2012 → today."""
        return {n for c in self.all_counties for n in c.names}

    def place_names(self) -> frozenset[str]:
        """Every municipality and county name ever in the gazetteer: what OCR correction may
        restore a lost æ/ø/å towards (`Valer` → `Våler`)."""
        return frozenset(n for m in self.municipalities for n in m.names) | frozenset(self.county_names_any_time())


def read_gazetteer(directory: Path) -> Gazetteer:
    """A gazetteer from the CSV files in `directory` (the package's own unless testing a rebuild)."""
    with open(directory / KOMMUNER_CSV, encoding="utf-8", newline="") as f:
        municipalities = [
            Municipality(
                kommunenummer=r["kommunenummer"],
                name=r["name"],
                fylke=r["fylke"],
                valid_from=date.fromisoformat(r["valid_from"]),
                valid_to=_date(r["valid_to"]),
                parallel_names=_split(r["parallel_names"]),
                successors=_split(r["successors"]),
            )
            for r in csv.DictReader(f)
        ]
    with open(directory / FYLKER_CSV, encoding="utf-8", newline="") as f:
        counties = [
            County(
                fylkesnummer=r["fylkesnummer"],
                name=r["name"],
                valid_from=date.fromisoformat(r["valid_from"]),
                valid_to=_date(r["valid_to"]),
                parallel_names=_split(r["parallel_names"]),
            )
            for r in csv.DictReader(f)
        ]
    return Gazetteer(municipalities, counties)


@lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    """The package's gazetteer, read once per process."""
    return read_gazetteer(DATA_DIR)


def gazetteer_rows(when: date) -> list[dict[str, str]]:
    """The municipalities valid on `when` as flat rows for `saman gazetteer --at` (CSV or JSON)."""
    gaz = load_gazetteer()
    rows = []
    for m in gaz.at(when):
        now = gaz.current(m)
        rows.append(
            {
                "kommunenummer": m.kommunenummer,
                "name": m.name,
                "fylke": m.fylke,
                "fylkesnummer": m.fylkesnummer,
                "parallel_names": ", ".join(m.parallel_names),
                "valid_from": m.valid_from.isoformat(),
                "valid_to": m.valid_to.isoformat() if m.valid_to else "",
                "current_kommunenummer": ", ".join(c.kommunenummer for c in now),
                "current_name": ", ".join(c.name for c in now),
            }
        )
    return rows
