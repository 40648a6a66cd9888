"""A municipality's dossier: every page naming it, and what those pages and tables say about it.

Each expectation is computed from the KB's records with pandas, independently of the dossier's
SQL, so the test fails if the query drops, doubles or misplaces a row.
"""

from __future__ import annotations

import pytest

from kb.dossier import SECTIONS, dossier, puljer
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
    d = dossier(kb, "Drammen")
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
    wanted = dossier(kb, "Drammen")
    for written in ("drammen", " DRAMMEN ", "0602"):
        assert {s: dossier(kb, written)[s] for s in SECTIONS} == {s: wanted[s] for s in SECTIONS}


def test_a_name_of_today_gathers_the_municipalities_merged_into_it(kb, frames):
    m = frames["municipality"]
    today = m[m.current_kommunenummer == "3301"]  # Drammen since 2020: Drammen, Nedre Eiker, Svelvik
    assert len(set(today.kommunenummer)) >= 2
    gathered = dossier(kb, "3301")
    assert {r["kommunenummer"] for r in gathered["municipality"]} == set(today.kommunenummer)
    # Asked by its name of the time, Drammen is only Drammen.
    assert {r["kommunenummer"] for r in dossier(kb, "Drammen")["municipality"]} == {"0602"}


def test_themes_are_those_of_the_pages_naming_it(kb, frames):
    mentions = mentions_of(frames, "0602")
    pages = set(zip(mentions.doc_id, mentions.page))
    themes = frames["theme"]
    on_pages = themes[[(d, p) in pages for d, p in zip(themes.doc_id, themes.page)]]
    assert on_pages.size
    expected = on_pages.groupby("theme").size().to_dict()
    assert {r["item"]: r["n"] for r in dossier(kb, "Drammen")["theme"]} == expected


def test_measures_are_the_cells_of_its_table_rows(kb, frames):
    measures = frames["measure"]
    own = measures[measures.kommunenummer == "0602"]
    assert len(own)
    got = [(r["file_name"], r["page"], r["item"], r["value"], r["detail"]) for r in dossier(kb, "Drammen")["measure"]]
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
    assert {(r["file_name"], r["page"], r["item"]) for r in dossier(kb, "Drammen")["count"]} == expected


def test_pulje_where_the_documents_state_it(kb, frames):
    pages = frames["page"]
    titled = pages[[bool(puljer(t)) for t in pages.title.fillna("")]]
    m = frames["municipality"]
    listed = m.merge(titled[["doc_id", "page", "title"]], on=["doc_id", "page"])
    assert len(listed), "the corpus has a slide listing the municipalities of a pulje"
    for name, group in listed.groupby("name"):
        rows = dossier(kb, name)["pulje"]
        assert {(r["file_name"], r["page"]) for r in rows} >= set(zip(group.file_name, group.page))
        assert {r["item"] for r in rows} >= {", ".join(puljer(t)) for t in group.title}
    # Drammen is never listed under a pulje in the corpus.
    assert dossier(kb, "Drammen")["pulje"] == []


def test_puljer_reads_the_ways_a_cohort_is_written():
    assert puljer("Kommunane i pulje 2") == ["pulje 2"]
    assert puljer("Pulje 1 og pulje 2, igjen pulje 1") == ["pulje 1", "pulje 2"]
    assert puljer("kommunene i 2. pulje") == ["pulje 2"]
    assert puljer("Ny pulje starter") == [] and puljer(None) == []


def test_an_unknown_name_has_an_empty_dossier(kb):
    d = dossier(kb, "Atlantis")
    assert d["name"] == "Atlantis" and all(d[s] == [] for s in SECTIONS)


def test_cli_dossier_matches_the_python_dossier(corpus_kb):
    import json
    import subprocess
    import sys

    from kb.dossier import dossier

    run = subprocess.run([sys.executable, "-m", "flows.cli", "municipality", "Drammen", "--kb", str(corpus_kb), "--json"],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    with open_kb(corpus_kb, readonly=True) as kb:
        assert json.loads(run.stdout) == json.loads(json.dumps(dossier(kb, "Drammen")))
    unknown = subprocess.run([sys.executable, "-m", "flows.cli", "municipality", "Atlantis", "--kb", str(corpus_kb)],
                             capture_output=True, text=True, timeout=120)
    assert unknown.returncode == 1 and "no municipality named" in unknown.stderr


# -- a name several municipalities share --------------------------------------------------------
# tests.searchdeck names Bø (Telemark) on one slide and Bø (Nordland) on two.


@pytest.fixture(scope="module")
def deck(search_kb):
    with open_kb(search_kb, readonly=True) as kb:
        yield kb


def test_a_shared_name_lists_its_municipalities_instead_of_merging_them(deck):
    found = dossier(deck, "Bø")
    assert found["ambiguous"] and all(found[s] == [] for s in SECTIONS)
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
    assert {r["kommunenummer"] for r in found["municipality"]} == {number}
    assert [r["page"] for r in found["page"]] == slides


def test_the_municipalities_merged_into_one_of_today_are_no_choice(kb):
    # 3301, Drammen since 2020, gathers Drammen, Nedre Eiker and Svelvik: one municipality today.
    found = dossier(kb, "3301")
    assert len(found["choices"]) >= 2 and not found["ambiguous"] and found["page"]


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
    assert {r["kommunenummer"] for r in chosen["municipality"]} == {"1867"}
    assert [r["page"] for r in json.loads(run("Bø 0821", "--json").stdout)["page"]] == [1]
    elsewhere = run("Bø", "--county", "Finnmark")
    assert elsewhere.returncode == 1 and "1867 (Nordland)" in elsewhere.stderr
