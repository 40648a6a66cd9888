"""A municipality's dossier: every page naming it, and what those pages and tables say about it.

Each expectation is computed from the KB's records with pandas, independently of the dossier's
SQL, so the test fails if the query drops, doubles or misplaces a row; the report folded from
those rows (`dossier`) is checked against the KB's works: every work once, shown from its best
copy, its other copies listed.
"""

from __future__ import annotations

import os

import pytest

from kb.dossier import REPORT_PARTS, SECTIONS, dossier, puljer, rows
from kb.store import open_kb
from tests.searchdeck import search_kb  # noqa: F401  (a fixture)


@pytest.fixture(scope="module")
def kb(corpus_kb):
    with open_kb(corpus_kb, readonly=True) as kb:
        yield kb


@pytest.fixture(scope="module")
def frames(kb):
    return {t: kb.frame(t) for t in ("municipality", "page", "theme", "count", "measure", "document")}


def mentions_of(frames, kommunenummer: str):
    m = frames["municipality"]
    return m[m.kommunenummer == kommunenummer]


def test_drammen_dossier_has_every_page_and_document_naming_it(kb, frames):
    d = rows(kb, "Drammen")
    assert [(r["item"], r["kommunenummer"], r["value"]) for r in d["municipality"]] == [("Drammen", "0602", "Buskerud")]
    mentions = mentions_of(frames, "0602")
    assert len(mentions) >= 4
    assert {(r["file_name"], r["page"]) for r in d["page"]} == set(zip(mentions.file_name, mentions.page))
    assert {r["file_name"] for r in d["document"]} == set(mentions.file_name)
    assert sum(r["n"] for r in d["document"]) == len(mentions)
    for row in d["page"]:
        assert "Drammen" in row["value"]  # the line that names it
        assert row["detail"] in ("page", "slide") and row["doc_id"]


def test_the_name_is_found_however_it_is_written(kb):
    wanted = rows(kb, "Drammen")
    for written in ("drammen", " DRAMMEN ", "0602"):
        assert {s: rows(kb, written)[s] for s in SECTIONS} == {s: wanted[s] for s in SECTIONS}


def test_a_name_of_today_gathers_the_municipalities_merged_into_it(kb, frames):
    m = frames["municipality"]
    today = m[m.current_kommunenummer == "3301"]  # Drammen since 2020: Drammen, Nedre Eiker, Svelvik
    assert len(set(today.kommunenummer)) >= 2
    gathered = rows(kb, "3301")
    assert {r["kommunenummer"] for r in gathered["municipality"]} == set(today.kommunenummer)
    # Asked by its name of the time, Drammen is only Drammen.
    assert {r["kommunenummer"] for r in rows(kb, "Drammen")["municipality"]} == {"0602"}


def test_themes_are_those_of_the_pages_naming_it(kb, frames):
    mentions = mentions_of(frames, "0602")
    pages = set(zip(mentions.doc_id, mentions.page))
    themes = frames["theme"]
    on_pages = themes[[(d, p) in pages for d, p in zip(themes.doc_id, themes.page)]]
    assert on_pages.size
    expected = on_pages.groupby("theme").size().to_dict()
    assert {r["item"]: r["n"] for r in rows(kb, "Drammen")["theme"]} == expected


def test_measures_are_the_cells_of_its_table_rows(kb, frames):
    measures = frames["measure"]
    own = measures[measures.kommunenummer == "0602"]
    assert len(own)
    got = [(r["file_name"], r["page"], r["item"], r["value"], r["detail"]) for r in rows(kb, "Drammen")["measure"]]
    assert sorted(got) == sorted(zip(own.file_name, own.page, own.measure, own.value, own.theme))


def test_counts_stated_in_the_line_that_names_it(kb, frames):
    counts, mentions = frames["count"], mentions_of(frames, "0602")
    expected = {
        (c.file_name, c.page, c.text)
        for c in counts.itertuples()
        for m in mentions.itertuples()
        if (c.doc_id, c.page) == (m.doc_id, m.page) and c.text in m.context
    }
    assert expected  # "tre temaverkstader: heltid i Drammen 8. mai, ..."
    assert {(r["file_name"], r["page"], r["item"]) for r in rows(kb, "Drammen")["count"]} == expected


def test_pulje_where_the_documents_state_it(kb, frames):
    pages = frames["page"]
    titled = pages[[bool(puljer(t)) for t in pages.title.fillna("")]]
    m = frames["municipality"]
    listed = m.merge(titled[["doc_id", "page", "title"]], on=["doc_id", "page"])
    assert len(listed), "the corpus has a slide listing the municipalities of a pulje"
    for name, group in listed.groupby("name"):
        found = rows(kb, name)["pulje"]
        assert {(r["file_name"], r["page"]) for r in found} >= set(zip(group.file_name, group.page))
        assert {r["item"] for r in found} >= {", ".join(puljer(t)) for t in group.title}
    # Drammen is never listed under a pulje in the corpus.
    assert rows(kb, "Drammen")["pulje"] == []


def test_puljer_reads_the_ways_a_cohort_is_written():
    assert puljer("Kommunane i pulje 2") == ["pulje 2"]
    assert puljer("Pulje 1 og pulje 2, igjen pulje 1") == ["pulje 1", "pulje 2"]
    assert puljer("kommunene i 2. pulje") == ["pulje 2"]
    assert puljer("Ny pulje starter") == [] and puljer(None) == []


def test_an_unknown_name_has_an_empty_dossier(kb):
    d = rows(kb, "Atlantis")
    assert d["name"] == "Atlantis" and all(d[s] == [] for s in SECTIONS)
    report = dossier(kb, "Atlantis")
    assert all(report[part] == [] for part in REPORT_PARTS) and report["totals"]["works"] == 0


def test_cli_dossier_matches_the_python_dossier(corpus_kb):
    import json
    import subprocess
    import sys

    run = subprocess.run([sys.executable, "-m", "flows.cli", "municipality", "Drammen", "--kb", str(corpus_kb), "--json"],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    with open_kb(corpus_kb, readonly=True) as kb:
        assert json.loads(run.stdout) == json.loads(json.dumps(dossier(kb, "Drammen")))
    unknown = subprocess.run([sys.executable, "-m", "flows.cli", "municipality", "Atlantis", "--kb", str(corpus_kb)],
                             capture_output=True, text=True, timeout=120)
    assert unknown.returncode == 1 and "no municipality named" in unknown.stderr


# -- the report: each work once ---------------------------------------------------------------


def test_the_report_shows_each_work_once_from_its_best_copy(kb, frames):
    documents, mentions = frames["document"], mentions_of(frames, "0602")
    naming = documents[documents.doc_id.isin(set(mentions.doc_id))]
    assert naming.work_id.nunique() < len(naming), "the corpus has a deck and its PDF naming Drammen"
    report = dossier(kb, "Drammen")
    assert [w["work_id"] for w in report["works"]] == list(dict.fromkeys(
        naming.sort_values(["date", "file_name"]).work_id))
    for work in report["works"]:
        members = documents[documents.work_id == work["work_id"]]
        best = members[members.best_copy & members.doc_id.isin(set(mentions.doc_id))]
        assert work["doc_id"] == (best.doc_id.iloc[0] if len(best) else work["doc_id"])
        assert {c["file_name"] for c in work["copies"]} == set(members.file_name) - {work["file_name"]}
        own = mentions[mentions.doc_id == work["doc_id"]]
        assert [p["page"] for p in work["pages"]] == sorted(set(own.page))
        for page in work["pages"]:
            assert "Drammen" in page["line"] and page["thumbnail"]
        for copy in work["copies"]:
            assert copy["pages"] == sorted(set(mentions[mentions.doc_id == copy["doc_id"]].page))
    shown = [(w["doc_id"], p["page"]) for w in report["works"] for p in w["pages"]]
    assert len(shown) == len(set(shown)) == report["totals"]["pages"]
    assert report["totals"] == {"works": naming.work_id.nunique(), "documents": len(naming), "pages": len(shown),
                                "mentions": sum(p["mentions"] for w in report["works"] for p in w["pages"])}
    assert [(m["kommunenummer"], m["fylke"], m["today"]) for m in report["municipalities"]] == [("0602", "Buskerud", "3301")]


def test_the_report_counts_themes_counts_and_measures_once_per_work(kb, frames):
    report = dossier(kb, "Drammen")
    shown = {(w["doc_id"], p["page"]): w["work_id"] for w in report["works"] for p in w["pages"]}
    themes = frames["theme"]
    on_shown = themes[[(d, p) in shown for d, p in zip(themes.doc_id, themes.page)]]
    assert [(t["theme"], t["works"], t["pages"]) for t in report["themes"]] == sorted(
        ((theme, len({shown[(d, p)] for d, p in zip(g.doc_id, g.page)}), len(g)) for theme, g in on_shown.groupby("theme")),
        key=lambda t: (-t[2], t[0]))
    all_rows = rows(kb, "Drammen")
    assert len(all_rows["theme"]) == len(report["themes"]) and sum(t["n"] for t in all_rows["theme"]) > len(on_shown)
    assert {(c["doc_id"], c["page"], c["text"]) for c in report["counts"]} == {
        (r["doc_id"], r["page"], r["item"]) for r in all_rows["count"] if (r["doc_id"], r["page"]) in shown}
    # The deck's table and its PDF's give the same cells: the report keeps the deck's alone.
    documents = frames["document"].set_index("doc_id")
    cells = [(documents.work_id[m["doc_id"]], m["measure"], m["value"]) for m in report["measures"]]
    assert len(cells) == len(set(cells)) < len(all_rows["measure"])
    assert set(cells) == {(documents.work_id[r["doc_id"]], r["item"], r["value"]) for r in all_rows["measure"]}


def test_cli_prints_the_report_each_work_once_with_its_copies(corpus_kb):
    import subprocess
    import sys

    run = subprocess.run([sys.executable, "-m", "flows.cli", "municipality", "Drammen", "--kb", str(corpus_kb)],
                         capture_output=True, text=True, timeout=120, env={**os.environ, "COLUMNS": "200"})
    assert run.returncode == 0, run.stderr
    with open_kb(corpus_kb, readonly=True) as kb:
        report = dossier(kb, "Drammen")
    text = run.stdout
    assert "Drammen 0602 · Buskerud · today Drammen (3301)" in text
    for work in report["works"]:
        assert text.count(f"{work['date']}  {work['title']}") == 1 and f"\n            {work['file_name']}\n" in text
        for copy in work["copies"]:
            assert f"copies: {copy['file_name']}" in text
        for page in work["pages"]:
            assert page["line"] in text
    for measure in report["measures"]:
        assert f"{measure['measure']}: {measure['value']}" in text
    assert "section" not in text and "┃" not in text  # a report, not the grid of rows


# -- a name several municipalities share --------------------------------------------------------
# tests.searchdeck names Bø (Telemark) on one slide and Bø (Nordland) on two.


@pytest.fixture(scope="module")
def deck(search_kb):
    with open_kb(search_kb, readonly=True) as kb:
        yield kb


def test_a_shared_name_lists_its_municipalities_instead_of_merging_them(deck):
    found = dossier(deck, "Bø")
    assert found["ambiguous"] and all(found[part] == [] for part in REPORT_PARTS)
    assert [(c["kommunenummer"], c["fylke"], c["mentions"]) for c in found["choices"]] == [
        ("1867", "Nordland", 2), ("0821", "Telemark", 1)]


@pytest.mark.parametrize("name, county, number, slides", [
    ("Bø 1867", None, "1867", [2, 3]),
    ("Bø", "Nordland", "1867", [2, 3]),
    ("bø", "telemark", "0821", [1]),
    ("0821", None, "0821", [1]),
])
def test_one_of_them_is_chosen_by_number_or_county(deck, name, county, number, slides):
    found = dossier(deck, name, county=county)
    assert not found["ambiguous"]
    assert {m["kommunenummer"] for m in found["municipalities"]} == {number}
    assert [p["page"] for w in found["works"] for p in w["pages"]] == slides


def test_the_municipalities_merged_into_one_of_today_are_no_choice(kb):
    # 3301, Drammen since 2020, gathers Drammen, Nedre Eiker and Svelvik: one municipality today.
    found = dossier(kb, "3301")
    assert len(found["choices"]) >= 2 and not found["ambiguous"] and found["works"]
    assert len(found["municipalities"]) >= 2


def test_cli_lists_the_municipalities_of_a_shared_name_and_shows_one_on_request(search_kb):
    import json
    import subprocess
    import sys

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "flows.cli", "municipality", *args, "--kb", str(search_kb)],
                              capture_output=True, text=True, timeout=120)

    listed = run("Bø")
    assert listed.returncode == 0 and "1867" in listed.stdout and "0821" in listed.stdout
    assert "Nordland" in listed.stdout and "Telemark" in listed.stdout and "--county" in listed.stdout
    chosen = json.loads(run("Bø", "--county", "Nordland", "--json").stdout)
    assert {m["kommunenummer"] for m in chosen["municipalities"]} == {"1867"}
    assert [p["page"] for w in json.loads(run("Bø 0821", "--json").stdout)["works"] for p in w["pages"]] == [1]
    elsewhere = run("Bø", "--county", "Finnmark")
    assert elsewhere.returncode == 1 and "1867 (Nordland)" in elsewhere.stderr
