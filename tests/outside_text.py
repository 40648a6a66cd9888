"""Outside-like texts with their truth: what real documents hold and the programme's decks do not.

Election candidate lists and members' lists (given names with surnames that are municipality
names, birth years), a ministry report paragraph (places that are not municipalities, numbers
that are not counts, numbered labels), a meeting protocol (nynorsk), OCR'd text (ordinary
words one letter from a name), lines that state a number or a county, and an English text.
Each sample is one page of text with the municipality mentions (surface, kommunenummer) and
counts (value, unit) a careful reader finds in it.

`python tests/outside_text.py` prints municipality precision/recall and count precision/recall
over all samples with whatever `extractors` is first on the path (so the same samples measure
main and a branch); tests/test_outside_text.py holds the branch to its figures.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from models import Block, Document, Page


@dataclass(frozen=True)
class Sample:
    name: str
    lines: tuple[str, ...]
    municipalities: tuple[tuple[str, str], ...]
    counts: tuple[tuple[float, str], ...] = ()
    day: str | None = None
    method: str = "text"
    language: str = "nb"
    extra: dict = field(default_factory=dict)

    def document(self) -> Document:
        page = Page(number=1, method=self.method,
                    blocks=[Block(text=t, role="body", method=self.method) for t in self.lines])
        return Document(sha256="5a" * 32, path=f"/outside/{self.name}.pdf", media_type="application/pdf",
                        pages=[page], date=self.day, language=self.language)


SAMPLES: tuple[Sample, ...] = (
    Sample("kandidatliste_hole_2015", (
        "Kommunestyrevalget i Hole kommune 2015",
        "Arbeiderpartiet – liste over kandidater",
        "1. Kari Stryn, f. 1961",
        "2. Ola Nordmann Hole, 1975",
        "3. PER LUNNER, 1958",
        "4. Hans Fjell 1961",
        "5. Anne Berg Hansen, 1980",
        "6. Lars Moss 1969",
        "7. Ingrid Tinn, 1990",
        "8. Sigrid Nes, 1972",
        "9. Kristian Voss, 1985",
        "10. Marit Lom Olsen, 1966",
        "11. Per Stange, 1977",
        "12. Knut Lier, 1954",
        "13. Stryn, Kari (1961)",
    ), (("Hole", "0612"),), day="2015-09-14"),
    Sample("styret_vestlandsradet_2014", (
        "Styret i Vestlandsrådet 2014",
        "Leiar: Astrid Voss, Voss kommune",
        "Nestleiar: Olav Lom, Lom kommune",
        "Medlem: Kari Fjell (Bergen)",
        "Medlem: Per Gran, Gran kommune",
        "Sekretær: Eirik Sund, Fylkesmannen i Hordaland",
        "Varamedlem: Ingunn Stryn, Stryn kommune",
    ), (("Voss", "1235"), ("Lom", "0514"), ("Bergen", "1201"), ("Gran", "0534"), ("Stryn", "1449")),
        day="2014-01-15", language="nn"),
    Sample("rapport_departementet_2014", (
        "Kommunal- og moderniseringsdepartementet har i 2014 fordelt 50 millioner kroner til 12 kommuner.",
        "Blant dem er Lillehammer, Gjøvik og Østre Toten.",
        "Oslofjorden og Nordmarka er populære turområder, og mange besøker Jotunheimen hver sommer.",
        "Møtet ble holdt på Hotel Bristol i Karl Johans gate 10.",
        "Rapporten finnes på side 3 av 12 i vedlegg 2.",
        "Gruppe 2, 17 prosjekter, 20 kommuner.",
        "Gruppe 3 – 9 prosjekter, 11 kommuner",
        "Pulje 1, 14 prosjekter",
        "Tiltak 4: 6 kommuner har innført heltidskultur.",
        "Kapittel 5 – 3 fylker",
    ), (("Lillehammer", "0501"), ("Gjøvik", "0502"), ("Østre Toten", "0528")),
        ((50_000_000, "krone"), (12, "kommune"), (17, "prosjekt"), (20, "kommune"), (9, "prosjekt"),
         (11, "kommune"), (14, "prosjekt"), (6, "kommune"), (3, "fylke")), day="2014-11-03"),
    Sample("moteprotokoll_stryn_2013", (
        "Møteprotokoll – Kommunestyret i Stryn",
        "Møtedato: 12.03.2013, Stryn rådhus",
        "Til stades: Ola Hole, Kari Sande, Nils Bremanger (leiar)",
        "Sak 12/13 Budsjett 2014",
        "Kommunestyret vedtok samrøystes å gje 3 millionar kroner til Stryn skule.",
        "Sak 13/13 Samarbeid med Eid og Gloppen om 2 nye stillingar.",
        "Referent: Kari Lund",
    ), (("Stryn", "1449"), ("Stryn", "1449"), ("Stryn", "1449"), ("Eid", "1443"), ("Gloppen", "1445")),
        ((3_000_000, "krone"), (2, "stilling")), day="2013-03-12", language="nn"),
    Sample("kandidatliste_ocr_2015", (
        "Kandidatliste Høyre 2015",
        "1. Kari Olsen, 1961",
        "2. Per Kristiansen, 1970",
        "3. Ola Karlsen, 1982",
        "4. Anne Lunde, 1990",
        "5. Jan Holm, 1955",
        "Valgt i Lgten kommune",
    ), (("Lgten", "0415"),), day="2015-09-14", method="ocr"),
    Sample("referat_ocr_2014", (
        "Rådet møtte i mars. Liten endring i sykefraværet.",
        "Fjellet og Holme var tema på turen.",
        "Heia er et populært turområde.",
        "Prosjektet i Lgten kommune fikk 5 nye stillinger.",
        "Kommunene Hamar, Stange og Lgten deltok.",
    ), (("Lgten", "0415"), ("Hamar", "0403"), ("Stange", "0417"), ("Lgten", "0415")),
        ((5, "stilling"),), day="2014-05-05", method="ocr"),
    Sample("oppgitte_nummer_2013", (
        "4601 Bergen 46 Vestland",
        "Herøy kommune, Nordland fylke",
        "Herøy kommune, Møre og Romsdal fylke",
        "0821 Bø",
        "1867 Bø",
    ), (("Bergen", "4601"), ("Herøy", "1818"), ("Herøy", "1515"), ("Bø", "0821"), ("Bø", "1867")),
        day="2013-06-01"),
    Sample("annual_report_en_2019", (
        "Annual report 2019",
        "The board met in Oslo in March and in Bergen in June.",
        "Time is short: the Moss family and the Hole group presented 3 projects.",
        "Sales grew by 12 percent over 4 years.",
    ), (("Oslo", "0301"), ("Bergen", "1201")), day="2019-12-31", language="en"),
)


def _prf(found: Counter, truth: Counter) -> tuple[int, int, int]:
    hit = sum((found & truth).values())
    return hit, sum(found.values()), sum(truth.values())


def score(samples: tuple[Sample, ...] = SAMPLES) -> dict[str, float]:
    """Precision and recall of municipality mentions and of counts over the samples."""
    from extractors.recognisers.counts import recognise_counts
    from extractors.recognisers.municipalities import recognise_municipalities

    totals = {"m": [0, 0, 0], "c": [0, 0, 0]}
    for s in samples:
        doc = s.document()
        found_m = Counter((r.surface, r.kommunenummer) for r in recognise_municipalities(doc, []))
        found_c = Counter((r.value, r.unit) for r in recognise_counts(doc, []))
        for key, found, truth in (("m", found_m, Counter(s.municipalities)), ("c", found_c, Counter(s.counts))):
            for i, n in enumerate(_prf(found, truth)):
                totals[key][i] += n
    out = {}
    for key, label in (("m", "municipality"), ("c", "count")):
        hit, found, truth = totals[key]
        out[f"{label}_precision"] = round(hit / found, 3) if found else 1.0
        out[f"{label}_recall"] = round(hit / truth, 3) if truth else 1.0
        out[f"{label}_found"], out[f"{label}_truth"] = found, truth
    return out


def errors(samples: tuple[Sample, ...] = SAMPLES) -> list[str]:
    """What each sample got wrong: extra (+) and missing (-) mentions and counts."""
    from extractors.recognisers.counts import recognise_counts
    from extractors.recognisers.municipalities import recognise_municipalities

    lines = []
    for s in samples:
        doc = s.document()
        found_m = Counter((r.surface, r.kommunenummer) for r in recognise_municipalities(doc, []))
        found_c = Counter((r.value, r.unit) for r in recognise_counts(doc, []))
        for found, truth in ((found_m, Counter(s.municipalities)), (found_c, Counter(s.counts))):
            extra, missing = found - truth, truth - found
            if extra or missing:
                lines.append(f"{s.name}: +{sorted(extra.elements())} -{sorted(missing.elements())}")
    return lines


if __name__ == "__main__":
    print(score())
    print("\n".join(errors()))
