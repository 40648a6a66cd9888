"""The judged query set: researcher queries of six kinds, each with a rule that picks its
relevant pages from what the documents say (bench/queries/content.py).

    python -m bench.queries.judge      # rewrites bench/queries/queries.jsonl and set.json

Relevance is judged from content, never from what a search finds: a rule names the word
forms (every inflection, both written standards, the compounds that carry the meaning) or
the sentences (the generator's templates, the corpus's own lines) that make a page answer
the query, and every page whose text satisfies the rule is relevant. The rules were written
before any search was run on the set and are not to be changed to suit a result; a rule
that is wrong about the content is fixed here and the set judged again.

The kinds (issue 15): `exact` (a municipality, a name, a rare word), `inflection` (another
form of the word than the page has), `bokmal_nynorsk` (the other written standard),
`compound` (a word the pages hold only inside compounds), `paraphrase` (a question whose
words the page does not hold all of) and `typo` (a misspelling of a word the pages hold).
"""

from __future__ import annotations

import json
import re
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from bench.queries.content import (
    N_GENERATED,
    Page,
    corpus_pages,
    ensure_generated,
    generated_pages,
)

HERE = Path(__file__).resolve().parent
QUERIES_FILE = HERE / "queries.jsonl"
SET_FILE = HERE / "set.json"
KINDS = ("exact", "inflection", "bokmal_nynorsk", "compound", "paraphrase", "typo")


class Rule:
    """A test of a page's text; `a | b` holds when either does."""

    def __call__(self, text: str) -> bool:
        raise NotImplementedError

    def __or__(self, other: Rule) -> Rule:
        return AnyOf((self, other))


class Words(Rule):
    """The page holds one of these words: each form is a regular expression for one whole
    word (letters and digits between non-letters), in any case."""

    def __init__(self, *forms: str) -> None:
        self.forms = forms
        self._re = re.compile(rf"(?<![^\W_])(?:{'|'.join(forms)})(?![^\W_])", re.IGNORECASE)

    def __call__(self, text: str) -> bool:
        return bool(self._re.search(text))

    def __str__(self) -> str:
        return "word " + " | ".join(self.forms)


class Says(Rule):
    """The page's text (white space collapsed) matches this regular expression, in any case."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self._re = re.compile(pattern, re.IGNORECASE)

    def __call__(self, text: str) -> bool:
        return bool(self._re.search(text))

    def __str__(self) -> str:
        return f"text /{self.pattern}/"


@dataclass(frozen=True)
class AnyOf(Rule):
    rules: tuple[Rule, ...]

    def __call__(self, text: str) -> bool:
        return any(rule(text) for rule in self.rules)

    def __str__(self) -> str:
        return " OR ".join(f"({rule})" for rule in self.rules)


@dataclass(frozen=True)
class Query:
    text: str
    kind: str
    rule: Rule
    note: str = ""


# Word forms shared by several queries: a lemma in its inflections, in bokmål and nynorsk.
KOMMUNE = Words("kommune", "kommunen", "kommuner", "kommunene", "kommunenes", "kommunar", "kommunane")
TURNUS = Words("turnus", "turnusen", "turnuser", "turnusene", "turnusar", "turnusane")
LANGVAKT = Words("langvakt", "langvakta", "langvakten", "langvakter", "langvaktene")
STILLING = Words("stilling", "stillinga", "stillingen", "stillinger", "stillingene", "stillingar", "stillingane")
SAMLING = Words("samling", "samlinga", "samlingen", "samlinger", "samlingene", "samlingar", "samlingane")
DELTAKER = Words("deltaker", "deltakeren", "deltakere", "deltakerne", "deltakar", "deltakaren", "deltakarar",
                 "deltakarane")
ERFARING = Words("erfaring", "erfaringa", "erfaringen", "erfaringer", "erfaringene", "erfaringar", "erfaringane")
NETTVERK = Words("nettverk", "nettverket", "nettverka", "nettverkene")
INNBYGGER = Words("innbygger", "innbyggeren", "innbyggere", "innbyggerne", "innbyggjar", "innbyggjaren",
                  "innbyggjarar", "innbyggjarane")
LEDER = Words("leder", "lederen", "ledere", "lederne", "leiar", "leiaren", "leiarar", "leiarane")
SYKMELDT = Words("sykmeldt", "sykmeldte", "sykemeldt", "sykemeldte", "sjukmeld", "sjukmeldt", "sjukmelde")
VIKAR = Words("vikar", "vikaren", "vikarer", "vikarene", "vikarar", "vikarane")
PLAN = Words("plan", "planen", "planer", "planene", "planar", "planane")
MAAL = Words("mål", "målet", "måla", "målene")
TEMAVERKSTED = Words("temaverksted", "temaverkstedet", "temaverksteder", "temaverkstedene", "temaverkstad",
                     "temaverkstaden", "temaverkstader", "temaverkstadene")
PROSJEKTLEDER = Words("prosjektleder", "prosjektlederen", "prosjektledere", "prosjektlederne", "prosjektleiar",
                      "prosjektleiaren", "prosjektleiarar", "prosjektleiarane")
UTFORDRING = Words("utfordring", "utfordringa", "utfordringen", "utfordringer", "utfordringene", "utfordringar",
                   "utfordringane")
ANSATT = Words("ansatt", "ansatte", "ansattes", "tilsett", "tilsette")
SYKEFRAVAER = Words(r"sykefravær\w*", r"sjukefråvær\w*")
HOST = Words("høst", "høsten", "haust", "hausten")
KURSPAKKE = Words("kurspakke", "kurspakken", "kurspakker", "kurspakkene", "kurspakkar", "kurspakkane")
TILLITSVALGT = Words(r"tillitsvalgt\w*", r"tillitsvald\w*")

QUERIES: list[Query] = [
    # -- exact: a municipality, a person's name, a rare word, as the page has it -----------
    Query("Vegårshei", "exact", Words("Vegårshei")),
    Query("Skiptvet", "exact", Words("Skiptvet")),
    Query("Meråker", "exact", Words("Meråker")),
    Query("Sogndal", "exact", Words("Sogndal")),
    Query("Kongsberg", "exact", Words("Kongsberg")),
    Query("Nedre Eiker", "exact", Says(r"\bNedre Eiker\b")),
    Query("Kvænangen", "exact", Words("Kvænangen")),
    Query("Utsira", "exact", Words("Utsira")),
    Query("Kautokeino", "exact", Words("Kautokeino")),
    Query("Ruud", "exact", Words("Ruud"), "the speaker on the Asker deck's title slide"),
    Query("Pusleturnus", "exact", Words("Pusleturnus")),
    Query("flåteordning", "exact", Words("flåteordning")),
    Query("Akademikerne", "exact", Words("Akademikerne")),
    Query("Gardermoen", "exact", Words("Gardermoen")),
    Query("Soria Moria", "exact", Says(r"\bSoria Moria\b")),
    Query("Stolthetskampanje", "exact", Words("Stolthetskampanje")),
    Query("PLO", "exact", Words("PLO")),
    # -- inflection: another form of the word than the page holds ------------------------
    Query("kommunene", "inflection", KOMMUNE),
    Query("turnusen", "inflection", TURNUS),
    Query("langvakt", "inflection", LANGVAKT),
    Query("stillingen", "inflection", STILLING),
    Query("samlingene", "inflection", SAMLING),
    Query("deltakeren", "inflection", DELTAKER),
    Query("erfaring", "inflection", ERFARING),
    Query("nettverkene", "inflection", NETTVERK),
    Query("innbygger", "inflection", INNBYGGER),
    Query("lederen", "inflection", LEDER),
    Query("sykmeldt", "inflection", SYKMELDT),
    Query("vikarene", "inflection", VIKAR),
    Query("planene", "inflection", PLAN),
    Query("målet", "inflection", MAAL),
    Query("temaverkstedet", "inflection", TEMAVERKSTED),
    Query("prosjektlederne", "inflection", PROSJEKTLEDER),
    Query("utfordring", "inflection", UTFORDRING),
    Query("lærling", "inflection", Words("lærling", "lærlingen", "lærlinger", "lærlingene", "lærlingar")),
    Query("ambassadør", "inflection", Words("ambassadør", "ambassadøren", "ambassadører", "ambassadørene")),
    Query("piloten", "inflection", Words("pilot", "piloten", "piloter", "pilotene")),
    # -- bokmål/nynorsk: the query in one written standard, pages in either --------------
    Query("arbeidsgiver", "bokmal_nynorsk", Words(r"arbeidsgiver\w*", r"arbeidsgjevar\w*"),
          "compounds of arbeidsgiver/arbeidsgjevar (-rollen, -politikk) count: they are about the employer"),
    Query("sykefravær", "bokmal_nynorsk", SYKEFRAVAER),
    Query("sjukefråvær", "bokmal_nynorsk", SYKEFRAVAER),
    Query("ansatte", "bokmal_nynorsk", ANSATT),
    Query("tilsette", "bokmal_nynorsk", ANSATT),
    Query("ledelse", "bokmal_nynorsk", Words("ledelse", "ledelsen", "leiing", "leiinga")),
    Query("innbyggjarane", "bokmal_nynorsk", INNBYGGER),
    Query("erfaringar", "bokmal_nynorsk", ERFARING),
    Query("heiltid", "bokmal_nynorsk", Words(r"heltid\w*", r"heiltid\w*")),
    Query("stillingar", "bokmal_nynorsk", STILLING),
    Query("deltakarar", "bokmal_nynorsk", DELTAKER),
    Query("prosjektleiar", "bokmal_nynorsk", PROSJEKTLEDER),
    Query("hausten", "bokmal_nynorsk", HOST),
    Query("tjenestene", "bokmal_nynorsk", Words(r"tjeneste\w*", r"teneste\w*"),
          "compounds count (tjenesteyter, tenesteytar, tjenestedesign): they are about the services"),
    Query("sjukmelde", "bokmal_nynorsk", SYKMELDT),
    Query("veiledere", "bokmal_nynorsk", Words("veileder", "veilederen", "veiledere", "veilederne", "rettleiar",
                                               "rettleiaren", "rettleiarar", "rettleiarane")),
    Query("utfordringane", "bokmal_nynorsk", UTFORDRING),
    Query("medarbeidarskap", "bokmal_nynorsk", Words("medarbeiderskap", "medarbeidarskap")),
    Query("kurspakkar", "bokmal_nynorsk", KURSPAKKE),
    Query("samlinga", "bokmal_nynorsk", SAMLING),
    # -- compound: a word the pages hold mostly inside compounds -------------------------
    Query("kompetanse", "compound", Words(r"\w*kompetanse\w*")),
    Query("stilling", "compound", Words(r"\w*stilling\w*")),
    Query("turnus", "compound", Words(r"\w*turnus\w*")),
    Query("fravær", "compound", Words(r"\w*fravær\w*", r"\w*fråvær\w*")),
    Query("plan", "compound", Words(r"\w*plan", r"\w*planen", r"\w*planer", r"\w*planene", r"\w*planar",
                                    r"\w*planane"), "plan as the last part (kompetanseplan, økonomiplanen); not planlegge"),
    Query("rapportering", "compound", Words(r"\w*rapportering\w*")),
    Query("midler", "compound", Words(r"\w*midler", r"\w*midlene", r"\w*midlar", r"\w*midlane")),
    Query("kultur", "compound", Words(r"\w*kultur\w*")),
    Query("bemanning", "compound", Words(r"\w*bemanning\w*")),
    Query("undersøkelse", "compound", Words(r"\w*undersøkelse\w*")),
    Query("utvikling", "compound", Words(r"\w*utvikling\w*")),
    Query("strategi", "compound", Words(r"\w*strategi\w*")),
    Query("profil", "compound", Words(r"\w*profil\w*")),
    Query("vakter", "compound", Words(r"\w*vakt", r"\w*vakter", r"\w*vaktene")),
    Query("opplæring", "compound", Words(r"\w*opplæring\w*")),
    Query("teknologi", "compound", Words(r"\w*teknologi\w*")),
    Query("vikar", "compound", Words(r"vikar\w*")),
    Query("samtaler", "compound", Words(r"\w*samtale", r"\w*samtalen", r"\w*samtaler", r"\w*samtalene",
                                        r"\w*samtalar", r"\w*samtalane")),
    Query("ordning", "compound", Words(r"\w*ordning", r"\w*ordninga", r"\w*ordningen", r"\w*ordninger",
                                       r"\w*ordningene", r"\w*ordningar")),
    # -- paraphrase: a question in other words than the page's ---------------------------
    Query("mindre bruk av vikarer", "paraphrase", Says(r"færre vikar")),
    Query("lavere sykefravær", "paraphrase",
          Says(r"(sykefraværet|sjukefråværet) i \S+ (gikk|gjekk) ned") | Says(r"økt nærvær")
          | Says(r"auka nærværet") | Says(r"høgare nærvær"),
          "a fall in sick leave, or a rise in attendance (nærvær), which is the same fact"),
    Query("penger fra staten", "paraphrase", Words("skjønnsmidler", "skjønsmidlar"),
          "skjønnsmidler are the state's discretionary grants"),
    Query("større stillinger for ansatte", "paraphrase",
          Says(r"fått økt stillingsstørrelse") | Says(r"fått større stillingar") | Says(r"færre små stillingar")),
    Query("hvor mange kommuner er med i nettverket", "paraphrase",
          Says(r"(kommuner deltar|kommunar deltek) i nettverket") | Says(r"kommunar er med i programmet")),
    Query("hvor mange møtte opp på samlingen", "paraphrase", Says(r"var med på samling(en|a)\b")),
    Query("antall prosjekter i hver pulje", "paraphrase",
          Says(r"prosjekt(er)? er med i pulje") | Says(r"\bprosjekt i pulje 1\b")),
    Query("hvem kan jeg ringe", "paraphrase", Words("tlf"), "the contact lines: 'Kontaktperson: ..., tlf. ...'"),
    Query("når er neste samling", "paraphrase", Says(r"neste samling er planlag[dt]") | Says(r"neste nettverkssamling")),
    Query("hvor mye sparte kommunene", "paraphrase", Says(r"svarar nedgangen til ca\. 50 millionar")),
    Query("opplæring på nett", "paraphrase", Words("e-læring"), "e-learning"),
    Query("lengre vakter i helgene", "paraphrase", LANGVAKT),
    Query("tilpasse arbeidet for den som er syk", "paraphrase", Words("tilrettelegging")),
    Query("god ledelse er viktigst", "paraphrase",
          Says(r"ledelse trekkes fram som avgjørende") | Says(r"leiing som den viktigaste") | Says(r"krev god leiing")
          | Says(r"krev at leiarane")),
    Query("hva skiller vellykkede prosjekter", "paraphrase",
          Says(r"hvorfor lykkes de") | Says(r"prosjekta som lukkast")),
    Query("teknologi i eldreomsorgen", "paraphrase", Words("velferdsteknologi"),
          "velferdsteknologi is the welfare technology of care services"),
    Query("hvilke kommuner ble med i andre runde", "paraphrase",
          Says(r"kommunane i pulje 2") | Says(r"tolv kommunar i den nye puljen") | Says(r"kom pulje 2 med tolv nye")),
    Query("samarbeid med de ansattes representanter", "paraphrase", TILLITSVALGT,
          "the union representatives (tillitsvalgte, nynorsk tillitsvalde)"),
    Query("måling av brukertilfredshet", "paraphrase", Says(r"fornøyde brukere") | Words(r"brukerundersøkelse\w*")),
    # -- typo: a misspelling of a word the pages hold -------------------------------------
    Query("omdomme", "typo", Words("omdømme", "omdømmet")),
    Query("Lgten", "typo", Words("Løten")),
    Query("sykefravar", "typo", Words("sykefravær", "sykefraværet", "sjukefråvær", "sjukefråværet")),
    Query("kompetance", "typo", Words("kompetanse", "kompetansen")),
    Query("rekrutering", "typo", Words("rekruttering", "rekrutteringa", "rekrutteringen")),
    Query("ønsketurnys", "typo", Words("ønsketurnus")),
    Query("Vegarshei", "typo", Words("Vegårshei"), "å typed as a"),
    Query("Alesund", "typo", Words("Ålesund"), "Å typed as A"),
    Query("Bomlo", "typo", Words("Bømlo"), "ø typed as o"),
    Query("narvar", "typo", Words("nærvær", "nærværet")),
    Query("langvackter", "typo", LANGVAKT),
    Query("vikarpol", "typo", Words("vikarpool", "vikarpoolen", "vikarpooler", "vikarpoolar")),
    Query("Stavnger", "typo", Words("Stavanger")),
    Query("Fredriksatd", "typo", Words("Fredrikstad")),
    Query("innovasjn", "typo", Words("innovasjon", "innovasjonen")),
    Query("Kvinsdal", "typo", Words("Kvinesdal")),
    Query("opfølging", "typo", Words("oppfølging", "oppfølginga", "oppfølgingen")),
]


def judged(queries: list[Query], pages: dict[Page, str], *, require_hits: bool = True) -> list[dict]:
    """Each query with its relevant pages, in (file name, page) order; a query no page is
    relevant to is an error in its rule, unless `pages` is a part of the documents only."""
    out = []
    counters: dict[str, int] = defaultdict(int)
    for q in queries:
        if q.kind not in KINDS:
            raise ValueError(f"{q.text!r}: unknown kind {q.kind!r}")
        relevant = sorted(page for page, text in pages.items() if q.rule(text))
        if not relevant and require_hits:
            raise ValueError(f"{q.text!r}: no page satisfies its rule {q.rule}")
        counters[q.kind] += 1
        line = {"id": f"{q.kind}-{counters[q.kind]:02d}", "kind": q.kind, "query": q.text,
                "relevant": [list(page) for page in relevant], "rule": str(q.rule)}
        if q.note:
            line["note"] = q.note
        out.append(line)
    return out


def copies(pages: dict[Page, str]) -> list[list[Page]]:
    """Groups of pages whose text is the same (a slide in its deck, PDF twin, scan and .ppt)."""
    by_text: dict[str, list[Page]] = defaultdict(list)
    for page, text in sorted(pages.items()):
        by_text[text].append(page)
    return [group for group in by_text.values() if len(group) > 1]


def json_with_rows(data: dict, key: str) -> str:
    """`data` as indented JSON, but each item of the list `data[key]` on one line: a long
    list stays readable and a change to one item is a change to one line."""
    text = json.dumps({**data, key: "@rows@"}, ensure_ascii=False, indent=1)
    rows = ",\n  ".join(json.dumps(row, ensure_ascii=False) for row in data[key])
    return text.replace('"@rows@"', f"[\n  {rows}\n ]") + "\n"


def main() -> None:
    folder, stamp = ensure_generated()
    pages = corpus_pages()
    pages.update(generated_pages(folder / "gold.jsonl"))
    lines = judged(QUERIES, pages)
    with open(QUERIES_FILE, "w", encoding="utf-8") as fh:
        fh.writelines(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
    meta = {
        "judged_by": "python -m bench.queries.judge (rules in bench/queries/judge.py)",
        "documents": {"corpus": "every file of corpus/ (corpus/gold.jsonl's documents)",
                      "generated": {"split": "train", "first": N_GENERATED, "generator_stamp": stamp}},
        "pages": len(pages),
        "queries": {kind: sum(line["kind"] == kind for line in lines) for kind in KINDS},
        "copies": [[list(page) for page in group] for group in copies(pages)],
    }
    SET_FILE.write_text(json_with_rows(meta, "copies"), encoding="utf-8")
    sizes = sorted(len(line["relevant"]) for line in lines)
    print(f"{len(lines)} queries over {len(pages)} pages; relevant pages per query: "
          f"median {sizes[len(sizes) // 2]}, max {sizes[-1]}", file=sys.stderr)


if __name__ == "__main__":
    main()
