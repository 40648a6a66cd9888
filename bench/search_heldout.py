"""Held-out search quality: queries written after the search was tuned, over text it never saw.

    python -m bench.search_heldout [--reference DIR]    # default /work/shared/reference

bench/queries' judged set is over corpus/ and generated documents, and issue 15's search was
tuned on it. These queries are judged over the text dumps of three reference decks (the 2012
Asker deck as PDF and as PowerPoint text, the 2014 KMD deck as PDF text), which the tuning
never looked at: they say how far the tuning carries. Each dump is cut into its slides (the
PDF dumps at the ministry's header line that opens every slide, the PowerPoint dump at runs of
blank lines), the slides written as one text file a dump with a form feed between slides,
and the files ingested by saman (its text reader: one page a slide) and embedded (kb.vectors,
as `saman embed` does, for search by meaning). Relevance is judged by
rules over each slide's text, as bench/queries/judge.py judges, written before any search
was run on these files. saman's search and plain FTS5 (OR and AND) run on the same pages, and
the figures are those of bench.search_quality. Results go to bench/results/search_heldout.json.
The dumps are outside the repository, so neither they nor this bench are used by tests.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

from bench.queries.content import REPO
from bench.queries.judge import KINDS, Query, Says, Words, json_with_rows
from bench.search_quality import SYSTEMS, PlainFTS, saman_hits, score, summarise
from kb.store import open_kb
from kb.vectors import embed_pages

REFERENCE = Path("/work/shared/reference")
GENERATED = REPO / "bench" / "generated" / "heldout"
RESULTS = REPO / "bench" / "results" / "search_heldout.json"
_SLIDE_HEADER = re.compile(r"^\s*Kommunal- og (?:regional|moderniserings)departementet\s*$", re.MULTILINE | re.IGNORECASE)
_BLANK_RUN = re.compile(r"\n\s*\n\s*\n\s*\n")

QUERIES: tuple[Query, ...] = (
    Query("Ruud", "exact", Words("ruud")),
    Query("Kvinesdal", "exact", Words("kvinesdal")),
    Query("Agenda Kaupang", "exact", Says(r"\bAgenda\s+Kaupang\b")),
    Query("IA-avtale", "exact", Says(r"\bIA-avtale")),
    Query("prosjektet", "inflection", Words("prosjekt", "prosjektet", "prosjekter", "prosjektene", "prosjekta")),
    Query("langvakt", "inflection", Words("langvakt", "langvakta", "langvakten", "langvakter", "langvaktene")),
    Query("stilling", "inflection", Words("stilling", "stillingen", "stillinger", "stillingene")),
    Query("kommunene", "inflection", Words("kommune", "kommunen", "kommuner", "kommunene", "kommunens")),
    Query("sjukemelde", "bokmal_nynorsk", Words("sykemeldt", "sykemeldte", "sykmeldte", "sjukemelde", "sjukmelde")),
    Query("innbyggjarane", "bokmal_nynorsk", Words("innbygger", "innbyggere", "innbyggerne", "innbyggjarar", "innbyggjarane")),
    Query("utfordringane", "bokmal_nynorsk", Words("utfordring", "utfordringer", "utfordringene", "utfordringar", "utfordringane")),
    Query("leiing", "bokmal_nynorsk", Words("ledelse", "ledelsen", "leiing", "leiinga")),
    Query("turnus", "compound", Words(r"\w*turnus\w*")),
    Query("bemanning", "compound", Words(r"\w*bemanning\w*")),
    Query("strategi", "compound", Words(r"\w*strategi\w*")),
    Query("rapportering", "compound", Words(r"\w*rapportering\w*", r"\w*rapporte\s*ring")),
    Query("styring", "compound", Words(r"\w*styring\w*")),
    Query("hvordan måle gevinster", "paraphrase", Says(r"Gevinstrealisering")),
    Query("færre deltidsstillinger", "paraphrase", Says(r"redusere\s+omfanget\s+av\s+deltid")),
    Query("nye ideer og nytenkning", "paraphrase", Says(r"tenke\s+nytt")),
    Query("når er temaverkstedet om sykefravær", "paraphrase",
          Says(r"Sykefravær\s+–\s+3\.\s+september") | Says(r"Temaverksted\s+sykefravær")),
    Query("kommuner med bedre nærvær", "paraphrase", Says(r"økt\s+nærvær")),
    Query("Kvinsedal", "typo", Words("kvinesdal")),
    Query("Drammn", "typo", Words("drammen")),
    Query("Steinkjær", "typo", Words("steinkjer")),
    Query("gevinstrealisring", "typo", Words("gevinstrealisering")),
    Query("omdome", "typo", Words("omdømme", "omdømmet")),
)


def slides(dump: Path) -> list[str]:
    """The slides of one text dump, in order, empty ones left out."""
    text = dump.read_text(encoding="utf-8")
    cut = _SLIDE_HEADER.split(text) if _SLIDE_HEADER.search(text) else _BLANK_RUN.split(text)
    return [s.strip() for s in cut if s.strip()]


def build(reference: Path) -> tuple[Path, dict[tuple[str, int], str]]:
    """A KB of the dumps' slides (one page a slide), and each page's text."""
    GENERATED.mkdir(parents=True, exist_ok=True)
    pages: dict[tuple[str, int], str] = {}
    files = []
    for dump in sorted(reference.glob("*.txt")):
        found = slides(dump)
        target = GENERATED / dump.name
        target.write_text("\n\f".join(found) + "\n", encoding="utf-8")
        files.append(target)
        pages.update({(target.name, i): " ".join(s.split()) for i, s in enumerate(found, start=1)})
    kb_path = GENERATED / "heldout.db"
    for old in GENERATED.glob("heldout.db*"):
        old.unlink()
    os.environ.setdefault("SAMAN_PREFECT_HOME", str(GENERATED / "prefect"))
    from flows.ingest import ingest_flow

    ingest_flow([str(f) for f in files], str(kb_path), show_progress=False)
    with open_kb(kb_path) as kb:
        embed_pages(kb)
    return kb_path, pages


def evaluate(kb_path: Path, pages: dict[tuple[str, int], str]) -> dict[str, object]:
    plain = PlainFTS(kb_path)
    if set(plain.pages) != set(pages):
        raise SystemExit(f"saman read other pages than the slides cut: {sorted(set(plain.pages) ^ set(pages))[:5]}")
    per_query = []
    with open_kb(kb_path, readonly=True) as kb:
        for i, q in enumerate(QUERIES, start=1):
            relevant = {page for page, text in pages.items() if q.rule(text)}
            hits = {"saman": saman_hits(kb, q.text), "plain OR": plain.search(q.text, "OR"),
                    "plain AND": plain.search(q.text, "AND")}
            per_query.append({"id": f"heldout-{i:02d}", "kind": q.kind, "query": q.text, "rule": str(q.rule),
                              "relevant": len(relevant),
                              **{system: {"top": [list(h) for h in found], **score(found, relevant, lambda p: p)}
                                 for system, found in hits.items()}})
    summary = {system: {kind: summarise([r[system] for r in per_query if kind == "all" or r["kind"] == kind])
                        for kind in (*KINDS, "all")} for system in SYSTEMS}
    return {"summary": summary, "queries": per_query, "kb_pages": len(plain.pages), "judged_pages": len(pages)}


def main(argv: list[str]) -> dict[str, object]:
    parser = argparse.ArgumentParser(prog="python -m bench.search_heldout", description=__doc__.split("\n")[0])
    parser.add_argument("--reference", type=Path, default=REFERENCE)
    args = parser.parse_args(argv)
    kb_path, pages = build(args.reference)
    result = evaluate(kb_path, pages)
    for kind in (*KINDS, "all"):
        cells = [f"{kind:15}", f"n={result['summary']['saman'][kind]['queries']:2}"]
        cells += [f"{system}: {result['summary'][system][kind]['success']:.2f}/{result['summary'][system][kind]['rr']:.2f}"
                  for system in SYSTEMS]
        print("  ".join(cells))
    RESULTS.write_text(json_with_rows(result, "queries"), encoding="utf-8")
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
