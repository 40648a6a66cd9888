"""Serving the KB with Datasette: read-only on loopback, the canned queries, and one search.

A real server (`kb.web.serve.serving`, the command `saman serve` runs) over a KB built from the
corpus; every expectation about its answers is computed from the KB's records or from the
Python API, so the web cannot drift from `saman search` and `saman municipality`.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image

from extractors.thumbnails import WIDTH
from kb.web.datasette_metadata import MATRIX_SEPARATOR, THEME_LABELS, database_name, kb_database, metadata
from kb.dossier import COLUMNS, DOSSIER_SQL, SECTIONS, dossier, rows
from kb.query import QueryError
from kb.search import search
from kb.web.serve import ServeError, datasette_command, free_port, serve, serving
from extractors.lang.spelling import bokmal_spelling
from kb.store import open_kb
from tests.processes import alive, descendants, listening
from tests.conftest import ingest
from tests.searchdeck import search_kb, write_deck  # noqa: F401  (a fixture)


def served_copy(kb_path: Path, folder: Path) -> Path:
    """A private copy of the KB in one file (no write-ahead log), as `saman serve` expects it."""
    copy = folder / Path(kb_path).name
    source, target = sqlite3.connect(f"file:{kb_path}?mode=ro", uri=True), sqlite3.connect(copy)
    source.backup(target)
    source.close()
    target.execute("PRAGMA journal_mode=DELETE")
    target.close()
    return copy


@dataclass
class Served:
    base: str
    kb_path: Path
    db: str

    def url(self, path: str, **params: str) -> str:
        return self.base + path + ("?" + urllib.parse.urlencode(params) if params else "")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(url: str, *, method: str = "GET", follow: bool = True) -> tuple[int, dict[str, str], bytes]:
    opener = urllib.request.build_opener() if follow else urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, method=method), timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def fetch_json(url: str):
    status, _, body = fetch(url)
    assert status == 200, body[:500]
    return json.loads(body)


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def served(corpus_kb, tmp_path_factory):
    kb_path = served_copy(corpus_kb, tmp_path_factory.mktemp("served"))
    with serving(kb_path) as base:
        yield Served(base, kb_path, database_name(kb_path))


@pytest.fixture(scope="module")
def kb(served):
    with open_kb(served.kb_path, readonly=True) as kb:
        yield kb


# -- how it is served -------------------------------------------------------------------------


def test_the_command_serves_the_kb_on_loopback_without_sql(corpus_kb, tmp_path):
    argv = datasette_command(corpus_kb, tmp_path)
    assert str(Path(corpus_kb).resolve()) in argv and "-i" not in argv  # not immutable: an ingest shows at once
    assert argv[argv.index("--host") + 1] == "127.0.0.1"
    setting = argv.index("default_allow_sql")
    assert argv[setting - 1] == "--setting" and argv[setting + 1] == "off"
    allowed = datasette_command(corpus_kb, tmp_path, allow_sql=True, host="0.0.0.0", port=9999)
    assert allowed[allowed.index("default_allow_sql") + 1] == "on"
    assert allowed[allowed.index("--port") + 1] == "9999"
    metadata = json.loads((tmp_path / "metadata.json").read_text(encoding="utf-8"))
    queries = metadata["databases"][database_name(corpus_kb)]["queries"]
    assert queries["kommunedossier"]["sql"] == DOSSIER_SQL
    assert {"kommuner_per_tema", "tiltaksmatrise", "tall_for_emne", "tema_oversikt", "fylke_oversikt"} <= set(queries)


def test_serve_says_why_it_cannot_serve(corpus_kb, tmp_path):
    with pytest.raises(FileNotFoundError, match="saman ingest"):
        serve(str(tmp_path / "missing.db"))
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(ServeError, match=str(port)):
            serve(str(corpus_kb), port=port)


def test_arbitrary_sql_runs_only_when_allowed(served, tmp_path):
    sql_path = f"/{served.db}.json?" + urllib.parse.urlencode({"sql": "select count(*) as n from pages", "_shape": "array"})
    assert fetch(served.base + sql_path)[0] == 403
    argv = datasette_command(served.kb_path, tmp_path, allow_sql=True) + ["--get", sql_path]
    answer = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    assert answer.returncode == 0, answer.stderr[-2000:]
    with open_kb(served.kb_path, readonly=True) as kb:
        assert json.loads(answer.stdout) == [{"n": kb.stats()["pages"]}]


def test_the_kb_is_opened_read_only_and_never_written(served, tmp_path):
    before = sha256_of(served.kb_path)
    databases = fetch_json(served.url("/-/databases.json"))
    assert [d["name"] for d in databases] == [served.db]
    for method in ("POST", "PUT", "DELETE"):
        status, _, _ = fetch(served.url(f"/{served.db}/pages"), method=method)
        assert status >= 400
    fetch(served.url("/-/search.json", q="langvakter"))
    fetch(served.url(f"/{served.db}/kommunedossier.json", kommune="Drammen"))
    fetch(served.url("/-/municipality", kommune="Drammen"))
    assert sha256_of(served.kb_path) == before
    # Every connection Datasette opens to the KB refuses writes, its write connection included.
    from datasette.app import Datasette

    from kb.web.plugins import register

    register()
    datasette = Datasette([str(served.kb_path)], metadata=metadata(served.kb_path))
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        asyncio.run(kb_database(datasette).execute_write("CREATE TABLE written (a)"))
    assert sha256_of(served.kb_path) == before


def deck_with_a_table(path: Path, title: str, body: str, table_title: str, rows: list[list[str]]) -> Path:
    """A deck of a title-and-body slide and a slide holding a table."""
    from pptx import Presentation
    from pptx.util import Inches

    deck = Presentation(write_deck(path, ((title, body),)))
    slide = deck.slides.add_slide(deck.slide_layouts[5])
    slide.shapes.title.text = table_title
    table = slide.shapes.add_table(len(rows), len(rows[0]), Inches(0.5), Inches(1.5), Inches(9), Inches(1.5)).table
    for i, row in enumerate(rows):
        for j, cell in enumerate(row):
            table.cell(i, j).text = cell
    deck.save(path)
    return path


def test_a_running_server_shows_what_an_ingest_adds(tmp_path):
    """A deck ingested into the KB while `saman serve` runs is in search, in the dossier, on its
    page, in the tables, the measure matrix and the front page's totals at the next request,
    without a restart."""
    kb_path = tmp_path / "live.db"
    first = ingest([write_deck(tmp_path / "2014-01-01_forste.pptx", (("Langvakter", "Langvakter i Løten kommune."),))], kb_path)
    assert first.extracted == 1, first.errors
    with serving(kb_path) as base:
        def get(path: str, **params: str):
            return fetch_json(base + path + "?" + urllib.parse.urlencode(params))

        matrix = f"/{database_name(kb_path)}/tiltaksmatrise_heltid_deltid.json"
        assert get("/-/search.json", q="nærværskultur")["total"] == 0
        assert fetch(base + "/-/municipality.json?" + urllib.parse.urlencode({"kommune": "Stange"}))[0] == 404
        assert fetch(base + matrix)[0] == 404  # no measures yet
        assert get("/-/search.json", q="langvakter")["total"] == 1  # the server has read the KB before the ingest
        second = ingest([deck_with_a_table(
            tmp_path / "2015-02-01_andre.pptx", "Nærværskultur", "Nærværskultur i Stange gav lavere sykefravær.",
            "Oppstartsrapportering: heltid/deltid",
            [["Kommune", "Langvakter helg", "Vikarpool/flåteordning"], ["Stange", "hver 4.", "x"]])], kb_path)
        assert second.extracted == 1, second.errors
        found = get("/-/search.json", q="nærværskultur")
        assert [(h["file_name"], h["page"]) for h in found["hits"]] == [("2015-02-01_andre.pptx", 1)]
        with open_kb(kb_path, readonly=True) as kb:
            report = dossier(kb, "Stange")
        assert report["measures"] and get("/-/municipality.json", kommune="Stange") == json.loads(json.dumps(report))
        added = found["hits"][0]
        assert fetch(base + f"/-/page/{added['doc_id']}/2")[0] == 200
        assert fetch(base + f"/-/thumbnail/{added['doc_id']}/2.png")[0] == 200
        assert "2 dokumenter / documents" in fetch(base + "/")[2].decode()
        assert get(f"/{database_name(kb_path)}/documents.json", _shape="array", _col="file_name") == [
            {"rowid": 1, "file_name": "2014-01-01_forste.pptx"}, {"rowid": 2, "file_name": "2015-02-01_andre.pptx"}]
        assert get(matrix, _shape="array") == [
            {"kommune": "Stange", "kommunenummer": "0417", "fylke": "Hedmark", "Langvakter helg": "hver 4.",
             "Vikarpool/flåteordning": "x", "kilder": "2015-02-01_andre.pptx"}]


# -- one search ----------------------------------------------------------------------------------

QUERIES = [
    ("langvakter", {}),
    ("kommunene", {}),
    ('"økt nærvær"', {}),
    ("heltid AND deltid", {}),
    ("turnus*", {}),
    ("langvakter", {"theme": "heltid_deltid"}),
    ("kommune", {"county": "Hedmark"}),
]


@pytest.mark.parametrize(("query", "narrow"), QUERIES)
def test_web_search_gives_the_python_hits_in_the_same_order(served, kb, query, narrow):
    web = fetch_json(served.url("/-/search.json", q=query, **narrow))
    python = [h.as_dict() for h in search(kb, query, limit=20, **narrow)]
    assert python, f"the corpus has hits for {query!r}"
    assert [{k: h[k] for k in python[0]} for h in web["hits"]] == python


def test_web_search_gives_the_cli_hits(served):
    cli = subprocess.run([sys.executable, "-m", "flows.cli", "search", "langvakter", "--json", "--limit", "20",
                          "--kb", str(served.kb_path)], capture_output=True, text=True, timeout=120)
    assert cli.returncode == 0, cli.stderr[-2000:]
    web = fetch_json(served.url("/-/search.json", q="langvakter"))["hits"]
    assert [(h["file_name"], h["page"], h["snippet"]) for h in web] == [
        (h["file_name"], h["page"], h["snippet"]) for h in json.loads(cli.stdout)["hits"]]


def test_facets_count_the_hits_and_narrow_them_in_order(served, kb):
    everything = search(kb, "kommune", limit=1000)
    answer = fetch_json(served.url("/-/search.json", q="kommune"))
    themes = kb.frame("theme")
    page_themes = themes[themes.page.notna()]
    expected = {}
    for h in everything:
        for theme in set(page_themes[(page_themes.doc_id == h.doc_id) & (page_themes.page == h.page)].theme):
            expected[theme] = expected.get(theme, 0) + 1
    assert {f["value"]: f["count"] for f in answer["facets"]["theme"]} == expected
    assert {f["value"]: f["label"] for f in answer["facets"]["theme"]} == {t: THEME_LABELS[t] for t in expected}
    years = {f["value"]: f["count"] for f in answer["facets"]["year"]}
    assert sum(years.values()) == answer["total"] == len(everything)
    year = max(years, key=years.get)
    narrowed = fetch_json(served.url("/-/search.json", q="kommune", year=year, limit="500"))
    documents = kb.frame("document").set_index("doc_id").date
    assert [(h["doc_id"], h["page"]) for h in narrowed["hits"]] == [
        (h.doc_id, h.page) for h in everything if (documents[h.doc_id] or "")[:4] == year]


def test_a_malformed_query_gets_its_explanation_not_a_server_error(served):
    with pytest.raises(QueryError) as raised:
        search(open_kb(served.kb_path, readonly=True), '"unbalanced')
    status, _, body = fetch(served.url("/-/search.json", q='"unbalanced'))
    assert status == 400 and json.loads(body)["error"] == str(raised.value)
    status, _, body = fetch(served.url("/-/search", q="langvakter AND"))
    assert status == 400 and "needs a search word on both sides" in body.decode("utf-8")


def test_the_search_box_of_the_pages_table_runs_the_one_search(served):
    status, headers, _ = fetch(served.url(f"/{served.db}/pages", _search="langvakter"), follow=False)
    assert status == 302 and headers["location"] == "/-/search?q=langvakter"
    status, headers, _ = fetch(served.url(f"/{served.db}/pages.json", _search="økt nærvær"), follow=False)
    assert status == 302 and headers["location"] == "/-/search.json?" + urllib.parse.urlencode({"q": "økt nærvær"})


# -- canned queries ------------------------------------------------------------------------------


def query_rows(served, name: str, **params: str) -> list[dict]:
    return fetch_json(served.url(f"/{served.db}/{name}.json", _shape="array", **params))


def test_the_dossier_query_is_the_dossier(served, kb):
    for name in ("Drammen", "Løten", "0602"):
        expected = rows(kb, name)
        web = query_rows(served, "kommunedossier", kommune=name)
        assert web == [{"section": s, **row} for s in SECTIONS for row in expected[s]]
        assert expected["page"] and list(web[0]) == list(COLUMNS)


def test_the_dossier_page_is_the_report_of_saman_municipality(served, kb):
    """/-/municipality.json is the dict `saman municipality --json` prints; the page shows each
    work once with its copies, each page naming it with its picture and line, and the measures."""
    for name in ("Drammen", "Løten"):
        assert fetch_json(served.url("/-/municipality.json", kommune=name)) == json.loads(json.dumps(dossier(kb, name)))
    report = dossier(kb, "Drammen")
    status, _, body = fetch(served.url("/-/municipality", kommune="Drammen"))
    html = body.decode("utf-8")
    assert status == 200 and "rows-and-columns" not in html  # a report, not the canned query's grid
    assert html.count('class="saman-work"') == len(report["works"]) == report["totals"]["works"]
    for work in report["works"]:
        assert html.count(f"</span> {work['title']}</h3>") == 1
        for copy in work["copies"]:
            assert f'<span class="saman-copy">{copy["file_name"]}' in html
        for page in work["pages"]:
            assert f'src="/-/thumbnail/{work["doc_id"]}/{page["page"]}.png"' in html
    assert html.count('class="saman-hit"') == report["totals"]["pages"]
    assert "heldt sekretariatet tre temaverkstader: heltid i <mark>Drammen</mark>" in html
    for measure in report["measures"]:
        assert f"<td>{measure['measure']}</td>" in html and f"<td>{measure['value']}</td>" in html
    status, _, body = fetch(served.url("/-/municipality", kommune="Atlantis"))
    assert status == 404 and "no municipality “Atlantis”" in body.decode()
    status, _, body = fetch(served.url("/-/municipality", kommune="Drammen", county="Nordland"))
    assert status == 404 and "Drammen 0602</a> (Buskerud)" in body.decode()


def test_the_dossier_page_lists_the_municipalities_sharing_a_name(search_kb, tmp_path):
    with serving(served_copy(search_kb, tmp_path)) as base:
        status, _, body = fetch(base + "/-/municipality?" + urllib.parse.urlencode({"kommune": "Bø"}))
        html = body.decode()
        assert status == 200 and "2 municipalities are called “Bø”" in html and 'class="saman-work"' not in html
        assert "/-/municipality?kommune=B%C3%B8+1867" in html and "Nordland" in html and "Telemark" in html
        chosen = fetch_json(base + "/-/municipality.json?" + urllib.parse.urlencode({"kommune": "Bø 1867"}))
        assert [p["page"] for w in chosen["works"] for p in w["pages"]] == [2, 3]
        by_county = fetch_json(base + "/-/municipality.json?" + urllib.parse.urlencode({"kommune": "Bø", "county": "Telemark"}))
        assert [m["kommunenummer"] for m in by_county["municipalities"]] == ["0821"]


def test_municipalities_by_theme(served, kb):
    m, t = kb.frame("municipality"), kb.frame("theme")
    on_theme = m.merge(t[t.page.notna() & (t.theme == "heltid_deltid")][["doc_id", "page"]].drop_duplicates(), on=["doc_id", "page"])
    expected = {
        (k, name, fylke): (g.doc_id.nunique(), len(set(zip(g.doc_id, g.page))))
        for (k, name, fylke), g in on_theme.groupby(["kommunenummer", "name", "fylke"])
    }
    rows = query_rows(served, "kommuner_per_tema", tema="heltid_deltid")
    assert rows and {r["tema"] for r in rows} == {"heltid_deltid"}
    assert {(r["kommunenummer"], r["kommune"], r["fylke"]): (r["dokumenter"], r["sider"]) for r in rows} == expected
    assert [r["sider"] for r in rows] == sorted((r["sider"] for r in rows), reverse=True)
    assert len(query_rows(served, "kommuner_per_tema", tema="")) > len(rows)


def test_the_measure_matrix_of_a_theme(served, kb):
    measures = kb.frame("measure")
    theme = measures[measures.theme == "heltid_deltid"]
    assert len(theme)
    long = query_rows(served, "tiltaksmatrise", tema="heltid_deltid")
    assert sorted((r["kommune"], r["tiltak"], r["verdi"]) for r in long) == sorted(zip(theme.municipality, theme.measure, theme.value))
    matrix = query_rows(served, "tiltaksmatrise_heltid_deltid")
    assert {r["kommune"] for r in matrix} == set(theme.municipality)
    for row in matrix:
        own = theme[theme.municipality == row["kommune"]]
        for measure in set(theme.measure):
            cell = row[measure]
            assert (set(cell.split(MATRIX_SEPARATOR)) if cell else set()) == set(own[own.measure == measure].value)


def test_all_counts_for_a_subject(served, kb):
    counts = kb.frame("count")
    expected = counts[counts.subject.fillna("").str.casefold().str.contains("pulje 1")]
    assert len(expected)
    rows = query_rows(served, "tall_for_emne", emne="Pulje 1")
    assert sorted((r["file_name"], r["page"], r["tekst"], r["verdi"]) for r in rows) == sorted(
        zip(expected.file_name, expected.page, expected.text, expected.value))


def test_counts_for_a_subject_in_bokmal_include_nynorsk(served, kb):
    counts = kb.frame("count")
    nynorsk = counts[counts.subject.fillna("").str.casefold().str.contains("sjukefråvær")]
    assert len(nynorsk)
    rows = query_rows(served, "tall_for_emne", emne="sykefravær")
    found = {(r["file_name"], r["page"], r["tekst"]) for r in rows}
    assert set(zip(nynorsk.file_name, nynorsk.page, nynorsk.text)) <= found
    # and nothing but sick leave, in either form
    assert rows and all("sykefravær" in bokmal_spelling((r["emne"] or "").lower()) for r in rows)


def test_the_front_page_charts_works_and_pages_per_theme_and_county(served, kb):
    """A deck and its PDF are one work: the charts count it once, by its best copy's pages."""
    status, _, body = fetch(served.url("/"))
    html = body.decode("utf-8")
    assert status == 200 and html.count("<svg") == 2
    documents = kb.frame("document")
    best = set(documents[documents.best_copy].doc_id)
    assert documents.work_id.nunique() < len(documents)
    assert f"({documents.work_id.nunique()} verk / works)" in html
    t = kb.frame("theme")
    pages = t[t.page.notna() & t.doc_id.isin(best)]
    for theme, group in pages.groupby("theme"):
        label = THEME_LABELS[theme]
        assert f"{label}: {group.doc_id.nunique()} verk / works" in html
        assert f"{label}: {len(group)} sider / pages" in html
    m = kb.frame("municipality")
    for fylke, group in m[m.doc_id.isin(best)].groupby("fylke"):
        assert f"{fylke}: {len(group)} omtaler / mentions" in html


# -- tables, pages and pictures ---------------------------------------------------------------


def test_tables_have_titles_facets_and_a_default_sort(served, kb):
    documents = fetch_json(served.url(f"/{served.db}/documents.json"))
    assert documents["human_description_en"].endswith("sorted by date")
    years = {v["value"]: v["count"] for v in documents["facet_results"]["date"]["results"]}
    dates = kb.frame("document").date.dropna()
    assert years == dates.str[:4].value_counts().to_dict()
    themes = fetch_json(served.url(f"/{served.db}/themes.json"))
    assert {v["value"] for v in themes["facet_results"]["theme"]["results"]} == set(kb.frame("theme").theme)
    status, _, body = fetch(served.url(f"/{served.db}/documents"))
    html = body.decode("utf-8")
    assert "Dokumenter / Documents" in html and 'data-column="title"' in html
    assert 'data-column="sha256"' not in html and "sha256" in documents["columns"]


def test_every_page_has_its_picture(served, kb):
    pages = kb.frame("page")
    for doc_id, page in zip(pages.doc_id, pages.page):
        status, headers, body = fetch(served.url(f"/-/thumbnail/{doc_id}/{page}.png"))
        assert status == 200 and headers["content-type"] == "image/png"
        assert Image.open(io.BytesIO(body)).width == WIDTH
    assert fetch(served.url(f"/-/thumbnail/{pages.doc_id[0]}/999.png"))[0] == 404


def test_a_page_shows_its_text_picture_and_findings(served, kb):
    m = kb.frame("municipality")
    drammen = m[m.name == "Drammen"].iloc[0]
    status, _, body = fetch(served.url(f"/-/page/{drammen.doc_id}/{drammen.page}"))
    html = body.decode("utf-8")
    assert status == 200
    page = kb.frame("page").query("doc_id == @drammen.doc_id and page == @drammen.page").iloc[0]
    assert page.title in html and drammen.file_name in html
    assert f"/-/thumbnail/{drammen.doc_id}/{drammen.page}.png" in html
    assert "/-/municipality?kommune=0602" in html
    for line in page.text.splitlines()[:5]:
        assert line.replace("&", "&amp;") in html
    assert fetch(served.url(f"/-/page/{drammen.doc_id}/999"))[0] == 404


# -- stopping -----------------------------------------------------------------------------------


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGKILL], ids=lambda s: s.name)
def test_stopping_saman_serve_stops_datasette_and_frees_the_port(tmp_path, sig):
    """The signal goes to the command alone (as `kill PID` sends it), not to its process group."""
    kb_path = tmp_path / "kb.db"
    open_kb(kb_path).close()
    port = free_port()
    servers: list[int] = []
    proc = subprocess.Popen([sys.executable, "-m", "flows.cli", "serve", "--kb", str(kb_path), "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while not listening(port) and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.1)
        assert listening(port), proc.stderr.read().decode() if proc.poll() is not None else "not up in time"
        servers += descendants(proc.pid)
        assert servers
        os.kill(proc.pid, sig)
        proc.wait(timeout=30)
        deadline = time.monotonic() + 20
        while (alive(servers) or listening(port)) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not alive(servers), "Datasette outlived saman serve"
        assert not listening(port)
        if sig != signal.SIGKILL:
            assert proc.returncode == 0, proc.stderr.read().decode()
    finally:
        for pid in alive([proc.pid, *servers]):
            os.kill(pid, signal.SIGKILL)


def test_web_search_says_how_it_matched_and_what_was_meant(served, kb):
    """The page and its JSON say what the CLI says: a relaxed match, a corrected typo with its
    suggestions, and for each hit its folded pages and other copies."""
    typo = fetch_json(served.url("/-/search.json", q="omdomme"))
    python = search(kb, "omdomme", limit=20)
    assert typo["corrected"] == python.corrected == "omdømme" and "omdømme" in typo["suggestions"]
    assert [h["page"] for h in typo["hits"]] == [h.page for h in python]
    assert [h["why"] for h in typo["hits"]] == [list(h.why) for h in python] and typo["hits"][0]["why"][0] == "spelling"
    status, _, body = fetch(served.url("/-/search", q="omdomme"))
    assert status == 200 and "showing hits for <strong>omdømme</strong>" in body.decode()
    assert '<span class="saman-why" data-why="spelling">rettet stavemåte / corrected spelling</span>' in body.decode()
    relaxed = search(kb, "langvakter zzzyxq", limit=20)
    assert relaxed.matched == "some"
    assert fetch_json(served.url("/-/search.json", q="langvakter zzzyxq"))["matched"] == "some"
    status, _, body = fetch(served.url("/-/search", q="langvakter zzzyxq"))
    assert "these hold the most of them" in body.decode()
    folded = next(h for h in search(kb, "kommune", limit=20) if h.copies)
    status, _, body = fetch(served.url("/-/search", q="kommune"))
    assert f"Kopier / copies: {', '.join(folded.copies)}" in body.decode()
